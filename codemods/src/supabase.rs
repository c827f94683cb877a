//! Recognising Supabase clients by what they are, not by their name: the
//! binding a module exports after calling `createClient(...)`, a function such
//! a module exports that returns one, a local `createClient(...)` result, a
//! parameter typed `SupabaseClient`. And reading query chains built on them.

use std::collections::{HashMap, HashSet};

use swc_core::ecma::ast::{
    CallExpr, Callee, Decl, ExportDecl, Expr, ImportDecl, ImportSpecifier, MemberExpr, MemberProp,
    ModuleDecl, ModuleExportName, ModuleItem, Pat, Program, Stmt, TsEntityName, TsType, VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

/// What a client module exports.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ClientModule {
    /// Exported names bound to a client.
    pub clients: HashSet<String>,
    /// Exported functions that create and return one (Next's `createClient()`).
    pub factories: HashSet<String>,
}

const FACTORIES: &[&str] = &["createClient", "createBrowserClient", "createServerClient"];

fn is_supabase_module(src: &str) -> bool {
    src.contains("@supabase/supabase-js") || src.contains("@supabase/ssr")
}

/// Cheap text test for [`client_module`].
pub fn may_create_client(text: &str) -> bool {
    crate::text::has(text, "@supabase/") && FACTORIES.iter().any(|f| crate::text::has(text, f))
}

/// What this file exports that is, or makes, a Supabase client.
pub fn client_module(program: &Program) -> Option<ClientModule> {
    let Program::Module(module) = program else { return None };
    let factories = supabase_factories(program);
    if factories.is_empty() {
        return None;
    }
    let mut found = ClientModule::default();
    let mut local_clients = HashSet::new();
    let mut local_factories = HashSet::new();
    for item in &module.body {
        let (decl, exported) = match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl, .. })) => (decl, true),
            ModuleItem::Stmt(Stmt::Decl(decl)) => (decl, false),
            _ => continue,
        };
        match decl {
            Decl::Var(var) => {
                for d in &var.decls {
                    let Pat::Ident(name) = &d.name else { continue };
                    let name = name.id.sym.to_string();
                    let Some(init) = d.init.as_deref() else { continue };
                    if creates_client(init, &factories) {
                        local_clients.insert(name.clone());
                        if exported {
                            found.clients.insert(name);
                        }
                    } else if matches!(strip(init), Expr::Arrow(_) | Expr::Fn(_))
                        && calls_factory(init, &factories)
                    {
                        local_factories.insert(name.clone());
                        if exported {
                            found.factories.insert(name);
                        }
                    }
                }
            }
            Decl::Fn(f) if calls_factory(&*f.function, &factories) => {
                let name = f.ident.sym.to_string();
                local_factories.insert(name.clone());
                if exported {
                    found.factories.insert(name);
                }
            }
            _ => {}
        }
    }
    // `export { supabase }`, `export default supabase`
    for item in &module.body {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(named)) if named.src.is_none() => {
                for spec in &named.specifiers {
                    if let swc_core::ecma::ast::ExportSpecifier::Named(n) = spec {
                        let local = export_name(&n.orig);
                        let exported = n.exported.as_ref().map_or(local.clone(), export_name);
                        if local_clients.contains(&local) {
                            found.clients.insert(exported);
                        } else if local_factories.contains(&local) {
                            found.factories.insert(exported);
                        }
                    }
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(e)) => {
                if let Expr::Ident(id) = strip(&e.expr) {
                    if local_clients.contains(&*id.sym) {
                        found.clients.insert("default".into());
                    }
                }
            }
            _ => {}
        }
    }
    (!found.clients.is_empty() || !found.factories.is_empty()).then_some(found)
}

fn export_name(name: &ModuleExportName) -> String {
    match name {
        ModuleExportName::Ident(i) => i.sym.to_string(),
        ModuleExportName::Str(s) => s.value.to_string_lossy().into_owned(),
    }
}

/// Local names of supabase-js/ssr factories imported by the file.
fn supabase_factories(program: &Program) -> HashSet<String> {
    let mut names = HashSet::new();
    if let Program::Module(module) = program {
        for item in &module.body {
            let ModuleItem::ModuleDecl(ModuleDecl::Import(import)) = item else { continue };
            if !is_supabase_module(&import.src.value.to_string_lossy()) {
                continue;
            }
            for spec in &import.specifiers {
                if let ImportSpecifier::Named(n) = spec {
                    let imported = n.imported.as_ref().map_or_else(|| n.local.sym.to_string(), export_name);
                    if FACTORIES.contains(&imported.as_str()) {
                        names.insert(n.local.sym.to_string());
                    }
                }
            }
        }
    }
    names
}

