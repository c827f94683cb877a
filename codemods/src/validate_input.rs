//! `validate-input`: frontend checks are bypassed by any HTTP client; the
//! server must check what it reads. A server entry point that reads a request
//! body gets a zod schema (one per entry point, named, after the imports) and
//! a `safeParse` that answers 400 with the issues in the framework's idiom;
//! later reads use the parsed data. Malformed JSON is a 400 too.
//!
//! Field types come from evidence, best first: a TypeScript type the body is
//! annotated or cast with (same file), the Prisma model field the value is
//! written to, how the handler uses it (string methods), then the field's name
//! (`email`). Anything else stays permissive (`z.any()`) and the change says
//! so. Strings get generous length limits and nothing else: no new business
//! rules. Left alone: handlers that already parse/safeParse, Express routes
//! with a validation middleware, bodies used whole with no known shape.

use swc_core::ecma::ast::{
    AwaitExpr, CallExpr, Callee, Decl, Expr, Ident, ImportSpecifier, Lit, MemberExpr, MemberProp, ModuleDecl,
    ModuleItem, ObjectPatProp, Pat, Program, Prop, PropName, PropOrSpread, Stmt, TsEntityName,
    TsKeywordTypeKind, TsLit, TsType, TsTypeElement, VarDecl,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::strip_ts;
use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::edit::{line_indent, starts_line, Edit};
use crate::parse::range;
use crate::server_errors::{
    cors_headers, exported_functions, fastify_routes, imports, serve_handlers, ExpressRoutes, FileKind,
    FnBody,
};

pub struct ValidateInput;

const METHODS: &[&str] = &["POST", "PUT", "PATCH", "DELETE"];
const STRING_METHODS: &[&str] = &[
    "trim",
    "toLowerCase",
    "toUpperCase",
    "split",
    "includes",
    "startsWith",
    "endsWith",
    "replace",
    "slice",
    "substring",
    "padStart",
    "charAt",
    "normalize",
    "localeCompare",
];

impl Codemod for ValidateInput {
    fn id(&self) -> &'static str {
        "validate-input"
    }

    fn title(&self) -> &'static str {
        "Validate request bodies with a zod schema; bad input gets a 400"
    }

    fn may_apply(&self, text: &str) -> bool {
        [".json()", ".body", ".query", ".params", "FormData", ".formData()", "searchParams"]
            .iter()
            .any(|p| text.contains(p))
            && crate::analysis::may_be_server(text)
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        let owned;
        let items: &[ModuleItem] = match file.program {
            Program::Module(m) => &m.body,
            Program::Script(s) => {
                owned = s.body.iter().cloned().map(ModuleItem::Stmt).collect::<Vec<_>>();
                &owned
            }
        };
        let kind = FileKind::of(file)?;
        let edge = matches!(kind, FileKind::Edge { .. });
        let zod = ZodImport::find(items)?;
        let major =
            zod.major.or_else(|| if edge { None } else { file.facts.zod_major(file.path) }).unwrap_or(4);
        let mut run = Run {
            file,
            added_here: Vec::new(),
            pending: Vec::new(),
            major,
            schemas: Vec::new(),
            edits: Vec::new(),
            found: Vec::new(),
            guessed: Vec::new(),
            modules: Default::default(),
        };
        match &kind {
            FileKind::NextRoute { route } => {
                let response = if imports(file.program, "next/server", "NextResponse") {
                    "NextResponse"
                } else {
                    "Response"
                };
                for (method, body) in exported_functions(items) {
                    if !METHODS.contains(&method.as_str()) {
                        continue;
                    }
                    let name = schema_name_for(&method, route);
                    let label = format!("{method} {route}");
                    let reject = |issues: &str, q: &dyn Fn(&str) -> String| {
                        format!(
                            "return {response}.json({{ error: {}, issues: {issues} }}, {{ status: 400 }})",
                            q("Invalid request body")
                        )
                    };
                    run.json_entry(&body, &name, &label, reject);
                    if let Some(req) = body.param_name(0) {
                        run.form_entry(&body, &name, &label, FormSource::Request(&req), &reject);
                    }
                }
                for (method, body) in exported_functions(items) {
                    if method != "GET" {
                        continue;
                    }
                    let query = format!("List{}Query", resource(route));
                    run.search_params_entry(&body, &query, &format!("GET {route}"), response);
                }
            }
            FileKind::Edge { name } => {
                let cors = cors_headers(file.program);
                for body in serve_handlers(items) {
                    let schema = format!("{}Body", pascal(name));
                    let headers = match &cors {
                        Some(c) => format!(
                            "{{ ...{c}, {}: {} }}",
                            file.style.quoted("Content-Type"),
                            file.style.quoted("application/json")
                        ),
                        None => format!(
                            "{{ {}: {} }}",
                            file.style.quoted("Content-Type"),
                            file.style.quoted("application/json")
                        ),
                    };
                    run.json_entry(&body, &schema, name, |issues, q| {
                        format!(
                            "return new Response(JSON.stringify({{ error: {}, issues: {issues} }}), {{ status: 400, headers: {headers} }})",
                            q("Invalid request body")
                        )
                    });
                }
            }
            FileKind::Express | FileKind::Fastify => {
                let fastify = matches!(kind, FileKind::Fastify);
                let routes = if fastify { fastify_routes(items) } else { ExpressRoutes::of(items).handlers };
                let reply = if fastify { Reply::Fastify } else { Reply::Express };
                let stem = file.path.rsplit('/').next().unwrap_or("").split('.').next().unwrap_or("");
                for (body, label, validated) in &routes {
                    if *validated {
                        continue;
                    }
                    let method = label.split(' ').next().unwrap_or("");
                    let path = label.split(' ').nth(1).unwrap_or("");
                    let has_segment =
                        path.split('/').any(|s| !s.is_empty() && !s.starts_with(':') && s != "api");
                    let resource_path = if has_segment { path } else { stem };
                    let resource = singular(&pascal(
                        resource_path
                            .split('/')
                            .rfind(|s| !s.is_empty() && !s.starts_with(':') && *s != "api")
                            .unwrap_or(stem),
                    ));
                    if path.contains(':') {
                        run.input_entry(body, &format!("{resource}Params"), label, Source::Params, reply);
                    }
                    let query = if method == "GET" {
                        format!("List{resource}Query")
                    } else {
                        format!("{resource}Query")
                    };
                    run.input_entry(body, &query, label, Source::Query, reply);
                    if ["POST", "PUT", "PATCH"].contains(&method) {
                        run.input_entry(
                            body,
                            &schema_name_for(method, resource_path),
                            label,
                            Source::Body,
                            reply,
                        );
                    }
                    run.flush();
                }
            }
            FileKind::PagesApi { route } => {
                for item in items {
                    let f = match item {
                        ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) => match &d.decl {
                            swc_core::ecma::ast::DefaultDecl::Fn(f) => FnBody::Function(&f.function),
                            _ => continue,
                        },
                        _ => continue,
                    };
                    run.body_entry(&f, &format!("{}Body", resource(route)), route);
                    run.flush();
                }
            }
            // Server actions taking `FormData`: a bad form is refused with an
            // error (what `<form action>` and `useActionState` both accept;
            // returning the issues would change the action's type).
            FileKind::ServerActions => {
                for (name, body) in exported_functions(items) {
                    let Some(param) = body.param_name(0) else { continue };
                    let typed_form = matches!(body.params().first(), Some(Pat::Ident(b))
                        if matches!(b.type_ann.as_deref().map(|t| &*t.type_ann), Some(TsType::TsTypeRef(r))
                            if matches!(&r.type_name, TsEntityName::Ident(i) if &*i.sym == "FormData")));
                    if !typed_form {
                        continue;
                    }
                    let schema = format!("{}Input", pascal(&name));
                    let reject = |_issues: &str, q: &dyn Fn(&str) -> String| {
                        format!("throw new Error({})", q("Invalid input"))
                    };
                    run.form_entry(&body, &schema, &name, FormSource::Param(&param), &reject);
                }
            }
        }
        if run.schemas.is_empty() {
            return None;
        }
        // The schemas (and zod's import) after the imports.
        let text = file.text;
        let style = file.style;
        let eol = style.eol;
        let after_imports = crate::analysis::head(items).last().map(|i| range(i).end);
        let mut block = String::new();
        if zod.needs_import {
            let source = if edge { format!("npm:zod@{major}") } else { "zod".to_string() };
            // CommonJS files (no import statement) require it.
            let commonjs = matches!(file.program, Program::Script(_))
                || !items.iter().any(|i| matches!(i, ModuleItem::ModuleDecl(_)));
            if commonjs {
                block.push_str(&format!(
                    "{eol}const {{ z }} = require({}){}",
                    style.quoted(&source),
                    style.semi()
                ));
            } else {
                block.push_str(&format!(
                    "{eol}import {{ z }} from {}{}",
                    style.quoted(&source),
                    style.semi()
                ));
            }
        }
        for (_, schema) in &run.schemas {
            block.push_str(eol);
            block.push_str(eol);
            block.push_str(schema);
        }
        let at = match after_imports {
            Some(end) => crate::edit::line_end(text, end),
            None => {
                block = format!("{}{eol}", block.trim_start_matches(['\r', '\n']));
                0
            }
        };
        run.edits.push(Edit::insert(at, block));
        let guessed = if run.guessed.is_empty() {
            String::new()
        } else {
            format!("; types guessed (left permissive) for: {}", run.guessed.join(", "))
        };
        Some(Proposal {
            edits: run.edits,
            why: format!(
                "{} read the request body unchecked: any HTTP client can send anything; now a schema rejects bad input with 400{guessed}",
                run.found.join(", ")
            ),
        })
    }
}

