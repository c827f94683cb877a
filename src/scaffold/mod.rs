//! Scaffolds: project assets a prototype lacks (`.env.example`, a CI
//! workflow, …). A scaffold first decides whether its asset is missing or
//! incomplete, then renders templates (`templates/<scaffold>/`, embedded in
//! the binary) with facts from the project. It never overwrites a user's
//! file: it merges into one where that is well defined (env keys, `.gitignore`
//! lines), or leaves it and says why. Content identical to what is on disk is
//! no change at all, so re-runs propose nothing.

pub mod ci;
pub mod dotenv;
pub mod env_example;
pub mod migrations;
pub mod sentry;

use std::fs;
use std::sync::OnceLock;

use handlebars::Handlebars;
use harden_codemods::env::EnvRead;
use include_dir::{include_dir, Dir};

use crate::data::{Change, Finding, Origin};
use crate::project::Project;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// What a scaffold knows about the project.
pub struct Context<'a> {
    pub root: &'a std::path::Path,
    pub project: &'a Project,
    /// The project model (the database schema, clients, endpoints…).
    pub model: &'a harden_codemods::Model,
    /// Every environment read in the hardened sources: (path, read).
    pub env_reads: &'a [(String, EnvRead)],
    /// Whether git tracks a path (None: not a git work tree).
    pub tracked: &'a dyn Fn(&str) -> Option<bool>,
    /// The changes planned before this scaffold runs.
    pub planned: &'a [Change],
    /// The project's source files as the plan read them: (path, text), by path.
    pub sources: &'a [(String, String)],
}

impl Context<'_> {
    /// The source files inside the app folder `dir` (`""`: all of them).
    pub fn sources_of<'s>(&'s self, dir: &'s str) -> impl Iterator<Item = &'s (String, String)> + 's {
        self.sources.iter().filter(move |(p, _)| dir.is_empty() || p.starts_with(&format!("{dir}/")))
    }

    /// The text of `path` once the planned changes are made (`None`: absent).
    pub fn text(&self, path: &str) -> Option<String> {
        if let Some(c) = self.planned.iter().rev().find(|c| c.path == path) {
            return Some(c.after.clone());
        }
        match self.sources.binary_search_by(|(p, _)| p.as_str().cmp(path)) {
            Ok(i) => Some(self.sources[i].1.clone()),
            Err(_) => fs::read_to_string(self.root.join(path)).ok(),
        }
    }
}

/// What a scaffold proposes and reports.
#[derive(Default)]
pub struct Output {
    pub changes: Vec<Change>,
    pub findings: Vec<Finding>,
    /// Files it left as they are: (path, why).
    pub kept: Vec<(String, String)>,
    /// Packages its files import: (app folder, package from the version table).
    pub dependencies: Vec<(String, &'static str)>,
}

pub trait Scaffold: Sync {
    fn id(&self) -> &'static str;
    /// One line for `harden list` and the summary.
    fn title(&self) -> &'static str;
    fn run(&self, ctx: &Context) -> Output;
}

/// Every scaffold, in the order they run (after the codemods).
pub fn all() -> &'static [&'static dyn Scaffold] {
    &[&sentry::Sentry, &env_example::EnvExample, &ci::Ci, &migrations::Migrations]
}

fn registry() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        for file in TEMPLATES.dirs().flat_map(|d| d.files()) {
            let (Some(name), Some(text)) = (file.path().to_str(), file.contents_utf8()) else { continue };
            if let Some(name) = name.strip_suffix(".hbs") {
                // Templates are part of the binary: a broken one fails the tests.
                if let Err(e) = hb.register_template_string(name, text) {
                    eprintln!("harden: error: template {name}: {e}");
                }
            }
        }
        hb
    })
}

/// Renders `templates/<name>.hbs` (`name` like `ci/workflow.yml`).
pub fn render(name: &str, data: &serde_json::Value) -> anyhow::Result<String> {
    registry().render(name, data).map_err(|e| anyhow::anyhow!("template {name}: {e}"))
}

/// A change that makes `path` hold `after`: a new file, or an edit of the
/// existing one (as the planned changes leave it). `None` when the file
/// already holds exactly that.
pub fn propose(ctx: &Context, path: &str, after: String, origin: Origin, why: String) -> Option<Change> {
    let before = ctx.text(path);
    if before.as_deref() == Some(after.as_str()) {
        return None;
    }
    Some(Change { path: path.to_string(), origin, why, before, after })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        let names: Vec<String> = TEMPLATES
            .dirs()
            .flat_map(|d| d.files())
            .filter_map(|f| f.path().to_str()?.strip_suffix(".hbs").map(str::to_string))
            .collect();
        assert!(!names.is_empty());
        for name in names {
            assert!(registry().has_template(&name), "{name} does not compile");
        }
    }
}
