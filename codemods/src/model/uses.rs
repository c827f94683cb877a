//! Uses of a value: for a function, hook or constant a file imports (or
//! exports and uses itself), what the file does with its result at each use —
//! renders it as a list, counts it, aggregates it, searches it, makes options
//! or map markers of it, or returns it further from a function of its own
//! (which the model then follows to that function's users). The result is
//! followed through destructuring (`const { data: rows = [] } = useRows()`),
//! react-query (`useQuery({ queryFn: fetchRows })`), `useState` setters,
//! `Promise.all` tuples, `.then` callbacks and derived lists (`filter`,
//! `slice`, `sort`, `?? []`, `useMemo`).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use swc_core::common::Span;
use swc_core::ecma::ast::{
    ArrowExpr, BinaryOp, CallExpr, Callee, Decl, Expr, ExprOrSpread, JSXAttr, JSXAttrName, JSXAttrOrSpread,
    JSXAttrValue, JSXElement, JSXElementName, JSXExpr, MemberExpr, MemberProp, ModuleDecl, ModuleItem,
    NewExpr, OptChainBase, OptChainExpr, Pat, Program, Prop, PropOrSpread, ReturnStmt, Stmt, UnaryOp,
    VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::strip_ts;
use crate::parse::{range, LineIndex};

/// What a use does with the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UseKind {
    /// Mapped into JSX, or handed to a component that renders it.
    RenderedList,
    /// `.length` beyond an emptiness test.
    Counted,
    /// `reduce`, `forEach`, sums, charts.
    Aggregated,
    /// `find`, `some`, `includes`, `filter(…).length`, `new Set`, an index.
    Searched,
    /// `<option>`s, `SelectItem`s, an `options`/`items` prop.
    Options,
    /// Map markers.
    Markers,
    /// Returned from a function of the file (followed to its users).
    Returned,
    /// Anything else (passed to a function, serialised, kept).
    Unknown,
}

impl UseKind {
    pub fn label(self) -> &'static str {
        match self {
            UseKind::RenderedList => "rendered as a list",
            UseKind::Counted => "counted",
            UseKind::Aggregated => "aggregated",
            UseKind::Searched => "searched",
            UseKind::Options => "made into options",
            UseKind::Markers => "made into map markers",
            UseKind::Returned => "returned further",
            UseKind::Unknown => "used otherwise",
        }
    }

    /// Uses that need every row (a bound on the list would change them).
    pub fn needs_every_row(self) -> bool {
        matches!(
            self,
            UseKind::Counted | UseKind::Aggregated | UseKind::Searched | UseKind::Options | UseKind::Markers
        )
    }
}

/// One use of a binding's value in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseSite {
    /// The local binding whose value is used (an import or the file's own export).
    pub binding: String,
    /// `list` for `api.list()`: a method of an imported object or namespace.
    pub member: Option<String>,
    pub kind: UseKind,
    pub line: usize,
    /// For [`UseKind::Returned`]: the file's function that returns it.
    pub via: Option<String>,
    /// What the site shows, briefly (`rows.length`, `<Select options>`).
    pub detail: String,
}

/// Where a value comes from: the binding, and the method called on it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Origin {
    binding: String,
    member: Option<String>,
}

const ARRAY_METHODS: &[&str] = &[
    "map",
    "filter",
    "slice",
    "sort",
    "concat",
    "toSorted",
    "reverse",
    "flat",
    "flatMap",
    "reduce",
    "forEach",
    "find",
    "findIndex",
    "findLast",
    "some",
    "every",
    "includes",
    "indexOf",
    "lastIndexOf",
    "at",
    "join",
    "length",
    "entries",
    "keys",
    "values",
];
const DERIVING: &[&str] =
    &["map", "filter", "slice", "sort", "concat", "toSorted", "reverse", "flat", "flatMap", "toReversed"];
const SEARCHING: &[&str] = &[
    "find",
    "findIndex",
    "findLast",
    "findLastIndex",
    "some",
    "every",
    "includes",
    "indexOf",
    "lastIndexOf",
    "at",
];
const AGGREGATING: &[&str] = &["reduce", "reduceRight", "forEach"];
const QUERY_HOOKS: &[&str] = &["useQuery", "useSuspenseQuery", "useInfiniteQuery", "useSWR", "useQueries"];
const OPTION_ELEMENTS: &[&str] = &[
    "option",
    "SelectItem",
    "MenuItem",
    "CommandItem",
    "DropdownMenuItem",
    "SelectOption",
    "Option",
    "ComboboxOption",
    "RadioGroupItem",
    "TabsTrigger",
    "ToggleGroupItem",
];

