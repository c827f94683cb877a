//! The command line: `apply`, `undo`, `scan`, `batch`, `list`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "harden",
    version,
    about = "Make an AI-built web-app prototype production-ready, in place, one reviewed diff at a time",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Propose changes, review each as a diff, and write the accepted ones.
    Apply(ApplyArgs),
    /// Restore every file the last `apply` changed and delete the files it created.
    Undo(UndoArgs),
    /// Audit production readiness: a checklist with evidence and a score; writes nothing.
    Scan(ScanArgs),
    /// Harden every project under a folder, in parallel, with one table of results.
    Batch(BatchArgs),
    /// List every codemod and scaffold: id, what it does, stacks it applies to.
    List,
    /// Show what the project model knows: about the project, a file, or the function at a line.
    Explain(ExplainArgs),
    /// The benchmark's baseline: walk, read and parse every source file with
    /// the same swc, and nothing else.
    #[command(hide = true)]
    ParseOnly {
        #[arg(default_value = ".")]
        path: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct BatchArgs {
    /// The folder that holds the projects.
    pub dir: PathBuf,
    /// Preview only (the default): plan and scan every project, write nothing.
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Apply every proposed change.
    #[arg(long, short)]
    pub yes: bool,
    #[command(flatten)]
    pub pick: Pick,
    /// Write into git work trees with uncommitted changes too.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Projects processed at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Write a report: JSON when FILE ends in .json, else Markdown.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write one `git apply`-able patch per project into DIR.
    #[arg(long, value_name = "DIR")]
    pub patch_dir: Option<PathBuf>,
    /// With --yes: in each clean git project, apply on a new branch NAME and commit (never pushes).
    #[arg(long, value_name = "NAME", requires = "yes")]
    pub branch: Option<String>,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// The project folder.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
}

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The project folder.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print every proposed diff and write nothing.
    #[arg(long, conflicts_with_all = ["patch", "check"])]
    pub dry_run: bool,
    /// Write all proposed changes as one patch that `git apply` accepts, and nothing else.
    #[arg(long, value_name = "FILE", conflicts_with = "check")]
    pub patch: Option<PathBuf>,
    /// Like --dry-run, but exit 1 when any change is proposed (for CI).
    #[arg(long)]
    pub check: bool,
    /// Accept every change without prompting.
    #[arg(long, short)]
    pub yes: bool,
    #[command(flatten)]
    pub pick: Pick,
    /// Write even when the git work tree has uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Also list where each thing left alone is (file:line).
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The project folder.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// A source file (relative to the project), optionally with `:LINE`.
    #[arg(value_name = "FILE[:LINE]")]
    pub file: Option<String>,
}

#[derive(Args, Debug)]
pub struct UndoArgs {
    /// The project folder.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Restore files even when they were changed after `apply` wrote them.
    #[arg(long)]
    pub force: bool,
}

/// Which codemods and scaffolds run (`apply`, `batch`).
#[derive(Args, Debug)]
pub struct Pick {
    /// Run only these codemods/scaffolds (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Leave out these codemods/scaffolds (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub skip: Vec<String>,
}
