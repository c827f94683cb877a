//! The commands: `apply` (plan, review, write), `undo` and `list`.

use std::collections::BTreeMap;
use std::fs;
use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use console::Style;
use harden_codemods::Codemod;

use crate::cli::{ApplyArgs, FailOn, Format, ScanArgs, UndoArgs};
use crate::config::Config;
use crate::error::{refuse, Exit};
use crate::journal::{self, FileWrite};
use crate::plan::{self, Change, Plan};
use crate::scaffold::{self, Scaffold};
use crate::{diff, git, review};

/// Colour on a terminal unless `NO_COLOR` is set (https://no-color.org).
pub fn color_for(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn project_root(path: &Path) -> anyhow::Result<&Path> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(path),
        Ok(_) => refuse(format!("{}: not a folder; give the project's folder", path.display())),
        Err(e) => refuse(format!("{}: {e}", path.display())),
    }
}

/// What runs: every codemod and scaffold, less `--skip` and harden.toml's
/// `skip`, or only those `--only` names.
pub struct Selection {
    pub codemods: Vec<&'static dyn Codemod>,
    pub scaffolds: Vec<&'static dyn Scaffold>,
}

pub fn select(only: &[String], skip: &[String], config: &Config) -> anyhow::Result<Selection> {
    let config_skip = &config.skip[..];
    let ids: Vec<&str> =
        harden_codemods::all().iter().map(|c| c.id()).chain(scaffold::all().iter().map(|s| s.id())).collect();
    for (flag, given) in [("--only", only), ("--skip", skip), ("harden.toml skip", config_skip)] {
        if let Some(bad) = given.iter().map(|s| s.trim()).find(|id| !ids.contains(id)) {
            return refuse(format!("unknown id `{bad}` in {flag}; valid ids: {}", ids.join(", ")));
        }
    }
    let has = |given: &[String], id: &str| given.iter().any(|s| s.trim() == id);
    let chosen = |id: &str| {
        (only.is_empty() || has(only, id)) && !has(skip, id) && (!has(config_skip, id) || has(only, id))
    };
    Ok(Selection {
        codemods: harden_codemods::all().iter().copied().filter(|c| chosen(c.id())).collect(),
        scaffolds: scaffold::all().iter().copied().filter(|s| chosen(s.id())).collect(),
    })
}

