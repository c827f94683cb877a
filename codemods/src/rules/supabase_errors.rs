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
use crate::messages::{for_failure, UserMessage};
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
        if file.unreachable() {
            return None;
        }
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
            next_name: None,
            siblings: false,
            after: Vec::new(),
            nullable_setters: crate::analysis::use_states(file.program)
                .into_iter()
                .filter(|s| s.starts_empty)
                .map(|s| s.setter)
                .collect(),
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
    /// A react-query `queryFn`/`mutationFn`: failing is its contract (the
    /// query shows its error state).
    Query,
    /// Exported data functions, route handlers: callers handle a throw.
    Throws,
    Other,
}

struct FnCtx {
    /// Its binding (`handleSave`), when it has one: messages are found by it.
    name: Option<String>,
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
    /// Inside a `try` whose catch only logs: the code treats a failure there
    /// as not worth telling the user (a confirmation email, a notification).
    quiet: bool,
    /// Loops around the current statement: a `return` there would skip the
    /// other items.
    loops: usize,
    /// `loops` where the innermost `try` starts: a throw inside a loop is
    /// caught per item when the try is inside the loop too.
    try_loops: usize,
    /// Where this function's entries in `Finder::after` start.
    after_base: usize,
    /// Flags the function raises (`setIssuing(true)`): a stop clears them.
    raised: Vec<String>,
    /// Its body throws its own failures (`if (error) throw error`) outside
    /// any try: its callers already deal with a throw.
    throws_itself: bool,
    /// How the function stops on a failure: `Some("")` for `return;` (it
    /// returns no value), `Some("null")` for the failure value it already
    /// returns elsewhere, `None` when it has none.
    stop: Option<String>,
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
    /// The binding of the next function entered.
    next_name: Option<String>,
    /// Checking one of several results of a `Promise.all`: stopping at one
    /// would hide its siblings, which still render.
    siblings: bool,
    /// What the statements after each enclosing block do, innermost last: a
    /// `return` in a nested block skips them too.
    after: Vec<Following>,
    /// Setters of states that start empty (`useState<T | null>(null)`): the
    /// page already copes with no value there.
    nullable_setters: HashSet<String>,
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
        // What follows each statement, for the blocks nested in it.
        let mut following = vec![Following::default(); stmts.len()];
        let mut acc = Following::default();
        for (i, stmt) in stmts.iter().enumerate().rev() {
            following[i] = acc.clone();
            acc.add(self.file.text, stmt);
        }
        for (stmt, after) in stmts.iter().zip(following) {
            self.after.push(after);
            stmt.visit_with(self);
            self.after.pop();
        }
    }

    fn visit_key_value_prop(&mut self, kv: &KeyValueProp) {
        kv.key.visit_with(self);
        if is_query_fn_key(&kv.key) && is_fn(Some(&kv.value)) {
            self.pending = Some(Kind::Query);
        }
        kv.value.visit_with(self);
        self.pending = None;
    }

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        if let (Pat::Ident(b), true) = (&d.name, is_fn(d.init.as_deref())) {
            self.next_name = Some(b.id.sym.to_string());
        }
        let named_query_fn = matches!(&d.name, Pat::Ident(b) if self.query_fns.contains(&*b.id.sym));
        if named_query_fn && is_fn(d.init.as_deref()) {
            self.pending = Some(Kind::Query);
        } else if !is_fn(d.init.as_deref()) {
            self.pending = None;
        }
        d.init.visit_with(self);
        self.pending = None;
    }

    fn visit_fn_decl(&mut self, f: &FnDecl) {
        self.next_name = Some(f.ident.sym.to_string());
        if self.query_fns.contains(&*f.ident.sym) {
            self.pending = Some(Kind::Query);
        }
        f.function.visit_with(self);
        self.pending = None;
    }

    fn visit_function(&mut self, f: &Function) {
        let toast_hook = f.body.as_ref().is_some_and(|b| declares_toast_hook(&b.stmts));
        let stop = f.body.as_ref().and_then(|b| stop_value(&b.stmts));
        let throws_itself = f.body.as_ref().is_some_and(|b| throws_outside_try(&b.stmts));
        self.enter(toast_hook, Bindings::of_node(f), stop, throws_itself);
        f.visit_children_with(self);
        self.stack.pop();
    }

    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        let toast_hook =
            matches!(&*a.body, ArrowFunctionBody::FunctionBody(b) if declares_toast_hook(&b.stmts));
        let stop = match &*a.body {
            ArrowFunctionBody::FunctionBody(b) => stop_value(&b.stmts),
            ArrowFunctionBody::Expr(_) => None,
        };
        let throws_itself =
            matches!(&*a.body, ArrowFunctionBody::FunctionBody(b) if throws_outside_try(&b.stmts));
        self.enter(toast_hook, Bindings::of_node(a), stop, throws_itself);
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

    fn visit_for_stmt(&mut self, l: &swc_core::ecma::ast::ForStmt) {
        self.in_loop(|v| l.visit_children_with(v));
    }

    fn visit_for_of_stmt(&mut self, l: &swc_core::ecma::ast::ForOfStmt) {
        self.in_loop(|v| l.visit_children_with(v));
    }

    fn visit_for_in_stmt(&mut self, l: &swc_core::ecma::ast::ForInStmt) {
        self.in_loop(|v| l.visit_children_with(v));
    }

    fn visit_while_stmt(&mut self, l: &swc_core::ecma::ast::WhileStmt) {
        self.in_loop(|v| l.visit_children_with(v));
    }

    fn visit_do_while_stmt(&mut self, l: &swc_core::ecma::ast::DoWhileStmt) {
        self.in_loop(|v| l.visit_children_with(v));
    }

    fn visit_try_stmt(&mut self, t: &TryStmt) {
        let outer = self.stack.last().map(|c| (c.in_try, c.swallowed, c.quiet, c.try_loops));
        // Throwing into `try/finally` escapes, and into an empty `catch {}`
        // vanishes: only a catch that does something handles it.
        let catches = t.handler.as_ref().is_some_and(|h| !h.body.stmts.is_empty());
        let swallows = t.handler.as_ref().is_some_and(|h| h.body.stmts.is_empty());
        let quiet = catches
            && t.handler.as_ref().is_some_and(|h| {
                h.body.stmts.iter().all(|s| {
                    matches!(s, Stmt::Expr(e) if matches!(unparen(&e.expr), Expr::Call(c) if crate::analysis::is_log_call(c)))
                })
            });
        if let Some(c) = self.stack.last_mut() {
            c.in_try = catches;
            c.swallowed |= swallows;
            c.quiet = quiet;
            if catches {
                c.try_loops = c.loops;
            }
        }
        t.block.visit_with(self);
        if let (Some(c), Some((in_try, swallowed, quiet, try_loops))) = (self.stack.last_mut(), outer) {
            c.in_try = in_try;
            c.swallowed = swallowed;
            c.quiet = quiet;
            c.try_loops = try_loops;
        }
        t.handler.visit_with(self);
        t.finalizer.visit_with(self);
    }
}

