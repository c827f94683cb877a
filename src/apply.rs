//! The commands: `apply` (plan, review, write), `undo` and `list`.

use std::collections::BTreeMap;
use std::fs;
use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use console::Style;
use harden_codemods::Codemod;

use crate::cli::{ApplyArgs, UndoArgs};
use crate::config::Config;
use crate::error::{refuse, Exit};
use crate::journal::{self, FileWrite};
use crate::plan::{self, Change, Plan};
use crate::{diff, git, review};

/// Colour on a terminal unless `NO_COLOR` is set (https://no-color.org).
fn color_for(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn project_root(path: &Path) -> anyhow::Result<&Path> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(path),
        Ok(_) => refuse(format!("{}: not a folder; give the project's folder", path.display())),
        Err(e) => refuse(format!("{}: {e}", path.display())),
    }
}

/// The codemods to run: all, less `--skip` and harden.toml's `skip`, or `--only`.
pub fn select(
    only: &[String],
    skip: &[String],
    config: &Config,
) -> anyhow::Result<Vec<&'static dyn Codemod>> {
    let config_skip = &config.skip[..];
    let all = harden_codemods::all();
    let valid = || all.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ");
    for (flag, ids) in [("--only", only), ("--skip", skip), ("harden.toml skip", config_skip)] {
        if let Some(bad) = ids.iter().map(|s| s.trim()).find(|id| harden_codemods::by_id(id).is_none()) {
            return refuse(format!("unknown id `{bad}` in {flag}; valid ids: {}", valid()));
        }
    }
    let has = |ids: &[String], id: &str| ids.iter().any(|s| s.trim() == id);
    Ok(all
        .iter()
        .copied()
        .filter(|c| only.is_empty() || has(only, c.id()))
        .filter(|c| !has(skip, c.id()) && (!has(config_skip, c.id()) || has(only, c.id())))
        .collect())
}

pub fn run(args: &ApplyArgs) -> anyhow::Result<Exit> {
    let root = project_root(&args.path)?;
    let config = Config::load(root)?;
    let codemods = select(&args.only, &args.skip, &config)?;
    let previewing = args.dry_run || args.check || args.patch.is_some();
    let interactive = !previewing && !args.yes;
    if interactive && !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return refuse("no terminal to review changes on: pass --yes to apply them all, or --dry-run or --patch FILE to preview");
    }
    if !previewing && !args.allow_dirty {
        if let Some(dirty) = git::dirty_files(root).filter(|d| !d.is_empty()) {
            return refuse(format!(
                "{} file(s) have uncommitted changes in this git work tree (e.g. {}); commit or stash them first (git is your undo), or pass --allow-dirty",
                dirty.len(),
                dirty[0]
            ));
        }
    }
    let plan = plan::build(root, &codemods, &config)?;
    print_summary(&plan, &codemods, args.verbose);

    if let Some(patch_path) = &args.patch {
        let patch = patch_of(&plan.changes);
        fs::write(patch_path, &patch)
            .with_context(|| format!("{}: cannot write the patch", patch_path.display()))?;
        eprintln!("wrote {} change(s) to {}", plan.changes.len(), patch_path.display());
        return Ok(Exit::Success);
    }
    if args.dry_run || args.check {
        print_changes(&plan.changes)?;
        return Ok(if args.check && !plan.changes.is_empty() { Exit::ChangesFound } else { Exit::Success });
    }
    if plan.changes.is_empty() {
        return Ok(Exit::Success);
    }
    let accepted = if args.yes {
        plan.changes
    } else {
        match review::review(&plan.changes, &plan.facts, color_for(true))? {
            review::Outcome::Accepted(accepted) => accepted,
            review::Outcome::Quit => {
                eprintln!("quit: nothing was written");
                return Ok(Exit::Success);
            }
        }
    };
    if accepted.is_empty() {
        eprintln!("no change accepted: nothing was written");
        return Ok(Exit::Success);
    }
    let writes = by_file(&accepted);
    if journal::pending(root) {
        eprintln!("note: the undo data of the previous apply is replaced by this one's");
    }
    journal::write_all(root, &writes)?;
    eprintln!(
        "wrote {} change(s) to {} file(s); to undo: harden undo {}",
        accepted.len(),
        writes.len(),
        shell_path(&args.path)
    );
    Ok(Exit::Success)
}

