//! `fetch-ok`: `fetch` resolves on 404 and 500 too. A response whose body is read
//! (`.json()`, `.text()`, …) with no look at `ok` or `status` turns an error page
//! into data, or into an opaque JSON parse error. Insert
//! `if (!res.ok) throw new Error(...)` right after the await.
//!
//! Left alone, because a reviewer could object: responses checked anywhere after
//! the await, handed to other code before the body is read, read from a
//! switch case, fetched with `no-cors`/`manual` redirects (never `ok`), typed
//! as something other than `Response`, or whose body is inspected for an error
//! the server sent (`data.error`), which a throw would hide.

use swc_core::ecma::ast::{
    ArrowFunctionBody, Callee, Decl, Expr, Lit, MemberExpr, MemberProp, ModuleItem, ObjectPatProp, Pat, Prop,
    PropName, PropOrSpread, Stmt, SwitchCase, TsEntityName, TsType, VarDecl,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::edit::{after_stmt, After, Edit};
use crate::parse::{line_col, range};

pub struct FetchOk;

type LocalUrls = rustc_hash::FxHashSet<String>;

const BODY_READS: &[&str] = &["json", "text", "blob", "arrayBuffer", "formData", "bytes"];
/// Modules whose `fetch` behaves like the global one.
const FETCH_MODULES: &[&str] = &["node-fetch", "cross-fetch", "isomorphic-fetch", "undici"];
/// Fields of a parsed body that carry the server's own error report.
const ERROR_FIELDS: &[&str] = &["error", "errors", "message", "success", "ok", "status", "detail"];

impl Codemod for FetchOk {
    fn id(&self) -> &'static str {
        "fetch-ok"
    }

    fn title(&self) -> &'static str {
        "Check fetch responses (res.ok) before reading their body"
    }

    fn may_apply(&self, text: &str) -> bool {
        crate::text::has(text, "fetch(")
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        if file.unreachable() {
            return None;
        }
        // Developer scripts (smoke tests, benchmarks) read error bodies on purpose.
        if file.path.starts_with("scripts/") || file.path.contains("/scripts/") {
            return None;
        }
        // A local `Error` or `fetch` means the inserted code might not mean what it says.
        if file.bindings().declares("Error") {
            return None;
        }
        if file.bindings().declares("fetch")
            && !file.bindings().imported_from("fetch").is_some_and(|m| FETCH_MODULES.contains(&m))
        {
            return None;
        }
        let mut finder = Finder {
            file,
            edits: Vec::new(),
            lines: Vec::new(),
            inspected_thens: Vec::new(),
            handled_chains: Vec::new(),
            states: states(file.program, file.text),
            local_urls: file.local_urls(),
            in_all: 0,
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
                "fetch resolves on HTTP errors too; the response on line{plural} {lines} is read without checking `ok`, so an error page would be treated as data"
            ),
        })
    }
}

struct Finder<'a> {
    file: &'a FileCtx<'a>,
    edits: Vec<Edit>,
    lines: Vec<usize>,
    /// `fetch(…).then((r) => r.json())` calls whose next `.then` tests the
    /// body before use (by start offset).
    inspected_thens: Vec<usize>,
    /// Promise chains whose rejection something handles (a `.catch`, a
    /// caller it is returned to, an `await`), by start offset.
    handled_chains: Vec<usize>,
    /// What the file does with its React states.
    states: States,
    /// Names that only ever hold `data:`/`blob:` URLs.
    local_urls: LocalUrls,
    /// Inside the arguments of `Promise.all(…)`.
    in_all: usize,
}

