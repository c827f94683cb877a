//! `harden batch DIR`: every project under a folder, in parallel, each on
//! its own (one broken project never stops the others), with one table of
//! results. A dry run unless `--yes`.

use std::collections::BTreeMap;
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use serde_json::json;

use crate::cli::BatchArgs;
use crate::config::Config;
use crate::data::by_file;
use crate::error::{refuse, Exit};
use crate::files::SKIPPED_DIRS;
use crate::{git, journal, patch, plan, registry, scan};

/// What happened to one project.
struct Outcome {
    path: PathBuf,
    /// Relative to the batch folder (`.` for the folder itself).
    name: String,
    stack: String,
    status: &'static str,
    error: Option<String>,
    score_before: Option<u32>,
    score_after: Option<u32>,
    /// Changes by codemod or scaffold.
    proposed: BTreeMap<String, usize>,
    applied: BTreeMap<String, usize>,
    findings: BTreeMap<&'static str, usize>,
    millis: u128,
}

/// Folders holding a `package.json`, outside dependencies and build output;
/// a project's nested apps belong to it.
pub fn discover(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut walk = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name().into_iter();
    while let Some(entry) = walk.next() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && (SKIPPED_DIRS.contains(&name.as_ref()) || name.starts_with('.')) {
            walk.skip_current_dir();
            continue;
        }
        if entry.path().join("package.json").is_file() {
            found.push(entry.path().to_path_buf());
            // Its nested apps (server/, workspaces) are part of it.
            walk.skip_current_dir();
        }
    }
    found
}

