//! Each field's type from the evidence, best first: the model it is written
//! to, a TypeScript type, the typed parameter it is passed to, the handler's
//! own checks, then its name.

pub(crate) mod code;
pub(crate) mod orm;
pub(crate) mod types;

use crate::rules::validate_input::run::Run;
use crate::rules::validate_input::sources::{cast_type, BodyReads, Members, Source, WholeUse};
use crate::rules::validate_input::zod::{is_email_name, FieldSpec, Fields, Ty};
use code::{CallArgs, Guards, Includes, NumberWraps, StringUses};
use orm::{prisma_ty, table_columns, Column, DrizzleWrites, PrismaWrites};
use swc_core::ecma::ast::{
    Decl, Expr, ImportSpecifier, Lit, ModuleDecl, ModuleItem, ObjectPatProp, Pat, Program, PropName, Stmt,
    TsEntityName, TsType, TsTypeElement, VarDecl,
};
use swc_core::ecma::visit::VisitWith;
use types::{local_type, ts_ty};

impl Run<'_> {
    /// Fields of `const { a, b } = …` or `const body[: T] = … [as T]`.
    pub(crate) fn fields_of_decl(&self, decl: &VarDecl, stmts: &[Stmt]) -> Option<Fields> {
        let d = decl.decls.first()?;
        let declared_type = match &d.name {
            Pat::Ident(b) => b.type_ann.as_ref().map(|t| &*t.type_ann),
            Pat::Object(o) => o.type_ann.as_ref().map(|t| &*t.type_ann),
            _ => None,
        }
        .or_else(|| cast_type(d.init.as_deref()?));
        if let Some(mut fields) = declared_type.and_then(|t| self.type_fields(t)) {
            self.adjust_by_usage(&mut fields, stmts);
            return Some(fields);
        }
        let mut names: Vec<(String, bool)> = Vec::new();
        match &d.name {
            Pat::Object(o) => {
                for p in &o.props {
                    match p {
                        ObjectPatProp::Assign(a) => names.push((a.key.sym.to_string(), a.value.is_some())),
                        ObjectPatProp::KeyValue(kv) => match &kv.key {
                            PropName::Ident(i) => {
                                names.push((i.sym.to_string(), matches!(&*kv.value, Pat::Assign(_))))
                            }
                            PropName::Str(s) => names.push((s.value.to_string_lossy().into_owned(), false)),
                            _ => return None,
                        },
                        ObjectPatProp::Rest(_) => return None,
                    }
                }
            }
            Pat::Ident(b) => {
                let var = b.id.sym.to_string();
                let mut uses = Members { name: &var, fields: Vec::new(), whole: false };
                for s in stmts {
                    s.visit_with(&mut uses);
                }
                if uses.whole {
                    return self.whole_body_fields(&var, stmts);
                }
                names = uses.fields.into_iter().map(|f| (f, false)).collect();
            }
            _ => return None,
        }
        if names.is_empty() {
            return None;
        }
        Some(self.evidence(&names, stmts))
    }

    pub(crate) fn fields_of_body_reads(&self, reads: &BodyReads, stmts: &[Stmt]) -> Option<Fields> {
        let mut names: Vec<(String, bool)> =
            reads.reads.iter().filter_map(|(_, f)| f.clone().map(|f| (f, false))).collect();
        for (_, target) in &reads.whole {
            match target {
                // `const { a, b } = req.body`
                Some(WholeUse::Destructured(fields)) => names.extend(fields.iter().cloned()),
                // passed whole to an ORM write, or cast
                Some(WholeUse::Model(model)) => {
                    let fields = self.model_fields(model)?;
                    return Some(fields);
                }
                Some(WholeUse::Cast(ty)) => {
                    let mut fields = self.type_fields(ty)?;
                    self.adjust_by_usage(&mut fields, stmts);
                    return Some(fields);
                }
                None => return None,
            }
        }
        let mut seen = Vec::new();
        names.retain(|(n, _)| {
            if seen.contains(n) {
                false
            } else {
                seen.push(n.clone());
                true
            }
        });
        if names.is_empty() {
            return None;
        }
        Some(self.evidence(&names, stmts))
    }

    /// Query and route params arrive as strings: numbers only where the code
    /// turns them into one with `Number(…)` (so the parsed value fits), the
    /// rest strings; query params may be absent.
    pub(crate) fn fields_of_params(
        &self,
        reads: &BodyReads,
        stmts: &[Stmt],
        source: Source,
    ) -> Option<Fields> {
        if reads.whole.iter().any(|(_, w)| !matches!(w, Some(WholeUse::Destructured(_)))) {
            return None; // a cast or a whole use: strings typed otherwise, not worth guessing
        }
        let mut names: Vec<String> = reads.reads.iter().filter_map(|(_, f)| f.clone()).collect();
        for (_, w) in &reads.whole {
            if let Some(WholeUse::Destructured(fields)) = w {
                names.extend(fields.iter().map(|(n, _)| n.clone()));
            }
        }
        let mut numbers = NumberWraps::default();
        let mut guards = Guards::default();
        for s in stmts {
            s.visit_with(&mut numbers);
            s.visit_with(&mut guards);
        }
        let mut out = Fields::new();
        for name in names {
            // Coerce only where the code makes a number and never checks the
            // raw type itself (`typeof limit === "string"`).
            let ty = if numbers.0.contains(&name) && !guards.1.contains(&name) {
                Ty::CoercedNumber
            } else if source == Source::Query {
                Ty::QueryValue
            } else {
                Ty::Str
            };
            out.insert(
                name,
                FieldSpec { ty, optional: source == Source::Query, nullable: false, guessed: false },
            );
        }
        (!out.is_empty()).then_some(out)
    }

    /// The whole body goes somewhere: to a Prisma write (`data: body`).
    pub(crate) fn whole_body_fields(&self, var: &str, stmts: &[Stmt]) -> Option<Fields> {
        let mut writes = PrismaWrites::default();
        for s in stmts {
            s.visit_with(&mut writes);
        }
        let model = writes.whole.iter().find(|(v, _)| v == var).map(|(_, m)| m.clone())?;
        self.model_fields(&model)
    }

    pub(crate) fn model_fields(&self, model: &str) -> Option<Fields> {
        let schema = self.file.model.prisma(self.file.path)?;
        let fields = schema.model(model)?;
        let mut out = Fields::new();
        for f in fields {
            // Ids, timestamps and the like are the database's to set.
            if f.server_managed {
                continue;
            }
            let Some(ty) = prisma_ty(&f.ty, schema) else { continue };
            let ty = if ty == Ty::Str && is_email_name(&f.name) { Ty::Email } else { ty };
            let ty = if f.list { Ty::Array(Box::new(ty)) } else { ty };
            out.insert(
                f.name.clone(),
                FieldSpec { ty, optional: f.generated, nullable: f.optional, guessed: false },
            );
        }
        out.whole_model = true;
        (!out.is_empty()).then_some(out)
    }

    /// Types for named fields: Prisma write targets, string method use, names.
    pub(crate) fn evidence(&self, names: &[(String, bool)], stmts: &[Stmt]) -> Fields {
        let mut fields = self.evidence_strict(names, stmts);
        self.adjust_by_usage(&mut fields, stmts);
        fields
    }

    /// What the handler's own code says about each field, over any type:
    /// a list it checks the value against is an enum; a value it tests itself
    /// (`if (!x)`, `x ?? d`, `typeof x`) may be missing, one it reads with
    /// `x?.` may be null; one it passes to `Number()` may be a numeric string.
    /// Keys the schema does not name pass through (the code may read them).
    pub(crate) fn adjust_by_usage(&self, fields: &mut Fields, stmts: &[Stmt]) {
        fields.loose = true;
        let mut guards = Guards::default();
        let mut numbers = NumberWraps::default();
        let mut allowed = Includes::default();
        for s in stmts {
            s.visit_with(&mut guards);
            s.visit_with(&mut numbers);
            s.visit_with(&mut allowed);
        }
        for (name, spec) in &mut fields.list {
            if let Some((_, values)) = allowed.0.iter().find(|(n, _)| n == name) {
                spec.ty = Ty::Enum(values.clone());
                spec.nullable = false;
                spec.optional = false;
                spec.guessed = false;
                continue;
            }
            if guards.0.contains(name) {
                spec.optional = true;
            }
            if guards.2.contains(name) {
                spec.nullable = true;
            }
            if numbers.0.contains(name) && matches!(spec.ty, Ty::Number | Ty::Int | Ty::Any) {
                spec.ty = Ty::NumberLike;
                spec.guessed = false;
            }
        }
    }

    pub(crate) fn evidence_strict(&self, names: &[(String, bool)], stmts: &[Stmt]) -> Fields {
        let mut writes = PrismaWrites::default();
        let mut strings = StringUses::default();
        let mut drizzle = DrizzleWrites::default();
        let mut args = CallArgs::default();
        for s in stmts {
            s.visit_with(&mut writes);
            s.visit_with(&mut strings);
            s.visit_with(&mut drizzle);
            s.visit_with(&mut args);
        }
        let schema = self.file.model.prisma(self.file.path);
        let mut out = Fields::new();
        for (name, has_default) in names {
            let from_model =
                writes.fields.iter().find(|(v, _, _)| v == name).and_then(|(_, model, column)| {
                    let schema = schema?;
                    let f = schema.model(model)?.iter().find(|f| f.name == *column)?;
                    let ty = prisma_ty(&f.ty, schema)?;
                    let ty = if ty == Ty::Str && is_email_name(name) { Ty::Email } else { ty };
                    Some(FieldSpec {
                        ty: if f.list { Ty::Array(Box::new(ty)) } else { ty },
                        optional: f.generated || *has_default,
                        nullable: f.optional,
                        guessed: false,
                    })
                });
            let from_table = || {
                let (_, table, column) = drizzle.fields.iter().find(|(v, _, _)| v == name)?;
                let columns = self.drizzle_table(table)?;
                let c = columns.iter().find(|c| c.key == *column)?;
                let ty = if c.ty == Ty::Str && is_email_name(name) { Ty::Email } else { c.ty.clone() };
                Some(FieldSpec {
                    ty,
                    optional: !c.required || *has_default,
                    nullable: !c.not_null,
                    guessed: false,
                })
            };
            // Passed to a function whose parameter is typed: `createUser(email: string, …)`.
            let from_param = || {
                let (_, function, index) = args.0.iter().find(|(v, _, _)| v == name)?;
                let (ty, module) = self.param_type(function, *index)?;
                let (ty, nullable) = ts_ty(&ty, module.as_deref().unwrap_or(self.file.program));
                (ty != Ty::Any).then(|| {
                    let ty = if ty == Ty::Str && is_email_name(name) { Ty::Email } else { ty };
                    FieldSpec { ty, optional: *has_default, nullable, guessed: false }
                })
            };
            let spec = from_model.or_else(from_table).or_else(from_param).unwrap_or_else(|| {
                let (ty, guessed) = if is_email_name(name) {
                    (Ty::Email, false)
                } else if strings.0.iter().any(|s| s == name) {
                    (Ty::Str, false)
                } else {
                    (Ty::Any, true)
                };
                FieldSpec { ty, optional: *has_default, nullable: false, guessed }
            });
            out.insert(name.clone(), spec);
        }
        out
    }

    /// Members of an interface or type literal declared in this file or
    /// imported from a relative module.
    pub(crate) fn type_fields(&self, ty: &TsType) -> Option<Fields> {
        let imported;
        let (members, program) = match ty {
            TsType::TsTypeLit(lit) => (lit.members.clone(), self.file.program),
            TsType::TsTypeRef(r) => {
                let TsEntityName::Ident(name) = &r.type_name else { return None };
                match local_type(self.file.program, &name.sym) {
                    Some(members) => (members, self.file.program),
                    None => {
                        imported = self.imported_program(&name.sym)?;
                        (local_type(&imported, &name.sym)?, &*imported)
                    }
                }
            }
            _ => return None,
        };
        let mut out = Fields::new();
        for m in &members {
            let TsTypeElement::TsPropertySignature(p) = m else { return None };
            let key = match &*p.key {
                Expr::Ident(i) => i.sym.to_string(),
                Expr::Lit(Lit::Str(s)) => s.value.to_string_lossy().into_owned(),
                _ => return None,
            };
            let ts = p.type_ann.as_ref().map(|t| &*t.type_ann);
            let (ty, nullable) = ts.map(|t| ts_ty(t, program)).unwrap_or((Ty::Any, false));
            let ty = if ty == Ty::Str && is_email_name(&key) { Ty::Email } else { ty };
            out.insert(key, FieldSpec { ty, optional: p.optional, nullable, guessed: false });
        }
        (!out.is_empty()).then_some(out)
    }
}

