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
use tempfile::NamedTempFile;

use crate::data::FileWrite;
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

fn state_dir(root: &Path) -> PathBuf {
    root.join(DIR)
}

/// Writes the files and the journal, in three steps so that a failure (or a
/// kill) leaves every file old or new: the journal with copies of both; then
/// each new content staged in a temp file beside its target (the step that
/// needs space and permission: if it fails, the temp files go and nothing
/// was written); then renames only. A rename that fails rolls back the ones
/// made. A file changed on disk since it was read is refused first.
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
        if let Some(why) = crate::files::unwritable(root, &w.path) {
            return refuse(format!("{}: {why}; nothing was written", w.path));
        }
    }
    let journal = write_journal(root, writes).map_err(|e| {
        let _ = fs::remove_dir_all(state_dir(root).join("run.tmp"));
        e.context("nothing was written")
    })?;
    let staged = match stage(root, writes, &journal) {
        Ok(staged) => staged,
        Err(e) => {
            discard_journal(root);
            return Err(e.context("nothing was written"));
        }
    };
    for (i, (w, tmp)) in writes.iter().zip(staged).enumerate() {
        let path = root.join(&w.path);
        if let Err(e) = tmp.persist(&path) {
            let error = anyhow::Error::new(e.error).context(format!("{}: cannot write", w.path));
            return Err(match roll_back(root, &writes[..i], &journal) {
                Ok(()) => {
                    discard_journal(root);
                    error.context("nothing was written")
                }
                Err(_) => error.context("some files were written; `harden undo` restores them"),
            });
        }
        if let Some(dir) = path.parent() {
            sync_dir(dir);
        }
    }
    Ok(())
}

/// Copies of every file's old and new bytes and the journal listing them, in
/// `.harden/run/`, on disk before any source file changes.
fn write_journal(root: &Path, writes: &[FileWrite]) -> anyhow::Result<Journal> {
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
    // Swap the previous run's journal for this one in one rename.
    let current = dir.join("run");
    let _ = fs::remove_dir_all(&current);
    fs::rename(&fresh, &current).context("cannot install the journal")?;
    sync_dir(&dir);
    Ok(journal)
}

/// Each new content in a temp file beside its target, with the target's
/// permissions. On failure the temp files are removed (on drop), and so are
/// the folders made for new files.
fn stage(root: &Path, writes: &[FileWrite], journal: &Journal) -> anyhow::Result<Vec<NamedTempFile>> {
    let mut staged = Vec::with_capacity(writes.len());
    let result = writes.iter().try_for_each(|w| -> anyhow::Result<()> {
        let path = root.join(&w.path);
        let dir = path.parent().unwrap_or(root);
        fs::create_dir_all(dir).with_context(|| format!("{}: cannot create its folder", w.path))?;
        let tmp = staged_copy(&path, dir, w.after.as_bytes())
            .with_context(|| format!("{}: cannot write", w.path))?;
        staged.push(tmp);
        Ok(())
    });
    if let Err(e) = result {
        drop(staged);
        remove_created_dirs(root, journal);
        return Err(e);
    }
    Ok(staged)
}

fn staged_copy(path: &Path, dir: &Path, bytes: &[u8]) -> std::io::Result<NamedTempFile> {
    let mut tmp = tempfile::Builder::new().prefix(".harden-").suffix(".tmp").tempfile_in(dir)?;
    tmp.as_file_mut().write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = fs::metadata(path) {
        fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    Ok(tmp)
}

/// Puts back the files already renamed into place (a failed run).
fn roll_back(root: &Path, written: &[FileWrite], journal: &Journal) -> anyhow::Result<()> {
    for w in written.iter().rev() {
        let path = root.join(&w.path);
        match &w.before {
            Some(before) => atomic_write(&path, before.as_bytes())?,
            None => fs::remove_file(&path)?,
        }
    }
    remove_created_dirs(root, journal);
    Ok(())
}

/// Removes the folders made for new files, deepest first, when empty.
fn remove_created_dirs(root: &Path, journal: &Journal) {
    journal.files.iter().for_each(|entry| entry.remove_created_dirs(root));
}

impl Entry {
    /// Removes the folders made for this file, deepest first, when empty.
    fn remove_created_dirs(&self, root: &Path) {
        for d in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(root.join(d));
        }
    }
}

/// Forgets this run's undo data (nothing of it was written).
fn discard_journal(root: &Path) {
    let _ = fs::remove_dir_all(state_dir(root).join("run"));
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
    staged_copy(path, dir, bytes)?.persist(path).map_err(|e| e.error)?;
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
                entry.remove_created_dirs(root);
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
        // Deleted since it was read.
        let err = write_all(root, &[write("gone.ts", Some("g"), "G")]).unwrap_err();
        assert!(err.to_string().contains("gone.ts: changed on disk"), "{err}");
    }

    #[test]
    fn a_write_that_cannot_be_staged_leaves_every_file_as_it_was() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(root.join("a.ts"), "a").expect("write");
        // `lib` is a file, so `lib/new/b.ts` cannot be made (as root too).
        fs::write(root.join("lib"), "not a folder").expect("write");
        let writes = [
            write("a.ts", Some("a"), "A"),
            write("src/new/c.ts", None, "C"),
            write("lib/new/b.ts", None, "B"),
        ];
        let journal = write_journal(root, &writes).expect("journal");
        let err = stage(root, &writes, &journal).expect_err("cannot stage");
        assert!(format!("{err:#}").starts_with("lib/new/b.ts: cannot create its folder"), "{err:#}");
        assert_eq!(fs::read_to_string(root.join("a.ts")).expect("read"), "a");
        assert!(!root.join("src").exists(), "the folders made for staging are gone");
        let names: Vec<String> = fs::read_dir(root)
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into())
            .collect();
        assert!(!names.iter().any(|n| n.starts_with(".harden-")), "no temp file is left: {names:?}");
    }

    #[test]
    fn roll_back_puts_written_files_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(root.join("a.ts"), "a").expect("write");
        let writes = [write("a.ts", Some("a"), "A"), write("new/b.ts", None, "B")];
        write_all(root, &writes).expect("written");
        let journal: Journal =
            serde_json::from_str(&fs::read_to_string(root.join(".harden/run/journal.json")).expect("read"))
                .expect("journal");
        roll_back(root, &writes, &journal).expect("rolled back");
        assert_eq!(fs::read_to_string(root.join("a.ts")).expect("read"), "a");
        assert!(!root.join("new").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(root.join("a.ts"), "a").expect("write");
        fs::write(root.join("locked.ts"), "l").expect("write");
        fs::set_permissions(root.join("locked.ts"), fs::Permissions::from_mode(0o444)).expect("chmod");
        let err = write_all(root, &[write("a.ts", Some("a"), "A"), write("locked.ts", Some("l"), "L")])
            .unwrap_err();
        assert_eq!(err.to_string(), "locked.ts: read-only file; nothing was written");
        assert_eq!(fs::read_to_string(root.join("a.ts")).expect("read"), "a");
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
