//! Where an entry point reads its input: `await req.json()` into a
//! declaration, `req.body`/`req.query`/`req.params` reads, `formData()` and
//! `searchParams` gets, and whether something already validates it.

use swc_core::ecma::ast::{
    AwaitExpr, CallExpr, Callee, Decl, Expr, Ident, Lit, MemberExpr, MemberProp, ObjectPatProp, Pat,
    PropName, Stmt, TsKeywordTypeKind, TsType, VarDecl,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use super::evidence::orm::prisma_write;
use crate::analysis::strip_ts;
use crate::parse::range;

/// `searchParams.get("key")` keys, and those the code turns into numbers.
pub(crate) struct SearchGets {
    pub(crate) keys: Vec<String>,
    pub(crate) numbers: Vec<String>,
}

impl SearchGets {
    pub(crate) fn key(e: &Expr) -> Option<String> {
        let Expr::Call(c) = strip_ts(e) else { return None };
        let Callee::Expr(callee) = &c.callee else { return None };
        let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee else { return None };
        if &*p.sym != "get" || !matches!(&**obj, Expr::Ident(i) if &*i.sym == "searchParams") {
            return None;
        }
        match c.args.first().map(|a| &*a.expr) {
            Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_string_lossy().into_owned()),
            _ => None,
        }
    }
}

impl Visit for SearchGets {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        let call = Expr::Call(c.clone());
        if let Some(key) = SearchGets::key(&call) {
            if !self.keys.contains(&key) {
                self.keys.push(key);
            }
        }
        let to_number = matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if matches!(&*i.sym, "Number")));
        if to_number {
            if let Some(key) = c.args.first().and_then(|a| SearchGets::key(&a.expr)) {
                self.numbers.push(key);
            }
        }
        c.visit_children_with(self);
    }
}

/// Builds the statement that refuses bad input, from the issues expression
/// and the file's quoting.
pub(crate) type Reject<'a> = &'a dyn Fn(&str, &dyn Fn(&str) -> String) -> String;

/// Where a form comes from.
#[derive(Clone, Copy)]
pub(crate) enum FormSource<'a> {
    /// `const form = await request.formData()`
    Request(&'a str),
    /// A server action's `formData: FormData` parameter.
    Param(&'a str),
}

pub(crate) enum Insert {
    After(usize),
    Before(usize),
}

/// `form.get("key")` calls (with ranges), and whether the form is used any
/// other way (then the fields are not all known).
pub(crate) struct FormGets<'f> {
    pub(crate) form: &'f str,
    pub(crate) gets: Vec<(std::ops::Range<usize>, String)>,
    pub(crate) other_use: bool,
    /// Keys the code defaults (`form.get("x") ?? …`) or tests against null.
    pub(crate) optional: Vec<String>,
    pub(crate) numbers: Vec<String>,
    /// Keys cast to something other than `string` (`as File`): not text.
    pub(crate) not_text: Vec<String>,
}

impl FormGets<'_> {
    pub(crate) fn key(&self, e: &Expr) -> Option<String> {
        let Expr::Call(c) = strip_ts(e) else { return None };
        let Callee::Expr(callee) = &c.callee else { return None };
        let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee else { return None };
        if &*p.sym != "get" || !matches!(&**obj, Expr::Ident(i) if &*i.sym == self.form) {
            return None;
        }
        match c.args.first().map(|a| &*a.expr) {
            Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_string_lossy().into_owned()),
            _ => None,
        }
    }
}

