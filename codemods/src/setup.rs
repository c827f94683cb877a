//! Span edits that wire a new module into an app's existing files, for the
//! scaffolds: an import at the very top of an entry file, React's render
//! errors reported, Express's error handler registered, a `next.config`
//! export wrapped. Each returns the new text (parsed again before it is
//! returned) or why it left the file alone.

use swc_core::ecma::ast::{
    AssignTarget, CallExpr, Callee, Expr, ExprOrSpread, MemberExpr, MemberProp, ModuleDecl, ModuleItem, Pat,
    Program, SimpleAssignTarget, Stmt,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::{head, is_directive, module_items, unparen};
use crate::edit::{apply, line_end, line_indent, line_start, Edit};
use crate::parse::{parse, range, Lang};
use crate::style::Style;

pub type Outcome = Result<String, &'static str>;

fn finish(text: &str, lang: Lang, edits: Vec<Edit>) -> Outcome {
    let after = apply(text, &edits).map_err(|_| "the edits overlap")?;
    parse(&after, lang).map_err(|_| "the edited file would not parse")?;
    Ok(after)
}

/// The statement `line` (an import or require) placed first in the file,
/// after its directives (`"use client"`), ahead of every other import.
fn first_line_edit(text: &str, program: &Program, line: &str, style: &Style) -> Edit {
    let all = module_items(program);
    let eol = style.eol;
    match all.iter().take_while(|i| is_directive(i)).last() {
        Some(d) => Edit::insert(line_end(text, range(d).end), format!("{eol}{line}")),
        None => match all.first() {
            // Above the first statement and the comment attached to it.
            Some(first) => Edit::insert(
                crate::edit::above_leading_comments(text, range(first).start),
                format!("{line}{eol}"),
            ),
            None => Edit::insert(0, format!("{line}{eol}")),
        },
    }
}

/// After the last import (or require) at the top of the file.
fn after_imports(text: &str, program: &Program) -> Option<usize> {
    let items = module_items(program);
    head(&items).iter().rfind(|i| !is_directive(i)).map(|i| line_end(text, range(i).end))
}

/// A React entry (`src/main.tsx`): `import "<instrument>"` first, and render
/// errors reported: React 19's root error hooks on `createRoot`, or on React
/// 18 the rendered tree wrapped in Sentry's error boundary.
pub fn react_entry(text: &str, lang: Lang, instrument: &str, react_major: u64) -> Outcome {
    let parsed = parse(text, lang).map_err(|_| "the entry file does not parse")?;
    let program = &parsed.program;
    let style = Style::detect(text, program);
    let semi = style.semi();
    let mut edits =
        vec![first_line_edit(text, program, &format!("import {}{semi}", style.quoted(instrument)), &style)];
    let mut finder = RootFinder::default();
    program.visit_with(&mut finder);
    let Some(create_root) = finder.create_root else {
        return Err("no createRoot(…) call to report render errors from");
    };
    if react_major >= 19 {
        let args = &create_root.args;
        if args.len() != 1 {
            return Err("createRoot(…) already has options");
        }
        let hooks = "{ onUncaughtError: Sentry.reactErrorHandler(), onCaughtError: Sentry.reactErrorHandler(), onRecoverableError: Sentry.reactErrorHandler() }";
        edits.push(Edit::insert(range(&*args[0].expr).end, format!(", {hooks}")));
    } else {
        let Some(tree) = finder.rendered else {
            return Err("no .render(<…/>) call to wrap in an error boundary");
        };
        if !matches!(unparen(&tree.expr), Expr::JSXElement(_) | Expr::JSXFragment(_)) {
            return Err("the rendered tree is not JSX");
        }
        let r = range(&*tree.expr);
        let fallback = "<p>Something went wrong. Please reload the page.</p>";
        if text[r.clone()].contains('\n') {
            // A tree on its own lines: the boundary around it, one level out.
            let indent = line_indent(text, line_start(text, r.start)).to_string();
            // The first line starts at the tree itself; the rest carry their indent.
            let inner: String = text[r.clone()]
                .split_inclusive('\n')
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 || l.trim().is_empty() {
                        l.to_string()
                    } else {
                        format!("{}{l}", style.indent)
                    }
                })
                .collect();
            let eol = style.eol;
            edits.push(Edit::replace(
                r,
                format!("<Sentry.ErrorBoundary fallback={{{fallback}}}>{eol}{indent}{}{inner}{eol}{indent}</Sentry.ErrorBoundary>", style.indent),
            ));
        } else {
            edits.push(Edit::insert(r.start, format!("<Sentry.ErrorBoundary fallback={{{fallback}}}>")));
            edits.push(Edit::insert(r.end, "</Sentry.ErrorBoundary>"));
        }
    }
    let sentry_import = format!("import * as Sentry from {}{semi}", style.quoted("@sentry/react"));
    match after_imports(text, program) {
        Some(at) => edits.push(Edit::insert(at, format!("{}{sentry_import}", style.eol))),
        None => return Err("no imports to add Sentry's beside"),
    }
    finish(text, lang, edits)
}

