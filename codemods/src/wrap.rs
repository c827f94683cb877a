//! Wrapping a function body in `try { … } catch (error) { … }` as a text edit:
//! the body's lines move one indentation level in (never inside a template
//! literal or a multi-line string, whose text would change), everything else
//! stays as it was.

use std::ops::Range;

use swc_core::ecma::ast::{ArrowExpr, AwaitExpr, Class, ForOfStmt, Function, Stmt, Str, Tpl, TryStmt};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::edit::{after_line, line_indent, line_start, starts_line, Edit};
use crate::parse::range;
use crate::style::Style;

/// Replaces `stmts` (the tail of a function body, from the first statement to
/// be wrapped to the last) with a try/catch around them. `catch_lines` are the
/// catch block's lines; each leading `\t` means one more indentation level.
/// `None` when the layout is unusual (statements sharing a line with the
/// braces): precision over recall.
pub fn wrap_in_try(
    text: &str,
    style: &Style,
    stmts: &[Stmt],
    body_end: usize,
    catch_param: &str,
    catch_lines: &[String],
) -> Option<Edit> {
    wrap_in_try_finally(text, style, stmts, &[], body_end, catch_param, catch_lines)
}

/// Like [`wrap_in_try`], with the statements at `moved` (one-line statements
/// anywhere in the body, each on lines of its own: state resets such as
/// `setLoading(false)` that must also run when something failed) taken out
/// of the body and written once each, in order, in a `finally` block.
pub fn wrap_in_try_finally(
    text: &str,
    style: &Style,
    stmts: &[Stmt],
    moved: &[Range<usize>],
    body_end: usize,
    catch_param: &str,
    catch_lines: &[String],
) -> Option<Edit> {
    let first = range(stmts.first()?);
    let last = range(stmts.last()?);
    if !starts_line(text, first.start) {
        return None;
    }
    let end = after_line(text, last.end)?;
    // The closing brace must be on a later line.
    if !text.get(end..body_end)?.contains('\n') {
        return None;
    }
    let start = line_start(text, first.start);
    let base = line_indent(text, first.start);
    let eol = if text[start..].contains("\r\n") { "\r\n" } else { style.eol };
    let protected = protected_ranges(stmts);
    let unit = &style.indent;

    // The lines the moved statements stand on, and what goes in `finally`.
    let mut cut: Vec<Range<usize>> = Vec::new();
    let mut finally: Vec<&str> = Vec::new();
    for r in moved {
        let statement = text.get(r.clone())?;
        if !starts_line(text, r.start) || statement.contains('\n') {
            return None;
        }
        let line_end = after_line(text, r.end)?;
        // A comment after it moves with it; anything else on its line stays put.
        let after = text[r.end..line_end].trim();
        if !(after.is_empty() || after.starts_with("//")) {
            return None;
        }
        let next = text[line_end..].find('\n').map_or(text.len(), |i| line_end + i + 1);
        cut.push(line_start(text, r.start)..next);
        if !finally.iter().any(|f| f.starts_with(statement)) {
            finally.push(text[r.start..line_end].trim_end());
        }
    }
    // Nothing but moved statements would be left to try.
    if cut.iter().map(|r| r.len()).sum::<usize>() >= text[start..end].trim_end().len() {
        return None;
    }

    let mut body = String::new();
    let mut offset = start;
    for line in text[start..end].split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        if cut.iter().any(|r| r.contains(&here)) {
            continue;
        }
        let inside_literal = protected.iter().any(|r| r.start < here && here < r.end);
        if !inside_literal && !line.trim().is_empty() {
            body.push_str(unit);
        }
        body.push_str(line);
    }
    let body = body.trim_end_matches(['\r', '\n']);
    let mut out = format!("{base}try {{{eol}{body}");
    out.push_str(&format!("{eol}{base}}} catch ({catch_param}) {{{eol}"));
    for line in catch_lines {
        let depth = line.chars().take_while(|c| *c == '\t').count();
        out.push_str(base);
        out.push_str(&unit.repeat(depth + 1));
        out.push_str(&line[depth..]);
        out.push_str(eol);
    }
    out.push_str(base);
    out.push('}');
    if !finally.is_empty() {
        out.push_str(&format!(" finally {{{eol}"));
        for statement in finally {
            out.push_str(&format!("{base}{unit}{statement}{eol}"));
        }
        out.push_str(base);
        out.push('}');
    }
    Some(Edit::replace(start..end, out))
}

