//! `paginate` in browser code reading Supabase directly (most Lovable and Bolt
//! apps): every list people page through gets a bound from one named
//! page-size constant per file. A hook or data function without parameters
//! takes an optional `page` (default 0, so callers keep working, and in the
//! react-query key); elsewhere (effects, components) the query loads the first
//! page. Lists that must stay whole are left alone and reported: rows that
//! are counted, searched, summed or made into options, one column, a small
//! catalogue table, or (in a component) rows not rendered as a list there.

use swc_core::ecma::ast::{
    BinExpr, BinaryOp, CallExpr, Callee, CondExpr, Decl, DefaultDecl, Expr, JSXAttrValue, JSXElementName,
    JSXExpr, Lit, MemberExpr, MemberProp, ModuleDecl, ModuleItem, ObjectPatProp, OptChainBase, Pat, Program,
    PropName, Stmt, UnaryExpr, UnaryOp, VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use super::server::empty_params_at;
use super::{
    by_unique_key, chain_methods, chain_root, counts_only, is_catalogue, reason, single_column, table,
};
use crate::analysis::unparen;
use crate::codemod::{FileCtx, Proposal};
use crate::edit::{line_indent, Edit};
use crate::framework::FnBody;
use crate::parse::range;

const CONSTANT: &str = "PAGE_SIZE";

pub(super) fn run(file: &FileCtx, items: &[ModuleItem]) -> Option<Proposal> {
    let clients = file.clients();
    if clients.names.is_empty() {
        return None;
    }
    let text = file.text;
    let style = file.style();
    let (size, _) = file.model.page_sizes();
    // Scripts and tests need every row (batch jobs, reports, checks).
    let lower = file.path.to_ascii_lowercase();
    let script = lower.starts_with("scripts/")
        || lower.contains("/scripts/")
        || lower.contains("test")
        || lower.contains("seed");
    let name_taken = file.bindings().declares(CONSTANT);
    let data_module = !crate::analysis::has_jsx(file.program);
    let mut edits = Vec::new();
    let mut threaded = Vec::new();
    let mut first_page = 0usize;
    for (name, body, exported) in items.iter().flat_map(functions) {
        let mut chains = ClientChains {
            clients,
            text,
            chains: Vec::new(),
            in_steps: Vec::new(),
            query_keys: Vec::new(),
            current: None,
        };
        match (body.stmts(), &body) {
            (Some(stmts), _) => stmts.iter().for_each(|s| s.visit_with(&mut chains)),
            (None, FnBody::Arrow(a)) => a.body.visit_with(&mut chains),
            (None, _) => continue,
        }
        for at in &chains.in_steps {
            file.leave_alone(*at, reason::IN_STEPS);
        }
        let mut bound = Vec::new();
        for chain in chains.chains {
            let leave = if script {
                Some(reason::SCRIPT)
            } else if name_taken {
                Some(reason::NAME_TAKEN)
            } else if chain.service_role {
                Some(reason::SERVICE_ROLE)
            } else if chain.catalogue {
                Some(reason::CATALOGUE)
            } else if chain.single_column {
                Some(reason::SINGLE_COLUMN)
            } else {
                let uses =
                    chain.result.as_deref().map(|r| Uses::of(file.program, r, &body)).unwrap_or_default();
                if uses.whole {
                    Some(reason::LOOKUP)
                } else if !data_module && !uses.rendered {
                    Some(reason::NOT_RENDERED)
                } else {
                    None
                }
            };
            match leave {
                Some(why) => file.leave_alone(chain.range.start, why),
                None => bound.push(chain.range),
            }
        }
        if bound.is_empty() {
            continue;
        }
        let hook = name.len() > 3
            && name.starts_with("use")
            && name[3..].starts_with(|c: char| c.is_ascii_uppercase());
        let data_function = exported && data_module;
        // A hook pages only through react-query (the page in its key
        // refetches); a hook with its own effect would need `page` in the
        // effect's dependencies, so it loads the first page instead.
        let keyed = if hook { chains.query_keys.len() == 1 } else { chains.query_keys.len() <= 1 };
        let page_param = page_param(text, &body);
        let thread =
            (hook || data_function) && keyed && !body.names().declares("page") && page_param.is_some();
        let range_call = if thread {
            format!(".range(page * {CONSTANT}, (page + 1) * {CONSTANT} - 1)")
        } else {
            format!(".range(0, {CONSTANT} - 1)")
        };
        for end in &bound {
            if text[end.clone()].contains('\n') {
                let indent = line_indent(text, crate::edit::line_start(text, end.end)).to_string();
                edits.push(Edit::insert(end.end, format!("{}{indent}{range_call}", style.eol)));
            } else {
                edits.push(Edit::insert(end.end, range_call.clone()));
            }
        }
        if thread {
            edits.extend(page_param);
            if let Some(key_end) = chains.query_keys.first() {
                edits.push(Edit::insert(*key_end, ", page"));
            }
            threaded.push(format!("`{name}(page)`"));
        } else {
            first_page += bound.len();
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
            "{eol}{eol}// Rows per page: lists load one page at a time.{eol}const {CONSTANT} = {size}{}",
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
            "Supabase lists here had no bound: with ten thousand rows the page would load them all. {}; add paging controls where these lists are shown ({CONSTANT} = {size})",
            parts.join("; ")
        ),
    })
}