#[derive(Default)]
struct RootFinder {
    create_root: Option<CallExpr>,
    rendered: Option<ExprOrSpread>,
}

impl Visit for RootFinder {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Callee::Expr(callee) = &c.callee {
            match &**callee {
                Expr::Ident(i) if &*i.sym == "createRoot" && self.create_root.is_none() => {
                    self.create_root = Some(c.clone());
                }
                Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. })
                    if &*p.sym == "render" && self.rendered.is_none() =>
                {
                    self.rendered = c.args.first().cloned();
                }
                _ => {}
            }
        }
        c.visit_children_with(self);
    }
}

/// The Express app of a file: the name `express()` is assigned to, if the
/// file also starts the server (`<app>.listen(…)`), and whether the file is
/// CommonJS (no `import`/`export` at its top).
pub fn express_app(text: &str, lang: Lang) -> Option<(String, bool)> {
    let parsed = parse(text, lang).ok()?;
    let mut finder = ExpressFinder::default();
    parsed.program.visit_with(&mut finder);
    let app = finder.app?;
    let commonjs = !module_items(&parsed.program).iter().any(|i| matches!(i, ModuleItem::ModuleDecl(_)));
    finder.listens.contains(&app).then_some((app, commonjs))
}

#[derive(Default)]
struct ExpressFinder {
    app: Option<String>,
    listens: Vec<String>,
}

impl Visit for ExpressFinder {
    fn visit_var_declarator(&mut self, d: &swc_core::ecma::ast::VarDeclarator) {
        if let (Pat::Ident(b), Some(Expr::Call(c))) = (&d.name, d.init.as_deref().map(unparen)) {
            if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "express"))
                && c.args.is_empty()
            {
                self.app.get_or_insert_with(|| b.id.sym.to_string());
            }
        }
        d.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Callee::Expr(e) = &c.callee {
            if let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**e {
                if let (Expr::Ident(o), "listen") = (&**obj, &*p.sym) {
                    self.listens.push(o.sym.to_string());
                }
            }
        }
        c.visit_children_with(self);
    }
}

/// An Express entry: Sentry's error handler registered after the routes and
/// before the app's own error middleware (or before `listen`), Sentry
/// imported, and — when `instrument` is given — the instrument module
/// imported first (CommonJS files require it).
pub fn express_entry(text: &str, lang: Lang, app: &str, instrument: Option<&str>) -> Outcome {
    let parsed = parse(text, lang).map_err(|_| "the entry file does not parse")?;
    let program = &parsed.program;
    let style = Style::detect(text, program);
    let (semi, eol) = (style.semi(), style.eol);
    let commonjs = !module_items(program).iter().any(|i| matches!(i, ModuleItem::ModuleDecl(_)));
    let mut edits = Vec::new();
    if let Some(instrument) = instrument {
        let line = if commonjs {
            format!("require({}){semi}", style.quoted(instrument))
        } else {
            format!("import {}{semi}", style.quoted(instrument))
        };
        edits.push(first_line_edit(text, program, &line, &style));
    }
    // The first top-level `app.use((err, req, res, next) => …)`, else `app.listen(…)`.
    let top = module_items(program);
    let target = top
        .iter()
        .find(|i| {
            statement_call(i, app)
                .is_some_and(|(m, c)| m == "use" && c.args.iter().any(|a| error_middleware(&a.expr)))
        })
        .or_else(|| top.iter().find(|i| statement_call(i, app).is_some_and(|(m, _)| m == "listen")))
        .ok_or("no top-level app.listen(…) to register the error handler before")?;
    let at = line_start(text, range(target).start);
    let indent = line_indent(text, at).to_string();
    edits.push(Edit::insert(
        at,
        format!("{indent}// Reports what the routes throw to Sentry (before the app's own error handler).{eol}{indent}Sentry.setupExpressErrorHandler({app}){semi}{eol}{eol}"),
    ));
    let import = if commonjs {
        format!("const Sentry = require({}){semi}", style.quoted("@sentry/node"))
    } else {
        format!("import * as Sentry from {}{semi}", style.quoted("@sentry/node"))
    };
    match after_imports(text, program) {
        Some(end) => edits.push(Edit::insert(end, format!("{eol}{import}"))),
        None => edits.push(Edit::insert(0, format!("{import}{eol}"))),
    }
    finish(text, lang, edits)
}

