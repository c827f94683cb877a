//! `async-handlers`: an async event handler or effect loader that awaits
//! outside any `try` turns every failure into an unhandled rejection: nothing
//! is logged where anyone looks, and the user sees a button that does nothing.
//! Wrap the body in try/catch that logs with context and tells the user through
//! the toast API the file already uses (log only when it has none). Promise
//! chains started in effects without a `.catch` get one.
//!
//! Candidates: functions passed to `on*` JSX attributes, functions named
//! `handle*`/`on*`, and async functions called from `useEffect`. Left alone:
//! functions whose result is used (returned values, awaited or chained calls),
//! bodies already inside a `try`, unusual layouts.

use std::collections::{HashMap, HashSet};

use swc_core::ecma::ast::{
    ArrowExpr, ArrowFunctionBody, CallExpr, Callee, Expr, ExprStmt, FnDecl, Function, Ident, JSXAttr,
    JSXAttrName, JSXAttrValue, JSXExpr, MemberProp, Pat, Stmt, UnaryOp, VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::{declares_toast_hook, has_jsx, is_busy_setter, setter_call, Bindings, ToastApi};
use crate::codemod::{Codemod, FileCtx, Proposal, Stack};
use crate::edit::Edit;
use crate::messages::for_failure;
use crate::model::summaries::{awaits_in, AwaitSite, Awaited, FileNames};
use crate::parse::{line_col, range};
use crate::wrap::{awaits_outside_try, returns_value, wrap_in_try, wrap_in_try_finally};

pub struct AsyncHandlers;

impl Codemod for AsyncHandlers {
    fn id(&self) -> &'static str {
        "async-handlers"
    }

    fn title(&self) -> &'static str {
        "Catch failures in async event handlers and effects, and tell the user"
    }

    fn stacks(&self) -> &'static [Stack] {
        &[Stack::React, Stack::Next]
    }

    fn may_apply(&self, text: &str) -> bool {
        (crate::text::has(text, "async") || crate::text::has(text, ".then("))
            && crate::analysis::may_be_react(text)
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        if file.unreachable() {
            return None;
        }
        // Components and hooks only: a script's `main()` must keep failing loudly.
        if !has_jsx(file.program) && !imports_react(file.program) {
            return None;
        }
        let mut refs = Refs::default();
        file.program.visit_with(&mut refs);
        let mut finder = Finder {
            file,
            refs,
            toast: ToastApi::detect(file.program),
            hooks: Vec::new(),
            in_effect: 0,
            names: std::cell::OnceCell::new(),
            told: false,
            edits: Vec::new(),
            found: Vec::new(),
        };
        file.program.visit_with(&mut finder);
        if finder.edits.is_empty() {
            return None;
        }
        let list = finder.found.join(", ");
        let report = if finder.told {
            "logs the error and tells the user with the file's toast"
        } else {
            "logs the error (no toast in the interface's words to tell the user with)"
        };
        Some(Proposal {
            edits: finder.edits,
            why: format!(
                "a rejected promise in an event handler or effect is lost: nothing is logged and the user sees nothing happen ({list}); the catch {report}"
            ),
        })
    }
}

/// How each name is referenced: the handler shapes (JSX attribute, a call as
/// a statement, `() => handle(x)`) and everything else.
#[derive(Default)]
struct Refs {
    handler_uses: HashMap<String, usize>,
    /// Names handed to an `on*` JSX attribute (directly or `() => name(…)`).
    jsx_uses: HashSet<String>,
    /// Names handed to a component's prop (`<LeadModal onSave={save} />`):
    /// the component may await them and rely on a rejection (to stay open,
    /// to show its own error).
    component_uses: HashSet<String>,
    /// Inside the attributes of a component (a capitalized element).
    in_component: bool,
    all_uses: HashMap<String, usize>,
    /// Names of functions called from an effect callback.
    effect_calls: HashSet<String>,
    in_effect: usize,
}

impl Refs {
    /// Only referenced the way handlers are (its result is never used).
    fn only_handler_uses(&self, name: &str) -> bool {
        self.all_uses.get(name) == self.handler_uses.get(name)
    }

