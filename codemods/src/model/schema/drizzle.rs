//! Drizzle's table definitions: `export const todos = pgTable("todos", {
//! title: text("title").notNull(), … })` (and `mysqlTable`, `sqliteTable`),
//! each column's type from its builder and what its chain says.

use swc_core::ecma::ast::{
    Callee, Decl, Expr, Lit, MemberProp, ModuleDecl, ModuleItem, Pat, Program, Prop, PropName, PropOrSpread,
    Stmt,
};

use super::{Column, Schema, Source, Table};
use crate::analysis::strip_ts;

const TABLE_FACTORIES: &[&str] = &["pgTable", "mysqlTable", "sqliteTable"];

/// Cheap text test.
pub fn may_hold(text: &str) -> bool {
    TABLE_FACTORIES.iter().any(|f| crate::text::has(text, f))
}

/// A column's builder call and what is chained on it.
struct ColumnChain {
    /// The column's SQL name (`text("title")`).
    name: Option<String>,
    builder: String,
    /// Each chained method and, for `.references(() => users.id)`, its target.
    methods: Vec<(String, Option<String>)>,
}

fn column_chain(e: &Expr) -> Option<ColumnChain> {
    let mut methods = Vec::new();
    let mut current = strip_ts(e);
    loop {
        let Expr::Call(c) = current else { return None };
        let Callee::Expr(callee) = &c.callee else { return None };
        match strip_ts(callee) {
            Expr::Ident(builder) => {
                methods.reverse();
                let name = match c.args.first().map(|a| strip_ts(&a.expr)) {
                    Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_string_lossy().into_owned()),
                    _ => None,
                };
                return Some(ColumnChain { name, builder: builder.sym.to_string(), methods });
            }
            Expr::Member(m) => {
                let MemberProp::Ident(p) = &m.prop else { return None };
                // `.references(() => users.id)`: the target.
                let arg = c.args.first().and_then(|a| match strip_ts(&a.expr) {
                    Expr::Arrow(arrow) => match &*arrow.body {
                        swc_core::ecma::ast::ArrowFunctionBody::Expr(body) => match strip_ts(body) {
                            Expr::Member(t) => match (strip_ts(&t.obj), &t.prop) {
                                (Expr::Ident(o), MemberProp::Ident(col)) => {
                                    Some(format!("{}.{}", o.sym, col.sym))
                                }
                                _ => None,
                            },
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                });
                methods.push((p.sym.to_string(), arg));
                current = strip_ts(&m.obj);
            }
            _ => return None,
        }
    }
}

fn sql_type(builder: &str) -> &'static str {
    match builder {
        "uuid" => "uuid",
        "text" | "varchar" | "char" | "citext" => "text",
        "integer" | "int" | "smallint" | "serial" | "smallserial" | "int2" | "int4" => "integer",
        "bigint" | "bigserial" | "int8" => "bigint",
        "boolean" | "bool" => "boolean",
        "timestamp" | "timestamptz" => "timestamp",
        "date" => "date",
        "time" => "time",
        "json" | "jsonb" => "json",
        "numeric" | "decimal" => "numeric",
        "real" | "doublePrecision" | "float" | "double" => "double precision",
        _ => "unknown",
    }
}