/// The file's zod import: reused when there is one; `None` when `z` means
/// something else here.
struct ZodImport {
    needs_import: bool,
    /// The major an existing import names (`npm:zod@3`, `…/zod@v3.22.4/…`).
    major: Option<u64>,
}

impl ZodImport {
    fn find(items: &[ModuleItem]) -> Option<ZodImport> {
        for item in items {
            let ModuleItem::ModuleDecl(ModuleDecl::Import(d)) = item else { continue };
            let from_zod = d.src.value.to_string_lossy().contains("zod");
            for s in &d.specifiers {
                let local = match s {
                    ImportSpecifier::Named(n) => &n.local,
                    ImportSpecifier::Default(n) => &n.local,
                    ImportSpecifier::Namespace(n) => &n.local,
                };
                if &*local.sym == "z" {
                    let source = d.src.value.to_string_lossy();
                    let major = ["@v", "@"].iter().find_map(|at| {
                        let rest = &source[source.find(&format!("zod{at}"))? + 3 + at.len()..];
                        rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
                    });
                    return from_zod.then_some(ZodImport { needs_import: false, major });
                }
            }
        }
        Some(ZodImport { needs_import: true, major: None })
    }
}

fn verb(method: &str) -> &'static str {
    match method.to_ascii_uppercase().as_str() {
        "POST" => "Create",
        "PUT" | "PATCH" => "Update",
        "DELETE" => "Delete",
        _ => "",
    }
}

/// `POST /api/posts` → `CreatePostBody`; `POST /api/signup` → `SignupBody`
/// (a collection gets a verb, an action is its own name).
fn schema_name_for(method: &str, route: &str) -> String {
    let segment = last_segment(route);
    let collection = segment.ends_with('s') && !segment.ends_with("ss");
    if collection {
        format!("{}{}Body", verb(method), singular(&pascal(segment)))
    } else {
        format!("{}Body", pascal(segment))
    }
}

/// `/api/posts/[id]` → `Post`.
fn resource(route: &str) -> String {
    singular(&pascal(last_segment(route)))
}

/// The last static segment of a route (not a parameter, not `api`).
fn last_segment(route: &str) -> &str {
    route
        .split('/')
        .rfind(|s| !s.is_empty() && !s.starts_with('[') && !s.starts_with(':') && *s != "api")
        .unwrap_or("Request")
}

fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

fn singular(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if name.len() <= 3 || ["ss", "us", "is"].iter().any(|e| lower.ends_with(e)) {
        name.to_string()
    } else {
        name.strip_suffix('s').unwrap_or(name).to_string()
    }
}

/// A field's type, from the best evidence found.
#[derive(Clone, Debug, PartialEq)]
enum Ty {
    Str,
    Email,
    Number,
    Int,
    Bool,
    Date,
    Enum(Vec<String>),
    /// A query or route param the code turns into a number.
    CoercedNumber,
    /// A body field the code passes to `Number(…)`: a number or a numeric string.
    NumberLike,
    /// A query param: one value or a repeated one (`?tag=a&tag=b`).
    QueryValue,
    Array(Box<Ty>),
    Object(Vec<(String, Ty, bool)>),
    Any,
}

impl Ty {
    fn zod(&self, major: u64, q: &dyn Fn(&str) -> String) -> String {
        match self {
            Ty::Str => "z.string()".into(),
            Ty::Email if major >= 4 => "z.email().max(320)".into(),
            Ty::Email => "z.string().email().max(320)".into(),
            Ty::Number => "z.number()".into(),
            Ty::Int => "z.number().int()".into(),
            Ty::Bool => "z.boolean()".into(),
            // JSON has no dates: a string that parses as one (not `null`/`0`).
            Ty::Date => "z.string().pipe(z.coerce.date())".into(),
            Ty::NumberLike => "z.union([z.number(), z.string().max(100)])".into(),
            Ty::QueryValue => "z.union([z.string(), z.array(z.string())])".into(),
            Ty::CoercedNumber => "z.coerce.number()".into(),
            Ty::Enum(values) => {
                format!("z.enum([{}])", values.iter().map(|v| q(v)).collect::<Vec<_>>().join(", "))
            }
            Ty::Array(inner) => format!("z.array({})", inner.zod(major, q)),
            Ty::Object(fields) => format!(
                "z.object({{ {} }})",
                fields
                    .iter()
                    .map(|(n, t, optional)| format!(
                        "{n}: {}{}",
                        t.zod(major, q),
                        if *optional { ".optional()" } else { "" }
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ty::Any => "z.any()".into(),
        }
    }
}

/// Fields in source order (a schema reads like the code it guards).
#[derive(Clone, Debug, Default)]
struct Fields {
    list: Vec<(String, FieldSpec)>,
    /// Learnt from the reads the code makes: other keys pass through.
    loose: bool,
    /// The columns of a model written whole: an update may send any subset.
    whole_model: bool,
}

impl Fields {
    fn new() -> Fields {
        Fields::default()
    }

    fn insert(&mut self, name: String, spec: FieldSpec) {
        if !self.list.iter().any(|(n, _)| *n == name) {
            self.list.push((name, spec));
        }
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[derive(Clone, Debug)]
struct FieldSpec {
    ty: Ty,
    optional: bool,
    nullable: bool,
    guessed: bool,
}

/// `searchParams.get("key")` keys, and those the code turns into numbers.
struct SearchGets {
    keys: Vec<String>,
    numbers: Vec<String>,
}

impl SearchGets {
    fn key(e: &Expr) -> Option<String> {
        let Expr::Call(c) = strip_ts(e) else { return None };
        let Callee::Expr(callee) = &c.callee else { return None };
        let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee else { return None };
        if &*p.sym != "get" || !matches!(&**obj, Expr::Ident(i) if &*i.sym == "searchParams") {
            return None;
        }
        match c.args.first().map(|a| &*a.expr) {
            Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_string_lossy().into_owned()),
            _ => None,
        }
    }
}

impl Visit for SearchGets {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        let call = Expr::Call(c.clone());
        if let Some(key) = SearchGets::key(&call) {
            if !self.keys.contains(&key) {
                self.keys.push(key);
            }
        }
        let to_number = matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if matches!(&*i.sym, "Number")));
        if to_number {
            if let Some(key) = c.args.first().and_then(|a| SearchGets::key(&a.expr)) {
                self.numbers.push(key);
            }
        }
        c.visit_children_with(self);
    }
}

/// Builds the statement that refuses bad input, from the issues expression
/// and the file's quoting.
type Reject<'a> = &'a dyn Fn(&str, &dyn Fn(&str) -> String) -> String;

/// Where a form comes from.
#[derive(Clone, Copy)]
enum FormSource<'a> {
    /// `const form = await request.formData()`
    Request(&'a str),
    /// A server action's `formData: FormData` parameter.
    Param(&'a str),
}

enum Insert {
    After(usize),
    Before(usize),
}

/// `form.get("key")` calls (with ranges), and whether the form is used any
/// other way (then the fields are not all known).
struct FormGets<'f> {
    form: &'f str,
    gets: Vec<(std::ops::Range<usize>, String)>,
    other_use: bool,
    /// Keys the code defaults (`form.get("x") ?? …`) or tests against null.
    optional: Vec<String>,
    numbers: Vec<String>,
    /// Keys cast to something other than `string` (`as File`): not text.
    not_text: Vec<String>,
}

impl FormGets<'_> {
    fn key(&self, e: &Expr) -> Option<String> {
        let Expr::Call(c) = strip_ts(e) else { return None };
        let Callee::Expr(callee) = &c.callee else { return None };
        let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee else { return None };
        if &*p.sym != "get" || !matches!(&**obj, Expr::Ident(i) if &*i.sym == self.form) {
            return None;
        }
        match c.args.first().map(|a| &*a.expr) {
            Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_string_lossy().into_owned()),
            _ => None,
        }
    }
}

impl Visit for FormGets<'_> {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Some(key) = self.key(&Expr::Call(c.clone())) {
            self.gets.push((range(c), key));
            return;
        }
        if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "Number")) {
            if let Some(key) = c.args.first().and_then(|a| self.key(&a.expr)) {
                self.numbers.push(key);
            }
        }
        c.visit_children_with(self);
    }

    fn visit_ts_as_expr(&mut self, a: &swc_core::ecma::ast::TsAsExpr) {
        let is_string =
            matches!(&*a.type_ann, TsType::TsKeywordType(k) if k.kind == TsKeywordTypeKind::TsStringKeyword);
        if let Some(key) = self.key(&a.expr) {
            if !is_string {
                self.not_text.push(key);
            }
        }
        a.visit_children_with(self);
    }

    fn visit_bin_expr(&mut self, b: &swc_core::ecma::ast::BinExpr) {
        use swc_core::ecma::ast::BinaryOp;
        if matches!(
            b.op,
            BinaryOp::NullishCoalescing
                | BinaryOp::LogicalOr
                | BinaryOp::EqEq
                | BinaryOp::EqEqEq
                | BinaryOp::NotEq
                | BinaryOp::NotEqEq
        ) {
            if let Some(key) = self.key(&b.left) {
                self.optional.push(key);
            }
        }
        b.visit_children_with(self);
    }

    fn visit_ident(&mut self, i: &Ident) {
        if &*i.sym == self.form {
            self.other_use = true;
        }
    }

    fn visit_binding_ident(&mut self, b: &swc_core::ecma::ast::BindingIdent) {
        b.type_ann.visit_with(self);
    }
}

