//! `supabase-errors`: supabase-js returns `{ data, error }` and never throws, so
//! a `try` around a query catches nothing and a failed query looks like an
//! empty result. Every result whose `error` is not destructured, never read, or
//! discarded with the whole result gets a check right after the call:
//! `if (error) throw error;` where a throw is handled (inside a `try`, a
//! react-query `queryFn`/`mutationFn`, an exported data function, a route
//! handler or server action), otherwise a report that leaves the control flow
//! as it was: `console.error` plus the toast the file already uses.

use std::collections::HashSet;

use swc_core::ecma::ast::{
    ArrayPat, ArrowExpr, ArrowFunctionBody, CallExpr, Callee, Decl, Expr, FnDecl, Function, KeyValueProp,
    MemberProp, ModuleDecl, ModuleItem, ObjectPat, ObjectPatProp, Pat, PropName, Stmt, TryStmt, UnaryOp,
    VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::unparen;
use crate::analysis::{declares_toast_hook, has_jsx, Bindings, ToastApi};
use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::edit::{after_stmt, After, Edit};
use crate::parse::{line_col, range};
use crate::supabase::{Chain, Clients};

pub struct SupabaseErrors;

impl Codemod for SupabaseErrors {
    fn id(&self) -> &'static str {
        "supabase-errors"
    }

    fn title(&self) -> &'static str {
        "Check the `error` of every Supabase call (supabase-js never throws)"
    }

    fn may_apply(&self, text: &str) -> bool {
        [".from(", ".rpc(", ".auth.", ".functions.", ".storage."].iter().any(|p| crate::text::has(text, p))
    }

    fn may_apply_to(&self, file: &crate::model::FileFacts) -> bool {
        // Only Supabase calls answer `{ data, error }`.
        file.supabase_chains
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        let clients = file.clients();
        if clients.names.is_empty() && clients.builders.is_empty() {
            return None;
        }
        let mut query_fns = QueryFnNames::default();
        file.program.visit_with(&mut query_fns);
        let server_file = is_server_file(file);
        let mut finder = Finder {
            file,
            clients,
            toast: ToastApi::detect(file.program),
            top_level: Bindings::top_level(file.program),
            query_fns: query_fns.0,
            data_module: !has_jsx(file.program) || server_file,
            stack: Vec::new(),
            pending: None,
            next_is_callback: false,
            edits: Vec::new(),
            lines: Vec::new(),
        };
        file.program.visit_with(&mut finder);
        if finder.edits.is_empty() {
            return None;
        }
        let lines = finder.lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ");
        let plural = if finder.lines.len() == 1 { "" } else { "s" };
        Some(Proposal {
            edits: finder.edits,
            why: format!(
                "supabase-js returns {{ data, error }} and never throws: the error of the call{plural} on line{plural} {lines} is never looked at, so a failed query passes for an empty result"
            ),
        })
    }
}

/// Next route handlers and server actions: a throw there becomes a 500.
fn is_server_file(file: &FileCtx) -> bool {
    let name = file.path.rsplit('/').next().unwrap_or(file.path);
    let route = name.starts_with("route.") && (file.path.starts_with("app/") || file.path.contains("/app/"));
    let use_server = match file.program {
        swc_core::ecma::ast::Program::Module(m) => m.body.first().is_some_and(|i| {
            matches!(i, ModuleItem::Stmt(Stmt::Expr(e)) if matches!(&*e.expr, Expr::Lit(swc_core::ecma::ast::Lit::Str(s)) if &*s.value.to_string_lossy() == "use server"))
        }),
        _ => false,
    };
    route || use_server
}

/// Names of functions handed to react-query as `queryFn: load`.
#[derive(Default)]
struct QueryFnNames(HashSet<String>);

impl Visit for QueryFnNames {
    fn visit_key_value_prop(&mut self, kv: &KeyValueProp) {
        if is_query_fn_key(&kv.key) {
            if let Expr::Ident(id) = &*kv.value {
                self.0.insert(id.sym.to_string());
            }
        }
        kv.visit_children_with(self);
    }
}