impl Visit for FormGets<'_> {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Some(key) = self.key(&Expr::Call(c.clone())) {
            self.gets.push((range(c), key));
            return;
        }
        if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "Number")) {
            if let Some(key) = c.args.first().and_then(|a| self.key(&a.expr)) {
                self.numbers.push(key);
            }
        }
        c.visit_children_with(self);
    }

    fn visit_ts_as_expr(&mut self, a: &swc_core::ecma::ast::TsAsExpr) {
        let is_string =
            matches!(&*a.type_ann, TsType::TsKeywordType(k) if k.kind == TsKeywordTypeKind::TsStringKeyword);
        if let Some(key) = self.key(&a.expr) {
            if !is_string {
                self.not_text.push(key);
            }
        }
        a.visit_children_with(self);
    }

    fn visit_bin_expr(&mut self, b: &swc_core::ecma::ast::BinExpr) {
        use swc_core::ecma::ast::BinaryOp;
        if matches!(
            b.op,
            BinaryOp::NullishCoalescing
                | BinaryOp::LogicalOr
                | BinaryOp::EqEq
                | BinaryOp::EqEqEq
                | BinaryOp::NotEq
                | BinaryOp::NotEqEq
        ) {
            if let Some(key) = self.key(&b.left) {
                self.optional.push(key);
            }
        }
        b.visit_children_with(self);
    }

    fn visit_ident(&mut self, i: &Ident) {
        if &*i.sym == self.form {
            self.other_use = true;
        }
    }

    fn visit_binding_ident(&mut self, b: &swc_core::ecma::ast::BindingIdent) {
        b.type_ann.visit_with(self);
    }
}

/// What part of the request is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Body,
    Query,
    Params,
}

impl Source {
    pub(crate) fn prop(self) -> &'static str {
        match self {
            Source::Body => "body",
            Source::Query => "query",
            Source::Params => "params",
        }
    }

    pub(crate) fn parsed_names(self) -> &'static [&'static str] {
        match self {
            Source::Body => &["parsed", "parsedBody", "input"],
            Source::Query => &["parsedQuery", "queryInput"],
            Source::Params => &["parsedParams", "paramsInput"],
        }
    }

    pub(crate) fn invalid(self) -> &'static str {
        match self {
            Source::Body => "Invalid request body",
            Source::Query => "Invalid query parameters",
            Source::Params => "Invalid route parameters",
        }
    }
}

/// How the framework answers.
#[derive(Clone, Copy)]
pub(crate) enum Reply {
    /// `res.status(400).json(…)` (Express, Next pages API).
    Express,
    /// `reply.code(400).send(…)`.
    Fastify,
}

pub(crate) fn cast_type(e: &Expr) -> Option<&TsType> {
    match e {
        Expr::TsAs(a) => Some(&a.type_ann),
        Expr::Paren(p) => cast_type(&p.expr),
        _ => None,
    }
}

/// `await req.<method>()` (`json`, `formData`).
pub(crate) fn is_request_read(e: &Expr, req: &str, method: &str) -> bool {
    let Expr::Await(AwaitExpr { arg, .. }) = strip_ts(e) else { return false };
    let Expr::Call(CallExpr { callee: Callee::Expr(callee), args, .. }) = strip_ts(arg) else { return false };
    args.is_empty()
        && matches!(&**callee, Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. })
            if *p.sym == *method && matches!(&**obj, Expr::Ident(i) if &*i.sym == req))
}

