//! Project detection: stacks and their majors from `package.json` and config
//! files, the package manager from the lockfiles, nested apps.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use harden_codemods::Stack;
use serde_json::Value;

use crate::data::Note;
use crate::files::SKIPPED_DIRS;

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub name: String,
    /// The root app first (when it has a package.json), then nested ones.
    pub apps: Vec<App>,
    pub package_manager: Option<PackageManager>,
    /// Supabase edge functions under `supabase/functions/`.
    pub edge_functions: usize,
    pub notes: Vec<Note>,
}

#[derive(Debug)]
pub struct App {
    /// Relative folder, `""` for the root.
    pub dir: String,
    pub frameworks: Vec<Framework>,
    pub typescript: bool,
    /// The major of `zod` it depends on, if it does.
    pub zod_major: Option<u64>,
    /// Its `package.json` scripts, in order.
    pub scripts: Vec<(String, String)>,
    /// `engines.node`, if given.
    pub node_engine: Option<String>,
    /// Whether it depends on `typescript` (so `tsc` is installed).
    pub typescript_dep: bool,
    /// Whether its Node code loads `.env` (dotenv, `node --env-file`).
    pub loads_dotenv: bool,
    /// Its own package manager (a nested app may have its own lockfile).
    pub package_manager: Option<PackageManager>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    pub name: &'static str,
    pub major: Option<u64>,
    /// How the version is shown: the major, or `0.44` for a 0.x package.
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageManager {
    pub name: &'static str,
    pub lockfile: Option<&'static str>,
    /// Other lockfiles found beside the chosen one.
    pub also: Vec<&'static str>,
}

/// (name shown, dependency names that reveal it, config file stems).
const FRAMEWORKS: &[(&str, &[&str], &[&str])] = &[
    ("Next.js", &["next"], &["next.config"]),
    ("Vite", &["vite"], &["vite.config"]),
    ("React", &["react"], &[]),
    ("Express", &["express"], &[]),
    ("Fastify", &["fastify"], &[]),
    ("Supabase", &["@supabase/supabase-js", "@supabase/ssr"], &[]),
    ("Prisma", &["@prisma/client", "prisma"], &[]),
    ("Drizzle", &["drizzle-orm"], &["drizzle.config"]),
    ("Mongoose", &["mongoose"], &[]),
];

const LOCKFILES: &[(&str, &str)] = &[
    ("package-lock.json", "npm"),
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("bun.lockb", "bun"),
    ("bun.lock", "bun"),
    ("npm-shrinkwrap.json", "npm"),
];

impl Project {
    pub fn detect(root: &Path) -> Project {
        let name = root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| root.display().to_string());
        let mut notes = Vec::new();
        let mut apps = Vec::new();
        let mut root_manifest = None;
        for dir in app_dirs(root) {
            let manifest_path = root.join(&dir).join("package.json");
            let shown = join(&dir, "package.json");
            let manifest = match read_manifest(&manifest_path) {
                Ok(m) => m,
                Err(message) => {
                    notes.push(Note { path: shown, message });
                    Value::Null
                }
            };
            let scripts: Vec<(String, String)> = manifest
                .get("scripts")
                .and_then(Value::as_object)
                .map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
                .unwrap_or_default();
            let loads_dotenv = has_dependency(&manifest, "dotenv")
                || scripts.iter().any(|(_, s)| s.contains("--env-file") || s.contains("dotenv"));
            apps.push(App {
                loads_dotenv,
                scripts,
                node_engine: manifest.pointer("/engines/node").and_then(Value::as_str).map(str::to_string),
                typescript_dep: has_dependency(&manifest, "typescript"),
                package_manager: if dir.is_empty() {
                    None
                } else {
                    package_manager(&root.join(&dir), &manifest)
                },
                frameworks: frameworks(root.join(&dir).as_path(), &manifest),
                zod_major: dependency(&manifest, "zod").and_then(major),
                typescript: has_dependency(&manifest, "typescript")
                    || root.join(&dir).join("tsconfig.json").is_file(),
                dir: dir.clone(),
            });
            if dir.is_empty() {
                root_manifest = Some(manifest);
            }
        }
        let package_manager = package_manager(root, root_manifest.as_ref().unwrap_or(&Value::Null));
        for app in apps.iter_mut() {
            // A nested app with no lockfile of its own installs the root's way.
            let own = app.package_manager.take().filter(|pm| pm.lockfile.is_some());
            app.package_manager = own.or_else(|| package_manager.clone());
        }
        Project {
            root: root.to_path_buf(),
            name,
            apps,
            package_manager,
            edge_functions: edge_functions(root),
            notes,
        }
    }

    /// The app whose folder holds `path` (the deepest).
    pub fn app_of(&self, path: &str) -> Option<&App> {
        self.apps
            .iter()
            .filter(|a| a.dir.is_empty() || path.starts_with(&format!("{}/", a.dir)))
            .max_by_key(|a| a.dir.len())
    }

