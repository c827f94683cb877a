//! `paginate` (server side): a list query in a GET handler with no bound
//! returns the whole table; with ten thousand rows it times out or ships
//! megabytes to a phone. The page comes from the request: `page` and
//! `pageSize` query parameters, with a default and a clamped maximum
//! (`harden.toml` `[pagination]`), read right before the first list query.
//! Prisma `findMany` gets `take`/`skip` (and an `orderBy` on the model's `@id`
//! when it has none), Drizzle `select().from()` gets `.limit().offset()`,
//! Supabase `.from().select()` gets `.range()`, Mongoose `Model.find()` gets
//! `.limit().skip()`. The response shape stays the
//! same. Left alone: handlers that already read `page`/`limit`/… names,
//! single-row reads, counts, bounded queries, queries filtered by `id`.

use swc_core::ecma::ast::{
    ArrowExpr, AwaitExpr, CallExpr, Callee, Expr, Function, Lit, MemberExpr, MemberProp, Program, Prop,
    PropName, PropOrSpread,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::unparen;
use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::edit::{line_indent, starts_line, Edit};
use crate::parse::range;
use crate::server_errors::{
    exported_functions, fastify_routes, serve_handlers, ExpressRoutes, FileKind, FnBody,
};
use crate::supabase::Clients;

pub struct Paginate;

/// Names that say the handler already deals with paging.
const PAGING_NAMES: &[&str] = &["page", "pageSize", "limit", "offset", "take", "skip", "perPage", "cursor"];

impl Codemod for Paginate {
    fn id(&self) -> &'static str {
        "paginate"
    }

    fn title(&self) -> &'static str {
        "Bound list queries in GET handlers to one page (page, pageSize)"
    }

    // Opt-in for now: a review of its changes on real exports found most
    // bounded lists were lookups, options or aggregates that must stay whole.
    fn on_by_default(&self) -> bool {
        false
    }

    fn may_apply(&self, text: &str) -> bool {
        text.contains("findMany") || text.contains(".select(") || text.contains(".find(")
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        let owned;
        let body: &[swc_core::ecma::ast::ModuleItem] = match file.program {
            Program::Module(m) => &m.body,
            Program::Script(s) => {
                owned = s.body.iter().cloned().map(swc_core::ecma::ast::ModuleItem::Stmt).collect::<Vec<_>>();
                &owned
            }
        };
        let clients = file.clients();
        let Some(kind) = FileKind::of(file) else {
            // Browser code reading Supabase directly (most Lovable/Bolt apps).
            return client_side(file, clients, body);
        };
        let mut run = Run { file, clients, edits: Vec::new(), found: Vec::new() };
        match &kind {
            FileKind::NextRoute { route } => {
                for (method, body) in exported_functions(body) {
                    if method == "GET" {
                        run.handler(&body, Source::Url, &format!("GET {route}"));
                    }
                }
            }
            // Only GET-style functions: one called with a JSON body (through
            // `functions.invoke`) has no query string its callers could page with.
            FileKind::Edge { name } => {
                for body in serve_handlers(body) {
                    let reads_body = body
                        .stmts()
                        .is_some_and(|s| s.iter().any(|st| file.text[range(st)].contains(".json()")));
                    if !reads_body {
                        run.handler(&body, Source::Url, name);
                    }
                }
            }
            FileKind::Express => {
                for (body, label, _) in ExpressRoutes::of(body).handlers {
                    if label.starts_with("GET ") {
                        run.handler(&body, Source::Query, &label);
                    }
                }
            }
            FileKind::Fastify => {
                for (body, label, _) in fastify_routes(body) {
                    if label.starts_with("GET ") {
                        run.handler(&body, Source::Query, &label);
                    }
                }
            }
            FileKind::PagesApi { .. } | FileKind::ServerActions => {}
        }
        if run.edits.is_empty() {
            return None;
        }
        let (size, max) = file.facts.page_sizes();
        Some(Proposal {
            edits: run.edits,
            why: format!(
                "the list queries of {} returned every row: with ten thousand rows that times out or ships megabytes; now one page at a time (`?page=`, `?pageSize=`, {size} by default, at most {max})",
                run.found.join(", ")
            ),
        })
    }
}

