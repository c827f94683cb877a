//! harden's codemods, in floors that only look down:
//!
//! - text and syntax: [`text`] (cheap tests before parsing), [`parse`] (swc,
//!   once per file), [`nesting`], [`style`],
//!   [`edit`] (span edits on the original text), [`outcome`] (plain data);
//! - what one file says: [`analysis`], [`supabase`], [`env`], [`secrets`],
//!   [`prisma`], [`package_json`];
//! - what the whole project says: [`model`];
//! - shared knowledge for codemods: [`framework`], [`wrap`], [`setup`],
//!   [`messages`] (what a new error branch tells the user), and
//!   [`codemod`] (what a codemod is);
//! - the codemods, one module (or folder) each under [`rules`]; none imports
//!   another.
//!
//! [`harden_file`] runs them over one file.

pub mod analysis;
pub mod codemod;
pub mod edit;
pub mod env;
pub mod framework;
pub mod invariants;
pub mod local_urls;
pub mod messages;
pub mod model;
pub mod nesting;
pub mod outcome;
pub mod package_json;
pub mod parse;
pub mod prisma;
pub mod rules;
pub mod secrets;
pub mod setup;
pub mod style;
pub mod supabase;
pub mod text;
pub mod wrap;

pub use codemod::{Codemod, FileCtx, Notes, Proposal, Stack};
pub use model::{FileFacts, Model};
pub use outcome::{FileChange, FileOutcome, Finding, LeftAlone, Severity};
pub use parse::{Lang, ParseError};
use rules::{
    async_handlers, fetch_ok, paginate, secrets_to_env, server_errors, supabase_errors, validate_input,
};

/// The stack a thread that parses needs: swc's descent is recursive, and a
/// what [`nesting`] lets through must fit (reserved, not used).
pub const STACK_SIZE: usize = 256 << 20;

/// Versions harden adds to `package.json` when a change needs a package the
/// project lacks (current majors; an existing range is never touched).
pub const DEPENDENCY_VERSIONS: &[(&str, &str)] = &[
    ("zod", "^4.6.0"),
    ("@sentry/react", "^11.12.0"),
    ("@sentry/nextjs", "^11.8.0"),
    ("@sentry/node", "^11.12.0"),
    ("drizzle-kit", "^0.31.4"),
];

/// Of those, the ones that belong in `devDependencies` (tools, not runtime).
pub const DEV_DEPENDENCIES: &[&str] = &["drizzle-kit"];

/// Every codemod, in the fixed order they run in.
pub fn all() -> &'static [&'static dyn Codemod] {
    // Catches first, so the checks added after them can throw into them.
    &[
        &secrets_to_env::SecretsToEnv,
        &server_errors::ServerErrors,
        // Before validation, so that the page parameters it reads are validated too.
        &paginate::Paginate,
        &validate_input::ValidateInput,
        &async_handlers::AsyncHandlers,
        &supabase_errors::SupabaseErrors,
        &fetch_ok::FetchOk,
    ]
}

pub fn by_id(id: &str) -> Option<&'static dyn Codemod> {
    all().iter().copied().find(|c| c.id() == id)
}

const BOM: &str = "\u{feff}";

/// A codemod lined up for one file, with whether its text test passed on the
/// file as read (a text test scans the whole file: it runs once per text).
pub type Lined<'c> = (&'c dyn Codemod, bool);

/// Each of `codemods` with its text test on `text`.
pub fn line_up<'c>(text: &str, codemods: &[&'c dyn Codemod]) -> Vec<Lined<'c>> {
    codemods.iter().map(|&c| (c, c.may_apply(text))).collect()
}

/// Runs `codemods` in order over `text`, each on the text the previous ones
/// left. The file is parsed once; after a change, the parse that verifies the
/// new text is the tree the next codemod sees. A change whose result parses
/// worse than its input is dropped.
pub fn harden_file(
    path: &str,
    text: &str,
    lang: Lang,
    codemods: &[&dyn Codemod],
    model: &Model,
) -> Result<FileOutcome, ParseError> {
    let lineup = line_up(text, codemods);
    if !lineup.iter().any(|(_, passed)| *passed) && !env::may_read(text) {
        return Ok(FileOutcome::default());
    }
    harden_tree(path, text, lang, None, &lineup, model)
}

/// [`harden_file`] on codemods already lined up, and on the tree of `text`
/// without its byte-order mark when the run has parsed it already.
pub fn harden_tree(
    path: &str,
    text: &str,
    lang: Lang,
    parsed: Option<parse::Parsed>,
    lineup: &[Lined],
    model: &Model,
) -> Result<FileOutcome, ParseError> {
    let mut outcome = FileOutcome::default();
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    let mut current = body.to_string();
    let mut parsed = match parsed {
        Some(parsed) => parsed,
        None => parse::parse(body, lang)?,
    };
    // Facts of the current tree, worked out on first use and again only
    // when a change replaced the tree.
    let mut style = std::cell::OnceCell::new();
    let mut bindings = std::cell::OnceCell::new();
    let mut clients = std::cell::OnceCell::new();
    // Each codemod's text test on the text as the previous ones left it: an
    // earlier change can make a later codemod apply (paginate reads req.query,
    // which validate-input then validates).
    for &(codemod, passed) in lineup {
        let changed = !outcome.changes.is_empty();
        if !(if changed { codemod.may_apply(&current) } else { passed }) {
            continue;
        }
        let notes = std::cell::RefCell::new(Notes::default());
        let ctx = FileCtx {
            path,
            text: &current,
            program: &parsed.program,
            style_cache: &style,
            bindings_cache: &bindings,
            model,
            clients_cache: &clients,
            notes: &notes,
        };
        let proposal = codemod.run(&ctx);
        let notes = notes.into_inner();
        for (at, reason) in notes.left_alone {
            let line = edit::line_of(&current, at);
            outcome.left_alone.push(LeftAlone { codemod: codemod.id(), line, reason });
        }
        for (at, check, severity, message) in notes.findings {
            let line = edit::line_of(&current, at);
            outcome.findings.push(Finding { severity, check, codemod: codemod.id(), line, message });
        }
        let Some(proposal) = proposal else {
            continue;
        };
        let after = match edit::apply(&current, &proposal.edits) {
            Ok(after) if after != current => after,
            Ok(_) => continue,
            Err(e) => {
                outcome.dropped.push(format!("{}: {e}", codemod.id()));
                continue;
            }
        };
        match parse::parse(&after, lang) {
            Ok(reparsed) => {
                outcome.changes.push(FileChange {
                    codemod: codemod.id(),
                    why: proposal.why,
                    before: format!("{bom}{current}"),
                    after: format!("{bom}{after}"),
                    env: notes.env,
                });
                current = after;
                parsed = reparsed;
                style = std::cell::OnceCell::new();
                bindings = std::cell::OnceCell::new();
                clients = std::cell::OnceCell::new();
            }
            Err(e) => {
                outcome.dropped.push(format!("{}: the edited file would not parse ({e})", codemod.id()))
            }
        }
    }
    // What the changed text reads from the environment (the model read the original).
    if !outcome.changes.is_empty() && env::may_read(&current) {
        outcome.env_reads = env::reads(&parsed.program, &current);
    }
    Ok(outcome)
}