fn is_query_fn_key(key: &PropName) -> bool {
    matches!(key, PropName::Ident(i) if matches!(&*i.sym, "queryFn" | "mutationFn"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// react-query, exported data functions, route handlers: callers handle a throw.
    Throws,
    Other,
}

struct FnCtx {
    kind: Kind,
    in_try: bool,
    toast_hook: bool,
    /// Every name declared inside the function, and those this run added.
    names: Bindings,
    added: HashSet<String>,
    /// A write already happened earlier in this function: failing now would
    /// report a failure for work that was done (and invite a retry).
    committed: bool,
    /// A callback of `.map`/`.forEach`: one toast per element is too many.
    per_element: bool,
    /// Inside a `try` whose `catch {}` is empty: a throw would vanish there.
    swallowed: bool,
}

struct Finder<'a> {
    file: &'a FileCtx<'a>,
    clients: &'a Clients,
    toast: Option<ToastApi>,
    /// Names declared at the module's top level.
    top_level: Bindings,
    query_fns: HashSet<String>,
    /// No JSX (or a server file): exported functions are a data layer.
    data_module: bool,
    stack: Vec<FnCtx>,
    /// The kind of the next function entered (set by its declaration).
    pending: Option<Kind>,
    /// The next function entered is an element callback (`.map(fn)`).
    next_is_callback: bool,
    edits: Vec<Edit>,
    lines: Vec<usize>,
}

impl Visit for Finder<'_> {
    fn visit_module_items(&mut self, items: &[ModuleItem]) {
        for (i, item) in items.iter().enumerate() {
            if let ModuleItem::Stmt(stmt) = item {
                let rest: Vec<&Stmt> = items[i + 1..]
                    .iter()
                    .filter_map(|it| if let ModuleItem::Stmt(s) = it { Some(s) } else { None })
                    .collect();
                self.consider(stmt, &rest);
            }
        }
        for item in items {
            let exported_fn = match item {
                ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => match &e.decl {
                    Decl::Fn(f) => f.function.is_async,
                    Decl::Var(v) => v.decls.iter().any(|d| is_fn(d.init.as_deref())),
                    _ => false,
                },
                ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(_)) => true,
                _ => false,
            };
            if exported_fn && self.data_module {
                self.pending = Some(Kind::Throws);
            }
            item.visit_with(self);
            self.pending = None;
        }
    }

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        for (i, stmt) in stmts.iter().enumerate() {
            let rest: Vec<&Stmt> = stmts[i + 1..].iter().collect();
            self.consider(stmt, &rest);
        }
        stmts.visit_children_with(self);
    }

    fn visit_key_value_prop(&mut self, kv: &KeyValueProp) {
        kv.key.visit_with(self);
        if is_query_fn_key(&kv.key) && is_fn(Some(&kv.value)) {
            self.pending = Some(Kind::Throws);
        }
        kv.value.visit_with(self);
        self.pending = None;
    }

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        let named_query_fn = matches!(&d.name, Pat::Ident(b) if self.query_fns.contains(&*b.id.sym));
        if named_query_fn && is_fn(d.init.as_deref()) {
            self.pending = Some(Kind::Throws);
        } else if !is_fn(d.init.as_deref()) {
            self.pending = None;
        }
        d.init.visit_with(self);
        self.pending = None;
    }

    fn visit_fn_decl(&mut self, f: &FnDecl) {
        if self.query_fns.contains(&*f.ident.sym) {
            self.pending = Some(Kind::Throws);
        }
        f.function.visit_with(self);
        self.pending = None;
    }

    fn visit_function(&mut self, f: &Function) {
        let toast_hook = f.body.as_ref().is_some_and(|b| declares_toast_hook(&b.stmts));
        self.enter(toast_hook, Bindings::of_node(f));
        f.visit_children_with(self);
        self.stack.pop();
    }

    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        let toast_hook =
            matches!(&*a.body, ArrowFunctionBody::FunctionBody(b) if declares_toast_hook(&b.stmts));
        self.enter(toast_hook, Bindings::of_node(a));
        a.visit_children_with(self);
        self.stack.pop();
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        let per_element = matches!(&call.callee, Callee::Expr(c) if matches!(&**c, Expr::Member(m)
            if matches!(&m.prop, MemberProp::Ident(p) if matches!(&*p.sym, "map" | "forEach" | "flatMap"))));
        call.callee.visit_with(self);
        for arg in &call.args {
            self.next_is_callback = per_element && is_fn(Some(&arg.expr));
            arg.visit_with(self);
            self.next_is_callback = false;
        }
    }

    fn visit_try_stmt(&mut self, t: &TryStmt) {
        let outer = self.stack.last().map(|c| (c.in_try, c.swallowed));
        // Throwing into `try/finally` escapes, and into an empty `catch {}`
        // vanishes: only a catch that does something handles it.
        let catches = t.handler.as_ref().is_some_and(|h| !h.body.stmts.is_empty());
        let swallows = t.handler.as_ref().is_some_and(|h| h.body.stmts.is_empty());
        if let Some(c) = self.stack.last_mut() {
            c.in_try = catches;
            c.swallowed |= swallows;
        }
        t.block.visit_with(self);
        if let (Some(c), Some((in_try, swallowed))) = (self.stack.last_mut(), outer) {
            c.in_try = in_try;
            c.swallowed = swallowed;
        }
        t.handler.visit_with(self);
        t.finalizer.visit_with(self);
    }
}

