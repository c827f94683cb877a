//! Database models as evidence: the Prisma model field or Drizzle column a
//! value is written to.

use swc_core::ecma::ast::{
    CallExpr, Callee, Decl, Expr, MemberExpr, MemberProp, ModuleDecl, ModuleItem, Pat, Program, Prop,
    PropName, PropOrSpread, Stmt,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use super::code::value_name;
use crate::analysis::strip_ts;
use crate::rules::validate_input::zod::Ty;

pub(crate) fn prisma_ty(ty: &str, schema: &crate::prisma::Schema) -> Option<Ty> {
    Some(match ty {
        "String" => Ty::Str,
        "Int" | "BigInt" => Ty::Int,
        "Float" => Ty::Number,
        // Money is often sent as a string ("12.50"), which Prisma accepts.
        "Decimal" => Ty::NumberLike,
        "Boolean" => Ty::Bool,
        "DateTime" => Ty::Date,
        "Json" | "Bytes" => Ty::Any,
        other => Ty::Enum(schema.enums.get(other)?.clone()),
    })
}

/// `<client>.<model>.create|update|upsert|createMany({ data })`: the model and
/// the `data` expression.
pub(crate) fn prisma_write(c: &CallExpr) -> Option<(String, &Expr)> {
    let Callee::Expr(callee) = &c.callee else { return None };
    let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(method), .. }) = &**callee else {
        return None;
    };
    if !matches!(&*method.sym, "create" | "update" | "upsert" | "createMany") {
        return None;
    }
    let Expr::Member(MemberExpr { prop: MemberProp::Ident(model), .. }) = &**obj else { return None };
    let Some(Expr::Object(arg)) = c.args.first().map(|a| &*a.expr) else { return None };
    arg.props.iter().find_map(|p| {
        let PropOrSpread::Prop(p) = p else { return None };
        let Prop::KeyValue(kv) = &**p else { return None };
        matches!(&kv.key, PropName::Ident(k) if &*k.sym == "data")
            .then(|| (model.sym.to_string(), &*kv.value))
    })
}

/// Where body values are written in Prisma calls: (value name, model, column)
/// for `data: { column: name }` / `{ name }` / `{ column: body.name }`, and
/// (variable, model) for `data: body`.
#[derive(Default)]
pub(crate) struct PrismaWrites {
    pub(crate) fields: Vec<(String, String, String)>,
    pub(crate) whole: Vec<(String, String)>,
}