impl Visit for Finder<'_> {
    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        let mut acted = false;
        for (i, stmt) in stmts.iter().enumerate() {
            self.consider(stmt, &stmts[i + 1..].iter().map(StmtRef::Stmt).collect::<Vec<_>>(), acted);
            acted |= acts(stmt);
        }
        stmts.visit_children_with(self);
    }

    fn visit_module_items(&mut self, items: &[ModuleItem]) {
        for (i, item) in items.iter().enumerate() {
            if let ModuleItem::Stmt(stmt) = item {
                self.consider(stmt, &items[i + 1..].iter().map(StmtRef::Item).collect::<Vec<_>>(), false);
            }
        }
        items.visit_children_with(self);
    }

    // fetch(url).then((res) => res.json())
    fn visit_call_expr(&mut self, call: &swc_core::ecma::ast::CallExpr) {
        // `Promise.all([...])`: one request's throw rejects its siblings too.
        let all = matches!(&call.callee, Callee::Expr(c) if matches!(&**c, Expr::Member(m)
            if matches!(&*m.obj, Expr::Ident(o) if &*o.sym == "Promise")
                && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "all")));
        if all {
            self.in_all += 1;
            call.visit_children_with(self);
            self.in_all -= 1;
            return;
        }
        if is_method_call(call, "catch") {
            self.handled_chains.push(range(call).start);
        }
        self.next_then_inspects(call);
        self.then_chain(call);
        call.visit_children_with(self);
    }

    // A chain returned (to a caller, to SWR) or awaited passes its rejection on.
    fn visit_return_stmt(&mut self, r: &swc_core::ecma::ast::ReturnStmt) {
        if let Some(arg) = &r.arg {
            self.handled_chains.push(range(crate::analysis::unparen(arg)).start);
        }
        r.visit_children_with(self);
    }

    fn visit_arrow_expr(&mut self, a: &swc_core::ecma::ast::ArrowExpr) {
        if let ArrowFunctionBody::Expr(e) = &*a.body {
            self.handled_chains.push(range(crate::analysis::unparen(e)).start);
        }
        a.visit_children_with(self);
    }

    fn visit_await_expr(&mut self, a: &swc_core::ecma::ast::AwaitExpr) {
        self.handled_chains.push(range(crate::analysis::unparen(&a.arg)).start);
        a.visit_children_with(self);
    }

    // A `const` in a case is scoped to the whole switch: its statements are
    // visited one by one (so nested blocks still count), never as a list.
    fn visit_switch_case(&mut self, case: &SwitchCase) {
        case.test.visit_with(self);
        for stmt in &case.cons {
            stmt.visit_with(self);
        }
    }
}

#[derive(Clone, Copy)]
enum StmtRef<'a> {
    Stmt(&'a Stmt),
    Item(&'a ModuleItem),
}

impl StmtRef<'_> {
    fn visit<V: Visit>(self, v: &mut V) {
        match self {
            StmtRef::Stmt(s) => s.visit_with(v),
            StmtRef::Item(i) => i.visit_with(v),
        }
    }

    fn stmt(&self) -> Option<&Stmt> {
        match self {
            StmtRef::Stmt(s) => Some(s),
            StmtRef::Item(ModuleItem::Stmt(s)) => Some(s),
            StmtRef::Item(_) => None,
        }
    }
}