fn is_fn(e: Option<&Expr>) -> bool {
    matches!(e, Some(Expr::Arrow(_) | Expr::Fn(_)))
}

impl Finder<'_> {
    fn enter(&mut self, toast_hook: bool, names: Bindings) {
        let kind = self.pending.take().unwrap_or(Kind::Other);
        let per_element = std::mem::take(&mut self.next_is_callback);
        self.stack.push(FnCtx {
            kind,
            in_try: false,
            toast_hook,
            names,
            added: HashSet::new(),
            committed: false,
            per_element,
            swallowed: false,
        });
    }

    fn throws_handled(&self) -> bool {
        self.stack
            .last()
            .is_some_and(|c| (c.in_try || c.kind == Kind::Throws) && !c.committed && !c.swallowed)
    }

    fn toast_available(&self) -> Option<&ToastApi> {
        let toast = self.toast.as_ref().filter(|t| t.fits_language())?;
        if self.stack.last().is_some_and(|c| c.per_element) {
            return None;
        }
        (!toast.via_hook || self.stack.iter().any(|c| c.toast_hook)).then_some(toast)
    }

    /// The first of `names` that is free where the check goes: not declared
    /// at the top level, nor anywhere in the enclosing functions, nor added by
    /// this run (so two checks never declare the same one).
    fn pick(&mut self, names: impl IntoIterator<Item = String>) -> Option<String> {
        let free = |n: &String| {
            !self.top_level.declares(n)
                && self.file.bindings().imported_from(n).is_none()
                && self.stack.iter().all(|c| !c.names.declares(n) && !c.added.contains(n))
        };
        let name = names.into_iter().find(free)?;
        self.stack.last_mut()?.added.insert(name.clone());
        Some(name)
    }

    fn consider(&mut self, stmt: &Stmt, rest: &[&Stmt]) {
        if self.stack.is_empty() {
            return; // module top level: nowhere sensible to report to
        }
        self.consider_call(stmt, rest);
        if self.writes(stmt) {
            if let Some(c) = self.stack.last_mut() {
                c.committed = true;
            }
        }
    }

    /// The statement awaits a Supabase call that changes something.
    fn writes(&self, stmt: &Stmt) -> bool {
        let awaited = match stmt {
            Stmt::Decl(Decl::Var(v)) => v.decls.first().and_then(|d| d.init.as_deref()),
            Stmt::Expr(e) => Some(&*e.expr),
            _ => None,
        };
        let Some(Expr::Await(a)) = awaited.map(unparen) else { return false };
        self.clients.chain(&a.arg).is_some_and(|c| c.is_write())
    }

    fn consider_call(&mut self, stmt: &Stmt, rest: &[&Stmt]) {
        match stmt {
            Stmt::Decl(Decl::Var(var)) => {
                let [d] = var.decls.as_slice() else { return };
                let Some(Expr::Await(awaited)) = d.init.as_deref().map(unparen) else { return };
                if let (Pat::Array(pattern), Expr::Call(call)) = (&d.name, unparen(&awaited.arg)) {
                    if is_promise_all(call) {
                        self.promise_all(stmt, pattern, call, rest);
                    }
                    return;
                }
                let Some(chain) = self.clients.chain(&awaited.arg) else { return };
                match &d.name {
                    Pat::Object(pattern) => self.destructured(stmt, pattern, &chain, rest),
                    Pat::Ident(b) => {
                        let name = b.id.sym.to_string();
                        if only_data_read(&name, rest) {
                            let check = self.check(&format!("{name}.error"), &chain);
                            self.insert_after(stmt, &check, None);
                        }
                    }
                    _ => {}
                }
            }
            Stmt::Expr(e) => {
                let Expr::Await(awaited) = &*e.expr else { return };
                let Some(chain) = self.clients.chain(&awaited.arg) else { return };
                let mut names = vec!["error".to_string()];
                names.extend(chain.error_names());
                let Some(name) = self.pick(names) else { return };
                let capture = if name == "error" {
                    "const { error } = ".to_string()
                } else {
                    format!("const {{ error: {name} }} = ")
                };
                let check = self.check(&name, &chain);
                self.insert_after(stmt, &check, Some(Edit::insert(range(stmt).start, capture)));
            }
            _ => {}
        }
    }

    fn destructured(&mut self, stmt: &Stmt, pattern: &ObjectPat, chain: &Chain, rest: &[&Stmt]) {
        let Some((error_name, data_name)) = result_names(pattern) else { return };
        // `.single()` makes "no row" an error, and `auth.getUser()` makes "no
        // session" one: code that branches on the data handles those cases
        // its own way (`if (!user) navigate("/login")`).
        if chain.absence_is_error() && data_names(pattern).iter().any(|d| tests_absence(d, rest)) {
            return;
        }
        match error_name {
            Some(name) if is_read(&name, rest) => {}
            Some(name) => {
                let check = self.check(&name, chain);
                self.insert_after(stmt, &check, None);
            }
            None => {
                let Some(last) = pattern.props.last() else { return };
                let mut names = vec!["error".to_string()];
                if let Some(d) = data_name.as_deref().filter(|d| *d != "data") {
                    names.push(format!("{d}Error"));
                }
                names.extend(chain.error_names());
                let Some(name) = self.pick(names) else { return };
                let added = if name == "error" { ", error".to_string() } else { format!(", error: {name}") };
                let check = self.check(&name, chain);
                self.insert_after(stmt, &check, Some(Edit::insert(range(last).end, added)));
            }
        }
    }

    /// The check for `error` (an expression), without the leading line break.
    fn check(&self, error: &str, chain: &Chain) -> Vec<String> {
        if self.throws_handled() && !chain.is_secondary() {
            return vec![format!("if ({error}) throw {error}")];
        }
        let style = self.file.style();
        let message = format!("Could not {}", chain.action());
        let log = format!("console.error({}, {error})", style.quoted(&format!("{message}:")));
        match self.toast_available().filter(|_| !chain.is_secondary()) {
            Some(toast) => vec![
                format!("if ({error}) {{"),
                format!("\t{log}"),
                format!("\t{}", toast.call(toast.user_message(), style)),
                "}".into(),
            ],
            None => vec![format!("if ({error}) {log}")],
        }
    }

    /// Inserts `lines` after `stmt` (a leading tab means one more indent level;
    /// statements get the file's semicolons), plus `extra` (an edit inside it).
    fn insert_after(&mut self, stmt: &Stmt, lines: &[String], extra: Option<Edit>) {
        self.insert_checks_after(stmt, &[lines.to_vec()], extra.into_iter().collect());
    }

    /// Inserts each check (its lines: a leading tab means one more indent
    /// level; statements get the file's semicolons) after `stmt`, plus `extra`
    /// edits inside it.
    fn insert_checks_after(&mut self, stmt: &Stmt, checks: &[Vec<String>], extra: Vec<Edit>) {
        let text = self.file.text;
        let style = self.file.style();
        let Some(After { at, eol, indent, semi }) = after_stmt(text, style, range(stmt)) else { return };
        let mut out = String::new();
        for (n, lines) in checks.iter().enumerate() {
            let block = lines.len() > 1;
            let last_check = n + 1 == checks.len();
            for line in lines {
                out.push_str(eol);
                out.push_str(indent);
                let (deeper, line) = match line.strip_prefix('\t') {
                    Some(inner) => (true, inner),
                    None => (false, line.as_str()),
                };
                if deeper {
                    out.push_str(&style.indent);
                }
                out.push_str(line);
                if !block {
                    // ASI only matters before the code that follows the insert.
                    // Our own next line starts with `if`: only the last one
                    // needs the ASI-aware choice.
                    out.push_str(if last_check { semi } else { style.semi() });
                } else if deeper {
                    out.push_str(style.semi());
                }
            }
        }
        self.edits.extend(extra);
        self.edits.push(Edit::insert(at, out));
        self.lines.push(line_col(text, range(stmt).start).0);
    }

    /// `const [{ data: a }, { data: b }] = await Promise.all([q1, q2])`.
    fn promise_all(&mut self, stmt: &Stmt, pattern: &ArrayPat, call: &CallExpr, rest: &[&Stmt]) {
        let Some(Expr::Array(list)) = call.args.first().map(|a| &*a.expr) else { return };
        let mut checks = Vec::new();
        let mut extra = Vec::new();
        for (elem, value) in pattern.elems.iter().zip(&list.elems) {
            let (Some(elem), Some(value)) = (elem, value) else { continue };
            if value.spread.is_some() {
                return;
            }
            let Some(chain) = self.clients.chain(&value.expr) else { continue };
            match elem {
                Pat::Object(object) => {
                    let Some((error_name, data_name)) = result_names(object) else { return };
                    match error_name {
                        Some(name) if is_read(&name, rest) => {}
                        Some(name) => checks.push(self.check(&name, &chain)),
                        None => {
                            let Some(last) = object.props.last() else { continue };
                            let mut names = Vec::new();
                            if let Some(d) = data_name.as_deref().filter(|d| *d != "data") {
                                names.push(format!("{d}Error"));
                            }
                            names.extend(chain.error_names());
                            let Some(name) = self.pick(names) else { return };
                            extra.push(Edit::insert(range(last).end, format!(", error: {name}")));
                            checks.push(self.check(&name, &chain));
                        }
                    }
                }
                Pat::Ident(b) => {
                    let name = b.id.sym.to_string();
                    if only_data_read(&name, rest) {
                        checks.push(self.check(&format!("{name}.error"), &chain));
                    }
                }
                _ => {}
            }
        }
        if !checks.is_empty() {
            self.insert_checks_after(stmt, &checks, extra);
        }
    }
}