/// What part of the request is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Body,
    Query,
    Params,
}

impl Source {
    fn prop(self) -> &'static str {
        match self {
            Source::Body => "body",
            Source::Query => "query",
            Source::Params => "params",
        }
    }

    fn parsed_names(self) -> &'static [&'static str] {
        match self {
            Source::Body => &["parsed", "parsedBody", "input"],
            Source::Query => &["parsedQuery", "queryInput"],
            Source::Params => &["parsedParams", "paramsInput"],
        }
    }

    fn invalid(self) -> &'static str {
        match self {
            Source::Body => "Invalid request body",
            Source::Query => "Invalid query parameters",
            Source::Params => "Invalid route parameters",
        }
    }
}

/// How the framework answers.
#[derive(Clone, Copy)]
enum Reply {
    /// `res.status(400).json(…)` (Express, Next pages API).
    Express,
    /// `reply.code(400).send(…)`.
    Fastify,
}

struct Run<'a> {
    file: &'a FileCtx<'a>,
    /// `parsed…` names this run declared in the current handler.
    added_here: Vec<String>,
    /// Checks for the current handler, inserted together at its start.
    pending: Vec<(usize, String)>,
    major: u64,
    /// (name, declaration text), in order.
    schemas: Vec<(String, String)>,
    edits: Vec<Edit>,
    found: Vec<String>,
    guessed: Vec<String>,
    /// Project modules read for their types, by import source: each is read
    /// and parsed once per file, however many fields point at it.
    modules: std::cell::RefCell<std::collections::HashMap<String, Option<std::rc::Rc<Program>>>>,
}

