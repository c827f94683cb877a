create table public.logs (id bigint primary key, line text);
alter table public.logs enable row level security;