/// Client side: every unbounded Supabase list gets a bound from one named
/// page-size constant per file. In a hook or data function without
/// parameters, an optional `page` parameter is threaded through (default 0, so
/// callers keep working, and into the react-query key); elsewhere (effects,
/// components) the query loads the first page.
fn client_side(
    file: &FileCtx,
    clients: &Clients,
    items: &[swc_core::ecma::ast::ModuleItem],
) -> Option<Proposal> {
    use swc_core::ecma::ast::{Decl, ModuleDecl, ModuleItem, Pat, Stmt};
    if clients.names.is_empty() {
        return None;
    }
    // Scripts and tests need every row (batch jobs, reports, checks).
    let lower = file.path.to_ascii_lowercase();
    if lower.starts_with("scripts/")
        || lower.contains("/scripts/")
        || lower.contains("test")
        || lower.contains("seed")
    {
        return None;
    }
    let text = file.text;
    let style = file.style;
    let (size, _) = file.facts.page_sizes();
    let constant = "PAGE_SIZE";
    if file.bindings.declares(constant) {
        return None;
    }
    let data_module = !crate::analysis::has_jsx(file.program);
    let mut edits = Vec::new();
    let mut threaded = Vec::new();
    let mut first_page = 0usize;
    for item in items {
        // (name, function, exported)
        let functions: Vec<(String, FnBody, bool)> = match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => match &e.decl {
                Decl::Fn(f) => vec![(f.ident.sym.to_string(), FnBody::Function(&f.function), true)],
                Decl::Var(v) => v
                    .decls
                    .iter()
                    .filter_map(|d| match (&d.name, d.init.as_deref()) {
                        (Pat::Ident(b), Some(Expr::Arrow(a))) => {
                            Some((b.id.sym.to_string(), FnBody::Arrow(a), true))
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            },
            ModuleItem::Stmt(Stmt::Decl(Decl::Fn(f))) => {
                vec![(f.ident.sym.to_string(), FnBody::Function(&f.function), false)]
            }
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => v
                .decls
                .iter()
                .filter_map(|d| match (&d.name, d.init.as_deref()) {
                    (Pat::Ident(b), Some(Expr::Arrow(a))) => {
                        Some((b.id.sym.to_string(), FnBody::Arrow(a), false))
                    }
                    _ => None,
                })
                .collect(),
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) => match &d.decl {
                swc_core::ecma::ast::DefaultDecl::Fn(f) => {
                    let name = f.ident.as_ref().map_or("default".to_string(), |i| i.sym.to_string());
                    vec![(name, FnBody::Function(&f.function), true)]
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for (name, body, exported) in functions {
            let mut chains = ClientChains {
                clients,
                text,
                chains: Vec::new(),
                results: Vec::new(),
                query_keys: Vec::new(),
                current: None,
            };
            match (body.stmts(), &body) {
                (Some(stmts), _) => stmts.iter().for_each(|s| s.visit_with(&mut chains)),
                (None, FnBody::Arrow(a)) => a.body.visit_with(&mut chains),
                (None, _) => continue,
            }
            // Lists that feed counts, searches or options must stay whole.
            let keep: Vec<std::ops::Range<usize>> = chains
                .chains
                .iter()
                .zip(&chains.results)
                .filter(|(_, result)| {
                    !result.as_deref().is_some_and(|r| used_as_lookup(file.program, r, &body))
                })
                .map(|(c, _)| c.clone())
                .collect();
            chains.chains = keep;
            if chains.chains.is_empty() {
                continue;
            }
            let hook = name.len() > 3
                && name.starts_with("use")
                && name[3..].starts_with(|c: char| c.is_ascii_uppercase());
            let data_function = exported && data_module;
            let names = body.names();
            // A hook pages only through react-query (the page in its key
            // refetches); a hook with its own effect would need `page` in the
            // effect's dependencies, so it loads the first page instead.
            let keyed = if hook { chains.query_keys.len() == 1 } else { chains.query_keys.len() <= 1 };
            let thread = (hook || data_function)
                && keyed
                && !names.declares("page")
                && empty_params_at(text, &body).is_some();
            let bound = if thread {
                format!(".range(page * {constant}, (page + 1) * {constant} - 1)")
            } else {
                format!(".range(0, {constant} - 1)")
            };
            for end in &chains.chains {
                if text[end.clone()].contains('\n') {
                    let indent = line_indent(text, crate::edit::line_start(text, end.end)).to_string();
                    edits.push(Edit::insert(end.end, format!("{}{indent}{bound}", style.eol)));
                } else {
                    edits.push(Edit::insert(end.end, bound.clone()));
                }
            }
            if thread {
                if let Some(at) = empty_params_at(text, &body) {
                    edits.push(Edit::insert(at, "page = 0"));
                }
                if let Some(key_end) = chains.query_keys.first() {
                    edits.push(Edit::insert(*key_end, ", page"));
                }
                threaded.push(format!("`{name}(page)`"));
            } else {
                first_page += chains.chains.len();
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    // The constant, after the imports.
    let after_imports = items
        .iter()
        .take_while(|i| matches!(i, ModuleItem::ModuleDecl(ModuleDecl::Import(_))))
        .last()
        .map(|i| crate::edit::line_end(text, range(i).end))?;
    edits.push(Edit::insert(
        after_imports,
        format!(
            "{eol}{eol}// Rows per page: lists load one page at a time.{eol}const {constant} = {size}{}",
            style.semi(),
            eol = style.eol
        ),
    ));
    let mut parts = Vec::new();
    if !threaded.is_empty() {
        let verb = if threaded.len() == 1 { "takes" } else { "take" };
        parts.push(format!("{} now {verb} a page (0 by default, in the query key)", threaded.join(", ")));
    }
    if first_page > 0 {
        let (noun, verb) = if first_page == 1 { ("query", "loads") } else { ("queries", "load") };
        parts.push(format!("{first_page} list {noun} now {verb} the first page"));
    }
    Some(Proposal {
        edits,
        why: format!(
            "Supabase lists here had no bound: with ten thousand rows the page would load them all. {}; add paging controls where these lists are shown ({constant} = {size})",
            parts.join("; ")
        ),
    })
}

/// Unbounded Supabase list chains in browser code, and the ends of the
/// react-query keys (`queryKey: [...]`) next to them.
struct ClientChains<'c> {
    clients: &'c Clients,
    text: &'c str,
    /// Each chain, with the name its rows land in (`data`, `tribes`).
    chains: Vec<std::ops::Range<usize>>,
    results: Vec<Option<String>>,
    query_keys: Vec<usize>,
    /// The name rows are destructured into around the chain being visited.
    current: Option<String>,
}

impl Visit for ClientChains<'_> {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        // `chain.then(cb)`: look at the chain itself, and the callback.
        if let Callee::Expr(callee) = &call.callee {
            if let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee {
                if matches!(&*p.sym, "then" | "catch" | "finally") {
                    // `.then(({ data }) => …)`: the rows land in the callback's `data`.
                    let outer = self.current.take();
                    if let Some(Expr::Arrow(cb)) = call.args.first().map(|a| &*a.expr) {
                        self.current = cb.params.first().and_then(data_name);
                    }
                    obj.visit_with(self);
                    self.current = outer;
                    call.args.visit_with(self);
                    return;
                }
            }
        }
        let methods = chain_methods(call);
        let names: Vec<&str> = methods.iter().map(|(m, _)| m.as_str()).collect();
        let root = chain_root(call);
        let is_client = root.as_ref().is_some_and(|r| self.clients.names.contains(r));
        let from = names.iter().position(|m| *m == "from");
        let list = is_client
            && from.is_some_and(|f| names.get(f + 1) == Some(&"select"))
            && !names
                .iter()
                .any(|m| ["limit", "range", "single", "maybeSingle", "then", "csv", "returns"].contains(m))
            && !methods
                .iter()
                .any(|(m, a)| a.contains("head") || ((m == "eq" || m == "in") && a.contains("id")));
        if list {
            self.chains.push(range(call));
            self.results.push(self.current.clone());
            return;
        }
        if is_client && from.is_some() {
            // A bounded (or single-row) chain: its prefix is not a list either.
            call.args.visit_with(self);
            return;
        }
        call.visit_children_with(self);
    }

    // `let query = supabase.from(t).select()` is built in steps and may be
    // bounded later: left alone.
    fn visit_var_declarator(&mut self, d: &swc_core::ecma::ast::VarDeclarator) {
        if matches!(d.init.as_deref(), Some(Expr::Call(_))) {
            return;
        }
        let outer = self.current.take();
        self.current = data_name(&d.name);
        d.visit_children_with(self);
        self.current = outer;
    }

    fn visit_key_value_prop(&mut self, kv: &swc_core::ecma::ast::KeyValueProp) {
        if matches!(&kv.key, PropName::Ident(k) if &*k.sym == "queryKey") {
            if let Expr::Array(a) = &*kv.value {
                let end = range(a).end - 1;
                if self.text.as_bytes().get(end) == Some(&b']') {
                    self.query_keys.push(end);
                }
            }
        }
        kv.visit_children_with(self);
    }
}

/// The name the rows of `{ data }` / `{ data: tribes }` are bound to.
fn data_name(pat: &swc_core::ecma::ast::Pat) -> Option<String> {
    use swc_core::ecma::ast::{ObjectPatProp, Pat};
    let Pat::Object(o) = pat else { return None };
    o.props.iter().find_map(|p| match p {
        ObjectPatProp::Assign(a) if &*a.key.sym == "data" => Some("data".to_string()),
        ObjectPatProp::KeyValue(kv) if matches!(&kv.key, PropName::Ident(k) if &*k.sym == "data") => {
            match &*kv.value {
                Pat::Ident(b) => Some(b.id.sym.to_string()),
                _ => None,
            }
        }
        _ => None,
    })
}

/// Rows that must stay whole: the names they reach (the result, the state
/// set from it) are counted, searched or turned into options.
fn used_as_lookup(program: &Program, result: &str, function: &FnBody) -> bool {
    // `setTasks(data ?? [])` → `tasks`.
    struct Setters<'r> {
        result: &'r str,
        states: Vec<String>,
    }
    impl Visit for Setters<'_> {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if let Callee::Expr(e) = &c.callee {
                if let Expr::Ident(i) = &**e {
                    let name = &*i.sym;
                    let mentions = c.args.iter().any(|a| {
                        let mut f = Mentions { name: self.result, found: false };
                        a.expr.visit_with(&mut f);
                        f.found
                    });
                    if mentions && name.len() > 3 && name.starts_with("set") {
                        let state = &name[3..];
                        let mut chars = state.chars();
                        if let Some(first) = chars.next() {
                            self.states.push(first.to_ascii_lowercase().to_string() + chars.as_str());
                        }
                    }
                }
            }
            c.visit_children_with(self);
        }
    }
    struct Mentions<'n> {
        name: &'n str,
        found: bool,
    }
    impl Visit for Mentions<'_> {
        fn visit_ident(&mut self, i: &swc_core::ecma::ast::Ident) {
            self.found |= &*i.sym == self.name;
        }
    }
    let mut setters = Setters { result, states: Vec::new() };
    match function {
        FnBody::Arrow(a) => a.visit_with(&mut setters),
        FnBody::Function(f) => f.visit_with(&mut setters),
    }
    let mut names = setters.states;
    names.push(result.to_string());
    let mut uses = LookupUses { names: &names, found: false, in_options: 0 };
    program.visit_with(&mut uses);
    uses.found
}