impl Run<'_> {
    fn q(&self, s: &str) -> String {
        self.file.style.quoted(s)
    }

    fn issues(&self, parsed: &str) -> String {
        if self.major >= 4 {
            format!("z.flattenError({parsed}.error).fieldErrors")
        } else {
            format!("{parsed}.error.flatten().fieldErrors")
        }
    }

    /// An existing schema with exactly this text, or a fresh name.
    fn schema_for(&self, wanted: &str, fields: &Fields, label: &str) -> Option<String> {
        let text = self.schema_text(wanted, fields, label);
        let semi = self.file.style.semi();
        let same = self.schemas.iter().find(|(n, t)| *t == format!("const {n} = {text}{semi}"));
        match same {
            Some((n, _)) => Some(n.clone()),
            None => self.schema_name(wanted),
        }
    }

    fn schema_name(&self, wanted: &str) -> Option<String> {
        let taken = |n: &str| {
            self.file.bindings.declares(n)
                || local_type(self.file.program, n).is_some()
                || declares_type(self.file.program, n)
                || self.schemas.iter().any(|(s, _)| s == n)
        };
        (1..10).map(|i| if i == 1 { wanted.to_string() } else { format!("{wanted}{i}") }).find(|n| !taken(n))
    }

    /// `await request.json()` read into a declaration (Next, edge functions).
    fn json_entry(
        &mut self,
        body: &FnBody,
        wanted: &str,
        label: &str,
        bad_request: impl Fn(&str, &dyn Fn(&str) -> String) -> String,
    ) {
        let Some(stmts) = body.stmts() else { return };
        let Some(req) = body.param_name(0) else { return };
        if already_validates(stmts) {
            return;
        }
        // The statement that reads the body, directly in the body or in a
        // try block that is.
        let Some((stmt, decl)) = find_request_read(stmts, &req, "json") else { return };
        let Some(fields) = self.fields_of_decl(decl, stmts) else { return };
        let Some(name) = self.schema_for(wanted, &fields, label) else { return };
        let Some(parsed) = ["parsed", "parsedBody", "input"].into_iter().find(|n| !body.names().declares(n))
        else {
            return;
        };
        let text = self.file.text;
        let stmt_range = range(stmt);
        if !starts_line(text, stmt_range.start) {
            return;
        }
        let Some(init) = decl.decls[0].init.as_deref() else { return };
        let indent = line_indent(text, stmt_range.start).to_string();
        let unit = &self.file.style.indent;
        let (semi, eol) = (self.file.style.semi(), self.file.style.eol);
        let issues = self.issues(parsed);
        let q = |s: &str| self.file.style.quoted(s);
        let reject = bad_request(&issues, &q);
        let check = format!(
            "const {parsed} = {name}.safeParse(await {req}.json().catch(() => null)){semi}{eol}{indent}if (!{parsed}.success) {{{eol}{indent}{unit}{reject}{semi}{eol}{indent}}}{eol}{indent}"
        );
        self.edits.push(Edit::insert(stmt_range.start, check));
        self.edits.push(Edit::replace(range(init), format!("{parsed}.data")));
        self.add_schema(name, fields, label);
    }

    /// `searchParams.get("page")` in a GET route handler: the params are
    /// checked (formats, lengths) right after they are known; the reads stay as
    /// they are, so `null` for an absent param still means what it meant.
    fn search_params_entry(&mut self, body: &FnBody, wanted: &str, label: &str, response: &str) {
        let Some(stmts) = body.stmts() else { return };
        let Some(req) = body.param_name(0) else { return };
        if already_validates(stmts) {
            return;
        }
        let text = self.file.text;
        // `const { searchParams } = new URL(request.url)` or
        // `const searchParams = request.nextUrl.searchParams`: the check goes after it.
        let declared = stmts.iter().find_map(|stmt| {
            let Stmt::Decl(Decl::Var(v)) = stmt else { return None };
            let [d] = v.decls.as_slice() else { return None };
            let binds = match &d.name {
                Pat::Object(o) => o
                    .props
                    .iter()
                    .any(|p| matches!(p, ObjectPatProp::Assign(a) if &*a.key.sym == "searchParams")),
                Pat::Ident(b) => &*b.id.sym == "searchParams",
                _ => false,
            };
            let init = d.init.as_deref()?;
            let from_request = text[range(init)].contains(&req);
            (binds && from_request).then_some(stmt)
        });
        let Some(stmt) = declared else { return };
        let mut gets = SearchGets { keys: Vec::new(), numbers: Vec::new() };
        for s in stmts {
            s.visit_with(&mut gets);
        }
        if gets.keys.is_empty() {
            return;
        }
        let mut fields = Fields::new();
        for key in &gets.keys {
            let ty = if gets.numbers.contains(key) { Ty::CoercedNumber } else { Ty::Str };
            fields.insert(key.clone(), FieldSpec { ty, optional: true, nullable: false, guessed: false });
        }
        let Some(name) = self.schema_for(wanted, &fields, label) else { return };
        let names = body.names();
        let Some(parsed) = ["parsedQuery", "queryInput"].into_iter().find(|n| !names.declares(n)) else {
            return;
        };
        let style = self.file.style;
        let Some(after) = crate::edit::after_stmt(text, style, range(stmt)) else { return };
        let (semi, eol, unit, indent) = (style.semi(), after.eol, &style.indent, after.indent);
        let issues = self.issues(parsed);
        let check = format!(
            "{eol}{indent}const {parsed} = {name}.safeParse(Object.fromEntries(searchParams)){semi}{eol}{indent}if (!{parsed}.success) {{{eol}{indent}{unit}return {response}.json({{ error: {}, issues: {issues} }}, {{ status: 400 }}){semi}{eol}{indent}}}",
            style.quoted("Invalid query parameters")
        );
        self.edits.push(Edit::insert(after.at, check));
        self.add_schema(name, fields, label);
    }

    /// Form fields read with `form.get("name")`: from `await request.formData()`
    /// (Next route handlers) or a server action's `FormData` parameter.
    fn form_entry(
        &mut self,
        body: &FnBody,
        wanted: &str,
        label: &str,
        source: FormSource,
        bad_request: Reject,
    ) {
        let Some(stmts) = body.stmts() else { return };
        if already_validates(stmts) {
            return;
        }
        let text = self.file.text;
        // Where the check goes and which name holds the form.
        let (form, at, indent) = match source {
            FormSource::Request(req) => {
                let Some((stmt, decl)) = find_request_read(stmts, req, "formData") else { return };
                let Pat::Ident(b) = &decl.decls[0].name else { return };
                let Some(after) = crate::edit::after_stmt(text, self.file.style, range(stmt)) else { return };
                (b.id.sym.to_string(), Insert::After(after.at), after.indent.to_string())
            }
            FormSource::Param(p) => {
                let Some(first) = stmts.first() else { return };
                let r = range(first);
                if !starts_line(text, r.start) {
                    return;
                }
                (p.to_string(), Insert::Before(r.start), line_indent(text, r.start).to_string())
            }
        };
        let mut gets = FormGets {
            form: &form,
            gets: Vec::new(),
            other_use: false,
            optional: Vec::new(),
            numbers: Vec::new(),
            not_text: Vec::new(),
        };
        for s in stmts {
            s.visit_with(&mut gets);
        }
        if gets.other_use || gets.gets.is_empty() {
            return;
        }
        let mut fields = Fields::new();
        for (_, key) in &gets.gets {
            let ty = if gets.not_text.contains(key) {
                Ty::Any
            } else if gets.numbers.contains(key) {
                Ty::CoercedNumber
            } else {
                Ty::Str
            };
            let ty = if ty == Ty::Str && is_email_name(key) { Ty::Email } else { ty };
            fields.insert(
                key.clone(),
                FieldSpec { ty, optional: gets.optional.contains(key), nullable: false, guessed: false },
            );
        }
        let Some(name) = self.schema_for(wanted, &fields, label) else { return };
        let names = body.names();
        let Some(parsed) = ["parsed", "parsedForm", "formInput"].into_iter().find(|n| !names.declares(n))
        else {
            return;
        };
        let style = self.file.style;
        let (semi, eol, unit) = (style.semi(), style.eol, &style.indent);
        let issues = self.issues(parsed);
        let q = |s: &str| style.quoted(s);
        let reject = bad_request(&issues, &q);
        let check = format!(
            "const {parsed} = {name}.safeParse(Object.fromEntries({form})){semi}{eol}{indent}if (!{parsed}.success) {{{eol}{indent}{unit}{reject}{semi}{eol}{indent}}}"
        );
        match at {
            Insert::After(at) => self.edits.push(Edit::insert(at, format!("{eol}{indent}{check}"))),
            Insert::Before(at) => self.edits.push(Edit::insert(at, format!("{check}{eol}{eol}{indent}"))),
        }
        for (r, key) in &gets.gets {
            let access = if is_identifier(key) {
                format!("{parsed}.data.{key}")
            } else {
                format!("{parsed}.data[{}]", q(key))
            };
            self.edits.push(Edit::replace(r.clone(), access));
        }
        self.add_schema(name, fields, label);
    }

    /// `req.body` (Express, pages API): parsed at the top of the handler, and
    /// every `req.body` read becomes the parsed data.
    fn body_entry(&mut self, body: &FnBody, wanted: &str, label: &str) {
        self.input_entry(body, wanted, label, Source::Body, Reply::Express);
    }

    /// `req.body`, `req.query` or `req.params` (Express, Fastify, pages API):
    /// parsed at the top of the handler, and every read of it becomes the
    /// parsed data.
    fn input_entry(&mut self, body: &FnBody, wanted: &str, label: &str, source: Source, reply: Reply) {
        let Some(stmts) = body.stmts() else { return };
        let (Some(req), Some(res)) = (body.param_name(0), body.param_name(1)) else { return };
        if already_validates(stmts) {
            return;
        }
        let mut reads = BodyReads { req: &req, prop: source.prop(), reads: Vec::new(), whole: Vec::new() };
        for s in stmts {
            s.visit_with(&mut reads);
        }
        if reads.reads.is_empty() && reads.whole.is_empty() {
            return;
        }
        let fields = match source {
            Source::Body => self.fields_of_body_reads(&reads, stmts),
            Source::Query | Source::Params => self.fields_of_params(&reads, stmts, source),
        };
        let Some(fields) = fields else { return };
        let Some(name) = self.schema_for(wanted, &fields, label) else { return };
        let names = body.names();
        let Some(parsed) = source
            .parsed_names()
            .iter()
            .copied()
            .find(|n| !names.declares(n) && !self.added_here.contains(&n.to_string()))
        else {
            return;
        };
        self.added_here.push(parsed.to_string());
        let text = self.file.text;
        // Right before the first statement that reads the input: the
        // handler's own earlier checks (auth, feature flags) keep answering first.
        let read_at = reads
            .reads
            .iter()
            .map(|(r, _)| r.start)
            .chain(reads.whole.iter().map(|(r, _)| r.start))
            .min()
            .unwrap_or(0);
        let Some(first) = stmts.iter().find(|s| range(*s).contains(&read_at)).or(stmts.first()) else {
            return;
        };
        let first_range = range(first);
        if !starts_line(text, first_range.start) {
            return;
        }
        let indent = line_indent(text, first_range.start).to_string();
        let unit = &self.file.style.indent;
        let (semi, eol) = (self.file.style.semi(), self.file.style.eol);
        let issues = self.issues(parsed);
        let what = self.q(source.invalid());
        let reject = match reply {
            Reply::Express => format!("return {res}.status(400).json({{ error: {what}, issues: {issues} }})"),
            Reply::Fastify => format!("return {res}.code(400).send({{ error: {what}, issues: {issues} }})"),
        };
        let check = format!(
            "const {parsed} = {name}.safeParse({req}.{}){semi}{eol}{indent}if (!{parsed}.success) {{{eol}{indent}{unit}{reject}{semi}{eol}{indent}}}{eol}{eol}{indent}",
            source.prop()
        );
        self.pending.push((first_range.start, check));
        let ranges =
            reads.reads.iter().map(|(r, _)| r.clone()).chain(reads.whole.iter().map(|(r, _)| r.clone()));
        for r in ranges.collect::<Vec<_>>() {
            self.edits.push(Edit::replace(r, format!("{parsed}.data")));
        }
        self.add_schema(name, fields, label);
    }

    /// Ends a handler: its checks go in as one edit.
    fn flush(&mut self) {
        self.added_here.clear();
        // All before the earliest read of any of them.
        let Some(at) = self.pending.iter().map(|(at, _)| *at).min() else { return };
        let text: String = self.pending.drain(..).map(|(_, t)| t).collect();
        self.edits.push(Edit::insert(at, text));
    }

    /// The schema's `z.object({…})` text, after the adjustments that depend
    /// on the entry point.
    fn schema_text(&self, wanted: &str, fields: &Fields, label: &str) -> String {
        let mut fields = fields.clone();
        // Signing in must keep accepting every account that exists: no new
        // format rule on what identifies it.
        let lower = format!("{wanted} {label}").to_ascii_lowercase();
        if ["login", "signin", "sign-in", "session"].iter().any(|w| lower.contains(w)) {
            for (_, spec) in &mut fields.list {
                if spec.ty == Ty::Email {
                    spec.ty = Ty::Str;
                }
            }
        }
        // An update of a whole model sends what changes: every column may be
        // left out. (Fields the code reads keep what its usage says.)
        if wanted.starts_with("Update") && fields.whole_model {
            for (_, spec) in &mut fields.list {
                if !matches!(spec.ty, Ty::Enum(_)) || spec.nullable {
                    spec.optional = true;
                }
            }
        }
        let style = self.file.style;
        let q = |s: &str| style.quoted(s);
        let unit = &style.indent;
        let mut out = format!("z.object({{{}", style.eol);
        for (field, spec) in &fields.list {
            let mut ty = spec.ty.zod(self.major, &q);
            if spec.ty == Ty::Str {
                ty.push_str(string_cap(field));
            }
            // Unknown stays permissive: present or not (zod 4 requires a
            // `z.any()` key unless it is optional).
            if spec.nullable {
                ty.push_str(".nullish()");
            } else if spec.optional || spec.ty == Ty::Any {
                ty.push_str(".optional()");
            }
            let key = if is_identifier(field) { field.clone() } else { q(field) };
            out.push_str(&format!("{unit}{key}: {ty},{}", style.eol));
        }
        out.push('}');
        out.push(')');
        // Fields learnt from usage may not be all the code reads: keep the rest.
        if fields.loose {
            out.push_str(if self.major >= 4 { ".loose()" } else { ".passthrough()" });
        }
        out
    }

    fn add_schema(&mut self, name: String, fields: Fields, label: &str) {
        self.found.push(format!("`{label}`"));
        if self.schemas.iter().any(|(n, _)| *n == name) {
            return; // the same schema serves several entry points
        }
        for (field, spec) in &fields.list {
            if spec.guessed {
                self.guessed.push(format!("{name}.{field}"));
            }
        }
        let text =
            format!("const {name} = {}{}", self.schema_text(&name, &fields, label), self.file.style.semi());
        self.schemas.push((name, text));
    }

    /// Fields of `const { a, b } = …` or `const body[: T] = … [as T]`.
    fn fields_of_decl(&self, decl: &VarDecl, stmts: &[Stmt]) -> Option<Fields> {
        let d = decl.decls.first()?;
        let declared_type = match &d.name {
            Pat::Ident(b) => b.type_ann.as_ref().map(|t| &*t.type_ann),
            Pat::Object(o) => o.type_ann.as_ref().map(|t| &*t.type_ann),
            _ => None,
        }
        .or_else(|| cast_type(d.init.as_deref()?));
        if let Some(mut fields) = declared_type.and_then(|t| self.type_fields(t)) {
            self.adjust_by_usage(&mut fields, stmts);
            return Some(fields);
        }
        let mut names: Vec<(String, bool)> = Vec::new();
        match &d.name {
            Pat::Object(o) => {
                for p in &o.props {
                    match p {
                        ObjectPatProp::Assign(a) => names.push((a.key.sym.to_string(), a.value.is_some())),
                        ObjectPatProp::KeyValue(kv) => match &kv.key {
                            PropName::Ident(i) => {
                                names.push((i.sym.to_string(), matches!(&*kv.value, Pat::Assign(_))))
                            }
                            PropName::Str(s) => names.push((s.value.to_string_lossy().into_owned(), false)),
                            _ => return None,
                        },
                        ObjectPatProp::Rest(_) => return None,
                    }
                }
            }
            Pat::Ident(b) => {
                let var = b.id.sym.to_string();
                let mut uses = Members { name: &var, fields: Vec::new(), whole: false };
                for s in stmts {
                    s.visit_with(&mut uses);
                }
                if uses.whole {
                    return self.whole_body_fields(&var, stmts);
                }
                names = uses.fields.into_iter().map(|f| (f, false)).collect();
            }
            _ => return None,
        }
        if names.is_empty() {
            return None;
        }
        Some(self.evidence(&names, stmts))
    }

    fn fields_of_body_reads(&self, reads: &BodyReads, stmts: &[Stmt]) -> Option<Fields> {
        let mut names: Vec<(String, bool)> =
            reads.reads.iter().filter_map(|(_, f)| f.clone().map(|f| (f, false))).collect();
        for (_, target) in &reads.whole {
            match target {
                // `const { a, b } = req.body`
                Some(WholeUse::Destructured(fields)) => names.extend(fields.iter().cloned()),
                // passed whole to an ORM write, or cast
                Some(WholeUse::Model(model)) => {
                    let fields = self.model_fields(model)?;
                    return Some(fields);
                }
                Some(WholeUse::Cast(ty)) => {
                    let mut fields = self.type_fields(ty)?;
                    self.adjust_by_usage(&mut fields, stmts);
                    return Some(fields);
                }
                None => return None,
            }
        }
        let mut seen = Vec::new();
        names.retain(|(n, _)| {
            if seen.contains(n) {
                false
            } else {
                seen.push(n.clone());
                true
            }
        });
        if names.is_empty() {
            return None;
        }
        Some(self.evidence(&names, stmts))
    }

    /// Query and route params arrive as strings: numbers only where the code
    /// turns them into one with `Number(…)` (so the parsed value fits), the
    /// rest strings; query params may be absent.
    fn fields_of_params(&self, reads: &BodyReads, stmts: &[Stmt], source: Source) -> Option<Fields> {
        if reads.whole.iter().any(|(_, w)| !matches!(w, Some(WholeUse::Destructured(_)))) {
            return None; // a cast or a whole use: strings typed otherwise, not worth guessing
        }
        let mut names: Vec<String> = reads.reads.iter().filter_map(|(_, f)| f.clone()).collect();
        for (_, w) in &reads.whole {
            if let Some(WholeUse::Destructured(fields)) = w {
                names.extend(fields.iter().map(|(n, _)| n.clone()));
            }
        }
        let mut numbers = NumberWraps::default();
        let mut guards = Guards::default();
        for s in stmts {
            s.visit_with(&mut numbers);
            s.visit_with(&mut guards);
        }
        let mut out = Fields::new();
        for name in names {
            // Coerce only where the code makes a number and never checks the
            // raw type itself (`typeof limit === "string"`).
            let ty = if numbers.0.contains(&name) && !guards.1.contains(&name) {
                Ty::CoercedNumber
            } else if source == Source::Query {
                Ty::QueryValue
            } else {
                Ty::Str
            };
            out.insert(
                name,
                FieldSpec { ty, optional: source == Source::Query, nullable: false, guessed: false },
            );
        }
        (!out.is_empty()).then_some(out)
    }

    /// The whole body goes somewhere: to a Prisma write (`data: body`).
    fn whole_body_fields(&self, var: &str, stmts: &[Stmt]) -> Option<Fields> {
        let mut writes = PrismaWrites::default();
        for s in stmts {
            s.visit_with(&mut writes);
        }
        let model = writes.whole.iter().find(|(v, _)| v == var).map(|(_, m)| m.clone())?;
        self.model_fields(&model)
    }

    fn model_fields(&self, model: &str) -> Option<Fields> {
        let schema = self.file.facts.prisma(self.file.path)?;
        let fields = schema.model(model)?;
        let mut out = Fields::new();
        for f in fields {
            // Ids, timestamps and the like are the database's to set.
            if f.server_managed {
                continue;
            }
            let Some(ty) = prisma_ty(&f.ty, schema) else { continue };
            let ty = if ty == Ty::Str && is_email_name(&f.name) { Ty::Email } else { ty };
            let ty = if f.list { Ty::Array(Box::new(ty)) } else { ty };
            out.insert(
                f.name.clone(),
                FieldSpec { ty, optional: f.generated, nullable: f.optional, guessed: false },
            );
        }
        out.whole_model = true;
        (!out.is_empty()).then_some(out)
    }

    /// Types for named fields: Prisma write targets, string method use, names.
    fn evidence(&self, names: &[(String, bool)], stmts: &[Stmt]) -> Fields {
        let mut fields = self.evidence_strict(names, stmts);
        self.adjust_by_usage(&mut fields, stmts);
        fields
    }

    /// What the handler's own code says about each field, over any type:
    /// a list it checks the value against is an enum; a value it tests itself
    /// (`if (!x)`, `x ?? d`, `typeof x`) may be missing, one it reads with
    /// `x?.` may be null; one it passes to `Number()` may be a numeric string.
    /// Keys the schema does not name pass through (the code may read them).
    fn adjust_by_usage(&self, fields: &mut Fields, stmts: &[Stmt]) {
        fields.loose = true;
        let mut guards = Guards::default();
        let mut numbers = NumberWraps::default();
        let mut allowed = Includes::default();
        for s in stmts {
            s.visit_with(&mut guards);
            s.visit_with(&mut numbers);
            s.visit_with(&mut allowed);
        }
        for (name, spec) in &mut fields.list {
            if let Some((_, values)) = allowed.0.iter().find(|(n, _)| n == name) {
                spec.ty = Ty::Enum(values.clone());
                spec.nullable = false;
                spec.optional = false;
                spec.guessed = false;
                continue;
            }
            if guards.0.contains(name) {
                spec.optional = true;
            }
            if guards.2.contains(name) {
                spec.nullable = true;
            }
            if numbers.0.contains(name) && matches!(spec.ty, Ty::Number | Ty::Int | Ty::Any) {
                spec.ty = Ty::NumberLike;
                spec.guessed = false;
            }
        }
    }

    fn evidence_strict(&self, names: &[(String, bool)], stmts: &[Stmt]) -> Fields {
        let mut writes = PrismaWrites::default();
        let mut strings = StringUses::default();
        let mut drizzle = DrizzleWrites::default();
        let mut args = CallArgs::default();
        for s in stmts {
            s.visit_with(&mut writes);
            s.visit_with(&mut strings);
            s.visit_with(&mut drizzle);
            s.visit_with(&mut args);
        }
        let schema = self.file.facts.prisma(self.file.path);
        let mut out = Fields::new();
        for (name, has_default) in names {
            let from_model =
                writes.fields.iter().find(|(v, _, _)| v == name).and_then(|(_, model, column)| {
                    let schema = schema?;
                    let f = schema.model(model)?.iter().find(|f| f.name == *column)?;
                    let ty = prisma_ty(&f.ty, schema)?;
                    let ty = if ty == Ty::Str && is_email_name(name) { Ty::Email } else { ty };
                    Some(FieldSpec {
                        ty: if f.list { Ty::Array(Box::new(ty)) } else { ty },
                        optional: f.generated || *has_default,
                        nullable: f.optional,
                        guessed: false,
                    })
                });
            let from_table = || {
                let (_, table, column) = drizzle.fields.iter().find(|(v, _, _)| v == name)?;
                let columns = self.drizzle_table(table)?;
                let c = columns.iter().find(|c| c.key == *column)?;
                let ty = if c.ty == Ty::Str && is_email_name(name) { Ty::Email } else { c.ty.clone() };
                Some(FieldSpec {
                    ty,
                    optional: !c.required || *has_default,
                    nullable: !c.not_null,
                    guessed: false,
                })
            };
            // Passed to a function whose parameter is typed: `createUser(email: string, …)`.
            let from_param = || {
                let (_, function, index) = args.0.iter().find(|(v, _, _)| v == name)?;
                let (ty, module) = self.param_type(function, *index)?;
                let (ty, nullable) = ts_ty(&ty, module.as_deref().unwrap_or(self.file.program));
                (ty != Ty::Any).then(|| {
                    let ty = if ty == Ty::Str && is_email_name(name) { Ty::Email } else { ty };
                    FieldSpec { ty, optional: *has_default, nullable, guessed: false }
                })
            };
            let spec = from_model.or_else(from_table).or_else(from_param).unwrap_or_else(|| {
                let (ty, guessed) = if is_email_name(name) {
                    (Ty::Email, false)
                } else if strings.0.iter().any(|s| s == name) {
                    (Ty::Str, false)
                } else {
                    (Ty::Any, true)
                };
                FieldSpec { ty, optional: *has_default, nullable: false, guessed }
            });
            out.insert(name.clone(), spec);
        }
        out
    }

    /// Members of an interface or type literal declared in this file or
    /// imported from a relative module.
    fn type_fields(&self, ty: &TsType) -> Option<Fields> {
        let imported;
        let (members, program) = match ty {
            TsType::TsTypeLit(lit) => (lit.members.clone(), self.file.program),
            TsType::TsTypeRef(r) => {
                let TsEntityName::Ident(name) = &r.type_name else { return None };
                match local_type(self.file.program, &name.sym) {
                    Some(members) => (members, self.file.program),
                    None => {
                        imported = self.imported_program(&name.sym)?;
                        (local_type(&imported, &name.sym)?, &*imported)
                    }
                }
            }
            _ => return None,
        };
        let mut out = Fields::new();
        for m in &members {
            let TsTypeElement::TsPropertySignature(p) = m else { return None };
            let key = match &*p.key {
                Expr::Ident(i) => i.sym.to_string(),
                Expr::Lit(Lit::Str(s)) => s.value.to_string_lossy().into_owned(),
                _ => return None,
            };
            let ts = p.type_ann.as_ref().map(|t| &*t.type_ann);
            let (ty, nullable) = ts.map(|t| ts_ty(t, program)).unwrap_or((Ty::Any, false));
            let ty = if ty == Ty::Str && is_email_name(&key) { Ty::Email } else { ty };
            out.insert(key, FieldSpec { ty, optional: p.optional, nullable, guessed: false });
        }
        (!out.is_empty()).then_some(out)
    }
}