impl Finder<'_> {
    /// `fetch(...).then((res) => res.json())`: the arrow gets a block that
    /// checks first.
    fn then_chain(&mut self, call: &swc_core::ecma::ast::CallExpr) {
        let Callee::Expr(callee) = &call.callee else { return };
        let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(then), .. }) = &**callee else { return };
        if &*then.sym != "then" || !is_fetch_call(obj, self.file, &self.local_urls) {
            return;
        }
        let Some(Expr::Arrow(arrow)) = call.args.first().map(|a| &*a.expr) else { return };
        let [Pat::Ident(param)] = arrow.params.as_slice() else { return };
        if param.type_ann.is_some() {
            return;
        }
        let ArrowFunctionBody::Expr(body) = &*arrow.body else { return };
        let Expr::Call(read) = &**body else { return };
        let Callee::Expr(read_callee) = &read.callee else { return };
        let Expr::Member(MemberExpr { obj: read_obj, prop: MemberProp::Ident(method), .. }) = &**read_callee
        else {
            return;
        };
        let name = param.id.sym.to_string();
        if !matches!(&**read_obj, Expr::Ident(i) if *i.sym == *name) || !BODY_READS.contains(&&*method.sym) {
            return;
        }
        if self.in_all > 0 {
            self.file.leave_alone(
                range(call).start,
                "requests run beside others in Promise.all (a throw hides them all)",
            );
            return;
        }
        if !self.handled_chains.contains(&range(call).start) {
            self.file
                .leave_alone(range(call).start, "promise chains whose rejection nothing handles (no .catch)");
            return;
        }
        if self.inspected_thens.contains(&range(call).start) {
            self.file.leave_alone(
                range(call).start,
                "responses whose body the code tests before use (the server's own error, a guard)",
            );
            return;
        }
        let text = self.file.text;
        let style = self.file.style();
        let body_range = range(&**body);
        let indent = crate::edit::line_indent(text, range(arrow).start);
        let inner = format!("{indent}{}", style.indent);
        let eol = style.eol;
        let semi = style.semi();
        let failed = self.request_failed(&name);
        let block = format!(
            "{{{eol}{inner}if (!{name}.ok) throw new Error(`{failed}`){semi}{eol}{inner}return {}{semi}{eol}{indent}}}",
            &text[body_range.clone()]
        );
        self.edits.push(Edit::replace(body_range, block));
        self.lines.push(line_col(text, range(arrow).start).0);
    }

    /// The thrown message, in the interface's language (it often reaches the screen).
    fn request_failed(&self, name: &str) -> String {
        crate::messages::request_failed(
            self.file.model.language_of(self.file.path),
            &format!("{name}.status"),
        )
    }

    /// `….then((data) => data.address?.city)`: the callback after a body
    /// read copes with an unexpected body itself.
    fn next_then_inspects(&mut self, call: &swc_core::ecma::ast::CallExpr) {
        let Callee::Expr(callee) = &call.callee else { return };
        let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(then), .. }) = &**callee else { return };
        if &*then.sym != "then" {
            return;
        }
        let Some(Expr::Call(previous)) = unwrap(obj) else { return };
        let (param, body): (&Pat, &dyn VisitWith<Fields>) = match call.args.first().map(|a| &*a.expr) {
            Some(Expr::Arrow(a)) => match (a.params.first(), &*a.body) {
                (Some(p), ArrowFunctionBody::Expr(e)) => (p, &**e),
                (Some(p), ArrowFunctionBody::FunctionBody(b)) => (p, b),
                _ => return,
            },
            Some(Expr::Fn(f)) => match (f.function.params.first(), &f.function.body) {
                (Some(p), Some(b)) => (&p.pat, b),
                _ => return,
            },
            _ => return,
        };
        let Pat::Ident(param) = param else { return };
        let mut fields = Fields::new(param.id.sym.to_string(), &self.states);
        body.visit_with(&mut fields);
        if fields.error_read {
            self.inspected_thens.push(range(previous).start);
        }
    }

    fn consider(&mut self, stmt: &Stmt, rest: &[StmtRef], after_action: bool) {
        let Some(name) = awaited_fetch(stmt, self.file, &self.local_urls) else { return };
        if self.in_all > 0 {
            self.file.leave_alone(
                range(stmt).start,
                "requests run beside others in Promise.all (a throw hides them all)",
            );
            return;
        }
        // A refresh after the flow's main action (an upload, a save) already
        // happened: a throw would report the action as failed.
        if after_action && reads_only(stmt) {
            self.file
                .leave_alone(range(stmt).start, "reads after the main action already happened (a refresh)");
            return;
        }
        let mut uses = Uses { name: name.clone(), shadowed: false, uses: Vec::new() };
        for later in rest {
            later.visit(&mut uses);
        }
        let at_stmt = range(stmt).start;
        if uses.shadowed {
            return;
        }
        if uses.uses.iter().any(|u| u.kind == Use::Checked) {
            self.file.leave_alone(at_stmt, "responses whose ok or status the code already looks at");
            return;
        }
        // The body must be read before the response goes anywhere else (a
        // helper it is passed to may well check it).
        let first = uses.uses.iter().find(|u| u.kind != Use::Harmless);
        let failed = self.request_failed(&name);
        let failure = match first.map(|f| f.kind) {
            Some(Use::BodyRead) => match body_use(first.map_or(0, |f| f.at), rest, &self.states) {
                BodyUse::Inspected => {
                    self.file.leave_alone(
                        at_stmt,
                        "responses whose body the code tests before use (the server's own error, a guard)",
                    );
                    return;
                }
                // The log already shows what the server answered, error or not.
                BodyUse::OnlyLogged => {
                    self.file.leave_alone(
                        at_stmt,
                        "responses whose body is only logged (the log shows the answer)",
                    );
                    return;
                }
                BodyUse::Forwarded => {
                    self.file.leave_alone(
                        at_stmt,
                        "responses whose body is passed on whole (its receiver reads it)",
                    );
                    return;
                }
                BodyUse::Used => format!("throw new Error(`{failed}`)"),
            },
            // Sent and never touched (a webhook, a notification): a failure was
            // silent. Logged, not thrown: what came before it already happened.
            None if uses.uses.is_empty() => format!("console.error(`{failed}`)"),
            None => {
                self.file.leave_alone(at_stmt, "responses whose headers alone the code reads");
                return;
            }
            Some(_) => {
                self.file.leave_alone(at_stmt, "responses handed to other code before their body is read");
                return;
            }
        };
        let text = self.file.text;
        let stmt_range = range(stmt);
        let Some(After { at, eol, indent, semi }) = after_stmt(text, self.file.style(), stmt_range.clone())
        else {
            return;
        };
        let check = format!("{eol}{indent}if (!{name}.ok) {failure}{semi}");
        self.edits.push(Edit::insert(at, check));
        self.lines.push(line_col(text, stmt_range.start).0);
    }
}

