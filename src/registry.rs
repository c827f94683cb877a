//! One registry of ids: every codemod, scaffold and scan check, what each is
//! called, and the selection a run uses (`--only`, `--skip`, `harden.toml`).

use harden_codemods::Codemod;

use crate::checklist::CHECKS;
use crate::config::Config;
use crate::data::{Origin, Selection};
use crate::error::refuse;
use crate::scaffold::{self, Scaffold};

/// What an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Codemod,
    Scaffold,
    /// A scan check (the checklist).
    Check,
}

/// Every id: codemods and scaffolds in the order they run, then the checks
/// in checklist order (an id may name a codemod and a check both).
pub fn ids() -> Vec<(&'static str, Kind)> {
    harden_codemods::all()
        .iter()
        .map(|c| (c.id(), Kind::Codemod))
        .chain(scaffold::all().iter().map(|s| (s.id(), Kind::Scaffold)))
        .chain(CHECKS.iter().map(|c| (c.id, Kind::Check)))
        .collect()
}

pub fn codemod(id: &str) -> Option<&'static dyn Codemod> {
    harden_codemods::by_id(id)
}

pub fn scaffold(id: &str) -> Option<&'static dyn Scaffold> {
    scaffold::all().iter().copied().find(|s| s.id() == id)
}

/// The origin of a codemod's changes: its id, title and the check it fixes.
pub fn codemod_origin(id: &'static str) -> Origin {
    match codemod(id) {
        Some(c) => Origin { id: c.id(), title: c.title(), check: Some(c.check()) },
        None => Origin { id, title: "", check: None },
    }
}

/// The origin of a change made for a codemod or scaffold (its id and title;
/// the check a codemod's changes fix, none for a scaffold's: each of its
/// changes says which).
pub fn origin(id: &'static str) -> Origin {
    match scaffold(id) {
        Some(s) => Origin { id: s.id(), title: s.title(), check: None },
        None => codemod_origin(id),
    }
}

/// What runs: every codemod and scaffold, less `--skip` and harden.toml's
/// `skip`, or only those `--only` names.
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
        codemods: harden_codemods::all().iter().map(|c| c.id()).filter(|id| chosen(id)).collect(),
        scaffolds: scaffold::all().iter().map(|s| s.id()).filter(|id| chosen(id)).collect(),
    })
}

/// Everything: what `scan` plans with.
pub fn everything() -> Selection {
    Selection {
        codemods: harden_codemods::all().iter().map(|c| c.id()).collect(),
        scaffolds: scaffold::all().iter().map(|s| s.id()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The case folders under `dir` (relative to the repository).
    fn folders(dir: &str) -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut names: Vec<String> = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_id_has_its_cases_and_every_case_folder_an_id() {
        let mut missing = Vec::new();
        for (id, kind) in ids() {
            let (dir, what) = match kind {
                Kind::Codemod => (format!("codemods/tests/fixtures/{id}"), "fixture cases"),
                Kind::Scaffold => (format!("tests/scaffolds/{id}"), "scaffold cases"),
                Kind::Check => (format!("tests/scan/{id}/fires"), "a `fires` project"),
            };
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(&dir);
            let has = std::fs::read_dir(&root).is_ok_and(|mut entries| entries.next().is_some());
            if !has {
                missing.push(format!("{id} ({kind:?}): no {what} in {dir}"));
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
        let named = |id: &str, kinds: &[Kind]| ids().iter().any(|(i, k)| *i == id && kinds.contains(k));
        for case in folders("codemods/tests/fixtures") {
            assert!(named(&case, &[Kind::Codemod]), "codemods/tests/fixtures/{case}: no such codemod");
        }
        for case in folders("tests/scaffolds") {
            assert!(named(&case, &[Kind::Scaffold, Kind::Codemod]), "tests/scaffolds/{case}: no such id");
        }
        for case in folders("tests/scan") {
            assert!(named(&case, &[Kind::Check]), "tests/scan/{case}: no such check");
        }
    }

    #[test]
    fn every_codemod_and_scaffold_names_a_check_of_the_checklist() {
        for c in harden_codemods::all() {
            assert!(crate::checklist::by_id(c.check()).is_some(), "{}: no check `{}`", c.id(), c.check());
        }
        for check in CHECKS {
            if let Some(fix) = check.fix {
                assert!(
                    codemod(fix).is_some() || scaffold(fix).is_some(),
                    "{}: fix `{fix}` unknown",
                    check.id
                );
            }
        }
    }
}