fn strip(mut e: &Expr) -> &Expr {
    loop {
        e = match e {
            Expr::Paren(p) => &p.expr,
            Expr::Await(a) => &a.arg,
            Expr::TsAs(a) => &a.expr,
            Expr::TsNonNull(a) => &a.expr,
            Expr::TsSatisfies(a) => &a.expr,
            _ => return e,
        }
    }
}

fn creates_client(init: &Expr, factories: &HashSet<String>) -> bool {
    matches!(strip(init), Expr::Call(CallExpr { callee: Callee::Expr(c), .. })
        if matches!(strip(c), Expr::Ident(id) if factories.contains(&*id.sym)))
}

fn calls_factory<N: VisitWith<FactoryCall>>(node: &N, factories: &HashSet<String>) -> bool {
    let mut v = FactoryCall { factories: factories.clone(), found: false };
    node.visit_with(&mut v);
    v.found
}

struct FactoryCall {
    factories: HashSet<String>,
    found: bool,
}

impl Visit for FactoryCall {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(c) = &call.callee {
            if matches!(strip(c), Expr::Ident(id) if self.factories.contains(&*id.sym)) {
                self.found = true;
            }
        }
        call.visit_children_with(self);
    }
}

/// Resolves an import specifier of the file at `from` to a project-relative
/// module path without extension; `@/` and `~/` are tried as `src/` and as the
/// root (Lovable maps `@/*` to `src/*`, v0 to `./*`).
pub fn resolve(from: &str, specifier: &str) -> Vec<String> {
    let strip_ext = |p: String| {
        for ext in [".ts", ".tsx", ".js", ".jsx", ".mjs", ".mts"] {
            if let Some(s) = p.strip_suffix(ext) {
                return s.to_string();
            }
        }
        p
    };
    if let Some(rest) = specifier.strip_prefix("@/").or_else(|| specifier.strip_prefix("~/")) {
        return vec![strip_ext(format!("src/{rest}")), strip_ext(rest.to_string())];
    }
    if !specifier.starts_with('.') {
        return Vec::new();
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop(); // the file name
    for segment in specifier.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                if parts.pop().is_none() {
                    return Vec::new();
                }
            }
            s => parts.push(s),
        }
    }
    vec![strip_ext(parts.join("/"))]
}

/// The client names a file can use.
#[derive(Debug, Default)]
pub struct Clients {
    /// Names bound to a client (imports, locals, typed parameters).
    pub names: HashSet<String>,
    /// Query builders built in steps: `let query = supabase.from("t").select()`.
    pub builders: HashMap<String, Chain>,
}

impl Clients {
    pub fn of(program: &Program, path: &str, modules: &HashMap<String, ClientModule>) -> Clients {
        let mut clients = Clients::default();
        let mut factories: HashSet<String> = supabase_factories(program);
        if let Program::Module(module) = program {
            for item in &module.body {
                let ModuleItem::ModuleDecl(ModuleDecl::Import(ImportDecl {
                    src,
                    specifiers,
                    type_only: false,
                    ..
                })) = item
                else {
                    continue;
                };
                let spec = src.value.to_string_lossy();
                let Some(m) = resolve(path, &spec)
                    .iter()
                    .find_map(|p| modules.get(p).or_else(|| modules.get(&format!("{p}/index"))))
                else {
                    continue;
                };
                for s in specifiers {
                    let (imported, local) = match s {
                        ImportSpecifier::Named(n) => (
                            n.imported.as_ref().map_or_else(|| n.local.sym.to_string(), export_name),
                            n.local.sym.to_string(),
                        ),
                        ImportSpecifier::Default(d) => ("default".to_string(), d.local.sym.to_string()),
                        ImportSpecifier::Namespace(_) => continue,
                    };
                    if m.clients.contains(&imported) {
                        clients.names.insert(local);
                    } else if m.factories.contains(&imported) {
                        factories.insert(local);
                    }
                }
            }
        }
        let mut finder = LocalClients { factories, clients: &mut clients };
        program.visit_with(&mut finder);
        clients
    }

