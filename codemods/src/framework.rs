//! What harden knows about server frameworks, shared by the codemods: which
//! kind of entry point a file is (Next route handlers, pages API, server
//! actions, Supabase edge functions, Express and Fastify routes), where each
//! handler's function is, and how each framework answers (`NextResponse`,
//! CORS headers in edge functions). Codemods ask here; none asks another.

use swc_core::ecma::ast::{
    ArrowExpr, ArrowFunctionBody, BinExpr, Callee, Decl, ExportDefaultDecl, Expr, Function, ImportSpecifier,
    Lit, MemberExpr, MemberProp, ModuleDecl, ModuleItem, ObjectLit, Pat, Program, Prop, PropName,
    PropOrSpread, Stmt, VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::Bindings;
use crate::parse::range;
use crate::style::Style;

/// The HTTP methods a Next route handler may export.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const EXPRESS_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "all"];

/// How a Next route handler file builds its responses: `NextResponse` when it
/// imports it, else the platform's `Response`.
pub fn next_response(program: &Program) -> &'static str {
    if imports(program, "next/server", "NextResponse") {
        "NextResponse"
    } else {
        "Response"
    }
}

/// The headers of a JSON answer from an edge function: the file's CORS
/// headers (so the browser can read the answer) and the content type.
pub fn edge_json_headers(cors: Option<&str>, style: &Style) -> String {
    let content_type = format!("{}: {}", style.quoted("Content-Type"), style.quoted("application/json"));
    match cors {
        Some(c) => format!("{{ ...{c}, {content_type} }}"),
        None => format!("{{ {content_type} }}"),
    }
}

pub enum FileKind {
    Fastify,
    NextRoute { route: String },
    PagesApi { route: String },
    ServerActions,
    Edge { name: String },
    Express,
}

impl FileKind {
    /// What kind of entry point the file at `path` is, if any.
    pub fn of_file(path: &str, program: &Program) -> Option<FileKind> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let stem = name.split('.').next().unwrap_or(name);
        if let Some(rest) = path.strip_prefix("supabase/functions/") {
            let (function, file_name) = rest.split_once('/')?;
            return (!function.starts_with('_') && file_name.starts_with("index."))
                .then(|| FileKind::Edge { name: function.to_string() });
        }
        let app_dir = path.strip_prefix("app/").or_else(|| path.strip_prefix("src/app/"));
        if let (Some(rest), "route") = (app_dir, stem) {
            let segments: Vec<&str> = rest.split('/').collect();
            let route: Vec<&str> = segments[..segments.len() - 1]
                .iter()
                .copied()
                .filter(|s| !(s.starts_with('@') || s.starts_with('(') && s.ends_with(')')))
                .collect();
            return Some(FileKind::NextRoute { route: format!("/{}", route.join("/")) });
        }
        let pages_api = path.strip_prefix("pages/api/").or_else(|| path.strip_prefix("src/pages/api/"));
        if let Some(rest) = pages_api {
            let route = rest.rsplit_once('.').map_or(rest, |(r, _)| r);
            let route = route.strip_suffix("/index").unwrap_or(route);
            return Some(FileKind::PagesApi { route: format!("/api/{route}") });
        }
        if crate::analysis::uses_directive(program, "use server") {
            return Some(FileKind::ServerActions);
        }
        if imports_module(program, "express") || requires_express(program) {
            return Some(FileKind::Express);
        }
        if imports_module(program, "fastify") {
            return Some(FileKind::Fastify);
        }
        None
    }
}

fn imports_module(program: &Program, module: &str) -> bool {
    let Program::Module(m) = program else { return false };
    m.body.iter().any(|i| matches!(i, ModuleItem::ModuleDecl(ModuleDecl::Import(d)) if d.src.value.to_string_lossy() == module))
}

/// `const express = require("express")` at the top level: its local name.
fn required_express(items: &[ModuleItem]) -> Option<String> {
    items.iter().find_map(|item| {
        let ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) = item else { return None };
        v.decls.iter().find_map(|d| {
            let (Pat::Ident(name), Some(Expr::Call(c))) = (&d.name, d.init.as_deref()) else { return None };
            let is_require = matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "require"));
            let is_express = matches!(c.args.first().map(|a| &*a.expr), Some(Expr::Lit(Lit::Str(s))) if s.value.to_string_lossy() == "express");
            (is_require && is_express).then(|| name.id.sym.to_string())
        })
    })
}

fn requires_express(program: &Program) -> bool {
    match program {
        Program::Module(m) => required_express(&m.body).is_some(),
        Program::Script(s) => {
            required_express(&s.body.iter().cloned().map(ModuleItem::Stmt).collect::<Vec<_>>()).is_some()
        }
    }
}

