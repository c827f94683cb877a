//! `harden apply`: plan, show the summary, then preview (`--dry-run`,
//! `--patch`, `--check`), review each change on a terminal, or accept them
//! all (`--yes`); the accepted changes are written together, journaled for
//! `harden undo`.

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use console::Style;

use super::{color_for, project_root, summary};
use crate::cli::ApplyArgs;
use crate::config::{self, Config};
use crate::data::{by_file, Change};
use crate::error::{refuse, Exit};
use crate::{diff, git, journal, patch, plan, registry, review};

pub fn run(args: &ApplyArgs) -> anyhow::Result<Exit> {
    let root = project_root(&args.path)?;
    let config = Config::load(root)?;
    let selection = registry::select(&args.pick.only, &args.pick.skip, &config)?;
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
    let plan = plan::build(root, &selection, &config)?;
    summary::print(&plan, &selection, args.verbose);

    if let Some(patch_path) = &args.patch {
        let (patch, count, held) = patch::shareable(&plan.changes, &plan.secrets);
        for path in &held {
            eprintln!("left out of the patch: {path} (its diff holds a secret; `harden apply` writes it)");
        }
        fs::write(patch_path, &patch)
            .with_context(|| format!("{}: cannot write the patch", patch_path.display()))?;
        eprintln!("wrote {count} change(s) to {}", patch_path.display());
        return Ok(Exit::Success);
    }
    if args.dry_run || args.check {
        print_changes(&plan.changes, &plan.secrets)?;
        let exit = if args.check && !plan.changes.is_empty() { Exit::ChangesFound } else { Exit::Success };
        // The run ends here: freeing the model and every source piece by
        // piece would cost a twentieth of a large project's run.
        std::mem::forget(plan);
        return Ok(exit);
    }
    if plan.changes.is_empty() {
        return Ok(Exit::Success);
    }
    let accepted = if args.yes {
        plan.changes
    } else {
        match review::review(&plan.changes, &plan.model, &plan.secrets, color_for(true))? {
            review::Outcome::Accepted(accepted, remembered) => {
                let entries: Vec<config::Ignore> = remembered
                    .iter()
                    .map(|c| config::Ignore {
                        check: c.origin.check.unwrap_or(c.origin.id).to_string(),
                        path: Some(c.path.clone()),
                        line: None,
                    })
                    .collect();
                if let Some(text) = config::remembering(root, &entries)? {
                    journal::atomic_write(&root.join(config::FILE), text.as_bytes())?;
                }
                if !entries.is_empty() {
                    eprintln!("recorded {} skipped change(s) in harden.toml ([[ignore]])", entries.len());
                }
                accepted
            }
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

fn print_changes(changes: &[Change], secrets: &[String]) -> anyhow::Result<()> {
    let color = color_for(std::io::stdout().is_terminal());
    let bold = Style::new().bold().force_styling(color);
    let dim = Style::new().dim().force_styling(color);
    let mut out = std::io::stdout().lock();
    for c in changes {
        writeln!(out, "{} {}", bold.apply_to(c.origin.id), bold.apply_to(format!("· {}", c.path)))?;
        writeln!(out, "{} {}", dim.apply_to("what:"), c.origin.title)?;
        writeln!(out, "{} {}", dim.apply_to("why: "), c.why)?;
        let d = diff::shown(&c.path, c.before.as_deref(), &c.after, secrets);
        out.write_all(if color { diff::colorize(&d) } else { d }.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}