impl Run<'_> {
    /// The declared type of parameter `index` of function `name`, with the
    /// module it is declared in when that is not this file.
    fn param_type(&self, name: &str, index: usize) -> Option<(TsType, Option<std::rc::Rc<Program>>)> {
        let find = |program: &Program| -> Option<TsType> {
            let Program::Module(m) = program else { return None };
            m.body.iter().find_map(|item| {
                let decl = match item {
                    ModuleItem::Stmt(Stmt::Decl(d)) => d,
                    ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
                    _ => return None,
                };
                let pat = match decl {
                    Decl::Fn(f) if &*f.ident.sym == name => &f.function.params.get(index)?.pat,
                    Decl::Var(v) => v.decls.iter().find_map(|d| match (&d.name, d.init.as_deref()) {
                        (Pat::Ident(b), Some(Expr::Arrow(a))) if &*b.id.sym == name => a.params.get(index),
                        _ => None,
                    })?,
                    _ => return None,
                };
                match pat {
                    Pat::Ident(b) => b.type_ann.as_ref().map(|t| (*t.type_ann).clone()),
                    _ => None,
                }
            })
        };
        if let Some(ty) = find(self.file.program) {
            return Some((ty, None));
        }
        let imported = self.imported_program(name)?;
        let ty = find(&imported)?;
        Some((ty, Some(imported)))
    }

    /// The columns of a Drizzle table, defined in this file or imported.
    fn drizzle_table(&self, name: &str) -> Option<Vec<Column>> {
        if let Some(columns) = table_columns(self.file.program, name) {
            return Some(columns);
        }
        let imported = self.imported_program(name)?;
        table_columns(&imported, name)
    }

    /// The parsed module `name` is imported from (relative or `@/` imports).
    fn imported_program(&self, name: &str) -> Option<std::rc::Rc<Program>> {
        let Program::Module(m) = self.file.program else { return None };
        let source = m.body.iter().find_map(|item| {
            let ModuleItem::ModuleDecl(ModuleDecl::Import(d)) = item else { return None };
            d.specifiers
                .iter()
                .any(|s| matches!(s, ImportSpecifier::Named(n) if &*n.local.sym == name))
                .then(|| d.src.value.to_string_lossy().into_owned())
        })?;
        if let Some(cached) = self.modules.borrow().get(&source) {
            return cached.clone();
        }
        let parsed = crate::supabase::resolve(self.file.path, &source)
            .iter()
            .find_map(|module| self.file.facts.read_module(module))
            .and_then(|(path, text)| {
                let lang = crate::parse::Lang::from_path(&path)?;
                crate::parse::parse(text.trim_start_matches('\u{feff}'), lang).ok()
            })
            .map(|parsed| std::rc::Rc::new(parsed.program));
        self.modules.borrow_mut().insert(source, parsed.clone());
        parsed
    }
}