/// `.length`, `.find(…)`, `.includes(…)`, `.reduce(…)`, `new Set(x)`, a map
/// into `<option>`s: the whole set matters.
struct LookupUses<'n> {
    names: &'n [String],
    found: bool,
    in_options: usize,
}

impl LookupUses<'_> {
    fn is_name(&self, e: &Expr) -> bool {
        matches!(unparen(e), Expr::Ident(i) if self.names.iter().any(|n| *n == *i.sym))
    }
}

impl Visit for LookupUses<'_> {
    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if self.is_name(&m.obj) {
            if let MemberProp::Ident(p) = &m.prop {
                let lookup =
                    ["length", "find", "findIndex", "includes", "some", "every", "reduce", "indexOf"];
                if lookup.contains(&&*p.sym) {
                    self.found = true;
                }
            }
        }
        // `list.filter(…).length`: a count.
        if matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "length") {
            if let Expr::Call(c) = unparen(&m.obj) {
                if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Member(inner)
                    if self.is_name(&inner.obj) && matches!(&inner.prop, MemberProp::Ident(p) if &*p.sym == "filter")))
                {
                    self.found = true;
                }
            }
        }
        m.visit_children_with(self);
    }

    fn visit_new_expr(&mut self, n: &swc_core::ecma::ast::NewExpr) {
        if matches!(&*n.callee, Expr::Ident(i) if matches!(&*i.sym, "Set" | "Map"))
            && n.args.iter().flatten().any(|a| self.is_name(&a.expr))
        {
            self.found = true;
        }
        n.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        // `list.map((x) => <option …>)`
        let mapped = matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Member(m)
            if self.is_name(&m.obj) && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "map")));
        self.in_options += usize::from(mapped);
        c.visit_children_with(self);
        self.in_options -= usize::from(mapped);
    }

    fn visit_jsx_opening_element(&mut self, el: &swc_core::ecma::ast::JSXOpeningElement) {
        if self.in_options > 0 {
            if let swc_core::ecma::ast::JSXElementName::Ident(i) = &el.name {
                if matches!(&*i.sym, "option" | "SelectItem" | "MenuItem" | "CommandItem") {
                    self.found = true;
                }
            }
        }
        el.visit_children_with(self);
    }
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
    fn handler(&mut self, body: &FnBody, source: Source, label: &str) {
        let Some(stmts) = body.stmts() else { return };
        let names = body.names();
        if PAGING_NAMES.iter().any(|n| names.declares(n)) {
            return;
        }
        let mut finder = Queries { clients: self.clients, found: Vec::new(), text: self.file.text };
        for s in stmts {
            s.visit_with(&mut finder);
        }
        if finder.found.is_empty() {
            return;
        }
        let text = self.file.text;
        let style = self.file.style;
        let (size, max) = self.file.facts.page_sizes();
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
            "const page = Math.max(1, Number({}) || 1){semi}{eol}{indent}const pageSize = Math.min({max}, Math.max(1, Number({}) || {size})){semi}{eol}{indent}",
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
                    let mut props =
                        vec!["take: pageSize".to_string(), "skip: (page - 1) * pageSize".to_string()];
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
                    edits.push(Edit::insert(end.end, ".limit(pageSize).skip((page - 1) * pageSize)"));
                }
                Query::Chain { end, supabase } => {
                    let bound = if *supabase {
                        ".range((page - 1) * pageSize, page * pageSize - 1)".to_string()
                    } else {
                        ".limit(pageSize).offset((page - 1) * pageSize)".to_string()
                    };
                    let chain_text = &text[end.clone()];
                    if chain_text.contains('\n') {
                        // One method a line: the bound too, under the last one.
                        let last_line_indent =
                            line_indent(text, crate::edit::line_start(text, end.end)).to_string();
                        let parts = if *supabase {
                            vec![".range((page - 1) * pageSize, page * pageSize - 1)".to_string()]
                        } else {
                            vec![".limit(pageSize)".to_string(), ".offset((page - 1) * pageSize)".to_string()]
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
        let schema = self.file.facts.prisma(self.file.path)?;
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
fn empty_params_at(text: &str, body: &FnBody) -> Option<usize> {
    let (start, body_start) = match body {
        FnBody::Function(f) => (range(*f).start, f.body.as_ref().map(range)?.start),
        FnBody::Arrow(a) => (range(*a).start, range(&*a.body).start),
    };
    let head = text.get(start..body_start)?;
    let open = head.find('(')?;
    let close = head[open..].find(')')? + open;
    head[open + 1..close].trim().is_empty().then_some(start + open + 1)
}

/// Unbounded list queries, with the offset they start at.
struct Queries<'c> {
    clients: &'c Clients,
    found: Vec<(usize, Query)>,
    text: &'c str,
}

impl Visit for Queries<'_> {
    fn visit_await_expr(&mut self, a: &AwaitExpr) {
        if let Some(q) = self.query(&a.arg) {
            self.found.push((range(a).start, q));
            return;
        }
        a.visit_children_with(self);
    }

    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
}

impl Queries<'_> {
    fn query(&self, e: &Expr) -> Option<Query> {
        let Expr::Call(call) = unparen(e) else { return None };
        let methods = chain_methods(call);
        let names: Vec<&str> = methods.iter().map(|(m, _)| m.as_str()).collect();
        // Prisma: `<client>.<model>.findMany(args)`.
        if names.as_slice() == ["findMany"] {
            let Callee::Expr(callee) = &call.callee else { return None };
            let Expr::Member(MemberExpr { obj, .. }) = &**callee else { return None };
            let Expr::Member(MemberExpr { prop: MemberProp::Ident(model), .. }) = &**obj else { return None };
            let (args, multiline, has_order) = match call.args.first().map(|a| &*a.expr) {
                None => (None, false, false),
                Some(Expr::Object(o)) => {
                    let key = |k: &str| {
                        o.props.iter().any(|p| matches!(p, PropOrSpread::Prop(p) if matches!(&**p, Prop::KeyValue(kv) if matches!(&kv.key, PropName::Ident(i) if &*i.sym == k))))
                    };
                    if key("take")
                        || key("cursor")
                        || o.props.iter().any(|p| matches!(p, PropOrSpread::Spread(_)))
                    {
                        return None;
                    }
                    if where_by_id(o) {
                        return None;
                    }
                    let last = range(o.props.last()?);
                    (Some(last), self.text[range(o)].contains('\n'), key("orderBy"))
                }
                Some(_) => return None,
            };
            return Some(Query::Prisma {
                call: range(call),
                last_prop: args,
                model: model.sym.to_string(),
                multiline,
                has_order,
            });
        }
        let bounded = ["limit", "range", "single", "maybeSingle", "offset", "findFirst", "then", "count"];
        if names.iter().any(|m| bounded.contains(m)) {
            return None;
        }
        // Filtered by id: a bounded set.
        if methods.iter().any(|(m, args)| (m == "eq" || m == "where") && args.contains("id")) {
            return None;
        }
        let root = chain_root(call)?;
        // Supabase: `<client>.from(t).select(...)` (no `head: true` count).
        if self.clients.names.contains(&root) {
            let from = names.iter().position(|m| *m == "from")?;
            if names.get(from + 1) != Some(&"select") || methods.iter().any(|(_, a)| a.contains("head")) {
                return None;
            }
            return Some(Query::Chain { end: range(call), supabase: true });
        }
        // Drizzle: `db.select(...).from(table)…`
        if names.first() == Some(&"select") && names.contains(&"from") {
            return Some(Query::Chain { end: range(call), supabase: false });
        }
        // Mongoose: `Product.find(filter).sort(…)` on a model (a capitalised
        // name, in a file that uses mongoose or its models).
        let model_like = root.chars().next().is_some_and(|c| c.is_ascii_uppercase());
        let uses_mongoose = self.text.contains("mongoose") || self.text.contains("/models");
        if names.first() == Some(&"find") && model_like && uses_mongoose && !names.contains(&"skip") {
            return Some(Query::Mongoose { end: range(call) });
        }
        None
    }
}

