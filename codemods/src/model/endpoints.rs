//! Endpoints and their callers: every server entry point (edge functions with
//! their `supabase/config.toml` settings, Next route handlers and server
//! actions, pages API, Express/Fastify routes with the middleware in front of
//! each), and every in-repo call of one with the body it sends —
//! `functions.invoke(name, { body })`, `fetch(url, { method, body:
//! JSON.stringify(…) })`, axios, a server action called or set as a form's
//! `action`. For each body field: the expression sent and its type as far as
//! the caller's code shows it.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use swc_core::ecma::ast::{
    BinaryOp, CallExpr, Callee, Decl, Expr, JSXAttrName, JSXAttrOrSpread, JSXAttrValue, JSXElement, JSXExpr,
    Lit, MemberProp, ModuleDecl, ModuleItem, Pat, Program, Prop, PropName, PropOrSpread, Stmt, Tpl, TsType,
    UnaryOp, VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::strip_ts;
use crate::framework::FileKind;
use crate::parse::LineIndex;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointKind {
    /// A Supabase edge function (`supabase/functions/<name>/index.ts`).
    Edge,
    NextRoute,
    PagesApi,
    /// An exported function of a `"use server"` file.
    ServerAction,
    Express,
    Fastify,
}

/// One server entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub kind: EndpointKind,
    /// `GET`, `POST`, …; `None` when any method reaches it (edge functions,
    /// server actions, pages API).
    pub method: Option<String>,
    /// The route (`/api/posts/[id]`, `/users/:id`), the edge function's name,
    /// or the action's name. Express routes get their mount prefix when the
    /// model knows it.
    pub route: String,
    /// The handler's function name, when it has one.
    pub handler: Option<String>,
    pub line: usize,
    /// Middleware in front of it: route-level arguments and `use(…)` calls
    /// before it in the file (`authenticate`, `validate`).
    pub middleware: Vec<String>,
    /// `supabase/config.toml` `verify_jwt` for an edge function (`None`: not said,
    /// which means true).
    pub verify_jwt: Option<bool>,
}

/// The type a caller's expression shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    String,
    Number,
    Boolean,
    Null,
    Array,
    Object,
    /// `x || null`, `x ?? null`, `c ? x : null`.
    Nullable(Box<Sent>),
    /// `x?.y`, an optional field: may be missing.
    Optional(Box<Sent>),
    Unknown,
}

impl Sent {
    pub fn label(&self) -> String {
        match self {
            Sent::String => "string".into(),
            Sent::Number => "number".into(),
            Sent::Boolean => "boolean".into(),
            Sent::Null => "null".into(),
            Sent::Array => "array".into(),
            Sent::Object => "object".into(),
            Sent::Nullable(s) => format!("{} | null", s.label()),
            Sent::Optional(s) => format!("{}?", s.label()),
            Sent::Unknown => "unknown".into(),
        }
    }
}

/// One field of a body a caller sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// The expression, as written (shortened).
    pub expr: String,
    pub sent: Sent,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body {
    pub fields: Vec<Field>,
    /// Fields the code does not show (`...data`, a body that is no literal).
    pub open: bool,
    /// Form fields (`FormData`): every value is a string or a file.
    pub form: bool,
}

/// What a call reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An edge function by name (`functions.invoke`, `…/functions/v1/<name>`).
    Edge(String),
    /// A URL path (`/api/posts/:param`), with the method.
    Path { path: String, method: String },
    /// A local binding called as a server action (resolved across files).
    Action(String),
}

/// One in-repo call of an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub target: Target,
    pub body: Option<Body>,
    /// Query parameters in the URL (`?page=`).
    pub query: Vec<String>,
    pub line: usize,
    /// `functions.invoke`, `fetch`, `axios`, `action`, `form`.
    pub via: &'static str,
}

/// `app.use("/api/users", usersRouter)`: routes of `binding` live under `prefix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub prefix: String,
    pub binding: String,
}

/// What one file says: its endpoints, its calls, its mounts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileEndpoints {
    pub endpoints: Vec<Endpoint>,
    pub calls: Vec<Call>,
    pub mounts: Vec<Mount>,
}

const EXPRESS_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "all"];