impl Run<'_> {
    /// The declared type of parameter `index` of function `name`, with the
    /// module it is declared in when that is not this file.
    pub(crate) fn param_type(
        &self,
        name: &str,
        index: usize,
    ) -> Option<(TsType, Option<std::rc::Rc<Program>>)> {
        let find = |program: &Program| -> Option<TsType> {
            let Program::Module(m) = program else { return None };
            m.body.iter().find_map(|item| {
                let decl = match item {
                    ModuleItem::Stmt(Stmt::Decl(d)) => d,
                    ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
                    _ => return None,
                };
                let pat = match decl {
                    Decl::Fn(f) if &*f.ident.sym == name => &f.function.params.get(index)?.pat,
                    Decl::Var(v) => v.decls.iter().find_map(|d| match (&d.name, d.init.as_deref()) {
                        (Pat::Ident(b), Some(Expr::Arrow(a))) if &*b.id.sym == name => a.params.get(index),
                        _ => None,
                    })?,
                    _ => return None,
                };
                match pat {
                    Pat::Ident(b) => b.type_ann.as_ref().map(|t| (*t.type_ann).clone()),
                    _ => None,
                }
            })
        };
        if let Some(ty) = find(self.file.program) {
            return Some((ty, None));
        }
        let imported = self.imported_program(name)?;
        let ty = find(&imported)?;
        Some((ty, Some(imported)))
    }

    /// The columns of a Drizzle table, defined in this file or imported.
    pub(crate) fn drizzle_table(&self, name: &str) -> Option<Vec<Column>> {
        if let Some(columns) = table_columns(self.file.program, name) {
            return Some(columns);
        }
        let imported = self.imported_program(name)?;
        table_columns(&imported, name)
    }

    /// The parsed module `name` is imported from (relative or `@/` imports).
    pub(crate) fn imported_program(&self, name: &str) -> Option<std::rc::Rc<Program>> {
        let Program::Module(m) = self.file.program else { return None };
        let source = m.body.iter().find_map(|item| {
            let ModuleItem::ModuleDecl(ModuleDecl::Import(d)) = item else { return None };
            d.specifiers
                .iter()
                .any(|s| matches!(s, ImportSpecifier::Named(n) if &*n.local.sym == name))
                .then(|| d.src.value.to_string_lossy().into_owned())
        })?;
        if let Some(cached) = self.modules.borrow().get(&source) {
            return cached.clone();
        }
        let parsed = crate::supabase::resolve(self.file.path, &source)
            .iter()
            .find_map(|module| self.file.model.read_module(module))
            .and_then(|(path, text)| {
                let lang = crate::parse::Lang::from_path(&path)?;
                crate::parse::parse(text.trim_start_matches('\u{feff}'), lang).ok()
            })
            .map(|parsed| std::rc::Rc::new(parsed.program));
        self.modules.borrow_mut().insert(source, parsed.clone());
        parsed
    }
}
