//! `paginate` on the server: the page comes from the request. `page` and
//! `pageSize` query parameters, with a default and a clamped maximum, are read
//! right before a GET handler's first list query. Prisma `findMany` gets
//! `take`/`skip` (and an `orderBy` on the model's `@id` when it has none),
//! Drizzle `select().from()` gets `.limit().offset()`, Supabase
//! `.from().select()` gets `.range()`, Mongoose `Model.find()` gets
//! `.limit().skip()`. The response shape stays the same.

use swc_core::ecma::ast::{
    ArrowExpr, AwaitExpr, Callee, Expr, Function, MemberExpr, MemberProp, ModuleItem, Prop, PropName,
    PropOrSpread,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use super::{
    by_unique_key, chain_methods, chain_root, counts_only, is_catalogue, reason, single_column, table,
};
use crate::analysis::unparen;
use crate::codemod::{FileCtx, Proposal};
use crate::edit::{line_indent, starts_line, Edit};
use crate::framework::{exported_functions, fastify_routes, serve_handlers, ExpressRoutes, FileKind, FnBody};
use crate::parse::range;
use crate::supabase::Clients;

/// Names that say the handler already deals with paging.
const PAGING_NAMES: &[&str] = &["page", "pageSize", "limit", "offset", "take", "skip", "perPage", "cursor"];

/// Route segments of handlers nobody pages through.
const DEBUG_SEGMENTS: &[&str] = &["test", "tests", "debug", "mock", "mocks", "dev", "seed", "health", "ping"];

pub(super) fn run(file: &FileCtx, kind: &FileKind, body: &[ModuleItem]) -> Option<Proposal> {
    let mut run = Run { file, clients: file.clients(), edits: Vec::new(), found: Vec::new() };
    match kind {
        FileKind::NextRoute { route } => {
            for (method, body) in exported_functions(body) {
                if method == "GET" {
                    run.handler(&body, Source::Url, &format!("GET {route}"), None);
                }
            }
        }
        // Only GET-style functions: one called with a JSON body (through
        // `functions.invoke`) has no query string its callers could page with.
        FileKind::Edge { name } => {
            for body in serve_handlers(body) {
                let reads_body =
                    body.stmts().is_some_and(|s| s.iter().any(|st| file.text[range(st)].contains(".json()")));
                run.handler(&body, Source::Url, name, reads_body.then_some(reason::JSON_BODY));
            }
        }
        FileKind::Express => {
            for (body, label, _) in ExpressRoutes::of(body).handlers {
                if label.starts_with("GET ") {
                    run.handler(&body, Source::Query, &label, None);
                }
            }
        }
        FileKind::Fastify => {
            for (body, label, _) in fastify_routes(body) {
                if label.starts_with("GET ") {
                    run.handler(&body, Source::Query, &label, None);
                }
            }
        }
        FileKind::PagesApi { .. } | FileKind::ServerActions => {}
    }
    if run.edits.is_empty() {
        return None;
    }
    let (size, max) = file.model.page_sizes();
    Some(Proposal {
        edits: run.edits,
        why: format!(
            "the list queries of {} returned every row: with ten thousand rows that times out or ships megabytes; now one page at a time (`?page=0` is the first, `?pageSize=` {size} by default, at most {max})",
            run.found.join(", ")
        ),
    })
}

/// Where the handler's query string is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// `new URL(request.url).searchParams` (Next route handlers, edge functions).
    Url,
    /// `req.query` (Express, Fastify).
    Query,
}

struct Run<'a> {
    file: &'a FileCtx<'a>,
    clients: &'a Clients,
    edits: Vec<Edit>,
    found: Vec<String>,
}

/// An unbounded list query and how to bound it.
enum Query {
    /// `prisma.post.findMany(args)`: the call, the last property of its
    /// argument object (none when it has no argument), and its model.
    Prisma {
        call: std::ops::Range<usize>,
        last_prop: Option<std::ops::Range<usize>>,
        model: String,
        multiline: bool,
        has_order: bool,
    },
    /// A Drizzle or Supabase chain: where it ends, and what to append.
    Chain { end: std::ops::Range<usize>, supabase: bool },
    /// A Mongoose query: `.limit().skip()` at its end.
    Mongoose { end: std::ops::Range<usize> },
}