    fn called_as_handler(&mut self, expr: &Expr) -> Option<String> {
        let call = match expr {
            Expr::Call(c) => c,
            Expr::Unary(u) if u.op == UnaryOp::Void => match &*u.arg {
                Expr::Call(c) => c,
                _ => return None,
            },
            _ => return None,
        };
        let Callee::Expr(callee) = &call.callee else { return None };
        let Expr::Ident(id) = &**callee else { return None };
        *self.handler_uses.entry(id.sym.to_string()).or_default() += 1;
        Some(id.sym.to_string())
    }
}

impl Visit for Refs {
    fn visit_ident(&mut self, id: &Ident) {
        *self.all_uses.entry(id.sym.to_string()).or_default() += 1;
    }

    fn visit_binding_ident(&mut self, b: &swc_core::ecma::ast::BindingIdent) {
        b.type_ann.visit_with(self);
    }

    // A declaration's own name is no use of it.
    fn visit_fn_decl(&mut self, f: &FnDecl) {
        f.function.visit_with(self);
    }

    fn visit_jsx_opening_element(&mut self, el: &swc_core::ecma::ast::JSXOpeningElement) {
        let component = match &el.name {
            swc_core::ecma::ast::JSXElementName::Ident(i) => {
                i.sym.starts_with(|c: char| c.is_ascii_uppercase())
            }
            _ => true,
        };
        let outer = std::mem::replace(&mut self.in_component, component);
        el.visit_children_with(self);
        self.in_component = outer;
    }

    fn visit_jsx_attr(&mut self, attr: &JSXAttr) {
        if let Some(JSXAttrValue::JSXExprContainer(c)) = &attr.value {
            if let JSXExpr::Expr(e) = &c.expr {
                match &**e {
                    Expr::Ident(id) => {
                        *self.handler_uses.entry(id.sym.to_string()).or_default() += 1;
                        self.jsx_uses.insert(id.sym.to_string());
                        if self.in_component {
                            self.component_uses.insert(id.sym.to_string());
                        }
                    }
                    Expr::Arrow(a) => {
                        if let ArrowFunctionBody::Expr(body) = &*a.body {
                            if let Some(name) = self.called_as_handler(body) {
                                self.jsx_uses.insert(name);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        attr.visit_children_with(self);
    }

    fn visit_expr_stmt(&mut self, s: &ExprStmt) {
        if let Some(name) = self.called_as_handler(&s.expr) {
            if self.in_effect > 0 {
                self.effect_calls.insert(name);
            }
        }
        s.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        let effect = is_effect(call);
        self.in_effect += usize::from(effect);
        call.visit_children_with(self);
        self.in_effect -= usize::from(effect);
    }
}

fn is_effect(call: &CallExpr) -> bool {
    let Callee::Expr(callee) = &call.callee else { return false };
    let name = match &**callee {
        Expr::Ident(id) => id.sym.to_string(),
        Expr::Member(m) => match &m.prop {
            MemberProp::Ident(p) => p.sym.to_string(),
            _ => return false,
        },
        _ => return false,
    };
    matches!(name.as_str(), "useEffect" | "useLayoutEffect")
}

struct Finder<'a> {
    file: &'a FileCtx<'a>,
    refs: Refs,
    toast: Option<ToastApi>,
    /// For each enclosing function: does it destructure `toast` from `useToast()`?
    hooks: Vec<bool>,
    in_effect: usize,
    /// The file's names an await depends on (hook results, local URLs), for
    /// reading a body's awaits the way the project model does (on first use).
    names: std::cell::OnceCell<FileNames>,
    /// Some catch tells the user (the why must not promise what was not added).
    told: bool,
    edits: Vec<Edit>,
    found: Vec<String>,
}

impl Visit for Finder<'_> {
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        if let (Pat::Ident(name), Some(init)) = (&d.name, d.init.as_deref()) {
            let name = name.id.sym.to_string();
            let function = match init {
                Expr::Arrow(a) => Some(init_fn(a)),
                // useCallback(async () => {...}, deps)
                Expr::Call(c) if is_callee(c, "useCallback") => match c.args.first().map(|a| &*a.expr) {
                    Some(Expr::Arrow(a)) => Some(init_fn(a)),
                    Some(Expr::Fn(f)) => Some(Body::Function(&f.function)),
                    _ => None,
                },
                Expr::Fn(f) => Some(Body::Function(&f.function)),
                _ => None,
            };
            if let Some(body) = function {
                if self.is_handler_name(&name)
                    && self.refs.only_handler_uses(&name)
                    && self.wrap(&body, &name, true)
                {
                    return;
                }
            }
        }
        d.visit_children_with(self);
    }

    fn visit_fn_decl(&mut self, f: &FnDecl) {
        let name = f.ident.sym.to_string();
        if self.is_handler_name(&name)
            && self.refs.only_handler_uses(&name)
            && self.wrap(&Body::Function(&f.function), &name, true)
        {
            return;
        }
        f.function.visit_with(self);
    }

    fn visit_jsx_attr(&mut self, attr: &JSXAttr) {
        let JSXAttrName::Ident(attr_name) = &attr.name else { return attr.visit_children_with(self) };
        if let Some(JSXAttrValue::JSXExprContainer(c)) = &attr.value {
            if let JSXExpr::Expr(e) = &c.expr {
                if let Expr::Arrow(a) = &**e {
                    if is_event(&attr_name.sym) && self.wrap(&init_fn(a), &attr_name.sym, false) {
                        return;
                    }
                }
            }
        }
        attr.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        let effect = is_effect(call);
        if effect {
            if let Some(Expr::Arrow(cb)) = call.args.first().map(|a| &*a.expr) {
                if let ArrowFunctionBody::FunctionBody(body) = &*cb.body {
                    self.effect_chains(&body.stmts);
                }
            }
        }
        self.in_effect += usize::from(effect);
        call.visit_children_with(self);
        self.in_effect -= usize::from(effect);
    }

    fn visit_expr_stmt(&mut self, s: &ExprStmt) {
        // (async () => { ... })() in an effect
        if let Expr::Call(c) = &*s.expr {
            if let Callee::Expr(callee) = &c.callee {
                if let Expr::Paren(p) = &**callee {
                    if let Expr::Arrow(a) = &*p.expr {
                        if c.args.is_empty() && self.in_effect > 0 && self.wrap(&init_fn(a), "effect", false)
                        {
                            return;
                        }
                    }
                }
            }
        }
        s.visit_children_with(self);
    }

    fn visit_function(&mut self, f: &Function) {
        self.hooks.push(f.body.as_ref().is_some_and(|b| declares_toast_hook(&b.stmts)));
        f.visit_children_with(self);
        self.hooks.pop();
    }

    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        self.hooks
            .push(matches!(&*a.body, ArrowFunctionBody::FunctionBody(b) if declares_toast_hook(&b.stmts)));
        a.visit_children_with(self);
        self.hooks.pop();
    }
}

enum Body<'a> {
    Arrow(&'a ArrowExpr),
    Function(&'a Function),
}

fn init_fn(a: &ArrowExpr) -> Body<'_> {
    Body::Arrow(a)
}

fn is_callee(c: &CallExpr, name: &str) -> bool {
    matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == name))
}

