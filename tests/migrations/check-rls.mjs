// Applies a Supabase project's migrations, in order, to a real Postgres
// (PGlite) with a minimal stand-in for Supabase's auth schema and roles,
// then reads and writes as two users. Prints one JSON object.
import { PGlite } from "@electric-sql/pglite";
import { readdirSync, readFileSync } from "node:fs";

const db = new PGlite();
await db.exec(`
  create schema auth;
  create table auth.users (id uuid primary key, email text, raw_user_meta_data jsonb not null default '{}'::jsonb);
  create function auth.uid() returns uuid language sql stable
    as $$ select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
  create role anon nologin;
  create role authenticated nologin;
  grant usage on schema public to anon, authenticated;
  grant usage on schema auth to anon, authenticated;
  alter default privileges in schema public grant all on tables to anon, authenticated;
`);
const dir = "supabase/migrations";
for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
  try {
    await db.exec(readFileSync(`${dir}/${file}`, "utf8"));
  } catch (error) {
    console.log(JSON.stringify({ failed: file, error: error.message }));
    process.exit(0);
  }
}
if (process.argv[2] === "apply-only") {
  console.log(JSON.stringify({ applied: readdirSync(dir).filter((f) => f.endsWith(".sql")).length }));
  process.exit(0);
}
const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const PA = "10000000-0000-4000-8000-00000000000a";
const PB = "10000000-0000-4000-8000-00000000000b";
await db.exec(`
  insert into auth.users (id, email) values ('${A}', 'a@example.com'), ('${B}', 'b@example.com');
  insert into public.projects (id, name, owner_id) values ('${PA}', 'A project', '${A}'), ('${PB}', 'B project', '${B}');
  insert into public.members (name, project_id) values ('A member', '${PA}'), ('B member', '${PB}');
`);

async function as(user, sql) {
  await db.exec(`set role authenticated; select set_config('request.jwt.claim.sub', '${user}', false);`);
  try {
    const result = await db.query(sql);
    return { rows: result.rows, affected: result.affectedRows ?? 0 };
  } catch (error) {
    return { error: error.message };
  } finally {
    await db.exec("reset role");
  }
}

const names = (r) => (r.rows ?? []).map((row) => Object.values(row)[0]);
const out = {
  aMembers: names(await as(A, "select name from public.members order by name")),
  bMembers: names(await as(B, "select name from public.members order by name")),
  aProfiles: names(await as(A, "select id from public.profiles")),
  aInsertsIntoB: await as(A, `insert into public.members (name, project_id) values ('intruder', '${PB}')`),
  aUpdatesB: (await as(A, `update public.members set name = 'taken' where project_id = '${PB}'`)).affected,
  aInsertsOwn: await as(A, `insert into public.members (name, project_id) values ('A second', '${PA}')`),
  anonProjects: names(await (async () => {
    await db.exec("set role anon; select set_config('request.jwt.claim.sub', '', false);");
    try { return { rows: (await db.query("select name from public.projects")).rows }; } catch (e) { return { error: e.message }; } finally { await db.exec("reset role"); }
  })()),
};
console.log(JSON.stringify(out));
