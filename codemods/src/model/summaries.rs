//! Function summaries: for every function of the project, what it awaits and
//! whether a failure gets out — does it catch everything it awaits, can it
//! reject, does it return an error value instead, does it only await
//! Supabase calls (which answer `{ data, error }` and never reject) or hook
//! results. Each file's functions are read from its own tree; what an await
//! of another function means is settled across files afterwards.

use rustc_hash::FxHashSet as HashSet;

use swc_core::ecma::ast::{
    ArrowExpr, ArrowFunctionBody, CallExpr, Callee, Class, Decl, Expr, MemberProp, ObjectLit, Pat, Program,
    Prop, PropName, PropOrSpread, ReturnStmt, Stmt, ThrowStmt, TryStmt, VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::strip_ts;
use crate::parse::LineIndex;

/// What an `await` (or a returned promise) waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Awaited {
    /// `fetch(…)`: rejects on network failure.
    Fetch,
    /// `res.json()`, `.text()`, `.blob()`: reject on a body that is not what it says.
    BodyRead,
    /// A call chain on a name (`supabase.from("t").select()`): a Supabase
    /// query when the root is a client (decided with the model), which never
    /// rejects unless it asks to (`throwOnError`).
    Chain { root: String, first: String, throws: bool },
    /// A timer (`new Promise(r => setTimeout(r, ms))`).
    Timer,
    /// A value a hook returned (`const { mutateAsync } = useX()`).
    Hook,
    /// A promise given its own handler (`x().catch(() => {})`).
    Caught,
    /// A `data:`/`blob:` URL fetched, or its body read: never fails.
    Local,
    /// A call of a name: a function of this file, an import, or a global.
    Call(String),
    /// `object.method(…)` on a name (an imported API object, a package).
    Method { object: String, method: String },
    /// Anything else (a promise held in a variable, a prop callback).
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwaitSite {
    pub what: Awaited,
    /// Inside a `try` that has a `catch` (a throw from the catch is counted
    /// separately).
    pub caught: bool,
    pub line: usize,
}

/// One function as its own body shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Function {
    /// Its binding (`load`, `handleSave`), `object.method` for a method of an
    /// object literal, or `default`.
    pub name: String,
    pub line: usize,
    pub end_line: usize,
    pub is_async: bool,
    /// Declared at the top level of the file (callable from other files).
    pub top_level: bool,
    pub awaits: Vec<AwaitSite>,
    /// A `throw` outside any try (a rethrow in a catch counts).
    pub throws: bool,
    /// Some `try` with a `catch` in the body.
    pub has_try: bool,
    /// A catch that logs the failure and throws it on: its callers' own
    /// catches would log it a second time.
    pub logs_and_rethrows: bool,
    /// Returns `{ error }`, `{ success: false }`, `null` or `false` from a catch
    /// or an error branch: failure is a value, not a rejection.
    pub returns_error_value: bool,
    /// Parameters: (name, type annotation as written).
    pub params: Vec<(String, Option<String>)>,
    /// What the project model concludes, once every file is read.
    pub summary: Summary,
}

/// What the project model concludes about a function.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// A body whose awaits all sit in a try with a catch, and that throws
    /// nothing out: awaiting it never rejects.
    pub catches_all: bool,
    /// Some await outside a try can be shown to reject, or it throws.
    pub can_reject: bool,
    pub returns_error_value: bool,
    /// Every await is a Supabase call or a hook result (and there is one).
    pub only_supabase_or_hooks: bool,
}

const BODY_READS: &[&str] = &["json", "text", "blob", "arrayBuffer", "formData"];
const TIMERS: &[&str] = &["sleep", "delay", "wait", "setTimeout"];

/// Names bound to what a hook returned, anywhere in the program.
pub fn hook_names(program: &Program) -> HashSet<String> {
    struct Hooks(HashSet<String>);
    impl Visit for Hooks {
        crate::model::skip_types!();
        fn visit_var_declarator(&mut self, d: &VarDeclarator) {
            hook_bound(d, &mut self.0);
            d.visit_children_with(self);
        }
    }
    let mut h = Hooks(HashSet::default());
    program.visit_with(&mut h);
    h.0
}