/// An optional `page = 0` parameter: inside empty parentheses, or after the
/// last parameter (not after a rest parameter).
fn page_param(text: &str, body: &FnBody) -> Option<Edit> {
    let params = body.params();
    let Some(last) = params.last() else {
        return empty_params_at(text, body).map(|at| Edit::insert(at, "page = 0"));
    };
    // A binding's span leaves out its type annotation.
    let type_ann = match last {
        Pat::Rest(_) => return None,
        Pat::Ident(b) => b.type_ann.as_deref(),
        Pat::Object(o) => o.type_ann.as_deref(),
        Pat::Array(a) => a.type_ann.as_deref(),
        _ => None,
    };
    let end = type_ann.map_or(range(*last).end, |t| range(t).end.max(range(*last).end));
    Some(Edit::insert(end, ", page = 0"))
}

/// The top-level functions of a module item: (name, function, exported).
fn functions(item: &ModuleItem) -> Vec<(String, FnBody<'_>, bool)> {
    fn arrows(v: &swc_core::ecma::ast::VarDecl, exported: bool) -> Vec<(String, FnBody<'_>, bool)> {
        v.decls
            .iter()
            .filter_map(|d| match (&d.name, d.init.as_deref()) {
                (Pat::Ident(b), Some(Expr::Arrow(a))) => {
                    Some((b.id.sym.to_string(), FnBody::Arrow(a), exported))
                }
                _ => None,
            })
            .collect()
    }
    match item {
        ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => match &e.decl {
            Decl::Fn(f) => vec![(f.ident.sym.to_string(), FnBody::Function(&f.function), true)],
            Decl::Var(v) => arrows(v, true),
            _ => Vec::new(),
        },
        ModuleItem::Stmt(Stmt::Decl(Decl::Fn(f))) => {
            vec![(f.ident.sym.to_string(), FnBody::Function(&f.function), false)]
        }
        ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => arrows(v, false),
        ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) => match &d.decl {
            DefaultDecl::Fn(f) => {
                let name = f.ident.as_ref().map_or("default".to_string(), |i| i.sym.to_string());
                vec![(name, FnBody::Function(&f.function), true)]
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// One unbounded Supabase list chain.
struct Chain {
    range: std::ops::Range<usize>,
    /// The name its rows land in (`data`, `tribes`).
    result: Option<String>,
    catalogue: bool,
    single_column: bool,
    /// Through `supabaseAdmin` / a service client: a job, not a page.
    service_role: bool,
}

/// Unbounded Supabase list chains in browser code, and the ends of the
/// react-query keys (`queryKey: [...]`) next to them.
struct ClientChains<'c> {
    clients: &'c crate::supabase::Clients,
    text: &'c str,
    chains: Vec<Chain>,
    /// Where list chains are kept in a variable (`let query = …`).
    in_steps: Vec<usize>,
    query_keys: Vec<usize>,
    /// The name rows are destructured into around the chain being visited.
    current: Option<String>,
}

impl ClientChains<'_> {
    /// A Supabase `from(…).select(…)` chain with no bound, single-row read,
    /// count or unique key.
    fn list(&self, call: &CallExpr) -> Option<Vec<super::Method>> {
        let methods = chain_methods(call);
        let names: Vec<&str> = methods.iter().map(|m| m.name.as_str()).collect();
        let is_client = chain_root(call).is_some_and(|r| self.clients.names.contains(&r));
        let from = names.iter().position(|m| *m == "from")?;
        let list = is_client
            && names.get(from + 1) == Some(&"select")
            && !names
                .iter()
                .any(|m| ["limit", "range", "single", "maybeSingle", "then", "csv", "returns"].contains(m))
            && !counts_only(&methods)
            && !by_unique_key(&methods);
        list.then_some(methods)
    }

    fn is_client_chain(&self, call: &CallExpr) -> bool {
        chain_root(call).is_some_and(|r| self.clients.names.contains(&r))
            && chain_methods(call).iter().any(|m| m.name == "from")
    }
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
        if let Some(methods) = self.list(call) {
            self.chains.push(Chain {
                range: range(call),
                result: self.current.clone(),
                catalogue: table(&methods).is_some_and(is_catalogue),
                single_column: single_column(&methods),
                service_role: chain_root(call).is_some_and(|r| {
                    let r = r.to_ascii_lowercase();
                    r.contains("admin") || r.contains("service")
                }),
            });
            return;
        }
        if self.is_client_chain(call) {
            // A bounded (or single-row) chain: its prefix is not a list either.
            call.args.visit_with(self);
            return;
        }
        call.visit_children_with(self);
    }

    // `let query = supabase.from(t).select()` is built in steps and may be
    // bounded later: left alone.
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        if let Some(Expr::Call(call)) = d.init.as_deref() {
            if self.list(call).is_some() {
                self.in_steps.push(range(call).start);
            }
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
fn data_name(pat: &Pat) -> Option<String> {
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

/// How a query's rows are used: the result, the names derived from it in its
/// function, the state set from them and the names derived from that state.
#[derive(Default)]
struct Uses {
    /// Counted, searched, summed or made into options: the whole set matters.
    whole: bool,
    /// Mapped into JSX or handed to a component: shown as a list.
    rendered: bool,
}

impl Uses {
    fn of(program: &Program, result: &str, function: &FnBody) -> Uses {
        let local = derived(Scope::Fn(function), vec![result.to_string()]);
        // `setTasks(rows)` → `tasks`.
        let mut setters = Setters { from: &local, states: Vec::new() };
        visit_fn(function, &mut setters);
        let mut uses = UseVisitor { names: &local, uses: Uses::default(), options: 0, allowed: Vec::new() };
        visit_fn(function, &mut uses);
        let mut result = uses.uses;
        if !setters.states.is_empty() {
            let global = derived(Scope::Program(program), setters.states);
            let mut uses =
                UseVisitor { names: &global, uses: Uses::default(), options: 0, allowed: Vec::new() };
            program.visit_with(&mut uses);
            result.whole |= uses.uses.whole;
            result.rendered |= uses.uses.rendered;
        }
        result
    }
}

fn visit_fn<V: Visit>(function: &FnBody, v: &mut V) {
    match function {
        FnBody::Arrow(a) => a.visit_with(v),
        FnBody::Function(f) => f.visit_with(v),
    }
}

/// Where names are derived: the query's function, or the whole file.
#[derive(Clone, Copy)]
enum Scope<'a, 'f> {
    Fn(&'a FnBody<'f>),
    Program(&'a Program),
}

/// `names` and every variable declared from an expression that mentions
/// one of them (`const list = (rows ?? []).filter(…)`), to a fixed point.
fn derived(scope: Scope, mut names: Vec<String>) -> Vec<String> {
    loop {
        let mut d = Declared { names, added: false };
        match scope {
            Scope::Fn(f) => visit_fn(f, &mut d),
            Scope::Program(p) => p.visit_with(&mut d),
        }
        names = d.names;
        if !d.added {
            return names;
        }
    }
}

struct Declared {
    names: Vec<String>,
    added: bool,
}

impl Visit for Declared {
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        // A function that mentions the rows is not the rows.
        let function = |e: &Expr| matches!(unparen(e), Expr::Arrow(_) | Expr::Fn(_));
        if let (Pat::Ident(b), Some(init)) = (&d.name, d.init.as_deref().filter(|e| !function(e))) {
            let name = b.id.sym.to_string();
            if !self.names.contains(&name) && mentions(init, &self.names) {
                self.names.push(name);
                self.added = true;
            }
        }
        d.visit_children_with(self);
    }
}

fn mentions<N: for<'a> VisitWith<Mentions<'a>>>(node: &N, names: &[String]) -> bool {
    let mut m = Mentions { names, found: false };
    node.visit_with(&mut m);
    m.found
}

struct Mentions<'n> {
    names: &'n [String],
    found: bool,
}

impl Visit for Mentions<'_> {
    fn visit_ident(&mut self, i: &swc_core::ecma::ast::Ident) {
        self.found |= self.names.iter().any(|n| *n == *i.sym);
    }
    // `{ rows: x }`: a key is not a use.
    fn visit_member_prop(&mut self, _: &MemberProp) {}
}

struct Setters<'n> {
    from: &'n [String],
    states: Vec<String>,
}

