//! `server-errors`: a server handler that throws answers with the framework's
//! default (Express 4: never — the request hangs; edge functions: a 500
//! without CORS headers, which the browser reports as a CORS failure) and
//! nobody sees why. Wrap the handler's body in a catch that logs with the
//! route and answers 500 with a generic JSON body in the framework's idiom;
//! error details never reach the client.
//!
//! Covers Next route handlers (`app/**/route.ts`), Next pages API handlers,
//! Supabase edge functions (`serve`, `Deno.serve`) and Express route
//! callbacks (Express 4: the error goes to `next(error)`), and gives an
//! Express app a final error middleware when it has none. Left alone: bodies
//! with no await outside a `try`, bodies partly inside their own try/catch,
//! handlers that call Next's `redirect()`/`notFound()` (they throw on purpose),
//! server actions (Next already logs them and masks the error).

use swc_core::ecma::ast::{
    ArrowExpr, ArrowFunctionBody, BinExpr, CallExpr, Callee, Decl, ExportDefaultDecl, ExportDefaultExpr,
    Expr, Function, ImportSpecifier, Lit, MemberExpr, MemberProp, ModuleDecl, ModuleItem, ObjectLit, Pat,
    Program, Prop, PropName, PropOrSpread, Stmt, VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::Bindings;
use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::edit::{line_indent, line_start, Edit};
use crate::parse::{line_col, range};
use crate::wrap::{awaits_outside_try, wrap_in_try};

pub struct ServerErrors;

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const EXPRESS_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "all"];
/// Next's navigation helpers throw on purpose; a catch would swallow them.
const NEXT_THROWERS: &[&str] = &["redirect", "permanentRedirect", "notFound", "unauthorized", "forbidden"];
const GENERIC: &str = "Internal server error";

impl Codemod for ServerErrors {
    fn id(&self) -> &'static str {
        "server-errors"
    }

    fn title(&self) -> &'static str {
        "Catch server handler failures: log them and answer 500 with a generic body"
    }

    fn may_apply(&self, text: &str) -> bool {
        (text.contains("async") || text.contains("express")) && crate::analysis::may_be_server(text)
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        let owned;
        let body: &[ModuleItem] = match file.program {
            Program::Module(m) => &m.body,
            Program::Script(s) => {
                owned = s.body.iter().cloned().map(ModuleItem::Stmt).collect::<Vec<_>>();
                &owned
            }
        };
        let kind = FileKind::of(file)?;
        let mut out = Out { file, edits: Vec::new(), found: Vec::new() };
        match &kind {
            FileKind::NextRoute { route } => {
                let response = if imports(file.program, "next/server", "NextResponse") {
                    "NextResponse"
                } else {
                    "Response"
                };
                for (name, body) in exported_functions(body) {
                    if !METHODS.contains(&name.as_str()) {
                        continue;
                    }
                    let lines = vec![
                        format!(
                            "console.error({}, {{e}}){}",
                            out.q(&format!("{name} {route} failed:")),
                            out.semi()
                        ),
                        format!(
                            "return {response}.json({{ error: {} }}, {{ status: 500 }}){}",
                            out.q(GENERIC),
                            out.semi()
                        ),
                    ];
                    out.wrap(&body, &lines, &name, 0);
                }
            }
            FileKind::PagesApi { route } => {
                for item in body {
                    let f = match item {
                        ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(ExportDefaultDecl {
                            decl: swc_core::ecma::ast::DefaultDecl::Fn(f),
                            ..
                        })) => Some(FnBody::Function(&f.function)),
                        ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(ExportDefaultExpr {
                            expr,
                            ..
                        })) => match &**expr {
                            Expr::Arrow(a) => Some(FnBody::Arrow(a)),
                            Expr::Fn(f) => Some(FnBody::Function(&f.function)),
                            _ => None,
                        },
                        _ => None,
                    };
                    let Some(body) = f else { continue };
                    let Some(res) = body.param_name(1) else { continue };
                    let lines = vec![
                        format!("console.error({}, {{e}}){}", out.q(&format!("{route} failed:")), out.semi()),
                        format!("{res}.status(500).json({{ error: {} }}){}", out.q(GENERIC), out.semi()),
                    ];
                    out.wrap(&body, &lines, "handler", 0);
                }
            }
            // Fastify answers a rejected async handler with a 500 itself.
            FileKind::Fastify => {}
            // Next already logs a server action's error and sends the client a
            // masked one; a catch here would only hide `redirect()` and friends.
            FileKind::ServerActions => {}
            FileKind::Edge { name } => {
                let cors = cors_headers(file.program);
                for handler in serve_handlers(body) {
                    let headers = match &cors {
                        Some(c) => {
                            format!("{{ ...{c}, {}: {} }}", out.q("Content-Type"), out.q("application/json"))
                        }
                        None => format!("{{ {}: {} }}", out.q("Content-Type"), out.q("application/json")),
                    };
                    let lines = vec![
                        format!("console.error({}, {{e}}){}", out.q(&format!("{name} failed:")), out.semi()),
                        format!("return new Response(JSON.stringify({{ error: {} }}), {{", out.q(GENERIC)),
                        "\tstatus: 500,".to_string(),
                        format!("\theaders: {headers},"),
                        format!("}}){}", out.semi()),
                    ];
                    // A CORS preflight answered first stays outside the try.
                    let skip =
                        handler.stmts().map_or(0, |s| usize::from(s.first().is_some_and(is_preflight)));
                    out.wrap(&handler, &lines, "handler", skip);
                }
            }
            FileKind::Express => {
                let major = file.facts.express_major(file.path).unwrap_or(4);
                let routes = ExpressRoutes::of(body);
                if major < 5 {
                    for (handler, label, _) in &routes.handlers {
                        out.express_route(handler, label, &routes);
                    }
                }
                if let Some(at) = routes.error_middleware_spot() {
                    out.error_middleware(at, &routes);
                }
            }
        }
        if out.edits.is_empty() {
            return None;
        }
        Some(Proposal {
            edits: out.edits,
            why: format!(
                "{}: a failure there is never logged with its route and the client gets no proper answer; the catch logs it and answers 500 with a generic message (details stay on the server)",
                out.found.join(", ")
            ),
        })
    }
}