/// The names of a file an await's meaning depends on.
#[derive(Default)]
pub struct FileNames {
    /// Bound to what a hook returned ([`hook_names`]).
    pub hooks: HashSet<String>,
    /// Only ever holding `data:`/`blob:` URLs ([`crate::local_urls::names`]).
    pub local_urls: HashSet<String>,
}

impl FileNames {
    pub fn of(program: &Program, local_urls: HashSet<String>) -> FileNames {
        FileNames { hooks: hook_names(program), local_urls }
    }
}

/// The awaits of one body (not counting the functions nested in it), for a
/// codemod that asks the model whether any can reject. Their lines are not
/// read (a codemod's text may differ from the one the model saw).
pub fn awaits_in(stmts: &[Stmt], names: &FileNames) -> Vec<AwaitSite> {
    let mut f = Function::default();
    let lines = LineIndex::new("");
    let mut body = BodyScan::new(&lines, &names.hooks, &names.local_urls, &mut f);
    stmts.iter().for_each(|s| s.visit_with(&mut body));
    f.awaits
}

/// The functions of one file.
pub fn extract(program: &Program, lines: &LineIndex, local_urls: &HashSet<String>) -> Vec<Function> {
    let mut finder = Finder { lines, depth: 0, hooks: HashSet::default(), local_urls, out: Vec::new() };
    program.visit_with(&mut finder);
    finder.out
}

struct Finder<'l> {
    lines: &'l LineIndex,
    local_urls: &'l HashSet<String>,
    /// Function nesting depth (0: the top level of the file).
    depth: usize,
    /// Names bound to what a hook returned, anywhere in the file.
    hooks: HashSet<String>,
    out: Vec<Function>,
}

impl Finder<'_> {
    fn add(&mut self, name: String, function: Body, span: swc_core::common::Span) {
        let lo = crate::parse::lo(span);
        let hi = crate::parse::hi(span);
        let mut f = Function {
            name,
            line: self.lines.line(lo),
            end_line: self.lines.line(hi),
            is_async: function.is_async(),
            top_level: self.depth == 0,
            params: function.params(),
            ..Default::default()
        };
        let mut body = BodyScan::new(self.lines, &self.hooks, self.local_urls, &mut f);
        function.scan(&mut body);
        self.out.push(f);
    }
}

/// A function's body, whatever its form.
#[derive(Clone, Copy)]
enum Body<'a> {
    Function(&'a Function_),
    Arrow(&'a ArrowExpr),
}

type Function_ = swc_core::ecma::ast::Function;

impl Body<'_> {
    fn is_async(&self) -> bool {
        match self {
            Body::Function(f) => f.is_async,
            Body::Arrow(a) => a.is_async,
        }
    }

    fn params(&self) -> Vec<(String, Option<String>)> {
        let pats: Vec<&Pat> = match self {
            Body::Function(f) => f.params.iter().map(|p| &p.pat).collect(),
            Body::Arrow(a) => a.params.iter().collect(),
        };
        pats.into_iter()
            .map(|p| match p {
                Pat::Ident(b) => (b.id.sym.to_string(), b.type_ann.as_ref().map(|t| type_text(&t.type_ann))),
                Pat::Assign(a) => match &*a.left {
                    Pat::Ident(b) => {
                        (b.id.sym.to_string(), b.type_ann.as_ref().map(|t| type_text(&t.type_ann)))
                    }
                    _ => (String::new(), None),
                },
                Pat::Object(o) => (String::new(), o.type_ann.as_ref().map(|t| type_text(&t.type_ann))),
                _ => (String::new(), None),
            })
            .collect()
    }

    fn scan(&self, v: &mut BodyScan) {
        match self {
            Body::Function(f) => {
                if let Some(b) = &f.body {
                    b.stmts.iter().for_each(|s| s.visit_with(v));
                }
            }
            Body::Arrow(a) => match &*a.body {
                ArrowFunctionBody::FunctionBody(b) => b.stmts.iter().for_each(|s| s.visit_with(v)),
                ArrowFunctionBody::Expr(e) => {
                    // `async () => fetch(x)`: the returned promise.
                    v.returned(e);
                    e.visit_with(v);
                }
            },
        }
    }
}