/// How a body stops on a failure: `""` when it returns no value (`return;`),
/// the failure value it already returns elsewhere (`null`, `[]`, `false`,
/// `undefined`), or `None`.
fn stop_value(stmts: &[Stmt]) -> Option<String> {
    #[derive(Default)]
    struct Returns {
        value: bool,
        failure: Option<String>,
    }
    impl Visit for Returns {
        fn visit_return_stmt(&mut self, r: &swc_core::ecma::ast::ReturnStmt) {
            let Some(arg) = &r.arg else { return };
            self.value = true;
            let failure = match unparen(arg) {
                Expr::Lit(swc_core::ecma::ast::Lit::Null(_)) => Some("null"),
                Expr::Lit(swc_core::ecma::ast::Lit::Bool(b)) if !b.value => Some("false"),
                Expr::Array(a) if a.elems.is_empty() => Some("[]"),
                Expr::Ident(i) if &*i.sym == "undefined" => Some("undefined"),
                _ => None,
            };
            if self.failure.is_none() {
                self.failure = failure.map(str::to_string);
            }
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut r = Returns::default();
    for s in stmts {
        s.visit_with(&mut r);
    }
    if r.value {
        r.failure
    } else {
        Some(String::new())
    }
}

fn is_fn(e: Option<&Expr>) -> bool {
    matches!(e, Some(Expr::Arrow(_) | Expr::Fn(_)))
}

impl Finder<'_> {
    fn in_loop(&mut self, visit: impl FnOnce(&mut Self)) {
        if let Some(c) = self.stack.last_mut() {
            c.loops += 1;
        }
        visit(self);
        if let Some(c) = self.stack.last_mut() {
            c.loops -= 1;
        }
    }

    fn enter(&mut self, toast_hook: bool, names: Bindings, stop: Option<String>, throws_itself: bool) {
        let kind = self.pending.take().unwrap_or(Kind::Other);
        let per_element = std::mem::take(&mut self.next_is_callback);
        self.stack.push(FnCtx {
            name: self.next_name.take(),
            kind,
            in_try: false,
            toast_hook,
            names,
            added: HashSet::new(),
            committed: false,
            per_element,
            swallowed: false,
            quiet: false,
            loops: 0,
            try_loops: 0,
            after_base: self.after.len(),
            raised: Vec::new(),
            throws_itself,
            stop,
        });
    }

    /// What the enclosing blocks of the current function do after this point.
    fn outer_after(&self) -> Following {
        let base = self.stack.last().map_or(self.after.len(), |c| c.after_base);
        let mut all = Following::default();
        for a in self.after.get(base..).unwrap_or_default() {
            all.success |= a.success;
            for r in &a.resets {
                if !all.resets.iter().any(|(_, x)| *x == r.1) {
                    all.resets.push(r.clone());
                }
            }
        }
        all
    }

    fn throws_handled(&self) -> bool {
        // A react-query mutation's `onError` answers a failure even after an
        // earlier write: throwing into it beats reporting success after. A
        // function that already throws its own failures has callers that
        // deal with a throw.
        self.stack.last().is_some_and(|c| {
            (c.in_try || c.kind != Kind::Other || c.throws_itself)
                && (!c.committed || c.kind == Kind::Query)
                && !c.swallowed
        })
    }

    /// The toast in scope and what it says, in the interface's words.
    fn toast_available(&self) -> Option<(&ToastApi, UserMessage)> {
        let toast = self.toast.as_ref()?;
        if self.stack.last().is_some_and(|c| c.per_element) {
            return None;
        }
        if toast.via_hook && !self.stack.iter().any(|c| c.toast_hook) {
            return None;
        }
        let function = self.stack.iter().rev().find_map(|c| c.name.as_deref());
        let message =
            for_failure(self.file.model, self.file.path, function, self.file.bindings().declares("t"))?;
        Some((toast, message))
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
        let names: Vec<String> = names.into_iter().collect();
        // Never drop a site because its names are taken: number the last one.
        let numbered =
            names.last().cloned().into_iter().flat_map(|n| (2..100).map(move |i| format!("{n}{i}")));
        let name = names.into_iter().chain(numbered).find(free)?;
        self.stack.last_mut()?.added.insert(name.clone());
        Some(name)
    }

    fn consider(&mut self, stmt: &Stmt, rest: &[&Stmt]) {
        if self.stack.is_empty() {
            return; // module top level: nowhere sensible to report to
        }
        if let (Some((setter, true)), Some(c)) = (crate::analysis::setter_call(stmt), self.stack.last_mut()) {
            c.raised.push(setter.to_string());
        }
        self.consider_call(stmt, rest);
        if self.writes(stmt) {
            if let Some(c) = self.stack.last_mut() {
                c.committed = true;
            }
        }
    }

    /// Some statement among `rest` (nested blocks too, not nested
    /// functions) awaits a Supabase call that changes something.
    fn writes_in(&self, rest: &[&Stmt]) -> bool {
        struct Find<'c> {
            clients: &'c Clients,
            found: bool,
        }
        impl Visit for Find<'_> {
            fn visit_await_expr(&mut self, a: &swc_core::ecma::ast::AwaitExpr) {
                self.found |= self.clients.chain(&a.arg).is_some_and(|c| c.is_write());
                a.visit_children_with(self);
            }
            fn visit_function(&mut self, _: &Function) {}
            fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        }
        let mut f = Find { clients: self.clients, found: false };
        for s in rest {
            s.visit_with(&mut f);
        }
        f.found
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
                            let data = [name.clone()];
                            if let Some(check) =
                                self.check(stmt, &format!("{name}.error"), &chain, &data, rest)
                            {
                                self.insert_after(stmt, &check, None);
                            }
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
                if let Some(check) = self.check(stmt, &name, &chain, &[], rest) {
                    self.insert_after(stmt, &check, Some(Edit::insert(range(stmt).start, capture)));
                }
            }
            _ => {}
        }
    }

    fn destructured(&mut self, stmt: &Stmt, pattern: &ObjectPat, chain: &Chain, rest: &[&Stmt]) {
        let Some((error_name, data_name)) = result_names(pattern) else { return };
        // `.single()` makes "no row" an error, and `auth.getUser()` makes "no
        // session" one: code that branches on the data handles those cases
        // its own way (`if (!user) navigate("/login")`).
        let data = data_names(pattern);
        if chain.absence_is_error() && data.iter().any(|d| tests_absence(d, rest)) {
            self.file
                .leave_alone(range(stmt).start, "reads whose code copes with no row or no session itself");
            return;
        }
        match error_name {
            Some(name) if is_read(&name, rest) => {}
            Some(name) => {
                if let Some(check) = self.check(stmt, &name, chain, &data, rest) {
                    self.insert_after(stmt, &check, None);
                }
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
                let Some(check) = self.check(stmt, &name, chain, &data, rest) else { return };
                self.insert_after(stmt, &check, Some(Edit::insert(range(last).end, added)));
            }
        }
    }

    /// The check for `error` (an expression), without the leading line break.
    /// The check for `error` after `stmt`, without the leading line break,
    /// or `None` when the site is left alone. `data` are the names the
    /// result's data is bound to, `rest` the statements after.
    fn check(
        &self,
        stmt: &Stmt,
        error: &str,
        chain: &Chain,
        data: &[String],
        rest: &[&Stmt],
    ) -> Option<Vec<String>> {
        // A sign-out is secondary, unless the code goes on to say it worked.
        let secondary =
            chain.is_secondary() && !(chain.target.as_deref() == Some("signOut") && announces_success(rest));
        // The next lines use the data unguarded: carrying on only moves the
        // crash. (No session is an answer, not a failure: its code copes.)
        let session = chain.kind == crate::supabase::ChainKind::Auth && chain.absence_is_error();
        // A read the code tests before it writes (`if (existing) … else
        // insert`, a count checked before a delete) guards that write: passing
        // a failure for "none found" writes a duplicate or deletes what it
        // should not.
        let guards_write = !chain.is_write()
            && !chain.single
            && data.iter().any(|d| tests_absence(d, rest) || tested(d, rest))
            && self.writes_in(rest);
        let needed = !session
            && (guards_write
                || !chain.maybe_single
                    && data.iter().any(|d| {
                        is_used(d, rest)
                            && !tests_absence(d, rest)
                            && !only_stored(d, rest, &self.nullable_setters)
                    }));
        // A throw only where the result is required: the main write, data
        // used unguarded, or a react-query function (failing is its contract).
        // A guarded read, a bookkeeping write, a write after the main one are
        // reported and the flow goes on.
        let query = self.stack.last().is_some_and(|c| c.kind == Kind::Query);
        // A sign-in link's code exchanged in a callback route: the route's own
        // redirect answers a failure, not a JSON 500.
        let callback = chain.target.as_deref() == Some("exchangeCodeForSession");
        // A sign-in whose answer the code tests (`data?.user`) expects a
        // refusal: its error is an answer, not a failure of the flow.
        let answered =
            chain.kind == crate::supabase::ChainKind::Auth && data.iter().any(|d| tests_absence(d, rest));
        let main_write = chain.is_write() && !answered;
        // In a loop over items (a batch, a cron job), one item's failure
        // thrown would abort the others: report it and go on.
        let in_loop = self.stack.last().is_some_and(|c| c.loops > if c.in_try { c.try_loops } else { 0 });
        // `.single()` whose row is handed back to the caller: "no row" is the
        // caller's answer to give (it gets `null`, as before), not a failure.
        let failed = if chain.single && !chain.is_write() && data.iter().any(|d| returned(d, rest)) {
            format!("{error} && {error}.code !== {}", self.file.style().quoted("PGRST116"))
        } else {
            error.to_string()
        };
        if self.throws_handled()
            && !secondary
            && !callback
            && (!in_loop || query)
            && (main_write || needed || query)
        {
            return Some(vec![format!("if ({failed}) throw {error}")]);
        }
        // A failed write the function goes on from (to a success toast, a
        // navigation, the next step) reports success for work not done: stop.
        let outer = self.outer_after();
        // A step the code made non-fatal (its catch only logs) never stops the flow.
        let quiet = self.stack.last().is_some_and(|c| c.quiet);
        let goes_on = main_write && !quiet && (announces_success(rest) || outer.success);
        let stop = match self.stack.last() {
            Some(c) if (needed || goes_on) && !secondary => {
                match (&c.stop, c.loops + usize::from(self.siblings)) {
                    (Some(v), 0) if v.is_empty() => Some("return".to_string()),
                    (Some(v), 0) => Some(format!("return {v}")),
                    // No way to stop: a report is still better than silence.
                    _ if !needed => None,
                    _ => {
                        self.file.leave_alone(
                            range(stmt).start,
                            "results the next lines need where the function has no way to stop",
                        );
                        return None;
                    }
                }
            }
            _ => None,
        };
        let style = self.file.style();
        let message = format!("Could not {}", chain.action());
        let log = format!("console.error({}, {error})", style.quoted(&format!("{message}:")));
        // A guarded read copes with no data its own way (the page still
        // renders): a log says why, a toast on every such read is noise.
        let guarded_read = !chain.is_write() && !needed;
        // One toast per item of a loop is too many; a function that goes on to
        // hand back a result tells its caller it worked, and a toast saying it
        // failed would contradict what the caller shows next.
        let per_item = self.stack.last().is_some_and(|c| c.loops > 0);
        let hands_on = stop.is_none() && rest.iter().any(|s| matches!(s, Stmt::Return(r) if r.arg.is_some()));
        let toast = self
            .toast_available()
            .filter(|_| !secondary && !guarded_read && !quiet && !per_item && !hands_on);
        if toast.is_none() && stop.is_none() {
            return Some(vec![format!("if ({failed}) {log}")]);
        }
        let mut lines = vec![format!("if ({failed}) {{"), format!("\t{log}")];
        if let Some((toast, message)) = toast {
            lines.push(format!("\t{}", toast.call(&message.expr(style), style)));
        }
        if let Some(stop) = stop {
            // Stopping must not leave a spinner turning: the busy flags the
            // lines after reset are reset here too.
            // Busy flags: by name, or raised by this function (`setIssuing(true)`).
            let raised = self.stack.last().map_or(&[][..], |c| &c.raised[..]);
            let busy =
                |setter: &str| crate::analysis::is_busy_setter(setter) || raised.iter().any(|r| r == setter);
            let mut resets: Vec<&str> = Vec::new();
            let here = flag_resets(self.file.text, rest);
            let all = here
                .iter()
                .map(|(s, c)| (s.as_str(), *c))
                .chain(outer.resets.iter().map(|(s, c)| (s.as_str(), c.as_str())));
            for (setter, call) in all {
                if busy(setter) && !resets.contains(&call) {
                    resets.push(call);
                }
            }
            for reset in resets {
                lines.push(format!("\t{reset}"));
            }
            lines.push(format!("\t{stop}"));
        }
        lines.push("}".into());
        Some(lines)
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
        self.siblings = true;
        self.promise_all_checks(stmt, pattern, call, rest);
        self.siblings = false;
    }

    fn promise_all_checks(&mut self, stmt: &Stmt, pattern: &ArrayPat, call: &CallExpr, rest: &[&Stmt]) {
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
                    let data = data_names(object);
                    match error_name {
                        Some(name) if is_read(&name, rest) => {}
                        Some(name) => checks.extend(self.check(stmt, &name, &chain, &data, rest)),
                        None => {
                            let Some(last) = object.props.last() else { continue };
                            let mut names = Vec::new();
                            if let Some(d) = data_name.as_deref().filter(|d| *d != "data") {
                                names.push(format!("{d}Error"));
                            }
                            names.extend(chain.error_names());
                            let Some(name) = self.pick(names) else { return };
                            let Some(check) = self.check(stmt, &name, &chain, &data, rest) else { continue };
                            extra.push(Edit::insert(range(last).end, format!(", error: {name}")));
                            checks.push(check);
                        }
                    }
                }
                Pat::Ident(b) => {
                    let name = b.id.sym.to_string();
                    if only_data_read(&name, rest) {
                        checks.extend(self.check(
                            stmt,
                            &format!("{name}.error"),
                            &chain,
                            std::slice::from_ref(&name),
                            rest,
                        ));
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
            ObjectPatProp::Assign(a) if matches!(&*a.key.sym, "data" | "count") => {
                names.push(a.key.sym.to_string())
            }
            ObjectPatProp::KeyValue(kv) if matches!(&kv.key, PropName::Ident(k) if matches!(&*k.sym, "data" | "count")) =>
            {
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
    references(name, rest, false)
}

/// A reference to `name` in the statements after, other than in a log line
/// (`console.log(data)` does not need it).
fn is_used(name: &str, rest: &[&Stmt]) -> bool {
    references(name, rest, true)
}

fn references(name: &str, rest: &[&Stmt], skip_logs: bool) -> bool {
    struct Find<'n> {
        name: &'n str,
        skip_logs: bool,
        found: bool,
    }
    impl Visit for Find<'_> {
        fn visit_ident(&mut self, id: &swc_core::ecma::ast::Ident) {
            self.found |= &*id.sym == self.name;
        }
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if !(self.skip_logs && crate::analysis::is_log_call(c)) {
                c.visit_children_with(self);
            }
        }
    }
    let mut f = Find { name, skip_logs, found: false };
    for s in rest {
        s.visit_with(&mut f);
    }
    f.found
}

