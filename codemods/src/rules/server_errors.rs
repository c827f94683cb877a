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

use swc_core::ecma::ast::{CallExpr, Callee, Expr, ModuleItem, Pat, Program, Stmt};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::edit::{line_indent, line_start, Edit};
use crate::framework::{
    cors_headers, edge_json_headers, exported_functions, is_preflight, next_response, serve_handlers,
    ExpressRoutes, FileKind, FnBody, METHODS,
};
use crate::parse::{line_col, range};
use crate::wrap::{awaits_outside_try, wrap_in_try};

pub struct ServerErrors;

/// Next's navigation helpers throw on purpose; a catch would swallow them.
const NEXT_THROWERS: &[&str] = &["redirect", "permanentRedirect", "notFound", "unauthorized", "forbidden"];

impl Codemod for ServerErrors {
    fn id(&self) -> &'static str {
        "server-errors"
    }

    fn title(&self) -> &'static str {
        "Catch server handler failures: log them and answer 500 with a generic body"
    }

    fn may_apply(&self, text: &str) -> bool {
        (crate::text::has(text, "async") || crate::text::has(text, "express"))
            && crate::analysis::may_be_server(text)
    }

    fn may_apply_to(&self, file: &crate::model::FileFacts) -> bool {
        // Only entry points have handlers.
        file.entry
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        if file.unreachable() {
            return None;
        }
        let owned;
        let body: &[ModuleItem] = match file.program {
            Program::Module(m) => &m.body,
            Program::Script(s) => {
                owned = s.body.iter().cloned().map(ModuleItem::Stmt).collect::<Vec<_>>();
                &owned
            }
        };
        let kind = FileKind::of_file(file.path, file.program)?;
        let mut out = Out { file, edits: Vec::new(), found: Vec::new() };
        match &kind {
            FileKind::NextRoute { route } => {
                let response = next_response(file.program);
                for (name, body) in exported_functions(body) {
                    if !METHODS.contains(&name.as_str()) {
                        continue;
                    }
                    // A route a browser navigates to (an auth callback, a short
                    // link) answers with redirects: a failure goes to a page too.
                    // An API route gains nothing: Next already logs a thrown
                    // error with its route and answers 500.
                    if name != "GET" || !answers_with_redirects(&body) {
                        continue;
                    }
                    let Some(request) = body.param_name(0) else {
                        out.file.leave_alone(
                            body.body_range().map_or(0, |r| r.start),
                            "redirecting GET routes without a request parameter",
                        );
                        continue;
                    };
                    let lines = vec![
                        format!(
                            "console.error({}, {{e}}){}",
                            out.q(&format!("{name} {route} failed:")),
                            out.semi()
                        ),
                        format!(
                            "return {response}.redirect(new URL({}, {request}.url)){}",
                            out.q("/?error=server_error"),
                            out.semi()
                        ),
                    ];
                    out.wrap(&body, &lines, &name, 0);
                }
            }
            // Next logs what a pages API handler throws and answers 500 itself.
            FileKind::PagesApi { .. } => {}
            // Fastify answers a rejected async handler with a 500 itself.
            FileKind::Fastify => {}
            // Next already logs a server action's error and sends the client a
            // masked one; a catch here would only hide `redirect()` and friends.
            FileKind::ServerActions => {}
            FileKind::Edge { name } => {
                // The app's client often shows a server's `error` field: in its words.
                let generic = crate::messages::server_error(file.model.language_of(file.path));
                let cors = cors_headers(file.program);
                let helper = json_helper(file);
                // Deno logs a thrown error and answers 500 itself; what it
                // cannot do is keep the CORS headers a browser caller needs.
                let browser = cors.is_some();
                for handler in serve_handlers(body).into_iter().filter(|_| browser) {
                    let headers = edge_json_headers(cors.as_deref(), file.style());
                    let log =
                        format!("console.error({}, {{e}}){}", out.q(&format!("{name} failed:")), out.semi());
                    // The file's own reply helper, not a second way to answer.
                    let lines = match &helper {
                        Some(h) => vec![
                            log,
                            format!("return {h}({{ error: {} }}, 500){}", out.q(generic), out.semi()),
                        ],
                        None => vec![
                            log,
                            format!(
                                "return new Response(JSON.stringify({{ error: {} }}), {{",
                                out.q(generic)
                            ),
                            "\tstatus: 500,".to_string(),
                            format!("\theaders: {headers},"),
                            format!("}}){}", out.semi()),
                        ],
                    };
                    // A CORS preflight answered first stays outside the try.
                    let skip =
                        handler.stmts().map_or(0, |s| usize::from(s.first().is_some_and(is_preflight)));
                    out.wrap(&handler, &lines, "handler", skip);
                }
            }
            FileKind::Express => {
                let major = file.model.express_major(file.path).unwrap_or(4);
                let routes = ExpressRoutes::of(body);
                if major < 5 {
                    for (handler, label, _) in &routes.handlers {
                        out.express_route(handler, label, &routes);
                    }
                }
                // An error handler defined elsewhere (`app.use(errorHandler)`) counts.
                let imported_handler = routes.used.iter().any(|n| file.model.arity(file.path, n) == Some(4));
                match routes.error_middleware_spot() {
                    Some(_) if imported_handler => {
                        file.leave_alone(0, "Express apps whose error middleware is defined in another file")
                    }
                    Some(at) => out.error_middleware(at, &routes),
                    None => {}
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

struct Out<'a> {
    file: &'a FileCtx<'a>,
    edits: Vec<Edit>,
    found: Vec<String>,
}

impl Out<'_> {
    fn q(&self, s: &str) -> String {
        self.file.style().quoted(s)
    }

    fn semi(&self) -> &'static str {
        self.file.style().semi()
    }

    /// Wraps the body (from statement `skip` on) in try/catch; `{e}` in the
    /// lines stands for the catch parameter.
    fn wrap(&mut self, body: &FnBody, lines: &[String], label: &str, skip: usize) -> bool {
        let (Some(stmts), Some(block)) = (body.stmts(), body.body_range()) else { return false };
        let stmts = stmts.get(skip..).unwrap_or_default();
        if !body.is_async() || stmts.is_empty() || !awaits_outside_try(stmts) {
            return false;
        }
        if calls_next_thrower(stmts) {
            self.file.leave_alone(
                block.start,
                "handlers that call Next's redirect() or notFound() (they throw on purpose)",
            );
            return false;
        }
        // A body partly covered by its own try/catch: its author chose what
        // to catch; a second, outer try would only nest (precision first).
        if stmts.iter().any(|s| matches!(s, Stmt::Try(_))) {
            self.file.leave_alone(block.start, "handlers partly covered by their own try/catch");
            return false;
        }
        // A catch runs only when some await can reject, as the project model
        // reads the callees: services that return `[]`, `null` or `{ error }`
        // and Supabase calls never do.
        if !crate::model::summaries::awaits_in(stmts, &crate::model::summaries::FileNames::default())
            .iter()
            .any(|site| self.file.model.await_can_reject(self.file.path, site))
        {
            self.file.leave_alone(
                block.start,
                "handlers whose awaits cannot be shown to reject (callees answer errors as values, or are unknown)",
            );
            return false;
        }
        let names = body.names();
        let Some(param) = ["error", "err", "caughtError"].into_iter().find(|n| !names.declares(n)) else {
            return false;
        };
        let lines: Vec<String> = lines.iter().map(|l| l.replace("{e}", param)).collect();
        let Some(edit) = wrap_in_try(self.file.text, self.file.style(), stmts, block.end, param, &lines)
        else {
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
        let style = self.file.style();
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
        let language = self.file.model.language_of(self.file.path);
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
                q(crate::messages::bad_request(language))
            ),
            format!("{indent}{unit}res.status(500).json({{ error: {} }}){semi}", q(crate::messages::server_error(language))),
            format!("{indent}}}){semi}"),
        ];
        let insert = format!("{}{eol}{eol}", block.join(eol));
        self.found.push(format!("the Express app `{app}` (no error middleware)"));
        self.edits.push(Edit::insert(line_start(text, at), insert));
    }
}

