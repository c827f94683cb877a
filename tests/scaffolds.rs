//! Every scaffold case is a folder `tests/scaffolds/<id>/<case>/` holding a
//! project `before/` and what it must look like `after/` running
//! `harden apply --yes --only <id>` on it. A `summary` file lists lines the
//! summary must contain (what was left alone, findings); a `git` file makes
//! the project a git repository with everything committed first. A second
//! run proposes nothing.
//!
//! A project's `.gitignore` is kept as `_gitignore` (a real one would hide
//! the case's own files from this repository).
//!
//! `HARDEN_BLESS=1 cargo test --test scaffolds` writes the current results
//! to `after/` (review them before committing).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{changed, git, run, snapshot, stderr};

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scaffolds");
    let mut cases = Vec::new();
    for id in fs::read_dir(&root).expect("tests/scaffolds") {
        let id = id.expect("entry").path();
        let name = id.file_name().and_then(|n| n.to_str()).expect("utf-8").to_string();
        for case in fs::read_dir(&id).expect("scaffold folder") {
            cases.push((name.clone(), case.expect("entry").path()));
        }
    }
    cases.sort();
    cases
}

/// Copies a tree, renaming `from_name` files to `to_name`.
fn copy_tree(from: &Path, to: &Path, from_name: &str, to_name: &str) {
    fs::create_dir_all(to).expect("create");
    for entry in fs::read_dir(from).expect("read") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        let target = if name == from_name { to.join(to_name) } else { to.join(&name) };
        if entry.file_type().expect("type").is_dir() {
            if name != ".git" && name != ".harden" {
                copy_tree(&entry.path(), &target, from_name, to_name);
            }
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn scaffold_cases() {
    let bless = std::env::var_os("HARDEN_BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for (id, dir) in cases() {
        count += 1;
        let name = format!("{id}/{}", dir.file_name().and_then(|n| n.to_str()).unwrap_or("?"));
        let tmp = tempfile::tempdir().expect("tempdir");
        let project = tmp.path().join("project");
        copy_tree(&dir.join("before"), &project, "_gitignore", ".gitignore");
        if dir.join("git").exists() {
            git(&project, &["init", "-q", "-b", "main"]);
            git(&project, &["add", "-A", "-f"]);
            git(&project, &["commit", "-q", "-m", "before"]);
        }
        let preview = run(&["apply", "--dry-run", "--only", &id], &project);
        let summary = stderr(&preview);
        for line in
            fs::read_to_string(dir.join("summary")).unwrap_or_default().lines().filter(|l| !l.is_empty())
        {
            if !summary.contains(line) {
                failures.push(format!("{name}: the summary lacks `{line}`:\n{summary}"));
            }
        }
        let out = run(&["apply", "--yes", "--allow-dirty", "--only", &id], &project);
        if !out.status.success() {
            failures.push(format!("{name}: apply failed: {}", stderr(&out)));
            continue;
        }
        let after = dir.join("after");
        if bless {
            let _ = fs::remove_dir_all(&after);
            copy_tree(&project, &after, ".gitignore", "_gitignore");
        }
        let expected = tmp.path().join("expected");
        copy_tree(&after, &expected, "_gitignore", ".gitignore");
        let differs = changed(&snapshot(&expected), &snapshot(&project));
        if !differs.is_empty() {
            failures.push(format!("{name}: differs from after/ in {differs:?}"));
        }
        let again = run(&["apply", "--check", "--only", &id], &project);
        if again.status.code() != Some(0) {
            failures.push(format!("{name}: a second run proposes changes:\n{}", stderr(&again)));
        }
    }
    assert!(count > 0, "no scaffold cases");
    assert!(failures.is_empty(), "{} of {count} cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}