/// `imported`: the file's imported local names (a call of one may be a
/// server action).
pub fn extract(
    path: &str,
    program: &Program,
    lines: &LineIndex,
    imported: &HashSet<String>,
    text: &str,
) -> FileEndpoints {
    let mut out = FileEndpoints::default();
    let items: &[ModuleItem] = match program {
        Program::Module(m) => &m.body,
        Program::Script(_) => &[],
    };
    match FileKind::of_file(path, program) {
        Some(FileKind::Edge { name }) => out.endpoints.push(Endpoint {
            kind: EndpointKind::Edge,
            method: None,
            route: name,
            handler: None,
            line: crate::framework::serve_handlers(items)
                .first()
                .and_then(|h| h.body_range())
                .map_or(1, |r| lines.line(r.start)),
            middleware: Vec::new(),
            verify_jwt: None,
        }),
        Some(FileKind::NextRoute { route }) => {
            for (name, f) in crate::framework::exported_functions(items) {
                if crate::framework::METHODS.contains(&name.as_str()) {
                    out.endpoints.push(Endpoint {
                        kind: EndpointKind::NextRoute,
                        method: Some(name.clone()),
                        route: route.clone(),
                        handler: Some(name),
                        line: f.body_range().map_or(1, |r| lines.line(r.start)),
                        middleware: Vec::new(),
                        verify_jwt: None,
                    });
                }
            }
        }
        Some(FileKind::PagesApi { route }) => out.endpoints.push(Endpoint {
            kind: EndpointKind::PagesApi,
            method: None,
            route,
            handler: Some("default".into()),
            line: 1,
            middleware: Vec::new(),
            verify_jwt: None,
        }),
        Some(FileKind::ServerActions) => {
            for (name, f) in crate::framework::exported_functions(items) {
                if f.is_async() {
                    out.endpoints.push(Endpoint {
                        kind: EndpointKind::ServerAction,
                        method: None,
                        route: name.clone(),
                        handler: Some(name),
                        line: f.body_range().map_or(1, |r| lines.line(r.start)),
                        middleware: Vec::new(),
                        verify_jwt: None,
                    });
                }
            }
        }
        Some(FileKind::Express) | Some(FileKind::Fastify) | None => {
            let fastify = matches!(FileKind::of_file(path, program), Some(FileKind::Fastify));
            routes(items, lines, fastify, &mut out);
        }
    }
    // Calls of endpoints: `fetch`, `invoke`, axios-like clients, imported actions, forms.
    let may_call = ["fetch(", "invoke(", ".post(", ".get(", ".put(", ".patch(", ".delete(", "action="]
        .iter()
        .any(|w| crate::text::has(text, w))
        || !imported.is_empty();
    if !may_call {
        return out;
    }
    let mut calls = Calls {
        lines,
        program,
        types: std::cell::OnceCell::new(),
        imported,
        out: &mut out.calls,
        forms: Vec::new(),
    };
    program.visit_with(&mut calls);
    out
}

/// Top-level `<app>.<method>(path, …middleware, handler)` and `<app>.use(…)`.
fn routes(items: &[ModuleItem], lines: &LineIndex, fastify: bool, out: &mut FileEndpoints) {
    let mut global: Vec<String> = Vec::new();
    let mut visit = |stmt: &Stmt, global: &mut Vec<String>| {
        let Stmt::Expr(e) = stmt else { return };
        let expr = match strip_ts(&e.expr) {
            Expr::Await(a) => strip_ts(&a.arg),
            other => other,
        };
        let Expr::Call(call) = expr else { return };
        let Callee::Expr(callee) = &call.callee else { return };
        let Expr::Member(m) = strip_ts(callee) else { return };
        let (Expr::Ident(_), MemberProp::Ident(method)) = (strip_ts(&m.obj), &m.prop) else { return };
        let method = method.sym.to_string();
        let path = match call.args.first().map(|a| strip_ts(&a.expr)) {
            Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_string_lossy().into_owned()),
            _ => None,
        };
        if method == "use" {
            let rest = if path.is_some() { &call.args[1..] } else { &call.args[..] };
            for a in rest {
                if let Some(name) = middleware_name(&a.expr) {
                    match &path {
                        Some(prefix) => out.mounts.push(Mount { prefix: prefix.clone(), binding: name }),
                        None => global.push(name),
                    }
                } else if let (Some(prefix), Some(module)) = (&path, required_module(&a.expr)) {
                    out.mounts.push(Mount { prefix: prefix.clone(), binding: format!("require:{module}") });
                }
            }
            return;
        }
        if !EXPRESS_METHODS.contains(&method.as_str()) {
            return;
        }
        let Some(path) = path else { return };
        let middleware: Vec<String> = call
            .args
            .get(1..call.args.len().saturating_sub(1))
            .unwrap_or_default()
            .iter()
            .filter_map(|a| middleware_name(&a.expr))
            .collect();
        let handler = match call.args.last().map(|a| strip_ts(&a.expr)) {
            Some(Expr::Ident(i)) => Some(i.sym.to_string()),
            _ => None,
        };
        out.endpoints.push(Endpoint {
            kind: if fastify { EndpointKind::Fastify } else { EndpointKind::Express },
            method: Some(method.to_uppercase()),
            route: path,
            handler,
            line: lines.line_of(call),
            middleware: global.iter().cloned().chain(middleware).collect(),
            verify_jwt: None,
        });
    };
    for item in items {
        match item {
            ModuleItem::Stmt(s) => visit(s, &mut global),
            // `export default function routes(app) { app.get(…) }`, `module.exports = (app) => {…}`
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) => {
                if let swc_core::ecma::ast::DefaultDecl::Fn(f) = &d.decl {
                    for s in f.function.body.iter().flat_map(|b| &b.stmts) {
                        visit(s, &mut global);
                    }
                }
            }
            _ => {}
        }
        if let ModuleItem::Stmt(Stmt::Decl(Decl::Fn(f))) = item {
            for s in f.function.body.iter().flat_map(|b| &b.stmts) {
                visit(s, &mut global);
            }
        }
    }
}

