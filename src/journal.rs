//! Writing safely, and undoing. Before the first file is written, `.harden/`
//! holds a copy of every file's old and new bytes and a journal listing them;
//! each file is then replaced atomically (temp file in the same folder, then
//! rename, permissions kept). `undo` compares each file with both copies, so it
//! also works after a run that was interrupted half-way.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use crate::error::refuse;

pub const DIR: &str = ".harden";
const JOURNAL: &str = "journal.json";

#[derive(Serialize, Deserialize, Debug)]
pub struct Journal {
    pub version: u32,
    pub files: Vec<Entry>,
}

#[derive(Serialize, Deserialize, Debug)]
pub struct Entry {
    pub path: String,
    /// True when the file did not exist before.
    pub created: bool,
    /// Folders created for it, deepest last (removed by undo when empty).
    #[serde(default)]
    pub created_dirs: Vec<String>,
    /// Copies of the old and new bytes, relative to `.harden/`.
    pub before: Option<String>,
    pub after: String,
}

/// A file to write: its old content (as read when planning) and new content.
pub struct FileWrite {
    pub path: String,
    pub before: Option<String>,
    pub after: String,
}

fn state_dir(root: &Path) -> PathBuf {
    root.join(DIR)
}

/// Writes the files and the journal. A file changed on disk since it was read
/// is refused before anything is written.
pub fn write_all(root: &Path, writes: &[FileWrite]) -> anyhow::Result<()> {
    for w in writes {
        let path = root.join(&w.path);
        let on_disk = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return refuse(format!("{}: cannot read: {e}", w.path)),
        };
        if on_disk.as_deref() != w.before.as_deref().map(str::as_bytes) {
            return refuse(format!(
                "{}: changed on disk since harden read it; nothing was written, run harden again",
                w.path
            ));
        }
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return refuse(format!("{}: is a symbolic link; harden does not write through links", w.path));
        }
    }
    let dir = state_dir(root);
    let fresh = dir.join("run.tmp");
    let _ = fs::remove_dir_all(&fresh);
    fs::create_dir_all(&fresh).with_context(|| format!("cannot create {DIR}/ in {}", root.display()))?;
    fs::write(dir.join(".gitignore"), "*\n").with_context(|| format!("cannot write {DIR}/.gitignore"))?;
    let mut journal = Journal { version: 1, files: Vec::new() };
    for (i, w) in writes.iter().enumerate() {
        let before = match &w.before {
            Some(text) => {
                durable_write(&fresh.join(format!("{i}.before")), text.as_bytes())
                    .context("cannot save a backup copy")?;
                Some(format!("run/{i}.before"))
            }
            None => None,
        };
        durable_write(&fresh.join(format!("{i}.after")), w.after.as_bytes())
            .context("cannot save a copy of the new content")?;
        journal.files.push(Entry {
            path: w.path.clone(),
            created: w.before.is_none(),
            created_dirs: missing_dirs(root, &w.path),
            before,
            after: format!("run/{i}.after"),
        });
    }
    durable_write(&fresh.join(JOURNAL), serde_json::to_string_pretty(&journal)?.as_bytes())
        .context("cannot write the journal")?;
    // Swap the previous run's journal for this one in one rename, and make
    // sure it is on disk before any source file changes.
    let current = dir.join("run");
    let _ = fs::remove_dir_all(&current);
    fs::rename(&fresh, &current).context("cannot install the journal")?;
    sync_dir(&dir);
    for w in writes {
        let path = root.join(&w.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("{}: cannot create its folder", w.path))?;
        }
        atomic_write(&path, w.after.as_bytes()).with_context(|| format!("{}: cannot write", w.path))?;
    }
    Ok(())
}

fn missing_dirs(root: &Path, rel: &str) -> Vec<String> {
    let mut dirs = Vec::new();
    let mut parent = Path::new(rel).parent();
    while let Some(p) = parent {
        if p.as_os_str().is_empty() || root.join(p).exists() {
            break;
        }
        dirs.push(p.to_string_lossy().replace('\\', "/"));
        parent = p.parent();
    }
    dirs.reverse();
    dirs
}

fn durable_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a rename in `dir` durable (best effort: not every platform can).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// True when a previous `apply` left undo data that `undo` has not used.
pub fn pending(root: &Path) -> bool {
    state_dir(root).join("run").join(JOURNAL).is_file()
}

/// Replaces `path` atomically, keeping its permissions.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".harden-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = fs::metadata(path) {
        fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// What `undo` did.
pub struct Undone {
    pub restored: Vec<String>,
    /// Files harden created that were edited since: left in place even with `--force`.
    pub kept: Vec<String>,
    pub deleted: Vec<String>,
    pub unchanged: usize,
}