pub(crate) enum FileKind {
    Fastify,
    NextRoute { route: String },
    PagesApi { route: String },
    ServerActions,
    Edge { name: String },
    Express,
}

impl FileKind {
    pub(crate) fn of(file: &FileCtx) -> Option<FileKind> {
        let path = file.path;
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
        if crate::analysis::uses_directive(file.program, "use server") {
            return Some(FileKind::ServerActions);
        }
        if imports_module(file.program, "express") || requires_express(file.program) {
            return Some(FileKind::Express);
        }
        if imports_module(file.program, "fastify") {
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

pub(crate) fn imports(program: &Program, module: &str, name: &str) -> bool {
    let Program::Module(m) = program else { return false };
    m.body.iter().any(|i| match i {
        ModuleItem::ModuleDecl(ModuleDecl::Import(d)) if d.src.value.to_string_lossy() == module => {
            d.specifiers.iter().any(|s| matches!(s, ImportSpecifier::Named(n) if &*n.local.sym == name))
        }
        _ => false,
    })
}

#[derive(Clone, Copy)]
pub(crate) enum FnBody<'a> {
    Arrow(&'a ArrowExpr),
    Function(&'a Function),
}

impl<'a> FnBody<'a> {
    pub(crate) fn stmts(&self) -> Option<&'a [Stmt]> {
        match self {
            FnBody::Arrow(a) => match &*a.body {
                ArrowFunctionBody::FunctionBody(b) => Some(&b.stmts),
                ArrowFunctionBody::Expr(_) => None,
            },
            FnBody::Function(f) => f.body.as_ref().map(|b| b.stmts.as_slice()),
        }
    }

    pub(crate) fn body_range(&self) -> Option<std::ops::Range<usize>> {
        match self {
            FnBody::Arrow(a) => match &*a.body {
                ArrowFunctionBody::FunctionBody(b) => Some(range(b)),
                ArrowFunctionBody::Expr(_) => None,
            },
            FnBody::Function(f) => f.body.as_ref().map(range),
        }
    }

    pub(crate) fn is_async(&self) -> bool {
        match self {
            FnBody::Arrow(a) => a.is_async,
            FnBody::Function(f) => f.is_async,
        }
    }

    pub(crate) fn params(&self) -> Vec<&'a Pat> {
        match self {
            FnBody::Arrow(a) => a.params.iter().collect(),
            FnBody::Function(f) => f.params.iter().map(|p| &p.pat).collect(),
        }
    }

    pub(crate) fn param_name(&self, i: usize) -> Option<String> {
        match self.params().get(i)? {
            Pat::Ident(b) => Some(b.id.sym.to_string()),
            _ => None,
        }
    }

    pub(crate) fn names(&self) -> Bindings {
        match self {
            FnBody::Arrow(a) => Bindings::of_node(*a),
            FnBody::Function(f) => Bindings::of_node(*f),
        }
    }
}

/// `export async function GET()`, `export const POST = async () => {}`.
pub(crate) fn exported_functions(items: &[ModuleItem]) -> Vec<(String, FnBody<'_>)> {
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

struct Out<'a> {
    file: &'a FileCtx<'a>,
    edits: Vec<Edit>,
    found: Vec<String>,
}

impl Out<'_> {
    fn q(&self, s: &str) -> String {
        self.file.style.quoted(s)
    }

    fn semi(&self) -> &'static str {
        self.file.style.semi()
    }

