//! The handler's own code as evidence: values it tests itself, lists it
//! checks against, numbers it makes, string methods it calls, functions it
//! passes values to.

use swc_core::ecma::ast::{CallExpr, Callee, Expr, Lit, MemberExpr, MemberProp};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::strip_ts;

/// Methods only strings have: a value used with one is text.
const STRING_METHODS: &[&str] = &[
    "trim",
    "toLowerCase",
    "toUpperCase",
    "split",
    "includes",
    "startsWith",
    "endsWith",
    "replace",
    "slice",
    "substring",
    "padStart",
    "charAt",
    "normalize",
    "localeCompare",
];

/// `["a", "b"].includes(x)`: (name, allowed values).
#[derive(Default)]
pub(crate) struct Includes(pub(crate) Vec<(String, Vec<String>)>);

impl Visit for Includes {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Callee::Expr(callee) = &c.callee {
            if let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee {
                if &*p.sym == "includes" {
                    if let (Expr::Array(list), Some(arg)) = (strip_ts(obj), c.args.first()) {
                        let values: Option<Vec<String>> = list
                            .elems
                            .iter()
                            .map(|e| match e.as_ref().map(|e| &*e.expr) {
                                Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_string_lossy().into_owned()),
                                _ => None,
                            })
                            .collect();
                        if let (Some(values), Some(name)) =
                            (values.filter(|v| !v.is_empty()), value_name(&arg.expr))
                        {
                            self.0.push((name, values));
                        }
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
}

/// Names the code tests itself: `!x`, `x ?? d`, `x || d`, `x ? … : …`,
/// `if (x)`, `typeof x`: (tested names, names whose `typeof` is checked,
/// names read with `?.`).
#[derive(Default)]
pub(crate) struct Guards(pub(crate) Vec<String>, pub(crate) Vec<String>, pub(crate) Vec<String>);

impl Visit for Guards {
    fn visit_unary_expr(&mut self, u: &swc_core::ecma::ast::UnaryExpr) {
        use swc_core::ecma::ast::UnaryOp;
        if matches!(u.op, UnaryOp::Bang | UnaryOp::TypeOf) {
            if let Some(n) = value_name(&u.arg) {
                if u.op == UnaryOp::TypeOf {
                    self.1.push(n.clone());
                }
                self.0.push(n);
            }
        }
        u.visit_children_with(self);
    }

    fn visit_bin_expr(&mut self, b: &swc_core::ecma::ast::BinExpr) {
        use swc_core::ecma::ast::BinaryOp;
        // Every operand of `a || b || c` is tested.
        if matches!(b.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr | BinaryOp::LogicalAnd) {
            for side in [&b.left, &b.right] {
                if let Some(n) = value_name(side) {
                    self.0.push(n);
                }
            }
        }
        b.visit_children_with(self);
    }

    fn visit_cond_expr(&mut self, c: &swc_core::ecma::ast::CondExpr) {
        if let Some(n) = value_name(&c.test) {
            self.0.push(n);
        }
        c.visit_children_with(self);
    }

    fn visit_opt_chain_expr(&mut self, c: &swc_core::ecma::ast::OptChainExpr) {
        if let swc_core::ecma::ast::OptChainBase::Member(m) = &*c.base {
            if let Some(n) = value_name(&m.obj) {
                self.0.push(n.clone());
                self.2.push(n);
            }
        }
        c.visit_children_with(self);
    }

    fn visit_if_stmt(&mut self, i: &swc_core::ecma::ast::IfStmt) {
        if let Some(n) = value_name(&i.test) {
            self.0.push(n);
        }
        i.visit_children_with(self);
    }
}

/// Names turned into numbers: `Number(req.query.page)`, `Number(id)`.
#[derive(Default)]
pub(crate) struct NumberWraps(pub(crate) Vec<String>);

impl Visit for NumberWraps {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "Number")) {
            match c.args.first().map(|a| strip_ts(&a.expr)) {
                Some(Expr::Ident(i)) => self.0.push(i.sym.to_string()),
                Some(Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. })) => {
                    self.0.push(p.sym.to_string())
                }
                _ => {}
            }
        }
        c.visit_children_with(self);
    }
}

/// Input values passed as arguments: (value name, function, position).
#[derive(Default)]
pub(crate) struct CallArgs(pub(crate) Vec<(String, String, usize)>);

impl Visit for CallArgs {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Callee::Expr(callee) = &c.callee {
            if let Expr::Ident(f) = &**callee {
                for (i, a) in c.args.iter().enumerate() {
                    if a.spread.is_none() {
                        if let Some(v) = value_name(&a.expr) {
                            self.0.push((v, f.sym.to_string(), i));
                        }
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
}

/// The input field a written value comes from: `title`, `body.title`,
/// `title.trim()`, `done ?? false`.
pub(crate) fn value_name(e: &Expr) -> Option<String> {
    match strip_ts(e) {
        Expr::Ident(i) => Some(i.sym.to_string()),
        Expr::Member(MemberExpr { prop: MemberProp::Ident(p), obj, .. }) => match &**obj {
            Expr::Ident(_) | Expr::Member(_) => Some(p.sym.to_string()),
            _ => None,
        },
        Expr::Call(c) => match &c.callee {
            Callee::Expr(callee) => match &**callee {
                Expr::Member(m) => value_name(&m.obj),
                _ => None,
            },
            _ => None,
        },
        Expr::Bin(b)
            if matches!(
                b.op,
                swc_core::ecma::ast::BinaryOp::NullishCoalescing | swc_core::ecma::ast::BinaryOp::LogicalOr
            ) =>
        {
            value_name(&b.left)
        }
        _ => None,
    }
}

/// Names used with string methods (`email.trim()`).
#[derive(Default)]
pub(crate) struct StringUses(pub(crate) Vec<String>);

impl Visit for StringUses {
    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if let (Expr::Ident(obj), MemberProp::Ident(p)) = (&*m.obj, &m.prop) {
            if STRING_METHODS.contains(&&*p.sym) {
                self.0.push(obj.sym.to_string());
            }
        }
        if let (Expr::Member(inner), MemberProp::Ident(p)) = (&*m.obj, &m.prop) {
            if let MemberProp::Ident(field) = &inner.prop {
                if STRING_METHODS.contains(&&*p.sym) {
                    self.0.push(field.sym.to_string());
                }
            }
        }
        m.visit_children_with(self);
    }
}
