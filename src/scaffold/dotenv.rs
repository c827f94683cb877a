//! Env files (`.env`, `.env.example`): `KEY=value` lines, merged key by key.
//! Existing lines are never changed or reordered; missing keys are appended
//! in the file's own line endings.

use ignore::gitignore::GitignoreBuilder;
use serde_json::json;

use super::{propose, render, Context};
use crate::data::{Change, Note, Origin};
use crate::project::join;

/// Where Supabase edge functions live; their env files sit there too.
pub const FUNCTIONS_DIR: &str = "supabase/functions";

/// The keys an env file defines (`KEY=…`, `export KEY=…`).
pub fn keys(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("export ").unwrap_or(line);
            if line.starts_with('#') {
                return None;
            }
            let (key, _) = line.split_once('=')?;
            let key = key.trim();
            (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .then(|| key.to_string())
        })
        .collect()
}

/// `text` with `entries` appended (each a block of lines ending in `KEY=…`),
/// skipping those whose key it already has. `None` when nothing is missing.
pub fn merge(text: &str, entries: &[(String, String)]) -> Option<String> {
    let present = keys(text);
    let missing: Vec<&(String, String)> = entries.iter().filter(|(key, _)| !present.contains(key)).collect();
    if missing.is_empty() {
        return None;
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    for (_, block) in missing {
        if !out.is_empty() && !out.ends_with(&format!("{eol}{eol}")) {
            out.push_str(eol);
        }
        for line in block.lines() {
            out.push_str(line);
            out.push_str(eol);
        }
    }
    Some(out)
}

/// A value as an env file holds it: quoted when it has spaces, `#` or quotes.
pub fn value(raw: &str) -> String {
    if raw.chars().all(|c| !c.is_whitespace() && !"#\"'`$\\".contains(c)) {
        raw.to_string()
    } else {
        format!("'{}'", raw.replace('\'', "'\"'\"'"))
    }
}

/// The deepest app folder holding `path` (`""`: the root).
pub fn app_dir(ctx: &Context, path: &str) -> String {
    ctx.project.app_of(path).map(|a| a.dir.clone()).unwrap_or_default()
}

/// The local `.env` files that receive the values `secrets-to-env` moved out
/// of the code: (code path, name, value). A key the file has already keeps
/// its value. Never shown: diffs mask every value.
pub fn local_env_changes(
    ctx: &Context,
    moved: &[(String, String, String)],
    origin: Origin,
    notes: &mut Vec<Note>,
) -> Vec<Change> {
    let mut by_file: std::collections::BTreeMap<String, Vec<(String, String, String)>> = Default::default();
    for (code, name, value) in moved {
        let dir = if code.starts_with(&format!("{FUNCTIONS_DIR}/")) {
            FUNCTIONS_DIR.to_string()
        } else {
            app_dir(ctx, code)
        };
        let entries = by_file.entry(join(&dir, ".env")).or_default();
        match entries.iter().find(|(n, _, _)| n == name) {
            Some((_, v, first)) if v != value => notes.push(Note {
                path: code.clone(),
                message: format!("{name} has another value in {first}; .env keeps that one, so check this file's use of it"),
            }),
            Some(_) => {}
            None => entries.push((name.clone(), value.clone(), code.clone())),
        }
    }
    let mut out = Vec::new();
    for (path, entries) in by_file {
        let existing = ctx.text(&path);
        let present = existing.as_deref().map(keys).unwrap_or_default();
        for (name, _, code) in entries.iter().filter(|(n, _, _)| present.contains(n)) {
            notes.push(Note {
                path: path.clone(),
                message: format!(
                    "already sets {name}: kept its value (the literal moved out of {code} was not written)"
                ),
            });
        }
        let lines: Vec<(String, String)> =
            entries.iter().map(|(name, v, _)| (name.clone(), format!("{name}={}", value(v)))).collect();
        let base = existing.clone().unwrap_or_else(|| {
            "# Settings and secrets for this machine only: never commit this file.\n# .env.example lists every name the code reads.\n".to_string()
        });
        let Some(after) = merge(&base, &lines) else { continue };
        let n = entries.len() - entries.iter().filter(|(n, _, _)| present.contains(n)).count();
        let why = format!("the {n} value(s) moved out of the code, so the app keeps working on this machine (values hidden here)");
        out.extend(propose(ctx, &path, after, origin, why));
    }
    out
}

/// `.env` and `.env.*` ignored, `.env.example` not.
pub fn gitignore_change(ctx: &Context, origin: Origin) -> Option<Change> {
    let path = ".gitignore";
    let existing = ctx.text(path).unwrap_or_default();
    let ignores = |text: &str, file: &str| {
        let mut builder = GitignoreBuilder::new(ctx.root);
        for line in text.lines() {
            let _ = builder.add_line(None, line);
        }
        builder.build().is_ok_and(|g| g.matched(ctx.root.join(file), false).is_ignore())
    };
    let mut lines = Vec::new();
    if !ignores(&existing, ".env") {
        lines.push(".env");
    }
    if !ignores(&existing, ".env.local") || !ignores(&existing, ".env.production") {
        lines.push(".env.*");
    }
    let with: String = format!("{existing}\n{}", lines.join("\n"));
    if ignores(&with, ".env.example") {
        lines.push("!.env.example");
    }
    if lines.is_empty() {
        return None;
    }
    let eol = if existing.contains("\r\n") { "\r\n" } else { "\n" };
    let block = render("env-example/gitignore", &json!({ "lines": lines })).ok()?;
    let mut after = existing.clone();
    if !after.is_empty() && !after.ends_with('\n') {
        after.push_str(eol);
    }
    if !after.is_empty() {
        after.push_str(eol);
    }
    for line in block.lines() {
        after.push_str(line);
        after.push_str(eol);
    }
    propose(
        ctx,
        path,
        after,
        origin,
        format!("git would commit local env files and the secrets in them; ignoring {}", lines.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_merge() {
        let text = "# db\r\nexport DATABASE_URL=postgres://x\r\nEXTRA=1\r\n";
        assert_eq!(keys(text), vec!["DATABASE_URL", "EXTRA"]);
        let merged = merge(
            text,
            &[("EXTRA".into(), "EXTRA=".into()), ("API_KEY".into(), "# Used in src/a.ts\nAPI_KEY=".into())],
        )
        .expect("one missing");
        assert_eq!(
            merged,
            "# db\r\nexport DATABASE_URL=postgres://x\r\nEXTRA=1\r\n\r\n# Used in src/a.ts\r\nAPI_KEY=\r\n"
        );
        assert_eq!(merge(&merged, &[("API_KEY".into(), "API_KEY=".into())]), None);
        assert_eq!(merge("", &[("A".into(), "A=1".into())]).as_deref(), Some("A=1\n"));
        assert_eq!(value("sk_live_abc"), "sk_live_abc");
        assert_eq!(value("a b#c"), "'a b#c'");
    }
}