/// The names bound by the `data` part of a `{ data, error }` pattern.
/// The names a `{ data, error }` pattern binds: (error, data). `None` when it
/// takes the result apart its own way (`...rest`, `error: { message }`).
fn result_names(pattern: &ObjectPat) -> Option<(Option<String>, Option<String>)> {
    let (mut error, mut data) = (None, None);
    for prop in &pattern.props {
        match prop {
            ObjectPatProp::Assign(a) if &*a.key.sym == "error" => error = Some("error".to_string()),
            ObjectPatProp::Assign(a) if &*a.key.sym == "data" => data = Some("data".to_string()),
            ObjectPatProp::KeyValue(kv) => {
                let key = match &kv.key {
                    PropName::Ident(i) => i.sym.to_string(),
                    PropName::Str(s) => s.value.to_string_lossy().into_owned(),
                    _ => continue,
                };
                let value = match &*kv.value {
                    Pat::Ident(b) => Some(b.id.sym.to_string()),
                    _ => None,
                };
                match key.as_str() {
                    "error" => error = Some(value?),
                    "data" => data = value,
                    _ => {}
                }
            }
            ObjectPatProp::Rest(_) => return None,
            _ => {}
        }
    }
    Some((error, data))
}

fn data_names(pattern: &ObjectPat) -> Vec<String> {
    let mut names = Vec::new();
    for prop in &pattern.props {
        match prop {
            ObjectPatProp::Assign(a) if &*a.key.sym == "data" => names.push("data".to_string()),
            ObjectPatProp::KeyValue(kv) if matches!(&kv.key, PropName::Ident(k) if &*k.sym == "data") => {
                let mut b = Bindings::default();
                kv.value.visit_with(&mut b);
                names.extend(b.names());
            }
            _ => {}
        }
    }
    names
}