/// A generous length limit by what the field holds: short for identifiers
/// and names, none for free text and payloads (posts, prompts, base64 files),
/// a large one otherwise.
fn string_cap(field: &str) -> &'static str {
    let f = field.to_ascii_lowercase();
    let free = [
        "content",
        "body",
        "text",
        "description",
        "message",
        "prompt",
        "question",
        "context",
        "html",
        "markdown",
        "notes",
        "note",
        "comment",
        "bio",
        "summary",
        "audio",
        "image",
        "file",
        "data",
        "base64",
        "payload",
        "attachment",
        "selftext",
        "transcript",
        "code",
        "svg",
        "json",
    ];
    if free.iter().any(|w| f.ends_with(w)) {
        ""
    } else if f == "id"
        || f.ends_with("id")
        || f.ends_with("name")
        || f.ends_with("title")
        || f.ends_with("slug")
        || f.ends_with("status")
        || f.ends_with("type")
        || f.ends_with("role")
        || f.ends_with("phone")
        || f.ends_with("email")
        || f.ends_with("username")
    {
        ".max(1000)"
    } else {
        ".max(100000)"
    }
}

/// `email`, `customerEmail`, `user_email`.
fn is_email_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("email")
}

fn is_identifier(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn prisma_ty(ty: &str, schema: &crate::prisma::Schema) -> Option<Ty> {
    Some(match ty {
        "String" => Ty::Str,
        "Int" | "BigInt" => Ty::Int,
        "Float" => Ty::Number,
        // Money is often sent as a string ("12.50"), which Prisma accepts.
        "Decimal" => Ty::NumberLike,
        "Boolean" => Ty::Bool,
        "DateTime" => Ty::Date,
        "Json" | "Bytes" => Ty::Any,
        other => Ty::Enum(schema.enums.get(other)?.clone()),
    })
}

/// (zod type, nullable) for a TypeScript type.
fn ts_ty(ty: &TsType, program: &Program) -> (Ty, bool) {
    match ty {
        TsType::TsKeywordType(k) => (
            match k.kind {
                TsKeywordTypeKind::TsStringKeyword => Ty::Str,
                TsKeywordTypeKind::TsNumberKeyword => Ty::Number,
                TsKeywordTypeKind::TsBooleanKeyword => Ty::Bool,
                _ => Ty::Any,
            },
            false,
        ),
        TsType::TsArrayType(a) => (Ty::Array(Box::new(ts_ty(&a.elem_type, program).0)), false),
        TsType::TsTypeRef(r) => match &r.type_name {
            TsEntityName::Ident(i) if &*i.sym == "Date" => (Ty::Date, false),
            TsEntityName::Ident(i) if &*i.sym == "Array" => {
                let inner =
                    r.type_params.as_ref().and_then(|p| p.params.first()).map(|t| ts_ty(t, program).0);
                (Ty::Array(Box::new(inner.unwrap_or(Ty::Any))), false)
            }
            TsEntityName::Ident(i) => match local_type(program, &i.sym) {
                Some(members) => (object_of(&members, program), false),
                None => match local_alias(program, &i.sym) {
                    Some(aliased) => ts_ty(&aliased, program),
                    None => (Ty::Any, false),
                },
            },
            _ => (Ty::Any, false),
        },
        TsType::TsTypeLit(lit) => (object_of(&lit.members, program), false),
        TsType::TsUnionOrIntersectionType(swc_core::ecma::ast::TsUnionOrIntersectionType::TsUnionType(u)) => {
            let mut literals = Vec::new();
            let mut nullable = false;
            let mut others = Vec::new();
            for t in &u.types {
                match &**t {
                    TsType::TsLitType(l) => match &l.lit {
                        TsLit::Str(s) => literals.push(s.value.to_string_lossy().into_owned()),
                        _ => others.push(Ty::Any),
                    },
                    TsType::TsKeywordType(k)
                        if matches!(
                            k.kind,
                            TsKeywordTypeKind::TsNullKeyword | TsKeywordTypeKind::TsUndefinedKeyword
                        ) =>
                    {
                        nullable = true
                    }
                    other => others.push(ts_ty(other, program).0),
                }
            }
            match (literals.is_empty(), others.as_slice()) {
                (false, []) => (Ty::Enum(literals), nullable),
                (true, [one]) => (one.clone(), nullable),
                _ => (Ty::Any, nullable),
            }
        }
        _ => (Ty::Any, false),
    }
}

fn object_of(members: &[TsTypeElement], program: &Program) -> Ty {
    let mut fields = Vec::new();
    for m in members {
        let TsTypeElement::TsPropertySignature(p) = m else { return Ty::Any };
        let Expr::Ident(key) = &*p.key else { return Ty::Any };
        let ty = p.type_ann.as_ref().map(|t| ts_ty(&t.type_ann, program).0).unwrap_or(Ty::Any);
        fields.push((key.sym.to_string(), ty, p.optional));
    }
    Ty::Object(fields)
}

/// The members of `interface Name {…}` or `type Name = {…}` in this file.
fn local_type(program: &Program, name: &str) -> Option<Vec<TsTypeElement>> {
    let Program::Module(m) = program else { return None };
    for item in &m.body {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(d)) => d,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
            _ => continue,
        };
        match decl {
            Decl::TsInterface(i) if &*i.id.sym == name && i.extends.is_empty() => {
                return Some(i.body.body.clone())
            }
            Decl::TsTypeAlias(a) if &*a.id.sym == name => {
                if let TsType::TsTypeLit(lit) = &*a.type_ann {
                    return Some(lit.members.clone());
                }
            }
            _ => {}
        }
    }
    None
}

/// Any type or interface named `name` at the top level.
fn declares_type(program: &Program, name: &str) -> bool {
    let Program::Module(m) = program else { return false };
    m.body.iter().any(|item| {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(d)) => d,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
            _ => return false,
        };
        match decl {
            Decl::TsInterface(i) => &*i.id.sym == name,
            Decl::TsTypeAlias(a) => &*a.id.sym == name,
            Decl::TsEnum(e) => &*e.id.sym == name,
            _ => false,
        }
    })
}

