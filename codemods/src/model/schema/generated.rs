//! Supabase's generated types (`src/integrations/supabase/types.ts`):
//! `Database["public"]["Tables"][table]["Row" | "Insert"]`, the enums, views
//! and functions. What a column holds as TypeScript sees it (`string`,
//! `number`, an enum), whether it may be null, and whether an insert may
//! leave it out (a default or null).

use swc_core::ecma::ast::{
    Decl, Expr, Lit, ModuleDecl, ModuleItem, Program, Stmt, TsEntityName, TsKeywordTypeKind, TsLit, TsType,
    TsTypeElement, TsUnionOrIntersectionType,
};

use super::{Column, Schema, Source, Table};

/// Cheap text test: could this file hold Supabase's generated types?
pub fn may_hold(text: &str) -> bool {
    crate::text::has(text, "Database") && crate::text::has(text, "Tables") && crate::text::has(text, "Row")
}

fn members(ty: &TsType) -> Option<&[TsTypeElement]> {
    match ty {
        TsType::TsTypeLit(l) => Some(&l.members),
        _ => None,
    }
}

fn key(e: &TsTypeElement) -> Option<(String, &TsType, bool)> {
    let TsTypeElement::TsPropertySignature(p) = e else { return None };
    let key = match &*p.key {
        Expr::Ident(i) => i.sym.to_string(),
        Expr::Lit(Lit::Str(s)) => s.value.to_string_lossy().into_owned(),
        _ => return None,
    };
    Some((key, &p.type_ann.as_ref()?.type_ann, p.optional))
}

fn member<'a>(ty: &'a TsType, name: &str) -> Option<&'a TsType> {
    members(ty)?.iter().filter_map(key).find(|(k, _, _)| k == name).map(|(_, t, _)| t)
}

/// (type as a short name, nullable, enum name).
fn column_type(ty: &TsType) -> (String, bool, Option<String>) {
    match ty {
        TsType::TsKeywordType(k) => (
            match k.kind {
                TsKeywordTypeKind::TsStringKeyword => "string",
                TsKeywordTypeKind::TsNumberKeyword => "number",
                TsKeywordTypeKind::TsBooleanKeyword => "boolean",
                TsKeywordTypeKind::TsNullKeyword => "null",
                _ => "unknown",
            }
            .into(),
            false,
            None,
        ),
        TsType::TsArrayType(a) => (format!("{}[]", column_type(&a.elem_type).0), false, None),
        TsType::TsTypeRef(r) => match &r.type_name {
            TsEntityName::Ident(i) if &*i.sym == "Json" => ("json".into(), false, None),
            TsEntityName::Ident(i) => (i.sym.to_ascii_lowercase().to_string(), false, None),
            TsEntityName::TsQualifiedName(q) => (q.right.sym.to_ascii_lowercase().to_string(), false, None),
        },
        // `Database["public"]["Enums"]["app_role"]`
        TsType::TsIndexedAccessType(a) => match &*a.index_type {
            TsType::TsLitType(l) => match &l.lit {
                TsLit::Str(s) => {
                    let name = s.value.to_string_lossy().into_owned();
                    (format!("enum {name}"), false, Some(name))
                }
                _ => ("unknown".into(), false, None),
            },
            _ => ("unknown".into(), false, None),
        },
        TsType::TsUnionOrIntersectionType(TsUnionOrIntersectionType::TsUnionType(u)) => {
            let parts: Vec<(String, bool, Option<String>)> = u.types.iter().map(|t| column_type(t)).collect();
            let nullable = parts.iter().any(|(t, _, _)| t == "null");
            let rest: Vec<&(String, bool, Option<String>)> =
                parts.iter().filter(|(t, _, _)| t != "null").collect();
            match rest.as_slice() {
                [(t, _, e)] => (t.clone(), nullable, e.clone()),
                _ => ("union".into(), nullable, None),
            }
        }
        TsType::TsLitType(_) => ("literal".into(), false, None),
        _ => ("unknown".into(), false, None),
    }
}