    /// The codemod stacks present anywhere in the project.
    pub fn stacks(&self) -> BTreeSet<Stack> {
        let mut stacks = BTreeSet::new();
        for app in &self.apps {
            for f in &app.frameworks {
                match f.name {
                    "React" => stacks.insert(Stack::React),
                    "Next.js" => stacks.insert(Stack::Next),
                    "Express" => stacks.insert(Stack::Express),
                    "Fastify" => stacks.insert(Stack::Fastify),
                    _ => false,
                };
            }
        }
        if self.edge_functions > 0 {
            stacks.insert(Stack::SupabaseEdge);
        }
        stacks
    }

    /// One line: "Vite 5 · React 18 · TypeScript · Supabase (2 edge functions)".
    pub fn describe_app(&self, app: &App) -> String {
        let mut parts: Vec<String> = app
            .frameworks
            .iter()
            .map(|f| match &f.version {
                Some(v) => format!("{} {v}", f.name),
                None => f.name.to_string(),
            })
            .collect();
        parts.push(if app.typescript { "TypeScript".into() } else { "JavaScript".into() });
        if app.dir.is_empty() && self.edge_functions > 0 {
            let s = if self.edge_functions == 1 { "" } else { "s" };
            parts.push(format!("{} Supabase edge function{s}", self.edge_functions));
        }
        parts.join(" · ")
    }

    pub fn describe_package_manager(&self) -> Option<String> {
        let pm = self.package_manager.as_ref()?;
        let mut text = pm.name.to_string();
        match (pm.lockfile, pm.also.is_empty()) {
            (Some(lock), true) => text.push_str(&format!(" ({lock})")),
            (Some(lock), false) => text.push_str(&format!(" ({lock}; also present: {})", pm.also.join(", "))),
            (None, _) => text.push_str(" (no lockfile)"),
        }
        Some(text)
    }
}

/// `dir/name`, or `name` when `dir` is the root (`""`).
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The root (when it has a package.json) and folders one or two levels down
/// that have one.
fn app_dirs(root: &Path) -> Vec<String> {
    let mut dirs = Vec::new();
    if root.join("package.json").is_file() {
        dirs.push(String::new());
    }
    for first in subdirs(root) {
        let first_rel = first.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if first.join("package.json").is_file() {
            dirs.push(first_rel.clone());
        }
        for second in subdirs(&first) {
            if second.join("package.json").is_file() {
                let name = second.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                dirs.push(format!("{first_rel}/{name}"));
            }
        }
    }
    dirs
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_str())
        })
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

/// Reads package.json; the error is one line with the position.
pub fn read_manifest(path: &Path) -> Result<Value, String> {
    let meta = fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > 5 * 1024 * 1024 {
        return Err("larger than 5 MB, ignored".into());
    }
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("invalid JSON at line {} column {}: {e}", e.line(), e.column()))?;
    if !value.is_object() {
        return Err("not a JSON object".into());
    }
    Ok(value)
}

fn dependency<'a>(manifest: &'a Value, name: &str) -> Option<&'a str> {
    ["dependencies", "devDependencies", "peerDependencies"]
        .iter()
        .find_map(|section| manifest.get(section)?.get(name)?.as_str())
}

fn has_dependency(manifest: &Value, name: &str) -> bool {
    dependency(manifest, name).is_some()
}

