//! TypeScript types as evidence: interfaces, type literals and aliases in the
//! file (or a module it imports from) turned into zod types.

use crate::rules::validate_input::zod::Ty;
use swc_core::ecma::ast::{
    Decl, Expr, ModuleDecl, ModuleItem, Program, Stmt, TsEntityName, TsKeywordTypeKind, TsLit, TsType,
    TsTypeElement,
};

/// (zod type, nullable) for a TypeScript type.
pub(crate) fn ts_ty(ty: &TsType, program: &Program) -> (Ty, bool) {
    match ty {
        TsType::TsKeywordType(k) => (
            match k.kind {
                TsKeywordTypeKind::TsStringKeyword => Ty::Str,
                TsKeywordTypeKind::TsNumberKeyword => Ty::Number,
                TsKeywordTypeKind::TsBooleanKeyword => Ty::Bool,
                _ => Ty::Any,
            },
            false,
        ),
        TsType::TsArrayType(a) => (Ty::Array(Box::new(ts_ty(&a.elem_type, program).0)), false),
        TsType::TsTypeRef(r) => match &r.type_name {
            TsEntityName::Ident(i) if &*i.sym == "Date" => (Ty::Date, false),
            TsEntityName::Ident(i) if &*i.sym == "Array" => {
                let inner =
                    r.type_params.as_ref().and_then(|p| p.params.first()).map(|t| ts_ty(t, program).0);
                (Ty::Array(Box::new(inner.unwrap_or(Ty::Any))), false)
            }
            TsEntityName::Ident(i) => match local_type(program, &i.sym) {
                Some(members) => (object_of(&members, program), false),
                None => match local_alias(program, &i.sym) {
                    Some(aliased) => ts_ty(&aliased, program),
                    None => (Ty::Any, false),
                },
            },
            _ => (Ty::Any, false),
        },
        TsType::TsTypeLit(lit) => (object_of(&lit.members, program), false),
        TsType::TsUnionOrIntersectionType(swc_core::ecma::ast::TsUnionOrIntersectionType::TsUnionType(u)) => {
            let mut literals = Vec::new();
            let mut nullable = false;
            let mut others = Vec::new();
            for t in &u.types {
                match &**t {
                    TsType::TsLitType(l) => match &l.lit {
                        TsLit::Str(s) => literals.push(s.value.to_string_lossy().into_owned()),
                        _ => others.push(Ty::Any),
                    },
                    TsType::TsKeywordType(k)
                        if matches!(
                            k.kind,
                            TsKeywordTypeKind::TsNullKeyword | TsKeywordTypeKind::TsUndefinedKeyword
                        ) =>
                    {
                        nullable = true
                    }
                    other => others.push(ts_ty(other, program).0),
                }
            }
            match (literals.is_empty(), others.as_slice()) {
                (false, []) => (Ty::Enum(literals), nullable),
                (true, [one]) => (one.clone(), nullable),
                _ => (Ty::Any, nullable),
            }
        }
        _ => (Ty::Any, false),
    }
}

pub(crate) fn object_of(members: &[TsTypeElement], program: &Program) -> Ty {
    let mut fields = Vec::new();
    for m in members {
        let TsTypeElement::TsPropertySignature(p) = m else { return Ty::Any };
        let Expr::Ident(key) = &*p.key else { return Ty::Any };
        let ty = p.type_ann.as_ref().map(|t| ts_ty(&t.type_ann, program).0).unwrap_or(Ty::Any);
        fields.push((key.sym.to_string(), ty, p.optional));
    }
    Ty::Object(fields)
}

/// The members of `interface Name {…}` or `type Name = {…}` in this file.
pub(crate) fn local_type(program: &Program, name: &str) -> Option<Vec<TsTypeElement>> {
    let Program::Module(m) = program else { return None };
    for item in &m.body {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(d)) => d,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
            _ => continue,
        };
        match decl {
            Decl::TsInterface(i) if &*i.id.sym == name && i.extends.is_empty() => {
                return Some(i.body.body.clone())
            }
            Decl::TsTypeAlias(a) if &*a.id.sym == name => {
                if let TsType::TsTypeLit(lit) = &*a.type_ann {
                    return Some(lit.members.clone());
                }
            }
            _ => {}
        }
    }
    None
}

/// Any type or interface named `name` at the top level.
pub(crate) fn declares_type(program: &Program, name: &str) -> bool {
    let Program::Module(m) = program else { return false };
    m.body.iter().any(|item| {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(d)) => d,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
            _ => return false,
        };
        match decl {
            Decl::TsInterface(i) => &*i.id.sym == name,
            Decl::TsTypeAlias(a) => &*a.id.sym == name,
            Decl::TsEnum(e) => &*e.id.sym == name,
            _ => false,
        }
    })
}

/// The type a `type Name = …` alias stands for (not object literals: those
/// are [`local_type`]'s).
pub(crate) fn local_alias(program: &Program, name: &str) -> Option<TsType> {
    let Program::Module(m) = program else { return None };
    m.body.iter().find_map(|item| {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(d)) => d,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
            _ => return None,
        };
        match decl {
            Decl::TsTypeAlias(a) if &*a.id.sym == name && !matches!(&*a.type_ann, TsType::TsTypeLit(_)) => {
                Some((*a.type_ann).clone())
            }
            _ => None,
        }
    })
}
