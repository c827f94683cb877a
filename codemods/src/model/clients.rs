//! Supabase clients: a value is a client when it is one by construction
//! (`createClient`, `createBrowserClient`, `createServerClient` and the
//! auth-helpers' factories), when a function that makes one returns it (a
//! local wrapper like `getAdminClient()`, or one imported), when it is
//! imported from where one is made (through re-exports), when it is a
//! parameter typed `SupabaseClient` (directly or through a type alias), or
//! when the project passes a client into an untyped or `any` parameter.
//! Whether it is a service-role client is decided by the key it is built
//! with (an env name, a decoded key), never by the variable's name.

use swc_core::ecma::ast::{
    ArrowExpr, CallExpr, Callee, Decl, Expr, Function, ImportSpecifier, Lit, ModuleDecl, ModuleItem, Pat,
    Program, ReturnStmt, TsType, VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::strip_ts;
use crate::parse::LineIndex;

/// The factories of `@supabase/supabase-js`, `@supabase/ssr` and the
/// auth-helpers packages.
pub const FACTORIES: &[&str] = &[
    "createClient",
    "createBrowserClient",
    "createServerClient",
    "createRouteHandlerClient",
    "createServerComponentClient",
    "createServerActionClient",
    "createClientComponentClient",
    "createMiddlewareClient",
    "createPagesBrowserClient",
    "createPagesServerClient",
];

/// Type names that say "a Supabase client".
pub const CLIENT_TYPES: &[&str] = &["SupabaseClient"];

/// What a client's key says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// Read from the environment under this name.
    Env(String),
    /// A key written in the code: its role (`anon`, `service_role`).
    Literal(&'static str),
    /// Another binding of the file, resolved when the file is read.
    Unknown,
}

impl Key {
    /// `Some(true)` for a service-role (or secret) key, `Some(false)` for a
    /// public one, `None` when the key does not say.
    pub fn service_role(&self) -> Option<bool> {
        match self {
            Key::Literal(role) => Some(*role == "service_role"),
            Key::Env(name) => {
                let upper = name.to_ascii_uppercase();
                if upper.contains("SERVICE_ROLE") || upper.contains("SERVICE_KEY") || upper.contains("SECRET")
                {
                    Some(true)
                } else if upper.contains("ANON") || upper.contains("PUBLISHABLE") || upper.contains("PUBLIC")
                {
                    Some(false)
                } else {
                    None
                }
            }
            Key::Unknown => None,
        }
    }
}

/// `const name = callee(…)`: a binding made by calling something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Made {
    pub name: String,
    /// The called name (a factory, a wrapper, an import).
    pub callee: String,
    /// The key argument when the callee is a Supabase factory.
    pub key: Key,
    pub top_level: bool,
    pub line: usize,
}

/// A function that makes and returns a client: (its name, what it calls, the key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrapper {
    pub name: String,
    /// The factory or wrapper it calls.
    pub callee: String,
    pub key: Key,
}

/// A parameter of a named function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub function: String,
    pub index: usize,
    pub name: String,
    /// Its type annotation's name (`SupabaseClient`, an alias, `any`), if any.
    pub ty: Option<String>,
}

/// `callee(…, arg, …)` with a plain name as an argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pass {
    pub callee: String,
    pub index: usize,
    pub arg: String,
    pub line: usize,
}

/// What one file says about Supabase clients.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileClients {
    /// Local names of the Supabase factories it imports.
    pub factories: Vec<String>,
    pub made: Vec<Made>,
    pub wrappers: Vec<Wrapper>,
    pub params: Vec<Param>,
    /// `type Db = SupabaseClient<Database>`: (alias, the type it names).
    pub aliases: Vec<(String, String)>,
    pub passes: Vec<Pass>,
}

fn is_supabase_package(src: &str) -> bool {
    src.starts_with("@supabase/") || src.contains("/@supabase/") || src.contains("supabase-js")
}

/// The key argument of `createClient(url, key, …)` (`createBrowserClient`
/// and `createServerClient` take the same two first).
fn key_of(call: &CallExpr, consts: &[(String, Key)]) -> Key {
    let Some(arg) = call.args.get(1) else {
        // The auth-helpers read their keys from the environment themselves.
        return Key::Unknown;
    };
    key_expr(&arg.expr, consts)
}