    /// The Supabase call at the end of `expr` (an awaited value), if any.
    pub fn chain(&self, expr: &Expr) -> Option<Chain> {
        let expr = strip(expr);
        if let Expr::Ident(id) = expr {
            return self.builders.get(&*id.sym).cloned();
        }
        let mut methods = Vec::new();
        let mut current = expr;
        loop {
            match current {
                Expr::Call(CallExpr { callee: Callee::Expr(callee), args, .. }) => {
                    let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = strip(callee)
                    else {
                        return None;
                    };
                    let first_arg = args.first().and_then(|a| match &*a.expr {
                        Expr::Lit(swc_core::ecma::ast::Lit::Str(s)) => {
                            Some(s.value.to_string_lossy().into_owned())
                        }
                        _ => None,
                    });
                    methods.push((p.sym.to_string(), first_arg));
                    current = strip(obj);
                }
                Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) => {
                    methods.push((p.sym.to_string(), None));
                    current = strip(obj);
                }
                Expr::Ident(root) => {
                    methods.reverse();
                    if self.names.contains(&*root.sym) {
                        return Chain::from_methods(&methods);
                    }
                    let base = self.builders.get(&*root.sym)?;
                    // More filters on a builder: same table and operation.
                    return methods
                        .iter()
                        .all(|(m, _)| !NOT_FILTERS.contains(&m.as_str()))
                        .then(|| base.clone());
                }
                _ => return None,
            }
        }
    }
}

/// Methods after which a chain is no longer a `{ data, error }` query.
const NOT_FILTERS: &[&str] = &["then", "catch", "finally", "subscribe", "on", "channel", "getPublicUrl"];

/// A Supabase call whose result is `{ data, error }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub kind: ChainKind,
    /// Table, function, bucket or auth method, when known.
    pub target: Option<String>,
    /// Ends in `.single()`: no row is an error too.
    pub single: bool,
    /// Ends in `.maybeSingle()`: no row is `null`, which the code expects.
    pub maybe_single: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainKind {
    Select,
    Insert,
    Update,
    Upsert,
    Delete,
    Rpc,
    Invoke,
    Storage,
    Auth,
}

const AUTH_METHODS: &[&str] = &[
    "signUp",
    "signInWithPassword",
    "signInWithOtp",
    "signInWithOAuth",
    "signInWithIdToken",
    "signInAnonymously",
    "signInWithSSO",
    "verifyOtp",
    "getUser",
    "getSession",
    "updateUser",
    "resetPasswordForEmail",
    "exchangeCodeForSession",
    "refreshSession",
    "setSession",
    "reauthenticate",
    "resend",
    "signOut",
];
const STORAGE_METHODS: &[&str] = &[
    "upload",
    "download",
    "remove",
    "list",
    "move",
    "copy",
    "update",
    "createSignedUrl",
    "createSignedUrls",
];

impl Chain {
    fn from_methods(methods: &[(String, Option<String>)]) -> Option<Chain> {
        let names: Vec<&str> = methods.iter().map(|(m, _)| m.as_str()).collect();
        if names.iter().any(|m| NOT_FILTERS.contains(m)) {
            return None;
        }
        let skip = usize::from(names.first() == Some(&"schema"));
        let single = names.contains(&"single");
        let maybe_single = names.contains(&"maybeSingle");
        let arg = |i: usize| methods.get(i).and_then(|(_, a)| a.clone());
        let chain = match names.get(skip..)? {
            ["from", op, ..] => {
                let kind = match *op {
                    "select" => ChainKind::Select,
                    "insert" => ChainKind::Insert,
                    "update" => ChainKind::Update,
                    "upsert" => ChainKind::Upsert,
                    "delete" => ChainKind::Delete,
                    _ => return None,
                };
                Chain { kind, target: arg(skip), single, maybe_single }
            }
            ["rpc", ..] => Chain { kind: ChainKind::Rpc, target: arg(skip), single, maybe_single },
            ["functions", "invoke", ..] => {
                Chain { kind: ChainKind::Invoke, target: arg(skip + 1), single, maybe_single }
            }
            ["storage", "from", op, ..] if STORAGE_METHODS.contains(op) => {
                Chain { kind: ChainKind::Storage, target: Some((*op).to_string()), single, maybe_single }
            }
            ["auth", method, ..] if AUTH_METHODS.contains(method) => {
                Chain { kind: ChainKind::Auth, target: Some((*method).to_string()), single, maybe_single }
            }
            _ => return None,
        };
        Some(chain)
    }