fn is_event(attr: &str) -> bool {
    attr.len() > 2 && attr.starts_with("on") && attr[2..].starts_with(|c: char| c.is_ascii_uppercase())
}

impl Finder<'_> {
    fn is_handler_name(&self, name: &str) -> bool {
        let handle = name.len() > 6
            && name.starts_with("handle")
            && name[6..].starts_with(|c: char| c.is_ascii_uppercase());
        handle
            || is_event(name)
            || self.refs.effect_calls.contains(name)
            || self.refs.handler_uses.contains_key(name)
    }

    /// Wraps an async function's body; true when it did.
    fn wrap(&mut self, body: &Body, name: &str, named: bool) -> bool {
        let (is_async, stmts, block) = match body {
            Body::Arrow(a) => match &*a.body {
                ArrowFunctionBody::FunctionBody(b) => (a.is_async, &b.stmts, range(b)),
                ArrowFunctionBody::Expr(_) => return false,
            },
            Body::Function(f) => match &f.body {
                Some(b) => (f.is_async, &b.stmts, range(b)),
                None => return false,
            },
        };
        if !is_async || stmts.is_empty() || !awaits_outside_try(stmts) {
            return false;
        }
        if returns_value(stmts) {
            self.file.leave_alone(block.start, "async functions whose result their caller uses");
            return false;
        }
        if named && self.refs.component_uses.contains(name) {
            self.file.leave_alone(
                block.start,
                "handlers handed to a component that may await them (its catch decides)",
            );
            return false;
        }
        // A catch runs only when some await can reject, as the project model
        // reads the callees (in this file or imported): not Supabase calls,
        // hooks, timers, nor functions that already catch everything.
        let names = self.names.get_or_init(|| FileNames::of(self.file.program, self.file.local_urls()));
        let model = self.file.model;
        let sites = awaits_in(stmts, names);
        let rejecting: Vec<_> =
            sites.iter().filter(|site| model.await_can_reject(self.file.path, site)).collect();
        if rejecting.is_empty() {
            self.file.leave_alone(
                block.start,
                "handlers and effects whose awaits cannot reject (Supabase calls, hooks, local URLs, callees that catch)",
            );
            return false;
        }
        // With no toast to tell the user, the catch would only log again what
        // the callees already log.
        let toast_in_scope =
            self.toast.as_ref().is_some_and(|t| !t.via_hook || self.hooks.iter().any(|h| *h));
        if !toast_in_scope
            && rejecting.iter().all(|site| model.await_rejection_is_logged(self.file.path, site))
        {
            self.file.leave_alone(
                block.start,
                "handlers whose callees already log the failure (no toast to tell the user)",
            );
            return false;
        }
        let names = match body {
            Body::Arrow(a) => Bindings::of_node(*a),
            Body::Function(f) => Bindings::of_node(*f),
        };
        let Some(param) = ["error", "err", "caughtError"].into_iter().find(|n| !names.declares(n)) else {
            return false;
        };
        let style = self.file.style();
        let mut lines = vec![format!(
            "console.error({}, {param}){}",
            style.quoted(&format!("{name} failed:")),
            style.semi()
        )];
        let toast_in_scope = self.toast.as_ref().filter(|t| !t.via_hook || self.hooks.iter().any(|h| *h));
        // Inline callbacks have no name of their own to find a message by.
        let function = named.then_some(name);
        let message = toast_in_scope.and_then(|_| {
            for_failure(self.file.model, self.file.path, function, self.file.bindings().declares("t"))
        });
        if let (Some(toast), Some(message)) = (toast_in_scope, message) {
            lines.push(format!("{}{}", toast.call(&message.expr(style), style), style.semi()));
            self.told = true;
        }
        let moved = busy_resets(stmts);
        let edit = match wrap_in_try_finally(self.file.text, style, stmts, &moved, block.end, param, &lines) {
            Some(edit) => edit,
            // A catch that leaves a busy flag raised would leave a spinner turning.
            None if !moved.is_empty() => {
                self.file.leave_alone(block.start, "handlers whose busy flag cannot be moved to a finally");
                return false;
            }
            None => match wrap_in_try(self.file.text, style, stmts, block.end, param, &lines) {
                Some(edit) => edit,
                None => return false,
            },
        };
        self.found.push(format!("`{name}` on line {}", line_col(self.file.text, block.start).0));
        self.edits.push(edit);
        true
    }

    /// `load().then(set)` as a statement in an effect, with no `.catch`.
    fn effect_chains(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            let Stmt::Expr(s) = stmt else { continue };
            let Expr::Call(call) = &*s.expr else { continue };
            let Some(root) = then_chain_root(call) else { continue };
            // A `.catch` runs only when the first call can reject.
            let site = AwaitSite { what: Awaited::Call(root.clone()), caught: false, line: 0 };
            if !self.file.model.await_can_reject(self.file.path, &site) {
                self.file.leave_alone(range(&*s.expr).start, "promise chains whose first call cannot reject");
                continue;
            }
            let style = self.file.style();
            let log = format!("console.error({}, error)", style.quoted(&format!("{root} failed:")));
            // Busy flags the `.then` clears are cleared on failure too.
            let resets = chain_busy_resets(self.file.text, call);
            let catch = if resets.is_empty() {
                format!(".catch((error) => {log})")
            } else {
                // One line: statements need `;` between them even in a file without.
                let body = std::iter::once(log.as_str()).chain(resets).collect::<Vec<_>>().join("; ");
                format!(".catch((error) => {{ {body}{} }})", style.semi())
            };
            let end = range(&*s.expr).end;
            self.found.push(format!("`{root}().then(…)` on line {}", line_col(self.file.text, end).0));
            self.edits.push(Edit::insert(end, catch));
        }
    }
}