/// The type a `type Name = …` alias stands for (not object literals: those
/// are [`local_type`]'s).
fn local_alias(program: &Program, name: &str) -> Option<TsType> {
    let Program::Module(m) = program else { return None };
    m.body.iter().find_map(|item| {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(d)) => d,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
            _ => return None,
        };
        match decl {
            Decl::TsTypeAlias(a) if &*a.id.sym == name && !matches!(&*a.type_ann, TsType::TsTypeLit(_)) => {
                Some((*a.type_ann).clone())
            }
            _ => None,
        }
    })
}

fn cast_type(e: &Expr) -> Option<&TsType> {
    match e {
        Expr::TsAs(a) => Some(&a.type_ann),
        Expr::Paren(p) => cast_type(&p.expr),
        _ => None,
    }
}

/// `await req.<method>()` (`json`, `formData`).
fn is_request_read(e: &Expr, req: &str, method: &str) -> bool {
    let Expr::Await(AwaitExpr { arg, .. }) = strip_ts(e) else { return false };
    let Expr::Call(CallExpr { callee: Callee::Expr(callee), args, .. }) = strip_ts(arg) else { return false };
    args.is_empty()
        && matches!(&**callee, Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. })
            if *p.sym == *method && matches!(&**obj, Expr::Ident(i) if &*i.sym == req))
}

/// `const x = await req.<method>()`, directly in the body or in a try block
/// that is.
fn find_request_read<'s>(stmts: &'s [Stmt], req: &str, method: &str) -> Option<(&'s Stmt, &'s VarDecl)> {
    for stmt in stmts {
        match stmt {
            Stmt::Decl(Decl::Var(v)) => {
                if let [d] = v.decls.as_slice() {
                    if d.init.as_deref().is_some_and(|i| is_request_read(i, req, method)) {
                        return Some((stmt, v));
                    }
                }
            }
            Stmt::Try(t) => {
                if let Some(found) = find_request_read(&t.block.stmts, req, method) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

/// Somebody already parses with a schema here.
fn already_validates(stmts: &[Stmt]) -> bool {
    struct Find(bool);
    impl Visit for Find {
        fn visit_member_expr(&mut self, m: &MemberExpr) {
            if let MemberProp::Ident(p) = &m.prop {
                let is_json = matches!(&*m.obj, Expr::Ident(i) if &*i.sym == "JSON");
                if matches!(&*p.sym, "safeParse" | "parse" | "parseAsync" | "safeParseAsync" | "validate")
                    && !is_json
                {
                    self.0 = true;
                }
            }
            m.visit_children_with(self);
        }
    }
    let mut f = Find(false);
    for s in stmts {
        s.visit_with(&mut f);
    }
    f.0
}

/// `name.field` reads, and whether `name` is used whole.
struct Members<'n> {
    name: &'n str,
    fields: Vec<String>,
    whole: bool,
}

impl Visit for Members<'_> {
    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if matches!(&*m.obj, Expr::Ident(i) if &*i.sym == self.name) {
            match &m.prop {
                MemberProp::Ident(p) if !self.fields.contains(&p.sym.to_string()) => {
                    self.fields.push(p.sym.to_string())
                }
                MemberProp::Ident(_) => {}
                _ => self.whole = true,
            }
            return;
        }
        m.visit_children_with(self);
    }

    fn visit_ident(&mut self, i: &Ident) {
        if &*i.sym == self.name {
            self.whole = true;
        }
    }

    // Its own declaration is not a use.
    fn visit_binding_ident(&mut self, b: &swc_core::ecma::ast::BindingIdent) {
        b.type_ann.visit_with(self);
    }
}

enum WholeUse {
    Destructured(Vec<(String, bool)>),
    Model(String),
    /// `req.body as { … }` / `as SomeType`: the type says what it holds.
    Cast(Box<TsType>),
}

/// Reads of `req.body`: `req.body.field` (with its range) and whole uses.
struct BodyReads<'r> {
    req: &'r str,
    /// `body`, `query` or `params`.
    prop: &'r str,
    reads: Vec<(std::ops::Range<usize>, Option<String>)>,
    whole: Vec<(std::ops::Range<usize>, Option<WholeUse>)>,
}

impl BodyReads<'_> {
    fn is_body(&self, e: &Expr) -> bool {
        matches!(e, Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. })
            if *p.sym == *self.prop && matches!(&**obj, Expr::Ident(i) if &*i.sym == self.req))
    }
}

impl Visit for BodyReads<'_> {
    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if self.is_body(&m.obj) {
            if let MemberProp::Ident(p) = &m.prop {
                self.reads.push((range(&*m.obj), Some(p.sym.to_string())));
                return;
            }
        }
        if self.is_body(&Expr::Member(m.clone())) {
            self.whole.push((range(m), None));
            return;
        }
        m.visit_children_with(self);
    }

    fn visit_var_declarator(&mut self, d: &swc_core::ecma::ast::VarDeclarator) {
        if let Some(init) = d.init.as_deref() {
            if let (Some(ty), true) = (cast_type(init), self.is_body(strip_ts(init))) {
                self.whole.push((range(strip_ts(init)), Some(WholeUse::Cast(Box::new(ty.clone())))));
                return;
            }
            if self.is_body(strip_ts(init)) {
                if let Pat::Object(o) = &d.name {
                    let mut fields = Vec::new();
                    for p in &o.props {
                        match p {
                            ObjectPatProp::Assign(a) => {
                                fields.push((a.key.sym.to_string(), a.value.is_some()))
                            }
                            ObjectPatProp::KeyValue(kv) => match &kv.key {
                                PropName::Ident(i) => {
                                    fields.push((i.sym.to_string(), matches!(&*kv.value, Pat::Assign(_))))
                                }
                                _ => {
                                    self.whole.push((range(strip_ts(init)), None));
                                    return;
                                }
                            },
                            ObjectPatProp::Rest(_) => {
                                self.whole.push((range(strip_ts(init)), None));
                                return;
                            }
                        }
                    }
                    self.whole.push((range(strip_ts(init)), Some(WholeUse::Destructured(fields))));
                    return;
                }
            }
        }
        d.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        // `prisma.order.create({ data: req.body })`
        if let Some((model, data)) = prisma_write(c) {
            if self.is_body(strip_ts(data)) {
                self.whole.push((range(strip_ts(data)), Some(WholeUse::Model(model))));
                c.callee.visit_with(self);
                return;
            }
        }
        c.visit_children_with(self);
    }
}

/// `<client>.<model>.create|update|upsert|createMany({ data })`: the model and
/// the `data` expression.
fn prisma_write(c: &CallExpr) -> Option<(String, &Expr)> {
    let Callee::Expr(callee) = &c.callee else { return None };
    let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(method), .. }) = &**callee else {
        return None;
    };
    if !matches!(&*method.sym, "create" | "update" | "upsert" | "createMany") {
        return None;
    }
    let Expr::Member(MemberExpr { prop: MemberProp::Ident(model), .. }) = &**obj else { return None };
    let Some(Expr::Object(arg)) = c.args.first().map(|a| &*a.expr) else { return None };
    arg.props.iter().find_map(|p| {
        let PropOrSpread::Prop(p) = p else { return None };
        let Prop::KeyValue(kv) = &**p else { return None };
        matches!(&kv.key, PropName::Ident(k) if &*k.sym == "data")
            .then(|| (model.sym.to_string(), &*kv.value))
    })
}

/// Where body values are written in Prisma calls: (value name, model, column)
/// for `data: { column: name }` / `{ name }` / `{ column: body.name }`, and
/// (variable, model) for `data: body`.
#[derive(Default)]
struct PrismaWrites {
    fields: Vec<(String, String, String)>,
    whole: Vec<(String, String)>,
}

