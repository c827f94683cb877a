//! URLs that never leave the page: `data:` and `blob:` URLs. Fetching one
//! (`fetch(canvas.toDataURL())`, the usual way to turn a cropped image into a
//! `Blob`) never answers with an HTTP error and never fails on the network, so
//! a status check or a catch around it can never run.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use swc_core::ecma::ast::{CallExpr, Callee, Expr, Lit, MemberProp, Pat, Program, VarDeclarator};
use swc_core::ecma::visit::{Visit, VisitWith};

/// Names whose every value in the file is a local URL: variables and React
/// states set only from `canvas.toDataURL()`, `URL.createObjectURL(…)`, a
/// `data:` literal or another such name (a state may also be reset to `null`).
/// A text test first: most files make no local URL at all.
pub fn names(program: &Program, text: &str) -> HashSet<String> {
    if !may_hold(text) {
        return HashSet::default();
    }
    let setters: HashMap<String, String> =
        crate::analysis::use_states(program).into_iter().map(|s| (s.setter, s.state)).collect();
    let mut found = Assignments { setters: &setters, values: HashMap::default() };
    program.visit_with(&mut found);
    let values = found.values;
    let mut local: HashSet<String> = HashSet::default();
    // A name is local once every value it gets is; names lead to names.
    loop {
        let before = local.len();
        for (name, vals) in &values {
            let all_local = vals.iter().all(|v| match v {
                Value::Local | Value::Empty => true,
                Value::Name(n) => local.contains(n),
                Value::Other => false,
            });
            if all_local && vals.iter().any(|v| !matches!(v, Value::Empty)) {
                local.insert(name.clone());
            }
        }
        if local.len() == before {
            return local;
        }
    }
}

/// Whether `text` may make a local URL (the spellings [`classify`] knows).
fn may_hold(text: &str) -> bool {
    crate::text::has_any(
        text,
        &["toDataURL", "createObjectURL", "data:", "blob:", "ataUrl", "ataURL", "ase64", "lobUrl", "lobURL"],
    )
}

/// `arg` is a local URL, given the file's [`names`].
pub fn is_local(arg: &Expr, names: &HashSet<String>) -> bool {
    match classify(arg) {
        Value::Local => true,
        Value::Name(n) => names.contains(&n),
        _ => false,
    }
}

enum Value {
    Local,
    /// `null`, `undefined`: a state reset, no URL at all.
    Empty,
    Name(String),
    Other,
}

fn classify(e: &Expr) -> Value {
    match crate::analysis::strip_ts(e) {
        Expr::Lit(Lit::Str(s)) => local_text(&s.value.to_string_lossy()),
        Expr::Lit(Lit::Null(_)) => Value::Empty,
        Expr::Tpl(t) => t.quasis.first().map_or(Value::Other, |q| local_text(&q.raw)),
        Expr::Ident(i) if &*i.sym == "undefined" => Value::Empty,
        Expr::Ident(i) => {
            let lower = i.sym.to_ascii_lowercase();
            if lower.contains("dataurl") || lower.contains("base64") || lower.contains("bloburl") {
                Value::Local
            } else {
                Value::Name(i.sym.to_string())
            }
        }
        Expr::Call(c) if makes_local_url(c) => Value::Local,
        _ => Value::Other,
    }
}

fn local_text(text: &str) -> Value {
    if text.starts_with("data:") || text.starts_with("blob:") {
        Value::Local
    } else {
        Value::Other
    }
}

/// `canvas.toDataURL(…)`, `URL.createObjectURL(…)`.
fn makes_local_url(c: &CallExpr) -> bool {
    let Callee::Expr(callee) = &c.callee else { return false };
    matches!(&**callee, Expr::Member(m) if matches!(&m.prop, MemberProp::Ident(p)
        if matches!(&*p.sym, "toDataURL" | "createObjectURL")))
}

/// Every value each name is given: declarations, assignments, state setters.
struct Assignments<'s> {
    setters: &'s HashMap<String, String>,
    values: HashMap<String, Vec<Value>>,
}

impl Visit for Assignments<'_> {
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        if let (Pat::Ident(b), Some(init)) = (&d.name, d.init.as_deref()) {
            self.values.entry(b.id.sym.to_string()).or_default().push(classify(init));
        }
        d.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, a: &swc_core::ecma::ast::AssignExpr) {
        if let Some(i) = a.left.as_ident() {
            self.values.entry(i.sym.to_string()).or_default().push(classify(&a.right));
        }
        a.visit_children_with(self);
    }

    // A parameter of the same name holds whatever its callers pass.
    fn visit_param(&mut self, p: &swc_core::ecma::ast::Param) {
        if let Pat::Ident(b) = &p.pat {
            self.values.entry(b.id.sym.to_string()).or_default().push(Value::Other);
        }
        p.visit_children_with(self);
    }

    fn visit_arrow_expr(&mut self, a: &swc_core::ecma::ast::ArrowExpr) {
        for p in &a.params {
            if let Pat::Ident(b) = p {
                self.values.entry(b.id.sym.to_string()).or_default().push(Value::Other);
            }
        }
        a.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let (Callee::Expr(callee), [arg]) = (&c.callee, c.args.as_slice()) {
            if let Expr::Ident(f) = &**callee {
                if let Some(state) = self.setters.get(&*f.sym) {
                    // `setPreview(prev => …)` computes from the old value: unknown.
                    let value = if matches!(&*arg.expr, Expr::Arrow(_) | Expr::Fn(_)) {
                        Value::Other
                    } else {
                        classify(&arg.expr)
                    };
                    self.values.entry(state.clone()).or_default().push(value);
                }
            }
        }
        c.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn names_in(text: &str) -> HashSet<String> {
        names(&parse(text, Lang::Tsx).expect("parses").program, text)
    }

    #[test]
    fn states_and_variables_set_only_from_local_urls() {
        let found = names_in(
            "function Camera() {\n  const [preview, setPreview] = useState<string | null>(null);\n  const [photo, setPhoto] = useState<string | null>(null);\n  const capture = () => { const url = canvas.toDataURL('image/jpeg'); setPreview(url); };\n  const pick = (u: string) => setPhoto(u);\n  const blobUrl2 = URL.createObjectURL(file);\n  let shown = blobUrl2;\n}\n",
        );
        assert!(found.contains("preview") && found.contains("url") && found.contains("shown"));
        // Set from a parameter: could be anything.
        assert!(!found.contains("photo"));
    }
}