/// The methods of a call chain in order, each with its arguments' text kind
/// (enough to spot `"id"`).
fn chain_methods(call: &CallExpr) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = call;
    while let Callee::Expr(callee) = &current.callee {
        let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee else { break };
        let args: String = current
            .args
            .iter()
            .map(|a| match &*a.expr {
                Expr::Lit(Lit::Str(s)) => s.value.to_string_lossy().into_owned(),
                Expr::Object(o) => o
                    .props
                    .iter()
                    .filter_map(|p| match p {
                        PropOrSpread::Prop(p) => match &**p {
                            Prop::KeyValue(kv) => match &kv.key {
                                PropName::Ident(i) => Some(i.sym.to_string()),
                                _ => None,
                            },
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                Expr::Call(c) => {
                    // eq(todos.id, x)
                    c.args
                        .iter()
                        .filter_map(|a| match &*a.expr {
                            Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) => {
                                Some(p.sym.to_string())
                            }
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                }
                _ => String::new(),
            })
            .collect::<Vec<_>>()
            .join(" ");
        out.push((p.sym.to_string(), args));
        match &**obj {
            Expr::Call(inner) => current = inner,
            _ => break,
        }
    }
    out.reverse();
    out
}

fn chain_root(call: &CallExpr) -> Option<String> {
    let mut current = call;
    loop {
        let Callee::Expr(callee) = &current.callee else { return None };
        let Expr::Member(MemberExpr { obj, .. }) = &**callee else { return None };
        match &**obj {
            Expr::Call(inner) => current = inner,
            Expr::Ident(i) => return Some(i.sym.to_string()),
            _ => return None,
        }
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
