//! `harden scan`: every check fires on its `tests/scan/<check>/fires` project
//! and stays quiet on `quiet/` — or, for a check harden can fix, on the same
//! project after `harden apply --only <fix>`; the fixture projects score
//! higher once hardened; SARIF validates against the SARIF 2.1.0 schema;
//! `--fail-on` gates; `[[ignore]]` silences.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn scan_json(root: &Path) -> serde_json::Value {
    let out = run(&["scan", "--format", "json"], root);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

fn ids(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map_or(Vec::new(), |f| f.iter().filter_map(|x| x["id"].as_str().map(String::from)).collect())
}

/// Copies a case; its `.gitignore` is kept as `_gitignore` (a real one would
/// hide the case's files from this repository).
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read") {
        let entry = entry.expect("entry");
        let name = if entry.file_name() == "_gitignore" { ".gitignore".into() } else { entry.file_name() };
        let target = to.join(name);
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn every_check_fires_and_stays_quiet_where_it_should() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scan");
    let mut failures = Vec::new();
    let mut count = 0;
    let mut dirs: Vec<PathBuf> = fs::read_dir(&cases)
        .expect("cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let check = dir.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        count += 1;
        let tmp = tempfile::tempdir().expect("tmp");
        let fires = tmp.path().join("fires");
        copy_tree(&dir.join("fires"), &fires);
        let with_git = |root: &Path| {
            if root.join("git").exists() {
                git(root, &["init", "-q", "-b", "main"]);
                git(root, &["add", "-A"]);
                git(root, &["commit", "-q", "-m", "case"]);
            }
        };
        with_git(&fires);
        let report = scan_json(&fires);
        if !ids(&report).contains(&check) {
            failures.push(format!("{check}: does not fire on fires/: {:?}", ids(&report)));
            continue;
        }
        // Fixable: quiet once harden has fixed it.
        let fix = report["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|x| x["id"] == check.as_str()))
            .and_then(|x| x["fix"].as_str())
            .and_then(|f| f.strip_prefix("harden apply --only "))
            .map(String::from);
        if let Some(fix) = fix {
            let out = run(&["apply", "--yes", "--allow-dirty", "--only", &fix], &fires);
            assert!(out.status.success(), "{check}: {}", stderr(&out));
            let after = ids(&scan_json(&fires));
            if after.contains(&check) {
                failures.push(format!("{check}: still fires after `harden apply --only {fix}`"));
            }
        }
        if dir.join("quiet").is_dir() {
            let quiet = tmp.path().join("quiet");
            copy_tree(&dir.join("quiet"), &quiet);
            with_git(&quiet);
            let found = ids(&scan_json(&quiet));
            if found.contains(&check) {
                failures.push(format!("{check}: fires on quiet/"));
            }
        } else if report["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|x| x["id"] == check.as_str()))
            .and_then(|x| x["fix"].as_str())
            .is_none()
        {
            failures.push(format!("{check}: no quiet/ case and no fix to make one"));
        }
    }
    // That every check has a case is the registry's test (src/registry.rs).
    assert!(count > 0, "no scan cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixture_projects_score_higher_once_hardened() {
    for name in FIXTURES {
        let copy = copy_fixture(name);
        let before = scan_json(&copy.root);
        let out = run(&["apply", "--yes"], &copy.root);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let after = scan_json(&copy.root);
        let (b, a) = (before["score"].as_u64().expect("score"), after["score"].as_u64().expect("score"));
        assert!(a > b, "{name}: {b} → {a}");
        // What is left is what no edit of harden's fixes.
        let again = run(&["apply", "--check"], &copy.root);
        assert_eq!(again.status.code(), Some(0), "{name}: {}", stdout(&again));
        assert!(ids(&after).len() < ids(&before).len(), "{name}");
    }
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let node_modules = dependencies();
    let copy = copy_fixture("express-prisma");
    let out = run(&["scan", "--format", "sarif"], &copy.root);
    assert!(out.status.success());
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(dir.path().join("scan.sarif"), &out.stdout).expect("write");
    std::os::unix::fs::symlink(&node_modules, dir.path().join("node_modules")).expect("link");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scan/validate-sarif.cjs");
    fs::copy(script, dir.path().join("validate.cjs")).expect("copy");
    let check = Command::new("node")
        .args(["validate.cjs", "scan.sarif"])
        .current_dir(dir.path())
        .output()
        .expect("node");
    assert_eq!(
        String::from_utf8_lossy(&check.stdout).trim(),
        "valid",
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // The validator rejects what is not SARIF (so the check above can fail).
    fs::write(dir.path().join("bad.sarif"), r#"{"version":"2.1.0","runs":[{"tool":{}}]}"#).expect("write");
    let bad = Command::new("node")
        .args(["validate.cjs", "bad.sarif"])
        .current_dir(dir.path())
        .output()
        .expect("node");
    assert_ne!(String::from_utf8_lossy(&bad.stdout).trim(), "valid");
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(sarif["runs"][0]["tool"]["driver"]["rules"].as_array().is_some_and(|r| r.len() >= 30));
    assert!(sarif["runs"][0]["results"].as_array().is_some_and(|r| !r.is_empty()));
}

#[test]
fn fail_on_gates_and_ignore_silences() {
    let copy = copy_fixture("lovable-app");
    assert_eq!(run(&["scan", "--fail-on", "high"], &copy.root).status.code(), Some(1));
    assert_eq!(run(&["scan"], &copy.root).status.code(), Some(0));
    let md = stdout(&run(&["scan", "--format", "markdown"], &copy.root));
    assert!(
        md.contains("| area | checks | passed | failed | not applicable |") && md.contains("**Score: "),
        "{md}"
    );
    let before = ids(&scan_json(&copy.root));
    assert!(before.contains(&"fetch-ok".to_string()));
    fs::write(copy.root.join("harden.toml"), "[[ignore]]\ncheck = \"fetch-ok\"\n").expect("write");
    let after = ids(&scan_json(&copy.root));
    assert!(!after.contains(&"fetch-ok".to_string()), "{after:?}");
    // apply leaves the silenced changes out too.
    let shown = stdout(&run(&["apply", "--dry-run"], &copy.root));
    assert!(!shown.contains("fetch-ok · "), "{shown}");
    assert!(shown.contains("supabase-errors · "), "{shown}");
}

#[test]
fn a_planted_secret_appears_in_no_scan_or_batch_output() {
    const SECRET: &str = "sk-proj-Zq8vX2mN4bR7tY1uK9wE3sD6fG0hJ5lP2aC8xV4n";
    let copy = copy_fixture("express-prisma");
    assert!(fs::read_to_string(copy.root.join("src/lib/ai.ts")).expect("read").contains(SECRET));
    let mut outputs = Vec::new();
    for format in ["text", "json", "sarif", "markdown"] {
        let out = run(&["scan", "--format", format], &copy.root);
        outputs.push((format.to_string(), stdout(&out) + &stderr(&out)));
    }
    let parent = copy.root.parent().expect("parent").to_path_buf();
    let report = parent.join("batch.json");
    let patches = parent.join("patches");
    let out = harden()
        .arg("batch")
        .arg(&parent)
        .arg("--report")
        .arg(&report)
        .arg("--patch-dir")
        .arg(&patches)
        .output()
        .expect("runs");
    outputs.push(("batch".into(), stdout(&out) + &stderr(&out)));
    outputs.push(("batch report".into(), fs::read_to_string(&report).expect("report")));
    for patch in fs::read_dir(&patches).expect("patches") {
        let patch = patch.expect("entry").path();
        outputs.push((patch.display().to_string(), fs::read_to_string(&patch).expect("patch")));
    }
    for (name, text) in outputs {
        assert!(!text.contains(SECRET) && !text.contains("Zq8vX2mN4b"), "{name} shows the secret");
    }
}