/// A type annotation as a short text (`SupabaseClient<Database>` → `SupabaseClient`).
fn type_text(ty: &swc_core::ecma::ast::TsType) -> String {
    use swc_core::ecma::ast::{TsEntityName, TsKeywordTypeKind, TsType};
    match ty {
        TsType::TsTypeRef(r) => match &r.type_name {
            TsEntityName::Ident(i) => i.sym.to_string(),
            TsEntityName::TsQualifiedName(q) => q.right.sym.to_string(),
        },
        TsType::TsKeywordType(k) if k.kind == TsKeywordTypeKind::TsAnyKeyword => "any".into(),
        TsType::TsKeywordType(k) if k.kind == TsKeywordTypeKind::TsStringKeyword => "string".into(),
        TsType::TsKeywordType(k) if k.kind == TsKeywordTypeKind::TsNumberKeyword => "number".into(),
        TsType::TsKeywordType(k) if k.kind == TsKeywordTypeKind::TsBooleanKeyword => "boolean".into(),
        TsType::TsKeywordType(_) => "keyword".into(),
        TsType::TsArrayType(_) => "array".into(),
        TsType::TsTypeLit(_) => "object".into(),
        TsType::TsUnionOrIntersectionType(_) => "union".into(),
        _ => "other".into(),
    }
}

/// Names bound to a hook's result: `const x = useX()`, `const { a } = useX()`.
fn hook_bound(d: &VarDeclarator, out: &mut HashSet<String>) {
    let Some(Expr::Call(c)) = d.init.as_deref().map(strip_ts) else { return };
    let Callee::Expr(callee) = &c.callee else { return };
    let is_hook = matches!(strip_ts(callee), Expr::Ident(i) if i.sym.starts_with("use") && i.sym.len() > 3 && i.sym.as_bytes()[3].is_ascii_uppercase());
    if is_hook {
        let mut names = Vec::new();
        super::modules::pat_names(&d.name, &mut names);
        out.extend(names);
    }
}

impl Visit for Finder<'_> {
    crate::model::skip_types!();

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        hook_bound(d, &mut self.hooks);
        let name = match &d.name {
            Pat::Ident(b) => Some(b.id.sym.to_string()),
            _ => None,
        };
        match (name, d.init.as_deref().map(strip_ts)) {
            (Some(name), Some(Expr::Arrow(a))) => {
                self.add(name, Body::Arrow(a), a.span);
                self.depth += 1;
                a.visit_children_with(self);
                self.depth -= 1;
            }
            (Some(name), Some(Expr::Fn(f))) => {
                self.add(name, Body::Function(&f.function), f.function.span);
                self.depth += 1;
                f.function.visit_children_with(self);
                self.depth -= 1;
            }
            (Some(name), Some(Expr::Object(o))) => {
                self.methods(&name, o);
                d.init.visit_with(self);
            }
            _ => d.visit_children_with(self),
        }
    }

    fn visit_fn_decl(&mut self, f: &swc_core::ecma::ast::FnDecl) {
        self.add(f.ident.sym.to_string(), Body::Function(&f.function), f.function.span);
        self.depth += 1;
        f.function.visit_children_with(self);
        self.depth -= 1;
    }

    fn visit_export_default_decl(&mut self, e: &swc_core::ecma::ast::ExportDefaultDecl) {
        if let swc_core::ecma::ast::DefaultDecl::Fn(f) = &e.decl {
            let name = f.ident.as_ref().map_or("default".to_string(), |i| i.sym.to_string());
            self.add(name, Body::Function(&f.function), f.function.span);
            self.depth += 1;
            f.function.visit_children_with(self);
            self.depth -= 1;
            return;
        }
        e.visit_children_with(self);
    }

    fn visit_export_default_expr(&mut self, e: &swc_core::ecma::ast::ExportDefaultExpr) {
        match strip_ts(&e.expr) {
            Expr::Arrow(a) => {
                self.add("default".into(), Body::Arrow(a), a.span);
                self.depth += 1;
                a.visit_children_with(self);
                self.depth -= 1;
            }
            Expr::Fn(f) => {
                self.add("default".into(), Body::Function(&f.function), f.function.span);
                self.depth += 1;
                f.function.visit_children_with(self);
                self.depth -= 1;
            }
            _ => e.visit_children_with(self),
        }
    }

    fn visit_function(&mut self, f: &Function_) {
        self.depth += 1;
        f.visit_children_with(self);
        self.depth -= 1;
    }

    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        self.depth += 1;
        a.visit_children_with(self);
        self.depth -= 1;
    }
}

