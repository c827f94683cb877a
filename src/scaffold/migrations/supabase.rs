//! Supabase: a new migration that turns row-level security on where it is
//! off, always with policies that keep the app working, and indexes the
//! columns the app joins and filters on. Existing migrations are never
//! edited (Lovable names them `<timestamp>-<uuid>.sql`; they stay).
//!
//! - A table with an owner column (one referencing `auth.users`, or a uuid
//!   `user_id`/`owner_id`) gets owner policies.
//! - A table pointing at an owned table gets policies through its parent.
//! - A table with neither is not touched but reported: RLS without a policy
//!   locks the app out, and who may read it is a human's call.

use std::collections::{BTreeMap, BTreeSet};

use harden_codemods::Severity;

use crate::data::{Finding, Origin};
use crate::scaffold::{propose, Context, Output};
use harden_codemods::model::schema::{Schema, Source, Table};

use super::{ID, TITLE};

/// What a table's policies must cover for the app to keep working.
const COMMANDS: &[&str] = &["select", "insert", "update", "delete"];
pub const DIR: &str = crate::model::MIGRATIONS;

pub fn run(ctx: &Context, out: &mut Output) {
    let used = code_tables(ctx);
    // Name order, as the CLI applies them; harden's own last.
    let files = crate::model::migration_names(ctx.root);
    // The database as the migrations leave it (the model replayed them).
    let mut schema = Schema::default();
    schema.tables = ctx
        .model
        .schema
        .tables
        .iter()
        .filter(|(_, t)| t.source == Source::Migrations)
        .map(|(n, t)| (n.clone(), t.clone()))
        .collect();
    // Tables the code reads that no migration creates: built by hand.
    let missing: Vec<&String> =
        used.keys().filter(|t| !schema.tables.contains_key(&format!("public.{t}"))).collect();
    if !missing.is_empty() && !used.is_empty() {
        let names: Vec<&str> = missing.iter().take(6).map(|s| s.as_str()).collect();
        let more = if missing.len() > 6 { format!(" and {} more", missing.len() - 6) } else { String::new() };
        report(out, "tables-not-in-migrations", Severity::Medium, format!(
                "the code reads {}{more}, which no migration creates: the database was built by hand. Capture it with `supabase db pull` so it can be rebuilt and reviewed",
                names.join(", ")
            ));
    }
    if files.is_empty() {
        return;
    }
    // The CLI runs only `<digits>_<name>.sql`; others were applied by hand, if at all.
    let skipped: Vec<&String> = files
        .iter()
        .filter(|f| {
            let digits = f.chars().take_while(|c| c.is_ascii_digit()).count();
            digits == 0 || f.as_bytes().get(digits) != Some(&b'_')
        })
        .collect();
    if !skipped.is_empty() {
        let names: Vec<&str> = skipped.iter().take(3).map(|s| s.as_str()).collect();
        let more = if skipped.len() > 3 { format!(" and {} more", skipped.len() - 3) } else { String::new() };
        report(out, "migration-names", Severity::Low, format!(
                "`supabase db push` skips {} migration(s) not named `<timestamp>_<name>.sql` ({}{more}): check they are applied; harden never renames migrations",
                skipped.len(),
                names.join(", ")
            ));
    }
    let mut sql = String::new();
    let mut secured = Vec::new();
    let mut indexed = 0;
    for (name, table) in schema.tables.iter().filter(|(n, _)| n.starts_with("public.")) {
        let short = &name["public.".len()..];
        if !table.rls {
            let covered =
                |command: &str| table.policies.iter().any(|p| p.command == "all" || p.command == command);
            let missing: Vec<&str> = COMMANDS.iter().copied().filter(|c| !covered(c)).collect();
            if !table.policies.is_empty() && missing.is_empty() {
                // Policies written but never switched on.
                sql.push_str(&format!("\n-- {name} has policies but row-level security was never enabled.\nalter table {} enable row level security;\n", quoted(name)));
                secured.push(short.to_string());
            } else if let Some(owner) = owner_column(table) {
                sql.push_str(&owner_policies(name, short, &owner, table, &missing));
                secured.push(short.to_string());
            } else if let Some((column, parent, parent_owner)) =
                child_of_owned(table, &schema).filter(|_| table.policies.is_empty())
            {
                sql.push_str(&child_policies(name, short, &column, &parent, &parent_owner, table));
                secured.push(short.to_string());
            } else {
                report(out, "rls-disabled", Severity::High, format!(
                        "{name} has row-level security off and no owner column: anyone with the public anon key can read and change every row. Decide who may see it and add policies (harden leaves it: RLS without a policy locks the app out)"
                    ));
            }
        } else if table.policies.is_empty() {
            report(
                out,
                "rls-no-policy",
                Severity::Medium,
                format!(
                    "{name} has row-level security on and no policy: the app can neither read nor write it"
                ),
            );
        }
        for policy in table.open_writes().iter().map(|p| &p.name) {
            report(
                out,
                "policy-always-true",
                Severity::High,
                format!(
                    "{name}: the policy \"{policy}\" lets anyone write (`true`): scope it to the row's owner"
                ),
            );
        }
        // Indexes: foreign keys, and the columns the code filters on.
        let mut wanted: BTreeSet<String> = table
            .foreign_keys
            .iter()
            .filter(|(cols, _, _)| cols.len() == 1)
            .map(|(cols, _, _)| cols[0].clone())
            .collect();
        // Filters on a key-like column (not a status or a type: few values,
        // where an index rarely pays).
        let key_like =
            |c: &str| c.ends_with("_id") || ["email", "slug", "username", "code", "token"].contains(&c);
        if let Some(filters) = used.get(short) {
            wanted.extend(filters.iter().filter(|c| table.has_column(c) && key_like(c)).cloned());
        }
        let missing: Vec<&String> = wanted.iter().filter(|c| !table.indexed(c)).collect();
        if !missing.is_empty() {
            sql.push('\n');
        }
        for column in missing {
            sql.push_str(&format!(
                "create index if not exists {} on {} ({});\n",
                quoted_ident(&format!("{short}_{column}_idx")),
                quoted(name),
                quoted_ident(column)
            ));
            indexed += 1;
        }
    }
    if sql.is_empty() {
        return;
    }
    let path = format!("{DIR}/{}_harden_row_level_security.sql", timestamp(&files));
    let header = "-- Written by harden: row-level security with policies that keep the app working,\n-- and indexes for the columns the app joins and filters on. Review it, then apply it\n-- with `supabase db push` (or `supabase migration up` locally).\n";
    let mut parts = Vec::new();
    if !secured.is_empty() {
        parts.push(format!("row-level security on {}", secured.join(", ")));
    }
    if indexed > 0 {
        parts.push(format!("{indexed} index(es)"));
    }
    let why = if secured.is_empty() {
        format!("lookups by these columns read whole tables; this migration adds {}", parts.join(" and "))
    } else {
        format!(
            "with row-level security off, anyone holding the public anon key reads and changes every row; this migration adds {}",
            parts.join(" and ")
        )
    };
    let check = if secured.is_empty() { "fk-no-index" } else { "rls-disabled" };
    let origin = Origin { id: ID, title: TITLE, check: Some(check) };
    out.changes.extend(propose(ctx, &path, format!("{header}{sql}"), origin, why));
}