/// The uses of `sources` (local names: imports, the file's own exports) in a file.
pub fn extract(program: &Program, lines: &LineIndex, sources: &HashSet<String>) -> Vec<UseSite> {
    if sources.is_empty() {
        return Vec::new();
    }
    let items: Vec<&ModuleItem> = match program {
        Program::Module(m) => m.body.iter().collect(),
        Program::Script(_) => Vec::new(),
    };
    let mut out = Vec::new();
    for item in items {
        // Most items never mention what crosses files.
        let mut mentions = Mentions { names: sources, found: false };
        item.visit_with(&mut mentions);
        if !mentions.found {
            continue;
        }
        let unit = Unit::of(item);
        let mut flow = Flow { sources, tracked: HashMap::default(), derived_inits: HashSet::default() };
        let mut setters = HashMap::default();
        // Each pass follows the value into bindings (in source order, which
        // is how code is written) and records the uses; a pass that learnt a
        // binding late (a setter called above the state it sets) is run again.
        let mut found = Vec::new();
        for _ in 0..4 {
            let before = flow.tracked.len();
            found.clear();
            let mut empty = HashSet::default();
            let mut c = Classify {
                flow: &mut flow,
                setters: &mut setters,
                lines,
                unit: &unit,
                empty: &mut empty,
                out: &mut found,
                elements: Vec::new(),
            };
            item.visit_with(&mut c);
            if flow.tracked.len() == before {
                break;
            }
        }
        out.append(&mut found);
    }
    out
}

/// Whether a node mentions any of `names`.
struct Mentions<'n> {
    names: &'n HashSet<String>,
    found: bool,
}

impl Visit for Mentions<'_> {
    crate::model::skip_types!();

    fn visit_ident(&mut self, i: &swc_core::ecma::ast::Ident) {
        self.found |= self.names.contains(&*i.sym);
    }
    // A component rendered (`<Button>`) is no value to follow.
    fn visit_jsx_element_name(&mut self, _: &JSXElementName) {}
}

/// The top-level item being read: its name, when it is a function the file
/// exports or a hook (what it returns reaches its users).
struct Unit {
    returns_to_users: Option<String>,
}

impl Unit {
    fn of(item: &ModuleItem) -> Unit {
        let (decl, exported) = match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => (Some(&e.decl), true),
            ModuleItem::Stmt(Stmt::Decl(d)) => (Some(d), false),
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) => {
                if let swc_core::ecma::ast::DefaultDecl::Fn(f) = &d.decl {
                    let name = f.ident.as_ref().map_or("default".into(), |i| i.sym.to_string());
                    return Unit { returns_to_users: Some(name) };
                }
                (None, false)
            }
            _ => (None, false),
        };
        let name = match decl {
            Some(Decl::Fn(f)) => Some(f.ident.sym.to_string()),
            Some(Decl::Var(v)) => {
                v.decls.first().and_then(|d| match (&d.name, d.init.as_deref().map(strip_ts)) {
                    (Pat::Ident(b), Some(Expr::Arrow(_) | Expr::Fn(_))) => Some(b.id.sym.to_string()),
                    _ => None,
                })
            }
            _ => None,
        };
        let hook = name.as_deref().is_some_and(is_hook_name);
        Unit { returns_to_users: name.filter(|_| exported || hook) }
    }
}

fn is_hook_name(name: &str) -> bool {
    name.len() > 3 && name.starts_with("use") && name.as_bytes()[3].is_ascii_uppercase()
}

struct Flow<'s> {
    sources: &'s HashSet<String>,
    /// Local names carrying a source's value.
    tracked: HashMap<String, Origin>,
    /// Initialisers already read as deriving a tracked value (not a use).
    derived_inits: HashSet<(u32, u32)>,
}

/// A call, plain or in an optional chain (`rows?.map(f)` reads like
/// `rows.map(f)`: what is done with a value does not depend on the `?.`).
#[derive(Clone, Copy)]
struct Call<'a> {
    callee: &'a Expr,
    args: &'a [ExprOrSpread],
    span: Span,
}

impl<'a> Call<'a> {
    fn of(e: &'a Expr) -> Option<Call<'a>> {
        match e {
            Expr::Call(c) => Call::from(c),
            Expr::OptChain(o) => match &*o.base {
                OptChainBase::Call(c) => Some(Call { callee: &c.callee, args: &c.args, span: c.span }),
                OptChainBase::Member(_) => None,
            },
            _ => None,
        }
    }

    fn from(c: &'a CallExpr) -> Option<Call<'a>> {
        match &c.callee {
            Callee::Expr(callee) => Some(Call { callee, args: &c.args, span: c.span }),
            _ => None,
        }
    }
}

/// A member access, plain or optional (`rows?.length`).
fn member_of(e: &Expr) -> Option<(&Expr, &MemberProp, Span)> {
    match e {
        Expr::Member(m) => Some((&m.obj, &m.prop, m.span)),
        Expr::OptChain(o) => match &*o.base {
            OptChainBase::Member(m) => Some((&m.obj, &m.prop, m.span)),
            OptChainBase::Call(_) => None,
        },
        _ => None,
    }
}

fn callee_ident<'a>(c: &Call<'a>) -> Option<&'a str> {
    match strip_ts(c.callee) {
        Expr::Ident(i) => Some(&i.sym),
        _ => None,
    }
}