fn is_promise_all(call: &CallExpr) -> bool {
    matches!(&call.callee, Callee::Expr(c) if matches!(&**c, Expr::Member(m)
        if matches!(&*m.obj, Expr::Ident(o) if &*o.sym == "Promise")
            && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "all")))
}

/// Any reference to `name` in the statements after.
fn is_read(name: &str, rest: &[&Stmt]) -> bool {
    struct Find<'n>(&'n str, bool);
    impl Visit for Find<'_> {
        fn visit_ident(&mut self, id: &swc_core::ecma::ast::Ident) {
            if &*id.sym == self.0 {
                self.1 = true;
            }
        }
    }
    let mut f = Find(name, false);
    for s in rest {
        s.visit_with(&mut f);
    }
    f.1
}

/// `result` is only used as `result.data` / `.count` (so its error is never read).
fn only_data_read(name: &str, rest: &[&Stmt]) -> bool {
    struct Uses<'n> {
        name: &'n str,
        other: bool,
    }
    impl Visit for Uses<'_> {
        fn visit_member_expr(&mut self, m: &swc_core::ecma::ast::MemberExpr) {
            if matches!(&*m.obj, Expr::Ident(i) if &*i.sym == self.name) {
                if !matches!(&m.prop, MemberProp::Ident(p) if matches!(&*p.sym, "data" | "count")) {
                    self.other = true;
                }
                return;
            }
            m.visit_children_with(self);
        }
        fn visit_ident(&mut self, id: &swc_core::ecma::ast::Ident) {
            if &*id.sym == self.name {
                self.other = true;
            }
        }
    }
    let mut u = Uses { name, other: false };
    for s in rest {
        s.visit_with(&mut u);
    }
    !u.other
}

