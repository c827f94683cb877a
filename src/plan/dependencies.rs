//! Packages the new code imports but the app lacks (zod, the Sentry SDK,
//! drizzle-kit), added to each app's `package.json` in one change.

use std::collections::BTreeMap;
use std::path::Path;

use crate::data::{Change, Note, Origin};
use crate::registry;

/// Packages the accepted changes' code imports but the app lacks, added to
/// each app's `package.json` in one change (after every other change; an
/// existing range is never touched). `needs`: (app folder, package, origin).
pub fn changes(
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
                    // The dependency follows from the change that needs it.
                    origin: Origin { check: None, ..registry::origin(origin) },
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