impl Run<'_> {
    /// Bounds the handler's list queries, unless `leave` (or what the handler
    /// is) says to leave them whole.
    fn handler(&mut self, body: &FnBody, source: Source, label: &str, leave: Option<&'static str>) {
        let Some(stmts) = body.stmts() else { return };
        let mut finder =
            Queries { clients: self.clients, found: Vec::new(), left: Vec::new(), text: self.file.text };
        for s in stmts {
            s.visit_with(&mut finder);
        }
        for (at, why) in &finder.left {
            self.file.leave_alone(*at, why);
        }
        if finder.found.is_empty() {
            return;
        }
        let names = body.names();
        let debug = label.split(['/', ' ']).any(|segment| DEBUG_SEGMENTS.contains(&segment));
        let leave = leave
            .or(PAGING_NAMES.iter().any(|n| names.declares(n)).then_some(reason::PAGED_ALREADY))
            .or(debug.then_some(reason::DEBUG_ROUTE));
        if let Some(why) = leave {
            for (at, _) in &finder.found {
                self.file.leave_alone(*at, why);
            }
            return;
        }
        let text = self.file.text;
        let style = self.file.style();
        let (size, max) = self.file.model.page_sizes();
        let first_at = finder.found.iter().map(|(at, _)| *at).min().unwrap_or(0);
        let Some(first) = stmts.iter().find(|s| range(*s).contains(&first_at)) else { return };
        let first_range = range(first);
        if !starts_line(text, first_range.start) {
            return;
        }
        let indent = line_indent(text, first_range.start).to_string();
        let (semi, eol) = (style.semi(), style.eol);
        // The request: Next's GET() may have no parameter yet.
        let (req, add_param) = match body.param_name(0) {
            Some(r) => (r, None),
            None if source == Source::Url => {
                let Some(at) = empty_params_at(text, body) else { return };
                let ts = self.file.path.ends_with(".ts") || self.file.path.ends_with(".tsx");
                let param = if ts { "request: Request" } else { "request" };
                ("request".to_string(), Some(Edit::insert(at, param)))
            }
            None => return,
        };
        let get = |key: &str, params: &str| match source {
            Source::Query => format!("{req}.query.{key}"),
            Source::Url => format!("{params}.get({})", style.quoted(key)),
        };
        // Reuse the handler's own `searchParams` when it has them already.
        let own_params = source == Source::Url
            && stmts.iter().take_while(|s| range(*s).start < first_range.start).any(declares_search_params);
        let mut preamble = String::new();
        if source == Source::Url && !own_params {
            if names.declares("pageParams") {
                return;
            }
            preamble
                .push_str(&format!("const pageParams = new URL({req}.url).searchParams{semi}{eol}{indent}"));
        }
        let params_name = if own_params { "searchParams" } else { "pageParams" };
        preamble.push_str(&format!(
            "const page = Math.max(0, Math.trunc(Number({})) || 0){semi}{eol}{indent}const pageSize = Math.min({max}, Math.max(1, Math.trunc(Number({})) || {size})){semi}{eol}{indent}",
            get("page", params_name),
            get("pageSize", params_name)
        ));
        let mut edits = vec![Edit::insert(first_range.start, preamble)];
        edits.extend(add_param);
        for (_, query) in &finder.found {
            match query {
                Query::Prisma { call, last_prop, model, multiline, has_order } => {
                    let order = if *has_order {
                        None
                    } else {
                        self.id_key(model).map(|k| format!("orderBy: {{ {k}: {} }}", style.quoted("asc")))
                    };
                    let mut props = vec!["take: pageSize".to_string(), "skip: page * pageSize".to_string()];
                    props.extend(order);
                    match last_prop {
                        Some(last_prop_end) => {
                            if *multiline {
                                let prop_indent =
                                    line_indent(text, crate::edit::line_start(text, last_prop_end.start))
                                        .to_string();
                                let joined: String =
                                    props.iter().map(|p| format!(",{eol}{prop_indent}{p}")).collect();
                                edits.push(Edit::insert(last_prop_end.end, joined));
                            } else {
                                edits
                                    .push(Edit::insert(last_prop_end.end, format!(", {}", props.join(", "))));
                            }
                        }
                        None => {
                            // `findMany()`: the arguments go inside the parentheses.
                            let close = call.end - 1;
                            if text.as_bytes().get(close) != Some(&b')') {
                                continue;
                            }
                            edits.push(Edit::insert(close, format!("{{ {} }}", props.join(", "))));
                        }
                    }
                }
                Query::Mongoose { end } => {
                    edits.push(Edit::insert(end.end, ".limit(pageSize).skip(page * pageSize)"));
                }
                Query::Chain { end, supabase } => {
                    let bound = if *supabase {
                        ".range(page * pageSize, (page + 1) * pageSize - 1)".to_string()
                    } else {
                        ".limit(pageSize).offset(page * pageSize)".to_string()
                    };
                    let chain_text = &text[end.clone()];
                    if chain_text.contains('\n') {
                        // One method a line: the bound too, under the last one.
                        let last_line_indent =
                            line_indent(text, crate::edit::line_start(text, end.end)).to_string();
                        let parts = if *supabase {
                            vec![".range(page * pageSize, (page + 1) * pageSize - 1)".to_string()]
                        } else {
                            vec![".limit(pageSize)".to_string(), ".offset(page * pageSize)".to_string()]
                        };
                        let joined: String =
                            parts.iter().map(|p| format!("{eol}{last_line_indent}{p}")).collect();
                        edits.push(Edit::insert(end.end, joined));
                    } else {
                        edits.push(Edit::insert(end.end, bound));
                    }
                }
            }
        }
        self.edits.extend(edits);
        self.found.push(format!("`{label}`"));
    }

    /// The `@id` field of a Prisma model, for a stable order.
    fn id_key(&self, model: &str) -> Option<String> {
        let schema = self.file.model.prisma(self.file.path)?;
        let fields = schema.model(model)?;
        fields
            .iter()
            .find(|f| f.server_managed && f.generated && !f.ty.starts_with("DateTime"))
            .map(|f| f.name.clone())
    }
}

