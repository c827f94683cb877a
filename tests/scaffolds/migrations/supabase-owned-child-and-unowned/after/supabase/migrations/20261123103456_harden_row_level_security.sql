-- Written by harden: row-level security with policies that keep the app working,
-- and indexes for the columns the app joins and filters on. Review it, then apply it
-- with `supabase db push` (or `supabase migration up` locally).

-- public.customers: each signed-in user reads and changes only their own rows (user_id).
alter table public.customers enable row level security;
create policy "Users read their own customers" on public.customers
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users add their own customers" on public.customers
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy "Users update their own customers" on public.customers
  for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy "Users delete their own customers" on public.customers
  for delete to authenticated using ((select auth.uid()) = user_id);

create index if not exists customers_email_idx on public.customers (email);
create index if not exists customers_user_id_idx on public.customers (user_id);

-- public.deals: each signed-in user reads and changes only their own rows (owner_id). Its own policies stay; these add what they leave out.
alter table public.deals enable row level security;
create policy "Users add their own deals" on public.deals
  for insert to authenticated with check ((select auth.uid()) = owner_id);
create policy "Users update their own deals" on public.deals
  for update to authenticated using ((select auth.uid()) = owner_id) with check ((select auth.uid()) = owner_id);
create policy "Users delete their own deals" on public.deals
  for delete to authenticated using ((select auth.uid()) = owner_id);

-- public.notes: rows belong to the owner of their customers (customer_id → public.customers.user_id).
alter table public.notes enable row level security;
create policy "Users read notes of their own customers" on public.notes
  for select to authenticated using (exists (select 1 from public.customers p where p.id = notes.customer_id and p.user_id = (select auth.uid())));
create policy "Users add notes of their own customers" on public.notes
  for insert to authenticated with check (exists (select 1 from public.customers p where p.id = notes.customer_id and p.user_id = (select auth.uid())));
create policy "Users update notes of their own customers" on public.notes
  for update to authenticated using (exists (select 1 from public.customers p where p.id = notes.customer_id and p.user_id = (select auth.uid()))) with check (exists (select 1 from public.customers p where p.id = notes.customer_id and p.user_id = (select auth.uid())));
create policy "Users delete notes of their own customers" on public.notes
  for delete to authenticated using (exists (select 1 from public.customers p where p.id = notes.customer_id and p.user_id = (select auth.uid())));

create index if not exists notes_customer_id_idx on public.notes (customer_id);