impl Visit for Setters<'_> {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Callee::Expr(e) = &c.callee {
            if let Expr::Ident(i) = &**e {
                let name = &*i.sym;
                if name.len() > 3
                    && name.starts_with("set")
                    && c.args.iter().any(|a| mentions(&*a.expr, self.from))
                {
                    let mut chars = name[3..].chars();
                    if let Some(first) = chars.next() {
                        self.states.push(first.to_ascii_lowercase().to_string() + chars.as_str());
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
}

/// `.length` (other than an emptiness test), `.find(…)`, `.includes(…)`,
/// `.reduce(…)`, `.forEach(…)`, `new Set(x)`, a map into `<option>`s: the
/// whole set matters. A map into other JSX, or a JSX attribute: rendered.
struct UseVisitor<'n> {
    names: &'n [String],
    uses: Uses,
    options: usize,
    /// `.length` members that only test for emptiness.
    allowed: Vec<std::ops::Range<usize>>,
}

impl UseVisitor<'_> {
    fn is_name(&self, e: &Expr) -> bool {
        matches!(unparen(e), Expr::Ident(i) if self.names.iter().any(|n| *n == *i.sym))
    }

    /// `rows.length` / `rows?.length`.
    fn length_of_name<'e>(&self, e: &'e Expr) -> Option<&'e MemberExpr> {
        let member = match unparen(e) {
            Expr::Member(m) => m,
            Expr::OptChain(o) => match &*o.base {
                OptChainBase::Member(m) => m,
                _ => return None,
            },
            _ => return None,
        };
        (self.is_name(&member.obj) && matches!(&member.prop, MemberProp::Ident(p) if &*p.sym == "length"))
            .then_some(member)
    }

    fn allow_length(&mut self, e: &Expr) {
        if let Some(m) = self.length_of_name(e) {
            self.allowed.push(range(m));
        }
    }
}

