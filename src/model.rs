//! The project model's floor in the binary: every source file parsed once (in
//! parallel), each file's part of the model read from that tree, then the
//! model joined with what the apps' manifests and configs say. The codemods
//! crate defines what the model holds; this module feeds it.
//!
//! The trees of files a codemod may change are kept for the codemods (no
//! second parse), up to a memory budget: past it, the rare file is parsed
//! again when its turn comes.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use harden_codemods::model::file::is_test_path;
use harden_codemods::model::{AppRuntime, Apps, FileFacts, Inputs};
use harden_codemods::parse::{ParseError, Parsed};
use harden_codemods::{Codemod, Lang, Model};
use rayon::prelude::*;

use crate::config::Config;
use crate::files::SourcePath;
use crate::project::{join, Project};

/// Source bytes whose trees are kept for the codemods (a tree takes about a
/// dozen times its text): past this, a file is parsed again when needed.
const KEPT_SOURCE_BYTES: usize = 8 << 20;

/// One source file as the first (and usually only) parse left it.
pub enum Tree {
    /// Parsed; the tree is kept when a codemod may change the file.
    Parsed(Option<Parsed>),
    Failed(ParseError),
    /// Not a JavaScript/TypeScript file, or not read.
    None,
}

pub struct Built {
    pub model: Model,
    /// Each source's parse, in `sources` order.
    pub trees: Vec<Tree>,
    /// Each source's text tests, one per codemod in the order given: false
    /// for a codemod its facts rule out, and for a file not read, not
    /// JavaScript/TypeScript, or a test nothing applies to.
    pub passed: Vec<Vec<bool>>,
}

/// Parses every source once, runs each codemod's text test on it once, reads
/// each file's part of the model from its tree, and joins them. Tests, specs,
/// stories and fixtures matter to the model and the codemods not at all:
/// they are parsed only for what they read from the environment.
pub fn build(
    project: &Project,
    sources: &[SourcePath],
    texts: &[Result<String, String>],
    config: &Config,
    codemods: &[&'static dyn Codemod],
) -> Built {
    let kept = AtomicUsize::new(0);
    let parsed: Vec<(Tree, Option<FileFacts>, Vec<bool>)> = sources
        .par_iter()
        .zip(texts.par_iter())
        .map(|(source, text)| {
            let (Some(lang), Ok(text)) = (Lang::from_path(&source.rel), text) else {
                return (Tree::None, None, vec![false; codemods.len()]);
            };
            let body = text.strip_prefix('\u{feff}').unwrap_or(text);
            let none = || vec![false; codemods.len()];
            let tests = |allowed: &dyn Fn(&dyn Codemod) -> bool| -> Vec<bool> {
                codemods.iter().map(|&c| allowed(c) && c.may_apply(text)).collect()
            };
            // Codemods leave tests alone: one is parsed only for what it reads from the environment.
            let test = is_test_path(&source.rel);
            if test && !harden_codemods::env::may_read(text) {
                return (Tree::None, None, none());
            }
            match harden_codemods::parse::parse(body, lang) {
                Ok(tree) => {
                    // A bug in reading one file must not end the run: that file adds nothing.
                    let facts = if test {
                        Some(FileFacts::of_test(&source.rel, body, &tree.program))
                    } else {
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            FileFacts::of(&source.rel, body, &tree.program)
                        }))
                        .ok()
                    };
                    // The text tests of the codemods its facts allow.
                    let passed = match &facts {
                        Some(f) => tests(&|c| f.allows(c)),
                        None => tests(&|_| true),
                    };
                    // Kept when a codemod will run on it.
                    let keep = passed.contains(&true)
                        && kept.fetch_add(text.len(), Ordering::Relaxed) + text.len() <= KEPT_SOURCE_BYTES;
                    (Tree::Parsed(keep.then_some(tree)), facts, passed)
                }
                Err(e) => (Tree::Failed(e), None, if test { none() } else { tests(&|_| true) }),
            }
        })
        .collect();
    let mut trees = Vec::with_capacity(parsed.len());
    let mut files = Vec::with_capacity(parsed.len());
    let mut passed = Vec::with_capacity(parsed.len());
    for (tree, facts, p) in parsed {
        trees.push(tree);
        files.extend(facts);
        passed.push(p);
    }
    let apps = apps(project, &files, config);
    let inputs = Inputs {
        files,
        configs: configs(project),
        migrations: migrations(&project.root),
        verify_jwt: verify_jwt(&project.root),
    };
    Built { model: Model::build(apps, inputs), trees, passed }
}

