//! The summary `apply` prints before any diff: the stack, what was checked,
//! the changes by codemod and scaffold, what was left alone and why, the
//! findings, notes, and the install command when dependencies were added.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use console::Style;

use super::color_for;
use crate::data::{Selection, Severity};
use crate::plan::Plan;
use crate::registry;

pub fn print(plan: &Plan, selection: &Selection, verbose: bool) {
    // Everything that can propose or report, in the order it runs.
    let origins: Vec<(&str, &str)> = selection
        .codemods
        .iter()
        .chain(&selection.scaffolds)
        .map(|id| (*id, registry::origin(id).title))
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
        if let Some(i) = position(c.origin.id) {
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
        let severity = if f.severity == Severity::Critical {
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
