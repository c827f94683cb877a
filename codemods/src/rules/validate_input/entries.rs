//! The entry points: for each, the check that parses its input
//! and answers 400, inserted where the input is first read, and the reads
//! rewritten to use the parsed data.

use swc_core::ecma::ast::{Decl, ObjectPatProp, Pat, Stmt};
use swc_core::ecma::visit::VisitWith;

use super::run::Run;
use super::sources::{
    already_validates, find_request_read, BodyReads, FormGets, FormSource, Insert, Reject, Reply, SearchGets,
    Source,
};
use super::zod::{is_email_name, is_identifier, FieldSpec, Fields, Ty};
use crate::edit::{line_indent, starts_line, Edit};
use crate::framework::FnBody;
use crate::parse::range;

impl Run<'_> {
    /// `await request.json()` read into a declaration (Next, edge functions).
    pub(crate) fn json_entry(
        &mut self,
        body: &FnBody,
        wanted: &str,
        label: &str,
        bad_request: impl Fn(&str, &dyn Fn(&str) -> String) -> String,
    ) {
        let Some(stmts) = body.stmts() else { return };
        let Some(req) = body.param_name(0) else { return };
        if already_validates(stmts) {
            return;
        }
        // The statement that reads the body, directly in the body or in a
        // try block that is.
        let Some((stmt, decl)) = find_request_read(stmts, &req, "json") else { return };
        let Some(fields) = self.fields_of_decl(decl, stmts) else { return };
        let Some(name) = self.schema_for(wanted, &fields, label) else { return };
        let Some(parsed) = ["parsed", "parsedBody", "input"].into_iter().find(|n| !body.names().declares(n))
        else {
            return;
        };
        let text = self.file.text;
        let stmt_range = range(stmt);
        if !starts_line(text, stmt_range.start) {
            return;
        }
        let Some(init) = decl.decls[0].init.as_deref() else { return };
        let indent = line_indent(text, stmt_range.start).to_string();
        let unit = &self.file.style().indent;
        let (semi, eol) = (self.file.style().semi(), self.file.style().eol);
        let issues = self.issues(parsed);
        let q = |s: &str| self.file.style().quoted(s);
        let reject = bad_request(&issues, &q);
        let check = format!(
            "const {parsed} = {name}.safeParse(await {req}.json().catch(() => null)){semi}{eol}{indent}if (!{parsed}.success) {{{eol}{indent}{unit}{reject}{semi}{eol}{indent}}}{eol}{indent}"
        );
        self.edits.push(Edit::insert(stmt_range.start, check));
        self.edits.push(Edit::replace(range(init), format!("{parsed}.data")));
        self.add_schema(name, fields, label);
    }

    /// `searchParams.get("page")` in a GET route handler: the params are
    /// checked (formats, lengths) right after they are known; the reads stay as
    /// they are, so `null` for an absent param still means what it meant.
    pub(crate) fn search_params_entry(&mut self, body: &FnBody, wanted: &str, label: &str, response: &str) {
        let Some(stmts) = body.stmts() else { return };
        let Some(req) = body.param_name(0) else { return };
        if already_validates(stmts) {
            return;
        }
        let text = self.file.text;
        // `const { searchParams } = new URL(request.url)` or
        // `const searchParams = request.nextUrl.searchParams`: the check goes after it.
        let declared = stmts.iter().find_map(|stmt| {
            let Stmt::Decl(Decl::Var(v)) = stmt else { return None };
            let [d] = v.decls.as_slice() else { return None };
            let binds = match &d.name {
                Pat::Object(o) => o
                    .props
                    .iter()
                    .any(|p| matches!(p, ObjectPatProp::Assign(a) if &*a.key.sym == "searchParams")),
                Pat::Ident(b) => &*b.id.sym == "searchParams",
                _ => false,
            };
            let init = d.init.as_deref()?;
            let from_request = text[range(init)].contains(&req);
            (binds && from_request).then_some(stmt)
        });
        let Some(stmt) = declared else { return };
        let mut gets = SearchGets { keys: Vec::new(), numbers: Vec::new() };
        for s in stmts {
            s.visit_with(&mut gets);
        }
        if gets.keys.is_empty() {
            return;
        }
        let mut fields = Fields::new();
        for key in &gets.keys {
            let ty = if gets.numbers.contains(key) { Ty::CoercedNumber } else { Ty::Str };
            fields.insert(key.clone(), FieldSpec { ty, optional: true, nullable: false, guessed: false });
        }
        let Some(name) = self.schema_for(wanted, &fields, label) else { return };
        let names = body.names();
        let Some(parsed) = ["parsedQuery", "queryInput"].into_iter().find(|n| !names.declares(n)) else {
            return;
        };
        let style = self.file.style();
        let Some(after) = crate::edit::after_stmt(text, style, range(stmt)) else { return };
        let (semi, eol, unit, indent) = (style.semi(), after.eol, &style.indent, after.indent);
        let issues = self.issues(parsed);
        let check = format!(
            "{eol}{indent}const {parsed} = {name}.safeParse(Object.fromEntries(searchParams)){semi}{eol}{indent}if (!{parsed}.success) {{{eol}{indent}{unit}return {response}.json({{ error: {}, issues: {issues} }}, {{ status: 400 }}){semi}{eol}{indent}}}",
            style.quoted("Invalid query parameters")
        );
        self.edits.push(Edit::insert(after.at, check));
        self.add_schema(name, fields, label);
    }

    /// Form fields read with `form.get("name")`: from `await request.formData()`
    /// (Next route handlers) or a server action's `FormData` parameter.
    pub(crate) fn form_entry(
        &mut self,
        body: &FnBody,
        wanted: &str,
        label: &str,
        source: FormSource,
        bad_request: Reject,
    ) {
        let Some(stmts) = body.stmts() else { return };
        if already_validates(stmts) {
            return;
        }
        let text = self.file.text;
        // Where the check goes and which name holds the form.
        let (form, at, indent) = match source {
            FormSource::Request(req) => {
                let Some((stmt, decl)) = find_request_read(stmts, req, "formData") else { return };
                let Pat::Ident(b) = &decl.decls[0].name else { return };
                let Some(after) = crate::edit::after_stmt(text, self.file.style(), range(stmt)) else {
                    return;
                };
                (b.id.sym.to_string(), Insert::After(after.at), after.indent.to_string())
            }
            FormSource::Param(p) => {
                let Some(first) = stmts.first() else { return };
                let r = range(first);
                if !starts_line(text, r.start) {
                    return;
                }
                (p.to_string(), Insert::Before(r.start), line_indent(text, r.start).to_string())
            }
        };
        let mut gets = FormGets {
            form: &form,
            gets: Vec::new(),
            other_use: false,
            optional: Vec::new(),
            numbers: Vec::new(),
            not_text: Vec::new(),
        };
        for s in stmts {
            s.visit_with(&mut gets);
        }
        if gets.other_use || gets.gets.is_empty() {
            return;
        }
        let mut fields = Fields::new();
        for (_, key) in &gets.gets {
            let ty = if gets.not_text.contains(key) {
                Ty::Any
            } else if gets.numbers.contains(key) {
                Ty::CoercedNumber
            } else {
                Ty::Str
            };
            let ty = if ty == Ty::Str && is_email_name(key) { Ty::Email } else { ty };
            fields.insert(
                key.clone(),
                FieldSpec { ty, optional: gets.optional.contains(key), nullable: false, guessed: false },
            );
        }
        let Some(name) = self.schema_for(wanted, &fields, label) else { return };
        let names = body.names();
        let Some(parsed) = ["parsed", "parsedForm", "formInput"].into_iter().find(|n| !names.declares(n))
        else {
            return;
        };
        let style = self.file.style();
        let (semi, eol, unit) = (style.semi(), style.eol, &style.indent);
        let issues = self.issues(parsed);
        let q = |s: &str| style.quoted(s);
        let reject = bad_request(&issues, &q);
        let check = format!(
            "const {parsed} = {name}.safeParse(Object.fromEntries({form})){semi}{eol}{indent}if (!{parsed}.success) {{{eol}{indent}{unit}{reject}{semi}{eol}{indent}}}"
        );
        match at {
            Insert::After(at) => self.edits.push(Edit::insert(at, format!("{eol}{indent}{check}"))),
            Insert::Before(at) => self.edits.push(Edit::insert(at, format!("{check}{eol}{eol}{indent}"))),
        }
        for (r, key) in &gets.gets {
            let access = if is_identifier(key) {
                format!("{parsed}.data.{key}")
            } else {
                format!("{parsed}.data[{}]", q(key))
            };
            self.edits.push(Edit::replace(r.clone(), access));
        }
        self.add_schema(name, fields, label);
    }

    /// `req.body` (Express, pages API): parsed at the top of the handler, and
    /// every `req.body` read becomes the parsed data.
    pub(crate) fn body_entry(&mut self, body: &FnBody, wanted: &str, label: &str) {
        self.input_entry(body, wanted, label, Source::Body, Reply::Express);
    }

    /// `req.body`, `req.query` or `req.params` (Express, Fastify, pages API):
    /// parsed at the top of the handler, and every read of it becomes the
    /// parsed data.
    pub(crate) fn input_entry(
        &mut self,
        body: &FnBody,
        wanted: &str,
        label: &str,
        source: Source,
        reply: Reply,
    ) {
        let Some(stmts) = body.stmts() else { return };
        let (Some(req), Some(res)) = (body.param_name(0), body.param_name(1)) else { return };
        if already_validates(stmts) {
            return;
        }
        let mut reads = BodyReads { req: &req, prop: source.prop(), reads: Vec::new(), whole: Vec::new() };
        for s in stmts {
            s.visit_with(&mut reads);
        }
        if reads.reads.is_empty() && reads.whole.is_empty() {
            return;
        }
        let fields = match source {
            Source::Body => self.fields_of_body_reads(&reads, stmts),
            Source::Query | Source::Params => self.fields_of_params(&reads, stmts, source),
        };
        let Some(fields) = fields else { return };
        let Some(name) = self.schema_for(wanted, &fields, label) else { return };
        let names = body.names();
        let Some(parsed) = source
            .parsed_names()
            .iter()
            .copied()
            .find(|n| !names.declares(n) && !self.added_here.contains(&n.to_string()))
        else {
            return;
        };
        self.added_here.push(parsed.to_string());
        let text = self.file.text;
        // Right before the first statement that reads the input: the
        // handler's own earlier checks (auth, feature flags) keep answering first.
        let read_at = reads
            .reads
            .iter()
            .map(|(r, _)| r.start)
            .chain(reads.whole.iter().map(|(r, _)| r.start))
            .min()
            .unwrap_or(0);
        let Some(first) = stmts.iter().find(|s| range(*s).contains(&read_at)).or(stmts.first()) else {
            return;
        };
        let first_range = range(first);
        if !starts_line(text, first_range.start) {
            return;
        }
        let indent = line_indent(text, first_range.start).to_string();
        let unit = &self.file.style().indent;
        let (semi, eol) = (self.file.style().semi(), self.file.style().eol);
        let issues = self.issues(parsed);
        let what = self.q(source.invalid());
        let reject = match reply {
            Reply::Express => format!("return {res}.status(400).json({{ error: {what}, issues: {issues} }})"),
            Reply::Fastify => format!("return {res}.code(400).send({{ error: {what}, issues: {issues} }})"),
        };
        let check = format!(
            "const {parsed} = {name}.safeParse({req}.{}){semi}{eol}{indent}if (!{parsed}.success) {{{eol}{indent}{unit}{reject}{semi}{eol}{indent}}}{eol}{eol}{indent}",
            source.prop()
        );
        self.pending.push((first_range.start, check));
        let ranges =
            reads.reads.iter().map(|(r, _)| r.clone()).chain(reads.whole.iter().map(|(r, _)| r.clone()));
        for r in ranges.collect::<Vec<_>>() {
            self.edits.push(Edit::replace(r, format!("{parsed}.data")));
        }
        self.add_schema(name, fields, label);
    }

    /// Ends a handler: its checks go in as one edit.
    pub(crate) fn flush(&mut self) {
        self.added_here.clear();
        // All before the earliest read of any of them.
        let Some(at) = self.pending.iter().map(|(at, _)| *at).min() else { return };
        let text: String = self.pending.drain(..).map(|(_, t)| t).collect();
        self.edits.push(Edit::insert(at, text));
    }
}
