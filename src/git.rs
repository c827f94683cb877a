//! git is the natural undo: `apply` refuses to write over uncommitted work.

use std::path::Path;
use std::process::Command;

/// Paths with uncommitted changes under `root`, or `None` when `root` is not in
/// a git work tree (or git is not installed).
pub fn dirty_files(root: &Path) -> Option<Vec<String>> {
    let inside =
        Command::new("git").arg("-C").arg(root).args(["rev-parse", "--is-inside-work-tree"]).output().ok()?;
    if !inside.status.success() || String::from_utf8_lossy(&inside.stdout).trim() != "true" {
        return None;
    }
    let status = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain=v1", "-z", "--untracked-files=normal", "--", "."])
        .output()
        .ok()?;
    if !status.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&status.stdout);
    let mut files = Vec::new();
    let mut entries = text.split('\0').filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        let code = entry.get(..2).unwrap_or("");
        files.push(entry.get(3..).unwrap_or(entry).to_string());
        if code.starts_with('R') || code.starts_with('C') {
            entries.next(); // the rename's original path
        }
    }
    Some(files)
}

/// Whether git tracks `path` (relative to `root`); `None` outside a work tree.
pub fn is_tracked(root: &Path, path: &str) -> Option<bool> {
    let out = Command::new("git").arg("-C").arg(root).args(["ls-files", "--", path]).output().ok()?;
    out.status.success().then_some(!out.stdout.is_empty())
}