/// `authenticate`, `requireAuth()`, `validate(schema)`, `auth.required`.
fn middleware_name(e: &Expr) -> Option<String> {
    match strip_ts(e) {
        Expr::Ident(i) => Some(i.sym.to_string()),
        Expr::Call(c) => match &c.callee {
            Callee::Expr(callee) => middleware_name(callee),
            _ => None,
        },
        Expr::Member(m) => match (strip_ts(&m.obj), &m.prop) {
            (Expr::Ident(o), MemberProp::Ident(p)) => Some(format!("{}.{}", o.sym, p.sym)),
            _ => None,
        },
        _ => None,
    }
}

fn required_module(e: &Expr) -> Option<String> {
    let Expr::Call(c) = strip_ts(e) else { return None };
    let is_require =
        matches!(&c.callee, Callee::Expr(e) if matches!(strip_ts(e), Expr::Ident(i) if &*i.sym == "require"));
    match (is_require, c.args.first().map(|a| strip_ts(&a.expr))) {
        (true, Some(Expr::Lit(Lit::Str(s)))) => Some(s.value.to_string_lossy().into_owned()),
        _ => None,
    }
}

/// What the file's own code says about the type of a name: `useState`
/// initial values and type arguments, annotations, constant initialisers.
#[derive(Default)]
struct Types(HashMap<String, Sent>);

impl Types {
    fn of(program: &Program) -> Types {
        let mut t = Types::default();
        program.visit_with(&mut t);
        t
    }
}

fn sent_of_type(ty: &TsType) -> Sent {
    use swc_core::ecma::ast::{TsKeywordTypeKind as K, TsUnionOrIntersectionType};
    match ty {
        TsType::TsKeywordType(k) => match k.kind {
            K::TsStringKeyword => Sent::String,
            K::TsNumberKeyword => Sent::Number,
            K::TsBooleanKeyword => Sent::Boolean,
            K::TsNullKeyword => Sent::Null,
            _ => Sent::Unknown,
        },
        TsType::TsArrayType(_) => Sent::Array,
        TsType::TsTypeLit(_) => Sent::Object,
        TsType::TsLitType(l) => match &l.lit {
            swc_core::ecma::ast::TsLit::Str(_) | swc_core::ecma::ast::TsLit::Tpl(_) => Sent::String,
            swc_core::ecma::ast::TsLit::Number(_) => Sent::Number,
            swc_core::ecma::ast::TsLit::Bool(_) => Sent::Boolean,
            _ => Sent::Unknown,
        },
        TsType::TsUnionOrIntersectionType(TsUnionOrIntersectionType::TsUnionType(u)) => {
            let parts: Vec<Sent> = u.types.iter().map(|t| sent_of_type(t)).collect();
            let nullable = parts.contains(&Sent::Null);
            let rest: Vec<&Sent> = parts.iter().filter(|p| **p != Sent::Null).collect();
            let one = match rest.split_first() {
                Some((first, others)) if others.iter().all(|p| p == first) => (*first).clone(),
                _ => Sent::Unknown,
            };
            if nullable {
                Sent::Nullable(Box::new(one))
            } else {
                one
            }
        }
        _ => Sent::Unknown,
    }
}

impl Visit for Types {
    crate::model::skip_types!();

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        match (&d.name, d.init.as_deref().map(strip_ts)) {
            // `const [name, setName] = useState<string>("")`
            (Pat::Array(a), Some(Expr::Call(c))) if is_call_of(c, "useState") => {
                if let Some(Some(Pat::Ident(state))) = a.elems.first() {
                    let from_type = c
                        .type_args
                        .as_ref()
                        .and_then(|t| t.params.first())
                        .map(|t| sent_of_type(t))
                        .filter(|s| *s != Sent::Unknown);
                    let from_value =
                        c.args.first().map(|a| literal_sent(&a.expr)).filter(|s| *s != Sent::Unknown);
                    if let Some(sent) = from_type.or(from_value) {
                        self.0.entry(state.id.sym.to_string()).or_insert(sent);
                    }
                }
            }
            (Pat::Ident(b), init) => {
                let sent = b
                    .type_ann
                    .as_ref()
                    .map(|t| sent_of_type(&t.type_ann))
                    .filter(|s| *s != Sent::Unknown)
                    .or_else(|| init.map(literal_sent).filter(|s| *s != Sent::Unknown));
                if let Some(sent) = sent {
                    self.0.entry(b.id.sym.to_string()).or_insert(sent);
                }
            }
            _ => {}
        }
        d.visit_children_with(self);
    }

    fn visit_param(&mut self, p: &swc_core::ecma::ast::Param) {
        if let Pat::Ident(b) = &p.pat {
            if let Some(t) = &b.type_ann {
                let sent = sent_of_type(&t.type_ann);
                if sent != Sent::Unknown {
                    self.0.entry(b.id.sym.to_string()).or_insert(sent);
                }
            }
        }
        p.visit_children_with(self);
    }
}

fn is_call_of(c: &CallExpr, name: &str) -> bool {
    matches!(&c.callee, Callee::Expr(e) if matches!(strip_ts(e), Expr::Ident(i) if &*i.sym == name)
        || matches!(strip_ts(e), Expr::Member(m) if matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == name)))
}

