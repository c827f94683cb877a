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

use crate::analysis::strip_ts;
use crate::analysis::{declares_toast_hook, has_jsx, Bindings, ToastApi};
use crate::codemod::{Codemod, FileCtx, Proposal, Stack};
use crate::edit::Edit;
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
            supabase: &file.clients().names,
            edits: Vec::new(),
            found: Vec::new(),
        };
        file.program.visit_with(&mut finder);
        if finder.edits.is_empty() {
            return None;
        }
        let list = finder.found.join(", ");
        let report = match &finder.toast {
            Some(_) => "logs the error and shows a toast",
            None => "logs the error (the file has no toast to tell the user with)",
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
    /// Same-file functions whose awaits all sit inside their own try.
    catches_all: HashSet<String>,
    /// Same-file async functions that await outside a try.
    risky_locals: HashSet<String>,
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

    fn visit_fn_decl(&mut self, f: &FnDecl) {
        if let Some(b) = &f.function.body {
            if catches_everything(&b.stmts) {
                self.catches_all.insert(f.ident.sym.to_string());
            } else if f.function.is_async && awaits_outside_try(&b.stmts) {
                self.risky_locals.insert(f.ident.sym.to_string());
            }
        }
        f.function.visit_with(self);
    }

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        if let (Pat::Ident(name), Some(Expr::Arrow(a))) = (&d.name, d.init.as_deref()) {
            if let ArrowFunctionBody::FunctionBody(b) = &*a.body {
                if catches_everything(&b.stmts) {
                    self.catches_all.insert(name.id.sym.to_string());
                } else if a.is_async && awaits_outside_try(&b.stmts) {
                    self.risky_locals.insert(name.id.sym.to_string());
                }
            }
        }
        d.visit_children_with(self);
    }

    fn visit_jsx_attr(&mut self, attr: &JSXAttr) {
        if let Some(JSXAttrValue::JSXExprContainer(c)) = &attr.value {
            if let JSXExpr::Expr(e) = &c.expr {
                match &**e {
                    Expr::Ident(id) => {
                        *self.handler_uses.entry(id.sym.to_string()).or_default() += 1;
                        self.jsx_uses.insert(id.sym.to_string());
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
    supabase: &'a HashSet<String>,
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
                    && self.wrap(&body, &name)
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
            && self.wrap(&Body::Function(&f.function), &name)
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
                    if is_event(&attr_name.sym) && self.wrap(&init_fn(a), &attr_name.sym) {
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
                        if c.args.is_empty() && self.in_effect > 0 && self.wrap(&init_fn(a), "effect") {
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
    fn wrap(&mut self, body: &Body, name: &str) -> bool {
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
        if !is_async || stmts.is_empty() || !awaits_outside_try(stmts) || returns_value(stmts) {
            return false;
        }
        // Only timers, or same-file functions that catch everything: nothing to catch.
        let evidence = Evidence {
            catches_all: &self.refs.catches_all,
            risky_locals: &self.refs.risky_locals,
            bindings: self.file.bindings(),
            supabase: self.supabase,
        };
        if !awaits_something_that_can_fail(stmts, &evidence) {
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
        let toast_in_scope = self
            .toast
            .as_ref()
            .filter(|t| (!t.via_hook || self.hooks.iter().any(|h| *h)) && t.fits_language());
        if let Some(toast) = toast_in_scope {
            lines.push(format!("{}{}", toast.call(toast.user_message(), style), style.semi()));
        }
        let finally_from = stmts.len() - trailing_resets(stmts);
        let edit = wrap_in_try_finally(self.file.text, style, stmts, finally_from, block.end, param, &lines)
            .or_else(|| wrap_in_try(self.file.text, style, stmts, block.end, param, &lines));
        let Some(edit) = edit else { return false };
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
            let style = self.file.style();
            let catch = format!(
                ".catch(({param}) => console.error({}, {param}))",
                style.quoted(&format!("{root} failed:")),
                param = "error"
            );
            let end = range(&*s.expr).end;
            self.found.push(format!("`{root}().then(…)` on line {}", line_col(self.file.text, end).0));
            self.edits.push(Edit::insert(end, catch));
        }
    }
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

/// A body with a try whose awaits all sit inside it.
fn catches_everything(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| matches!(s, Stmt::Try(_))) && !awaits_outside_try(stmts)
}

/// What is known about the functions a handler awaits.
struct Evidence<'a> {
    /// Same-file functions whose awaits all sit inside their own try.
    catches_all: &'a HashSet<String>,
    /// Same-file async functions that can reject.
    risky_locals: &'a HashSet<String>,
    bindings: &'a Bindings,
    /// Supabase clients: their calls resolve with `{ data, error }`, never reject.
    supabase: &'a HashSet<String>,
}

/// Whether some await outside a try can be shown to reject: `fetch`, a body
/// read, an imported function or API object, a same-file function that does
/// not catch. Timers, Supabase calls, same-file functions that catch
/// everything, and functions of unknown origin (props, hook results) do not
/// count: wrapping those would only add noise.
fn awaits_something_that_can_fail(stmts: &[Stmt], evidence: &Evidence) -> bool {
    struct Awaits<'e, 'a> {
        evidence: &'e Evidence<'a>,
        risky: bool,
    }
    impl Awaits<'_, '_> {
        fn can_reject(&self, e: &Expr) -> bool {
            let Expr::Call(c) = strip_ts(e) else { return false };
            let Callee::Expr(callee) = &c.callee else { return false };
            match strip_ts(callee) {
                Expr::Ident(i) => {
                    let name = &*i.sym;
                    name == "fetch"
                        || self.evidence.risky_locals.contains(name)
                        || (self.evidence.bindings.imported_from(name).is_some()
                            && !self.evidence.catches_all.contains(name)
                            && !self.evidence.supabase.contains(name))
                }
                Expr::Member(m) => {
                    let read = matches!(&m.prop, MemberProp::Ident(p) if matches!(&*p.sym, "json" | "text" | "blob" | "arrayBuffer" | "formData"));
                    let mut root = &*m.obj;
                    loop {
                        root = match strip_ts(root) {
                            Expr::Member(inner) => &inner.obj,
                            Expr::Call(inner) => match &inner.callee {
                                Callee::Expr(c) => c,
                                _ => return read,
                            },
                            _ => break,
                        };
                    }
                    match strip_ts(root) {
                        Expr::Ident(r) if self.evidence.supabase.contains(&*r.sym) => false,
                        Expr::Ident(r) if &*r.sym == "fetch" => true,
                        Expr::Ident(r) => read || self.evidence.bindings.imported_from(&r.sym).is_some(),
                        _ => read,
                    }
                }
                _ => false,
            }
        }
    }
    impl Visit for Awaits<'_, '_> {
        fn visit_await_expr(&mut self, a: &swc_core::ecma::ast::AwaitExpr) {
            self.risky |= self.can_reject(&a.arg);
            a.visit_children_with(self);
        }
        fn visit_try_stmt(&mut self, t: &swc_core::ecma::ast::TryStmt) {
            t.handler.visit_with(self);
            t.finalizer.visit_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut v = Awaits { evidence, risky: false };
    for s in stmts {
        s.visit_with(&mut v);
    }
    v.risky
}

fn is_busy_setter(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("set") else { return false };
    let rest = rest.strip_prefix("Is").unwrap_or(rest);
    [
        "Loading",
        "Saving",
        "Submitting",
        "Sending",
        "Busy",
        "Pending",
        "Processing",
        "Uploading",
        "Deleting",
        "Updating",
        "Creating",
        "Fetching",
    ]
    .iter()
    .any(|w| rest.ends_with(w))
}

/// How many statements at the end are state resets (`setLoading(false)`),
/// which belong in a `finally` so that a failure does not leave a spinner.
fn trailing_resets(stmts: &[Stmt]) -> usize {
    let is_reset = |s: &Stmt| {
        let Stmt::Expr(e) = s else { return false };
        let Expr::Call(c) = &*e.expr else { return false };
        // Busy flags only (`setLoading`, `setIsSubmitting`, `setSaving`): not
        // visibility or data, whose reset on failure would change what shows.
        let setter =
            matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if is_busy_setter(&i.sym)));
        let to_false = matches!(c.args.as_slice(), [a] if matches!(&*a.expr, Expr::Lit(swc_core::ecma::ast::Lit::Bool(b)) if !b.value));
        setter && to_false
    };
    let count = stmts.iter().rev().take_while(|s| is_reset(s)).count();
    // Resets only make sense after the work; a body that is nothing but them stays as is.
    if count == stmts.len() {
        0
    } else {
        count
    }
}