fn member_call<'a>(c: &Call<'a>) -> Option<(&'a Expr, &'a str)> {
    let (obj, prop, _) = member_of(strip_ts(c.callee))?;
    match prop {
        MemberProp::Ident(p) => Some((obj, &p.sym)),
        _ => None,
    }
}

fn span_key(span: Span) -> (u32, u32) {
    (span.lo.0, span.hi.0)
}

impl Flow<'_> {
    /// The source a value expression carries, if any.
    fn origin(&self, e: &Expr) -> Option<Origin> {
        match strip_ts(e) {
            Expr::Ident(i) => {
                if let Some(o) = self.tracked.get(&*i.sym) {
                    return Some(o.clone());
                }
                self.sources.contains(&*i.sym).then(|| Origin { binding: i.sym.to_string(), member: None })
            }
            Expr::Await(a) => self.origin(&a.arg),
            e @ (Expr::Call(_) | Expr::OptChain(_)) if Call::of(e).is_some() => {
                let c = Call::of(e)?;
                if let Some(name) = callee_ident(&c) {
                    if self.sources.contains(name) {
                        return Some(Origin { binding: name.to_string(), member: None });
                    }
                    if QUERY_HOOKS.contains(&name) {
                        return self.query_origin(&c);
                    }
                    if name == "useMemo" || name == "useCallback" {
                        return c.args.first().and_then(|a| self.returned_origin(&a.expr));
                    }
                    return None;
                }
                let (obj, method) = member_call(&c)?;
                if let Expr::Ident(o) = strip_ts(obj) {
                    if self.sources.contains(&*o.sym)
                        && !ARRAY_METHODS.contains(&method)
                        && !self.tracked.contains_key(&*o.sym)
                    {
                        return Some(Origin { binding: o.sym.to_string(), member: Some(method.to_string()) });
                    }
                }
                if DERIVING.contains(&method) && !maps_to_jsx(&c) {
                    return self.origin(obj);
                }
                if method == "then" {
                    return None;
                }
                None
            }
            // `res.data`, `query?.data`: the rows inside the result.
            e @ (Expr::Member(_) | Expr::OptChain(_)) => match member_of(e)? {
                (obj, MemberProp::Ident(p), _) if !ARRAY_METHODS.contains(&&*p.sym) => self.origin(obj),
                _ => None,
            },
            Expr::Bin(b) if matches!(b.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr) => {
                self.origin(&b.left)
            }
            Expr::Cond(c) => self.origin(&c.cons).or_else(|| self.origin(&c.alt)),
            Expr::Array(a) => match a.elems.as_slice() {
                [Some(e)] if e.spread.is_some() => self.origin(&e.expr),
                _ => None,
            },
            _ => None,
        }
    }

    /// `useQuery({ queryFn: fetchRows })`, `useQuery({ queryFn: () => fetchRows(x) })`, `useSWR(key, fetcher)`.
    fn query_origin(&self, c: &Call) -> Option<Origin> {
        for arg in c.args {
            match strip_ts(&arg.expr) {
                Expr::Object(o) => {
                    for p in &o.props {
                        let PropOrSpread::Prop(p) = p else { continue };
                        match &**p {
                            Prop::KeyValue(kv) if matches!(&kv.key, swc_core::ecma::ast::PropName::Ident(k) if &*k.sym == "queryFn") => {
                                if let Some(o) = self.function_origin(&kv.value) {
                                    return Some(o);
                                }
                            }
                            Prop::Method(m) if matches!(&m.key, swc_core::ecma::ast::PropName::Ident(k) if &*k.sym == "queryFn") =>
                            {
                                let mut r = ReturnsOrigin { flow: self, found: None };
                                m.function.body.visit_with(&mut r);
                                if r.found.is_some() {
                                    return r.found;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                other => {
                    if let Some(o) = self.function_origin(other) {
                        return Some(o);
                    }
                }
            }
        }
        None
    }

    /// A function value whose result is a source's: the source itself
    /// (`queryFn: fetchRows`) or a function returning a call of one.
    fn function_origin(&self, e: &Expr) -> Option<Origin> {
        match strip_ts(e) {
            Expr::Ident(i) if self.sources.contains(&*i.sym) => {
                Some(Origin { binding: i.sym.to_string(), member: None })
            }
            Expr::Member(m) => match (strip_ts(&m.obj), &m.prop) {
                (Expr::Ident(o), MemberProp::Ident(p)) if self.sources.contains(&*o.sym) => {
                    Some(Origin { binding: o.sym.to_string(), member: Some(p.sym.to_string()) })
                }
                _ => None,
            },
            other => self.returned_origin(other),
        }
    }

    /// What a function expression returns, when that carries a source.
    fn returned_origin(&self, e: &Expr) -> Option<Origin> {
        match strip_ts(e) {
            Expr::Arrow(a) => match &*a.body {
                swc_core::ecma::ast::ArrowFunctionBody::Expr(body) => self.origin(body),
                swc_core::ecma::ast::ArrowFunctionBody::FunctionBody(b) => {
                    let mut r = ReturnsOrigin { flow: self, found: None };
                    b.visit_with(&mut r);
                    r.found
                }
            },
            Expr::Fn(f) => {
                let mut r = ReturnsOrigin { flow: self, found: None };
                f.function.body.visit_with(&mut r);
                r.found
            }
            _ => None,
        }
    }
}

struct ReturnsOrigin<'f, 's> {
    flow: &'f Flow<'s>,
    found: Option<Origin>,
}

impl Visit for ReturnsOrigin<'_, '_> {
    crate::model::skip_types!();

    fn visit_return_stmt(&mut self, r: &ReturnStmt) {
        if self.found.is_none() {
            self.found = r.arg.as_deref().and_then(|a| self.flow.origin(a));
        }
    }
    // A local `const { data } = await fetchRows()` inside the function.
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        d.visit_children_with(self);
    }
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_function(&mut self, _: &swc_core::ecma::ast::Function) {}
}

/// Does `x.map(cb)` turn each element into JSX?
fn maps_to_jsx(c: &Call) -> bool {
    element_of_map(c).is_some()
}

/// The JSX element a `.map` callback returns, by name.
fn element_of_map(c: &Call) -> Option<String> {
    let cb = c.args.first()?;
    let body: Vec<&Expr> = match strip_ts(&cb.expr) {
        Expr::Arrow(a) => match &*a.body {
            swc_core::ecma::ast::ArrowFunctionBody::Expr(e) => vec![&**e],
            swc_core::ecma::ast::ArrowFunctionBody::FunctionBody(b) => returned_exprs(&b.stmts),
        },
        Expr::Fn(f) => f.function.body.as_ref().map(|b| returned_exprs(&b.stmts)).unwrap_or_default(),
        _ => return None,
    };
    body.into_iter().find_map(jsx_name)
}

fn returned_exprs(stmts: &[Stmt]) -> Vec<&Expr> {
    let mut out = Vec::new();
    for s in stmts {
        match s {
            Stmt::Return(r) => out.extend(r.arg.as_deref()),
            Stmt::If(i) => {
                if let Stmt::Return(r) = &*i.cons {
                    out.extend(r.arg.as_deref());
                }
                if let Stmt::Block(b) = &*i.cons {
                    out.extend(returned_exprs(&b.stmts));
                }
            }
            _ => {}
        }
    }
    out
}

fn jsx_name(e: &Expr) -> Option<String> {
    match strip_ts(e) {
        Expr::JSXElement(el) => Some(element_name(&el.opening.name)),
        Expr::JSXFragment(f) => f.children.iter().find_map(|c| match c {
            swc_core::ecma::ast::JSXElementChild::JSXElement(el) => Some(element_name(&el.opening.name)),
            _ => None,
        }),
        Expr::Cond(c) => jsx_name(&c.cons).or_else(|| jsx_name(&c.alt)),
        Expr::Bin(b) if b.op == BinaryOp::LogicalAnd => jsx_name(&b.right),
        _ => None,
    }
}

fn element_name(n: &JSXElementName) -> String {
    match n {
        JSXElementName::Ident(i) => i.sym.to_string(),
        JSXElementName::JSXMemberExpr(m) => format!("{}.{}", member_root(&m.obj), m.prop.sym),
        JSXElementName::JSXNamespacedName(n) => n.name.sym.to_string(),
    }
}

fn member_root(o: &swc_core::ecma::ast::JSXObject) -> String {
    match o {
        swc_core::ecma::ast::JSXObject::Ident(i) => i.sym.to_string(),
        swc_core::ecma::ast::JSXObject::JSXMemberExpr(m) => format!("{}.{}", member_root(&m.obj), m.prop.sym),
    }
}

/// What rendering a list as element `name` means.
fn kind_of_element(name: &str) -> UseKind {
    let last = name.rsplit('.').next().unwrap_or(name);
    if OPTION_ELEMENTS.contains(&last)
        || name.ends_with(".Option")
        || name.ends_with(".Item") && name.starts_with("Select")
    {
        UseKind::Options
    } else if last.contains("Marker") || last == "Pin" {
        UseKind::Markers
    } else {
        UseKind::RenderedList
    }
}

fn bind(flow: &mut Flow, pat: &Pat, origin: &Origin) {
    match pat {
        Pat::Ident(b) => {
            flow.tracked.entry(b.id.sym.to_string()).or_insert_with(|| origin.clone());
        }
        Pat::Object(o) => {
            for p in &o.props {
                match p {
                    swc_core::ecma::ast::ObjectPatProp::KeyValue(kv) => {
                        // Status fields of a query result carry no rows.
                        if !is_status_key(&kv.key) {
                            bind(flow, &kv.value, origin);
                        }
                    }
                    swc_core::ecma::ast::ObjectPatProp::Assign(a) => {
                        if !STATUS_FIELDS.contains(&&*a.key.sym) {
                            flow.tracked.entry(a.key.sym.to_string()).or_insert_with(|| origin.clone());
                        }
                    }
                    swc_core::ecma::ast::ObjectPatProp::Rest(_) => {}
                }
            }
        }
        Pat::Assign(a) => bind(flow, &a.left, origin),
        _ => {}
    }
}

const STATUS_FIELDS: &[&str] = &[
    "isLoading",
    "loading",
    "isFetching",
    "isError",
    "error",
    "isPending",
    "isSuccess",
    "refetch",
    "status",
    "fetchStatus",
    "mutate",
    "mutateAsync",
    "isRefetching",
    "fetchNextPage",
    "hasNextPage",
    "count",
];

fn is_status_key(key: &swc_core::ecma::ast::PropName) -> bool {
    matches!(key, swc_core::ecma::ast::PropName::Ident(k) if STATUS_FIELDS.contains(&&*k.sym))
}

impl Flow<'_> {
    /// A declaration that takes a tracked value: `const { data: rows } =
    /// useRows()`, a `Promise.all` tuple, a `useState` pair (its setter noted).
    fn declare(&mut self, d: &VarDeclarator, setters: &mut HashMap<String, String>) {
        let Some(init) = d.init.as_deref() else { return };
        // `const [rows, setRows] = useState(…)`
        if let (Pat::Array(a), Some(c)) = (&d.name, Call::of(strip_ts(init))) {
            if callee_ident(&c) == Some("useState") {
                if let [Some(Pat::Ident(state)), Some(Pat::Ident(setter)), ..] = a.elems.as_slice() {
                    setters.insert(setter.id.sym.to_string(), state.id.sym.to_string());
                }
            }
        }
        // `const [a, b] = await Promise.all([x(), y()])`
        if let (Pat::Array(a), Some(all)) = (&d.name, promise_all(init)) {
            for (pat, elem) in a.elems.iter().zip(all) {
                if let (Some(pat), Some(origin)) = (pat, elem.and_then(|e| self.origin(e))) {
                    bind(self, pat, &origin);
                }
            }
        } else if let Some(origin) = self.origin(init) {
            bind(self, &d.name, &origin);
            if let Some(c) = Call::of(strip_ts(init)) {
                self.derived_inits.insert(span_key(c.span));
            }
        }
    }

    /// A call that hands a tracked value on: `setRows(value)`, `.then((rows) => …)`.
    fn hand_on(&mut self, c: &CallExpr, setters: &HashMap<String, String>) {
        if let Some(state) = Call::from(c).as_ref().and_then(callee_ident).and_then(|n| setters.get(n)) {
            if let Some(origin) = c.args.first().and_then(|a| self.origin(&a.expr)) {
                self.tracked.entry(state.clone()).or_insert(origin);
            }
        }
        // `source().then((rows) => …)`, `.then(({ data }) => …)`
        if let Some((obj, "then")) = Call::from(c).as_ref().and_then(member_call) {
            if let Some(origin) = self.origin(obj) {
                if let Some(Expr::Arrow(a)) = c.args.first().map(|a| strip_ts(&a.expr)) {
                    if let Some(p) = a.params.first() {
                        bind(self, p, &origin);
                    }
                }
            }
        }
    }
}

/// The elements of `Promise.all([…])`, through `await`.
fn promise_all(e: &Expr) -> Option<Vec<Option<&Expr>>> {
    let e = match strip_ts(e) {
        Expr::Await(a) => strip_ts(&a.arg),
        other => other,
    };
    let c = Call::of(e)?;
    let (obj, method) = member_call(&c)?;
    if !matches!(strip_ts(obj), Expr::Ident(i) if &*i.sym == "Promise")
        || !matches!(method, "all" | "allSettled")
    {
        return None;
    }
    let Expr::Array(a) = strip_ts(&c.args.first()?.expr) else { return None };
    Some(a.elems.iter().map(|e| e.as_ref().map(|e| &*e.expr)).collect())
}

/// `.length` reads that only test for emptiness: `x.length === 0`,
/// `!x.length`, `x.length > 0`, `if (x.length)`, `x.length ? … : …`. The
/// test is visited before the `.length` in it, which it marks.
fn length_of(e: &Expr) -> Option<Span> {
    match member_of(strip_ts(e))? {
        (_, MemberProp::Ident(p), span) if &*p.sym == "length" => Some(span),
        _ => None,
    }
}

fn is_zero_or_one(e: &Expr) -> bool {
    matches!(strip_ts(e), Expr::Lit(swc_core::ecma::ast::Lit::Num(n)) if n.value == 0.0 || n.value == 1.0)
}

/// Records what each use of a tracked value does.
struct Classify<'a, 's> {
    flow: &'a mut Flow<'s>,
    setters: &'a mut HashMap<String, String>,
    lines: &'a LineIndex,
    unit: &'a Unit,
    /// `.length` reads in emptiness tests.
    empty: &'a mut HashSet<(u32, u32)>,
    out: &'a mut Vec<UseSite>,
    /// The JSX elements being visited (innermost last).
    elements: Vec<String>,
}

impl Classify<'_, '_> {
    fn emptiness(&mut self, e: &Expr) {
        if let Some(span) = length_of(e) {
            self.empty.insert(span_key(span));
        }
    }

    fn record(&mut self, origin: Origin, kind: UseKind, at: usize, detail: String) {
        let via = if kind == UseKind::Returned { self.unit.returns_to_users.clone() } else { None };
        let line = self.lines.line(at);
        self.out.push(UseSite { binding: origin.binding, member: origin.member, kind, line, via, detail });
    }
}

impl Classify<'_, '_> {
    fn call(&mut self, c: Call) {
        let at = crate::parse::lo(c.span);
        if let Some((obj, method)) = member_call(&c) {
            if let Some(origin) = self.flow.origin(obj) {
                let kind = if method == "map" {
                    element_of_map(&c).map(|name| kind_of_element(&name))
                } else if SEARCHING.contains(&method) {
                    Some(UseKind::Searched)
                } else if AGGREGATING.contains(&method) {
                    Some(UseKind::Aggregated)
                } else if DERIVING.contains(&method) || method == "then" {
                    None
                } else if ARRAY_METHODS.contains(&method) {
                    Some(UseKind::Unknown)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    self.record(origin, kind, at, format!(".{method}(…)"));
                }
            }
        }
        // `f(rows)`: handed to another function.
        let name = callee_ident(&c);
        let skip = name.is_some_and(|n| {
            n.starts_with("set") || QUERY_HOOKS.contains(&n) || n == "useMemo" || n == "useCallback"
        });
        if !skip && !self.flow.derived_inits.contains(&span_key(c.span)) {
            for arg in c.args {
                if arg.spread.is_some() {
                    continue;
                }
                if let Some(origin) = self.flow.origin(&arg.expr) {
                    if matches!(strip_ts(&arg.expr), Expr::Call(_)) && callee_of(&arg.expr).is_some() {
                        // A source called in place (`f(source())`): its own use.
                    }
                    let kind = UseKind::Unknown;
                    let what = name.or_else(|| member_call(&c).map(|(_, m)| m)).unwrap_or_default();
                    self.record(origin, kind, range(&*arg.expr).start, format!("passed to {what}(…)"));
                }
            }
        }
    }

    fn member(&mut self, obj: &Expr, prop: &MemberProp, span: Span) {
        let at = crate::parse::lo(span);
        match prop {
            MemberProp::Ident(p) if &*p.sym == "length" && !self.empty.contains(&span_key(span)) => {
                // `x.filter(…).length` searches; `x.length` counts.
                let searched = Call::of(strip_ts(obj))
                    .as_ref()
                    .and_then(member_call)
                    .is_some_and(|(_, n)| n == "filter");
                if let Some(origin) = self.flow.origin(obj) {
                    let kind = if searched { UseKind::Searched } else { UseKind::Counted };
                    self.record(origin, kind, at, ".length".into());
                }
            }
            MemberProp::Computed(_) => {
                if let Some(origin) = self.flow.origin(obj) {
                    if matches!(strip_ts(obj), Expr::Ident(_)) {
                        self.record(origin, UseKind::Searched, at, "[index]".into());
                    }
                }
            }
            _ => {}
        }
    }
}

impl Visit for Classify<'_, '_> {
    crate::model::skip_types!();

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        self.flow.declare(d, self.setters);
        d.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        self.flow.hand_on(c, self.setters);
        if let Some(c) = Call::from(c) {
            self.call(c);
        }
        c.visit_children_with(self);
    }

    fn visit_member_expr(&mut self, m: &MemberExpr) {
        self.member(&m.obj, &m.prop, m.span);
        m.visit_children_with(self);
    }

    fn visit_opt_chain_expr(&mut self, o: &OptChainExpr) {
        match &*o.base {
            OptChainBase::Call(c) => self.call(Call { callee: &c.callee, args: &c.args, span: c.span }),
            OptChainBase::Member(m) => self.member(&m.obj, &m.prop, m.span),
        }
        o.visit_children_with(self);
    }

    fn visit_bin_expr(&mut self, b: &swc_core::ecma::ast::BinExpr) {
        use BinaryOp::*;
        match b.op {
            EqEq | EqEqEq | NotEq | NotEqEq | Gt | GtEq | Lt | LtEq => {
                if is_zero_or_one(&b.right) {
                    self.emptiness(&b.left);
                }
                if is_zero_or_one(&b.left) {
                    self.emptiness(&b.right);
                }
            }
            LogicalAnd | LogicalOr => self.emptiness(&b.left),
            _ => {}
        }
        b.visit_children_with(self);
    }

    fn visit_unary_expr(&mut self, u: &swc_core::ecma::ast::UnaryExpr) {
        if u.op == UnaryOp::Bang {
            self.emptiness(&u.arg);
        }
        u.visit_children_with(self);
    }

    fn visit_if_stmt(&mut self, i: &swc_core::ecma::ast::IfStmt) {
        self.emptiness(&i.test);
        i.visit_children_with(self);
    }

    fn visit_cond_expr(&mut self, c: &swc_core::ecma::ast::CondExpr) {
        self.emptiness(&c.test);
        c.visit_children_with(self);
    }

    fn visit_new_expr(&mut self, n: &NewExpr) {
        let is_lookup = matches!(&*n.callee, Expr::Ident(i) if matches!(&*i.sym, "Set" | "Map"));
        if is_lookup {
            if let Some(origin) = n.args.iter().flatten().next().and_then(|a| self.flow.origin(&a.expr)) {
                self.record(origin, UseKind::Searched, range(n).start, "new Set/Map(…)".into());
            }
        }
        n.visit_children_with(self);
    }

    fn visit_jsx_element(&mut self, el: &JSXElement) {
        self.elements.push(element_name(&el.opening.name));
        el.visit_children_with(self);
        self.elements.pop();
    }

    fn visit_jsx_attr(&mut self, attr: &JSXAttr) {
        if let Some(JSXAttrValue::JSXExprContainer(c)) = &attr.value {
            if let JSXExpr::Expr(e) = &c.expr {
                if let Some(origin) = self.flow.origin(e) {
                    let prop = match &attr.name {
                        JSXAttrName::Ident(i) => i.sym.to_string(),
                        JSXAttrName::JSXNamespacedName(n) => n.name.sym.to_string(),
                    };
                    let element = self.elements.last().cloned().unwrap_or_default();
                    let lower = format!("{element} {prop}").to_ascii_lowercase();
                    let kind = if prop.starts_with("on")
                        || matches!(prop.as_str(), "key" | "className" | "style")
                    {
                        None
                    } else if ["options", "items", "suggestions", "choices"].contains(&prop.as_str())
                        || ["select", "combobox", "autocomplete", "dropdown", "picker"]
                            .iter()
                            .any(|w| lower.contains(w))
                    {
                        Some(UseKind::Options)
                    } else if lower.contains("marker") || lower.contains("map ") || element.ends_with("Map") {
                        Some(UseKind::Markers)
                    } else if ["chart", "graph", "stat", "summary", "kpi", "metric", "count", "total"]
                        .iter()
                        .any(|w| lower.contains(w))
                    {
                        Some(UseKind::Aggregated)
                    } else {
                        Some(UseKind::RenderedList)
                    };
                    if let Some(kind) = kind {
                        self.record(origin, kind, range(attr).start, format!("<{element} {prop}>"));
                    }
                }
            }
        }
        attr.visit_children_with(self);
    }

    fn visit_return_stmt(&mut self, r: &ReturnStmt) {
        if let Some(arg) = &r.arg {
            self.returned(arg);
        }
        r.visit_children_with(self);
    }

    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        a.visit_children_with(self);
    }

    fn visit_jsx_attr_or_spread(&mut self, a: &JSXAttrOrSpread) {
        a.visit_children_with(self);
    }
}