/// `const res = await fetch(...)` (also `let`, a `Response` annotation,
/// parentheses, `as Response`, `window.fetch`/`globalThis.fetch`): the
/// variable's name.
fn awaited_fetch(stmt: &Stmt, file: &FileCtx, local_urls: &LocalUrls) -> Option<String> {
    let Stmt::Decl(Decl::Var(decl)) = stmt else { return None };
    let VarDecl { decls, .. } = &**decl;
    let [declarator] = decls.as_slice() else { return None };
    let Pat::Ident(binding) = &declarator.name else { return None };
    if let Some(annotation) = &binding.type_ann {
        if !is_response_type(&annotation.type_ann) {
            return None;
        }
    }
    let Expr::Await(await_expr) = unwrap(declarator.init.as_deref()?)? else { return None };
    if !is_fetch_call(&await_expr.arg, file, local_urls) {
        return None;
    }
    Some(binding.id.sym.to_string())
}

/// `fetch(...)`, `window.fetch(...)`, `globalThis.fetch(...)`, not asking for
/// an opaque response.
fn is_fetch_call(expr: &Expr, file: &FileCtx, local_urls: &LocalUrls) -> bool {
    let Some(Expr::Call(call)) = unwrap(expr) else { return false };
    let Callee::Expr(callee) = &call.callee else { return false };
    let is_fetch = match unwrap(callee) {
        Some(Expr::Ident(id)) => &*id.sym == "fetch",
        Some(Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(prop), .. })) => {
            &*prop.sym == "fetch"
                && matches!(unwrap(obj), Some(Expr::Ident(o))
                    if matches!(&*o.sym, "window" | "globalThis" | "self") && !file.bindings().declares(&o.sym))
        }
        _ => false,
    };
    is_fetch
        && !call.args.iter().any(|a| never_ok(&a.expr))
        && !call.args.first().is_some_and(|a| crate::local_urls::is_local(&a.expr, local_urls))
}

