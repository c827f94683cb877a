//! The plain data every floor passes around: a proposed change and where it
//! comes from, a finding, a note, what a run selects, a file to write. It
//! depends on nothing of harden's above it, so every floor can use it.

use std::collections::BTreeMap;
use std::fmt;

pub use harden_codemods::Severity;

/// Where a change comes from: the codemod or scaffold that made it, and the
/// scan check it fixes (`None` when it only follows from another change, like
/// a dependency added for new code or a value moved into `.env`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    pub id: &'static str,
    pub title: &'static str,
    pub check: Option<&'static str>,
}

/// One codemod's or scaffold's edit of one file, or one new file.
#[derive(Clone, Debug)]
pub struct Change {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub origin: Origin,
    pub why: String,
    /// `None` for a file the change creates.
    pub before: Option<String>,
    pub after: String,
}

/// A problem found but not fixed (reported, never with a secret's value).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub severity: Severity,
    /// The scan check it belongs to (`browser-secret`, `rls-disabled`, …).
    pub check: &'static str,
    pub path: String,
    pub line: Option<usize>,
    /// The id of the codemod or scaffold that found it.
    pub origin: &'static str,
    pub message: String,
}

/// Something the user should know about a file harden did not (fully) handle.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// What a run uses: codemod and scaffold ids, each list in the order they run.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub codemods: Vec<&'static str>,
    pub scaffolds: Vec<&'static str>,
}

/// A file to write: its old content (as read when planning) and new content.
#[derive(Clone, Debug)]
pub struct FileWrite {
    pub path: String,
    pub before: Option<String>,
    pub after: String,
}

/// Several changes to one file become one write: the first change's before,
/// the last one's after.
pub fn by_file(changes: &[Change]) -> Vec<FileWrite> {
    let mut files: BTreeMap<&str, FileWrite> = BTreeMap::new();
    for c in changes {
        files.entry(&c.path).and_modify(|w| w.after = c.after.clone()).or_insert_with(|| FileWrite {
            path: c.path.clone(),
            before: c.before.clone(),
            after: c.after.clone(),
        });
    }
    files.into_values().collect()
}