/// The busy flags the callbacks of a `.then` chain clear (`setLoading(false)`).
fn chain_busy_resets<'t>(text: &'t str, call: &CallExpr) -> Vec<&'t str> {
    struct Resets<'t>(&'t str, Vec<&'t str>);
    impl<'t> Visit for Resets<'t> {
        fn visit_stmt(&mut self, s: &Stmt) {
            if let (Some((name, false)), Stmt::Expr(e)) = (setter_call(s), s) {
                if is_busy_setter(name) {
                    if let Some(t) = self.0.get(range(&*e.expr)) {
                        if !self.1.contains(&t) {
                            self.1.push(t);
                        }
                    }
                }
            }
            s.visit_children_with(self);
        }
    }
    let mut r = Resets(text, Vec::new());
    call.visit_with(&mut r);
    r.1
}

/// `x().then(f)` (any number of `.then`), without `.catch`/`.finally`: the
/// name of the first call.
fn then_chain_root(call: &CallExpr) -> Option<String> {
    let mut current = call;
    let mut saw_then = false;
    loop {
        let Callee::Expr(callee) = &current.callee else { return None };
        match &**callee {
            Expr::Member(m) => {
                let MemberProp::Ident(p) = &m.prop else { return None };
                match &*p.sym {
                    "then" => saw_then = true,
                    "catch" | "finally" => return None,
                    _ => return None,
                }
                let Expr::Call(inner) = &*m.obj else { return None };
                current = inner;
            }
            Expr::Ident(id) if saw_then => return Some(id.sym.to_string()),
            _ => return None,
        }
    }
}