impl Finder<'_> {
    /// `const api = { async list() {…}, get: async () => {…} }`.
    fn methods(&mut self, object: &str, o: &ObjectLit) {
        for p in &o.props {
            let PropOrSpread::Prop(p) = p else { continue };
            match &**p {
                Prop::Method(m) => {
                    if let Some(key) = prop_name(&m.key) {
                        self.add(format!("{object}.{key}"), Body::Function(&m.function), m.function.span);
                    }
                }
                Prop::KeyValue(kv) => {
                    let Some(key) = prop_name(&kv.key) else { continue };
                    match strip_ts(&kv.value) {
                        Expr::Arrow(a) => self.add(format!("{object}.{key}"), Body::Arrow(a), a.span),
                        Expr::Fn(f) => {
                            self.add(format!("{object}.{key}"), Body::Function(&f.function), f.function.span)
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
}

fn prop_name(key: &PropName) -> Option<String> {
    match key {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => Some(s.value.to_string_lossy().into_owned()),
        _ => None,
    }
}

/// One body, not counting the functions nested in it.
struct BodyScan<'a> {
    lines: &'a LineIndex,
    hooks: &'a HashSet<String>,
    local_urls: &'a HashSet<String>,
    /// Responses of a local URL fetched in this body (`const res = await fetch(dataUrl)`).
    local_responses: HashSet<String>,
    f: &'a mut Function,
    in_try: usize,
    in_catch: usize,
    in_error_branch: usize,
}

impl<'a> BodyScan<'a> {
    fn new(
        lines: &'a LineIndex,
        hooks: &'a HashSet<String>,
        local_urls: &'a HashSet<String>,
        f: &'a mut Function,
    ) -> Self {
        BodyScan {
            lines,
            hooks,
            local_urls,
            local_responses: HashSet::default(),
            f,
            in_try: 0,
            in_catch: 0,
            in_error_branch: 0,
        }
    }

    /// What awaiting `e` is, local URLs known.
    fn awaited(&self, e: &Expr) -> Awaited {
        if self.is_local(e) {
            return Awaited::Local;
        }
        awaited(e, self.hooks)
    }

    /// `fetch(dataUrl)`, or `res.blob()` of such a fetch.
    fn is_local(&self, e: &Expr) -> bool {
        let Expr::Call(c) = strip_ts(e) else { return false };
        let Callee::Expr(callee) = &c.callee else { return false };
        match strip_ts(callee) {
            Expr::Ident(f) if &*f.sym == "fetch" => {
                c.args.first().is_some_and(|a| crate::local_urls::is_local(&a.expr, self.local_urls))
            }
            Expr::Member(m) => {
                matches!(&m.prop, MemberProp::Ident(p) if BODY_READS.contains(&&*p.sym))
                    && matches!(strip_ts(&m.obj), Expr::Ident(r) if self.local_responses.contains(&*r.sym))
            }
            _ => false,
        }
    }

    fn returned(&mut self, e: &Expr) {
        // A promise returned unawaited rejects past any try around it.
        if let e @ Expr::Call(c) = strip_ts(e) {
            let what = self.awaited(e);
            // `return NextResponse.json(…)`, `return res.redirect(…)`: an
            // answer, not a promise.
            let answer = matches!(&c.callee, Callee::Expr(callee) if matches!(strip_ts(callee), Expr::Member(m)
                if matches!(&m.prop, MemberProp::Ident(p)
                    if matches!(&*p.sym, "json" | "redirect" | "rewrite" | "next" | "send" | "text" | "error" | "end" | "sendStatus"))));
            if what != Awaited::Unknown && !answer {
                let line = self.lines.line_of(c);
                self.f.awaits.push(AwaitSite { what, caught: false, line });
            }
        }
    }
}

/// What a promise expression is.
fn awaited(e: &Expr, hooks: &HashSet<String>) -> Awaited {
    let e = strip_ts(e);
    if let Expr::New(n) = e {
        let is_promise = matches!(&*n.callee, Expr::Ident(i) if &*i.sym == "Promise");
        let timer = n.args.iter().flatten().any(|a| {
            let mut f = Mentions { names: TIMERS, found: false };
            a.expr.visit_with(&mut f);
            f.found
        });
        return if is_promise && timer { Awaited::Timer } else { Awaited::Unknown };
    }
    // A tagged template is a call of its tag (`` prisma.$queryRaw`…` ``, `` sql`…` ``).
    let callee = match e {
        Expr::Call(c) => match &c.callee {
            Callee::Expr(callee) => &**callee,
            _ => return Awaited::Unknown,
        },
        Expr::TaggedTpl(t) => &*t.tag,
        _ => return Awaited::Unknown,
    };
    match strip_ts(callee) {
        Expr::Ident(i) => {
            let name = i.sym.to_string();
            if name == "fetch" {
                Awaited::Fetch
            } else if TIMERS.contains(&name.as_str()) {
                Awaited::Timer
            } else if hooks.contains(&name) {
                Awaited::Hook
            } else {
                Awaited::Call(name)
            }
        }
        Expr::Member(m) => {
            let MemberProp::Ident(method) = &m.prop else { return Awaited::Unknown };
            if &*method.sym == "catch" && matches!(e, Expr::Call(c) if !c.args.is_empty()) {
                return Awaited::Caught;
            }
            // `res.json()` reads a body; `res.json(data)`, `NextResponse.json(data)` answer one.
            let no_args = matches!(e, Expr::Call(c) if c.args.is_empty());
            if BODY_READS.contains(&&*method.sym) && no_args {
                return Awaited::BodyRead;
            }
            // Walk down the chain to its root, remembering the first method.
            let mut methods = vec![method.sym.to_string()];
            let mut current = strip_ts(&m.obj);
            loop {
                match current {
                    Expr::Call(inner) => match &inner.callee {
                        Callee::Expr(c) => current = strip_ts(c),
                        _ => return Awaited::Unknown,
                    },
                    Expr::Member(inner) => {
                        if let MemberProp::Ident(p) = &inner.prop {
                            methods.push(p.sym.to_string());
                        }
                        current = strip_ts(&inner.obj);
                    }
                    Expr::Ident(root) => {
                        let root = root.sym.to_string();
                        if hooks.contains(&root) {
                            return Awaited::Hook;
                        }
                        methods.reverse();
                        if methods.len() == 1 {
                            if root == "fetch" {
                                return Awaited::Fetch;
                            }
                            return Awaited::Method { object: root, method: methods.remove(0) };
                        }
                        let throws = methods.iter().any(|m| m == "throwOnError");
                        return Awaited::Chain { root, first: methods.remove(0), throws };
                    }
                    _ => return Awaited::Unknown,
                }
            }
        }
        _ => Awaited::Unknown,
    }
}

struct Mentions {
    names: &'static [&'static str],
    found: bool,
}

impl Visit for Mentions {
    fn visit_ident(&mut self, i: &swc_core::ecma::ast::Ident) {
        self.found |= self.names.contains(&&*i.sym);
    }
}

/// `{ error }`, `{ success: false }`, `{ ok: false }`, `null`, `false`.
fn is_error_value(e: &Expr) -> bool {
    match strip_ts(e) {
        Expr::Lit(swc_core::ecma::ast::Lit::Null(_)) => true,
        Expr::Lit(swc_core::ecma::ast::Lit::Bool(b)) => !b.value,
        Expr::Object(o) => o.props.iter().any(|p| match p {
            PropOrSpread::Prop(p) => match &**p {
                Prop::Shorthand(i) => matches!(&*i.sym, "error" | "err"),
                Prop::KeyValue(kv) => {
                    let key = prop_name(&kv.key).unwrap_or_default();
                    matches!(key.as_str(), "error" | "err" | "errorMessage")
                        || (matches!(key.as_str(), "success" | "ok")
                            && matches!(&*kv.value, Expr::Lit(swc_core::ecma::ast::Lit::Bool(b)) if !b.value))
                }
                _ => false,
            },
            _ => false,
        }),
        _ => false,
    }
}

/// `if (error)`, `if (!res.ok)`, `if (err || !data)`.
fn is_error_test(e: &Expr) -> bool {
    let mut f = Mentions { names: &["error", "err", "ok", "success"], found: false };
    e.visit_with(&mut f);
    if f.found {
        return true;
    }
    struct Props(bool);
    impl Visit for Props {
        fn visit_member_prop(&mut self, p: &MemberProp) {
            if let MemberProp::Ident(i) = p {
                self.0 |= matches!(&*i.sym, "error" | "ok" | "success");
            }
        }
    }
    let mut p = Props(false);
    e.visit_with(&mut p);
    p.0
}

impl Visit for BodyScan<'_> {
    crate::model::skip_types!();

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        if let (Pat::Ident(b), Some(Expr::Await(a))) = (&d.name, d.init.as_deref().map(strip_ts)) {
            if self.is_local(&a.arg) {
                self.local_responses.insert(b.id.sym.to_string());
            }
        }
        d.visit_children_with(self);
    }

    fn visit_await_expr(&mut self, a: &swc_core::ecma::ast::AwaitExpr) {
        let what = self.awaited(&a.arg);
        let line = self.lines.line_of(a);
        self.f.awaits.push(AwaitSite { what, caught: self.in_try > 0, line });
        a.visit_children_with(self);
    }

    fn visit_for_of_stmt(&mut self, f: &swc_core::ecma::ast::ForOfStmt) {
        if f.is_await {
            let line = self.lines.line_of(f);
            self.f.awaits.push(AwaitSite { what: Awaited::Unknown, caught: self.in_try > 0, line });
        }
        f.visit_children_with(self);
    }

    fn visit_try_stmt(&mut self, t: &TryStmt) {
        let has_catch = t.handler.is_some();
        self.f.has_try |= has_catch;
        if has_catch {
            self.in_try += 1;
        }
        t.block.visit_with(self);
        if has_catch {
            self.in_try -= 1;
        }
        // The catch and finally blocks are outside the try.
        let saved = std::mem::take(&mut self.in_try);
        if let Some(h) = &t.handler {
            let logs = h.body.stmts.iter().any(|s| {
                matches!(s, Stmt::Expr(e) if matches!(&*e.expr, Expr::Call(c) if crate::analysis::is_log_call(c)))
            });
            let rethrows = h.body.stmts.iter().any(|s| matches!(s, Stmt::Throw(_)));
            self.f.logs_and_rethrows |= logs && rethrows;
        }
        self.in_catch += 1;
        t.handler.visit_with(self);
        self.in_catch -= 1;
        t.finalizer.visit_with(self);
        self.in_try = saved;
    }

    fn visit_throw_stmt(&mut self, t: &ThrowStmt) {
        if self.in_try == 0 {
            self.f.throws = true;
        }
        t.visit_children_with(self);
    }

    fn visit_if_stmt(&mut self, i: &swc_core::ecma::ast::IfStmt) {
        i.test.visit_with(self);
        let error = is_error_test(&i.test);
        if error {
            self.in_error_branch += 1;
        }
        i.cons.visit_with(self);
        if error {
            self.in_error_branch -= 1;
        }
        i.alt.visit_with(self);
    }

    fn visit_return_stmt(&mut self, r: &ReturnStmt) {
        if let Some(arg) = &r.arg {
            if (self.in_catch > 0 || self.in_error_branch > 0) && is_error_value(arg) {
                self.f.returns_error_value = true;
            }
            if !matches!(strip_ts(arg), Expr::Await(_)) {
                self.returned(arg);
            }
        }
        r.visit_children_with(self);
    }

    // Nested functions are summarised on their own.
    fn visit_function(&mut self, _: &Function_) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_class(&mut self, _: &Class) {}
    fn visit_decl(&mut self, d: &Decl) {
        if !matches!(d, Decl::Fn(_) | Decl::Class(_)) {
            d.visit_children_with(self);
        }
    }
    fn visit_call_expr(&mut self, c: &CallExpr) {
        c.visit_children_with(self);
    }
    fn visit_stmt(&mut self, s: &Stmt) {
        s.visit_children_with(self);
    }
}

/// How an await of a name made in a file is answered: the callee's summary
/// when it is a project function, else what is known of the name.
pub enum Target<'a> {
    /// A function of the project, and where it is.
    Function(&'a Function),
    /// A package's export (`axios`, `stripe`): a library call can reject.
    Package,
    /// A Supabase client.
    Client,
    /// Nothing known (a global, a prop).
    Unknown,
}

/// What awaiting a site comes to, as far as names resolve.
pub enum Outcome<'a> {
    /// It can reject (`fetch`, a body read, a package's call, a throwing chain).
    Rejects,
    /// It cannot be shown to (caught, a timer, a hook, a Supabase call, unknown).
    Never,
    /// It rejects when this project function can.
    Depends(&'a Function),
}

/// What awaiting `site` comes to, given how names resolve.
pub fn outcome<'a>(
    site: &AwaitSite,
    resolve_call: &dyn Fn(&str) -> Target<'a>,
    resolve_method: &dyn Fn(&str, &str) -> Target<'a>,
) -> Outcome<'a> {
    let of = |target: Target<'a>| match target {
        Target::Function(f) => Outcome::Depends(f),
        Target::Package => Outcome::Rejects,
        Target::Client | Target::Unknown => Outcome::Never,
    };
    if site.caught {
        return Outcome::Never;
    }
    match &site.what {
        Awaited::Fetch | Awaited::BodyRead => Outcome::Rejects,
        Awaited::Timer | Awaited::Hook | Awaited::Caught | Awaited::Local | Awaited::Unknown => {
            Outcome::Never
        }
        Awaited::Chain { root, first, throws } => match resolve_call(root) {
            Target::Client if *throws => Outcome::Rejects,
            Target::Client => Outcome::Never,
            // A chain on an unknown name: a Supabase-looking call is taken at its word;
            // else it is what its first call is (`Product.find().sort()` as `Product.find()`).
            Target::Unknown if *throws => Outcome::Rejects,
            Target::Unknown if SUPABASE_FIRST.contains(&first.as_str()) => Outcome::Never,
            Target::Unknown => of(resolve_method(root, first)),
            other => of(other),
        },
        Awaited::Call(name) => of(resolve_call(name)),
        Awaited::Method { object, method } => of(resolve_method(object, method)),
    }
}

