//! `fetch-ok`: `fetch` resolves on 404 and 500 too. A response whose body is read
//! (`.json()`, `.text()`, …) with no look at `ok` or `status` turns an error page
//! into data, or into an opaque JSON parse error. Insert
//! `if (!res.ok) throw new Error(...)` right after the await.

use swc_core::ecma::ast::{
    Callee, Decl, Expr, MemberExpr, MemberProp, ModuleItem, Pat, Stmt, VarDecl,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::edit::{after_line, line_indent, starts_line, Edit};
use crate::parse::{line_col, range};

pub struct FetchOk;

const BODY_READS: &[&str] = &["json", "text", "blob", "arrayBuffer", "formData", "bytes"];
/// Modules whose `fetch` behaves like the global one.
const FETCH_MODULES: &[&str] = &["node-fetch", "cross-fetch", "isomorphic-fetch", "undici"];

impl Codemod for FetchOk {
    fn id(&self) -> &'static str {
        "fetch-ok"
    }

    fn title(&self) -> &'static str {
        "Check fetch responses (res.ok) before reading their body"
    }

    fn may_apply(&self, text: &str) -> bool {
        text.contains("fetch(")
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        // A local `Error` or `fetch` means the inserted code might not mean what it says.
        if file.bindings.declares("Error") {
            return None;
        }
        if file.bindings.declares("fetch")
            && !file
                .bindings
                .imported_from("fetch")
                .is_some_and(|m| FETCH_MODULES.contains(&m))
        {
            return None;
        }
        let mut finder = Finder {
            file,
            edits: Vec::new(),
            lines: Vec::new(),
        };
        file.program.visit_with(&mut finder);
        if finder.edits.is_empty() {
            return None;
        }
        let lines = finder
            .lines
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let plural = if finder.lines.len() == 1 { "" } else { "s" };
        Some(Proposal {
            edits: finder.edits,
            why: format!(
                "fetch resolves on HTTP errors too; the response awaited on line{plural} {lines} is read without checking `ok`, so an error page would be treated as data"
            ),
        })
    }
}

struct Finder<'a> {
    file: &'a FileCtx<'a>,
    edits: Vec<Edit>,
    lines: Vec<usize>,
}

impl Visit for Finder<'_> {
    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        for (i, stmt) in stmts.iter().enumerate() {
            self.consider(stmt, stmts[i + 1..].iter().map(StmtRef::Stmt));
        }
        stmts.visit_children_with(self);
    }

    fn visit_module_items(&mut self, items: &[ModuleItem]) {
        for (i, item) in items.iter().enumerate() {
            if let ModuleItem::Stmt(stmt) = item {
                self.consider(stmt, items[i + 1..].iter().map(StmtRef::Item));
            }
        }
        items.visit_children_with(self);
    }
}

enum StmtRef<'a> {
    Stmt(&'a Stmt),
    Item(&'a ModuleItem),
}

impl Finder<'_> {
    fn consider<'s>(&mut self, stmt: &Stmt, rest: impl Iterator<Item = StmtRef<'s>>) {
        let Some(name) = awaited_fetch(stmt) else {
            return;
        };
        let mut uses = Uses {
            name: name.clone(),
            shadowed: false,
            uses: Vec::new(),
        };
        for later in rest {
            match later {
                StmtRef::Stmt(s) => s.visit_with(&mut uses),
                StmtRef::Item(i) => i.visit_with(&mut uses),
            }
        }
        if uses.shadowed || uses.uses.contains(&Use::Checked) {
            return;
        }
        // The body must be read before the response goes anywhere else (a
        // helper it is passed to may well check it).
        match uses.uses.iter().find(|u| **u != Use::Harmless) {
            Some(Use::BodyRead) => {}
            _ => return,
        }
        let text = self.file.text;
        let stmt_range = range(stmt);
        if !starts_line(text, stmt_range.start) {
            return;
        }
        let Some(at) = after_line(text, stmt_range.end) else {
            return;
        };
        let style = self.file.style;
        let indent = line_indent(text, stmt_range.start);
        let check = format!(
            "{eol}{indent}if (!{name}.ok) throw new Error(`Request failed with status ${{{name}.status}}`){semi}",
            eol = style.eol,
            semi = style.semi(),
        );
        self.edits.push(Edit::insert(at, check));
        self.lines.push(line_col(text, stmt_range.start).0);
    }
}

/// `const res = await fetch(...)` (also `let`, a type annotation, parentheses,
/// `window.fetch`/`globalThis.fetch`): the variable's name.
fn awaited_fetch(stmt: &Stmt) -> Option<String> {
    let Stmt::Decl(Decl::Var(decl)) = stmt else {
        return None;
    };
    let VarDecl { decls, .. } = &**decl;
    let [declarator] = decls.as_slice() else {
        return None;
    };
    let Pat::Ident(binding) = &declarator.name else {
        return None;
    };
    let Expr::Await(await_expr) = unwrap(declarator.init.as_deref()?) else {
        return None;
    };
    let Expr::Call(call) = unwrap(&await_expr.arg) else {
        return None;
    };
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    let is_fetch = match unwrap(callee) {
        Expr::Ident(id) => &*id.sym == "fetch",
        Expr::Member(MemberExpr {
            obj,
            prop: MemberProp::Ident(prop),
            ..
        }) => {
            &*prop.sym == "fetch"
                && matches!(unwrap(obj), Expr::Ident(o) if matches!(&*o.sym, "window" | "globalThis" | "self"))
        }
        _ => false,
    };
    is_fetch.then(|| binding.id.sym.to_string())
}

fn unwrap(mut expr: &Expr) -> &Expr {
    loop {
        expr = match expr {
            Expr::Paren(e) => &e.expr,
            Expr::TsAs(e) => &e.expr,
            Expr::TsNonNull(e) => &e.expr,
            Expr::TsSatisfies(e) => &e.expr,
            Expr::TsTypeAssertion(e) => &e.expr,
            _ => return expr,
        }
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

/// The uses of one name, in source order.
struct Uses {
    name: String,
    shadowed: bool,
    uses: Vec<Use>,
}

impl Visit for Uses {
    fn visit_member_expr(&mut self, member: &MemberExpr) {
        if matches!(unwrap(&member.obj), Expr::Ident(id) if *id.sym == *self.name) {
            let prop = match &member.prop {
                MemberProp::Ident(p) => Some(&*p.sym),
                _ => None,
            };
            self.uses.push(match prop {
                Some("ok" | "status" | "statusText") => Use::Checked,
                Some(p) if BODY_READS.contains(&p) => Use::BodyRead,
                Some(_) => Use::Harmless,
                None => Use::Escapes,
            });
            return;
        }
        member.visit_children_with(self);
    }

    fn visit_ident(&mut self, id: &swc_core::ecma::ast::Ident) {
        if *id.sym == *self.name {
            self.uses.push(Use::Escapes);
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