pub fn imports(program: &Program, module: &str, name: &str) -> bool {
    let Program::Module(m) = program else { return false };
    m.body.iter().any(|i| match i {
        ModuleItem::ModuleDecl(ModuleDecl::Import(d)) if d.src.value.to_string_lossy() == module => {
            d.specifiers.iter().any(|s| matches!(s, ImportSpecifier::Named(n) if &*n.local.sym == name))
        }
        _ => false,
    })
}

#[derive(Clone, Copy)]
pub enum FnBody<'a> {
    Arrow(&'a ArrowExpr),
    Function(&'a Function),
}

impl<'a> FnBody<'a> {
    pub fn stmts(&self) -> Option<&'a [Stmt]> {
        match self {
            FnBody::Arrow(a) => match &*a.body {
                ArrowFunctionBody::FunctionBody(b) => Some(&b.stmts),
                ArrowFunctionBody::Expr(_) => None,
            },
            FnBody::Function(f) => f.body.as_ref().map(|b| b.stmts.as_slice()),
        }
    }

    pub fn body_range(&self) -> Option<std::ops::Range<usize>> {
        match self {
            FnBody::Arrow(a) => match &*a.body {
                ArrowFunctionBody::FunctionBody(b) => Some(range(b)),
                ArrowFunctionBody::Expr(_) => None,
            },
            FnBody::Function(f) => f.body.as_ref().map(range),
        }
    }

    pub fn is_async(&self) -> bool {
        match self {
            FnBody::Arrow(a) => a.is_async,
            FnBody::Function(f) => f.is_async,
        }
    }

    pub fn params(&self) -> Vec<&'a Pat> {
        match self {
            FnBody::Arrow(a) => a.params.iter().collect(),
            FnBody::Function(f) => f.params.iter().map(|p| &p.pat).collect(),
        }
    }

    pub fn param_name(&self, i: usize) -> Option<String> {
        match self.params().get(i)? {
            Pat::Ident(b) => Some(b.id.sym.to_string()),
            _ => None,
        }
    }

    pub fn names(&self) -> Bindings {
        match self {
            FnBody::Arrow(a) => Bindings::of_node(*a),
            FnBody::Function(f) => Bindings::of_node(*f),
        }
    }
}