pub fn run(args: &ApplyArgs) -> anyhow::Result<Exit> {
    let root = project_root(&args.path)?;
    let config = Config::load(root)?;
    let selection = select(&args.pick.only, &args.pick.skip, &config)?;
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
    let mut plan = plan::build(root, &selection, &config)?;
    // Changes silenced in harden.toml (by check or codemod id, for the file).
    silence(&mut plan, &config);
    plan::leave_out_unwritable(&mut plan, root);
    print_summary(&plan, &selection, args.verbose);

    if let Some(patch_path) = &args.patch {
        let (patch, count, held) = shareable_patch(&plan);
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
        return Ok(if args.check && !plan.changes.is_empty() { Exit::ChangesFound } else { Exit::Success });
    }
    if plan.changes.is_empty() {
        return Ok(Exit::Success);
    }
    let accepted = if args.yes {
        plan.changes
    } else {
        match review::review(&plan.changes, &plan.facts, &plan.secrets, color_for(true))? {
            review::Outcome::Accepted(accepted, remembered) => {
                let entries: Vec<crate::config::Ignore> = remembered
                    .iter()
                    .map(|c| crate::config::Ignore {
                        check: crate::scan::check_of_change(c).unwrap_or(c.origin).to_string(),
                        path: Some(c.path.clone()),
                        line: None,
                    })
                    .collect();
                crate::config::remember(root, &entries)?;
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

/// Several changes to one file become one write: the first change's before,
/// the last one's after.
pub fn by_file(changes: &[Change]) -> Vec<FileWrite> {
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

/// The plan as one `git apply`-able patch: (patch, changes in it, files left
/// out because their diff would show a secret — whole, since their other
/// changes would not apply alone).
pub fn shareable_patch(plan: &Plan) -> (String, usize, Vec<String>) {
    let (shown, held): (Vec<&Change>, Vec<&Change>) = plan
        .changes
        .iter()
        .partition(|c| !diff::holds_secret(&c.path, c.before.as_deref(), &c.after, &plan.secrets));
    let held: std::collections::BTreeSet<String> = held.iter().map(|c| c.path.clone()).collect();
    let shown: Vec<Change> = shown.into_iter().filter(|c| !held.contains(&c.path)).cloned().collect();
    (patch_of(&shown), shown.len(), held.into_iter().collect())
}

/// Drops the changes `harden.toml` silences (by check or codemod id, for the file).
pub fn silence(plan: &mut Plan, config: &Config) {
    let silenced = |c: &Change| {
        let check = crate::scan::check_of_change(c).unwrap_or(c.origin);
        config.ignored(check, &c.path, None) || config.ignored(c.origin, &c.path, None)
    };
    plan.changes = plan::without(std::mem::take(&mut plan.changes), silenced, &plan.facts);
}

fn patch_of(changes: &[Change]) -> String {
    by_file(changes).iter().map(|w| diff::unified(&w.path, w.before.as_deref(), &w.after)).collect()
}

fn print_changes(changes: &[Change], secrets: &[String]) -> anyhow::Result<()> {
    let color = color_for(std::io::stdout().is_terminal());
    let bold = Style::new().bold().force_styling(color);
    let dim = Style::new().dim().force_styling(color);
    let mut out = std::io::stdout().lock();
    for c in changes {
        writeln!(out, "{} {}", bold.apply_to(c.origin), bold.apply_to(format!("· {}", c.path)))?;
        writeln!(out, "{} {}", dim.apply_to("what:"), c.title)?;
        writeln!(out, "{} {}", dim.apply_to("why: "), c.why)?;
        let d = diff::shown(&c.path, c.before.as_deref(), &c.after, secrets);
        out.write_all(if color { diff::colorize(&d) } else { d }.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}

fn print_summary(plan: &Plan, selection: &Selection, verbose: bool) {
    // Everything that can propose or report, in the order it runs.
    let origins: Vec<(&str, &str)> = selection
        .codemods
        .iter()
        .map(|c| (c.id(), c.title()))
        .chain(selection.scaffolds.iter().map(|s| (s.id(), s.title())))
        .collect();
    let position = |id: &str| origins.iter().position(|(o, _)| *o == id);
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
        if let Some(i) = position(c.origin) {
            *counts.entry(i).or_default() += 1;
        }
    }
    let n = plan.changes.len();
    lines.push(format!("{}{n} change{}", label("proposed"), if n == 1 { "" } else { "s" }));
    for (i, count) in counts {
        lines.push(format!("{}{count:>3}  {:<16} {}", label(""), origins[i].0, dim.apply_to(origins[i].1)));
    }
    // What the codemods chose not to change, counted by reason.
    let mut left: BTreeMap<(usize, &str), Vec<String>> = BTreeMap::new();
    for (path, l) in &plan.left_alone {
        if let Some(i) = position(l.codemod) {
            left.entry((i, l.reason)).or_default().push(format!("{path}:{}", l.line));
        }
    }
    let mut first = true;
    let mut left_label = || if std::mem::take(&mut first) { label("left alone") } else { label("") };
    for ((i, reason), places) in left {
        lines.push(format!(
            "{}{:>3}  {:<16} {}",
            left_label(),
            places.len(),
            origins[i].0,
            dim.apply_to(reason)
        ));
        if verbose {
            lines.extend(places.iter().map(|p| format!("{}       {}", label(""), dim.apply_to(p))));
        }
    }
    for (origin, path, why) in &plan.kept {
        lines.push(format!("{}     {origin:<16} {}", left_label(), dim.apply_to(format!("{path}: {why}"))));
    }
    let red = Style::new().red().bold().force_styling(color);
    for (i, f) in plan.findings.iter().enumerate() {
        let l = if i == 0 { label("findings") } else { label("") };
        let place = match f.line {
            Some(line) => format!("{}:{line}", f.path),
            None => f.path.clone(),
        };
        let severity = format!("{:<8}", f.severity.label());
        let severity = if f.severity == harden_codemods::Severity::Critical {
            red.apply_to(severity).to_string()
        } else {
            yellow.apply_to(severity).to_string()
        };
        lines.push(format!("{l}{severity} {place}: {}", f.message));
    }
    for (i, note) in plan.notes.iter().enumerate() {
        let l = if i == 0 { label("notes") } else { label("") };
        lines.push(format!("{l}{}", yellow.apply_to(note)));
    }
    if let Some(install) = install_hint(plan) {
        lines.push(format!("{}{install}", label("then")));
    }
    eprintln!("{}", lines.join("\n"));
}

/// The install command to run once `package.json` files gain dependencies.
fn install_hint(plan: &Plan) -> Option<String> {
    let pm = plan.project.package_manager.as_ref().map_or("npm", |p| p.name);
    let mut dirs: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.path == "package.json" || c.path.ends_with("/package.json"))
        .filter(|c| {
            // Only when what is installed changes (not for new scripts).
            let deps = |text: &str| {
                let v: serde_json::Value =
                    serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_default();
                (v["dependencies"].clone(), v["devDependencies"].clone())
            };
            c.before.as_deref().map(deps) != Some(deps(&c.after))
        })
        .map(|c| c.path.strip_suffix("package.json").unwrap_or("").trim_end_matches('/'))
        .collect();
    dirs.dedup();
    let commands: Vec<String> = dirs
        .iter()
        .map(
            |dir| {
                if dir.is_empty() {
                    format!("{pm} install")
                } else {
                    format!("(cd {dir} && {pm} install)")
                }
            },
        )
        .collect();
    (!commands.is_empty()).then(|| format!("{} (package.json gains dependencies)", commands.join("; ")))
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

pub fn scan(args: &ScanArgs) -> anyhow::Result<Exit> {
    let root = project_root(&args.path)?;
    let config = Config::load(root)?;
    let selection = select(&[], &[], &Config::default())?;
    let plan = plan::build(root, &selection, &config)?;
    let report = crate::scan::report(&plan, &config);
    let out = match args.format {
        Format::Text => crate::scan::output::text(&report, color_for(std::io::stdout().is_terminal())),
        Format::Json => crate::scan::output::json(&report),
        Format::Sarif => crate::scan::output::sarif(&report),
        Format::Markdown => crate::scan::output::markdown(&report),
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    let threshold = args.fail_on.map(|f| match f {
        FailOn::Critical => harden_codemods::Severity::Critical,
        FailOn::High => harden_codemods::Severity::High,
        FailOn::Medium => harden_codemods::Severity::Medium,
        FailOn::Low => harden_codemods::Severity::Low,
    });
    let failing = threshold.is_some_and(|t| report.hits.iter().any(|h| h.severity <= t));
    Ok(if failing { Exit::ChangesFound } else { Exit::Success })
}

/// Parses every source file once, in parallel, and says how long it took:
/// the floor harden's own time is measured against.
pub fn parse_only(path: &Path) -> anyhow::Result<Exit> {
    use rayon::prelude::*;
    let root = project_root(path)?;
    let started = std::time::Instant::now();
    let (sources, _) = crate::files::walk(root, &[])?;
    let (bytes, parsed): (usize, usize) = sources
        .par_iter()
        .filter_map(|s| {
            let text = crate::files::read_source(&s.abs).ok()?;
            let lang = harden_codemods::Lang::from_path(&s.rel)?;
            let ok = harden_codemods::parse::parse(text.trim_start_matches('\u{feff}'), lang).is_ok();
            Some((text.len(), usize::from(ok)))
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "parsed {parsed} of {} files ({:.1} MB) in {} ms",
        sources.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_millis()
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
    for s in scaffold::all() {
        writeln!(out, "{:<16} {:<9} {}", s.id(), "scaffold", s.title())?;
    }
    Ok(Exit::Success)
}