fn imports_react(program: &swc_core::ecma::ast::Program) -> bool {
    let swc_core::ecma::ast::Program::Module(m) = program else { return false };
    m.body.iter().any(|i| {
        matches!(i, swc_core::ecma::ast::ModuleItem::ModuleDecl(swc_core::ecma::ast::ModuleDecl::Import(d))
            if d.src.value.to_string_lossy() == "react")
    })
}

/// Every reset of a busy flag, wherever it stands in the body (not in nested
/// functions, nor in an existing `finally`): they belong in the new `finally`,
/// so that a failure never leaves a spinner turning. A busy flag is one the
/// function raises before its first await (`setSaving(true)`), or one with a
/// busy name (`setLoading`) reset at the very end. A reset that is the only
/// statement of its block stays (removing it would leave the block empty).
fn busy_resets(stmts: &[Stmt]) -> Vec<std::ops::Range<usize>> {
    let mut flags: Vec<&str> = Vec::new();
    for s in stmts {
        if awaits_outside_try(std::slice::from_ref(s)) {
            break;
        }
        if let Some((name, true)) = setter_call(s) {
            flags.push(name);
        }
    }
    let trailing =
        stmts.iter().rev().take_while(|s| matches!(setter_call(s), Some((n, false)) if is_busy_setter(n)));
    let mut out: Vec<std::ops::Range<usize>> = trailing.map(range).collect();
    if out.len() == stmts.len() {
        // A body that is nothing but resets stays as it is.
        out.clear();
    }
    struct Resets<'f> {
        flags: &'f [&'f str],
        out: Vec<std::ops::Range<usize>>,
    }
    impl Resets<'_> {
        fn block(&mut self, stmts: &[Stmt]) {
            if stmts.len() < 2 {
                return;
            }
            for s in stmts {
                if matches!(setter_call(s), Some((n, false)) if self.flags.contains(&n)) {
                    self.out.push(range(s));
                }
            }
        }
    }
    impl Visit for Resets<'_> {
        fn visit_block_stmt(&mut self, b: &swc_core::ecma::ast::BlockStmt) {
            self.block(&b.stmts);
            b.visit_children_with(self);
        }
        fn visit_try_stmt(&mut self, t: &swc_core::ecma::ast::TryStmt) {
            t.block.visit_with(self);
            t.handler.visit_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut r = Resets { flags: &flags, out: Vec::new() };
    r.block(stmts);
    for s in stmts {
        s.visit_with(&mut r);
    }
    for found in r.out {
        if !out.contains(&found) {
            out.push(found);
        }
    }
    out.sort_by_key(|r| r.start);
    out
}