/// The type of a literal-ish expression, without looking names up.
fn literal_sent(e: &Expr) -> Sent {
    infer(e, &Types::default(), 0)
}

/// The type an expression shows.
fn infer(e: &Expr, types: &Types, depth: usize) -> Sent {
    if depth > 6 {
        return Sent::Unknown;
    }
    let again = |e: &Expr| infer(e, types, depth + 1);
    match e {
        Expr::TsAs(a) => match sent_of_type(&a.type_ann) {
            Sent::Unknown => again(&a.expr),
            s => s,
        },
        _ => match strip_ts(e) {
            Expr::Lit(Lit::Str(_)) | Expr::Tpl(_) => Sent::String,
            Expr::Lit(Lit::Num(_)) | Expr::Lit(Lit::BigInt(_)) => Sent::Number,
            Expr::Lit(Lit::Bool(_)) => Sent::Boolean,
            Expr::Lit(Lit::Null(_)) => Sent::Null,
            Expr::Array(_) => Sent::Array,
            Expr::Object(_) => Sent::Object,
            Expr::Ident(i) if &*i.sym == "undefined" => Sent::Optional(Box::new(Sent::Unknown)),
            Expr::Ident(i) => types.0.get(&*i.sym).cloned().unwrap_or(Sent::Unknown),
            Expr::Unary(u) => match u.op {
                UnaryOp::Plus | UnaryOp::Minus => Sent::Number,
                UnaryOp::Bang => Sent::Boolean,
                UnaryOp::TypeOf => Sent::String,
                _ => Sent::Unknown,
            },
            Expr::Bin(b) => match b.op {
                BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Exp => Sent::Number,
                BinaryOp::Add => match (again(&b.left), again(&b.right)) {
                    (Sent::String, _) | (_, Sent::String) => Sent::String,
                    (Sent::Number, Sent::Number) => Sent::Number,
                    _ => Sent::Unknown,
                },
                BinaryOp::EqEq
                | BinaryOp::EqEqEq
                | BinaryOp::NotEq
                | BinaryOp::NotEqEq
                | BinaryOp::Lt
                | BinaryOp::LtEq
                | BinaryOp::Gt
                | BinaryOp::GtEq
                | BinaryOp::In
                | BinaryOp::InstanceOf => Sent::Boolean,
                BinaryOp::LogicalOr | BinaryOp::NullishCoalescing => {
                    let (left, right) = (again(&b.left), again(&b.right));
                    match right {
                        Sent::Null => Sent::Nullable(Box::new(strip_optional(left))),
                        r if r == strip_optional(left.clone()) => r,
                        Sent::Unknown => Sent::Unknown,
                        r if left == Sent::Unknown && b.op == BinaryOp::NullishCoalescing => r,
                        _ => Sent::Unknown,
                    }
                }
                _ => Sent::Unknown,
            },
            Expr::Cond(c) => match (again(&c.cons), again(&c.alt)) {
                (a, b) if a == b => a,
                (Sent::Null, other) | (other, Sent::Null) => Sent::Nullable(Box::new(other)),
                _ => Sent::Unknown,
            },
            Expr::Call(c) => {
                let callee = match &c.callee {
                    Callee::Expr(e) => match strip_ts(e) {
                        Expr::Ident(i) => i.sym.to_string(),
                        Expr::Member(m) => match (&m.prop, strip_ts(&m.obj)) {
                            (MemberProp::Ident(p), Expr::Ident(o))
                                if matches!(&*o.sym, "Math" | "Number" | "JSON" | "Date" | "String") =>
                            {
                                format!("{}.{}", o.sym, p.sym)
                            }
                            (MemberProp::Ident(p), _) => format!(".{}", p.sym),
                            _ => String::new(),
                        },
                        _ => String::new(),
                    },
                    _ => String::new(),
                };
                match callee.as_str() {
                    "Number" | "parseInt" | "parseFloat" | "Number.parseInt" | "Number.parseFloat"
                    | ".getTime" | "Date.now" | ".valueOf" => Sent::Number,
                    c if c.starts_with("Math.") => Sent::Number,
                    "String" | "JSON.stringify" | ".toString" | ".trim" | ".toLowerCase" | ".toUpperCase"
                    | ".toISOString" | ".toFixed" | ".join" | ".replace" | ".slice" | ".substring"
                    | ".padStart" | "format" => Sent::String,
                    "Boolean" | ".includes" | ".startsWith" | ".endsWith" | ".some" | ".every" => {
                        Sent::Boolean
                    }
                    ".map" | ".filter" | "Array.from" => Sent::Array,
                    _ => Sent::Unknown,
                }
            }
            Expr::New(n) if matches!(&*n.callee, Expr::Ident(i) if &*i.sym == "Date") => Sent::String,
            Expr::OptChain(_) => Sent::Optional(Box::new(Sent::Unknown)),
            Expr::Member(m) if matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "length") => Sent::Number,
            _ => Sent::Unknown,
        },
    }
}

fn strip_optional(s: Sent) -> Sent {
    match s {
        Sent::Optional(inner) => *inner,
        other => other,
    }
}