    /// Wraps the body (from statement `skip` on) in try/catch; `{e}` in the
    /// lines stands for the catch parameter.
    fn wrap(&mut self, body: &FnBody, lines: &[String], label: &str, skip: usize) -> bool {
        let (Some(stmts), Some(block)) = (body.stmts(), body.body_range()) else { return false };
        let stmts = stmts.get(skip..).unwrap_or_default();
        if !body.is_async() || stmts.is_empty() || !awaits_outside_try(stmts) || calls_next_thrower(stmts) {
            return false;
        }
        // A body partly covered by its own try/catch: its author chose what
        // to catch; a second, outer try would only nest (precision first).
        if stmts.iter().any(|s| matches!(s, Stmt::Try(_))) {
            return false;
        }
        let names = body.names();
        let Some(param) = ["error", "err", "caughtError"].into_iter().find(|n| !names.declares(n)) else {
            return false;
        };
        let lines: Vec<String> = lines.iter().map(|l| l.replace("{e}", param)).collect();
        let Some(edit) = wrap_in_try(self.file.text, self.file.style, stmts, block.end, param, &lines) else {
            return false;
        };
        self.found.push(format!("`{label}` on line {}", line_col(self.file.text, block.start).0));
        self.edits.push(edit);
        true
    }

    /// Express 4: an async route whose promise rejects leaves the request
    /// hanging; pass the error to `next`, adding the parameter when missing.
    fn express_route(&mut self, handler: &FnBody, path: &str, routes: &ExpressRoutes) {
        let params = handler.params();
        if params.len() < 2 || params.len() > 3 || !params.iter().all(|p| matches!(p, Pat::Ident(_))) {
            return;
        }
        let (next, add) = match handler.param_name(2) {
            Some(n) => (n, None),
            None => {
                let typed = matches!(params[1], Pat::Ident(b) if b.type_ann.is_some());
                let annotation = match (typed, &routes.express_default) {
                    (false, _) => String::new(),
                    (true, Some(express)) => format!(": {express}.NextFunction"),
                    (true, None) if routes.has_named_next => ": NextFunction".to_string(),
                    (true, None) => return,
                };
                let Some(names) = Some(handler.names()) else { return };
                if names.declares("next") {
                    return;
                }
                (
                    String::from("next"),
                    Some(Edit::insert(range(params[1]).end, format!(", next{annotation}"))),
                )
            }
        };
        let lines = vec![format!("{next}({{e}}){}", self.semi())];
        let before = self.edits.len();
        if self.wrap(handler, &lines, &format!("{path} route"), 0) {
            if let Some(add) = add {
                self.edits.insert(before, add);
            }
        }
    }