/// `const searchParams = request.nextUrl.searchParams` or
/// `const { searchParams } = new URL(request.url)`.
fn declares_search_params(stmt: &swc_core::ecma::ast::Stmt) -> bool {
    use swc_core::ecma::ast::{Decl, ObjectPatProp, Pat, Stmt};
    let Stmt::Decl(Decl::Var(v)) = stmt else { return false };
    v.decls.iter().any(|d| match &d.name {
        Pat::Ident(b) => &*b.id.sym == "searchParams",
        Pat::Object(o) => {
            o.props.iter().any(|p| matches!(p, ObjectPatProp::Assign(a) if &*a.key.sym == "searchParams"))
        }
        _ => false,
    })
}

/// The offset inside `()` of a function with no parameters.
pub(super) fn empty_params_at(text: &str, body: &FnBody) -> Option<usize> {
    let (start, body_start) = match body {
        FnBody::Function(f) => (range(*f).start, f.body.as_ref().map(range)?.start),
        FnBody::Arrow(a) => (range(*a).start, range(&*a.body).start),
    };
    let head = text.get(start..body_start)?;
    let open = head.find('(')?;
    let close = head[open..].find(')')? + open;
    head[open + 1..close].trim().is_empty().then_some(start + open + 1)
}

/// Unbounded list queries, with the offset they start at, and those that
/// must stay whole.
struct Queries<'c> {
    clients: &'c Clients,
    found: Vec<(usize, Query)>,
    left: Vec<(usize, &'static str)>,
    text: &'c str,
}

/// What to do with one awaited query.
enum Found {
    Bound(Query),
    Leave(&'static str),
}

impl Visit for Queries<'_> {
    fn visit_await_expr(&mut self, a: &AwaitExpr) {
        match self.query(&a.arg) {
            Some(Found::Bound(q)) => self.found.push((range(a).start, q)),
            Some(Found::Leave(why)) => self.left.push((range(a).start, why)),
            None => a.visit_children_with(self),
        }
    }

    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
}