/// A path from a URL expression: `"/api/x"`, `` `${base}/api/x/${id}?page=${p}` ``,
/// `"/api/x/" + id`. Dynamic segments become `:param`; the query is split off.
fn url_of(e: &Expr) -> Option<(String, Vec<String>)> {
    let text = match strip_ts(e) {
        Expr::Lit(Lit::Str(s)) => s.value.to_string_lossy().into_owned(),
        Expr::Tpl(t) => template(t),
        Expr::Bin(b) if b.op == BinaryOp::Add => {
            let left = url_of(&b.left).map(|(p, _)| p).unwrap_or_else(|| "${}".into());
            let right = match strip_ts(&b.right) {
                Expr::Lit(Lit::Str(s)) => s.value.to_string_lossy().into_owned(),
                _ => "${}".into(),
            };
            format!("{left}{right}")
        }
        _ => return None,
    };
    let (path, query) = text.split_once('?').map_or((text.as_str(), ""), |(p, q)| (p, q));
    let query: Vec<String> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|k| !k.is_empty() && !k.contains("${}"))
        .map(str::to_string)
        .collect();
    // Drop an origin: `${API}/api/x`, `https://host/api/x`.
    let path = match path.find("://") {
        Some(i) => path[i + 3..].find('/').map_or("/", |j| &path[i + 3 + j..]),
        None => path.strip_prefix("${}").unwrap_or(path),
    };
    if !path.starts_with('/') {
        return None;
    }
    let segments: Vec<&str> = path.split('/').map(|s| if s.contains("${}") { ":param" } else { s }).collect();
    Some((segments.join("/"), query))
}

fn template(t: &Tpl) -> String {
    let mut out = String::new();
    for (i, q) in t.quasis.iter().enumerate() {
        out.push_str(&q.raw);
        if i < t.exprs.len() {
            out.push_str("${}");
        }
    }
    out
}

struct Calls<'a> {
    lines: &'a LineIndex,
    program: &'a Program,
    /// What the file says about its names' types, read when a body needs it.
    types: std::cell::OnceCell<Types>,
    imported: &'a HashSet<String>,
    out: &'a mut Vec<Call>,
    /// Forms being visited: (action binding, fields seen so far).
    forms: Vec<(String, Vec<Field>)>,
}

fn prop_key(k: &PropName) -> Option<String> {
    match k {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => Some(s.value.to_string_lossy().into_owned()),
        _ => None,
    }
}

/// The value of `key` in an object literal (a shorthand `{ body }` as the
/// name it stands for).
fn object_prop(o: &swc_core::ecma::ast::ObjectLit, key: &str) -> Option<Expr> {
    o.props.iter().find_map(|p| match p {
        PropOrSpread::Prop(p) => match &**p {
            Prop::KeyValue(kv) if prop_key(&kv.key).as_deref() == Some(key) => Some((*kv.value).clone()),
            Prop::Shorthand(i) if &*i.sym == key => Some(Expr::Ident(i.clone())),
            _ => None,
        },
        _ => None,
    })
}

fn short(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 60 {
        format!("{}…", one.chars().take(59).collect::<String>())
    } else {
        one
    }
}

impl Calls<'_> {
    /// `const payload = { … }` in the file: the body it makes (for `body:
    /// payload` and `{ body }`; looked for only when a call sends one).
    fn object_named(&self, name: &str) -> Option<Body> {
        struct Find<'n> {
            name: &'n str,
            found: Option<swc_core::ecma::ast::ObjectLit>,
        }
        impl Visit for Find<'_> {
            fn visit_var_declarator(&mut self, d: &VarDeclarator) {
                if let (Pat::Ident(b), Some(Expr::Object(o))) = (&d.name, d.init.as_deref().map(strip_ts)) {
                    if &*b.id.sym == self.name && self.found.is_none() {
                        self.found = Some(o.clone());
                    }
                }
                d.visit_children_with(self);
            }
        }
        let mut f = Find { name, found: None };
        self.program.visit_with(&mut f);
        f.found.map(|o| self.body_of(&Expr::Object(o)))
    }

    fn types(&self) -> &Types {
        self.types.get_or_init(|| Types::of(self.program))
    }

    /// The fields of an object literal sent as a body.
    fn body_of(&self, e: &Expr) -> Body {
        match strip_ts(e) {
            Expr::Object(o) => {
                let mut body = Body::default();
                for p in &o.props {
                    match p {
                        PropOrSpread::Spread(_) => body.open = true,
                        PropOrSpread::Prop(p) => match &**p {
                            Prop::KeyValue(kv) => {
                                let Some(name) = prop_key(&kv.key) else {
                                    body.open = true;
                                    continue;
                                };
                                body.fields.push(Field {
                                    name,
                                    expr: short(&describe(&kv.value)),
                                    sent: infer(&kv.value, self.types(), 0),
                                });
                            }
                            Prop::Shorthand(i) => body.fields.push(Field {
                                name: i.sym.to_string(),
                                expr: i.sym.to_string(),
                                sent: self.types().0.get(&*i.sym).cloned().unwrap_or(Sent::Unknown),
                            }),
                            _ => body.open = true,
                        },
                    }
                }
                body
            }
            // `JSON.stringify(payload)`
            Expr::Call(c) if is_call_of(c, "stringify") => match c.args.first() {
                Some(a) => self.body_of(&a.expr),
                None => Body { open: true, ..Default::default() },
            },
            Expr::Ident(i) => self.object_named(&i.sym).unwrap_or(Body { open: true, ..Default::default() }),
            _ => Body { open: true, ..Default::default() },
        }
    }
}

