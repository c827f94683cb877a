//! `ci`: a GitHub Actions workflow for a project that has none. From facts:
//! the package manager and its lockfile (a frozen install only with one),
//! the Node version (`.nvmrc`, `.node-version`, `engines`, else the current
//! LTS), dependency caching, and steps only for what exists: lint, a
//! type-check with the config that really covers the sources, tests, build.
//! Least privilege, current action majors, one job per app. An existing
//! workflow is left alone; the summary says which of these steps it lacks.

use std::fs;

use serde_json::json;

use super::{propose, render, Context, Output, Scaffold};
use crate::data::Origin;
use crate::project::{join, App};

pub struct Ci;

const ID: &str = "ci";
const TITLE: &str = "Add a GitHub Actions workflow: install, lint, type-check, test, build";
const ORIGIN: Origin = Origin { id: ID, title: TITLE, check: Some("no-ci") };
pub const WORKFLOW: &str = ".github/workflows/ci.yml";

/// npm's placeholder `test` script.
const NO_TESTS: &str = "no test specified";

impl Scaffold for Ci {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        TITLE
    }

    fn run(&self, ctx: &Context) -> Output {
        let mut out = Output::default();
        let jobs: Vec<Job> = ctx.project.apps.iter().filter_map(|app| Job::of(ctx, app)).collect();
        if jobs.is_empty() {
            return out;
        }
        let existing = existing_workflows(ctx);
        if !existing.is_empty() {
            // Left alone: say which of our steps none of them runs.
            let text: String = existing.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n");
            let mut lacking: Vec<&str> = Vec::new();
            for job in &jobs {
                for step in &job.steps {
                    let words: &[&str] = match step.kind {
                        "lint" => &["lint"],
                        "type-check" => &["tsc", "typecheck", "type-check", "check-types"],
                        "test" => &["test"],
                        _ => &["build"],
                    };
                    if !words.iter().any(|w| text.contains(w)) && !lacking.contains(&step.kind) {
                        lacking.push(step.kind);
                    }
                }
            }
            let mut names: Vec<&str> = existing.iter().map(|(p, _)| p.as_str()).take(2).collect();
            let more = existing.len().saturating_sub(2);
            let more = format!("and {more} more");
            if existing.len() > 2 {
                names.push(&more);
            }
            let why = if lacking.is_empty() {
                "a workflow exists; left alone".to_string()
            } else {
                format!("a workflow exists, left alone; it does not run: {}", lacking.join(", "))
            };
            out.kept.push((names.join(", "), why));
            return out;
        }
        let mut kinds: Vec<&str> = Vec::new();
        for step in jobs.iter().flat_map(|j| &j.steps) {
            if !kinds.contains(&step.kind) {
                kinds.push(step.kind);
            }
        }
        let summary = if kinds.is_empty() { "nothing else yet".to_string() } else { kinds.join(", ") };
        let data = json!({
            "branch": branch(ctx),
            "summary": summary,
            "jobs": jobs.iter().map(Job::json).collect::<Vec<_>>(),
        });
        let Ok(text) = render("ci/workflow.yml", &data) else { return out };
        let why = format!(
            "nothing checks a change before it ships: this workflow installs from the lockfile and runs {summary} on every push and pull request"
        );
        out.changes.extend(propose(ctx, WORKFLOW, text, ORIGIN, why));
        out
    }
}

/// `.github/workflows/*.yml` already there: (path, text).
fn existing_workflows(ctx: &Context) -> Vec<(String, String)> {
    let Ok(entries) = fs::read_dir(ctx.root.join(".github/workflows")) else { return Vec::new() };
    let mut found: Vec<(String, String)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !(name.ends_with(".yml") || name.ends_with(".yaml")) {
                return None;
            }
            let text = fs::read_to_string(e.path()).ok()?;
            Some((format!(".github/workflows/{name}"), text))
        })
        .collect();
    found.sort();
    found
}

/// The branch pushes are checked on: the checked-out one, else `main`.
fn branch(ctx: &Context) -> String {
    fs::read_to_string(ctx.root.join(".git/HEAD"))
        .ok()
        .and_then(|head| head.trim().strip_prefix("ref: refs/heads/").map(str::to_string))
        .filter(|b| b.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)))
        .unwrap_or_else(|| "main".to_string())
}

struct Step {
    kind: &'static str,
    name: String,
    run: String,
}

/// One app's job.
struct Job {
    id: String,
    name: String,
    dir: String,
    pm: &'static str,
    lockfile: Option<String>,
    pnpm_version: Option<&'static str>,
    yarn_berry: bool,
    node_key: &'static str,
    node: String,
    install: String,
    steps: Vec<Step>,
}

