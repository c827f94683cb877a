//! The plan: every proposed change, in a fixed order (by file, then codemod).
//! Files are read, parsed once and run through the codemods in parallel.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use harden_codemods::env::EnvRead;
use harden_codemods::{harden_file, supabase, Codemod, Lang, LeftAlone, ProjectFacts, Severity};
use rayon::prelude::*;

use crate::apply::Selection;
use crate::config::Config;
use crate::files::{self, Note};
use crate::project::Project;
use crate::{git, scaffold};

/// One codemod's edits to one file, or one new file.
#[derive(Clone, Debug)]
pub struct Change {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub origin: &'static str,
    pub title: &'static str,
    pub why: String,
    /// `None` for a file the change creates.
    pub before: Option<String>,
    pub after: String,
}

#[derive(Debug)]
pub struct Plan {
    pub project: Project,
    pub files_checked: usize,
    /// Generated files (left alone).
    pub generated: usize,
    pub changes: Vec<Change>,
    pub notes: Vec<Note>,
    /// What the codemods saw but left alone on purpose, by file.
    pub left_alone: Vec<(String, LeftAlone)>,
    /// Problems found but not fixed, most severe first.
    pub findings: Vec<Finding>,
    /// Files scaffolds left as they are: (scaffold, path, why).
    pub kept: Vec<(&'static str, String, String)>,
    /// Values moved out of the code: masked wherever a diff would show them.
    pub secrets: Vec<String>,
    /// Every source file read: (path, text), for the scan's checks.
    pub texts: Vec<(String, String)>,
    pub elapsed: Duration,
    /// What the codemods knew about the project (to recompute a change).
    pub facts: ProjectFacts,
}

/// The codemods that apply to this project's stacks.
pub fn applicable(project: &Project, codemods: &[&'static dyn Codemod]) -> Vec<&'static dyn Codemod> {
    let stacks = project.stacks();
    codemods
        .iter()
        .copied()
        .filter(|c| c.stacks().is_empty() || c.stacks().iter().any(|s| stacks.contains(s)))
        .collect()
}

/// A problem found but not fixed (reported, never with a secret's value).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub severity: Severity,
    /// The scan check it belongs to (`browser-secret`, `rls-disabled`, …).
    pub check: &'static str,
    pub path: String,
    pub line: Option<usize>,
    pub origin: &'static str,
    pub message: String,
}

/// What the codemods made of one file.
#[derive(Default)]
struct FileResult {
    changes: Vec<Change>,
    notes: Vec<Note>,
    left_alone: Vec<LeftAlone>,
    findings: Vec<Finding>,
    env_reads: Vec<EnvRead>,
    /// Values moved out of the code into `.env`: (name, value).
    moved: Vec<(String, String)>,
}

pub fn build(root: &Path, selection: &Selection, config: &Config) -> anyhow::Result<Plan> {
    let started = Instant::now();
    let project = Project::detect(root);
    let codemods = applicable(&project, &selection.codemods);
    let (sources, mut notes) = files::walk(root, &config.exclude)?;
    notes.extend(project.notes.iter().cloned());
    // Read every file once, in parallel.
    let texts: Vec<Result<String, String>> = sources.par_iter().map(|s| files::read_source(&s.abs)).collect();
    let mut facts = project_facts(&project, &sources, &texts);
    facts.page_size = config.page_size;
    facts.max_page_size = config.max_page_size;
    let generated = AtomicUsize::new(0);
    let results: Vec<FileResult> = sources
        .par_iter()
        .zip(texts.par_iter())
        .map(|(source, text)| {
            let note = |message: String| Note { path: source.rel.clone(), message };
            let Some(lang) = Lang::from_path(&source.rel) else { return FileResult::default() };
            let text = match text {
                Ok(text) => text,
                Err(message) => {
                    return FileResult { notes: vec![note(message.clone())], ..Default::default() }
                }
            };
            if files::is_generated(text) {
                generated.fetch_add(1, Ordering::Relaxed);
                // Left alone, but what it reads still belongs in .env.example.
                let env_reads = harden_file(&source.rel, text, lang, &[], &facts)
                    .map(|o| o.env_reads)
                    .unwrap_or_default();
                return FileResult { env_reads, ..Default::default() };
            }
            match harden_file(&source.rel, text, lang, &codemods, &facts) {
                Ok(outcome) => FileResult {
                    moved: outcome.changes.iter().flat_map(|c| c.env.iter().cloned()).collect(),
                    changes: outcome
                        .changes
                        .into_iter()
                        .map(|c| Change {
                            path: source.rel.clone(),
                            origin: c.codemod,
                            title: harden_codemods::by_id(c.codemod).map_or("", |m| m.title()),
                            why: c.why,
                            before: Some(c.before),
                            after: c.after,
                        })
                        .collect(),
                    notes: outcome
                        .dropped
                        .into_iter()
                        .map(|d| note(format!("change dropped: {d}")))
                        .collect(),
                    left_alone: outcome.left_alone,
                    findings: outcome
                        .findings
                        .into_iter()
                        .map(|f| Finding {
                            check: f.check,
                            severity: f.severity,
                            path: source.rel.clone(),
                            line: Some(f.line),
                            origin: f.codemod,
                            message: f.message,
                        })
                        .collect(),
                    env_reads: outcome.env_reads,
                },
                Err(e) => FileResult {
                    notes: vec![Note {
                        path: format!("{}:{}:{}", source.rel, e.line, e.col),
                        message: format!("does not parse, skipped: {}", e.message),
                    }],
                    ..Default::default()
                },
            }
        })
        .collect();
    let mut changes = Vec::new();
    let mut left_alone = Vec::new();
    let mut findings = Vec::new();
    let mut env_reads = Vec::new();
    let mut moved = Vec::new();
    for (result, source) in results.into_iter().zip(&sources) {
        moved.extend(result.moved.into_iter().map(|(name, value)| (source.rel.clone(), name, value)));
        changes.extend(result.changes);
        notes.extend(result.notes);
        findings.extend(result.findings);
        left_alone.extend(result.left_alone.into_iter().map(|l| (source.rel.clone(), l)));
        env_reads.extend(result.env_reads.into_iter().map(|r| (source.rel.clone(), r)));
    }
    // What the codemods' code imports (zod for request schemas, outside edge functions).
    let mut needs: Vec<(String, &'static str, &'static str)> = Vec::new();
    for c in
        changes.iter().filter(|c| c.origin == "validate-input" && !c.path.starts_with("supabase/functions/"))
    {
        if let Some(app) = project.app_of(&c.path).filter(|a| a.zod_major.is_none()) {
            needs.push((app.dir.clone(), "zod", c.origin));
        }
    }
    let mut kept = Vec::new();
    let tracked = |path: &str| git::is_tracked(root, path);
    // The sources as read once, by path, for scaffolds and the scan's checks.
    let mut read: Vec<(String, String)> =
        sources.iter().zip(texts).filter_map(|(s, t)| Some((s.rel.clone(), t.ok()?))).collect();
    read.sort_by(|a, b| a.0.cmp(&b.0));
    if !moved.is_empty() {
        // The moved values go to the local .env, which git must ignore.
        let ctx = scaffold::Context {
            root,
            project: &project,
            env_reads: &env_reads,
            tracked: &tracked,
            planned: &changes,
            sources: &read,
        };
        let mut local = scaffold::dotenv::local_env_changes(&ctx, &moved, &mut notes);
        let ctx = scaffold::Context { planned: &[changes.clone(), local.clone()].concat(), ..ctx };
        local.extend(scaffold::dotenv::gitignore_change(&ctx, "secrets-to-env"));
        changes.extend(local);
    }
    for s in &selection.scaffolds {
        let ctx = scaffold::Context {
            root,
            project: &project,
            env_reads: &env_reads,
            tracked: &tracked,
            planned: &changes,
            sources: &read,
        };
        let out = s.run(&ctx);
        // What the files it writes read from the environment, for .env.example.
        for c in &out.changes {
            if let Some(lang) = Lang::from_path(&c.path) {
                if let Ok(parsed) = harden_codemods::parse::parse(&c.after, lang) {
                    env_reads.retain(|(path, _)| *path != c.path);
                    let reads = harden_codemods::env::reads(&parsed.program, &c.after);
                    env_reads.extend(reads.into_iter().map(|r| (c.path.clone(), r)));
                }
            }
        }
        needs.extend(out.dependencies.into_iter().map(|(dir, package)| (dir, package, s.id())));
        changes.extend(out.changes);
        findings.extend(out.findings);
        kept.extend(out.kept.into_iter().map(|(path, why)| (s.id(), path, why)));
    }
    changes.extend(dependency_changes(root, &changes, &needs, &mut notes));
    notes.sort();
    findings.sort();
    Ok(Plan {
        project,
        files_checked: sources.len(),
        generated: generated.into_inner(),
        changes,
        notes,
        left_alone,
        findings,
        kept,
        secrets: moved.into_iter().map(|(_, _, value)| value).collect(),
        texts: read,
        elapsed: started.elapsed(),
        facts,
    })
}

/// Packages the accepted changes' code imports but the app lacks, added to
/// each app's `package.json` in one change (after every other change; an
/// existing range is never touched). `needs`: (app folder, package, origin).
fn dependency_changes(
    root: &Path,
    changes: &[Change],
    needs: &[(String, &'static str, &'static str)],
    notes: &mut Vec<Note>,
) -> Vec<Change> {
    let mut by_app: BTreeMap<&str, Vec<(&str, &'static str)>> = BTreeMap::new();
    for (dir, package, origin) in needs {
        let wanted = by_app.entry(dir.as_str()).or_default();
        if !wanted.iter().any(|(p, _)| p == package) {
            wanted.push((package, origin));
        }
    }
    let mut out = Vec::new();
    for (dir, wanted) in by_app {
        let path = if dir.is_empty() { "package.json".to_string() } else { format!("{dir}/package.json") };
        let planned = changes.iter().rev().find(|c| c.path == path).map(|c| c.after.clone());
        let Some(text) = planned.or_else(|| std::fs::read_to_string(root.join(&path)).ok()) else { continue };
        let versions = |dev: bool| -> Vec<(&str, &str)> {
            wanted
                .iter()
                .filter(|(p, _)| harden_codemods::DEV_DEPENDENCIES.contains(p) == dev)
                .filter_map(|(p, _)| {
                    harden_codemods::DEPENDENCY_VERSIONS.iter().find(|(n, _)| n == p).copied()
                })
                .collect()
        };
        let edited = harden_codemods::package_json::add_dependencies(&text, "dependencies", &versions(false))
            .and_then(|runtime| {
                let base = runtime.clone().unwrap_or_else(|| text.clone());
                let dev = harden_codemods::package_json::add_dependencies(
                    &base,
                    "devDependencies",
                    &versions(true),
                )?;
                Ok(dev.or(runtime))
            });
        match edited {
            Ok(Some(after)) => {
                let origin = wanted[0].1;
                let names: Vec<String> = wanted.iter().map(|(p, _)| format!("`{p}`")).collect();
                out.push(Change {
                    path,
                    origin,
                    title: harden_codemods::by_id(origin)
                        .map(|c| c.title())
                        .or_else(|| scaffold::by_id(origin).map(|s| s.title()))
                        .unwrap_or(""),
                    why: format!(
                        "the new code imports {}, which this app does not depend on yet",
                        names.join(", ")
                    ),
                    before: Some(text),
                    after,
                });
            }
            Ok(None) => {}
            Err(message) => notes
                .push(Note { path: path.clone(), message: format!("cannot add dependencies: {message}") }),
        }
    }
    out
}

/// Project-wide facts: the modules that create a Supabase client (a cheap text
/// test first; only those few files are parsed here), Express majors by app.
fn project_facts(
    project: &Project,
    sources: &[files::SourcePath],
    texts: &[Result<String, String>],
) -> ProjectFacts {
    let supabase_modules = sources
        .par_iter()
        .zip(texts.par_iter())
        .filter_map(|(source, text)| {
            let text = text.as_ref().ok()?;
            if !supabase::may_create_client(text) {
                return None;
            }
            let parsed = harden_codemods::parse::parse(
                text.trim_start_matches('\u{feff}'),
                Lang::from_path(&source.rel)?,
            )
            .ok()?;
            let module = supabase::client_module(&parsed.program)?;
            let key = source.rel.rsplit_once('.').map_or(source.rel.as_str(), |(stem, _)| stem).to_string();
            Some((key, module))
        })
        .collect();
    let express_majors = project
        .apps
        .iter()
        .filter_map(|app| {
            let express = app.frameworks.iter().find(|f| f.name == "Express")?;
            Some((app.dir.clone(), express.major.unwrap_or(4)))
        })
        .collect();
    let zod_majors = project.apps.iter().map(|app| (app.dir.clone(), app.zod_major)).collect();
    let prisma = project
        .apps
        .iter()
        .filter_map(|app| {
            let path = project.root.join(&app.dir).join("prisma/schema.prisma");
            let text = std::fs::read_to_string(path).ok()?;
            Some((app.dir.clone(), harden_codemods::prisma::Schema::parse(&text)))
        })
        .collect();
    // The deepest app folder holding a path.
    let app_of = |path: &str| {
        project
            .apps
            .iter()
            .filter(|a| a.dir.is_empty() || path.starts_with(&format!("{}/", a.dir)))
            .max_by_key(|a| a.dir.len())
            .map(|a| a.dir.as_str())
    };
    let reading: std::collections::HashSet<&str> = sources
        .iter()
        .zip(texts)
        .filter(|(_, text)| text.as_ref().is_ok_and(|t| harden_codemods::env::may_read(t)))
        .filter_map(|(source, _)| app_of(&source.rel))
        .collect();
    let runtimes = project
        .apps
        .iter()
        .map(|app| {
            let has = |name: &str| app.frameworks.iter().any(|f| f.name == name);
            let runtime = harden_codemods::codemod::AppRuntime {
                next: has("Next.js"),
                browser: !has("Next.js") && (has("Vite") || has("React")),
                loads_dotenv: app.loads_dotenv,
                reads_env: reading.contains(app.dir.as_str()),
            };
            (app.dir.clone(), runtime)
        })
        .collect();
    ProjectFacts {
        runtimes,
        supabase_modules,
        express_majors,
        zod_majors,
        prisma,
        root: Some(project.root.clone()),
        page_size: 0,
        max_page_size: 0,
    }
}

/// The plan's changes less those `drop` says, each later change to the same
/// file refitted onto what is really there (as the review does after a skip).
pub fn without(changes: Vec<Change>, drop: impl Fn(&Change) -> bool, facts: &ProjectFacts) -> Vec<Change> {
    let mut current: std::collections::HashMap<String, Option<String>> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for planned in changes {
        let text = current.entry(planned.path.clone()).or_insert_with(|| planned.before.clone()).clone();
        if drop(&planned) {
            continue;
        }
        let change = if text == planned.before {
            planned
        } else {
            match text.as_deref().and_then(|t| recompute(&planned, t, facts)) {
                Some(c) => c,
                None => continue,
            }
        };
        current.insert(change.path.clone(), Some(change.after.clone()));
        out.push(change);
    }
    out
}

/// Leaves out the changes to files harden may not write (read-only files,
/// folders it cannot write in), with a note for each such file, so that the
/// review shows only what can be written.
pub fn leave_out_unwritable(plan: &mut Plan, root: &Path) {
    let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &plan.changes {
        *per_file.entry(c.path.as_str()).or_default() += 1;
    }
    let blocked: BTreeMap<String, String> = per_file
        .into_iter()
        .filter_map(|(path, n)| {
            let why = files::unwritable(root, path)?;
            let s = if n == 1 { "" } else { "s" };
            Some((path.to_string(), format!("{why}: its {n} change{s} left out")))
        })
        .collect();
    if blocked.is_empty() {
        return;
    }
    plan.notes
        .extend(blocked.iter().map(|(path, message)| Note { path: path.clone(), message: message.clone() }));
    plan.notes.sort();
    plan.changes = without(std::mem::take(&mut plan.changes), |c| blocked.contains_key(&c.path), &plan.facts);
}

/// Recomputes one codemod's change on `text`, for when an earlier change to the
/// same file was skipped in review and the planned one no longer fits.
pub fn recompute(change: &Change, text: &str, facts: &ProjectFacts) -> Option<Change> {
    let codemod = harden_codemods::by_id(change.origin)?;
    let lang = Lang::from_path(&change.path)?;
    let outcome = harden_file(&change.path, text, lang, &[codemod], facts).ok()?;
    let c = outcome.changes.into_iter().next()?;
    Some(Change { why: c.why, before: Some(c.before), after: c.after, ..change.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recompute_fits_a_change_to_the_text_left_by_a_skipped_one() {
        let original =
            "export async function f() {\n  const res = await fetch('/x');\n  return res.json();\n}\n";
        // Planned on top of an earlier change that the user then skipped.
        let earlier = format!("// an earlier codemod's edit\n{original}");
        let planned = Change {
            path: "src/a.ts".into(),
            origin: "fetch-ok",
            title: "",
            why: String::new(),
            after: earlier.replace("  return", "  if (!res.ok) throw new Error('x');\n  return"),
            before: Some(earlier),
        };
        let facts = ProjectFacts::default();
        let fitted = recompute(&planned, original, &facts).expect("still applies");
        assert_eq!(fitted.before.as_deref(), Some(original));
        assert!(fitted
            .after
            .starts_with("export async function f() {\n  const res = await fetch('/x');\n  if (!res.ok)"));
        let checked = fitted.after.clone();
        assert!(recompute(&planned, &checked, &facts).is_none(), "nothing left to do on checked code");
    }
}