/// An init object asking for a response that is never `ok` (opaque).
fn never_ok(arg: &Expr) -> bool {
    let Expr::Object(object) = arg else { return false };
    object.props.iter().any(|p| {
        let PropOrSpread::Prop(prop) = p else { return false };
        let Prop::KeyValue(kv) = &**prop else { return false };
        let key = match &kv.key {
            PropName::Ident(i) => i.sym.to_string(),
            PropName::Str(s) => s.value.to_string_lossy().into_owned(),
            _ => return false,
        };
        let value = match &*kv.value {
            Expr::Lit(Lit::Str(s)) => s.value.to_string_lossy().into_owned(),
            _ => return false,
        };
        matches!((key.as_str(), value.as_str()), ("mode", "no-cors") | ("redirect", "manual"))
    })
}

fn is_response_type(ty: &TsType) -> bool {
    matches!(ty, TsType::TsTypeRef(r)
        if matches!(&r.type_name, TsEntityName::Ident(i) if &*i.sym == "Response") && r.type_params.is_none())
}

/// Strips parentheses and `as Response`/`!`; any other TypeScript wrapper means
/// the value is not what it seems (`None`).
fn unwrap(mut expr: &Expr) -> Option<&Expr> {
    loop {
        expr = match expr {
            Expr::Paren(e) => &e.expr,
            Expr::TsNonNull(e) => &e.expr,
            Expr::TsAs(e) if is_response_type(&e.type_ann) => &e.expr,
            Expr::TsAs(_) | Expr::TsSatisfies(_) | Expr::TsTypeAssertion(_) => return None,
            _ => return Some(expr),
        }
    }
}

/// The code reads the server's error report from the parsed body
/// (`const data = await res.json(); if (data.error) …`), or copes with an
/// unexpected body on its own (`data?.items || []`, `Array.isArray(data)`):
/// a throw before it would replace that handling.
fn body_use(read_at: usize, rest: &[StmtRef], states: &States) -> BodyUse {
    let Some(index) = rest.iter().position(|s| {
        let r = match s {
            StmtRef::Stmt(s) => range(*s),
            StmtRef::Item(i) => range(*i),
        };
        r.contains(&read_at)
    }) else {
        return BodyUse::Used;
    };
    let Some(Stmt::Decl(Decl::Var(decl))) = rest[index].stmt() else { return BodyUse::Used };
    let [declarator] = decl.decls.as_slice() else { return BodyUse::Used };
    match &declarator.name {
        Pat::Ident(b) => {
            let mut fields = Fields::new(b.id.sym.to_string(), states);
            for later in &rest[index + 1..] {
                later.visit(&mut fields);
            }
            if fields.error_read {
                BodyUse::Inspected
            } else if fields.forwarded && !fields.used {
                BodyUse::Forwarded
            } else if fields.used {
                BodyUse::Used
            } else {
                BodyUse::OnlyLogged
            }
        }
        Pat::Object(object) => {
            let inspected = object.props.iter().any(|p| match p {
                ObjectPatProp::KeyValue(kv) => {
                    matches!(&kv.key, PropName::Ident(i) if ERROR_FIELDS.contains(&&*i.sym))
                }
                ObjectPatProp::Assign(a) => ERROR_FIELDS.contains(&&*a.key.sym),
                ObjectPatProp::Rest(_) => false,
            });
            if inspected {
                BodyUse::Inspected
            } else {
                BodyUse::Used
            }
        }
        _ => BodyUse::Used,
    }
}

/// What the code does with a parsed body.
enum BodyUse {
    /// Tests it before use (the server's own error, a guard such as
    /// `if (data.items)`): a throw before it would replace that handling.
    Inspected,
    /// Only logs it (or never reads it).
    OnlyLogged,
    /// Hands it on whole (into a response, `JSON.stringify`): its receiver reads it.
    Forwarded,
    Used,
}

