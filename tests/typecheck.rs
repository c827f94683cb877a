//! The hardened fixture projects must still type-check: `tsc --noEmit` with
//! the real packages from the npm registry (installed once into the target
//! folder from `tests/typecheck/package-lock.json`). The bar is "no new
//! errors": each project is checked before and after `harden apply --yes`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

/// (fixture, the tsconfig that really checks its sources).
const PROJECTS: &[(&str, &str)] = &[
    ("lovable-app", "tsconfig.app.json"),
    ("bolt-app", "tsconfig.app.json"),
    ("next-prisma", "tsconfig.json"),
    ("express-prisma", "tsconfig.json"),
    ("express-drizzle", "tsconfig.json"),
];

/// tsc's diagnostics as (file, code and message) → count; line numbers are left
/// out because harden's insertions move them.
fn diagnostics(root: &Path, tsconfig: &str, node_modules: &Path) -> BTreeMap<String, usize> {
    let out = Command::new("node")
        .current_dir(root)
        .arg(node_modules.join("typescript/bin/tsc"))
        .args(["--noEmit", "--pretty", "false", "-p", tsconfig])
        .output()
        .expect("tsc runs");
    let mut found = BTreeMap::new();
    for line in stdout(&out).lines().filter(|l| l.contains("error TS")) {
        let (file, rest) = line.split_once('(').unwrap_or((line, ""));
        let message = rest.split_once("): ").map_or(rest, |(_, m)| m);
        *found.entry(format!("{file}: {message}")).or_default() += 1;
    }
    assert!(out.status.success() || !found.is_empty(), "tsc failed without diagnostics: {}", stderr(&out));
    found
}

#[test]
fn hardened_fixtures_type_check_with_no_new_errors() {
    let node_modules = dependencies();
    for (name, tsconfig) in PROJECTS {
        let copy = copy_fixture(name);
        std::os::unix::fs::symlink(&node_modules, copy.root.join("node_modules")).expect("link node_modules");
        let before = diagnostics(&copy.root, tsconfig, &node_modules);
        let original = snapshot(&copy.root);
        let out = run(&["apply", "--yes"], &copy.root);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(!changed(&original, &snapshot(&copy.root)).is_empty(), "{name}: nothing was hardened");
        let after = diagnostics(&copy.root, tsconfig, &node_modules);
        let new: Vec<_> = after.iter().filter(|(k, n)| before.get(*k).is_none_or(|b| b < *n)).collect();
        assert!(new.is_empty(), "{name}: harden's changes add type errors:\n{new:#?}");
        // The check can fail: a broken edit is caught.
        if *name == "bolt-app" {
            let file = copy.root.join("src/services/github.ts");
            let text = fs::read_to_string(&file).expect("read");
            fs::write(&file, text.replace("if (!response.ok)", "if (!response.okay)")).expect("write");
            let broken = diagnostics(&copy.root, tsconfig, &node_modules);
            assert!(
                broken.keys().any(|k| k.contains("okay")),
                "tsc did not notice a broken edit: {broken:?}"
            );
        }
    }
}
