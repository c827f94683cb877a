//! What a codemod is: a small module that looks at one parsed file and proposes
//! text edits, with a one-line reason a reviewer can judge.

use swc_core::ecma::ast::Program;

use crate::analysis::Bindings;
use crate::edit::Edit;
use crate::style::Style;

/// The stacks a codemod applies to (detected by the binary from package.json).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stack {
    React,
    Next,
    Express,
    Fastify,
    SupabaseEdge,
}

/// Facts about the whole project that codemods of one file need.
#[derive(Debug, Default, Clone)]
pub struct ProjectFacts {
    /// Modules that create a Supabase client, by path relative to the project
    /// root without extension (`src/integrations/supabase/client`).
    pub supabase_modules: std::collections::HashMap<String, crate::supabase::ClientModule>,
    /// Each app folder (`""` for the root) that uses Express, with its major.
    pub express_majors: Vec<(String, u64)>,
    /// Each app folder and the major of `zod` it depends on (`None`: it does not).
    pub zod_majors: Vec<(String, Option<u64>)>,
    /// Each app folder with a `prisma/schema.prisma`, and what it says.
    pub prisma: Vec<(String, crate::prisma::Schema)>,
    /// The project root, to read a module a file imports a type from (rare:
    /// only when a request body is typed with an imported type).
    pub root: Option<std::path::PathBuf>,
    /// Rows per page when a request does not say, and the most it may ask
    /// for (`harden.toml` `[pagination]`; 0 means the defaults, 20 and 100).
    pub page_size: u32,
    pub max_page_size: u32,
    /// Each app folder and how its code runs.
    pub runtimes: Vec<(String, AppRuntime)>,
}

/// How an app's code runs, for where a value read from the environment
/// comes from.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AppRuntime {
    /// A browser app built by Vite (or another bundler): `import.meta.env`.
    pub browser: bool,
    pub next: bool,
    /// Node code that loads `.env` itself (dotenv, `node --env-file`).
    pub loads_dotenv: bool,
    /// Its code already reads configuration from the environment.
    pub reads_env: bool,
}

/// The entry of `per_app` for the app folder that holds `path` (the deepest).
fn for_app<'a, T>(per_app: &'a [(String, T)], path: &str) -> Option<&'a T> {
    per_app
        .iter()
        .filter(|(dir, _)| dir.is_empty() || path.starts_with(&format!("{dir}/")))
        .max_by_key(|(dir, _)| dir.len())
        .map(|(_, v)| v)
}

impl ProjectFacts {
    /// The Express major of the app that holds `path` (the deepest app folder).
    pub fn express_major(&self, path: &str) -> Option<u64> {
        for_app(&self.express_majors, path).copied()
    }

    /// The zod major the file's app depends on (`None`: no zod yet).
    pub fn zod_major(&self, path: &str) -> Option<u64> {
        for_app(&self.zod_majors, path).copied().flatten()
    }

    /// (page size, maximum page size).
    pub fn page_sizes(&self) -> (u32, u32) {
        let size = if self.page_size == 0 { 20 } else { self.page_size };
        let max = if self.max_page_size == 0 { 100 } else { self.max_page_size };
        (size, max.max(size))
    }

    /// The folder of the app holding `path` (`""`: the root, or none).
    pub fn app_dir(&self, path: &str) -> String {
        self.runtimes
            .iter()
            .filter(|(dir, _)| dir.is_empty() || path.starts_with(&format!("{dir}/")))
            .max_by_key(|(dir, _)| dir.len())
            .map(|(dir, _)| dir.clone())
            .unwrap_or_default()
    }

    /// How the app holding `path` runs (`None`: no app holds it).
    pub fn runtime(&self, path: &str) -> Option<AppRuntime> {
        for_app(&self.runtimes, path).copied()
    }

    pub fn prisma(&self, path: &str) -> Option<&crate::prisma::Schema> {
        for_app(&self.prisma, path)
    }

    /// The text of a project module given without extension (`src/types`).
    pub fn read_module(&self, module: &str) -> Option<(String, String)> {
        let root = self.root.as_ref()?;
        ["ts", "tsx", "d.ts", "js"].iter().find_map(|ext| {
            for candidate in [format!("{module}.{ext}"), format!("{module}/index.{ext}")] {
                let path = root.join(&candidate);
                // Never outside the project, never through a link.
                let meta = std::fs::symlink_metadata(&path).ok()?;
                if meta.is_file() && meta.len() < 1024 * 1024 {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        return Some((candidate, text));
                    }
                }
            }
            None
        })
    }
}

/// One file, parsed once, shared by every codemod.
pub struct FileCtx<'a> {
    /// Path relative to the project root, with `/` separators.
    pub path: &'a str,
    /// The text without a byte-order mark; edits are offsets into it.
    pub text: &'a str,
    pub program: &'a Program,
    pub style: &'a Style,
    pub bindings: &'a Bindings,
    pub facts: &'a ProjectFacts,
    /// The Supabase clients of this tree, worked out on first use: several
    /// codemods need them.
    pub clients_cache: &'a std::cell::OnceCell<crate::supabase::Clients>,
    /// What the codemod says besides its edits.
    pub notes: &'a std::cell::RefCell<Notes>,
}

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

/// What a codemod says about a file besides its edits.
#[derive(Debug, Default)]
pub struct Notes {
    /// Targets left alone on purpose: (offset, reason).
    pub left_alone: Vec<(usize, &'static str)>,
    /// Problems it cannot fix by editing: (offset, severity, message).
    pub findings: Vec<(usize, &'static str, Severity, String)>,
    /// Values its edits move out of the code into the local `.env`: (name, value).
    pub env: Vec<(String, String)>,
}

impl FileCtx<'_> {
    /// The Supabase clients the file can use.
    pub fn clients(&self) -> &crate::supabase::Clients {
        self.clients_cache.get_or_init(|| {
            crate::supabase::Clients::of(self.program, self.path, &self.facts.supabase_modules)
        })
    }

    /// Records a target left alone on purpose, with a short reason that reads
    /// after a count ("3 list queries: feed counts or lookups").
    pub fn leave_alone(&self, at: usize, reason: &'static str) {
        self.notes.borrow_mut().left_alone.push((at, reason));
    }

    /// Reports a problem the codemod does not fix, under the scan check it
    /// belongs to (never with a secret's value).
    pub fn report(&self, at: usize, check: &'static str, severity: Severity, message: String) {
        self.notes.borrow_mut().findings.push((at, check, severity, message));
    }

    /// Says that the proposal moves `value` out of the code into `name`.
    pub fn move_to_env(&self, name: &str, value: &str) {
        self.notes.borrow_mut().env.push((name.to_string(), value.to_string()));
    }
}

/// A codemod's proposal for one file.
#[derive(Clone, Debug)]
pub struct Proposal {
    pub edits: Vec<Edit>,
    /// Why, in one line, naming what was found and where.
    pub why: String,
}

pub trait Codemod: Sync {
    fn id(&self) -> &'static str;
    /// One line for `harden list` and the summary.
    fn title(&self) -> &'static str;
    /// Stacks it applies to; empty means any JavaScript or TypeScript project.
    fn stacks(&self) -> &'static [Stack] {
        &[]
    }
    /// A cheap text test: when false, the codemod cannot apply to this file.
    fn may_apply(&self, text: &str) -> bool;
    fn run(&self, file: &FileCtx) -> Option<Proposal>;
}
