//! The file's own style, so inserted code looks like a colleague wrote it.

use swc_core::ecma::ast::{JSXAttrValue, Program, Stmt, Str};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::parse::range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    /// One level of indentation: a tab or some spaces.
    pub indent: String,
    /// `'` or `"`.
    pub quote: char,
    pub semicolons: bool,
    /// `\n` or `\r\n`.
    pub eol: &'static str,
}

impl Style {
    pub fn detect(text: &str, program: &Program) -> Style {
        let mut counts = Counts { text, ..Counts::default() };
        program.visit_with(&mut counts);
        Style {
            indent: detect_indent(text),
            quote: if counts.single > counts.double { '\'' } else { '"' },
            semicolons: counts.with_semi >= counts.without_semi,
            eol: detect_eol(text),
        }
    }

    /// A string literal in the file's quote style.
    pub fn quoted(&self, value: &str) -> String {
        let q = self.quote;
        let escaped = value.replace('\\', "\\\\").replace(q, &format!("\\{q}"));
        format!("{q}{escaped}{q}")
    }

    /// `;` when the file uses semicolons.
    pub fn semi(&self) -> &'static str {
        if self.semicolons {
            ";"
        } else {
            ""
        }
    }
}

fn detect_eol(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The most common change of indentation between consecutive lines (the way
/// `detect-indent` does it); tabs win when most indented lines use them.
fn detect_indent(text: &str) -> String {
    let mut tabs = 0usize;
    let mut spaces = 0usize;
    let mut deltas = [0usize; 9];
    let mut previous = 0usize;
    for line in text.lines() {
        let trimmed = line.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('*') {
            continue; // blank lines and JSDoc continuation lines say nothing
        }
        let lead = &line[..line.len() - trimmed.len()];
        if lead.starts_with('\t') {
            tabs += 1;
            continue;
        }
        let width = lead.len();
        if width > 0 {
            spaces += 1;
        }
        if width > previous && width - previous < deltas.len() {
            deltas[width - previous] += 1;
        }
        previous = width;
    }
    if tabs > spaces {
        return "\t".into();
    }
    let best = (1..deltas.len()).max_by_key(|&d| (deltas[d], d == 2)).unwrap_or(2);
    if deltas[best] == 0 {
        "  ".into()
    } else {
        " ".repeat(best)
    }
}

#[derive(Default)]
struct Counts<'a> {
    text: &'a str,
    single: usize,
    double: usize,
    with_semi: usize,
    without_semi: usize,
}

impl Visit for Counts<'_> {
    fn visit_str(&mut self, s: &Str) {
        match self.text.as_bytes().get(range(s).start) {
            Some(b'\'') => self.single += 1,
            Some(b'"') => self.double += 1,
            _ => {}
        }
    }

    // JSX attributes use double quotes whatever the file's JS strings do.
    fn visit_jsx_attr_value(&mut self, value: &JSXAttrValue) {
        if !matches!(value, JSXAttrValue::Str(_)) {
            value.visit_children_with(self);
        }
    }

    // Imports and exports end like statements do.
    fn visit_module_decl(&mut self, decl: &swc_core::ecma::ast::ModuleDecl) {
        use swc_core::ecma::ast::{Decl, ModuleDecl};
        let counted = match decl {
            ModuleDecl::Import(_)
            | ModuleDecl::ExportNamed(_)
            | ModuleDecl::ExportAll(_)
            | ModuleDecl::ExportDefaultExpr(_) => true,
            ModuleDecl::ExportDecl(e) => matches!(e.decl, Decl::Var(_)),
            _ => false,
        };
        if counted {
            if self.text[range(decl)].trim_end().ends_with(';') {
                self.with_semi += 1;
            } else {
                self.without_semi += 1;
            }
        }
        decl.visit_children_with(self);
    }

    fn visit_stmt(&mut self, stmt: &Stmt) {
        let counted = matches!(
            stmt,
            Stmt::Expr(_) | Stmt::Return(_) | Stmt::Throw(_) | Stmt::Break(_) | Stmt::Continue(_)
        ) || matches!(stmt, Stmt::Decl(swc_core::ecma::ast::Decl::Var(_)));
        if counted {
            if self.text[range(stmt)].trim_end().ends_with(';') {
                self.with_semi += 1;
            } else {
                self.without_semi += 1;
            }
        }
        stmt.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn style(text: &str) -> Style {
        let parsed = parse(text, Lang::Tsx).expect("parses");
        Style::detect(text, &parsed.program)
    }

    #[test]
    fn detects_prettier_defaults() {
        let s = style("function f() {\n  if (a) {\n    return \"x\";\n  }\n}\n");
        assert_eq!(s, Style { indent: "  ".into(), quote: '"', semicolons: true, eol: "\n" });
    }

    #[test]
    fn detects_standard_style_with_tabs_and_crlf() {
        let s = style("function f () {\r\n\tconst a = 'x'\r\n\tif (a) {\r\n\t\treturn a\r\n\t}\r\n}\r\n");
        assert_eq!(s, Style { indent: "\t".into(), quote: '\'', semicolons: false, eol: "\r\n" });
    }

    #[test]
    fn four_spaces_and_jsx_attributes_do_not_vote() {
        let s = style("const A = () => {\n    return <div className=\"a\" id=\"b\">{'x'}</div>;\n};\n");
        assert_eq!(s.indent, "    ");
        assert_eq!(s.quote, '\'');
    }

    #[test]
    fn imports_and_exports_vote_too() {
        let s = style(
            "import 'dotenv/config'\nimport Stripe from 'stripe'\n\nexport const stripe = new Stripe('x')\n",
        );
        assert!(!s.semicolons);
    }

    #[test]
    fn quoted_escapes() {
        let s = style("const a = 'x';\n");
        assert_eq!(s.quoted("it's"), "'it\\'s'");
    }
}
