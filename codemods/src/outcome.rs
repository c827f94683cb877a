//! What running the codemods over one file gives, as plain data: the changes,
//! the findings (with their severity) and what was left alone on purpose.

/// How bad a finding is (most severe first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    /// Advice, not a problem.
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

/// One codemod's accepted-as-proposed change to one file.
#[derive(Clone, Debug)]
pub struct FileChange {
    pub codemod: &'static str,
    pub why: String,
    /// Full text before and after (a byte-order mark is kept as it was).
    pub before: String,
    pub after: String,
    /// Values moved out of the code into the local `.env`: (name, value).
    pub env: Vec<(String, String)>,
}

/// What running the codemods over one file gave.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub changes: Vec<FileChange>,
    /// Changes dropped because the result did not parse, or whose edits were
    /// inconsistent: `codemod: reason`.
    pub dropped: Vec<String>,
    /// Targets a codemod saw but left alone on purpose.
    pub left_alone: Vec<LeftAlone>,
    /// The environment variables the file reads once hardened, when it was
    /// changed (the model's facts hold what the original reads).
    pub env_reads: Vec<crate::env::EnvRead>,
    pub findings: Vec<Finding>,
}

/// A problem a codemod found but does not fix.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub severity: Severity,
    /// The scan check it belongs to (`browser-secret`, `hardcoded-secret`).
    pub check: &'static str,
    pub codemod: &'static str,
    pub line: usize,
    pub message: String,
}

/// A target a codemod chose not to change, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LeftAlone {
    pub codemod: &'static str,
    /// 1-based line in the text the codemod saw.
    pub line: usize,
    pub reason: &'static str,
}