/// The first member of a chain on a Supabase client.
pub const SUPABASE_FIRST: &[&str] = &["from", "rpc", "auth", "storage", "functions", "schema", "channel"];

/// Whether an await is a Supabase call or a hook result.
pub fn is_supabase_or_hook(site: &AwaitSite, resolve_call: &dyn Fn(&str) -> bool) -> bool {
    match &site.what {
        Awaited::Hook => true,
        Awaited::Chain { root, first, throws: false } => {
            resolve_call(root) || (SUPABASE_FIRST.contains(&first.as_str()) && root.contains("supabase"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn functions(text: &str) -> Vec<Function> {
        let parsed = parse(text, Lang::Tsx).expect("parses");
        let local_urls = crate::local_urls::names(&parsed.program, text);
        extract(&parsed.program, &crate::parse::LineIndex::new(text), &local_urls)
    }

    fn find<'a>(fs: &'a [Function], name: &str) -> &'a Function {
        fs.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no {name} in {fs:?}"))
    }

    #[test]
    fn awaits_tries_throws_and_error_values() {
        let fs = functions(
            "export async function load(id: string) {\n  try {\n    const res = await fetch(`/x/${id}`);\n    return await res.json();\n  } catch (e) {\n    console.error(e);\n    return null;\n  }\n}\nexport const save = async (row) => {\n  const { error } = await supabase.from('t').insert(row);\n  if (error) throw error;\n};\nconst api = { async list() { return fetch('/l'); } };\nfunction Page() {\n  const { mutateAsync } = useSave();\n  const handle = async () => { await mutateAsync(); await new Promise((r) => setTimeout(r, 10)); };\n}\n",
        );
        let load = find(&fs, "load");
        assert!(load.top_level && load.is_async && load.has_try && !load.throws && load.returns_error_value);
        assert!(load.awaits.iter().all(|a| a.caught));
        assert_eq!(load.params, [("id".to_string(), Some("string".to_string()))]);
        let save = find(&fs, "save");
        assert!(save.throws && !save.has_try);
        assert_eq!(
            save.awaits[0].what,
            Awaited::Chain { root: "supabase".into(), first: "from".into(), throws: false }
        );
        let list = find(&fs, "api.list");
        assert_eq!(list.awaits, [AwaitSite { what: Awaited::Fetch, caught: false, line: 14 }]);
        let handle = find(&fs, "handle");
        assert!(!handle.top_level);
        assert_eq!(
            handle.awaits.iter().map(|a| a.what.clone()).collect::<Vec<_>>(),
            [Awaited::Hook, Awaited::Timer]
        );
    }

    #[test]
    fn a_rethrowing_catch_throws() {
        let fs = functions("async function f() { try { await g(); } catch (e) { throw new Error('x'); } }\n");
        let f = find(&fs, "f");
        assert!(f.throws && f.awaits[0].caught);
    }
}
