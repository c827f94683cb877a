//! The codemods over every source file: each file parsed once, in parallel,
//! and run through the codemods that apply to the project's stacks.

use std::sync::atomic::{AtomicUsize, Ordering};

use harden_codemods::env::EnvRead;
use harden_codemods::{harden_tree, Codemod, Lang, LeftAlone, Lined, Model};
use rayon::prelude::*;

use crate::data::{Change, Finding, Note, Selection};
use crate::files::{self, SourcePath};
use crate::model::Tree;
use crate::project::Project;
use crate::registry;

/// What the codemods made of the project.
#[derive(Default)]
pub struct Ran {
    pub changes: Vec<Change>,
    pub notes: Vec<Note>,
    pub left_alone: Vec<(String, LeftAlone)>,
    pub findings: Vec<Finding>,
    /// Every environment read in the hardened sources: (path, read).
    pub env_reads: Vec<(String, EnvRead)>,
    /// Values moved out of the code into `.env`: (path, name, value).
    pub moved: Vec<(String, String, String)>,
    /// Packages the new code imports: (app folder, package, origin id).
    pub needs: Vec<(String, &'static str, &'static str)>,
    /// Generated files (left alone).
    pub generated: usize,
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

/// The codemods that apply to this project's stacks, in the order they run.
pub fn applicable(project: &Project, selection: &Selection) -> Vec<&'static dyn Codemod> {
    let stacks = project.stacks();
    selection
        .codemods
        .iter()
        .filter_map(|id| registry::codemod(id))
        .filter(|c| c.stacks().is_empty() || c.stacks().iter().any(|s| stacks.contains(s)))
        .collect()
}

/// Runs `codemods` over every source file, on the trees the model's parse
/// kept (a file past the memory budget is parsed again) and with the text
/// tests it ran (`passed`, one per codemod for each source).
pub fn run(
    project: &Project,
    codemods: &[&'static dyn Codemod],
    sources: &[SourcePath],
    texts: &[Result<String, String>],
    trees: Vec<Tree>,
    passed: Vec<Vec<bool>>,
    model: &Model,
) -> Ran {
    let generated = AtomicUsize::new(0);
    let results: Vec<FileResult> = sources
        .par_iter()
        .zip(texts.par_iter())
        .zip(trees.into_par_iter().zip(passed.into_par_iter()))
        .map(|((source, text), (tree, passed))| {
            let note = |message: String| Note { path: source.rel.clone(), message };
            let Some(lang) = Lang::from_path(&source.rel) else { return FileResult::default() };
            let text = match text {
                Ok(text) => text,
                Err(message) => {
                    return FileResult { notes: vec![note(message.clone())], ..Default::default() }
                }
            };
            // What it reads from the environment, as the model read it.
            let env_reads = || model.files.get(&source.rel).map(|f| f.env_reads.clone()).unwrap_or_default();
            if files::is_generated(text) {
                generated.fetch_add(1, Ordering::Relaxed);
                // Left alone, but what it reads still belongs in .env.example.
                return FileResult { env_reads: env_reads(), ..Default::default() };
            }
            // The codemods the model's facts of the file leave possible.
            let facts = model.files.get(&source.rel);
            let lineup: Vec<Lined> = codemods
                .iter()
                .zip(passed)
                .filter(|(c, _)| facts.is_none_or(|f| f.allows(**c)))
                .map(|(&c, passed)| (c as &dyn Codemod, passed))
                .collect();
            let may_change = lineup.iter().any(|(_, passed)| *passed);
            let outcome = match tree {
                // Said only of a file that matters (one the codemods or .env.example would read).
                Tree::Failed(e) if may_change || harden_codemods::env::may_read(text) => Err(e),
                _ if !may_change => return FileResult { env_reads: env_reads(), ..Default::default() },
                Tree::Parsed(parsed) => harden_tree(&source.rel, text, lang, parsed, &lineup, model),
                Tree::Failed(_) | Tree::None => harden_tree(&source.rel, text, lang, None, &lineup, model),
            };
            match outcome {
                Ok(outcome) => FileResult {
                    // What it reads: as the model read it, unless a change made it read more.
                    env_reads: if outcome.changes.is_empty() { env_reads() } else { outcome.env_reads },
                    moved: outcome.changes.iter().flat_map(|c| c.env.iter().cloned()).collect(),
                    changes: outcome
                        .changes
                        .into_iter()
                        .map(|c| Change {
                            path: source.rel.clone(),
                            origin: registry::codemod_origin(c.codemod),
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
    let mut ran = Ran { generated: generated.into_inner(), ..Default::default() };
    for (result, source) in results.into_iter().zip(sources) {
        ran.moved.extend(result.moved.into_iter().map(|(name, value)| (source.rel.clone(), name, value)));
        ran.changes.extend(result.changes);
        ran.notes.extend(result.notes);
        ran.findings.extend(result.findings);
        ran.left_alone.extend(result.left_alone.into_iter().map(|l| (source.rel.clone(), l)));
        ran.env_reads.extend(result.env_reads.into_iter().map(|r| (source.rel.clone(), r)));
    }
    // What the codemods' code imports (zod for request schemas, outside edge functions).
    for c in ran
        .changes
        .iter()
        .filter(|c| c.origin.id == "validate-input" && !c.path.starts_with("supabase/functions/"))
    {
        if let Some(app) = project.app_of(&c.path).filter(|a| a.zod_major.is_none()) {
            ran.needs.push((app.dir.clone(), "zod", c.origin.id));
        }
    }
    ran
}