impl Job {
    fn of(ctx: &Context, app: &App) -> Option<Job> {
        let pm = app.package_manager.as_ref().map_or("npm", |p| p.name);
        let app_root = ctx.root.join(&app.dir);
        // The lockfile that belongs to this app (its own, or the root's).
        let lockfile = app.package_manager.as_ref().and_then(|p| p.lockfile).and_then(|file| {
            if app_root.join(file).is_file() {
                Some(join(&app.dir, file))
            } else if ctx.root.join(file).is_file() {
                Some(file.to_string())
            } else {
                None
            }
        });
        let script = |name: &str| app.scripts.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let run = |name: &str| match pm {
            "npm" => format!("npm run {name}"),
            "yarn" => format!("yarn run {name}"),
            "bun" => format!("bun run {name}"),
            _ => format!("pnpm run {name}"),
        };
        let mut steps = Vec::new();
        if script("lint").is_some() {
            steps.push(Step { kind: "lint", name: "Lint".into(), run: run("lint") });
        }
        if let Some(name) =
            ["typecheck", "type-check", "check-types", "tsc"].into_iter().find(|n| script(n).is_some())
        {
            steps.push(Step { kind: "type-check", name: "Type-check".into(), run: run(name) });
        } else if app.typescript_dep {
            if let Some(config) = tsconfig(&app_root) {
                let exec = match pm {
                    "npm" => "npx",
                    "yarn" => "yarn",
                    "bun" => "bunx",
                    _ => "pnpm exec",
                };
                let project = if config == "tsconfig.json" { String::new() } else { format!(" -p {config}") };
                steps.push(Step {
                    kind: "type-check",
                    name: "Type-check".into(),
                    run: format!("{exec} tsc --noEmit{project}"),
                });
            }
        }
        if script("test").is_some_and(|t| !t.contains(NO_TESTS)) {
            steps.push(Step { kind: "test", name: "Test".into(), run: run("test") });
        }
        if script("build").is_some() {
            steps.push(Step { kind: "build", name: "Build".into(), run: run("build") });
        }
        if steps.is_empty() {
            return None;
        }
        let frozen = lockfile.is_some();
        let yarn_berry = pm == "yarn"
            && (app_root.join(".yarnrc.yml").is_file() || ctx.root.join(".yarnrc.yml").is_file());
        let install = match (pm, frozen) {
            ("npm", true) => "npm ci",
            ("npm", false) => "npm install",
            ("yarn", true) if yarn_berry => "yarn install --immutable",
            ("yarn", true) => "yarn install --frozen-lockfile",
            ("yarn", false) => "yarn install",
            ("bun", true) => "bun install --frozen-lockfile",
            ("bun", false) => "bun install",
            (_, true) => "pnpm install --frozen-lockfile",
            (_, false) => "pnpm install",
        }
        .to_string();
        let (node_key, node) = node_version(ctx, app);
        let declared_pnpm = app.package_manager.as_ref().is_some_and(|_| declares_package_manager(ctx, app));
        let id = if app.dir.is_empty() {
            "check".to_string()
        } else {
            app.dir
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                .collect()
        };
        let name = if app.dir.is_empty() { ctx.project.name.clone() } else { format!("{}/", app.dir) };
        Some(Job {
            id,
            name: yaml_string(&name),
            dir: app.dir.clone(),
            pm,
            lockfile,
            pnpm_version: (pm == "pnpm" && !declared_pnpm).then_some("10"),
            yarn_berry,
            node_key,
            node,
            install,
            steps,
        })
    }

    fn json(&self) -> serde_json::Value {
        // setup-node caches npm, yarn and pnpm stores (not bun's).
        let cache = match self.pm {
            "bun" => None,
            pm => self.lockfile.as_ref().map(|_| pm),
        };
        json!({
            "id": self.id,
            "name": self.name,
            "dir": self.dir,
            "pnpm": self.pm == "pnpm",
            "pnpm_version": self.pnpm_version,
            "bun": self.pm == "bun",
            "corepack": self.yarn_berry,
            "node_key": self.node_key,
            "node": self.node,
            "cache": cache,
            "lockfile_path": self.lockfile,
            "install": self.install,
            "steps": self.steps.iter().map(|s| json!({ "name": s.name, "run": s.run })).collect::<Vec<_>>(),
        })
    }
}

/// The tsconfig that covers the sources: Lovable's root `tsconfig.json` has
/// `"files": []` and only references `tsconfig.app.json`, which checks the app.
fn tsconfig(app_root: &std::path::Path) -> Option<&'static str> {
    let root = fs::read_to_string(app_root.join("tsconfig.json")).ok();
    let checks_nothing = root.as_deref().is_some_and(|t| {
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        compact.contains("\"files\":[]") && compact.contains("\"references\"")
    });
    if checks_nothing || root.is_none() {
        return app_root.join("tsconfig.app.json").is_file().then_some("tsconfig.app.json");
    }
    Some("tsconfig.json")
}

/// (`node-version-file` or `node-version`, its value).
fn node_version(ctx: &Context, app: &App) -> (&'static str, String) {
    for file in [".nvmrc", ".node-version"] {
        for dir in [app.dir.as_str(), ""] {
            let path = join(dir, file);
            if ctx.root.join(&path).is_file() {
                return ("node-version-file", path);
            }
        }
    }
    match &app.node_engine {
        Some(range) => ("node-version", yaml_string(range)),
        None => ("node-version", "lts/*".to_string()),
    }
}

/// Whether the app's (or the root's) package.json names its package manager,
/// which `pnpm/action-setup` reads for the version.
fn declares_package_manager(ctx: &Context, app: &App) -> bool {
    [app.dir.as_str(), ""].iter().any(|dir| {
        fs::read_to_string(ctx.root.join(join(dir, "package.json")))
            .is_ok_and(|t| t.contains("\"packageManager\""))
    })
}

/// A YAML scalar: plain when safe, else double-quoted.
fn yaml_string(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./ ".contains(c))
        && !s.starts_with([' ', '-', '.'])
        && !s.ends_with(' ');
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}