fn key_expr(e: &Expr, consts: &[(String, Key)]) -> Key {
    if let Some(name) = crate::env::name_read(e) {
        return Key::Env(name);
    }
    match strip_ts(e) {
        Expr::Lit(Lit::Str(s)) => match crate::secrets::supabase_role(&s.value.to_string_lossy()) {
            Some(role) => Key::Literal(role),
            None => Key::Unknown,
        },
        Expr::Ident(i) => consts.iter().find(|(n, _)| *n == *i.sym).map_or(Key::Unknown, |(_, k)| k.clone()),
        _ => Key::Unknown,
    }
}

/// What a file says about clients, read from its tree.
pub fn extract(program: &Program, lines: &LineIndex) -> FileClients {
    let mut out = FileClients::default();
    if let Program::Module(m) = program {
        for item in &m.body {
            let ModuleItem::ModuleDecl(ModuleDecl::Import(d)) = item else { continue };
            if !is_supabase_package(&d.src.value.to_string_lossy()) || d.type_only {
                continue;
            }
            for s in &d.specifiers {
                if let ImportSpecifier::Named(n) = s {
                    let imported = match &n.imported {
                        Some(swc_core::ecma::ast::ModuleExportName::Ident(i)) => i.sym.to_string(),
                        Some(swc_core::ecma::ast::ModuleExportName::Str(s)) => {
                            s.value.to_string_lossy().into_owned()
                        }
                        None => n.local.sym.to_string(),
                    };
                    if FACTORIES.contains(&imported.as_str()) {
                        out.factories.push(n.local.sym.to_string());
                    }
                }
            }
        }
    }
    let mut v = Scan { lines, out: &mut out, consts: Vec::new(), functions: Vec::new(), depth: 0 };
    program.visit_with(&mut v);
    out
}

struct Scan<'a> {
    lines: &'a LineIndex,
    out: &'a mut FileClients,
    /// Bindings whose value is a key: `const key = Deno.env.get("…")`.
    consts: Vec<(String, Key)>,
    /// The named functions being visited (innermost last).
    functions: Vec<String>,
    depth: usize,
}