impl Visit for PrismaWrites {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Some((model, data)) = prisma_write(c) {
            match strip_ts(data) {
                Expr::Ident(i) => self.whole.push((i.sym.to_string(), model.clone())),
                Expr::Object(o) => {
                    for p in &o.props {
                        let PropOrSpread::Prop(p) = p else { continue };
                        match &**p {
                            Prop::Shorthand(i) => {
                                self.fields.push((i.sym.to_string(), model.clone(), i.sym.to_string()))
                            }
                            Prop::KeyValue(kv) => {
                                let PropName::Ident(column) = &kv.key else { continue };
                                let value = match strip_ts(&kv.value) {
                                    Expr::Ident(i) => Some(i.sym.to_string()),
                                    Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) => {
                                        Some(p.sym.to_string())
                                    }
                                    _ => None,
                                };
                                if let Some(v) = value {
                                    self.fields.push((v, model.clone(), column.sym.to_string()));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        c.visit_children_with(self);
    }
}

/// A Drizzle column: its key in the table object, zod type, and whether a
/// client must send it.
pub(crate) struct Column {
    pub(crate) key: String,
    pub(crate) ty: Ty,
    pub(crate) not_null: bool,
    pub(crate) required: bool,
}

/// `const todos = pgTable("todos", { title: text("title").notNull(), … })`.
pub(crate) fn table_columns(program: &Program, name: &str) -> Option<Vec<Column>> {
    let Program::Module(m) = program else { return None };
    let init = m.body.iter().find_map(|item| {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => v,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => match &e.decl {
                Decl::Var(v) => v,
                _ => return None,
            },
            _ => return None,
        };
        decl.decls.iter().find_map(|d| match &d.name {
            Pat::Ident(b) if &*b.id.sym == name => d.init.as_deref(),
            _ => None,
        })
    })?;
    let Expr::Call(call) = strip_ts(init) else { return None };
    let Callee::Expr(callee) = &call.callee else { return None };
    if !matches!(&**callee, Expr::Ident(i) if matches!(&*i.sym, "pgTable" | "mysqlTable" | "sqliteTable")) {
        return None;
    }
    let Expr::Object(columns) = &*call.args.get(1)?.expr else { return None };
    let mut out = Vec::new();
    for p in &columns.props {
        let PropOrSpread::Prop(p) = p else { continue };
        let Prop::KeyValue(kv) = &**p else { continue };
        let PropName::Ident(key) = &kv.key else { continue };
        // Walk the builder chain: text("title").notNull().default(…)
        let mut methods = Vec::new();
        let mut e = &*kv.value;
        let builder = loop {
            let Expr::Call(c) = e else { break None };
            let Callee::Expr(callee) = &c.callee else { break None };
            match &**callee {
                Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(m), .. }) => {
                    methods.push(m.sym.to_string());
                    e = obj;
                }
                Expr::Ident(i) => break Some(i.sym.to_string()),
                _ => break None,
            }
        };
        let Some(builder) = builder else { continue };
        let ty = match builder.as_str() {
            "text" | "varchar" | "char" | "uuid" | "citext" => Ty::Str,
            "integer" | "int" | "smallint" | "bigint" | "serial" | "smallserial" | "bigserial" => Ty::Int,
            "real" | "doublePrecision" | "numeric" | "decimal" | "double" | "float" => Ty::Number,
            "boolean" => Ty::Bool,
            "timestamp" | "date" | "datetime" => Ty::Date,
            _ => Ty::Any,
        };
        let has = |m: &str| methods.iter().any(|x| x == m);
        let generated =
            builder.ends_with("serial") || has("primaryKey") || has("defaultRandom") || has("defaultNow");
        let not_null = has("notNull") || has("primaryKey");
        let required = not_null && !generated && !has("default") && !has("$defaultFn");
        out.push(Column { key: key.sym.to_string(), ty, not_null, required });
    }
    Some(out)
}

/// Where values are written with Drizzle: (value name, table, column) for
/// `db.insert(table).values({ column: value })` and `.update(table).set({…})`.
#[derive(Default)]
pub(crate) struct DrizzleWrites {
    pub(crate) fields: Vec<(String, String, String)>,
}

impl Visit for DrizzleWrites {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Callee::Expr(callee) = &c.callee {
            if let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(m), .. }) = &**callee {
                if matches!(&*m.sym, "values" | "set") {
                    if let Some(table) = drizzle_target(obj) {
                        if let Some(Expr::Object(o)) = c.args.first().map(|a| &*a.expr) {
                            for p in &o.props {
                                let PropOrSpread::Prop(p) = p else { continue };
                                match &**p {
                                    Prop::Shorthand(i) => self.fields.push((
                                        i.sym.to_string(),
                                        table.clone(),
                                        i.sym.to_string(),
                                    )),
                                    Prop::KeyValue(kv) => {
                                        let PropName::Ident(column) = &kv.key else { continue };
                                        if let Some(v) = value_name(&kv.value) {
                                            self.fields.push((v, table.clone(), column.sym.to_string()));
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
}

/// `db.insert(todos)` / `db.update(todos)`: `todos`.
pub(crate) fn drizzle_target(e: &Expr) -> Option<String> {
    let Expr::Call(c) = strip_ts(e) else { return None };
    let Callee::Expr(callee) = &c.callee else { return None };
    let Expr::Member(MemberExpr { prop: MemberProp::Ident(m), .. }) = &**callee else { return None };
    if !matches!(&*m.sym, "insert" | "update") {
        return None;
    }
    match c.args.first().map(|a| &*a.expr) {
        Some(Expr::Ident(t)) => Some(t.sym.to_string()),
        _ => None,
    }
}
