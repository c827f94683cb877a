//! Drizzle without a migrations setup: a `drizzle.config` pointing
//! drizzle-kit at the schema the code defines, and scripts to generate and
//! apply migrations.

use serde_json::json;

use super::ORIGIN;
use crate::project::join;
use crate::project::App;
use crate::scaffold::{propose, render, Context, Output};

pub fn run(ctx: &Context, app: &App, out: &mut Output) {
    let app_root = ctx.root.join(&app.dir);
    let has_config = ["drizzle.config.ts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.json"]
        .iter()
        .any(|f| app_root.join(f).is_file());
    if has_config {
        return;
    }
    // The file that defines the tables, and the dialect it uses.
    let found = ctx.sources_of(&app.dir).find_map(|(path, text)| {
        let dialect = [("pgTable(", "postgresql"), ("mysqlTable(", "mysql"), ("sqliteTable(", "sqlite")]
            .iter()
            .find(|(call, _)| text.contains(call))
            .map(|(_, d)| *d)?;
        Some((path.clone(), dialect))
    });
    let Some((schema, dialect)) = found else { return };
    // PGlite and SQLite files are set up differently (a driver, a path).
    let uses = |m: &str| ctx.sources.iter().any(|(_, t)| t.contains(m));
    if uses("drizzle-orm/pglite") || uses("drizzle-orm/better-sqlite3") || uses("drizzle-orm/libsql") {
        out.kept.push((
            join(&app.dir, "package.json"),
            "an embedded database (PGlite, SQLite): set drizzle-kit's driver up by hand".into(),
        ));
        return;
    }
    let schema = schema.strip_prefix(&format!("{}/", app.dir)).unwrap_or(&schema).to_string();
    let typescript = app.typescript_dep;
    let file = join(&app.dir, if typescript { "drizzle.config.ts" } else { "drizzle.config.mjs" });
    let Ok(text) = render(
        "migrations/drizzle-config",
        &json!({ "schema": schema, "dialect": dialect, "typescript": typescript }),
    ) else {
        return;
    };
    let why = "the tables live only in code: drizzle-kit needs this config to generate migrations from them and apply them".to_string();
    out.changes.extend(propose(ctx, &file, text, ORIGIN, why));
    let scripts = [("db:generate", "drizzle-kit generate"), ("db:migrate", "drizzle-kit migrate")];
    let why = "scripts to generate migrations from the schema and apply them";
    out.changes.extend(super::add_scripts(ctx, &app.dir, &scripts, why));
    out.dependencies.push((app.dir.clone(), "drizzle-kit"));
}