fn string_union(ty: &TsType) -> Option<Vec<String>> {
    match ty {
        TsType::TsLitType(l) => match &l.lit {
            TsLit::Str(s) => Some(vec![s.value.to_string_lossy().into_owned()]),
            _ => None,
        },
        TsType::TsUnionOrIntersectionType(TsUnionOrIntersectionType::TsUnionType(u)) => {
            let mut out = Vec::new();
            for t in &u.types {
                out.extend(string_union(t)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// The `Database` type of a generated types file, as a schema.
pub fn extract(program: &Program) -> Option<Schema> {
    let Program::Module(m) = program else { return None };
    let database = m.body.iter().find_map(|item| {
        let decl = match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
            ModuleItem::Stmt(Stmt::Decl(d)) => d,
            _ => return None,
        };
        match decl {
            Decl::TsTypeAlias(t) if &*t.id.sym == "Database" => Some(&*t.type_ann),
            _ => None,
        }
    })?;
    let mut schema = Schema::default();
    for (schema_name, ns, _) in members(database)?.iter().filter_map(key) {
        if schema_name.starts_with("__") || schema_name == "graphql_public" {
            continue;
        }
        if let Some(enums) = member(ns, "Enums").and_then(members) {
            for (name, ty, _) in enums.iter().filter_map(key) {
                if let Some(values) = string_union(ty) {
                    schema.enums.insert(format!("{schema_name}.{name}"), values);
                }
            }
        }
        if let Some(views) = member(ns, "Views").and_then(members) {
            schema
                .views
                .extend(views.iter().filter_map(key).map(|(name, _, _)| format!("{schema_name}.{name}")));
        }
        if let Some(functions) = member(ns, "Functions").and_then(members) {
            schema.functions.extend(functions.iter().filter_map(key).map(|(name, _, _)| super::Function {
                name: format!("{schema_name}.{name}"),
                ..Default::default()
            }));
        }
        let Some(tables) = member(ns, "Tables").and_then(members) else { continue };
        for (table_name, table, _) in tables.iter().filter_map(key) {
            let Some(row) = member(table, "Row").and_then(members) else { continue };
            let insert: Vec<(String, bool)> = member(table, "Insert")
                .and_then(members)
                .map(|m| m.iter().filter_map(key).map(|(k, _, optional)| (k, optional)).collect())
                .unwrap_or_default();
            let mut columns = Vec::new();
            for (name, ty, _) in row.iter().filter_map(key) {
                let (ty, nullable, enum_name) = column_type(ty);
                let optional_insert = insert.iter().any(|(k, o)| *k == name && *o);
                let values = enum_name.and_then(|e| schema.enums.get(&format!("{schema_name}.{e}")).cloned());
                columns.push(Column {
                    name: name.to_ascii_lowercase(),
                    ty,
                    nullable,
                    // An insert may leave it out and it is not nullable: the database fills it.
                    default: (optional_insert && !nullable).then(|| "(a database default)".to_string()),
                    generated: false,
                    values,
                });
            }
            let mut foreign_keys = Vec::new();
            if let Some(TsType::TsTupleType(rels)) = member(table, "Relationships") {
                for rel in &rels.elem_types {
                    let cols = member(&rel.ty, "columns").and_then(string_tuple);
                    let target = member(&rel.ty, "referencedRelation")
                        .and_then(string_union)
                        .and_then(|v| v.first().cloned());
                    let refs = member(&rel.ty, "referencedColumns").and_then(string_tuple);
                    if let (Some(cols), Some(target), Some(refs)) = (cols, target, refs) {
                        foreign_keys.push((cols, format!("{schema_name}.{target}"), refs));
                    }
                }
            }
            schema.tables.insert(
                format!("{schema_name}.{}", table_name.to_ascii_lowercase()),
                Table {
                    schema: schema_name.clone(),
                    name: table_name.to_ascii_lowercase(),
                    columns,
                    foreign_keys,
                    source: Source::Generated,
                    ..Default::default()
                },
            );
        }
    }
    (!schema.tables.is_empty()).then_some(schema)
}

fn string_tuple(ty: &TsType) -> Option<Vec<String>> {
    let TsType::TsTupleType(t) = ty else { return None };
    t.elem_types.iter().map(|e| string_union(&e.ty).and_then(|v| v.into_iter().next())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    #[test]
    fn tables_columns_enums_and_relationships() {
        let text = r#"export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]
export type Database = {
  public: {
    Tables: {
      bookings: {
        Row: { id: string; user_id: string; guests: number; notes: string | null; status: Database["public"]["Enums"]["booking_status"]; meta: Json }
        Insert: { id?: string; user_id: string; guests?: number; notes?: string | null; status?: Database["public"]["Enums"]["booking_status"]; meta?: Json }
        Update: { id?: string }
        Relationships: [
          { foreignKeyName: "bookings_user_id_fkey"; columns: ["user_id"]; isOneToOne: false; referencedRelation: "profiles"; referencedColumns: ["id"] },
        ]
      }
    }
    Views: { [_ in never]: never }
    Functions: { is_admin: { Args: { uid: string }; Returns: boolean } }
    Enums: { booking_status: "pending" | "confirmed" }
  }
}
"#;
        let parsed = parse(text, Lang::Ts).expect("parses");
        let schema = extract(&parsed.program).expect("a schema");
        let t = &schema.tables["public.bookings"];
        assert_eq!(t.source, Source::Generated);
        let guests = t.column("guests").expect("guests");
        assert!(guests.ty == "number" && !guests.nullable && guests.default.is_some());
        assert!(t.column("notes").is_some_and(|c| c.nullable && c.default.is_none()));
        assert!(t.column("user_id").is_some_and(|c| c.default.is_none()));
        assert_eq!(
            t.column("status").and_then(|c| c.values.clone()),
            Some(vec!["pending".into(), "confirmed".into()])
        );
        assert_eq!(
            t.foreign_keys,
            [(vec!["user_id".to_string()], "public.profiles".to_string(), vec!["id".to_string()])]
        );
        assert_eq!(schema.functions[0].name, "public.is_admin");
    }
}