/// `a` in `a.b?.c[0]`.
fn root_ident(mut e: &Expr) -> Option<&str> {
    loop {
        e = match e {
            Expr::Member(m) => &m.obj,
            Expr::OptChain(c) => match &*c.base {
                swc_core::ecma::ast::OptChainBase::Member(m) => &m.obj,
                swc_core::ecma::ast::OptChainBase::Call(c) => &c.callee,
            },
            Expr::Paren(p) => &p.expr,
            Expr::Ident(i) => return Some(&i.sym),
            _ => return None,
        }
    }
}

struct Fields<'s> {
    name: String,
    error_read: bool,
    /// Read other than in a log line or a hand-over.
    used: bool,
    forwarded: bool,
    states: &'s States,
}

impl<'s> Fields<'s> {
    fn new(name: String, states: &'s States) -> Self {
        Fields { name, error_read: false, used: false, forwarded: false, states }
    }

    fn is_name(&self, e: &Expr) -> bool {
        matches!(unwrap(e), Some(Expr::Ident(i)) if *i.sym == *self.name)
    }
}

impl Visit for Fields<'_> {
    fn visit_ident(&mut self, i: &swc_core::ecma::ast::Ident) {
        self.used |= *i.sym == *self.name;
    }

    // `if (data.items)`, `data.routes && …`, `data.results.length > 0 ? … : …`:
    // the code tests the body before it relies on it.
    fn visit_if_stmt(&mut self, s: &swc_core::ecma::ast::IfStmt) {
        self.error_read |= crate::analysis::mentions(&s.test, &self.name);
        s.visit_children_with(self);
    }

    fn visit_cond_expr(&mut self, c: &swc_core::ecma::ast::CondExpr) {
        self.error_read |= crate::analysis::mentions(&c.test, &self.name);
        c.visit_children_with(self);
    }

    fn visit_bin_expr(&mut self, b: &swc_core::ecma::ast::BinExpr) {
        use swc_core::ecma::ast::BinaryOp;
        if matches!(b.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) {
            self.error_read |= crate::analysis::mentions(&b.left, &self.name);
        }
        b.visit_children_with(self);
    }

    // `data?.items || []`: the code already copes with an unexpected body.
    fn visit_opt_chain_expr(&mut self, chain: &swc_core::ecma::ast::OptChainExpr) {
        if let swc_core::ecma::ast::OptChainBase::Member(m) = &*chain.base {
            if root_ident(&m.obj).is_some_and(|root| *root == *self.name) {
                self.error_read = true;
            }
        }
        chain.visit_children_with(self);
    }

    // `Array.isArray(data)`: the shape is checked before use.
    fn visit_call_expr(&mut self, call: &swc_core::ecma::ast::CallExpr) {
        let is_array_check = matches!(&call.callee, Callee::Expr(c) if matches!(&**c, Expr::Member(m)
            if matches!(&*m.obj, Expr::Ident(o) if &*o.sym == "Array")
                && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "isArray")));
        if is_array_check
            && call
                .args
                .iter()
                .any(|a| matches!(unwrap(&a.expr), Some(Expr::Ident(i)) if *i.sym == *self.name))
        {
            self.error_read = true;
        }
        // `toast.success(data.message)`: the body shown on success is no
        // inspection of an error.
        let success = matches!(&call.callee, Callee::Expr(c) if matches!(&**c, Expr::Member(m)
            if matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "success")));
        if success {
            call.callee.visit_with(self);
            self.used = true;
            return;
        }
        if crate::analysis::is_log_call(call) {
            return;
        }
        let Callee::Expr(callee) = &call.callee else {
            call.visit_children_with(self);
            return;
        };
        let whole = matches!(call.args.as_slice(), [a] if self.is_name(&a.expr));
        // `setStatus(data)` where the page tests `status?.connected`: it copes.
        let setter = match &**callee {
            Expr::Ident(f) if whole => Some(&*f.sym),
            _ => None,
        };
        if setter.is_some_and(|f| self.states.tested.iter().any(|s| s == f)) {
            self.error_read = true;
            return;
        }
        // Stored in a state nothing reads (debug output): no use at all.
        if setter.is_some_and(|f| self.states.unread.iter().any(|s| s == f)) {
            return;
        }
        // `JSON.stringify(data)`, `res.json(data)`: passed on to whoever asked.
        let hand_over = matches!(&**callee, Expr::Member(m) if matches!(&m.prop, MemberProp::Ident(p)
            if matches!(&*p.sym, "stringify" | "json" | "send")));
        if whole && hand_over {
            self.forwarded = true;
            return;
        }
        call.visit_children_with(self);
    }

    fn visit_member_expr(&mut self, member: &MemberExpr) {
        if let (Some(Expr::Ident(obj)), MemberProp::Ident(prop)) = (unwrap(&member.obj), &member.prop) {
            if *obj.sym == *self.name && ERROR_FIELDS.contains(&&*prop.sym) {
                self.error_read = true;
            }
        }
        member.visit_children_with(self);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Use {
    /// `res.json()` and friends.
    BodyRead,
    /// `res.ok`, `res.status`: somebody already looks at the outcome.
    Checked,
    /// `res.headers`, `res.url`, …
    Harmless,
    /// Passed, returned, stored or reassigned: it may be checked elsewhere.
    Escapes,
}

#[derive(Clone, Copy, Debug)]
struct Found {
    kind: Use,
    /// Byte offset of the use.
    at: usize,
}

/// The uses of one name, in source order.
struct Uses {
    name: String,
    shadowed: bool,
    uses: Vec<Found>,
}

impl Visit for Uses {
    fn visit_member_expr(&mut self, member: &MemberExpr) {
        if matches!(unwrap(&member.obj), Some(Expr::Ident(id)) if *id.sym == *self.name) {
            let kind = match &member.prop {
                MemberProp::Ident(p) => match &*p.sym {
                    "ok" | "status" | "statusText" => Use::Checked,
                    p if BODY_READS.contains(&p) => Use::BodyRead,
                    _ => Use::Harmless,
                },
                _ => Use::Escapes,
            };
            self.uses.push(Found { kind, at: range(member).start });
            return;
        }
        member.visit_children_with(self);
    }

    fn visit_ident(&mut self, id: &swc_core::ecma::ast::Ident) {
        if *id.sym == *self.name {
            self.uses.push(Found { kind: Use::Escapes, at: range(id).start });
        }
    }

    // A nested declaration of the same name makes the simple reading unsafe.
    fn visit_pat(&mut self, pat: &Pat) {
        if matches!(pat, Pat::Ident(b) if *b.id.sym == *self.name) {
            self.shadowed = true;
        }
        pat.visit_children_with(self);
    }
}

/// `x.method(…)`.
fn is_method_call(call: &swc_core::ecma::ast::CallExpr, method: &str) -> bool {
    matches!(&call.callee, Callee::Expr(c) if matches!(&**c, Expr::Member(m)
        if matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == method)))
}

