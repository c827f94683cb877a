create table public.customers (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null,
  email text
);

create table public.notes (
  id bigint generated always as identity primary key,
  customer_id uuid not null references public.customers (id) on delete cascade,
  body text not null
);

create table public.settings (
  key text primary key,
  value jsonb
);

create table public.audit_log (
  id bigint generated always as identity primary key,
  action text not null
);
alter table public.audit_log enable row level security;