impl Visit for UseVisitor<'_> {
    fn visit_bin_expr(&mut self, b: &BinExpr) {
        use BinaryOp::*;
        let zero = |e: &Expr| matches!(unparen(e), Expr::Lit(Lit::Num(n)) if n.value == 0.0);
        if matches!(b.op, EqEq | EqEqEq | NotEq | NotEqEq | Gt | GtEq | Lt | LtEq) {
            if zero(&b.right) {
                self.allow_length(&b.left);
            } else if zero(&b.left) {
                self.allow_length(&b.right);
            }
        }
        if matches!(b.op, LogicalAnd | LogicalOr) {
            self.allow_length(&b.left);
        }
        b.visit_children_with(self);
    }

    fn visit_unary_expr(&mut self, u: &UnaryExpr) {
        if u.op == UnaryOp::Bang {
            self.allow_length(&u.arg);
        }
        u.visit_children_with(self);
    }

    fn visit_cond_expr(&mut self, c: &CondExpr) {
        self.allow_length(&c.test);
        c.visit_children_with(self);
    }

    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if self.is_name(&m.obj) {
            if let MemberProp::Ident(p) = &m.prop {
                let whole =
                    ["find", "findIndex", "includes", "some", "every", "reduce", "indexOf", "forEach"];
                if whole.contains(&&*p.sym) || (&*p.sym == "length" && !self.allowed.contains(&range(m))) {
                    self.uses.whole = true;
                }
            }
        }
        // `list.filter(…).length`: a count.
        if matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "length") {
            if let Expr::Call(c) = unparen(&m.obj) {
                if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Member(inner)
                    if self.is_name(&inner.obj) && matches!(&inner.prop, MemberProp::Ident(p) if &*p.sym == "filter")))
                {
                    self.uses.whole = true;
                }
            }
        }
        m.visit_children_with(self);
    }

    fn visit_new_expr(&mut self, n: &swc_core::ecma::ast::NewExpr) {
        if matches!(&*n.callee, Expr::Ident(i) if matches!(&*i.sym, "Set" | "Map"))
            && n.args.iter().flatten().any(|a| mentions(&*a.expr, self.names))
        {
            self.uses.whole = true;
        }
        n.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        // `list.map((x) => <… />)`
        let mapped = matches!(&c.callee, Callee::Expr(e) if matches!(unparen(e), Expr::Member(m)
            if self.is_name(&m.obj) && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "map")));
        self.options += usize::from(mapped);
        c.visit_children_with(self);
        self.options -= usize::from(mapped);
    }

    fn visit_jsx_opening_element(&mut self, el: &swc_core::ecma::ast::JSXOpeningElement) {
        if self.options > 0 {
            let option = matches!(&el.name, JSXElementName::Ident(i)
                if matches!(&*i.sym, "option" | "SelectItem" | "MenuItem" | "CommandItem" | "DropdownMenuItem"));
            if option {
                self.uses.whole = true;
            } else {
                self.uses.rendered = true;
            }
        }
        el.visit_children_with(self);
    }

    // `<PostList posts={posts} />`: handed to a component that shows it.
    fn visit_jsx_attr_value(&mut self, v: &JSXAttrValue) {
        if let JSXAttrValue::JSXExprContainer(c) = v {
            if let JSXExpr::Expr(e) = &c.expr {
                let shown = match unparen(e) {
                    Expr::Bin(b) if matches!(b.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr) => {
                        self.is_name(&b.left)
                    }
                    other => self.is_name(other),
                };
                self.uses.rendered |= shown;
            }
        }
        v.visit_children_with(self);
    }
}
