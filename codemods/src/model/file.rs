//! What one file contributes to the project model, read from the tree the run
//! already parsed (no second parse, no second read). Computed for every
//! source file in parallel, then combined across files by [`super::Model`].

use rustc_hash::FxHashSet as HashSet;

use swc_core::ecma::ast::Program;

use super::clients::FileClients;
use super::endpoints::FileEndpoints;
use super::language::FileLanguage;
use super::modules::{ExportOf, Imported, ModuleFacts};
use super::schema::{Schema, Table};
use super::summaries::Function;
use super::uses::UseSite;
use crate::env::EnvRead;
use crate::parse::LineIndex;
use crate::supabase::ClientModule;

#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    pub path: String,
    /// A test, spec, story or fixture: only what it reads from the
    /// environment is kept (its uses of the app decide nothing).
    pub test: bool,
    /// An entry point (a route handler, server actions, an edge function, an
    /// Express or Fastify file).
    pub entry: bool,
    /// A call chain that reads like Supabase's (`x.from(…)`, `x.rpc(…)`,
    /// `x.auth.getUser()`, `x.storage…`, `x.functions.invoke(…)`).
    pub supabase_chains: bool,
    pub modules: ModuleFacts,
    pub functions: Vec<Function>,
    /// Names only ever holding `data:`/`blob:` URLs ([`crate::local_urls::names`]).
    pub local_urls: rustc_hash::FxHashSet<String>,
    /// What the file does with what it imports (and its own exports).
    pub uses: Vec<UseSite>,
    pub clients: FileClients,
    /// What a Supabase client module exports (the codemods' per-file view).
    pub client_module: Option<ClientModule>,
    pub endpoints: FileEndpoints,
    pub language: FileLanguage,
    /// The schema of Supabase's generated types, when the file holds them.
    pub generated_schema: Option<Schema>,
    /// Drizzle tables it defines: (binding, table).
    pub drizzle: Vec<(String, Table)>,
    /// The environment variables it reads.
    pub env_reads: Vec<EnvRead>,
}

impl FileFacts {
    /// What a test file contributes: the environment variables it reads.
    pub fn of_test(path: &str, text: &str, program: &Program) -> FileFacts {
        FileFacts {
            path: path.to_string(),
            test: true,
            env_reads: if crate::env::may_read(text) { crate::env::reads(program, text) } else { Vec::new() },
            ..Default::default()
        }
    }

    /// Whether `codemod` may apply to this file, as far as its facts tell.
    /// Never to a test: a test should fail loudly, and a catch or a log added
    /// to it would hide what it is there to show.
    pub fn allows(&self, codemod: &dyn crate::Codemod) -> bool {
        !self.test && codemod.may_apply_to(self)
    }

    /// `text` is the file without a byte-order mark, `program` its tree.
    /// Each part runs only where a cheap text test says it can find something.
    pub fn of(path: &str, text: &str, program: &Program) -> FileFacts {
        let lines = LineIndex::new(text);
        let modules = super::modules::extract(program, &lines, text);
        // Follow what crosses files: imported values and the file's own exports.
        let mut sources: HashSet<String> = modules
            .imports
            .iter()
            .filter(|i| !i.type_only && is_project_specifier(&i.source))
            .flat_map(|i| i.bindings.iter().map(|b| b.local.clone()))
            .collect();
        sources.extend(modules.exports.iter().filter_map(|e| match &e.of {
            ExportOf::Local(l) => Some(l.clone()),
            _ => None,
        }));
        let imported: HashSet<String> = modules
            .imports
            .iter()
            .filter(|i| !i.type_only)
            .flat_map(|i| {
                i.bindings.iter().filter(|b| b.imported != Imported::Namespace).map(|b| b.local.clone())
            })
            .collect();
        let has = |words: &[&str]| words.iter().any(|w| crate::text::has(text, w));
        let client_module = if crate::supabase::may_create_client(text) {
            crate::supabase::client_module(program)
        } else {
            None
        };
        let supabase_chains = has(&[".from(", ".rpc(", ".auth.", ".functions.", ".storage."])
            && super::clients::has_supabase_chain(program);
        let local_urls = crate::local_urls::names(program, text);
        FileFacts {
            path: path.to_string(),
            test: false,
            entry: crate::framework::FileKind::of_file(path, program).is_some(),
            supabase_chains,
            functions: if has(&["await", "throw", "async", "fetch(", ".then(", "next)", "NextFunction"]) {
                super::summaries::extract(program, &lines, &local_urls)
            } else {
                Vec::new()
            },
            local_urls,
            uses: super::uses::extract(program, &lines, &sources),
            // A leaf module may get its client only as a parameter (`db: any`).
            clients: if has(&["upabase", "Client", "createClient"]) || !imported.is_empty() || supabase_chains
            {
                super::clients::extract(program, &lines)
            } else {
                FileClients::default()
            },
            client_module,
            endpoints: super::endpoints::extract(path, program, &lines, &imported, text),
            language: if has(&["</", "/>", "toast", "alert(", "confirm(", "Error(", ".json({", ".send({"]) {
                super::language::extract(program, &lines)
            } else {
                FileLanguage::default()
            },
            generated_schema: if super::schema::generated::may_hold(text) {
                super::schema::generated::extract(program)
            } else {
                None
            },
            drizzle: if super::schema::drizzle::may_hold(text) {
                super::schema::drizzle::extract(program)
            } else {
                Vec::new()
            },
            env_reads: if crate::env::may_read(text) { crate::env::reads(program, text) } else { Vec::new() },
            modules,
        }
    }
}