impl Visit for PrismaWrites {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Some((model, data)) = prisma_write(c) {
            match strip_ts(data) {
                Expr::Ident(i) => self.whole.push((i.sym.to_string(), model.clone())),
                Expr::Object(o) => {
                    for p in &o.props {
                        let PropOrSpread::Prop(p) = p else { continue };
                        match &**p {
                            Prop::Shorthand(i) => {
                                self.fields.push((i.sym.to_string(), model.clone(), i.sym.to_string()))
                            }
                            Prop::KeyValue(kv) => {
                                let PropName::Ident(column) = &kv.key else { continue };
                                let value = match strip_ts(&kv.value) {
                                    Expr::Ident(i) => Some(i.sym.to_string()),
                                    Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) => {
                                        Some(p.sym.to_string())
                                    }
                                    _ => None,
                                };
                                if let Some(v) = value {
                                    self.fields.push((v, model.clone(), column.sym.to_string()));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        c.visit_children_with(self);
    }
}

/// Names the code tests itself: `!x`, `x ?? d`, `x || d`, `x ? … : …`,
/// `if (x)`, `typeof x`.
/// `["a", "b"].includes(x)`: (name, allowed values).
#[derive(Default)]
struct Includes(Vec<(String, Vec<String>)>);

impl Visit for Includes {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Callee::Expr(callee) = &c.callee {
            if let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee {
                if &*p.sym == "includes" {
                    if let (Expr::Array(list), Some(arg)) = (strip_ts(obj), c.args.first()) {
                        let values: Option<Vec<String>> = list
                            .elems
                            .iter()
                            .map(|e| match e.as_ref().map(|e| &*e.expr) {
                                Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_string_lossy().into_owned()),
                                _ => None,
                            })
                            .collect();
                        if let (Some(values), Some(name)) =
                            (values.filter(|v| !v.is_empty()), value_name(&arg.expr))
                        {
                            self.0.push((name, values));
                        }
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
}

/// (tested names, names whose `typeof` is checked, names read with `?.`).
#[derive(Default)]
struct Guards(Vec<String>, Vec<String>, Vec<String>);

impl Visit for Guards {
    fn visit_unary_expr(&mut self, u: &swc_core::ecma::ast::UnaryExpr) {
        use swc_core::ecma::ast::UnaryOp;
        if matches!(u.op, UnaryOp::Bang | UnaryOp::TypeOf) {
            if let Some(n) = value_name(&u.arg) {
                if u.op == UnaryOp::TypeOf {
                    self.1.push(n.clone());
                }
                self.0.push(n);
            }
        }
        u.visit_children_with(self);
    }

    fn visit_bin_expr(&mut self, b: &swc_core::ecma::ast::BinExpr) {
        use swc_core::ecma::ast::BinaryOp;
        // Every operand of `a || b || c` is tested.
        if matches!(b.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr | BinaryOp::LogicalAnd) {
            for side in [&b.left, &b.right] {
                if let Some(n) = value_name(side) {
                    self.0.push(n);
                }
            }
        }
        b.visit_children_with(self);
    }

    fn visit_cond_expr(&mut self, c: &swc_core::ecma::ast::CondExpr) {
        if let Some(n) = value_name(&c.test) {
            self.0.push(n);
        }
        c.visit_children_with(self);
    }

    fn visit_opt_chain_expr(&mut self, c: &swc_core::ecma::ast::OptChainExpr) {
        if let swc_core::ecma::ast::OptChainBase::Member(m) = &*c.base {
            if let Some(n) = value_name(&m.obj) {
                self.0.push(n.clone());
                self.2.push(n);
            }
        }
        c.visit_children_with(self);
    }

    fn visit_if_stmt(&mut self, i: &swc_core::ecma::ast::IfStmt) {
        if let Some(n) = value_name(&i.test) {
            self.0.push(n);
        }
        i.visit_children_with(self);
    }
}

/// Names turned into numbers: `Number(req.query.page)`, `Number(id)`.
#[derive(Default)]
struct NumberWraps(Vec<String>);

impl Visit for NumberWraps {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "Number")) {
            match c.args.first().map(|a| strip_ts(&a.expr)) {
                Some(Expr::Ident(i)) => self.0.push(i.sym.to_string()),
                Some(Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. })) => {
                    self.0.push(p.sym.to_string())
                }
                _ => {}
            }
        }
        c.visit_children_with(self);
    }
}

/// Input values passed as arguments: (value name, function, position).
#[derive(Default)]
struct CallArgs(Vec<(String, String, usize)>);

impl Visit for CallArgs {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Callee::Expr(callee) = &c.callee {
            if let Expr::Ident(f) = &**callee {
                for (i, a) in c.args.iter().enumerate() {
                    if a.spread.is_none() {
                        if let Some(v) = value_name(&a.expr) {
                            self.0.push((v, f.sym.to_string(), i));
                        }
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
}

/// A Drizzle column: its key in the table object, zod type, and whether a
/// client must send it.
struct Column {
    key: String,
    ty: Ty,
    not_null: bool,
    required: bool,
}

/// `const todos = pgTable("todos", { title: text("title").notNull(), … })`.
fn table_columns(program: &Program, name: &str) -> Option<Vec<Column>> {
    let Program::Module(m) = program else { return None };
    let init = m.body.iter().find_map(|item| {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => v,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => match &e.decl {
                Decl::Var(v) => v,
                _ => return None,
            },
            _ => return None,
        };
        decl.decls.iter().find_map(|d| match &d.name {
            Pat::Ident(b) if &*b.id.sym == name => d.init.as_deref(),
            _ => None,
        })
    })?;
    let Expr::Call(call) = strip_ts(init) else { return None };
    let Callee::Expr(callee) = &call.callee else { return None };
    if !matches!(&**callee, Expr::Ident(i) if matches!(&*i.sym, "pgTable" | "mysqlTable" | "sqliteTable")) {
        return None;
    }
    let Expr::Object(columns) = &*call.args.get(1)?.expr else { return None };
    let mut out = Vec::new();
    for p in &columns.props {
        let PropOrSpread::Prop(p) = p else { continue };
        let Prop::KeyValue(kv) = &**p else { continue };
        let PropName::Ident(key) = &kv.key else { continue };
        // Walk the builder chain: text("title").notNull().default(…)
        let mut methods = Vec::new();
        let mut e = &*kv.value;
        let builder = loop {
            let Expr::Call(c) = e else { break None };
            let Callee::Expr(callee) = &c.callee else { break None };
            match &**callee {
                Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(m), .. }) => {
                    methods.push(m.sym.to_string());
                    e = obj;
                }
                Expr::Ident(i) => break Some(i.sym.to_string()),
                _ => break None,
            }
        };
        let Some(builder) = builder else { continue };
        let ty = match builder.as_str() {
            "text" | "varchar" | "char" | "uuid" | "citext" => Ty::Str,
            "integer" | "int" | "smallint" | "bigint" | "serial" | "smallserial" | "bigserial" => Ty::Int,
            "real" | "doublePrecision" | "numeric" | "decimal" | "double" | "float" => Ty::Number,
            "boolean" => Ty::Bool,
            "timestamp" | "date" | "datetime" => Ty::Date,
            _ => Ty::Any,
        };
        let has = |m: &str| methods.iter().any(|x| x == m);
        let generated =
            builder.ends_with("serial") || has("primaryKey") || has("defaultRandom") || has("defaultNow");
        let not_null = has("notNull") || has("primaryKey");
        let required = not_null && !generated && !has("default") && !has("$defaultFn");
        out.push(Column { key: key.sym.to_string(), ty, not_null, required });
    }
    Some(out)
}

/// Where values are written with Drizzle: (value name, table, column) for
/// `db.insert(table).values({ column: value })` and `.update(table).set({…})`.
#[derive(Default)]
struct DrizzleWrites {
    fields: Vec<(String, String, String)>,
}

impl Visit for DrizzleWrites {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Callee::Expr(callee) = &c.callee {
            if let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(m), .. }) = &**callee {
                if matches!(&*m.sym, "values" | "set") {
                    if let Some(table) = drizzle_target(obj) {
                        if let Some(Expr::Object(o)) = c.args.first().map(|a| &*a.expr) {
                            for p in &o.props {
                                let PropOrSpread::Prop(p) = p else { continue };
                                match &**p {
                                    Prop::Shorthand(i) => self.fields.push((
                                        i.sym.to_string(),
                                        table.clone(),
                                        i.sym.to_string(),
                                    )),
                                    Prop::KeyValue(kv) => {
                                        let PropName::Ident(column) = &kv.key else { continue };
                                        if let Some(v) = value_name(&kv.value) {
                                            self.fields.push((v, table.clone(), column.sym.to_string()));
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
}

/// `db.insert(todos)` / `db.update(todos)`: `todos`.
fn drizzle_target(e: &Expr) -> Option<String> {
    let Expr::Call(c) = strip_ts(e) else { return None };
    let Callee::Expr(callee) = &c.callee else { return None };
    let Expr::Member(MemberExpr { prop: MemberProp::Ident(m), .. }) = &**callee else { return None };
    if !matches!(&*m.sym, "insert" | "update") {
        return None;
    }
    match c.args.first().map(|a| &*a.expr) {
        Some(Expr::Ident(t)) => Some(t.sym.to_string()),
        _ => None,
    }
}

/// The input field a written value comes from: `title`, `body.title`,
/// `title.trim()`, `done ?? false`.
fn value_name(e: &Expr) -> Option<String> {
    match strip_ts(e) {
        Expr::Ident(i) => Some(i.sym.to_string()),
        Expr::Member(MemberExpr { prop: MemberProp::Ident(p), obj, .. }) => match &**obj {
            Expr::Ident(_) | Expr::Member(_) => Some(p.sym.to_string()),
            _ => None,
        },
        Expr::Call(c) => match &c.callee {
            Callee::Expr(callee) => match &**callee {
                Expr::Member(m) => value_name(&m.obj),
                _ => None,
            },
            _ => None,
        },
        Expr::Bin(b)
            if matches!(
                b.op,
                swc_core::ecma::ast::BinaryOp::NullishCoalescing | swc_core::ecma::ast::BinaryOp::LogicalOr
            ) =>
        {
            value_name(&b.left)
        }
        _ => None,
    }
}

/// Names used with string methods (`email.trim()`).
#[derive(Default)]
struct StringUses(Vec<String>);

impl Visit for StringUses {
    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if let (Expr::Ident(obj), MemberProp::Ident(p)) = (&*m.obj, &m.prop) {
            if STRING_METHODS.contains(&&*p.sym) {
                self.0.push(obj.sym.to_string());
            }
        }
        if let (Expr::Member(inner), MemberProp::Ident(p)) = (&*m.obj, &m.prop) {
            if let MemberProp::Ident(field) = &inner.prop {
                if STRING_METHODS.contains(&&*p.sym) {
                    self.0.push(field.sym.to_string());
                }
            }
        }
        m.visit_children_with(self);
    }
}