/// Template literals and strings that span lines.
fn protected_ranges(stmts: &[Stmt]) -> Vec<Range<usize>> {
    #[derive(Default)]
    struct Literals(Vec<Range<usize>>);
    impl Visit for Literals {
        fn visit_tpl(&mut self, t: &Tpl) {
            self.0.push(range(t));
            t.visit_children_with(self);
        }
        fn visit_str(&mut self, s: &Str) {
            self.0.push(range(s));
        }
    }
    let mut v = Literals::default();
    for s in stmts {
        s.visit_with(&mut v);
    }
    v.0
}

/// True when the statements await something outside any `try` block (catch
/// and finally blocks count as outside), not counting nested functions.
pub fn awaits_outside_try(stmts: &[Stmt]) -> bool {
    struct Awaits(bool);
    impl Visit for Awaits {
        fn visit_await_expr(&mut self, _: &AwaitExpr) {
            self.0 = true;
        }
        fn visit_for_of_stmt(&mut self, f: &ForOfStmt) {
            if f.is_await {
                self.0 = true;
            }
            f.visit_children_with(self);
        }
        fn visit_try_stmt(&mut self, t: &TryStmt) {
            t.handler.visit_with(self);
            t.finalizer.visit_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut v = Awaits(false);
    for s in stmts {
        s.visit_with(&mut v);
    }
    v.0
}

/// True when the statements return a value somewhere (not in nested functions).
pub fn returns_value(stmts: &[Stmt]) -> bool {
    struct Returns(bool);
    impl Visit for Returns {
        fn visit_return_stmt(&mut self, r: &swc_core::ecma::ast::ReturnStmt) {
            if r.arg.is_some() {
                self.0 = true;
            }
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut v = Returns(false);
    for s in stmts {
        s.visit_with(&mut v);
    }
    v.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};
    use swc_core::ecma::ast::{Decl, ModuleItem, Program};

    fn body(text: &str) -> (Vec<Stmt>, usize) {
        let first = match parse(text, Lang::Ts).expect("parses").program {
            Program::Module(m) => match m.body.into_iter().next() {
                Some(ModuleItem::Stmt(s)) => s,
                _ => panic!("a statement"),
            },
            Program::Script(s) => s.body.into_iter().next().expect("a statement"),
        };
        let Stmt::Decl(Decl::Fn(f)) = &first else { panic!("function") };
        let b = f.function.body.as_ref().expect("body");
        (b.stmts.clone(), range(b).end)
    }

    #[test]
    fn wraps_and_reindents_but_not_inside_template_literals() {
        let text =
            "async function f() {\n  const a = await g();\n\n  const s = `line\n  kept`;\n  return a;\n}\n";
        let (stmts, end) = body(text);
        let style = Style { indent: "  ".into(), quote: '"', semicolons: true, eol: "\n" };
        let edit =
            wrap_in_try(text, &style, &stmts, end, "error", &["console.error(error);".into()]).expect("edit");
        let out = crate::edit::apply(text, &[edit]).expect("applies");
        assert_eq!(
            out,
            "async function f() {\n  try {\n    const a = await g();\n\n    const s = `line\n  kept`;\n    return a;\n  } catch (error) {\n    console.error(error);\n  }\n}\n"
        );
    }

    #[test]
    fn awaits_in_try_do_not_count() {
        let (stmts, _) = body("async function f() {\n  try { await g(); } catch (e) { log(e); }\n  const h = async () => { await g(); };\n}\n");
        assert!(!awaits_outside_try(&stmts));
        let (stmts, _) = body("async function f() {\n  try { g(); } finally { await h(); }\n}\n");
        assert!(awaits_outside_try(&stmts));
    }
}