/// A short rendering of an expression for reports (`data.email || data.phone`).
fn describe(e: &Expr) -> String {
    match strip_ts(e) {
        Expr::Ident(i) => i.sym.to_string(),
        Expr::Lit(Lit::Str(s)) => format!("\"{}\"", s.value.to_string_lossy()),
        Expr::Lit(Lit::Num(n)) => n.value.to_string(),
        Expr::Lit(Lit::Bool(b)) => b.value.to_string(),
        Expr::Lit(Lit::Null(_)) => "null".into(),
        Expr::Member(m) => match &m.prop {
            MemberProp::Ident(p) => format!("{}.{}", describe(&m.obj), p.sym),
            _ => format!("{}[…]", describe(&m.obj)),
        },
        Expr::OptChain(o) => match &*o.base {
            swc_core::ecma::ast::OptChainBase::Member(m) => match &m.prop {
                MemberProp::Ident(p) => format!("{}?.{}", describe(&m.obj), p.sym),
                _ => "…".into(),
            },
            swc_core::ecma::ast::OptChainBase::Call(_) => "…()".into(),
        },
        Expr::Call(c) => match &c.callee {
            Callee::Expr(callee) => {
                let args: Vec<String> = c.args.iter().take(2).map(|a| describe(&a.expr)).collect();
                format!("{}({})", describe(callee), args.join(", "))
            }
            _ => "…()".into(),
        },
        Expr::Bin(b) => {
            let op = match b.op {
                BinaryOp::LogicalOr => "||",
                BinaryOp::NullishCoalescing => "??",
                BinaryOp::LogicalAnd => "&&",
                BinaryOp::Add => "+",
                BinaryOp::Sub => "-",
                BinaryOp::Mul => "*",
                BinaryOp::Div => "/",
                _ => "op",
            };
            format!("{} {op} {}", describe(&b.left), describe(&b.right))
        }
        Expr::Unary(u) if u.op == UnaryOp::Bang => format!("!{}", describe(&u.arg)),
        Expr::Unary(u) if u.op == UnaryOp::Plus => format!("+{}", describe(&u.arg)),
        Expr::Cond(c) => format!("{} ? {} : {}", describe(&c.test), describe(&c.cons), describe(&c.alt)),
        Expr::Tpl(_) => "`…`".into(),
        Expr::Array(_) => "[…]".into(),
        Expr::Object(_) => "{…}".into(),
        Expr::New(n) => format!("new {}(…)", describe(&n.callee)),
        Expr::Await(a) => format!("await {}", describe(&a.arg)),
        _ => "…".into(),
    }
}

