//! What a codemod is: a small module that looks at one parsed file and proposes
//! text edits, with a one-line reason a reviewer can judge.

use swc_core::ecma::ast::Program;

use crate::analysis::Bindings;
use crate::edit::Edit;
use crate::model::Model;
use crate::outcome::Severity;
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

/// One file, parsed once, shared by every codemod.
pub struct FileCtx<'a> {
    /// Path relative to the project root, with `/` separators.
    pub path: &'a str,
    /// The text without a byte-order mark; edits are offsets into it.
    pub text: &'a str,
    pub program: &'a Program,
    /// The file's style and the names it declares, worked out on first use
    /// (a codemod that finds nothing to do never needs them).
    pub style_cache: &'a std::cell::OnceCell<Style>,
    pub bindings_cache: &'a std::cell::OnceCell<Bindings>,
    pub model: &'a Model,
    /// The Supabase clients of this tree, worked out on first use: several
    /// codemods need them.
    pub clients_cache: &'a std::cell::OnceCell<crate::supabase::Clients>,
    /// What the codemod says besides its edits.
    pub notes: &'a std::cell::RefCell<Notes>,
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
    /// The file's indentation, quotes, semicolons and line ends.
    pub fn style(&self) -> &Style {
        self.style_cache.get_or_init(|| Style::detect(self.text, self.program))
    }

    /// Every name the file declares.
    pub fn bindings(&self) -> &Bindings {
        self.bindings_cache.get_or_init(|| Bindings::of(self.program))
    }

    /// The Supabase clients the file can use.
    pub fn clients(&self) -> &crate::supabase::Clients {
        self.clients_cache.get_or_init(|| {
            let mut clients =
                crate::supabase::Clients::of(self.program, self.path, &self.model.supabase_modules);
            // And those only the whole project shows: through wrappers,
            // re-exports, aliases and parameters the app passes a client into.
            if let Some(more) = self.model.clients_in(self.path) {
                clients.names.extend(more.keys().cloned());
            }
            clients
        })
    }

    /// Records a target left alone on purpose, with a short reason that reads
    /// after a count ("3 list queries: feed counts or lookups").
    /// Whether no page or entry point reaches the file (nothing imports it):
    /// a change there does nothing for the app's users. Noted as left alone.
    /// The names the file only ever fills with `data:`/`blob:` URLs, as the
    /// model read them (worked out here when the model has no facts for it).
    pub fn local_urls(&self) -> rustc_hash::FxHashSet<String> {
        match self.model.files.get(self.path) {
            Some(f) => f.local_urls.clone(),
            None => crate::local_urls::names(self.program, self.text),
        }
    }

    pub fn unreachable(&self) -> bool {
        let unreachable = self.model.unreachable(self.path);
        if unreachable {
            self.leave_alone(0, "files nothing imports (no page or entry point reaches them)");
        }
        unreachable
    }

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
    /// The scan check its changes fix (its own id unless it says otherwise).
    fn check(&self) -> &'static str {
        self.id()
    }
    /// Stacks it applies to; empty means any JavaScript or TypeScript project.
    fn stacks(&self) -> &'static [Stack] {
        &[]
    }
    /// A cheap text test: when false, the codemod cannot apply to this file.
    fn may_apply(&self, text: &str) -> bool;
    /// A second test, on what the project model read from the file: when
    /// false, the codemod cannot apply to it (so the run need not keep its tree).
    fn may_apply_to(&self, _file: &crate::model::FileFacts) -> bool {
        true
    }
    fn run(&self, file: &FileCtx) -> Option<Proposal>;
}