pub fn run(args: &BatchArgs) -> anyhow::Result<Exit> {
    let dir = &args.dir;
    if !dir.is_dir() {
        return refuse(format!("{}: not a folder; give the folder that holds the projects", dir.display()));
    }
    if let Some(patches) = &args.patch_dir {
        fs::create_dir_all(patches)
            .with_context(|| format!("{}: cannot create the patch folder", patches.display()))?;
    }
    let projects = discover(dir);
    if projects.is_empty() {
        return refuse(format!("{}: no project (a folder with a package.json) found", dir.display()));
    }
    let jobs =
        args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(harden_codemods::STACK_SIZE)
        .build()
        .context("cannot start the worker threads")?;
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal {
        let bar = indicatif::ProgressBar::new(projects.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let done = AtomicUsize::new(0);
    let total = projects.len();
    let outcomes: Vec<Outcome> = pool.install(|| {
        use rayon::prelude::*;
        projects
            .par_iter()
            .map(|root| {
                let name = root
                    .strip_prefix(dir)
                    .ok()
                    .map(|p| p.display().to_string())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| ".".into());
                // A panic is a bug in harden, and still only this project's failure.
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| one(root, &name, args)))
                        .unwrap_or_else(|_| failed(root, &name, "internal error (a bug in harden)".into()));
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                let line = summary_line(&outcome);
                match &bar {
                    Some(bar) => {
                        bar.set_position(n as u64);
                        bar.set_message(outcome.name.clone());
                        bar.println(line);
                    }
                    None => eprintln!("[{n}/{total}] {line}"),
                }
                outcome
            })
            .collect()
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut outcomes = outcomes;
    outcomes.sort_by(|a, b| a.name.cmp(&b.name));
    print!("{}", markdown(&outcomes));
    let failed_count = outcomes.iter().filter(|o| o.status == "failed").count();
    eprintln!(
        "{} project(s) in {:.1} s with {jobs} job(s): {} ok, {} skipped, {failed_count} failed",
        outcomes.len(),
        started.elapsed().as_secs_f64(),
        outcomes.iter().filter(|o| o.status == "ok").count(),
        outcomes.iter().filter(|o| o.status == "skipped").count(),
    );
    if let Some(report) = &args.report {
        let text = if report.extension().is_some_and(|e| e == "json") {
            json_report(&outcomes)
        } else {
            markdown(&outcomes)
        };
        fs::write(report, text).with_context(|| format!("{}: cannot write the report", report.display()))?;
        eprintln!("wrote {}", report.display());
    }
    Ok(if failed_count > 0 { Exit::ChangesFound } else { Exit::Success })
}

fn failed(root: &Path, name: &str, error: String) -> Outcome {
    Outcome {
        path: root.to_path_buf(),
        name: name.to_string(),
        stack: String::new(),
        status: "failed",
        error: Some(error),
        score_before: None,
        score_after: None,
        proposed: BTreeMap::new(),
        applied: BTreeMap::new(),
        findings: BTreeMap::new(),
        millis: 0,
    }
}

fn one(root: &Path, name: &str, args: &BatchArgs) -> Outcome {
    let started = Instant::now();
    let mut outcome = match try_one(root, name, args) {
        Ok(o) => o,
        Err(e) => failed(root, name, crate::error::one_line(&format!("{e:#}"))),
    };
    outcome.millis = started.elapsed().as_millis();
    outcome
}

fn try_one(root: &Path, name: &str, args: &BatchArgs) -> anyhow::Result<Outcome> {
    // A broken package.json fails the project, not the batch.
    crate::project::read_manifest(&root.join("package.json")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let config = Config::load(root)?;
    let selection = registry::select(&args.pick.only, &args.pick.skip, &config)?;
    // As in `apply`: read-only files and folders are left out, not a failure.
    let plan = plan::build(root, &selection, &config)?;
    let report = scan::report(&plan, &config);
    let mut outcome = failed(root, name, String::new());
    outcome.error = None;
    outcome.status = "ok";
    outcome.stack = report.stack.clone();
    outcome.score_before = Some(report.score);
    for h in &report.hits {
        *outcome.findings.entry(h.severity.label()).or_default() += 1;
    }
    for c in &plan.changes {
        *outcome.proposed.entry(c.origin.id.to_string()).or_default() += 1;
    }
    if let Some(patches) = &args.patch_dir {
        let (patch, _, _) = patch::shareable(&plan.changes, &plan.secrets);
        let file = name.replace(['/', '\\'], "__");
        let file = if file == "." { "project".to_string() } else { file };
        fs::write(patches.join(format!("{file}.patch")), patch)?;
    }
    if !args.yes || plan.changes.is_empty() {
        // What it would score once the changes are made.
        outcome.score_after = Some(scan::report_after(&plan, &config).score);
        return Ok(outcome);
    }
    if !args.allow_dirty {
        if let Some(dirty) = git::dirty_files(root).filter(|d| !d.is_empty()) {
            outcome.status = "skipped";
            outcome.error = Some(format!(
                "{} file(s) have uncommitted changes (e.g. {}); commit them or pass --allow-dirty",
                dirty.len(),
                dirty[0]
            ));
            return Ok(outcome);
        }
    }
    if let Some(branch) = &args.branch {
        match git::dirty_files(root) {
            Some(d) if d.is_empty() => {}
            Some(_) => {
                outcome.status = "skipped";
                outcome.error = Some("uncommitted changes: --branch needs a clean work tree".into());
                return Ok(outcome);
            }
            None => {
                outcome.status = "skipped";
                outcome.error = Some("not a git repository: --branch needs one".into());
                return Ok(outcome);
            }
        }
        git_run(root, &["checkout", "-q", "-b", branch])?;
    }
    let writes = by_file(&plan.changes);
    journal::write_all(root, &writes)?;
    for c in &plan.changes {
        *outcome.applied.entry(c.origin.id.to_string()).or_default() += 1;
    }
    if args.branch.is_some() {
        let mut message = String::from("harden: production pass\n\n");
        for (origin, n) in &outcome.applied {
            message.push_str(&format!("- {origin}: {n} change(s)\n"));
        }
        let paths: Vec<&str> = writes.iter().map(|w| w.path.as_str()).collect();
        let mut add = vec!["add", "--"];
        add.extend(paths);
        git_run(root, &add)?;
        git_run(
            root,
            &["-c", "user.name=harden", "-c", "user.email=harden@localhost", "commit", "-q", "-m", &message],
        )?;
    }
    let after = plan::build(root, &selection, &config)?;
    outcome.score_after = Some(scan::report(&after, &config).score);
    Ok(outcome)
}

fn git_run(root: &Path, args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new("git").arg("-C").arg(root).args(args).output().context("git runs")?;
    if !out.status.success() {
        anyhow::bail!("git {}: {}", args.first().unwrap_or(&""), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

fn summary_line(o: &Outcome) -> String {
    match (o.status, &o.error) {
        ("ok", _) => {
            let proposed: usize = o.proposed.values().sum();
            let applied: usize = o.applied.values().sum();
            let score = match (o.score_before, o.score_after) {
                (Some(b), Some(a)) => format!("score {b} → {a}"),
                _ => String::new(),
            };
            let done =
                if applied > 0 { format!("{applied} applied") } else { format!("{proposed} proposed") };
            format!("{}: {done}, {score} ({} ms)", o.name, o.millis)
        }
        (status, Some(e)) => format!("{}: {status}: {e}", o.name),
        (status, None) => format!("{}: {status}", o.name),
    }
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    if map.is_empty() {
        return "–".into();
    }
    map.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}

fn markdown(outcomes: &[Outcome]) -> String {
    let mut out = String::from("| project | stack | status | score | findings (c/h/m/l) | proposed | applied | time |\n|---|---|---|---|---|---|---|---:|\n");
    for o in outcomes {
        let score = match (o.score_before, o.score_after) {
            (Some(b), Some(a)) => format!("{b} → {a}"),
            (Some(b), None) => b.to_string(),
            _ => "–".into(),
        };
        let f = |s: &str| o.findings.get(s).copied().unwrap_or(0);
        let status = match &o.error {
            Some(e) => format!("{}: {}", o.status, e.replace('|', "\\|")),
            None => o.status.to_string(),
        };
        out.push_str(&format!(
            "| {} | {} | {status} | {score} | {}/{}/{}/{} | {} | {} | {} ms |\n",
            o.name,
            if o.stack.is_empty() { "–" } else { &o.stack },
            f("critical"),
            f("high"),
            f("medium"),
            f("low"),
            counts(&o.proposed),
            counts(&o.applied),
            o.millis
        ));
    }
    out
}

fn json_report(outcomes: &[Outcome]) -> String {
    let projects: Vec<_> = outcomes
        .iter()
        .map(|o| {
            json!({
                "path": o.path.display().to_string(),
                "name": o.name,
                "stack": o.stack,
                "status": o.status,
                "error": o.error,
                "score_before": o.score_before,
                "score_after": o.score_after,
                "proposed": o.proposed,
                "applied": o.applied,
                "findings": o.findings,
                "millis": o.millis,
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({ "projects": projects })).unwrap_or_default() + "\n"
}
