//! The project model's floor in the binary: what the codemods know about the
//! whole project, worked out once per run from the detected apps and the
//! sources as read (the codemods crate defines what it holds).

use harden_codemods::{supabase, Lang, ProjectFacts};
use rayon::prelude::*;

use crate::config::Config;
use crate::files::SourcePath;
use crate::project::Project;

/// Project-wide facts: the modules that create a Supabase client (a cheap text
/// test first; only those few files are parsed here), Express and zod majors,
/// Prisma schemas and runtimes by app, and the page sizes of `harden.toml`.
pub fn facts(
    project: &Project,
    sources: &[SourcePath],
    texts: &[Result<String, String>],
    config: &Config,
) -> ProjectFacts {
    let supabase_modules = sources
        .par_iter()
        .zip(texts.par_iter())
        .filter_map(|(source, text)| {
            let text = text.as_ref().ok()?;
            if !supabase::may_create_client(text) {
                return None;
            }
            let parsed = harden_codemods::parse::parse(
                text.trim_start_matches('\u{feff}'),
                Lang::from_path(&source.rel)?,
            )
            .ok()?;
            let module = supabase::client_module(&parsed.program)?;
            let key = source.rel.rsplit_once('.').map_or(source.rel.as_str(), |(stem, _)| stem).to_string();
            Some((key, module))
        })
        .collect();
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
            let text = std::fs::read_to_string(path).ok()?;
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
    let reading: std::collections::HashSet<&str> = sources
        .iter()
        .zip(texts)
        .filter(|(_, text)| text.as_ref().is_ok_and(|t| harden_codemods::env::may_read(t)))
        .filter_map(|(source, _)| app_of(&source.rel))
        .collect();
    let runtimes = project
        .apps
        .iter()
        .map(|app| {
            let has = |name: &str| app.frameworks.iter().any(|f| f.name == name);
            let runtime = harden_codemods::model::AppRuntime {
                next: has("Next.js"),
                browser: !has("Next.js") && (has("Vite") || has("React")),
                loads_dotenv: app.loads_dotenv,
                reads_env: reading.contains(app.dir.as_str()),
            };
            (app.dir.clone(), runtime)
        })
        .collect();
    ProjectFacts {
        runtimes,
        supabase_modules,
        express_majors,
        zod_majors,
        prisma,
        root: Some(project.root.clone()),
        page_size: config.page_size,
        max_page_size: config.max_page_size,
    }
}