/// What a file does with its React states, by setter.
#[derive(Default)]
struct States {
    /// Read defensively or for an error (`status?.connected`, `result.error`,
    /// `stats?.users`): a body stored there is tested before use, even if the
    /// test is in the JSX.
    tested: Vec<String>,
    /// Never read at all (`debugData` set and never shown).
    unread: Vec<String>,
}

fn states(program: &swc_core::ecma::ast::Program, text: &str) -> States {
    /// For each state: (tested, mentions besides its own declaration).
    struct Reads(rustc_hash::FxHashMap<String, (bool, usize)>);
    impl Reads {
        fn test(&mut self, name: &str) {
            if let Some(r) = self.0.get_mut(name) {
                r.0 = true;
            }
        }
    }
    impl Visit for Reads {
        fn visit_opt_chain_expr(&mut self, chain: &swc_core::ecma::ast::OptChainExpr) {
            if let swc_core::ecma::ast::OptChainBase::Member(m) = &*chain.base {
                if let Some(root) = root_ident(&m.obj) {
                    self.test(root);
                }
            }
            chain.visit_children_with(self);
        }
        fn visit_member_expr(&mut self, m: &MemberExpr) {
            if let (Some(Expr::Ident(obj)), MemberProp::Ident(prop)) = (unwrap(&m.obj), &m.prop) {
                if ERROR_FIELDS.contains(&&*prop.sym) {
                    self.test(&obj.sym);
                }
            }
            m.visit_children_with(self);
        }
        fn visit_ident(&mut self, i: &swc_core::ecma::ast::Ident) {
            if let Some(r) = self.0.get_mut(&*i.sym) {
                r.1 += 1;
            }
        }
        // The declaration `const [state, setState] = useState(…)` is no read.
        fn visit_var_declarator(&mut self, d: &swc_core::ecma::ast::VarDeclarator) {
            d.init.visit_with(self);
        }
    }
    let mut out = States::default();
    if !crate::text::has(text, "useState") {
        return out;
    }
    let declared = crate::analysis::use_states(program);
    let mut reads = Reads(declared.iter().map(|s| (s.state.clone(), (false, 0))).collect());
    program.visit_with(&mut reads);
    for s in declared {
        match reads.0.get(&s.state) {
            Some((true, _)) => out.tested.push(s.setter),
            Some((false, 0)) => out.unread.push(s.setter),
            _ => {}
        }
    }
    out
}