/// The file's own JSON reply helper (`json(body, status)`,
/// `jsonResponse(data, status = 200)`), as the project model read it.
fn json_helper(file: &FileCtx) -> Option<String> {
    const NAMES: &[&str] = &["json", "jsonResponse", "errorResponse", "respond", "respondJson", "sendJson"];
    let facts = file.model.files.get(file.path)?;
    facts
        .functions
        .iter()
        .find(|f| {
            f.top_level
                && NAMES.contains(&f.name.as_str())
                && matches!(f.params.as_slice(), [(body, _), (status, _), ..]
                    if matches!(body.as_str(), "body" | "data" | "payload" | "obj" | "content") && status == "status")
        })
        .map(|f| f.name.clone())
}

/// The handler returns redirects (`NextResponse.redirect(…)`, `Response.redirect(…)`).
fn answers_with_redirects(body: &FnBody) -> bool {
    struct Find(bool);
    impl Visit for Find {
        fn visit_return_stmt(&mut self, r: &swc_core::ecma::ast::ReturnStmt) {
            if let Some(Expr::Call(c)) = r.arg.as_deref() {
                if let Callee::Expr(e) = &c.callee {
                    if let Expr::Member(m) = &**e {
                        self.0 |= matches!(&m.prop, swc_core::ecma::ast::MemberProp::Ident(p) if &*p.sym == "redirect");
                    }
                }
            }
            r.visit_children_with(self);
        }
        fn visit_function(&mut self, _: &swc_core::ecma::ast::Function) {}
        fn visit_arrow_expr(&mut self, _: &swc_core::ecma::ast::ArrowExpr) {}
    }
    let mut f = Find(false);
    for s in body.stmts().unwrap_or_default() {
        s.visit_with(&mut f);
    }
    f.0
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