/// `<app>.<method>(…)` as a top-level statement: (method, call).
fn statement_call<'a>(item: &'a ModuleItem, app: &str) -> Option<(&'a str, &'a CallExpr)> {
    let ModuleItem::Stmt(Stmt::Expr(e)) = item else { return None };
    let Expr::Call(c) = unparen(&e.expr) else { return None };
    let Callee::Expr(callee) = &c.callee else { return None };
    let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee else { return None };
    matches!(&**obj, Expr::Ident(i) if &*i.sym == app).then_some((&*p.sym, c))
}

/// A function of four parameters: Express's error middleware.
fn error_middleware(e: &Expr) -> bool {
    match unparen(e) {
        Expr::Arrow(a) => a.params.len() == 4,
        Expr::Fn(f) => f.function.params.len() == 4,
        _ => false,
    }
}

/// `next.config.*`: its exported config wrapped with `withSentryConfig` and
/// the import (or require) of it added. A config already wrapped is left.
pub fn next_config(text: &str, lang: Lang) -> Outcome {
    if crate::text::has(text, "withSentryConfig") {
        return Err("already wrapped with withSentryConfig");
    }
    let parsed = parse(text, lang).map_err(|_| "next.config does not parse")?;
    let program = &parsed.program;
    let style = Style::detect(text, program);
    let (semi, eol) = (style.semi(), style.eol);
    let options = "{ silent: !process.env.CI }";
    let mut exported: Option<std::ops::Range<usize>> = None;
    let mut commonjs = false;
    for item in module_items(program).iter() {
        match &item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(e)) => exported = Some(range(&*e.expr)),
            ModuleItem::Stmt(Stmt::Expr(e)) => {
                // `module.exports = config`
                if let Expr::Assign(a) = unparen(&e.expr) {
                    let target_is_exports = matches!(&a.left, AssignTarget::Simple(SimpleAssignTarget::Member(m))
                        if matches!(&*m.obj, Expr::Ident(o) if &*o.sym == "module")
                            && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "exports"));
                    if target_is_exports {
                        exported = Some(range(&*a.right));
                        commonjs = true;
                    }
                }
            }
            _ => {}
        }
    }
    let exported = exported.ok_or("no `export default` or `module.exports =` to wrap")?;
    let mut edits = vec![
        Edit::insert(exported.start, "withSentryConfig("),
        Edit::insert(exported.end, format!(", {options})")),
    ];
    let source = style.quoted("@sentry/nextjs/config");
    let import = if commonjs {
        format!("const {{ withSentryConfig }} = require({source}){semi}")
    } else {
        format!("import {{ withSentryConfig }} from {source}{semi}")
    };
    match after_imports(text, program) {
        Some(end) => edits.push(Edit::insert(end, format!("{eol}{import}"))),
        None => edits.push(first_line_edit(text, program, &format!("{import}{eol}"), &style)),
    }
    finish(text, lang, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn react_18_tree_wrapped_and_instrument_first() {
        let text = "import { createRoot } from 'react-dom/client'\nimport App from './App.tsx'\nimport './index.css'\n\ncreateRoot(document.getElementById(\"root\")!).render(<App />);\n";
        let out = react_entry(text, Lang::Tsx, "./instrument.ts", 18).expect("edited");
        assert!(out.starts_with("import './instrument.ts'\nimport { createRoot }"), "{out}");
        assert!(out.contains("import './index.css'\nimport * as Sentry from '@sentry/react'\n"), "{out}");
        assert!(out.contains(".render(<Sentry.ErrorBoundary fallback={<p>Something went wrong. Please reload the page.</p>}><App /></Sentry.ErrorBoundary>);"), "{out}");
    }

    #[test]
    fn react_19_root_hooks() {
        let text = "import { createRoot } from \"react-dom/client\";\nimport App from \"./App\";\n\ncreateRoot(document.getElementById(\"root\")!).render(<App />);\n";
        let out = react_entry(text, Lang::Tsx, "./instrument", 19).expect("edited");
        assert!(out.contains("createRoot(document.getElementById(\"root\")!, { onUncaughtError: Sentry.reactErrorHandler(), onCaughtError: Sentry.reactErrorHandler(), onRecoverableError: Sentry.reactErrorHandler() })"), "{out}");
    }

    #[test]
    fn next_config_forms() {
        let esm =
            "/** @type {import('next').NextConfig} */\nconst nextConfig = {}\n\nexport default nextConfig\n";
        let out = next_config(esm, Lang::Js).expect("wrapped");
        assert!(
            out.contains("export default withSentryConfig(nextConfig, { silent: !process.env.CI })\n"),
            "{out}"
        );
        assert!(
            out.starts_with("import { withSentryConfig } from \"@sentry/nextjs/config\"\n\n/** @type"),
            "{out}"
        );
        let cjs = "const nextConfig = { reactStrictMode: true };\n\nmodule.exports = nextConfig;\n";
        let out = next_config(cjs, Lang::Js).expect("wrapped");
        assert!(
            out.contains("module.exports = withSentryConfig(nextConfig, { silent: !process.env.CI });"),
            "{out}"
        );
        assert!(
            out.starts_with("const { withSentryConfig } = require(\"@sentry/nextjs/config\");\n"),
            "{out}"
        );
        let ts = "import type { NextConfig } from \"next\";\n\nconst nextConfig: NextConfig = {};\n\nexport default nextConfig;\n";
        let out = next_config(ts, Lang::Ts).expect("wrapped");
        assert!(out.contains("import type { NextConfig } from \"next\";\nimport { withSentryConfig } from \"@sentry/nextjs/config\";\n"), "{out}");
        assert_eq!(next_config(&out, Lang::Ts), Err("already wrapped with withSentryConfig"));
        let inline = "export default {\n  images: { unoptimized: true },\n};\n";
        assert!(next_config(inline, Lang::Js).expect("wrapped").contains("export default withSentryConfig({\n  images: { unoptimized: true },\n}, { silent: !process.env.CI });"));
    }

    #[test]
    fn express_error_handler_before_the_apps_own() {
        let text = "import express from 'express';\nimport cors from 'cors';\n\nconst app = express();\napp.use(cors());\napp.get('/', (_req, res) => res.send('ok'));\n\napp.use((err, req, res, next) => {\n  res.status(500).end();\n});\n\napp.listen(3000);\n";
        assert_eq!(express_app(text, Lang::Js), Some(("app".to_string(), false)));
        let out = express_entry(text, Lang::Js, "app", Some("./instrument.js")).expect("edited");
        assert!(out.starts_with("import './instrument.js';\nimport express"), "{out}");
        assert!(out.contains("import cors from 'cors';\nimport * as Sentry from '@sentry/node';\n"), "{out}");
        assert!(
            out.contains("Sentry.setupExpressErrorHandler(app);\n\napp.use((err, req, res, next) => {"),
            "{out}"
        );
        let cjs = "const express = require(\"express\");\nconst app = express();\napp.listen(3000);\n";
        let out = express_entry(cjs, Lang::Js, "app", Some("./instrument")).expect("edited");
        assert!(out.starts_with("require(\"./instrument\");\nconst express = require(\"express\");\nconst Sentry = require(\"@sentry/node\");\n"), "{out}");
    }
}