impl Visit for Calls<'_> {
    crate::model::skip_types!();

    // `await createBooking({ … })`: an imported function awaited may be a server action.
    fn visit_await_expr(&mut self, a: &swc_core::ecma::ast::AwaitExpr) {
        if let Expr::Call(c) = strip_ts(&a.arg) {
            if let Callee::Expr(callee) = &c.callee {
                if let Expr::Ident(i) = strip_ts(callee) {
                    if self.imported.contains(&*i.sym) {
                        self.action(&i.sym, c);
                    }
                }
            }
        }
        a.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        let line = self.lines.line_of(c);
        let callee = match &c.callee {
            Callee::Expr(e) => Some(strip_ts(e)),
            _ => None,
        };
        match callee {
            // `supabase.functions.invoke("name", { body })`
            Some(Expr::Member(m))
                if matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "invoke")
                    && matches!(strip_ts(&m.obj), Expr::Member(f) if matches!(&f.prop, MemberProp::Ident(p) if &*p.sym == "functions")) =>
            {
                if let Some(Expr::Lit(Lit::Str(name))) = c.args.first().map(|a| strip_ts(&a.expr)) {
                    let body = match c.args.get(1).map(|a| strip_ts(&a.expr)) {
                        Some(Expr::Object(o)) => object_prop(o, "body").map(|b| self.body_of(&b)),
                        _ => None,
                    };
                    self.out.push(Call {
                        target: Target::Edge(name.value.to_string_lossy().into_owned()),
                        body,
                        query: Vec::new(),
                        line,
                        via: "functions.invoke",
                    });
                }
            }
            // `fetch(url, { method, body })`
            Some(Expr::Ident(i)) if &*i.sym == "fetch" => {
                if let Some((path, query)) = c.args.first().and_then(|a| url_of(&a.expr)) {
                    let options = match c.args.get(1).map(|a| strip_ts(&a.expr)) {
                        Some(Expr::Object(o)) => Some(o),
                        _ => None,
                    };
                    let method = options
                        .and_then(|o| object_prop(o, "method"))
                        .and_then(|m| match strip_ts(&m) {
                            Expr::Lit(Lit::Str(s)) => Some(s.value.to_string_lossy().to_uppercase()),
                            _ => None,
                        })
                        .unwrap_or_else(|| "GET".into());
                    let body = options.and_then(|o| object_prop(o, "body")).map(|b| self.body_of(&b));
                    self.push_path(path, method, body, query, line, "fetch");
                }
            }
            // `axios.post(url, data)`, `api.get(url)`, `axios(url, { … })`
            Some(Expr::Member(m)) => {
                if let (MemberProp::Ident(p), Some(first)) = (&m.prop, c.args.first()) {
                    let method = p.sym.to_ascii_uppercase();
                    if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                        if let Some((path, query)) = url_of(&first.expr) {
                            let body = if method == "GET" || method == "DELETE" {
                                None
                            } else {
                                c.args.get(1).map(|a| self.body_of(&a.expr))
                            };
                            self.push_path(path, method, body, query, line, "axios");
                        }
                    }
                }
            }
            // An imported function handed a form (`action(formData)`) may be a server action.
            Some(Expr::Ident(i))
                if self.imported.contains(&*i.sym)
                    && matches!(c.args.first().map(|a| strip_ts(&a.expr)), Some(Expr::Ident(f)) if f.sym.to_ascii_lowercase().contains("form")) =>
            {
                self.action(&i.sym, c);
            }
            _ => {}
        }
        c.visit_children_with(self);
    }

    fn visit_jsx_element(&mut self, el: &JSXElement) {
        let name = match &el.opening.name {
            swc_core::ecma::ast::JSXElementName::Ident(i) => i.sym.to_string(),
            _ => String::new(),
        };
        let attr = |key: &str| {
            el.opening.attrs.iter().find_map(|a| match a {
                JSXAttrOrSpread::JSXAttr(a) if matches!(&a.name, JSXAttrName::Ident(i) if &*i.sym == key) => {
                    a.value.as_ref()
                }
                _ => None,
            })
        };
        if name == "form" {
            if let Some(JSXAttrValue::JSXExprContainer(c)) = attr("action") {
                if let JSXExpr::Expr(e) = &c.expr {
                    if let Expr::Ident(i) = strip_ts(e) {
                        self.forms.push((i.sym.to_string(), Vec::new()));
                        el.visit_children_with(self);
                        if let Some((action, fields)) = self.forms.pop() {
                            let line = self.lines.line_of(el);
                            self.out.push(Call {
                                target: Target::Action(action),
                                body: Some(Body { fields, open: false, form: true }),
                                query: Vec::new(),
                                line,
                                via: "form",
                            });
                        }
                        return;
                    }
                }
            }
        }
        // An input inside a form: its `name` is a field.
        if !self.forms.is_empty() {
            if let Some(JSXAttrValue::Str(field)) = attr("name") {
                let file =
                    matches!(attr("type"), Some(JSXAttrValue::Str(t)) if t.value.to_string_lossy() == "file");
                if let Some((_, fields)) = self.forms.last_mut() {
                    fields.push(Field {
                        name: field.value.to_string_lossy().into_owned(),
                        expr: format!("<{name} name>"),
                        sent: if file { Sent::Object } else { Sent::String },
                    });
                }
            }
        }
        el.visit_children_with(self);
    }
}

impl Calls<'_> {
    /// A call of an imported function that may be a server action (resolved across files).
    fn action(&mut self, name: &str, c: &CallExpr) {
        if self
            .out
            .iter()
            .any(|k| k.line == self.lines.line_of(c) && k.target == Target::Action(name.to_string()))
        {
            return;
        }
        let body = c.args.first().map(|a| match strip_ts(&a.expr) {
            Expr::Object(_) => self.body_of(&a.expr),
            _ => Body { open: true, ..Default::default() },
        });
        let line = self.lines.line_of(c);
        self.out.push(Call {
            target: Target::Action(name.to_string()),
            body,
            query: Vec::new(),
            line,
            via: "action",
        });
    }

    fn push_path(
        &mut self,
        path: String,
        method: String,
        body: Option<Body>,
        query: Vec<String>,
        line: usize,
        via: &'static str,
    ) {
        // `${SUPABASE_URL}/functions/v1/<name>` is an edge function.
        let target = match path.strip_prefix("/functions/v1/") {
            Some(name) if !name.is_empty() && !name.contains('/') && name != ":param" => {
                Target::Edge(name.to_string())
            }
            _ => Target::Path { path, method },
        };
        self.out.push(Call { target, body, query, line, via });
    }
}