/// `export async function GET()`, `export const POST = async () => {}`.
pub fn exported_functions(items: &[ModuleItem]) -> Vec<(String, FnBody<'_>)> {
    let mut out = Vec::new();
    for item in items {
        let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) = item else { continue };
        match &e.decl {
            Decl::Fn(f) => out.push((f.ident.sym.to_string(), FnBody::Function(&f.function))),
            Decl::Var(v) => {
                for d in &v.decls {
                    let Pat::Ident(name) = &d.name else { continue };
                    match d.init.as_deref() {
                        Some(Expr::Arrow(a)) => out.push((name.id.sym.to_string(), FnBody::Arrow(a))),
                        Some(Expr::Fn(f)) => {
                            out.push((name.id.sym.to_string(), FnBody::Function(&f.function)))
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `if (req.method === "OPTIONS") return …` as the first statement.
pub fn is_preflight(stmt: &Stmt) -> bool {
    let Stmt::If(i) = stmt else { return false };
    let Expr::Bin(BinExpr { left, right, .. }) = &*i.test else { return false };
    let is_options = |e: &Expr| matches!(e, Expr::Lit(Lit::Str(s)) if s.value.to_string_lossy() == "OPTIONS");
    let is_method = |e: &Expr| matches!(e, Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) if &*p.sym == "method");
    (is_options(right) && is_method(left)) || (is_options(left) && is_method(right))
}

/// `validate(schema)`, `celebrate({...})`, `zValidator(...)` and the like.
pub fn is_validation_middleware(e: &Expr) -> bool {
    let Expr::Call(c) = e else { return false };
    let Callee::Expr(callee) = &c.callee else { return false };
    let name = match &**callee {
        Expr::Ident(i) => i.sym.to_string(),
        Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) => p.sym.to_string(),
        _ => return false,
    }
    .to_ascii_lowercase();
    ["validat", "celebrate", "checkschema", "schema"].iter().any(|w| name.contains(w))
}

/// Fastify routes, at the top level or in a plugin function:
/// `<instance>.post(path, [options,] handler)` on a name the file gets from
/// `Fastify()`/`fastify()` or a parameter named `fastify`/`app`/`server`.
/// Routes with a `schema` option are validated by Fastify already.
pub fn fastify_routes(items: &[ModuleItem]) -> Vec<(FnBody<'_>, String, bool)> {
    fn scan<'a>(stmts: impl Iterator<Item = &'a Stmt>, out: &mut Vec<(FnBody<'a>, String, bool)>) {
        for stmt in stmts {
            let Stmt::Expr(e) = stmt else { continue };
            let expr = match &*e.expr {
                Expr::Await(a) => &*a.arg,
                other => other,
            };
            let Expr::Call(call) = expr else { continue };
            let Callee::Expr(callee) = &call.callee else { continue };
            let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee else {
                continue;
            };
            if !matches!(&**obj, Expr::Ident(i) if matches!(&*i.sym, "fastify" | "app" | "server" | "instance"))
            {
                continue;
            }
            let method = p.sym.to_uppercase();
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                continue;
            }
            let path = match call.args.first().map(|a| &*a.expr) {
                Some(Expr::Lit(Lit::Str(s))) => s.value.to_string_lossy().into_owned(),
                _ => continue,
            };
            let validated = call.args.iter().any(|a| match &*a.expr {
                Expr::Object(o) => o.props.iter().any(|p| {
                    matches!(p, PropOrSpread::Prop(p) if matches!(&**p, Prop::KeyValue(kv) if matches!(&kv.key, PropName::Ident(k) if &*k.sym == "schema")))
                }),
                _ => false,
            });
            let handler = match call.args.last().map(|a| &*a.expr) {
                Some(Expr::Arrow(a)) => FnBody::Arrow(a),
                Some(Expr::Fn(f)) => FnBody::Function(&f.function),
                _ => continue,
            };
            out.push((handler, format!("{method} {path}"), validated));
        }
    }
    let mut out = Vec::new();
    for item in items {
        match item {
            ModuleItem::Stmt(s @ Stmt::Expr(_)) => scan(std::iter::once(s), &mut out),
            // `export default async function routes(fastify) { fastify.get(…) }`
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(ExportDefaultDecl {
                decl: swc_core::ecma::ast::DefaultDecl::Fn(f),
                ..
            })) => {
                if let Some(b) = &f.function.body {
                    scan(b.stmts.iter(), &mut out);
                }
            }
            ModuleItem::Stmt(Stmt::Decl(Decl::Fn(f))) => {
                if let Some(b) = &f.function.body {
                    scan(b.stmts.iter(), &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

/// Handlers passed to `serve(...)` or `Deno.serve(...)` at the top level.
pub fn serve_handlers(items: &[ModuleItem]) -> Vec<FnBody<'_>> {
    let mut handlers = Vec::new();
    for item in items {
        let ModuleItem::Stmt(Stmt::Expr(e)) = item else { continue };
        let Expr::Call(call) = &*e.expr else { continue };
        let Callee::Expr(callee) = &call.callee else { continue };
        let is_serve = match &**callee {
            Expr::Ident(i) => &*i.sym == "serve",
            Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) => {
                &*p.sym == "serve" && matches!(&**obj, Expr::Ident(o) if &*o.sym == "Deno")
            }
            _ => false,
        };
        if !is_serve {
            continue;
        }
        match call.args.last().map(|a| &*a.expr) {
            Some(Expr::Arrow(a)) => handlers.push(FnBody::Arrow(a)),
            Some(Expr::Fn(f)) => handlers.push(FnBody::Function(&f.function)),
            _ => {}
        }
    }
    handlers
}

/// The name spread into the `headers` of the file's responses (`corsHeaders`).
pub fn cors_headers(program: &Program) -> Option<String> {
    #[derive(Default)]
    struct Find(Option<String>);
    impl Visit for Find {
        fn visit_object_lit(&mut self, o: &ObjectLit) {
            for p in &o.props {
                if let PropOrSpread::Prop(prop) = p {
                    if let Prop::KeyValue(kv) = &**prop {
                        if matches!(&kv.key, PropName::Ident(k) if &*k.sym == "headers") {
                            if let Expr::Object(h) = &*kv.value {
                                for hp in &h.props {
                                    if let PropOrSpread::Spread(s) = hp {
                                        if let Expr::Ident(i) = &*s.expr {
                                            if self.0.is_none() {
                                                self.0 = Some(i.sym.to_string());
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            o.visit_children_with(self);
        }
    }
    let mut f = Find::default();
    program.visit_with(&mut f);
    f.0
}

/// Express apps and routers made at the top level of a file, their route
/// handlers, and where a final error middleware would go.
pub struct ExpressRoutes<'a> {
    /// The app (from `express()`), if this file makes one.
    pub app: String,
    app_made_here: bool,
    /// The default import's local name (`express`), for type names.
    pub express_default: Option<String>,
    /// `NextFunction` is imported by name.
    pub has_named_next: bool,
    /// (handler, "METHOD path", validated by a middleware such as
    /// `validate(schema)`) for each route.
    pub handlers: Vec<(FnBody<'a>, String, bool)>,
    has_error_middleware: bool,
    /// Names passed to `app.use(…)`: an error middleware when one takes four parameters.
    pub used: Vec<String>,
    listen_at: Option<usize>,
}

impl<'a> ExpressRoutes<'a> {
    pub fn of(items: &'a [ModuleItem]) -> ExpressRoutes<'a> {
        let mut routes = ExpressRoutes {
            app: String::new(),
            app_made_here: false,
            express_default: None,
            has_named_next: false,
            handlers: Vec::new(),
            has_error_middleware: false,
            used: Vec::new(),
            listen_at: None,
        };
        let mut router_factories: Vec<String> = Vec::new();
        routes.express_default = required_express(items);
        for item in items {
            let ModuleItem::ModuleDecl(ModuleDecl::Import(d)) = item else { continue };
            if d.src.value.to_string_lossy() != "express" {
                continue;
            }
            for s in &d.specifiers {
                match s {
                    ImportSpecifier::Default(def) => routes.express_default = Some(def.local.sym.to_string()),
                    ImportSpecifier::Named(n) if &*n.local.sym == "NextFunction" => {
                        routes.has_named_next = true
                    }
                    ImportSpecifier::Named(n) if &*n.local.sym == "Router" => {
                        router_factories.push("Router".into())
                    }
                    _ => {}
                }
            }
        }
        let mut routers: Vec<String> = Vec::new();
        for item in items {
            let stmt = match item {
                ModuleItem::Stmt(s) => s,
                ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => {
                    if let Decl::Var(v) = &e.decl {
                        routes.declare(&v.decls, &mut routers, &router_factories);
                    }
                    continue;
                }
                _ => continue,
            };
            match stmt {
                Stmt::Decl(Decl::Var(v)) => routes.declare(&v.decls, &mut routers, &router_factories),
                Stmt::Expr(e) => {
                    let Expr::Call(call) = &*e.expr else { continue };
                    let Callee::Expr(callee) = &call.callee else { continue };
                    let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee else {
                        continue;
                    };
                    let Expr::Ident(on) = &**obj else { continue };
                    if !routers.iter().any(|r| *r == *on.sym) {
                        continue;
                    }
                    let method = &*p.sym;
                    if method == "listen" && *on.sym == *routes.app && routes.listen_at.is_none() {
                        routes.listen_at = Some(range(item).start);
                    }
                    if method == "use" {
                        routes.has_error_middleware |= call.args.iter().any(|a| match &*a.expr {
                            Expr::Arrow(f) => f.params.len() == 4,
                            Expr::Fn(f) => f.function.params.len() == 4,
                            _ => false,
                        });
                        // `app.use(errorHandler)`: the model says what it takes.
                        routes.used.extend(call.args.iter().filter_map(|a| match &*a.expr {
                            Expr::Ident(i) => Some(i.sym.to_string()),
                            _ => None,
                        }));
                    }
                    if EXPRESS_METHODS.contains(&method) {
                        let path = match call.args.first().map(|a| &*a.expr) {
                            Some(Expr::Lit(Lit::Str(s))) => s.value.to_string_lossy().into_owned(),
                            _ => String::new(),
                        };
                        let label = format!("{} {path}", method.to_uppercase());
                        let validated = call.args.iter().any(|a| is_validation_middleware(&a.expr));
                        let handler = match call.args.last().map(|a| &*a.expr) {
                            Some(Expr::Arrow(a)) => FnBody::Arrow(a),
                            Some(Expr::Fn(f)) => FnBody::Function(&f.function),
                            _ => continue,
                        };
                        routes.handlers.push((handler, label, validated));
                    }
                }
                _ => {}
            }
        }
        routes
    }

    fn declare(&mut self, decls: &[VarDeclarator], routers: &mut Vec<String>, factories: &[String]) {
        for d in decls {
            let (Pat::Ident(name), Some(Expr::Call(c))) = (&d.name, d.init.as_deref()) else { continue };
            let Callee::Expr(callee) = &c.callee else { continue };
            let is_app =
                matches!(&**callee, Expr::Ident(i) if Some(i.sym.to_string()) == self.express_default);
            let is_router = match &**callee {
                Expr::Ident(i) => factories.iter().any(|f| *f == *i.sym),
                Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) => {
                    &*p.sym == "Router"
                        && matches!(&**obj, Expr::Ident(o) if Some(o.sym.to_string()) == self.express_default)
                }
                _ => false,
            };
            if is_app || is_router {
                routers.push(name.id.sym.to_string());
            }
            if is_app && !self.app_made_here {
                self.app = name.id.sym.to_string();
                self.app_made_here = true;
            }
        }
    }

    /// Where a final error middleware goes: before `app.listen(...)` of an
    /// app made here that has none.
    pub fn error_middleware_spot(&self) -> Option<usize> {
        if !self.app_made_here || self.has_error_middleware {
            return None;
        }
        self.listen_at
    }
}