/// The code branches on `name`: `!data`, `if (data)`, `data ? … : …`,
/// `data && …`, `data == null`.
fn tests_absence(name: &str, rest: &[&Stmt]) -> bool {
    struct Tests<'n>(&'n str, bool);
    impl Tests<'_> {
        fn is(&self, e: &Expr) -> bool {
            matches!(unparen(e), Expr::Ident(i) if &*i.sym == self.0)
        }
    }
    impl Visit for Tests<'_> {
        fn visit_if_stmt(&mut self, s: &swc_core::ecma::ast::IfStmt) {
            self.1 |= self.is(&s.test);
            s.visit_children_with(self);
        }
        // `data?.field`: the code expects the row may be missing.
        fn visit_opt_chain_expr(&mut self, c: &swc_core::ecma::ast::OptChainExpr) {
            if let swc_core::ecma::ast::OptChainBase::Member(m) = &*c.base {
                self.1 |= self.is(&m.obj);
            }
            c.visit_children_with(self);
        }
        fn visit_cond_expr(&mut self, c: &swc_core::ecma::ast::CondExpr) {
            self.1 |= self.is(&c.test);
            c.visit_children_with(self);
        }
        fn visit_unary_expr(&mut self, u: &swc_core::ecma::ast::UnaryExpr) {
            if u.op == UnaryOp::Bang && matches!(&*u.arg, Expr::Ident(i) if &*i.sym == self.0) {
                self.1 = true;
            }
            u.visit_children_with(self);
        }
        fn visit_bin_expr(&mut self, b: &swc_core::ecma::ast::BinExpr) {
            use swc_core::ecma::ast::BinaryOp;
            if matches!(b.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing)
                && (self.is(&b.left) || self.is(&b.right))
            {
                self.1 = true;
            }
            let side = |e: &Expr| matches!(e, Expr::Ident(i) if &*i.sym == self.0);
            let nullish = |e: &Expr| {
                matches!(e, Expr::Lit(swc_core::ecma::ast::Lit::Null(_)))
                    || matches!(e, Expr::Ident(i) if &*i.sym == "undefined")
            };
            if (side(&b.left) && nullish(&b.right)) || (side(&b.right) && nullish(&b.left)) {
                self.1 = true;
            }
            b.visit_children_with(self);
        }
    }
    let mut t = Tests(name, false);
    for s in rest {
        s.visit_with(&mut t);
    }
    t.1
}