impl Queries<'_> {
    fn query(&self, e: &Expr) -> Option<Found> {
        let Expr::Call(call) = unparen(e) else { return None };
        let methods = chain_methods(call);
        let names: Vec<&str> = methods.iter().map(|m| m.name.as_str()).collect();
        // Prisma: `<client>.<model>.findMany(args)`.
        if names.as_slice() == ["findMany"] {
            let Callee::Expr(callee) = &call.callee else { return None };
            let Expr::Member(MemberExpr { obj, .. }) = &**callee else { return None };
            let Expr::Member(MemberExpr { prop: MemberProp::Ident(model), .. }) = &**obj else { return None };
            let (args, multiline, has_order) = match call.args.first().map(|a| &*a.expr) {
                None => (None, false, false),
                Some(Expr::Object(o)) => {
                    let value = |k: &str| {
                        o.props.iter().find_map(|p| match p {
                            PropOrSpread::Prop(p) => match &**p {
                                Prop::KeyValue(kv) if matches!(&kv.key, PropName::Ident(i) if &*i.sym == k) => {
                                    Some(&*kv.value)
                                }
                                _ => None,
                            },
                            _ => None,
                        })
                    };
                    if value("take").is_some()
                        || value("cursor").is_some()
                        || o.props.iter().any(|p| matches!(p, PropOrSpread::Spread(_)))
                        || where_by_id(o)
                    {
                        return None;
                    }
                    // `select: { email: true }`: one field, a lookup.
                    if matches!(value("select"), Some(Expr::Object(s)) if s.props.len() == 1) {
                        return Some(Found::Leave(reason::SINGLE_COLUMN));
                    }
                    let last = range(o.props.last()?);
                    (Some(last), self.text[range(o)].contains('\n'), value("orderBy").is_some())
                }
                Some(_) => return None,
            };
            if is_catalogue(&model.sym) {
                return Some(Found::Leave(reason::CATALOGUE));
            }
            return Some(Found::Bound(Query::Prisma {
                call: range(call),
                last_prop: args,
                model: model.sym.to_string(),
                multiline,
                has_order,
            }));
        }
        let bounded = ["limit", "range", "single", "maybeSingle", "offset", "findFirst", "then", "count"];
        if names.iter().any(|m| bounded.contains(m)) || by_unique_key(&methods) {
            return None;
        }
        let root = chain_root(call)?;
        let leave_or = |query: Query| {
            if table(&methods).is_some_and(is_catalogue) {
                Found::Leave(reason::CATALOGUE)
            } else if single_column(&methods) {
                Found::Leave(reason::SINGLE_COLUMN)
            } else {
                Found::Bound(query)
            }
        };
        // Supabase: `<client>.from(t).select(...)` (no `head: true` count).
        if self.clients.names.contains(&root) {
            let from = names.iter().position(|m| *m == "from")?;
            if names.get(from + 1) != Some(&"select") || counts_only(&methods) {
                return None;
            }
            return Some(leave_or(Query::Chain { end: range(call), supabase: true }));
        }
        // Drizzle: `db.select(...).from(table)…`
        if names.first() == Some(&"select") && names.contains(&"from") {
            return Some(leave_or(Query::Chain { end: range(call), supabase: false }));
        }
        // Mongoose: `Product.find(filter).sort(…)` on a model (a capitalised
        // name, in a file that uses mongoose or its models).
        let model_like = root.chars().next().is_some_and(|c| c.is_ascii_uppercase());
        let uses_mongoose = crate::text::has(self.text, "mongoose") || crate::text::has(self.text, "/models");
        if names.first() == Some(&"find") && model_like && uses_mongoose && !names.contains(&"skip") {
            if is_catalogue(&root) {
                return Some(Found::Leave(reason::CATALOGUE));
            }
            return Some(Found::Bound(Query::Mongoose { end: range(call) }));
        }
        None
    }
}

/// `where: { id: … }` or `where: { id: { in: … } }`: a bounded set.
fn where_by_id(o: &swc_core::ecma::ast::ObjectLit) -> bool {
    o.props.iter().any(|p| {
        let PropOrSpread::Prop(p) = p else { return false };
        let Prop::KeyValue(kv) = &**p else { return false };
        if !matches!(&kv.key, PropName::Ident(k) if &*k.sym == "where") {
            return false;
        }
        let Expr::Object(w) = &*kv.value else { return false };
        w.props.iter().any(|p| {
            matches!(p, PropOrSpread::Prop(p) if match &**p {
                Prop::KeyValue(kv) => matches!(&kv.key, PropName::Ident(k) if &*k.sym == "id"),
                Prop::Shorthand(i) => &*i.sym == "id",
                _ => false,
            })
        })
    })
}