    /// Changes something (a later failure would not undo it).
    pub fn is_write(&self) -> bool {
        match self.kind {
            ChainKind::Insert
            | ChainKind::Update
            | ChainKind::Upsert
            | ChainKind::Delete
            | ChainKind::Rpc => true,
            ChainKind::Invoke => true,
            ChainKind::Storage => {
                self.target.as_deref() != Some("download") && self.target.as_deref() != Some("list")
            }
            ChainKind::Auth => !matches!(self.target.as_deref(), Some("getUser" | "getSession")),
            ChainKind::Select => false,
        }
    }

    /// A call whose failure should be reported, never made fatal: sign-outs,
    /// and bookkeeping writes (audit and activity logs, notifications,
    /// history, analytics) whose failure must not undo what the user did.
    pub fn is_secondary(&self) -> bool {
        const BOOKKEEPING: &[&str] = &[
            "audit",
            "audits",
            "log",
            "logs",
            "telemetry",
            "analytics",
            "activity",
            "activities",
            "notification",
            "notifications",
            "history",
            "histories",
            "tracking",
            "metrics",
            "execution",
            "executions",
        ];
        let target = self.target.as_deref().unwrap_or("");
        if target == "signOut" {
            return true;
        }
        // Words of the table's name (`activity_logs`, `auditTrail`), so that
        // `blog_posts` or `catalog` are not logs.
        let mut words = Vec::new();
        let mut word = String::new();
        for c in target.chars() {
            if c == '_' || c == '-' || c == '.' || c.is_ascii_uppercase() {
                words.push(std::mem::take(&mut word));
            }
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            }
        }
        words.push(word);
        self.is_write()
            && self.kind != ChainKind::Auth
            && words.iter().any(|w| BOOKKEEPING.contains(&w.as_str()))
    }

    /// "Nothing found" comes back as an error: `.single()` reads, and the
    /// session reads of `auth` (no session is an error too).
    pub fn absence_is_error(&self) -> bool {
        (self.single && self.kind == ChainKind::Select)
            || (self.kind == ChainKind::Auth
                && matches!(self.target.as_deref(), Some("getUser" | "getSession")))
    }

    /// What the call does, for messages: "load projects", "sign in".
    pub fn action(&self) -> String {
        let target = self.target.as_deref().map(words).unwrap_or_default();
        let with = |verb: &str| if target.is_empty() { verb.to_string() } else { format!("{verb} {target}") };
        match self.kind {
            ChainKind::Select => with("load"),
            ChainKind::Insert => with("add"),
            ChainKind::Update => with("update"),
            ChainKind::Upsert => with("save"),
            ChainKind::Delete => with("delete"),
            ChainKind::Rpc | ChainKind::Invoke => with("run"),
            ChainKind::Storage => match self.target.as_deref() {
                Some("upload") => "upload the file".into(),
                Some("download") => "download the file".into(),
                Some("remove") => "remove the file".into(),
                _ => "reach storage".into(),
            },
            ChainKind::Auth => match self.target.as_deref() {
                Some("signUp") => "sign up".into(),
                Some("signOut") => "sign out".into(),
                Some("getUser" | "getSession" | "refreshSession" | "setSession") => "load the session".into(),
                Some("updateUser") => "update the account".into(),
                Some("resetPasswordForEmail") => "send the reset email".into(),
                Some("verifyOtp") => "verify the code".into(),
                _ => "sign in".into(),
            },
        }
    }

    /// A variable name for this call's error: `insertError`, `projectsError`.
    pub fn error_names(&self) -> Vec<String> {
        let op = match self.kind {
            ChainKind::Select => "load",
            ChainKind::Insert => "insert",
            ChainKind::Update => "update",
            ChainKind::Upsert => "upsert",
            ChainKind::Delete => "delete",
            ChainKind::Rpc => "rpc",
            ChainKind::Invoke => "invoke",
            ChainKind::Storage => self.target.as_deref().unwrap_or("storage"),
            ChainKind::Auth => "auth",
        };
        let mut names = vec![format!("{op}Error")];
        if let Some(t) = self.target.as_deref().filter(|_| self.kind != ChainKind::Storage) {
            let camel = camel(t);
            if !camel.is_empty() {
                let mut op_cap = op.to_string();
                op_cap[..1].make_ascii_uppercase();
                // Reads are named after what they load, writes after what they do.
                let at = usize::from(self.kind != ChainKind::Select);
                names.insert(at, format!("{camel}Error"));
                names.push(format!("{camel}{op_cap}Error"));
            }
        }
        names
    }
}

