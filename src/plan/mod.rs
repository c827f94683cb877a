//! The plan: one pipeline of values, called the same way by `apply`, `scan`
//! and `batch`. Detect the project, walk and read its sources once, work out
//! the project model, run the codemods over each file (in parallel, one parse
//! each), then the scaffolds, then the dependencies the new code needs; last,
//! set aside what `harden.toml` silences and what cannot be written. No
//! caller finishes a plan by hand.

mod codemods;
mod dependencies;
mod refit;

use std::path::Path;
use std::time::{Duration, Instant};

use harden_codemods::{Lang, LeftAlone, Model};
use rayon::prelude::*;

pub use refit::recompute;

use crate::config::Config;
use crate::data::{Change, Finding, Note, Origin, Selection};
use crate::project::Project;
use crate::{files, git, model, registry, scaffold};

#[derive(Debug)]
pub struct Plan {
    pub project: Project,
    pub files_checked: usize,
    /// Generated files (left alone).
    pub generated: usize,
    /// The changes to review and write, in a fixed order (by file, then codemod).
    pub changes: Vec<Change>,
    /// Changes `harden.toml` silences (by check or codemod id, for the file).
    pub silenced: Vec<Change>,
    /// Changes to files harden may not write (read-only files or folders):
    /// never reviewed, still failed checks for `scan`.
    pub unwritable: Vec<Change>,
    pub notes: Vec<Note>,
    /// What the codemods saw but left alone on purpose, by file.
    pub left_alone: Vec<(String, LeftAlone)>,
    /// Problems found but not fixed, most severe first.
    pub findings: Vec<Finding>,
    /// Files scaffolds left as they are: (scaffold, path, why).
    pub kept: Vec<(&'static str, String, String)>,
    /// Values moved out of the code: masked wherever a diff would show them.
    pub secrets: Vec<String>,
    /// Every source file read: (path, text), by path, for the scan's checks.
    pub texts: Vec<(String, String)>,
    pub elapsed: Duration,
    /// What harden knows about the project (to recompute a change; for scaffolds and checks).
    pub model: Model,
}

pub fn build(root: &Path, selection: &Selection, config: &Config) -> anyhow::Result<Plan> {
    let started = Instant::now();
    let project = Project::detect(root);
    let (sources, mut notes) = files::walk(root, &config.exclude)?;
    notes.extend(project.notes.iter().cloned());
    // Read every file once, in parallel.
    let texts: Vec<Result<String, String>> = sources.par_iter().map(|s| files::read_source(&s.abs)).collect();
    let codemods = codemods::applicable(&project, selection);
    let model::Built { model, trees, passed } = model::build(&project, &sources, &texts, config, &codemods);
    let ran = codemods::run(&project, &codemods, &sources, &texts, trees, passed, &model);
    let mut changes = ran.changes;
    let mut findings = ran.findings;
    let mut env_reads = ran.env_reads;
    let mut needs = ran.needs;
    notes.extend(ran.notes);
    let mut kept = Vec::new();
    let tracked = |path: &str| git::is_tracked(root, path);
    // The sources as read once, by path, for scaffolds and the scan's checks.
    let mut read: Vec<(String, String)> =
        sources.iter().zip(texts).filter_map(|(s, t)| Some((s.rel.clone(), t.ok()?))).collect();
    read.sort_by(|a, b| a.0.cmp(&b.0));
    if !ran.moved.is_empty() {
        // The moved values go to the local .env, which git must ignore.
        let origin = Origin { check: None, ..registry::codemod_origin("secrets-to-env") };
        let ctx = scaffold::Context {
            root,
            project: &project,
            model: &model,
            env_reads: &env_reads,
            tracked: &tracked,
            planned: &changes,
            sources: &read,
        };
        let mut local = scaffold::dotenv::local_env_changes(&ctx, &ran.moved, origin, &mut notes);
        let ctx = scaffold::Context { planned: &[changes.clone(), local.clone()].concat(), ..ctx };
        local.extend(scaffold::dotenv::gitignore_change(&ctx, origin));
        changes.extend(local);
    }
    for s in selection.scaffolds.iter().filter_map(|id| registry::scaffold(id)) {
        let ctx = scaffold::Context {
            root,
            project: &project,
            model: &model,
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
    changes.extend(dependencies::changes(root, &changes, &needs, &mut notes));
    findings.sort();
    let mut plan = Plan {
        project,
        files_checked: sources.len(),
        generated: ran.generated,
        changes,
        silenced: Vec::new(),
        unwritable: Vec::new(),
        notes,
        left_alone: ran.left_alone,
        findings,
        kept,
        secrets: ran.moved.into_iter().map(|(_, _, value)| value).collect(),
        texts: read,
        elapsed: Duration::ZERO,
        model,
    };
    refit::silence(&mut plan, config);
    refit::leave_out_unwritable(&mut plan, root);
    plan.notes.sort();
    plan.elapsed = started.elapsed();
    Ok(plan)
}
