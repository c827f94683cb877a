create table public.deals (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null,
  title text not null,
  stage text not null default 'lead'
);

create policy "Owners see their deals" on public.deals for select using (auth.uid() = owner_id);