fn callee_name(call: &CallExpr) -> Option<String> {
    let Callee::Expr(c) = &call.callee else { return None };
    match strip_ts(c) {
        Expr::Ident(i) => Some(i.sym.to_string()),
        Expr::Member(m) => match (strip_ts(&m.obj), &m.prop) {
            (Expr::Ident(o), swc_core::ecma::ast::MemberProp::Ident(p)) => {
                Some(format!("{}.{}", o.sym, p.sym))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The call an initializer makes, through `await`.
fn made_by(e: &Expr) -> Option<&CallExpr> {
    match strip_ts(e) {
        Expr::Call(c) => Some(c),
        Expr::Await(a) => made_by(&a.arg),
        _ => None,
    }
}

impl Scan<'_> {
    fn function<F: VisitWith<Self> + Returning>(
        &mut self,
        name: Option<String>,
        params: Vec<&Pat>,
        node: &F,
    ) {
        if let Some(name) = &name {
            for (index, p) in params.iter().enumerate() {
                let (pname, ty) = match p {
                    Pat::Ident(b) => {
                        (b.id.sym.to_string(), b.type_ann.as_ref().map(|t| type_name(&t.type_ann)))
                    }
                    Pat::Assign(a) => match &*a.left {
                        Pat::Ident(b) => {
                            (b.id.sym.to_string(), b.type_ann.as_ref().map(|t| type_name(&t.type_ann)))
                        }
                        _ => continue,
                    },
                    _ => continue,
                };
                self.out.params.push(Param { function: name.clone(), index, name: pname, ty });
            }
            // A function returning what a factory or another function makes.
            let mut r = Returns {
                factories: &self.out.factories,
                consts: &self.consts,
                calls: Vec::new(),
                names: Vec::new(),
            };
            node.returns(&mut r);
            for (callee, key) in r.calls {
                self.out.wrappers.push(Wrapper { name: name.clone(), callee, key });
            }
            for returned in r.names {
                self.out.wrappers.push(Wrapper {
                    name: name.clone(),
                    callee: format!("={returned}"),
                    key: Key::Unknown,
                });
            }
        }
        self.functions.push(name.unwrap_or_default());
        self.depth += 1;
        node.visit_children_with(self);
        self.depth -= 1;
        self.functions.pop();
    }
}

/// A type's name for client purposes: `SupabaseClient<Database>` →
/// `SupabaseClient`, `ReturnType<typeof createClient>` → `createClient`.
fn type_name(ty: &TsType) -> String {
    use swc_core::ecma::ast::{TsEntityName, TsKeywordTypeKind, TsTypeQueryExpr};
    match ty {
        TsType::TsTypeRef(r) => {
            let name = match &r.type_name {
                TsEntityName::Ident(i) => i.sym.to_string(),
                TsEntityName::TsQualifiedName(q) => q.right.sym.to_string(),
            };
            if name == "ReturnType" {
                if let Some(TsType::TsTypeQuery(q)) =
                    r.type_params.as_ref().and_then(|p| p.params.first()).map(|t| &**t)
                {
                    if let TsTypeQueryExpr::TsEntityName(TsEntityName::Ident(i)) = &q.expr_name {
                        return i.sym.to_string();
                    }
                }
            }
            name
        }
        TsType::TsKeywordType(k) if k.kind == TsKeywordTypeKind::TsAnyKeyword => "any".into(),
        TsType::TsKeywordType(k) if k.kind == TsKeywordTypeKind::TsUnknownKeyword => "unknown".into(),
        _ => String::new(),
    }
}

/// What a function body returns: calls (`return createClient(…)`), with the
/// key when the callee is a factory, and names.
struct Returns<'a> {
    factories: &'a [String],
    consts: &'a [(String, Key)],
    calls: Vec<(String, Key)>,
    names: Vec<String>,
}

impl Returns<'_> {
    fn call(&mut self, call: &CallExpr) {
        if let Some(callee) = callee_name(call) {
            let key = if self.factories.contains(&callee) { key_of(call, self.consts) } else { Key::Unknown };
            self.calls.push((callee, key));
        }
    }
}

/// A function whose own body can be searched for what it returns.
trait Returning {
    fn returns(&self, r: &mut Returns);
}

impl Returning for ArrowExpr {
    fn returns(&self, r: &mut Returns) {
        match &*self.body {
            swc_core::ecma::ast::ArrowFunctionBody::Expr(e) => match strip_ts(e) {
                Expr::Ident(i) => r.names.push(i.sym.to_string()),
                e => {
                    if let Some(c) = made_by(e) {
                        r.call(c);
                    }
                }
            },
            swc_core::ecma::ast::ArrowFunctionBody::FunctionBody(b) => b.visit_with(r),
        }
    }
}

impl Returning for Function {
    fn returns(&self, r: &mut Returns) {
        self.body.visit_with(r);
    }
}

impl Visit for Returns<'_> {
    crate::model::skip_types!();

    fn visit_return_stmt(&mut self, r: &ReturnStmt) {
        if let Some(arg) = &r.arg {
            match strip_ts(arg) {
                Expr::Ident(i) => self.names.push(i.sym.to_string()),
                e => {
                    if let Some(c) = made_by(e) {
                        self.call(c);
                    }
                }
            }
        }
    }
    // Nested functions return for themselves.
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_function(&mut self, _: &Function) {}
}

