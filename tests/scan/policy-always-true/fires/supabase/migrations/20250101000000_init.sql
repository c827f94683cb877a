create table public.posts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id),
  body text
);
alter table public.posts enable row level security;
create policy "read own" on public.posts for select using (auth.uid() = user_id);
create policy "anyone writes" on public.posts for insert with check (true);
create index on public.posts (user_id);