/// `user_profiles` / `userProfiles` → "user profiles".
fn words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c == '_' || c == '-' {
            out.push(' ');
        } else if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `user_profiles` → `userProfiles` (empty when not an identifier).
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' || c == '-' {
            upper = !out.is_empty();
        } else if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            return String::new();
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        return String::new();
    }
    out
}

struct LocalClients<'a> {
    factories: HashSet<String>,
    clients: &'a mut Clients,
}

impl Visit for LocalClients<'_> {
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        d.visit_children_with(self);
        let Pat::Ident(name) = &d.name else { return };
        if let Some(annotation) = &name.type_ann {
            if is_client_type(&annotation.type_ann) {
                self.clients.names.insert(name.id.sym.to_string());
            }
        }
        let Some(init) = d.init.as_deref() else { return };
        if creates_client(init, &self.factories) {
            self.clients.names.insert(name.id.sym.to_string());
        } else if !matches!(strip(init), Expr::Await(_)) {
            // A builder: the chain is not awaited here.
            if let Some(chain) = self.clients.chain(init) {
                self.clients.builders.insert(name.id.sym.to_string(), chain);
            }
        }
    }

    fn visit_param(&mut self, p: &swc_core::ecma::ast::Param) {
        self.visit_typed_pat(&p.pat);
        p.visit_children_with(self);
    }

    fn visit_arrow_expr(&mut self, a: &swc_core::ecma::ast::ArrowExpr) {
        for p in &a.params {
            self.visit_typed_pat(p);
        }
        a.visit_children_with(self);
    }
}

impl LocalClients<'_> {
    fn visit_typed_pat(&mut self, pat: &Pat) {
        if let Pat::Ident(b) = pat {
            if b.type_ann.as_ref().is_some_and(|t| is_client_type(&t.type_ann)) {
                self.clients.names.insert(b.id.sym.to_string());
            }
        }
    }
}

fn is_client_type(ty: &TsType) -> bool {
    matches!(ty, TsType::TsTypeRef(r) if matches!(&r.type_name, TsEntityName::Ident(i) if &*i.sym == "SupabaseClient"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn program(text: &str) -> Program {
        parse(text, Lang::Tsx).expect("parses").program
    }

    #[test]
    fn client_modules() {
        let lovable = program("import { createClient } from '@supabase/supabase-js';\nconst URL = 'x';\nexport const supabase = createClient<Database>(URL, 'k');\n");
        assert_eq!(client_module(&lovable).expect("client").clients, HashSet::from(["supabase".to_string()]));
        let next = program("import { createServerClient } from '@supabase/ssr'\nexport async function createClient() {\n  const store = await cookies()\n  return createServerClient(a, b, {})\n}\n");
        assert_eq!(
            client_module(&next).expect("factory").factories,
            HashSet::from(["createClient".to_string()])
        );
        assert!(client_module(&program("export const supabase = makeIt();\n")).is_none());
    }

    #[test]
    fn resolving_imports() {
        assert_eq!(
            resolve("src/hooks/a.ts", "@/integrations/supabase/client"),
            ["src/integrations/supabase/client", "integrations/supabase/client"]
        );
        assert_eq!(resolve("src/components/x/A.tsx", "../../lib/supabase.ts"), ["src/lib/supabase"]);
        assert!(resolve("a.ts", "react").is_empty());
    }

    #[test]
    fn chains() {
        let modules = HashMap::from([(
            "src/lib/supabase".to_string(),
            ClientModule { clients: HashSet::from(["supabase".into()]), factories: HashSet::new() },
        )]);
        let p = program("import { supabase } from './supabase';\nlet q = supabase.from('user_tasks').select('*');\nconst x = supabase.from('t').select().then(f);\n");
        let clients = Clients::of(&p, "src/lib/a.ts", &modules);
        assert!(clients.names.contains("supabase"));
        let q = clients.builders.get("q").expect("builder");
        assert_eq!(q.action(), "load user tasks");
        assert_eq!(q.error_names(), ["userTasksError", "loadError", "userTasksLoadError"]);
        assert!(!clients.builders.contains_key("x"));
    }
}