impl Visit for Scan<'_> {
    crate::model::skip_types!();

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        let Some(init) = d.init.as_deref() else { return d.visit_children_with(self) };
        if let Pat::Ident(b) = &d.name {
            let name = b.id.sym.to_string();
            // A key kept in a binding first.
            let key = key_expr(init, &self.consts);
            if key != Key::Unknown {
                self.consts.push((name.clone(), key));
            }
            match strip_ts(init) {
                Expr::Arrow(a) => {
                    let params = a.params.iter().collect();
                    return self.function(Some(name), params, a);
                }
                Expr::Fn(f) => {
                    let params = f.function.params.iter().map(|p| &p.pat).collect();
                    return self.function(Some(name), params, &*f.function);
                }
                _ => {}
            }
            if let Some(call) = made_by(init) {
                if let Some(callee) = callee_name(call) {
                    let key = if self.out.factories.contains(&callee) {
                        key_of(call, &self.consts)
                    } else {
                        Key::Unknown
                    };
                    let line = self.lines.line_of(d);
                    self.out.made.push(Made { name, callee, key, top_level: self.depth == 0, line });
                }
            }
        }
        d.visit_children_with(self);
    }

    fn visit_fn_decl(&mut self, f: &swc_core::ecma::ast::FnDecl) {
        let params = f.function.params.iter().map(|p| &p.pat).collect();
        self.function(Some(f.ident.sym.to_string()), params, &*f.function);
    }

    fn visit_function(&mut self, f: &Function) {
        self.function(None, Vec::new(), f);
    }

    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        self.function(None, Vec::new(), a);
    }

    fn visit_decl(&mut self, d: &Decl) {
        if let Decl::TsTypeAlias(t) = d {
            let target = type_name(&t.type_ann);
            if !target.is_empty() {
                self.out.aliases.push((t.id.sym.to_string(), target));
            }
        }
        d.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        // A name passed to a function by name (one the model can find).
        if let Callee::Expr(callee) = &c.callee {
            if let Expr::Ident(callee) = strip_ts(callee) {
                for (index, a) in c.args.iter().enumerate() {
                    if let Expr::Ident(i) = strip_ts(&a.expr) {
                        let line = self.lines.line_of(c);
                        self.out.passes.push(Pass {
                            callee: callee.sym.to_string(),
                            index,
                            arg: i.sym.to_string(),
                            line,
                        });
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
}

/// Whether the file has a call chain that reads like Supabase's: a name,
/// then `from`/`rpc`/`auth`/`storage`/`functions`/`schema` (Drizzle's
/// `db.select().from(t)` does not: `from` comes later).
pub fn has_supabase_chain(program: &Program) -> bool {
    struct Find(bool);
    impl Visit for Find {
        crate::model::skip_types!();

        fn visit_member_expr(&mut self, m: &swc_core::ecma::ast::MemberExpr) {
            if !self.0 {
                if let (Expr::Ident(root), swc_core::ecma::ast::MemberProp::Ident(p)) =
                    (strip_ts(&m.obj), &m.prop)
                {
                    const GLOBALS: &[&str] = &[
                        "Array",
                        "Object",
                        "Buffer",
                        "Uint8Array",
                        "Set",
                        "Map",
                        "Promise",
                        "String",
                        "Number",
                        "Date",
                        "JSON",
                        "Math",
                        "Intl",
                        "Reflect",
                    ];
                    self.0 = crate::model::summaries::SUPABASE_FIRST.contains(&&*p.sym)
                        && !GLOBALS.contains(&&*root.sym);
                }
                m.visit_children_with(self);
            }
        }
    }
    let mut f = Find(false);
    program.visit_with(&mut f);
    f.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn clients(text: &str) -> FileClients {
        let parsed = parse(text, Lang::Ts).expect("parses");
        extract(&parsed.program, &crate::parse::LineIndex::new(text))
    }

    #[test]
    fn constructions_wrappers_keys_params_and_passes() {
        let c = clients(
            "import { createClient, type SupabaseClient } from '@supabase/supabase-js';\nconst serviceKey = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!;\nexport const supabase = createClient(url, import.meta.env.VITE_SUPABASE_ANON_KEY);\nexport function getAdminClient() {\n  return createClient(Deno.env.get('SUPABASE_URL') ?? '', serviceKey);\n}\ntype Db = SupabaseClient<Database>;\nexport async function listRows(db: Db, table: any) { return db.from(table).select(); }\nconst admin = getAdminClient();\nawait listRows(admin, 't');\n",
        );
        assert_eq!(c.factories, ["createClient"]);
        let made: Vec<(&str, &str, Option<bool>)> =
            c.made.iter().map(|m| (m.name.as_str(), m.callee.as_str(), m.key.service_role())).collect();
        assert_eq!(made, [("supabase", "createClient", Some(false)), ("admin", "getAdminClient", None)]);
        assert_eq!(
            c.wrappers,
            [Wrapper {
                name: "getAdminClient".into(),
                callee: "createClient".into(),
                key: Key::Env("SUPABASE_SERVICE_ROLE_KEY".into())
            }]
        );
        assert_eq!(c.aliases, [("Db".to_string(), "SupabaseClient".to_string())]);
        assert!(c.params.contains(&Param {
            function: "listRows".into(),
            index: 0,
            name: "db".into(),
            ty: Some("Db".into())
        }));
        assert!(c.passes.iter().any(|p| p.callee == "listRows" && p.index == 0 && p.arg == "admin"));
    }

    #[test]
    fn keys_by_role_not_by_name() {
        use base64::Engine;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"service_role","iat":1}"#);
        let service = format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{payload}.c2lnbmF0dXJlc2lnbmF0dXJl");
        let c = clients(&format!(
            "import {{ createClient }} from '@supabase/supabase-js';\nexport const supabasePublic = createClient('https://x.supabase.co', '{service}');\n"
        ));
        assert_eq!(c.made[0].key, Key::Literal("service_role"));
        assert_eq!(Key::Env("SUPABASE_ANON_KEY".into()).service_role(), Some(false));
        assert_eq!(Key::Env("MY_KEY".into()).service_role(), None);
    }
}