/// `const x = await req.<method>()`, directly in the body or in a try block
/// that is.
pub(crate) fn find_request_read<'s>(
    stmts: &'s [Stmt],
    req: &str,
    method: &str,
) -> Option<(&'s Stmt, &'s VarDecl)> {
    for stmt in stmts {
        match stmt {
            Stmt::Decl(Decl::Var(v)) => {
                if let [d] = v.decls.as_slice() {
                    if d.init.as_deref().is_some_and(|i| is_request_read(i, req, method)) {
                        return Some((stmt, v));
                    }
                }
            }
            Stmt::Try(t) => {
                if let Some(found) = find_request_read(&t.block.stmts, req, method) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

/// Somebody already parses with a schema here.
pub(crate) fn already_validates(stmts: &[Stmt]) -> bool {
    struct Find(bool);
    impl Visit for Find {
        fn visit_member_expr(&mut self, m: &MemberExpr) {
            if let MemberProp::Ident(p) = &m.prop {
                let is_json = matches!(&*m.obj, Expr::Ident(i) if &*i.sym == "JSON");
                if matches!(&*p.sym, "safeParse" | "parse" | "parseAsync" | "safeParseAsync" | "validate")
                    && !is_json
                {
                    self.0 = true;
                }
            }
            m.visit_children_with(self);
        }
    }
    let mut f = Find(false);
    for s in stmts {
        s.visit_with(&mut f);
    }
    f.0
}

/// `name.field` reads, and whether `name` is used whole.
pub(crate) struct Members<'n> {
    pub(crate) name: &'n str,
    pub(crate) fields: Vec<String>,
    pub(crate) whole: bool,
}

impl Visit for Members<'_> {
    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if matches!(&*m.obj, Expr::Ident(i) if &*i.sym == self.name) {
            match &m.prop {
                MemberProp::Ident(p) if !self.fields.contains(&p.sym.to_string()) => {
                    self.fields.push(p.sym.to_string())
                }
                MemberProp::Ident(_) => {}
                _ => self.whole = true,
            }
            return;
        }
        m.visit_children_with(self);
    }

    fn visit_ident(&mut self, i: &Ident) {
        if &*i.sym == self.name {
            self.whole = true;
        }
    }

    // Its own declaration is not a use.
    fn visit_binding_ident(&mut self, b: &swc_core::ecma::ast::BindingIdent) {
        b.type_ann.visit_with(self);
    }
}

pub(crate) enum WholeUse {
    Destructured(Vec<(String, bool)>),
    Model(String),
    /// `req.body as { … }` / `as SomeType`: the type says what it holds.
    Cast(Box<TsType>),
}

/// Reads of `req.body`: `req.body.field` (with its range) and whole uses.
pub(crate) struct BodyReads<'r> {
    pub(crate) req: &'r str,
    /// `body`, `query` or `params`.
    pub(crate) prop: &'r str,
    pub(crate) reads: Vec<(std::ops::Range<usize>, Option<String>)>,
    pub(crate) whole: Vec<(std::ops::Range<usize>, Option<WholeUse>)>,
}

impl BodyReads<'_> {
    pub(crate) fn is_body(&self, e: &Expr) -> bool {
        matches!(e, Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. })
            if *p.sym == *self.prop && matches!(&**obj, Expr::Ident(i) if &*i.sym == self.req))
    }
}

impl Visit for BodyReads<'_> {
    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if self.is_body(&m.obj) {
            if let MemberProp::Ident(p) = &m.prop {
                self.reads.push((range(&*m.obj), Some(p.sym.to_string())));
                return;
            }
        }
        if self.is_body(&Expr::Member(m.clone())) {
            self.whole.push((range(m), None));
            return;
        }
        m.visit_children_with(self);
    }

    fn visit_var_declarator(&mut self, d: &swc_core::ecma::ast::VarDeclarator) {
        if let Some(init) = d.init.as_deref() {
            if let (Some(ty), true) = (cast_type(init), self.is_body(strip_ts(init))) {
                self.whole.push((range(strip_ts(init)), Some(WholeUse::Cast(Box::new(ty.clone())))));
                return;
            }
            if self.is_body(strip_ts(init)) {
                if let Pat::Object(o) = &d.name {
                    let mut fields = Vec::new();
                    for p in &o.props {
                        match p {
                            ObjectPatProp::Assign(a) => {
                                fields.push((a.key.sym.to_string(), a.value.is_some()))
                            }
                            ObjectPatProp::KeyValue(kv) => match &kv.key {
                                PropName::Ident(i) => {
                                    fields.push((i.sym.to_string(), matches!(&*kv.value, Pat::Assign(_))))
                                }
                                _ => {
                                    self.whole.push((range(strip_ts(init)), None));
                                    return;
                                }
                            },
                            ObjectPatProp::Rest(_) => {
                                self.whole.push((range(strip_ts(init)), None));
                                return;
                            }
                        }
                    }
                    self.whole.push((range(strip_ts(init)), Some(WholeUse::Destructured(fields))));
                    return;
                }
            }
        }
        d.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        // `prisma.order.create({ data: req.body })`
        if let Some((model, data)) = prisma_write(c) {
            if self.is_body(strip_ts(data)) {
                self.whole.push((range(strip_ts(data)), Some(WholeUse::Model(model))));
                c.callee.visit_with(self);
                return;
            }
        }
        c.visit_children_with(self);
    }
}