pub fn undo(root: &Path, force: bool) -> anyhow::Result<Undone> {
    let dir = state_dir(root).join("run");
    let text = match fs::read_to_string(dir.join(JOURNAL)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return refuse(format!(
                "nothing to undo in {}: no harden apply has written here (or it was undone)",
                root.display()
            ))
        }
        Err(e) => bail!("cannot read {DIR}/run/{JOURNAL}: {e}"),
    };
    let journal: Journal =
        serde_json::from_str(&text).with_context(|| format!("{DIR}/run/{JOURNAL} is damaged"))?;
    let state = state_dir(root);
    // Decide everything first, so a refusal changes nothing.
    let mut actions = Vec::new();
    let mut conflicts = Vec::new();
    let mut kept = Vec::new();
    for entry in &journal.files {
        let path = root.join(&entry.path);
        let after = fs::read(state.join(&entry.after))
            .with_context(|| format!("{DIR}: the copy of {} is missing", entry.path))?;
        let before = match &entry.before {
            Some(b) => Some(
                fs::read(state.join(b))
                    .with_context(|| format!("{DIR}: the backup of {} is missing", entry.path))?,
            ),
            None => None,
        };
        let current = fs::read(&path).ok();
        let edited = current != before && current.as_deref() != Some(after.as_slice());
        if current == before {
            actions.push((entry, None)); // never written (interrupted run) or already restored
        } else if !edited || (force && !entry.created) {
            actions.push((entry, Some(before)));
        } else if force {
            kept.push(entry.path.clone()); // created by harden, then edited: the edits are the user's
        } else {
            conflicts.push(entry.path.clone());
        }
    }
    if !conflicts.is_empty() {
        return refuse(format!(
            "{} file(s) changed since harden wrote them ({}); nothing was undone; pass --force to restore them anyway",
            conflicts.len(),
            conflicts.join(", ")
        ));
    }
    // A run killed mid-write can leave its temp files behind: they go first.
    let mut folders: Vec<std::path::PathBuf> =
        journal.files.iter().filter_map(|e| root.join(&e.path).parent().map(Path::to_path_buf)).collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        for stray in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = stray.file_name().to_string_lossy().into_owned();
            if name.starts_with(".harden-") && name.ends_with(".tmp") {
                let _ = fs::remove_file(stray.path());
            }
        }
    }
    let mut undone = Undone { restored: Vec::new(), kept, deleted: Vec::new(), unchanged: 0 };
    for (entry, action) in actions {
        let path = root.join(&entry.path);
        match action {
            None => undone.unchanged += 1,
            Some(Some(before)) => {
                atomic_write(&path, &before).with_context(|| format!("{}: cannot restore", entry.path))?;
                undone.restored.push(entry.path.clone());
            }
            Some(None) => {
                if path.exists() {
                    fs::remove_file(&path).with_context(|| format!("{}: cannot delete", entry.path))?;
                }
                for d in entry.created_dirs.iter().rev() {
                    let _ = fs::remove_dir(root.join(d)); // only when empty
                }
                undone.deleted.push(entry.path.clone());
            }
        }
    }
    fs::remove_dir_all(&dir).context("cannot clear the journal")?;
    Ok(undone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &str, before: Option<&str>, after: &str) -> FileWrite {
        FileWrite { path: path.into(), before: before.map(Into::into), after: after.into() }
    }

    #[test]
    fn created_files_and_folders_are_removed_by_undo() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(root.join("a.ts"), "old\r\n").expect("write");
        write_all(
            root,
            &[
                write("a.ts", Some("old\r\n"), "new\r\n"),
                write(".github/workflows/ci.yml", None, "on: push\n"),
            ],
        )
        .expect("written");
        assert_eq!(fs::read_to_string(root.join("a.ts")).expect("read"), "new\r\n");
        assert_eq!(fs::read_to_string(root.join(".github/workflows/ci.yml")).expect("read"), "on: push\n");
        let undone = undo(root, false).expect("undone");
        assert_eq!((undone.restored.len(), undone.deleted.len()), (1, 1));
        assert_eq!(fs::read_to_string(root.join("a.ts")).expect("read"), "old\r\n");
        assert!(!root.join(".github").exists(), "created folders are removed");
    }

    #[test]
    fn force_restores_edited_files_but_keeps_edited_files_harden_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(root.join("a.ts"), "old").expect("write");
        write_all(root, &[write("a.ts", Some("old"), "new"), write("b.ts", None, "created")])
            .expect("written");
        fs::write(root.join("a.ts"), "user edit").expect("write");
        fs::write(root.join("b.ts"), "user edit").expect("write");
        let err = undo(root, false).err().expect("refused");
        assert!(err.to_string().contains("a.ts, b.ts"), "{err}");
        let undone = undo(root, true).expect("forced");
        assert_eq!((undone.restored, undone.kept), (vec!["a.ts".to_string()], vec!["b.ts".to_string()]));
        assert_eq!(fs::read_to_string(root.join("a.ts")).expect("read"), "old");
        assert_eq!(fs::read_to_string(root.join("b.ts")).expect("read"), "user edit");
    }

    #[test]
    fn a_file_changed_since_planning_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(root.join("a.ts"), "a").expect("write");
        fs::write(root.join("b.ts"), "someone else's edit").expect("write");
        let err =
            write_all(root, &[write("a.ts", Some("a"), "A"), write("b.ts", Some("b"), "B")]).unwrap_err();
        assert!(err.to_string().contains("b.ts: changed on disk"), "{err}");
        assert_eq!(fs::read_to_string(root.join("a.ts")).expect("read"), "a");
        let err = write_all(root, &[write("a.ts", None, "A")]).unwrap_err();
        assert!(err.to_string().contains("a.ts: changed on disk"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("run.js");
        fs::write(&path, "x").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
        atomic_write(&path, b"y").expect("written");
        assert_eq!(fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o755);
    }
}
