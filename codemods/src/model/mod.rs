//! The project model: what harden knows about the whole project, built once
//! per run after the walk and the parse, before any codemod runs, and read by
//! codemods, scaffolds and scan checks (none of them re-derives it). Each
//! file's part ([`FileFacts`]) comes from the tree already parsed, in
//! parallel; [`Model::build`] then joins them across files:
//!
//! - [`modules`]: imports and exports resolved to project files (relative
//!   paths, `tsconfig` aliases, Deno import maps, `index` files, re-exports);
//! - [`uses`]: what each file does with what it imports (rendered, counted,
//!   searched, made into options, returned further…), followed to depth 3;
//! - [`summaries`]: whether a function catches, can reject, returns an error value;
//! - [`clients`]: Supabase clients through wrappers, re-exports, typed and
//!   `any` parameters, and whether each is built with the service-role key;
//! - [`schema`]: the database after replaying migrations, with the generated
//!   types, Prisma and Drizzle;
//! - [`endpoints`]: entry points and the in-repo calls of each, with their bodies;
//! - [`language`]: the interface's language and its own error messages.

/// Visitor methods that skip TypeScript types: no part of the model reads
/// them through a visit (an annotation is read where it stands), and in
/// TypeScript code they are a large share of the tree.
macro_rules! skip_types {
    () => {
        fn visit_ts_type(&mut self, _: &swc_core::ecma::ast::TsType) {}
        fn visit_ts_type_ann(&mut self, _: &swc_core::ecma::ast::TsTypeAnn) {}
        fn visit_ts_type_param_instantiation(&mut self, _: &swc_core::ecma::ast::TsTypeParamInstantiation) {}
        fn visit_ts_type_param_decl(&mut self, _: &swc_core::ecma::ast::TsTypeParamDecl) {}
        fn visit_ts_interface_decl(&mut self, _: &swc_core::ecma::ast::TsInterfaceDecl) {}
    };
}
pub(crate) use skip_types;

pub mod clients;
pub mod endpoints;
pub mod file;
pub mod language;
pub mod modules;
pub mod schema;
pub mod summaries;
pub mod uses;

mod build;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

pub use build::Inputs;
use endpoints::{Call, Endpoint};
pub use file::FileFacts;
pub use language::KNOWN as KNOWN_LANGUAGES;
use modules::Resolver;
use schema::Schema;
use summaries::Summary;
use uses::UseKind;

/// Per file, per name (looked up by `&str`, without building a key).
type ByFile<T> = HashMap<String, HashMap<String, T>>;

fn get<'a, T>(map: &'a ByFile<T>, file: &str, name: &str) -> Option<&'a T> {
    map.get(file)?.get(name)
}

/// One use of a value in some file (after following returns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consumer {
    pub path: String,
    pub line: usize,
    pub kind: UseKind,
    pub detail: String,
    /// The functions it was returned through on the way (`useRows` → `useActiveRows`).
    pub through: Vec<String>,
}

