//! Environment variables a file reads: `process.env.X`, `process.env["X"]`,
//! `import.meta.env.X`, `Deno.env.get("X")`, and names destructured from
//! `process.env` / `import.meta.env`.

use swc_core::ecma::ast::{
    CallExpr, Callee, Expr, Lit, MemberExpr, MemberProp, MetaPropKind, ObjectPatProp, Pat, Program, PropName,
    VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::unparen;
use crate::parse::range;

/// How the code reads its environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    /// `process.env` (Node, Next).
    Process,
    /// `import.meta.env` (Vite).
    ImportMeta,
    /// `Deno.env.get` (Supabase edge functions).
    Deno,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnvRead {
    pub name: String,
    pub via: Via,
    /// 1-based line of the read.
    pub line: usize,
}

/// Names every runtime sets itself: not for `.env.example`.
const BUILT_IN: &[&str] =
    &["NODE_ENV", "MODE", "DEV", "PROD", "SSR", "BASE_URL", "NEXT_RUNTIME", "PORT_IS_SET"];

/// A cheap text test before parsing.
pub fn may_read(text: &str) -> bool {
    crate::text::has(text, "process.env")
        || crate::text::has(text, "import.meta.env")
        || crate::text::has(text, "Deno.env")
}

/// The reads in `program`, parsed from `text`.
pub fn reads(program: &Program, text: &str) -> Vec<EnvRead> {
    let mut v = Reads { found: Vec::new() };
    program.visit_with(&mut v);
    v.found
        .into_iter()
        .filter(|(name, _, _)| !BUILT_IN.contains(&name.as_str()))
        .map(|(name, via, at)| EnvRead { name, via, line: crate::edit::line_of(text, at) })
        .collect()
}

/// The variable one expression reads: `process.env.X`, `process.env["X"]`,
/// `import.meta.env.X`, `Deno.env.get("X")`, through `!`, `??`, `||` and `as`.
pub fn name_read(e: &Expr) -> Option<String> {
    let e = crate::analysis::strip_ts(e);
    if let Expr::Bin(b) = e {
        use swc_core::ecma::ast::BinaryOp;
        if matches!(b.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr) {
            return name_read(&b.left);
        }
        return None;
    }
    let mut v = Reads { found: Vec::new() };
    e.visit_with(&mut v);
    match v.found.as_slice() {
        [(name, _, _)] => Some(name.clone()),
        _ => None,
    }
}

/// `process.env` → Process, `import.meta.env` → ImportMeta.
fn env_object(e: &Expr) -> Option<Via> {
    let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = unparen(e) else { return None };
    if &*p.sym != "env" {
        return None;
    }
    match unparen(obj) {
        Expr::Ident(i) if &*i.sym == "process" => Some(Via::Process),
        Expr::MetaProp(m) if m.kind == MetaPropKind::ImportMeta => Some(Via::ImportMeta),
        _ => None,
    }
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

struct Reads {
    /// (name, how, byte offset)
    found: Vec<(String, Via, usize)>,
}

impl Visit for Reads {
    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if let Some(via) = env_object(&m.obj) {
            let name = match &m.prop {
                MemberProp::Ident(p) => Some(p.sym.to_string()),
                MemberProp::Computed(c) => match unparen(&c.expr) {
                    Expr::Lit(Lit::Str(s)) => Some(s.value.to_string_lossy().into_owned()),
                    _ => None,
                },
                _ => None,
            };
            if let Some(name) = name.filter(|n| is_env_name(n)) {
                self.found.push((name, via, range(m).start));
            }
        }
        m.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        // `Deno.env.get("X")`
        if let Callee::Expr(callee) = &c.callee {
            if let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(get), .. }) = &**callee {
                let deno_env = matches!(unparen(obj), Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(env), .. })
                    if &*env.sym == "env" && matches!(unparen(obj), Expr::Ident(d) if &*d.sym == "Deno"));
                if deno_env && &*get.sym == "get" {
                    if let Some(Expr::Lit(Lit::Str(s))) = c.args.first().map(|a| unparen(&a.expr)) {
                        let name = s.value.to_string_lossy().into_owned();
                        if is_env_name(&name) {
                            self.found.push((name, Via::Deno, range(c).start));
                        }
                    }
                }
            }
        }
        c.visit_children_with(self);
    }

    // `const { API_URL, SECRET: secret } = process.env`
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        if let (Pat::Object(o), Some(init)) = (&d.name, d.init.as_deref()) {
            if let Some(via) = env_object(init) {
                for p in &o.props {
                    let name = match p {
                        ObjectPatProp::Assign(a) => Some(a.key.sym.to_string()),
                        ObjectPatProp::KeyValue(kv) => match &kv.key {
                            PropName::Ident(i) => Some(i.sym.to_string()),
                            PropName::Str(s) => Some(s.value.to_string_lossy().into_owned()),
                            _ => None,
                        },
                        ObjectPatProp::Rest(_) => None,
                    };
                    if let Some(name) = name.filter(|n| is_env_name(n)) {
                        self.found.push((name, via, range(p).start));
                    }
                }
            }
        }
        d.visit_children_with(self);
    }
}

/// `env("DATABASE_URL")` in a Prisma schema.
pub fn prisma_reads(schema: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in schema.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(i) = rest.find("env(\"") {
            rest = &rest[i + 5..];
            if let Some(end) = rest.find('"') {
                let name = &rest[..end];
                if is_env_name(name) && !out.iter().any(|n| n == name) {
                    out.push(name.to_string());
                }
                rest = &rest[end..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn names(src: &str) -> Vec<(String, Via)> {
        let parsed = parse(src, Lang::Ts).expect("parses");
        reads(&parsed.program, src).into_iter().map(|r| (r.name, r.via)).collect()
    }

    #[test]
    fn every_form_of_read() {
        let src = r#"
            const a = process.env.DATABASE_URL;
            const b = process.env["STRIPE_SECRET_KEY"];
            const c = import.meta.env.VITE_SUPABASE_URL;
            const d = Deno.env.get("RESEND_API_KEY");
            const { OPENAI_API_KEY, SMTP_PASS: pass } = process.env;
            if (process.env.NODE_ENV === "production" || import.meta.env.DEV) {}
            const dynamic = process.env[name];
        "#;
        assert_eq!(
            names(src),
            vec![
                ("DATABASE_URL".into(), Via::Process),
                ("STRIPE_SECRET_KEY".into(), Via::Process),
                ("VITE_SUPABASE_URL".into(), Via::ImportMeta),
                ("RESEND_API_KEY".into(), Via::Deno),
                ("OPENAI_API_KEY".into(), Via::Process),
                ("SMTP_PASS".into(), Via::Process),
            ]
        );
    }

    #[test]
    fn prisma_env() {
        let schema = "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n  directUrl = env(\"DIRECT_URL\") // pooled\n}\n// url = env(\"OLD\")\n";
        assert_eq!(prisma_reads(schema), vec!["DATABASE_URL", "DIRECT_URL"]);
    }
}