/// What the apps' manifests say: Express and zod majors, Prisma schemas,
/// runtimes, and the page sizes of `harden.toml`.
fn apps(project: &Project, files: &[FileFacts], config: &Config) -> Apps {
    let express_majors = project
        .apps
        .iter()
        .filter_map(|app| {
            let express = app.frameworks.iter().find(|f| f.name == "Express")?;
            Some((app.dir.clone(), express.major.unwrap_or(4)))
        })
        .collect();
    let zod_majors = project.apps.iter().map(|app| (app.dir.clone(), app.zod_major)).collect();
    let prisma = project
        .apps
        .iter()
        .filter_map(|app| {
            let path = project.root.join(&app.dir).join("prisma/schema.prisma");
            let text = fs::read_to_string(path).ok()?;
            Some((app.dir.clone(), harden_codemods::prisma::Schema::parse(&text)))
        })
        .collect();
    // The deepest app folder holding a path.
    let app_of = |path: &str| {
        project
            .apps
            .iter()
            .filter(|a| a.dir.is_empty() || path.starts_with(&format!("{}/", a.dir)))
            .max_by_key(|a| a.dir.len())
            .map(|a| a.dir.as_str())
    };
    let reading: std::collections::HashSet<&str> =
        files.iter().filter(|f| !f.env_reads.is_empty()).filter_map(|f| app_of(&f.path)).collect();
    let runtimes = project
        .apps
        .iter()
        .map(|app| {
            let has = |name: &str| app.frameworks.iter().any(|f| f.name == name);
            let runtime = AppRuntime {
                next: has("Next.js"),
                browser: !has("Next.js") && (has("Vite") || has("React")),
                loads_dotenv: app.loads_dotenv,
                reads_env: reading.contains(app.dir.as_str()),
            };
            (app.dir.clone(), runtime)
        })
        .collect();
    Apps {
        runtimes,
        express_majors,
        zod_majors,
        prisma,
        root: Some(project.root.clone()),
        page_size: config.page_size,
        max_page_size: config.max_page_size,
    }
}

/// Small files that are not sources but say how imports resolve:
/// `tsconfig*.json` and `jsconfig.json` of each app, Deno's `deno.json` and
/// `import_map.json` for edge functions. (path, text).
fn configs(project: &Project) -> Vec<(String, String)> {
    let mut dirs: Vec<String> = project.apps.iter().map(|a| a.dir.clone()).collect();
    if !dirs.contains(&String::new()) {
        dirs.push(String::new());
    }
    dirs.push("supabase/functions".into());
    let functions = project.root.join("supabase/functions");
    if let Ok(entries) = fs::read_dir(&functions) {
        let mut each: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| format!("supabase/functions/{}", e.file_name().to_string_lossy()))
            .collect();
        each.sort();
        dirs.extend(each);
    }
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(project.root.join(&dir)) else { continue };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                (n.starts_with("tsconfig") && n.ends_with(".json"))
                    || ["jsconfig.json", "deno.json", "deno.jsonc", "import_map.json"].contains(&n.as_str())
            })
            .collect();
        names.sort();
        for name in names {
            let path = join(&dir, &name);
            if let Some(text) = small_text(&project.root.join(&path)) {
                out.push((path, text));
            }
        }
    }
    out
}

fn small_text(path: &Path) -> Option<String> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 1024 * 1024 {
        return None;
    }
    fs::read_to_string(path).ok()
}

/// The folder Supabase keeps its migrations in.
pub const MIGRATIONS: &str = "supabase/migrations";

/// The names of the migration files in the order the CLI applies them (by
/// name; harden's own last, so that files named out of that order are read
/// before it).
pub fn migration_names(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(root.join(MIGRATIONS))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect()
        })
        .unwrap_or_default();
    files.sort_by_key(|f| (f.contains("_harden_"), f.clone()));
    files
}

/// The migrations in the order the CLI applies them: (path, text).
pub fn migrations(root: &Path) -> Vec<(String, String)> {
    migration_names(root)
        .into_iter()
        .filter_map(|f| {
            let path = format!("{MIGRATIONS}/{f}");
            small_text(&root.join(&path)).map(|t| (path, t))
        })
        .collect()
}

/// `[functions.<name>] verify_jwt = …` in `supabase/config.toml`.
fn verify_jwt(root: &Path) -> Vec<(String, bool)> {
    let Some(text) = small_text(&root.join("supabase/config.toml")) else { return Vec::new() };
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else { return Vec::new() };
    let Some(functions) = doc.get("functions").and_then(|f| f.as_table_like()) else { return Vec::new() };
    functions
        .iter()
        .filter_map(|(name, item)| {
            let verify = item.as_table_like()?.get("verify_jwt")?.as_bool()?;
            Some((name.to_string(), verify))
        })
        .collect()
}