/// Tests, specs, stories, fixtures and mocks: code no user runs, whose uses
/// of the app's values decide nothing. A `test` folder among the app's
/// routes is a route (`app/api/campaigns/[id]/test/route.ts`), not a test.
pub fn is_test_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let folders = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let routes = folders
        .split('/')
        .position(|s| matches!(s, "app" | "pages" | "api" | "routes" | "functions"))
        .unwrap_or(usize::MAX);
    [".test.", ".spec.", ".stories.", ".story.", ".cy."].iter().any(|m| name.contains(m))
        || [
            "vitest.config",
            "jest.config",
            "playwright.config",
            "cypress.config",
            "jest.setup",
            "vitest.setup",
        ]
        .iter()
        .any(|c| name.starts_with(c))
        || folders.split('/').take(routes).any(|s| {
            matches!(
                s,
                "test"
                    | "tests"
                    | "__tests__"
                    | "e2e"
                    | "fixtures"
                    | "fixture"
                    | "__mocks__"
                    | "mocks"
                    | "cypress"
                    | "__fixtures__"
                    | "playwright"
            )
        })
}

/// A specifier that may name a project file (relative, an alias), not a
/// package: only those are followed (what `react` returns is not the
/// project's to follow).
pub fn is_project_specifier(s: &str) -> bool {
    const DIRS: &[&str] = &[
        "src",
        "components",
        "lib",
        "utils",
        "hooks",
        "app",
        "server",
        "api",
        "types",
        "services",
        "features",
        "pages",
        "store",
        "config",
        "integrations",
        "shared",
        "contexts",
        "modules",
        "data",
        "helpers",
    ];
    if s.starts_with('.')
        || s.starts_with("@/")
        || s.starts_with("~/")
        || s.starts_with('#')
        || s.starts_with("$lib")
    {
        return true;
    }
    let first = s.split('/').next().unwrap_or(s);
    DIRS.contains(&first.trim_start_matches(['@', '~']))
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn tests_are_told_by_name_or_folder_but_a_test_route_is_a_route() {
        for test in [
            "src/lib/api.test.ts",
            "src/components/Button.stories.tsx",
            "e2e/helpers.ts",
            "apps/webapp/test/bench/lib/cdp.ts",
            "__tests__/app/page.tsx",
            "vitest.config.ts",
            "app/api/x/route.spec.ts",
        ] {
            assert!(is_test_path(test), "{test}");
        }
        for app in [
            "app/api/email-campaigns/[id]/test/route.ts",
            "src/app/test/page.tsx",
            "pages/api/tests/index.ts",
            "supabase/functions/test/index.ts",
            "src/lib/testing.ts",
            "src/latest/feed.ts",
        ] {
            assert!(!is_test_path(app), "{app}");
        }
    }
}