fn callee_of(e: &Expr) -> Option<&str> {
    Call::of(strip_ts(e)).as_ref().and_then(callee_ident)
}

impl Classify<'_, '_> {
    /// A value returned: from a function the file exports (or a hook), its
    /// users decide; a returned object's fields count too.
    fn returned(&mut self, e: &Expr) {
        if self.unit.returns_to_users.is_none() {
            return;
        }
        let at = range(e).start;
        if let Some(origin) = self.flow.origin(e) {
            self.record(origin, UseKind::Returned, at, "returned".into());
            return;
        }
        if let Expr::Object(o) = strip_ts(e) {
            for p in &o.props {
                let PropOrSpread::Prop(p) = p else { continue };
                let value: Option<Expr> = match &**p {
                    Prop::Shorthand(i) => Some(Expr::Ident(i.clone())),
                    Prop::KeyValue(kv) => Some((*kv.value).clone()),
                    _ => None,
                };
                if let Some(origin) = value.as_ref().and_then(|v| self.flow.origin(v)) {
                    self.record(origin, UseKind::Returned, at, "returned in an object".into());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn uses(text: &str, sources: &[&str]) -> Vec<(String, UseKind, usize)> {
        let parsed = parse(text, Lang::Tsx).expect("parses");
        let sources: HashSet<String> = sources.iter().map(|s| s.to_string()).collect();
        let mut found: Vec<(String, UseKind, usize)> =
            extract(&parsed.program, &LineIndex::new(text), &sources)
                .into_iter()
                .map(|u| (u.binding, u.kind, u.line))
                .collect();
        found.sort();
        found
    }

    #[test]
    fn through_destructuring_react_query_setters_and_derived_lists() {
        let found = uses(
            "import { useRows, fetchTags } from '@/hooks';\nexport default function Page() {\n  const { data: rows = [], isLoading } = useRows();\n  const [tags, setTags] = useState([]);\n  useEffect(() => { fetchTags().then(({ data }) => setTags(data ?? [])); }, []);\n  const visible = rows.filter((r) => r.active);\n  if (!rows.length) return null;\n  return (\n    <div>\n      <p>{visible.length} shown</p>\n      {visible.map((r) => <Row key={r.id} row={r} />)}\n      <Select>{tags.map((t) => <SelectItem key={t} value={t}>{t}</SelectItem>)}</Select>\n    </div>\n  );\n}\n",
            &["useRows", "fetchTags"],
        );
        assert_eq!(
            found,
            [
                ("fetchTags".into(), UseKind::Options, 12),
                ("useRows".into(), UseKind::RenderedList, 11),
                ("useRows".into(), UseKind::Counted, 10),
            ]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn searches_aggregates_options_and_returns() {
        let found = uses(
            "import { getProducts, api } from './data';\nexport function useProductOptions() {\n  const { data } = useQuery({ queryKey: ['p'], queryFn: getProducts });\n  return data;\n}\nexport async function total() {\n  const [products, users] = await Promise.all([getProducts(), api.listUsers()]);\n  const byId = new Map(products.map((p) => [p.id, p]));\n  return users.reduce((s, u) => s + u.n, 0) + byId.size;\n}\nfunction Local() { const p = getProducts(); return p.find((x) => x.id); }\n",
            &["getProducts", "api"],
        );
        assert!(found.contains(&("getProducts".into(), UseKind::Returned, 4)), "{found:?}");
        assert!(found.contains(&("getProducts".into(), UseKind::Searched, 8)), "{found:?}");
        assert!(found.contains(&("api".into(), UseKind::Aggregated, 9)), "{found:?}");
        assert!(found.contains(&("getProducts".into(), UseKind::Searched, 11)), "{found:?}");
        // A local, unexported function's return is not followed.
        assert!(!found.iter().any(|(_, k, l)| *k == UseKind::Returned && *l == 11));
    }

    #[test]
    fn handed_to_components() {
        let found = uses(
            "import { useOrders } from './q';\nexport function Orders() {\n  const { data: orders } = useOrders();\n  return <><OrdersTable orders={orders} /><StatsCards data={orders} /><Combobox options={orders} /></>;\n}\n",
            &["useOrders"],
        );
        let kinds: Vec<UseKind> = found.iter().map(|(_, k, _)| *k).collect();
        assert!(
            kinds.contains(&UseKind::RenderedList)
                && kinds.contains(&UseKind::Aggregated)
                && kinds.contains(&UseKind::Options),
            "{found:?}"
        );
    }
}