/// The tables a file defines: (the binding, the table).
pub fn extract(program: &Program) -> Vec<(String, Table)> {
    let Program::Module(m) = program else { return Vec::new() };
    let mut out = Vec::new();
    for item in &m.body {
        let decl = match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
            ModuleItem::Stmt(Stmt::Decl(d)) => d,
            _ => continue,
        };
        let Decl::Var(v) = decl else { continue };
        for d in &v.decls {
            let (Pat::Ident(binding), Some(Expr::Call(c))) = (&d.name, d.init.as_deref().map(strip_ts))
            else {
                continue;
            };
            let is_table = matches!(&c.callee, Callee::Expr(e) if matches!(strip_ts(e), Expr::Ident(i) if TABLE_FACTORIES.contains(&&*i.sym)));
            if !is_table {
                continue;
            }
            let Some(Expr::Lit(Lit::Str(name))) = c.args.first().map(|a| strip_ts(&a.expr)) else { continue };
            let Some(Expr::Object(cols)) = c.args.get(1).map(|a| strip_ts(&a.expr)) else { continue };
            let mut table = Table {
                schema: "public".into(),
                name: name.value.to_string_lossy().to_ascii_lowercase(),
                source: Source::Drizzle,
                ..Default::default()
            };
            for p in &cols.props {
                let PropOrSpread::Prop(p) = p else { continue };
                let Prop::KeyValue(kv) = &**p else { continue };
                let key = match &kv.key {
                    PropName::Ident(i) => i.sym.to_string(),
                    PropName::Str(s) => s.value.to_string_lossy().into_owned(),
                    _ => continue,
                };
                let Some(ColumnChain { name: sql_name, builder, methods }) = column_chain(&kv.value) else {
                    continue;
                };
                let has = |m: &str| methods.iter().any(|(n, _)| n == m);
                let column = sql_name.unwrap_or_else(|| key.clone()).to_ascii_lowercase();
                let primary = has("primaryKey");
                if primary {
                    table.primary_key = vec![column.clone()];
                    table.indexes.push(vec![column.clone()]);
                }
                if has("unique") {
                    table.indexes.push(vec![column.clone()]);
                }
                if let Some((_, Some(target))) = methods.iter().find(|(n, _)| n == "references") {
                    let (t, col) = target.split_once('.').unwrap_or((target, "id"));
                    table.foreign_keys.push((
                        vec![column.clone()],
                        format!("drizzle:{t}"),
                        vec![col.to_string()],
                    ));
                }
                let default = methods
                    .iter()
                    .find(|(n, _)| {
                        matches!(
                            n.as_str(),
                            "default" | "defaultNow" | "defaultRandom" | "$defaultFn" | "$default"
                        )
                    })
                    .map(|(n, _)| n.clone());
                table.columns.push(Column {
                    name: column,
                    ty: sql_type(&builder).to_string(),
                    nullable: !has("notNull") && !primary,
                    generated: builder.contains("serial")
                        || has("generatedAlwaysAsIdentity")
                        || has("$onUpdate"),
                    default,
                    values: None,
                });
            }
            out.push((binding.id.sym.to_string(), table));
        }
    }
    out
}

/// Drizzle tables as a schema (`drizzle:<binding>` references resolved to table names).
pub fn schema(tables: &[(String, Table)]) -> Schema {
    let mut out = Schema::default();
    for (_, table) in tables {
        let mut table = table.clone();
        for fk in &mut table.foreign_keys {
            if let Some(binding) = fk.1.strip_prefix("drizzle:") {
                if let Some((_, target)) = tables.iter().find(|(b, _)| b == binding) {
                    fk.1 = format!("public.{}", target.name);
                }
            }
        }
        out.tables.insert(format!("public.{}", table.name), table);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    #[test]
    fn columns_from_builders_and_chains() {
        let text = "export const users = pgTable('users', { id: uuid('id').primaryKey().defaultRandom(), email: text('email').notNull().unique() });\nexport const todos = pgTable('todos', { id: serial('id').primaryKey(), ownerId: uuid('owner_id').references(() => users.id), title: varchar('title', { length: 200 }).notNull(), done: boolean('done').default(false) });\n";
        let parsed = parse(text, Lang::Ts).expect("parses");
        let tables = extract(&parsed.program);
        let s = schema(&tables);
        let todos = &s.tables["public.todos"];
        assert!(todos.column("id").is_some_and(|c| c.generated && !c.nullable));
        assert!(todos.column("title").is_some_and(|c| c.ty == "text" && !c.nullable));
        assert!(todos.column("done").is_some_and(|c| c.ty == "boolean" && c.nullable && c.default.is_some()));
        assert_eq!(todos.foreign_keys[0].1, "public.users");
        assert!(s.tables["public.users"].indexed("email"));
    }
}