/// The major version a range like `^18.2.0`, `~4.1`, `>=5`, `v3` names.
pub fn major(range: &str) -> Option<u64> {
    let start = range.trim_start_matches(['^', '~', '>', '=', '<', 'v', ' ']);
    let digits: String = start.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

fn frameworks(dir: &Path, manifest: &Value) -> Vec<Framework> {
    let mut found = Vec::new();
    for (name, deps, configs) in FRAMEWORKS {
        let version = deps.iter().find_map(|d| dependency(manifest, d));
        let has_config = configs.iter().any(|stem| {
            ["js", "mjs", "cjs", "ts", "mts"].iter().any(|ext| dir.join(format!("{stem}.{ext}")).is_file())
        });
        let has_prisma_schema = *name == "Prisma" && dir.join("prisma/schema.prisma").is_file();
        if version.is_some() || has_config || has_prisma_schema {
            found.push(Framework {
                name,
                major: version.and_then(major),
                version: version.and_then(version_label),
            });
        }
    }
    found
}

fn edge_functions(root: &Path) -> usize {
    subdirs(&root.join("supabase/functions"))
        .iter()
        .filter(|d| !d.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_')))
        .filter(|d| ["index.ts", "index.js", "index.tsx"].iter().any(|f| d.join(f).is_file()))
        .count()
}

/// The `packageManager` field wins; otherwise the lockfile. When there are
/// several (Lovable exports carry npm's and bun's), the one the README tells
/// people to install with, else the newest.
fn package_manager(root: &Path, manifest: &Value) -> Option<PackageManager> {
    let present: Vec<(&'static str, &'static str)> =
        LOCKFILES.iter().copied().filter(|(file, _)| root.join(file).is_file()).collect();
    let declared = manifest
        .get("packageManager")
        .and_then(Value::as_str)
        .and_then(|s| s.split('@').next())
        .and_then(|n| ["npm", "pnpm", "yarn", "bun"].into_iter().find(|k| *k == n));
    let mut candidates: Vec<&'static str> = present.iter().map(|(_, pm)| *pm).collect();
    candidates.dedup();
    let chosen = declared.or_else(|| match candidates.as_slice() {
        [] => None,
        [one] => Some(*one),
        several => readme_choice(root, several).or_else(|| newest(root, &present)),
    });
    let name = match chosen {
        Some(name) => name,
        None if manifest.is_object() => "npm",
        None => return None,
    };
    let lockfile = present.iter().find(|(_, pm)| *pm == name).map(|(file, _)| *file);
    let also = present.iter().filter(|(file, _)| Some(*file) != lockfile).map(|(file, _)| *file).collect();
    Some(PackageManager { name, lockfile, also })
}

/// `18` for `^18.2.0`; `0.44` for `^0.44.1`, where the minor is what matters.
fn version_label(range: &str) -> Option<String> {
    match major(range)? {
        0 => {
            let start = range.trim_start_matches(['^', '~', '>', '=', '<', 'v', ' ']);
            let minor: String = start.split('.').nth(1)?.chars().take_while(|c| c.is_ascii_digit()).collect();
            (!minor.is_empty()).then(|| format!("0.{minor}"))
        }
        m => Some(m.to_string()),
    }
}

/// The package manager of the most recently written lockfile.
fn newest(root: &Path, present: &[(&'static str, &'static str)]) -> Option<&'static str> {
    // On a tie the first in LOCKFILES order (npm's) wins.
    present
        .iter()
        .rev()
        .max_by_key(|(file, _)| fs::metadata(root.join(file)).and_then(|m| m.modified()).ok())
        .map(|(_, pm)| *pm)
}

/// The only candidate whose install command the README shows.
fn readme_choice(root: &Path, candidates: &[&'static str]) -> Option<&'static str> {
    let readme = fs::read_to_string(root.join("README.md")).ok()?;
    let shown: Vec<&'static str> = candidates
        .iter()
        .copied()
        .filter(|pm| {
            let commands: &[&str] = match *pm {
                "npm" => &["npm i", "npm install", "npm ci"],
                "yarn" => &["yarn install", "yarn dev", "yarn add"],
                other => &[
                    if other == "bun" { "bun install" } else { "pnpm install" },
                    if other == "bun" { "bun i" } else { "pnpm i" },
                ],
            };
            commands.iter().any(|c| readme.lines().any(|l| l.trim_start().starts_with(c)))
        })
        .collect();
    match shown.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors() {
        assert_eq!(major("^18.2.0"), Some(18));
        assert_eq!(major("~4.19.2"), Some(4));
        assert_eq!(major(">=5.0.0 <6"), Some(5));
        assert_eq!(major("latest"), None);
        assert_eq!(major("workspace:*"), None);
        assert_eq!(version_label("^0.44.1").as_deref(), Some("0.44"));
        assert_eq!(version_label("^5.22.0").as_deref(), Some("5"));
        assert_eq!(version_label("0"), None);
    }

    #[test]
    fn lockfile_choice() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("package.json"), "{}").expect("write");
        fs::write(dir.path().join("bun.lockb"), "").expect("write");
        fs::write(dir.path().join("package-lock.json"), "{}").expect("write");
        let age = |file: &str, secs: u64| {
            let time = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            fs::File::options()
                .write(true)
                .open(dir.path().join(file))
                .and_then(|f| f.set_modified(time))
                .expect("touch");
        };
        // Several lockfiles and no word from the README: the newest.
        age("bun.lockb", 1_000);
        age("package-lock.json", 2_000);
        let pm = package_manager(dir.path(), &serde_json::json!({})).expect("found");
        assert_eq!((pm.name, pm.lockfile, pm.also), ("npm", Some("package-lock.json"), vec!["bun.lockb"]));
        age("bun.lockb", 3_000);
        let pm = package_manager(dir.path(), &serde_json::json!({})).expect("found");
        assert_eq!((pm.name, pm.lockfile), ("bun", Some("bun.lockb")));
        fs::write(dir.path().join("README.md"), "## Setup\n\n```sh\nnpm i\nnpm run dev\n```\n")
            .expect("write");
        let pm = package_manager(dir.path(), &serde_json::json!({})).expect("found");
        assert_eq!(pm.name, "npm", "the README names npm");
        let pm =
            package_manager(dir.path(), &serde_json::json!({"packageManager": "bun@1.1.0"})).expect("found");
        assert_eq!((pm.name, pm.lockfile), ("bun", Some("bun.lockb")));
    }
}