/// Whether a call's path reaches a route: segment by segment, a `:param`,
/// `[id]` or `[...slug]` matches any one (a catch-all, the rest).
pub fn path_matches(call: &str, route: &str) -> bool {
    let call: Vec<&str> = call.trim_end_matches('/').split('/').collect();
    let route: Vec<&str> = route.trim_end_matches('/').split('/').collect();
    for (i, r) in route.iter().enumerate() {
        if r.starts_with("[...") || r.starts_with("[[...") {
            return call.len() > i || r.starts_with("[[");
        }
        let Some(c) = call.get(i) else { return false };
        let dynamic = r.starts_with('[') || r.starts_with(':') || *c == ":param";
        if !dynamic && c != r {
            return false;
        }
    }
    call.len() == route.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn file(path: &str, text: &str) -> FileEndpoints {
        let parsed = parse(text, Lang::Tsx).expect("parses");
        let imported: HashSet<String> =
            super::super::modules::extract(&parsed.program, &LineIndex::new(text), text)
                .imports
                .iter()
                .flat_map(|i| i.bindings.iter().map(|b| b.local.clone()))
                .collect();
        extract(path, &parsed.program, &LineIndex::new(text), &imported, text)
    }

    #[test]
    fn invoke_fetch_axios_and_their_bodies() {
        let f = file(
            "src/pages/Checkout.tsx",
            "export function Checkout({ total }: { total: string }) {\n  const [email, setEmail] = useState('');\n  const [qty, setQty] = useState<number>(1);\n  const pay = async (data) => {\n    await supabase.functions.invoke('create-payment', { body: { buyer_email: data.email || data.phone, amount: Number(total), note: data.note || null, email, qty, when: new Date().toISOString(), coupon: data?.coupon } });\n    await fetch(`${API}/api/orders/${id}?page=${p}&size=20`, { method: 'PATCH', body: JSON.stringify({ status: 'paid', ...extra }) });\n    await axios.post('/api/log', { level: 1 });\n    await fetch(`${SUPABASE_URL}/functions/v1/notify`, { method: 'POST' });\n  };\n}\n",
        );
        let invoke = &f.calls[0];
        assert_eq!(invoke.target, Target::Edge("create-payment".into()));
        let body = invoke.body.as_ref().expect("a body");
        let sent: Vec<(&str, Sent)> = body.fields.iter().map(|f| (f.name.as_str(), f.sent.clone())).collect();
        assert_eq!(
            sent,
            [
                ("buyer_email", Sent::Unknown),
                ("amount", Sent::Number),
                ("note", Sent::Nullable(Box::new(Sent::Unknown))),
                ("email", Sent::String),
                ("qty", Sent::Number),
                ("when", Sent::String),
                ("coupon", Sent::Optional(Box::new(Sent::Unknown))),
            ]
        );
        assert_eq!(body.fields[0].expr, "data.email || data.phone");
        let patch = f
            .calls
            .iter()
            .find(|c| c.via == "fetch" && matches!(&c.target, Target::Path { .. }))
            .expect("fetch");
        assert_eq!(patch.target, Target::Path { path: "/api/orders/:param".into(), method: "PATCH".into() });
        assert_eq!(patch.query, ["page", "size"]);
        assert!(patch.body.as_ref().is_some_and(|b| b.open && b.fields[0].sent == Sent::String));
        assert!(f
            .calls
            .iter()
            .any(|c| c.target == Target::Path { path: "/api/log".into(), method: "POST".into() }));
        assert!(f.calls.iter().any(|c| c.target == Target::Edge("notify".into())));
    }

    #[test]
    fn endpoints_of_each_kind() {
        let edge =
            file("supabase/functions/send-email/index.ts", "serve(async (req) => new Response('ok'));\n");
        assert_eq!(edge.endpoints[0].kind, EndpointKind::Edge);
        assert_eq!(edge.endpoints[0].route, "send-email");
        let next = file(
            "app/api/posts/[id]/route.ts",
            "export async function GET() {}\nexport async function DELETE() {}\n",
        );
        assert_eq!(
            next.endpoints.iter().map(|e| e.method.clone().unwrap_or_default()).collect::<Vec<_>>(),
            ["GET", "DELETE"]
        );
        assert_eq!(next.endpoints[0].route, "/api/posts/[id]");
        let express = file(
            "server/routes.ts",
            "import express from 'express';\nconst router = express.Router();\nrouter.use(requireAuth);\nrouter.get('/users/:id', validate(schema), getUser);\napp.use('/api', router);\n",
        );
        assert_eq!(express.endpoints[0].middleware, ["requireAuth", "validate"]);
        assert_eq!(express.mounts, [Mount { prefix: "/api".into(), binding: "router".into() }]);
        let actions =
            file("app/actions.ts", "'use server';\nexport async function createBooking(form: FormData) {}\n");
        assert_eq!(actions.endpoints[0].kind, EndpointKind::ServerAction);
    }

    #[test]
    fn forms_send_strings() {
        let f = file(
            "app/page.tsx",
            "import { createBooking } from './actions';\nexport default function P() { return <form action={createBooking}><input name=\"email\" /><Input name=\"guests\" type=\"number\" /><button /></form>; }\n",
        );
        let form = f.calls.iter().find(|c| c.via == "form").expect("form");
        assert_eq!(form.target, Target::Action("createBooking".into()));
        let names: Vec<&str> = form
            .body
            .as_ref()
            .map(|b| b.fields.iter().map(|f| f.name.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["email", "guests"]);
    }

    #[test]
    fn paths_match_routes() {
        assert!(path_matches("/api/orders/:param", "/api/orders/[id]"));
        assert!(path_matches("/api/orders/42", "/api/orders/:id"));
        assert!(!path_matches("/api/orders", "/api/orders/[id]"));
        assert!(path_matches("/api/docs/a/b", "/api/docs/[...slug]"));
    }
}