/// The statements after tell the user it worked: a success toast
/// (`toast.success`, a shadcn toast that is not destructive), an alert, a
/// navigation (`navigate(…)`, `router.push(…)`).
fn announces_success(rest: &[&Stmt]) -> bool {
    struct Find(bool);
    impl Visit for Find {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if let Callee::Expr(callee) = &c.callee {
                match &**callee {
                    Expr::Member(m) => {
                        let method = match &m.prop {
                            MemberProp::Ident(p) => &*p.sym,
                            _ => "",
                        };
                        let object = match &*m.obj {
                            Expr::Ident(o) => &*o.sym,
                            _ => "",
                        };
                        self.0 |= method == "success"
                            || (object == "router" && matches!(method, "push" | "replace"));
                    }
                    Expr::Ident(i) => {
                        let destructive = || {
                            let mut t = String::new();
                            for a in &c.args {
                                if let Expr::Object(o) = &*a.expr {
                                    for p in &o.props {
                                        if let swc_core::ecma::ast::PropOrSpread::Prop(p) = p {
                                            if let swc_core::ecma::ast::Prop::KeyValue(kv) = &**p {
                                                if let Expr::Lit(swc_core::ecma::ast::Lit::Str(v)) =
                                                    &*kv.value
                                                {
                                                    t.push_str(&v.value.to_string_lossy());
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            t.contains("destructive")
                        };
                        self.0 |=
                            matches!(&*i.sym, "navigate" | "alert") || (&*i.sym == "toast" && !destructive());
                    }
                    _ => {}
                }
            }
            c.visit_children_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut f = Find(false);
    for s in rest {
        s.visit_with(&mut f);
    }
    f.0
}

/// The flags cleared among `rest` (`setLoading(false)`): the setter and the
/// call as written (without a semicolon), each once.
fn flag_resets<'t>(text: &'t str, rest: &[&Stmt]) -> Vec<(String, &'t str)> {
    let mut out: Vec<(String, &str)> = Vec::new();
    for s in rest {
        let Stmt::Expr(e) = s else { continue };
        let Expr::Call(c) = &*e.expr else { continue };
        let Callee::Expr(callee) = &c.callee else { continue };
        let Expr::Ident(setter) = &**callee else { continue };
        let to_false = matches!(c.args.as_slice(), [a] if matches!(&*a.expr, Expr::Lit(swc_core::ecma::ast::Lit::Bool(b)) if !b.value));
        if to_false && setter.sym.starts_with("set") {
            if let Some(t) = text.get(range(&*e.expr)) {
                if !out.iter().any(|(_, x)| *x == t) {
                    out.push((setter.sym.to_string(), t));
                }
            }
        }
    }
    out
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

/// What a run of statements does that a `return` before them would skip.
#[derive(Clone, Default)]
struct Following {
    /// Tells the user it worked (a success toast, a navigation).
    success: bool,
    /// Clears flags (`setLoading(false)`): the setter and the call.
    resets: Vec<(String, String)>,
}

impl Following {
    fn add(&mut self, text: &str, stmt: &Stmt) {
        let one = [stmt];
        self.success |= announces_success(&one);
        for (setter, call) in flag_resets(text, &one) {
            if !self.resets.iter().any(|(_, x)| x == call) {
                self.resets.push((setter, call.to_string()));
            }
        }
    }
}

/// `data` goes, whole, only into states that start empty (`setServicio(data)`
/// with `useState<Servicio | null>(null)`): the page copes with no value.
fn only_stored(name: &str, rest: &[&Stmt], nullable: &HashSet<String>) -> bool {
    struct Count<'n> {
        name: &'n str,
        nullable: &'n HashSet<String>,
        refs: usize,
        stored: usize,
    }
    impl Visit for Count<'_> {
        fn visit_ident(&mut self, i: &swc_core::ecma::ast::Ident) {
            self.refs += usize::from(&*i.sym == self.name);
        }
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if crate::analysis::is_log_call(c) {
                return;
            }
            let setter = matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(f) if self.nullable.contains(&*f.sym)));
            if setter
                && matches!(c.args.as_slice(), [a] if matches!(crate::analysis::strip_ts(&a.expr), Expr::Ident(i) if &*i.sym == self.name))
            {
                self.stored += 1;
                self.refs += 1;
                return;
            }
            c.visit_children_with(self);
        }
    }
    if nullable.is_empty() {
        return false;
    }
    let mut c = Count { name, nullable, refs: 0, stored: 0 };
    for s in rest {
        s.visit_with(&mut c);
    }
    c.stored > 0 && c.stored == c.refs
}

/// A `throw` among the statements, outside any `try` and nested function.
fn throws_outside_try(stmts: &[Stmt]) -> bool {
    struct Find(bool);
    impl Visit for Find {
        fn visit_throw_stmt(&mut self, _: &swc_core::ecma::ast::ThrowStmt) {
            self.0 = true;
        }
        fn visit_try_stmt(&mut self, t: &TryStmt) {
            t.handler.visit_with(self);
            t.finalizer.visit_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut f = Find(false);
    for s in stmts {
        s.visit_with(&mut f);
    }
    f.0
}

/// `return name` among the statements (not in a nested function).
fn returned(name: &str, rest: &[&Stmt]) -> bool {
    struct Find<'n>(&'n str, bool);
    impl Visit for Find<'_> {
        fn visit_return_stmt(&mut self, r: &swc_core::ecma::ast::ReturnStmt) {
            self.1 |= r
                .arg
                .as_deref()
                .is_some_and(|a| matches!(crate::analysis::strip_ts(a), Expr::Ident(i) if &*i.sym == self.0));
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut f = Find(name, false);
    for s in rest {
        s.visit_with(&mut f);
    }
    f.1
}

/// `name` appears in the test of an `if` among the statements (`if (count > 0)`).
fn tested(name: &str, rest: &[&Stmt]) -> bool {
    struct Find<'n>(&'n str, bool);
    impl Visit for Find<'_> {
        fn visit_if_stmt(&mut self, i: &swc_core::ecma::ast::IfStmt) {
            self.1 |= crate::analysis::mentions(&i.test, self.0);
            i.visit_children_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut f = Find(name, false);
    for s in rest {
        s.visit_with(&mut f);
    }
    f.1
}

/// The code branches on `name`: `!data`, `if (data)`, `data ? … : …`,
/// `data && …`, `data == null`.
fn tests_absence(name: &str, rest: &[&Stmt]) -> bool {
    struct Tests<'n>(&'n str, bool);
    impl Tests<'_> {
        /// `name`, or a result object's `name.data`, through casts and parens.
        fn is(&self, e: &Expr) -> bool {
            match crate::analysis::strip_ts(e) {
                Expr::Ident(i) => &*i.sym == self.0,
                Expr::Member(m) => {
                    matches!(&m.prop, MemberProp::Ident(p) if matches!(&*p.sym, "data" | "count"))
                        && matches!(crate::analysis::strip_ts(&m.obj), Expr::Ident(i) if &*i.sym == self.0)
                }
                _ => false,
            }
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
            if u.op == UnaryOp::Bang && self.is(&u.arg) {
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
            let side = |e: &Expr| self.is(e);
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