/// A finding about the migrations folder.
fn report(out: &mut Output, check: &'static str, severity: Severity, message: String) {
    out.findings.push(Finding { check, severity, origin: ID, path: DIR.to_string(), line: None, message });
}

/// A column holding the owning user's id.
fn owner_column(table: &Table) -> Option<String> {
    let fk = table
        .foreign_keys
        .iter()
        .find(|(cols, target, _)| cols.len() == 1 && target == "auth.users")
        .map(|(cols, _, _)| cols[0].clone());
    fk.or_else(|| {
        ["user_id", "owner_id"]
            .iter()
            .find(|c| table.column_type(c).is_some_and(|t| t.starts_with("uuid")))
            .map(|c| c.to_string())
    })
}

/// (its column, the parent table, the parent's owner column) for a table
/// pointing at an owned table.
fn child_of_owned(table: &Table, schema: &Schema) -> Option<(String, String, String)> {
    table.foreign_keys.iter().filter(|(cols, _, refs)| cols.len() == 1 && refs.len() == 1).find_map(
        |(cols, target, refs)| {
            let parent = schema.tables.get(target)?;
            let owner = owner_column(parent)?;
            // Only through the parent's key.
            (parent.primary_key == *refs).then(|| (cols[0].clone(), target.clone(), owner))
        },
    )
}

fn policy_name(table: &Table, wanted: String) -> String {
    if table.policies.iter().any(|p| p.name == wanted) {
        format!("{wanted} (harden)")
    } else {
        wanted
    }
}

