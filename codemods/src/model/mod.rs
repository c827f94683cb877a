//! The project model: what harden knows about the whole project, built once
//! per run before any codemod runs, and read by codemods, scaffolds and scan
//! checks (none of them re-derives it).

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
