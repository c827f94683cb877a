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
    wrap_in_try_finally(text, style, stmts, stmts.len(), body_end, catch_param, catch_lines)
}

/// Like [`wrap_in_try`], with `stmts[finally_from..]` moved into a `finally`
/// block (state resets such as `setLoading(false)` that must also run when
/// something failed).
pub fn wrap_in_try_finally(
    text: &str,
    style: &Style,
    stmts: &[Stmt],
    finally_from: usize,
    body_end: usize,
    catch_param: &str,
    catch_lines: &[String],
) -> Option<Edit> {
    if finally_from == 0 {
        return None;
    }
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

    let indented = |from: usize, to: usize| {
        let mut out = String::new();
        let mut offset = from;
        for line in text[from..to].split_inclusive('\n') {
            let inside_literal = protected.iter().any(|r| r.start < offset && offset < r.end);
            if !inside_literal && !line.trim().is_empty() {
                out.push_str(unit);
            }
            out.push_str(line);
            offset += line.len();
        }
        out
    };
    // Where the try part ends and the finally part starts (whole lines).
    let (try_end, finally_start) = match stmts.get(finally_from) {
        Some(f) => {
            let f = range(f);
            if !starts_line(text, f.start) {
                return None;
            }
            let previous = range(&stmts[finally_from - 1]);
            let (try_end, finally_start) = (after_line(text, previous.end)?, line_start(text, f.start));
            // Only blank lines between them (a comment there would be lost).
            if !text.get(try_end..finally_start)?.trim().is_empty() {
                return None;
            }
            (try_end, finally_start)
        }
        None => (end, end),
    };
    let mut out = format!("{base}try {{{eol}");
    out.push_str(&indented(start, try_end));
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
    if finally_start < end {
        out.push_str(&format!(" finally {{{eol}"));
        out.push_str(&indented(finally_start, end));
        out.push_str(&format!("{eol}{base}}}"));
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
