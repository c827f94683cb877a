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

pub(crate) mod entries;
pub(crate) mod evidence;
pub(crate) mod run;
pub(crate) mod sources;
pub(crate) mod zod;

use swc_core::ecma::ast::{ImportSpecifier, ModuleDecl, ModuleItem, Pat, Program, TsEntityName, TsType};

use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::edit::Edit;
use crate::framework::{
    cors_headers, edge_json_headers, exported_functions, fastify_routes, next_response, serve_handlers,
    ExpressRoutes, FileKind, FnBody,
};
use crate::parse::range;
use run::Run;
use sources::{FormSource, Reply, Source};

pub struct ValidateInput;

const METHODS: &[&str] = &["POST", "PUT", "PATCH", "DELETE"];

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
            .any(|p| crate::text::has(text, p))
            && crate::analysis::may_be_server(text)
    }

    fn may_apply_to(&self, file: &crate::model::FileFacts) -> bool {
        // Only entry points have handlers.
        file.entry
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
        let kind = FileKind::of_file(file.path, file.program)?;
        let edge = matches!(kind, FileKind::Edge { .. });
        let zod = ZodImport::find(items)?;
        let major =
            zod.major.or_else(|| if edge { None } else { file.model.zod_major(file.path) }).unwrap_or(4);
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
                let response = next_response(file.program);
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
                    let headers = edge_json_headers(cors.as_deref(), file.style());
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
        let style = file.style();
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
