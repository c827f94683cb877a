//! `env-example`: every environment variable the code reads is listed in an
//! `.env.example` beside the app (edge-function secrets in
//! `supabase/functions/.env.example`), each with where it is used and whether
//! the browser sees it; values are never copied. `.gitignore` gets `.env` and
//! `.env.*` (keeping `.env.example`), and a `.env` git already tracks is a
//! critical finding.

use std::collections::BTreeMap;
use std::fs;

use harden_codemods::env::{prisma_reads, Via};
use harden_codemods::Severity;
use serde_json::json;

use super::dotenv::{app_dir, FUNCTIONS_DIR};
use super::{dotenv, propose, render, Context, Output, Scaffold};
use crate::data::{Change, Finding, Origin};
use crate::project::join;

pub struct EnvExample;

/// Variable name → (who sees it, the places that read it).
type Names = BTreeMap<String, (&'static str, Vec<String>)>;

const ID: &str = "env-example";
const TITLE: &str = "List every env variable the code reads in .env.example; keep .env out of git";
const ORIGIN: Origin = Origin { id: ID, title: TITLE, check: Some("env-example-missing") };

/// Edge-function secrets Supabase sets itself.
const SUPABASE_PROVIDED: &[&str] =
    &["SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_DB_URL"];

impl Scaffold for EnvExample {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        TITLE
    }

    fn run(&self, ctx: &Context) -> Output {
        let mut out = Output::default();
        // Target folder ("" is the root) → name → (exposure, places used).
        let mut targets: BTreeMap<String, Names> = BTreeMap::new();
        // What tests read comes from the test runner or CI, not a developer's .env.
        for (path, read) in ctx.env_reads.iter().filter(|(path, _)| !is_test(path)) {
            let dir = if path.starts_with(&format!("{FUNCTIONS_DIR}/")) {
                FUNCTIONS_DIR.to_string()
            } else {
                app_dir(ctx, path)
            };
            let entry = targets
                .entry(dir)
                .or_default()
                .entry(read.name.clone())
                .or_insert_with(|| (exposure(read.via, &read.name), Vec::new()));
            entry.1.push(format!("{path}:{}", read.line));
        }
        for app in &ctx.project.apps {
            let schema = join(&app.dir, "prisma/schema.prisma");
            if let Ok(text) = fs::read_to_string(ctx.root.join(&schema)) {
                for name in prisma_reads(&text) {
                    let entry = targets
                        .entry(app.dir.clone())
                        .or_default()
                        .entry(name)
                        .or_insert(("Server only (Prisma's connection)", Vec::new()));
                    entry.1.push(schema.clone());
                }
            }
        }
        // Nested apps without an example of their own share the root's.
        let mut by_file: BTreeMap<String, (String, Names)> = BTreeMap::new();
        for (dir, names) in targets.iter() {
            let (path, owner) = example_path(ctx, dir);
            let entry = by_file.entry(path).or_insert_with(|| (owner, BTreeMap::new()));
            for (name, (exposure, used)) in names {
                let e = entry.1.entry(name.clone()).or_insert((exposure, Vec::new()));
                e.1.extend(used.iter().cloned());
            }
        }
        for (path, (dir, names)) in &by_file {
            if let Some(change) = example_change(ctx, path, dir, names) {
                out.changes.push(change);
            }
        }
        let env_files: Vec<String> = ctx
            .project
            .apps
            .iter()
            .map(|a| join(&a.dir, ".env"))
            .chain([join(FUNCTIONS_DIR, ".env")])
            .collect();
        let has_env_file = env_files.iter().any(|p| ctx.root.join(p).is_file());
        if !targets.is_empty() || has_env_file {
            out.changes
                .extend(dotenv::gitignore_change(ctx, Origin { check: Some("env-not-ignored"), ..ORIGIN }));
        }
        // Asking git costs a process each: only for the files that exist.
        for path in env_files.into_iter().filter(|p| ctx.root.join(p).is_file()) {
            if (ctx.tracked)(&path) == Some(true) {
                // Public values only (Lovable commits its anon key): a risk, not a leak yet.
                let text = fs::read_to_string(ctx.root.join(&path)).unwrap_or_default();
                let public = dotenv::keys(&text)
                    .iter()
                    .all(|k| k.starts_with("VITE_") || k.starts_with("NEXT_PUBLIC_"));
                let (severity, rest) = if public {
                    (Severity::Medium, "it holds only public values now, but the next secret added to it would be committed too")
                } else {
                    (Severity::Critical, "every value in it is in the history: rotate the secrets it holds")
                };
                out.findings.push(Finding {
                    check: "env-tracked",
                    severity,
                    origin: ID,
                    path: path.clone(),
                    line: None,
                    message: format!(
                        "{path} is tracked by git; {rest}. Untrack it with `git rm --cached {path}`"
                    ),
                });
            }
        }
        out
    }
}

