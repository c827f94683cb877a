//! One run of `validate-input` over a file: the schemas it has written so
//! far and the edits it proposes; the schema declarations themselves, named
//! so that they clash with nothing in the file and shared when identical.

use swc_core::ecma::ast::Program;

use super::evidence::types::{declares_type, local_type};
use super::zod::{is_identifier, string_cap, Fields, Ty};
use crate::codemod::FileCtx;
use crate::edit::Edit;

pub(crate) struct Run<'a> {
    pub(crate) file: &'a FileCtx<'a>,
    /// `parsed…` names this run declared in the current handler.
    pub(crate) added_here: Vec<String>,
    /// Checks for the current handler, inserted together at its start.
    pub(crate) pending: Vec<(usize, String)>,
    pub(crate) major: u64,
    /// (name, declaration text), in order.
    pub(crate) schemas: Vec<(String, String)>,
    pub(crate) edits: Vec<Edit>,
    pub(crate) found: Vec<String>,
    pub(crate) guessed: Vec<String>,
    /// Project modules read for their types, by import source: each is read
    /// and parsed once per file, however many fields point at it.
    pub(crate) modules: std::cell::RefCell<std::collections::HashMap<String, Option<std::rc::Rc<Program>>>>,
}

impl Run<'_> {
    pub(crate) fn q(&self, s: &str) -> String {
        self.file.style().quoted(s)
    }

    pub(crate) fn issues(&self, parsed: &str) -> String {
        if self.major >= 4 {
            format!("z.flattenError({parsed}.error).fieldErrors")
        } else {
            format!("{parsed}.error.flatten().fieldErrors")
        }
    }

    /// An existing schema with exactly this text, or a fresh name.
    pub(crate) fn schema_for(&self, wanted: &str, fields: &Fields, label: &str) -> Option<String> {
        let text = self.schema_text(wanted, fields, label);
        let semi = self.file.style().semi();
        let same = self.schemas.iter().find(|(n, t)| *t == format!("const {n} = {text}{semi}"));
        match same {
            Some((n, _)) => Some(n.clone()),
            None => self.schema_name(wanted),
        }
    }

    pub(crate) fn schema_name(&self, wanted: &str) -> Option<String> {
        let taken = |n: &str| {
            self.file.bindings().declares(n)
                || local_type(self.file.program, n).is_some()
                || declares_type(self.file.program, n)
                || self.schemas.iter().any(|(s, _)| s == n)
        };
        (1..10).map(|i| if i == 1 { wanted.to_string() } else { format!("{wanted}{i}") }).find(|n| !taken(n))
    }

    /// The schema's `z.object({…})` text, after the adjustments that depend
    /// on the entry point.
    pub(crate) fn schema_text(&self, wanted: &str, fields: &Fields, label: &str) -> String {
        let mut fields = fields.clone();
        // Signing in must keep accepting every account that exists: no new
        // format rule on what identifies it.
        let lower = format!("{wanted} {label}").to_ascii_lowercase();
        if ["login", "signin", "sign-in", "session"].iter().any(|w| lower.contains(w)) {
            for (_, spec) in &mut fields.list {
                if spec.ty == Ty::Email {
                    spec.ty = Ty::Str;
                }
            }
        }
        // An update of a whole model sends what changes: every column may be
        // left out. (Fields the code reads keep what its usage says.)
        if wanted.starts_with("Update") && fields.whole_model {
            for (_, spec) in &mut fields.list {
                if !matches!(spec.ty, Ty::Enum(_)) || spec.nullable {
                    spec.optional = true;
                }
            }
        }
        let style = self.file.style();
        let q = |s: &str| style.quoted(s);
        let unit = &style.indent;
        let mut out = format!("z.object({{{}", style.eol);
        for (field, spec) in &fields.list {
            let mut ty = spec.ty.zod(self.major, &q);
            if spec.ty == Ty::Str {
                ty.push_str(string_cap(field));
            }
            // Unknown stays permissive: present or not (zod 4 requires a
            // `z.any()` key unless it is optional).
            if spec.nullable {
                ty.push_str(".nullish()");
            } else if spec.optional || spec.ty == Ty::Any {
                ty.push_str(".optional()");
            }
            let key = if is_identifier(field) { field.clone() } else { q(field) };
            out.push_str(&format!("{unit}{key}: {ty},{}", style.eol));
        }
        out.push('}');
        out.push(')');
        // Fields learnt from usage may not be all the code reads: keep the rest.
        if fields.loose {
            out.push_str(if self.major >= 4 { ".loose()" } else { ".passthrough()" });
        }
        out
    }

    pub(crate) fn add_schema(&mut self, name: String, fields: Fields, label: &str) {
        self.found.push(format!("`{label}`"));
        if self.schemas.iter().any(|(n, _)| *n == name) {
            return; // the same schema serves several entry points
        }
        for (field, spec) in &fields.list {
            if spec.guessed {
                self.guessed.push(format!("{name}.{field}"));
            }
        }
        let text =
            format!("const {name} = {}{}", self.schema_text(&name, &fields, label), self.file.style().semi());
        self.schemas.push((name, text));
    }
}