/// Owner policies for the `commands` the table's own policies leave out.
fn owner_policies(name: &str, short: &str, owner: &str, table: &Table, commands: &[&str]) -> String {
    let t = quoted(name);
    let check = format!("(select auth.uid()) = {}", quoted_ident(owner));
    let kept = if table.policies.is_empty() {
        String::new()
    } else {
        " Its own policies stay; these add what they leave out.".to_string()
    };
    let mut sql = format!("\n-- {name}: each signed-in user reads and changes only their own rows ({owner}).{kept}\nalter table {t} enable row level security;\n");
    for (command, verb, clause) in [
        ("select", "read", format!("using ({check})")),
        ("insert", "add", format!("with check ({check})")),
        ("update", "update", format!("using ({check}) with check ({check})")),
        ("delete", "delete", format!("using ({check})")),
    ] {
        if !commands.contains(&command) {
            continue;
        }
        let policy = policy_name(table, format!("Users {verb} their own {short}"));
        sql.push_str(&format!(
            "create policy {} on {t}\n  for {command} to authenticated {clause};\n",
            quoted_literal_ident(&policy)
        ));
    }
    sql
}

fn child_policies(name: &str, short: &str, column: &str, parent: &str, owner: &str, table: &Table) -> String {
    let t = quoted(name);
    let parent_short = parent.rsplit('.').next().unwrap_or(parent);
    let parent_key = "id";
    let owned = format!(
        "exists (select 1 from {} p where p.{} = {}.{} and p.{} = (select auth.uid()))",
        quoted(parent),
        quoted_ident(parent_key),
        quoted_ident(short),
        quoted_ident(column),
        quoted_ident(owner)
    );
    let mut sql = format!(
        "\n-- {name}: rows belong to the owner of their {parent_short} ({column} → {parent}.{owner}).\nalter table {t} enable row level security;\n"
    );
    for (command, verb, clause) in [
        ("select", "read", format!("using ({owned})")),
        ("insert", "add", format!("with check ({owned})")),
        ("update", "update", format!("using ({owned}) with check ({owned})")),
        ("delete", "delete", format!("using ({owned})")),
    ] {
        let policy = policy_name(table, format!("Users {verb} {short} of their own {parent_short}"));
        sql.push_str(&format!(
            "create policy {} on {t}\n  for {command} to authenticated {clause};\n",
            quoted_literal_ident(&policy)
        ));
    }
    sql
}

/// `public.todos`, quoting parts that need it.
fn quoted(name: &str) -> String {
    name.split('.').map(quoted_ident).collect::<Vec<_>>().join(".")
}

fn quoted_ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A policy name: always quoted (they hold spaces).
fn quoted_literal_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Tables the code reads with `.from("t")`, and the columns it filters them
/// on with `.eq("col", …)` in the same chain.
fn code_tables(ctx: &Context) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, text) in ctx.sources {
        if !text.contains("supabase") {
            continue;
        }
        for (at, _) in text.match_indices(".from(") {
            let rest = &text[at + 6..];
            let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) else { continue };
            let Some(end) = rest[1..].find(quote) else { continue };
            let table = &rest[1..1 + end];
            if table.is_empty() || !table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let filters = out.entry(table.to_string()).or_default();
            // The chain: up to the end of its statement.
            let chain = rest[1 + end..].split([';', '}']).next().unwrap_or("");
            for (i, _) in chain.match_indices(".eq(") {
                let arg = &chain[i + 4..];
                let Some(q) = arg.chars().next().filter(|c| matches!(c, '"' | '\'')) else { continue };
                if let Some(e) = arg[1..].find(q) {
                    filters.insert(arg[1..1 + e].to_string());
                }
            }
        }
    }
    out
}

/// `YYYYMMDDHHMMSS`: now (or `SOURCE_DATE_EPOCH`, for reproducible output),
/// and always after the newest existing migration.
fn timestamp(files: &[String]) -> String {
    let now =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<u64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
        });
    let stamp = civil(now);
    let newest = files
        .iter()
        .filter_map(|f| {
            let digits: String = f.chars().take_while(|c| c.is_ascii_digit()).collect();
            (digits.len() == 14).then_some(digits)
        })
        .max();
    match newest {
        Some(n) if n >= stamp => bump(&n),
        _ => stamp,
    }
}

/// Seconds since 1970 as `YYYYMMDDHHMMSS` (UTC).
fn civil(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// One second after a `YYYYMMDDHHMMSS` stamp (good enough to sort after it).
fn bump(stamp: &str) -> String {
    let n: u64 = stamp.parse().unwrap_or(0);
    let secs = n % 100;
    if secs < 59 {
        format!("{:014}", n + 1)
    } else {
        format!("{:014}", n - secs + 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(civil(0), "19700101000000");
        assert_eq!(civil(1_795_430_096), "20261123103456");
        assert_eq!(bump("20250619133521"), "20250619133522");
        assert_eq!(bump("20250619133559"), "20250619133600");
    }
}
