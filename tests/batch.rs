//! `harden batch` over a folder of client projects: discovery (nothing from
//! `node_modules`, nested apps belong to their project), a broken project
//! isolated, both report formats, per-project patches that `git apply`
//! accepts, and `--branch` commits in a git project.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

/// Three fixture projects, one broken one, and decoys.
fn clients() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    for name in ["lovable-app", "bolt-app", "express-prisma"] {
        let copy = copy_fixture(name);
        fs::rename(&copy.root, dir.path().join(name)).expect("move");
    }
    let broken = dir.path().join("broken-client");
    fs::create_dir_all(broken.join("src")).expect("mkdir");
    fs::write(broken.join("package.json"), "{ \"name\": \"broken\", ").expect("write");
    fs::write(broken.join("src/a.ts"), "export const x = ;\n").expect("write");
    // Decoys: a dependency's package.json, and a nested app of a project.
    let dep = dir.path().join("lovable-app/node_modules/left-pad");
    fs::create_dir_all(&dep).expect("mkdir");
    fs::write(dep.join("package.json"), "{\"name\":\"left-pad\"}").expect("write");
    let server = dir.path().join("express-prisma/server");
    fs::create_dir_all(&server).expect("mkdir");
    fs::write(server.join("package.json"), "{\"name\":\"nested\"}").expect("write");
    dir
}

fn batch(args: &[&str], dir: &Path) -> std::process::Output {
    harden().arg("batch").arg(dir).args(args).output().expect("runs")
}

#[test]
fn discovers_isolates_and_reports() {
    let dir = clients();
    let json = dir.path().join("report.json");
    let out = batch(&["--jobs", "2", "--report"], dir.path());
    assert_eq!(out.status.code(), Some(2), "--report needs a file: {}", stderr(&out));
    let before = snapshot(dir.path());
    let out = harden()
        .arg("batch")
        .arg(dir.path())
        .args(["--jobs", "2", "--report"])
        .arg(&json)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "a failed project makes the batch exit 1: {}", stderr(&out));
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).expect("report")).expect("json");
    let projects = report["projects"].as_array().expect("projects");
    let names: Vec<&str> = projects.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(
        names,
        ["bolt-app", "broken-client", "express-prisma", "lovable-app"],
        "nothing from node_modules, nested apps belong to their project"
    );
    for p in projects {
        let status = p["status"].as_str().expect("status");
        if p["name"] == "broken-client" {
            assert_eq!(status, "failed");
            assert!(p["error"].as_str().is_some_and(|e| e.contains("invalid JSON")), "{p}");
        } else {
            assert_eq!(status, "ok", "{p}");
            let (b, a) =
                (p["score_before"].as_u64().expect("score"), p["score_after"].as_u64().expect("score"));
            assert!(a > b, "{p}");
            assert!(
                p["proposed"].as_object().is_some_and(|o| !o.is_empty())
                    && p["applied"].as_object().is_some_and(|o| o.is_empty())
            );
            assert!(p["findings"].as_object().is_some_and(|o| !o.is_empty()));
        }
    }
    // A dry run writes nothing but the report.
    let mut after = snapshot(dir.path());
    after.remove("report.json");
    assert!(changed(&before, &after).is_empty(), "{:?}", changed(&before, &after));

    let md = dir.path().join("report.md");
    batch(&["--jobs", "1", "--report", md.to_str().expect("utf-8")], dir.path());
    let table = fs::read_to_string(&md).expect("markdown report");
    assert!(table.starts_with("| project | stack | status | score |"), "{table}");
    assert_eq!(table.lines().count(), 2 + 4, "{table}");
}

#[test]
fn patches_apply_with_git() {
    let dir = clients();
    let patches = tempfile::tempdir().expect("tmp");
    batch(&["--patch-dir", patches.path().to_str().expect("utf-8")], dir.path());
    for name in ["lovable-app", "bolt-app", "express-prisma"] {
        let patch = patches.path().join(format!("{name}.patch"));
        assert!(patch.is_file(), "{name}: no patch");
        let fresh = copy_fixture(name);
        let out = Command::new("git")
            .arg("-C")
            .arg(&fresh.root)
            .args(["apply", "--whitespace=nowarn"])
            .arg(&patch)
            .output()
            .expect("git");
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(!patches.path().join("broken-client.patch").exists());
}

#[test]
fn branch_commits_in_a_clean_git_project_and_skips_a_dirty_one() {
    let dir = clients();
    fs::remove_dir_all(dir.path().join("broken-client")).expect("rm");
    let clean = dir.path().join("bolt-app");
    git(&clean, &["init", "-q", "-b", "main"]);
    git(&clean, &["add", "-A"]);
    git(&clean, &["commit", "-q", "-m", "client code"]);
    let dirty = dir.path().join("lovable-app");
    git(&dirty, &["init", "-q", "-b", "main"]);
    git(&dirty, &["add", "-A"]);
    git(&dirty, &["commit", "-q", "-m", "client code"]);
    fs::write(dirty.join("src/wip.ts"), "export const wip = 1;\n").expect("write");
    let json = dir.path().join("r.json");
    let out = harden()
        .arg("batch")
        .arg(dir.path())
        .args(["--yes", "--branch", "harden/production-pass", "--report"])
        .arg(&json)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let branch = git(&clean, &["rev-parse", "--abbrev-ref", "HEAD"]);
    assert_eq!(String::from_utf8_lossy(&branch.stdout).trim(), "harden/production-pass");
    let log = git(&clean, &["log", "-1", "--format=%B"]);
    let message = String::from_utf8_lossy(&log.stdout);
    assert!(message.starts_with("harden: production pass") && message.contains("- sentry: "), "{message}");
    let status = git(&clean, &["status", "--porcelain"]);
    assert!(String::from_utf8_lossy(&status.stdout).trim().is_empty(), "everything committed");
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).expect("report")).expect("json");
    let by_name = |n: &str| {
        report["projects"]
            .as_array()
            .and_then(|p| p.iter().find(|x| x["name"] == n))
            .cloned()
            .expect("project")
    };
    assert_eq!(by_name("lovable-app")["status"], "skipped", "a dirty tree is never written");
    assert_eq!(by_name("express-prisma")["status"], "skipped", "--branch needs git");
    let applied = by_name("bolt-app");
    assert!(applied["applied"].as_object().is_some_and(|o| !o.is_empty()), "{applied}");
    assert!(applied["score_after"].as_u64() > applied["score_before"].as_u64(), "{applied}");
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_left_out_not_a_failed_project() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let copy = copy_fixture("lovable-app");
    let root = dir.path().join("lovable-app");
    fs::rename(&copy.root, &root).expect("move");
    let locked = root.join("src/lib/avatar.ts");
    let original = fs::read(&locked).expect("read");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o444)).expect("chmod");
    let json = dir.path().join("report.json");
    let out = batch(
        &["--yes", "--allow-dirty", "--only", "fetch-ok", "--report", &json.to_string_lossy()],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).expect("report")).expect("json");
    let project = &report["projects"][0];
    assert_eq!(project["status"], "ok", "{project}");
    assert_eq!(project["applied"]["fetch-ok"], 2, "the two writable files' changes: {project}");
    assert_eq!(fs::read(&locked).expect("read"), original, "the read-only file is untouched");
}