/// Test files and test-runner configs.
fn is_test(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.split('/').any(|segment| matches!(segment, "test" | "tests" | "__tests__" | "e2e" | "cypress"))
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.starts_with("playwright.config")
        || name.starts_with("vitest.config")
        || name.starts_with("jest.config")
}

/// Who sees a variable, by how it is read.
fn exposure(via: Via, name: &str) -> &'static str {
    match via {
        Via::ImportMeta if name.starts_with("VITE_") => {
            "Public: bundled into the browser app, anyone can read it"
        }
        Via::Process if name.starts_with("NEXT_PUBLIC_") => {
            "Public: bundled into the browser app, anyone can read it"
        }
        Via::Deno => "Edge function secret (set it with `supabase secrets set`)",
        Via::ImportMeta => "Build time only (Vite does not expose it to the browser)",
        Via::Process => "Server only",
    }
}

/// The example file for the variables of `dir`, and the folder it belongs
/// to: its own (`.env.example`, or an existing `.env.sample`/`.env.template`),
/// else the root's when the root has one and `dir` is a nested app.
fn example_path(ctx: &Context, dir: &str) -> (String, String) {
    let existing = |dir: &str| {
        [".env.example", ".env.sample", ".env.template"]
            .iter()
            .map(|f| join(dir, f))
            .find(|p| ctx.root.join(p).is_file())
    };
    if let Some(path) = existing(dir) {
        return (path, dir.to_string());
    }
    if !dir.is_empty() && dir != FUNCTIONS_DIR {
        if let Some(path) = existing("") {
            return (path, String::new());
        }
    }
    (join(dir, ".env.example"), dir.to_string())
}

/// The example file `path` (for the app in `dir`): created, or completed key
/// by key.
fn example_change(ctx: &Context, path: &str, dir: &str, names: &Names) -> Option<Change> {
    let functions = dir == FUNCTIONS_DIR;
    let provided: Vec<&str> =
        SUPABASE_PROVIDED.iter().copied().filter(|n| functions && names.contains_key(*n)).collect();
    let entries: Vec<(String, String)> = names
        .iter()
        .filter(|(name, _)| !provided.contains(&name.as_str()))
        .filter_map(|(name, (exposure, used))| {
            let mut shown: Vec<&str> = used.iter().map(String::as_str).collect();
            shown.dedup();
            let more = shown.len().saturating_sub(3);
            let mut used = shown.iter().take(3).copied().collect::<Vec<_>>().join(", ");
            if more > 0 {
                used.push_str(&format!(" and {more} more"));
            }
            let block =
                render(&format!("{ID}/entry"), &json!({ "exposure": exposure, "name": name, "used": used }))
                    .ok()?;
            Some((name.clone(), block))
        })
        .collect();
    if entries.is_empty() {
        return None;
    }
    let existing = ctx.text(path);
    let after = match &existing {
        Some(text) => dotenv::merge(text, &entries)?,
        None => {
            let what = if functions {
                "the Supabase edge functions".to_string()
            } else if dir.is_empty() {
                "this app".to_string()
            } else {
                format!("the {dir}/ app")
            };
            let env_file = if functions { format!("{FUNCTIONS_DIR}/.env") } else { ".env".to_string() };
            let mut text =
                render(&format!("{ID}/header"), &json!({ "what": what, "env_file": env_file })).ok()?;
            if !provided.is_empty() {
                let names = match provided.split_last() {
                    Some((last, [])) => last.to_string(),
                    Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                    None => String::new(),
                };
                text.push_str(&render(&format!("{ID}/provided"), &json!({ "names": names })).ok()?);
            }
            dotenv::merge(&text, &entries)?
        }
    };
    let added = dotenv::keys(&after).len() - existing.as_deref().map_or(0, |t| dotenv::keys(t).len());
    let why = match existing {
        Some(_) => format!("the code reads {added} variable(s) that {path} does not list, so a new setup would miss them"),
        None => format!(
            "the code reads {added} environment variable(s) and nothing says which: a new machine or a deploy finds out by crashing"
        ),
    };
    propose(ctx, path, after, ORIGIN, why)
}
