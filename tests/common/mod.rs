//! Helpers for the integration tests: copies of fixture projects in temporary
//! folders, snapshots of their bytes, and the built binary.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const FIXTURES: &[&str] =
    &["lovable-app", "bolt-app", "next-prisma", "express-prisma", "express-drizzle"];

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// A copy of a fixture project in a fresh temporary folder.
pub struct Copy {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub fn copy_fixture(name: &str) -> Copy {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join(name);
    copy_dir(&fixture(name), &root);
    Copy { _dir: dir, root }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file under `root` (but `.harden/`) and its bytes.
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect(root, root, &mut files);
    files
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).expect("read folder") {
        let entry = entry.expect("entry");
        let path = entry.path();
        let rel = path.strip_prefix(root).expect("inside").to_string_lossy().replace('\\', "/");
        let file_type = entry.file_type().expect("type");
        if rel == ".harden" || rel == ".git" || file_type.is_symlink() {
            continue;
        }
        if file_type.is_dir() {
            collect(root, &path, files);
        } else {
            files.insert(rel, fs::read(&path).expect("read file"));
        }
    }
}

/// The files whose bytes differ between two snapshots (added, removed or changed).
pub fn changed(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
}

pub fn harden() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_harden"));
    // A fixed clock, for the names of new migrations.
    cmd.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE").env("SOURCE_DATE_EPOCH", "1795430096");
    cmd
}

/// Every codemod and scaffold id, from `harden list`.
pub fn all_ids() -> Vec<String> {
    let out = harden().arg("list").output().expect("harden runs");
    stdout(&out).lines().skip(1).filter_map(|l| l.split_whitespace().next().map(String::from)).collect()
}

/// Runs harden with `args` then the project folder.
pub fn run(args: &[&str], root: &Path) -> std::process::Output {
    harden().args(args).arg(root).output().expect("harden runs")
}

pub fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=harden", "-c", "user.email=harden@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `node_modules` with the fixtures' dependencies, installed on first use.
pub fn dependencies() -> PathBuf {
    // Tests of one binary run in parallel: one installs, the others wait.
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/typecheck");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("typecheck-deps");
    let lock = fs::read(spec.join("package-lock.json")).expect("tests/typecheck/package-lock.json");
    let stamp = dir.join("installed-lock.json");
    if fs::read(&stamp).ok().as_deref() != Some(lock.as_slice()) {
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create deps folder");
        for file in ["package.json", "package-lock.json"] {
            fs::copy(spec.join(file), dir.join(file)).expect("copy manifest");
        }
        let npm = Command::new("npm")
            .current_dir(&dir)
            .args(["install", "--ignore-scripts", "--no-audit", "--no-fund"])
            .output()
            .expect("npm runs (Node.js must be installed)");
        assert!(npm.status.success(), "npm install failed: {}", stderr(&npm));
        // @prisma/client's own postinstall: without a generated client (which
        // needs Prisma's engines, not reachable here) it writes a stub typed `any`.
        let prisma = Command::new("node")
            .current_dir(dir.join("node_modules/@prisma/client"))
            .arg("scripts/postinstall.js")
            .output()
            .expect("node runs");
        assert!(prisma.status.success(), "prisma postinstall failed: {}", stderr(&prisma));
        fs::write(&stamp, &lock).expect("stamp");
    }
    dir.join("node_modules")
}