/// How a name came to be a Supabase client.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClientHow {
    /// `createClient(…)` (or another factory) right here.
    Constructed,
    /// Returned by a function that makes one (`getAdminClient()`).
    Wrapper(String),
    /// Imported from where one is made (through re-exports).
    Imported(String),
    /// A parameter typed `SupabaseClient` (or an alias of it).
    TypedParam(String),
    /// A parameter the project passes a client into (untyped or `any`).
    PassedParam(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientInfo {
    pub how: ClientHow,
    /// Built with the service-role (or a secret) key: `Some(true)`; a public
    /// key: `Some(false)`; the key does not say: `None`.
    pub service_role: Option<bool>,
}

/// What the apps' manifests and configs say (the binary detects them).
#[derive(Debug, Default)]
pub struct Apps {
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

/// What harden knows about the whole project: the apps (as the binary
/// detected them), and what the files say across files.
#[derive(Debug, Default)]
pub struct Model {
    pub apps: Apps,
    /// Modules that create a Supabase client, by path relative to the project
    /// root without extension (`src/integrations/supabase/client`): the
    /// codemods' per-file view of clients.
    pub supabase_modules: std::collections::HashMap<String, crate::supabase::ClientModule>,
    /// What each file says, by path.
    pub files: BTreeMap<String, FileFacts>,
    pub resolver: Resolver,
    /// Where each import binding leads: (file, local) → (defining file, its local
    /// binding; `None` for an anonymous default export or a namespace).
    imports: ByFile<(String, Option<String>)>,
    /// Uses of each value, by its definition (file, local).
    consumers: ByFile<Vec<Consumer>>,
    /// Function summaries by (file, function name).
    summaries: ByFile<Summary>,
    /// Supabase clients by file: local name → what it is.
    clients: HashMap<String, BTreeMap<String, ClientInfo>>,
    /// The database as migrations, generated types, Prisma and Drizzle describe it.
    pub schema: Schema,
    /// Every endpoint: (file, endpoint), Express routes with their mount prefix.
    pub endpoints: Vec<(String, Endpoint)>,
    /// Every in-repo call of an endpoint: (file, call, the endpoint's index when known).
    pub calls: Vec<(String, Call, Option<usize>)>,
    /// Files some project file imports (statically, dynamically or by re-export).
    imported_files: rustc_hash::FxHashSet<String>,
    /// Some file imports what no string names (`import.meta.glob`): any file may be reached.
    opaque_imports: bool,
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

impl Model {
    /// The Express major of the app that holds `path` (the deepest app folder).
    pub fn express_major(&self, path: &str) -> Option<u64> {
        for_app(&self.apps.express_majors, path).copied()
    }

    /// The zod major the file's app depends on (`None`: no zod yet).
    pub fn zod_major(&self, path: &str) -> Option<u64> {
        for_app(&self.apps.zod_majors, path).copied().flatten()
    }

    /// (page size, maximum page size).
    pub fn page_sizes(&self) -> (u32, u32) {
        let size = if self.apps.page_size == 0 { 20 } else { self.apps.page_size };
        let max = if self.apps.max_page_size == 0 { 100 } else { self.apps.max_page_size };
        (size, max.max(size))
    }

    /// The folder of the app holding `path` (`""`: the root, or none).
    pub fn app_dir(&self, path: &str) -> String {
        self.apps
            .runtimes
            .iter()
            .filter(|(dir, _)| dir.is_empty() || path.starts_with(&format!("{dir}/")))
            .max_by_key(|(dir, _)| dir.len())
            .map(|(dir, _)| dir.clone())
            .unwrap_or_default()
    }

    /// How the app holding `path` runs (`None`: no app holds it).
    pub fn runtime(&self, path: &str) -> Option<AppRuntime> {
        for_app(&self.apps.runtimes, path).copied()
    }

    pub fn prisma(&self, path: &str) -> Option<&crate::prisma::Schema> {
        for_app(&self.apps.prisma, path)
    }

    /// The text of a project module given without extension (`src/types`).
    pub fn read_module(&self, module: &str) -> Option<(String, String)> {
        let root = self.apps.root.as_ref()?;
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    /// A model of a small project: (path, text) files and extra inputs.
    pub(crate) fn project(files: &[(&str, &str)], inputs: Inputs) -> Model {
        let facts = files
            .iter()
            .map(|(path, text)| {
                let parsed = parse(text, Lang::from_path(path).expect("a source")).expect("parses");
                FileFacts::of(path, text, &parsed.program)
            })
            .collect();
        Model::build(Apps::default(), Inputs { files: facts, ..inputs })
    }

    #[test]
    fn consumers_of_a_hook_across_files_and_through_a_wrapper_hook() {
        let m = project(
            &[
                ("src/hooks/useOrders.ts", "export function useOrders() { return useQuery({ queryKey: ['o'], queryFn: fetchOrders }); }\n"),
                ("src/hooks/index.ts", "export * from './useOrders';\n"),
                ("src/hooks/useOpenOrders.ts", "import { useOrders } from '@/hooks';\nexport const useOpenOrders = () => { const { data = [] } = useOrders(); return data.filter((o) => o.open); };\n"),
                ("src/pages/Orders.tsx", "import { useOrders } from '@/hooks';\nexport default function Orders() { const { data: orders } = useOrders(); return <ul>{orders?.map((o) => <li key={o.id}>{o.id}</li>)}</ul>; }\n"),
                ("src/pages/Stats.tsx", "import { useOpenOrders } from '../hooks/useOpenOrders';\nexport function Stats() { const open = useOpenOrders(); return <p>{open.length}</p>; }\n"),
            ],
            Inputs::default(),
        );
        let uses: Vec<(String, UseKind, Vec<String>)> = m
            .consumers("src/hooks/useOrders.ts", "useOrders")
            .into_iter()
            .map(|c| (c.path, c.kind, c.through))
            .collect();
        assert!(uses.contains(&("src/pages/Orders.tsx".into(), UseKind::RenderedList, vec![])), "{uses:?}");
        assert!(
            uses.contains(&("src/pages/Stats.tsx".into(), UseKind::Counted, vec!["useOpenOrders".into()])),
            "{uses:?}"
        );
    }

    #[test]
    fn summaries_across_files() {
        let m = project(
            &[
                ("src/lib/api.ts", "export async function load() { const res = await fetch('/x'); return res.json(); }\nexport async function safeLoad() { try { return await load(); } catch (e) { console.error(e); return null; } }\nexport async function save(row) { const { error } = await supabase.from('t').insert(row); return { error }; }\n"),
                ("src/lib/supabase.ts", "import { createClient } from '@supabase/supabase-js';\nexport const supabase = createClient(url, key);\n"),
                ("src/pages/P.tsx", "import { load, safeLoad, save } from '../lib/api';\nimport axios from 'axios';\nexport async function a() { await load(); }\nexport async function b() { await safeLoad(); await save(1); }\nexport async function c() { await axios.get('/y'); }\n"),
            ],
            Inputs::default(),
        );
        let s = |f: &str, n: &str| m.summary(f, n).unwrap_or_else(|| panic!("no {n}"));
        assert!(s("src/lib/api.ts", "load").can_reject);
        let safe = s("src/lib/api.ts", "safeLoad");
        assert!(safe.catches_all && !safe.can_reject && safe.returns_error_value);
        assert!(!s("src/lib/api.ts", "save").can_reject);
        assert!(s("src/pages/P.tsx", "a").can_reject, "an imported function that rejects");
        assert!(!s("src/pages/P.tsx", "b").can_reject, "callees that catch, or only await Supabase");
        assert!(s("src/pages/P.tsx", "c").can_reject, "a package's call");
        assert_eq!(m.summary_of_call("src/pages/P.tsx", "safeLoad"), Some(safe));
    }

    #[test]
    fn clients_through_wrappers_re_exports_aliases_and_any_parameters() {
        let m = project(
            &[
                ("supabase/functions/_shared/admin.ts", "import { createClient, SupabaseClient } from 'npm:@supabase/supabase-js@2';\nexport type Db = SupabaseClient;\nexport function getAdminClient() { return createClient(Deno.env.get('SUPABASE_URL')!, Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!); }\nexport async function logEvent(db: any, name: string) { await db.from('events').insert({ name }); }\n"),
                ("supabase/functions/webhook/index.ts", "import { getAdminClient, logEvent, type Db } from '../_shared/admin.ts';\nconst admin = getAdminClient();\nasync function audit(client: Db) { await client.from('audit').insert({}); }\nDeno.serve(async (req) => { await logEvent(admin, 'paid'); await audit(admin); return new Response('ok'); });\n"),
                ("src/integrations/supabase/client.ts", "import { createClient } from '@supabase/supabase-js';\nexport const supabase = createClient(URL, 'sb_publishable_abcdefghijklmnopqrstuvwxyz');\n"),
                ("src/lib/db.ts", "export { supabase as db } from '../integrations/supabase/client';\n"),
                ("src/pages/P.tsx", "import { db } from '../lib/db';\nexport async function load() { return db.from('t').select(); }\n"),
            ],
            Inputs::default(),
        );
        let webhook = m.clients_in("supabase/functions/webhook/index.ts").expect("clients");
        assert_eq!(
            webhook["admin"],
            ClientInfo { how: ClientHow::Wrapper("getAdminClient".into()), service_role: Some(true) }
        );
        assert!(
            matches!(webhook["client"].how, ClientHow::TypedParam(_)),
            "a parameter typed with an imported alias"
        );
        let shared = m.clients_in("supabase/functions/_shared/admin.ts").expect("clients");
        assert_eq!(
            shared["db"],
            ClientInfo { how: ClientHow::PassedParam("db".into()), service_role: Some(true) }
        );
        let page = m.clients_in("src/pages/P.tsx").expect("clients");
        assert_eq!(page["db"].service_role, Some(false));
        assert!(matches!(page["db"].how, ClientHow::Imported(_)));
    }

    #[test]
    fn endpoints_and_their_callers() {
        let m = project(
            &[
                ("supabase/functions/create-payment/index.ts", "Deno.serve(async (req) => { const { amount } = await req.json(); return new Response('ok'); });\n"),
                ("app/api/orders/[id]/route.ts", "export async function PATCH(req: Request) { return Response.json({}); }\n"),
                ("server/index.ts", "import express from 'express';\nimport orders from './orders';\nconst app = express();\napp.use('/api', orders);\n"),
                ("server/orders.ts", "import { Router } from 'express';\nconst r = Router();\nr.post('/bookings', requireAuth, async (req, res) => { res.json({}); });\nexport default r;\n"),
                ("src/Checkout.tsx", "export function Checkout() { const pay = async (data) => { await supabase.functions.invoke('create-payment', { body: { amount: Number(data.total), note: data.note || null } }); await fetch(`/api/orders/${id}`, { method: 'PATCH', body: JSON.stringify({ paid: true }) }); await fetch('/api/bookings', { method: 'POST', body: JSON.stringify({ day }) }); }; }\n"),
            ],
            Inputs { verify_jwt: vec![("create-payment".into(), false)], ..Default::default() },
        );
        let edge = m.endpoints.iter().position(|(_, e)| e.route == "create-payment").expect("edge function");
        assert_eq!(m.endpoints[edge].1.verify_jwt, Some(false));
        let callers: Vec<_> = m.callers(edge).collect();
        assert_eq!(callers.len(), 1);
        let body = callers[0].1.body.as_ref().expect("body");
        assert_eq!(body.fields[1].sent, endpoints::Sent::Nullable(Box::new(endpoints::Sent::Unknown)));
        let next = m.endpoints.iter().position(|(_, e)| e.route == "/api/orders/[id]").expect("route");
        assert_eq!(m.callers(next).count(), 1);
        let express =
            m.endpoints.iter().position(|(_, e)| e.route == "/api/bookings").expect("mounted route");
        assert_eq!(m.endpoints[express].1.middleware, ["requireAuth"]);
        assert_eq!(m.callers(express).count(), 1);
    }

    #[test]
    fn the_interface_language_of_a_project() {
        let m = project(
            &[
                ("src/A.tsx", "export const A = () => <div><h1>Nova reserva</h1><p>Não foi possível salvar. Tente novamente.</p></div>;\n"),
                ("src/B.tsx", "export const B = () => <p>Ok</p>;\n"),
            ],
            Inputs::default(),
        );
        assert_eq!(m.language(), Some(language::Language::Portuguese));
        assert_eq!(m.language_of("src/B.tsx"), Some(language::Language::Portuguese));
    }

    #[test]
    fn the_schema_from_migrations_and_generated_types() {
        let m = project(
            &[(
                "src/integrations/supabase/types.ts",
                "export type Database = { public: { Tables: { invoices: { Row: { id: string; total: number }; Insert: { id?: string; total: number }; Relationships: [] } }; Enums: {} } };\n",
            )],
            Inputs {
                migrations: vec![("supabase/migrations/1_a.sql".into(), "create table notes (id uuid primary key);".into())],
                ..Default::default()
            },
        );
        assert_eq!(m.schema.table("notes").map(|t| t.source), Some(schema::Source::Migrations));
        assert_eq!(m.schema.table("invoices").map(|t| t.source), Some(schema::Source::Generated));
    }
}