fn shell_path(path: &Path) -> String {
    let s = path.display().to_string();
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c)) {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Several changes to one file become one write: the first change's before,
/// the last one's after.
fn by_file(changes: &[Change]) -> Vec<FileWrite> {
    let mut files: BTreeMap<&str, FileWrite> = BTreeMap::new();
    for c in changes {
        files.entry(&c.path).and_modify(|w| w.after = c.after.clone()).or_insert_with(|| FileWrite {
            path: c.path.clone(),
            before: c.before.clone(),
            after: c.after.clone(),
        });
    }
    files.into_values().collect()
}

fn patch_of(changes: &[Change]) -> String {
    by_file(changes).iter().map(|w| diff::unified(&w.path, w.before.as_deref(), &w.after)).collect()
}

fn print_changes(changes: &[Change]) -> anyhow::Result<()> {
    let color = color_for(std::io::stdout().is_terminal());
    let bold = Style::new().bold().force_styling(color);
    let dim = Style::new().dim().force_styling(color);
    let mut out = std::io::stdout().lock();
    for c in changes {
        writeln!(out, "{} {}", bold.apply_to(c.origin), bold.apply_to(format!("· {}", c.path)))?;
        writeln!(out, "{} {}", dim.apply_to("what:"), c.title)?;
        writeln!(out, "{} {}", dim.apply_to("why: "), c.why)?;
        let d = diff::unified(&c.path, c.before.as_deref(), &c.after);
        out.write_all(if color { diff::colorize(&d) } else { d }.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}

fn print_summary(plan: &Plan, codemods: &[&'static dyn Codemod], verbose: bool) {
    let color = color_for(std::io::stderr().is_terminal());
    let bold = Style::new().bold().force_styling(color);
    let dim = Style::new().dim().force_styling(color);
    let yellow = Style::new().yellow().force_styling(color);
    let project = &plan.project;
    let mut lines = vec![format!("{} {}", bold.apply_to("harden ·"), bold.apply_to(&project.name))];
    let label = |l: &str| format!("  {} ", dim.apply_to(format!("{l:<12}")));
    // The root's stack, then nested apps that use a framework (at most a few).
    const NESTED_SHOWN: usize = 4;
    let nested: Vec<_> =
        project.apps.iter().filter(|a| !a.dir.is_empty() && !a.frameworks.is_empty()).collect();
    for app in project.apps.iter().filter(|a| a.dir.is_empty()) {
        lines.push(format!("{}{}", label("stack"), project.describe_app(app)));
    }
    for (i, app) in nested.iter().take(NESTED_SHOWN).enumerate() {
        let l = if i == 0 { label("nested apps") } else { label("") };
        lines.push(format!("{l}{}/: {}", app.dir, project.describe_app(app)));
    }
    if nested.len() > NESTED_SHOWN {
        lines.push(format!("{}… and {} more", label(""), nested.len() - NESTED_SHOWN));
    }
    if project.apps.is_empty() {
        lines.push(format!("{}no package.json: plain JavaScript/TypeScript files", label("stack")));
    }
    if let Some(pm) = project.describe_package_manager() {
        lines.push(format!("{}{pm}", label("packages")));
    }
    let ms = plan.elapsed.as_secs_f64() * 1000.0;
    let generated = match plan.generated {
        0 => String::new(),
        n => format!(" ({n} generated, left alone)"),
    };
    lines.push(format!("{}{} source files{generated} in {ms:.0} ms", label("checked"), plan.files_checked));
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for c in &plan.changes {
        if let Some(i) = codemods.iter().position(|m| m.id() == c.origin) {
            *counts.entry(i).or_default() += 1;
        }
    }
    let n = plan.changes.len();
    lines.push(format!("{}{n} change{}", label("proposed"), if n == 1 { "" } else { "s" }));
    for (i, count) in counts {
        lines.push(format!(
            "{}{count:>3}  {:<16} {}",
            label(""),
            codemods[i].id(),
            dim.apply_to(codemods[i].title())
        ));
    }
    // What the codemods chose not to change, counted by reason.
    let mut left: BTreeMap<(usize, &str), Vec<String>> = BTreeMap::new();
    for (path, l) in &plan.left_alone {
        if let Some(i) = codemods.iter().position(|m| m.id() == l.codemod) {
            left.entry((i, l.reason)).or_default().push(format!("{path}:{}", l.line));
        }
    }
    for (n, ((i, reason), places)) in left.into_iter().enumerate() {
        let l = if n == 0 { label("left alone") } else { label("") };
        lines.push(format!("{l}{:>3}  {:<16} {}", places.len(), codemods[i].id(), dim.apply_to(reason)));
        if verbose {
            lines.extend(places.iter().map(|p| format!("{}       {}", label(""), dim.apply_to(p))));
        }
    }
    for (i, note) in plan.notes.iter().enumerate() {
        let l = if i == 0 { label("notes") } else { label("") };
        lines.push(format!("{l}{}", yellow.apply_to(note)));
    }
    eprintln!("{}", lines.join("\n"));
}

pub fn undo(args: &UndoArgs) -> anyhow::Result<Exit> {
    let root = project_root(&args.path)?;
    let undone = journal::undo(root, args.force)?;
    for path in &undone.restored {
        eprintln!("restored {path}");
    }
    for path in &undone.deleted {
        eprintln!("deleted  {path}");
    }
    for path in &undone.kept {
        eprintln!("kept     {path} (harden created it, but it was edited since)");
    }
    eprintln!(
        "undone: {} restored, {} deleted{}",
        undone.restored.len(),
        undone.deleted.len(),
        if undone.unchanged > 0 {
            format!(", {} already as before", undone.unchanged)
        } else {
            String::new()
        }
    );
    Ok(Exit::Success)
}

pub fn list() -> anyhow::Result<Exit> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{:<16} {:<9} what it does", "id", "kind")?;
    for c in harden_codemods::all() {
        let stacks = if c.stacks().is_empty() {
            "any JS/TS".to_string()
        } else {
            c.stacks().iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
        };
        writeln!(out, "{:<16} {:<9} {} [{stacks}]", c.id(), "codemod", c.title())?;
    }
    Ok(Exit::Success)
}