    /// A final error-handling middleware before `app.listen(...)`.
    fn error_middleware(&mut self, at: usize, routes: &ExpressRoutes) {
        let text = self.file.text;
        let style = self.file.style;
        let indent = line_indent(text, at).to_string();
        let unit = &style.indent;
        let app = &routes.app;
        let ts = self.file.path.ends_with(".ts")
            || self.file.path.ends_with(".mts")
            || self.file.path.ends_with(".cts");
        let types = match (&routes.express_default, ts) {
            (Some(e), true) => {
                Some((format!("{e}.Request"), format!("{e}.Response"), format!("{e}.NextFunction")))
            }
            (None, true) => return, // no `express` namespace to name the types with
            (_, false) => None,
        };
        let params = match &types {
            Some((req, res, next)) => format!("error: unknown, req: {req}, res: {res}, next: {next}"),
            None => "error, req, res, next".to_string(),
        };
        let semi = style.semi();
        let eol = style.eol;
        let q = |s: &str| style.quoted(s);
        let status =
            if types.is_some() { "(error as { status?: number } | null)?.status" } else { "error?.status" };
        let block = [
            format!("{indent}// Last: log what the routes threw and answer without details (a 4xx such as"),
            format!("{indent}// malformed JSON keeps its status; anything else is a 500)."),
            format!("{indent}{app}.use(({params}) => {{"),
            format!("{indent}{unit}console.error(`${{req.method}} ${{req.path}} failed:`, error){semi}"),
            format!("{indent}{unit}if (res.headersSent) return next(error){semi}"),
            format!("{indent}{unit}const status = {status}{semi}"),
            format!(
                "{indent}{unit}if (status && status >= 400 && status < 500) return res.status(status).json({{ error: {} }}){semi}",
                q("Bad request")
            ),
            format!("{indent}{unit}res.status(500).json({{ error: {} }}){semi}", q(GENERIC)),
            format!("{indent}}}){semi}"),
        ];
        let insert = format!("{}{eol}{eol}", block.join(eol));
        self.found.push(format!("the Express app `{app}` (no error middleware)"));
        self.edits.push(Edit::insert(line_start(text, at), insert));
    }
}

fn calls_next_thrower(stmts: &[Stmt]) -> bool {
    struct Find(bool);
    impl Visit for Find {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if let Callee::Expr(e) = &c.callee {
                if matches!(&**e, Expr::Ident(i) if NEXT_THROWERS.contains(&&*i.sym)) {
                    self.0 = true;
                }
            }
            c.visit_children_with(self);
        }
    }
    let mut f = Find(false);
    for s in stmts {
        s.visit_with(&mut f);
    }
    f.0
}

/// `if (req.method === "OPTIONS") return …` as the first statement.
fn is_preflight(stmt: &Stmt) -> bool {
    let Stmt::If(i) = stmt else { return false };
    let Expr::Bin(BinExpr { left, right, .. }) = &*i.test else { return false };
    let is_options = |e: &Expr| matches!(e, Expr::Lit(Lit::Str(s)) if s.value.to_string_lossy() == "OPTIONS");
    let is_method = |e: &Expr| matches!(e, Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) if &*p.sym == "method");
    (is_options(right) && is_method(left)) || (is_options(left) && is_method(right))
}

/// `validate(schema)`, `celebrate({...})`, `zValidator(...)` and the like.
fn is_validation_middleware(e: &Expr) -> bool {
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
pub(crate) fn fastify_routes(items: &[ModuleItem]) -> Vec<(FnBody<'_>, String, bool)> {
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
pub(crate) fn serve_handlers(items: &[ModuleItem]) -> Vec<FnBody<'_>> {
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
pub(crate) fn cors_headers(program: &Program) -> Option<String> {
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
pub(crate) struct ExpressRoutes<'a> {
    /// The app (from `express()`), if this file makes one.
    app: String,
    app_made_here: bool,
    /// The default import's local name (`express`), for type names.
    pub(crate) express_default: Option<String>,
    has_named_next: bool,
    /// (handler, "METHOD path", validated by a middleware such as
    /// `validate(schema)`) for each route.
    pub(crate) handlers: Vec<(FnBody<'a>, String, bool)>,
    has_error_middleware: bool,
    listen_at: Option<usize>,
}

impl<'a> ExpressRoutes<'a> {
    pub(crate) fn of(items: &'a [ModuleItem]) -> ExpressRoutes<'a> {
        let mut routes = ExpressRoutes {
            app: String::new(),
            app_made_here: false,
            express_default: None,
            has_named_next: false,
            handlers: Vec::new(),
            has_error_middleware: false,
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

    fn error_middleware_spot(&self) -> Option<usize> {
        if !self.app_made_here || self.has_error_middleware {
            return None;
        }
        self.listen_at
    }
}