/// The statement awaits the flow's action: a request that changes something
/// (`fetch(url, { method: "POST" })`) or a call named for one (`await
/// uploadCatalog(file)`, `await saveOrder(o)`).
fn acts(stmt: &Stmt) -> bool {
    let awaited = match stmt {
        Stmt::Decl(Decl::Var(v)) => v.decls.first().and_then(|d| d.init.as_deref()),
        Stmt::Expr(e) => Some(&*e.expr),
        _ => None,
    };
    let Some(Expr::Await(a)) = awaited.and_then(unwrap) else { return false };
    let Some(Expr::Call(c)) = unwrap(&a.arg) else { return false };
    let Callee::Expr(callee) = &c.callee else { return false };
    let name = match &**callee {
        Expr::Ident(i) => i.sym.to_string(),
        Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) => p.sym.to_string(),
        _ => return false,
    };
    if name == "fetch" {
        return !method_is_get(c);
    }
    const VERBS: &[&str] = &[
        "create", "save", "upload", "delete", "update", "insert", "add", "remove", "apply", "import",
        "submit",
    ];
    VERBS.iter().any(|v| name.starts_with(v) && name[v.len()..].starts_with(|c: char| c.is_ascii_uppercase()))
}

/// `const res = await fetch(url)` with no method or `GET`: it only reads.
fn reads_only(stmt: &Stmt) -> bool {
    let Stmt::Decl(Decl::Var(v)) = stmt else { return false };
    let Some(Expr::Await(a)) = v.decls.first().and_then(|d| d.init.as_deref()).and_then(unwrap) else {
        return false;
    };
    matches!(unwrap(&a.arg), Some(Expr::Call(c)) if method_is_get(c))
}

/// A `fetch` call's init asks for no method other than `GET`.
fn method_is_get(c: &swc_core::ecma::ast::CallExpr) -> bool {
    let Some(init) = c.args.get(1) else { return true };
    let Expr::Object(o) = &*init.expr else { return false };
    o.props.iter().all(|p| {
        let PropOrSpread::Prop(p) = p else { return false };
        let Prop::KeyValue(kv) = &**p else { return true };
        let is_method = matches!(&kv.key, PropName::Ident(k) if &*k.sym == "method");
        !is_method || matches!(&*kv.value, Expr::Lit(Lit::Str(s)) if s.value.to_string_lossy().eq_ignore_ascii_case("get"))
    })
}
