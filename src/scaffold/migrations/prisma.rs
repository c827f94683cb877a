//! Prisma without `prisma/migrations`: a baseline migration, the SQL that
//! `prisma migrate diff --from-empty --to-schema-datamodel … --script`
//! produces for the datasource's provider (PostgreSQL, MySQL, SQLite):
//! enums, tables with their columns, defaults and primary keys, unique and
//! plain indexes, foreign keys. Plus `migration_lock.toml`, scripts to
//! migrate, and the one command that marks the baseline applied on a
//! database that already has the tables.

/// A schema's models and enums, as the baseline needs them.
#[derive(Debug, Default)]
pub struct Datamodel {
    pub provider: String,
    pub enums: Vec<Enum>,
    pub models: Vec<Model>,
}

#[derive(Debug)]
pub struct Enum {
    pub name: String,
    pub db_name: String,
    pub values: Vec<String>,
}

#[derive(Debug)]
pub struct Model {
    pub name: String,
    pub table: String,
    pub fields: Vec<Field>,
    pub id: Vec<String>,
    pub uniques: Vec<Vec<String>>,
    pub indexes: Vec<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub column: String,
    pub ty: String,
    pub optional: bool,
    pub list: bool,
    pub attrs: String,
}

impl Field {
    fn attr(&self, name: &str) -> Option<String> {
        attribute(&self.attrs, name)
    }
}

/// The argument text of `@name(…)` in `attrs` (`Some("")` for a bare `@name`).
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = attrs[from..].find(name) {
        let at = from + i;
        let end = at + name.len();
        let boundary =
            attrs[end..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '.' || c == '_'));
        let starts = attrs[..at].ends_with('@') && !attrs[..at].ends_with("@@");
        if boundary && starts {
            let rest = &attrs[end..];
            if let Some(inner) = rest.strip_prefix('(') {
                let mut depth = 1;
                for (j, c) in inner.char_indices() {
                    match c {
                        '(' | '[' => depth += 1,
                        ')' | ']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(inner[..j].to_string());
                            }
                        }
                        _ => {}
                    }
                }
                return None;
            }
            return Some(String::new());
        }
        from = end;
    }
    None
}

/// `[a, b]` inside an attribute's arguments (after `key:` when given).
fn list_arg(args: &str, key: Option<&str>) -> Vec<String> {
    let start = match key {
        Some(k) => args.find(&format!("{k}:")).map(|i| i + k.len() + 1),
        None => Some(0),
    };
    let Some(start) = start else { return Vec::new() };
    let rest = &args[start..];
    let Some(open) = rest.find('[') else { return Vec::new() };
    let Some(close) = rest[open..].find(']') else { return Vec::new() };
    rest[open + 1..open + close]
        .split(',')
        .map(|s| s.trim().split('(').next().unwrap_or("").trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn string_arg(args: &str) -> Option<String> {
    let start = args.find('"')?;
    let end = args[start + 1..].find('"')?;
    Some(args[start + 1..start + 1 + end].to_string())
}

fn named_arg(args: &str, key: &str) -> Option<String> {
    let i = args.find(&format!("{key}:"))?;
    Some(args[i + key.len() + 1..].trim_start().split([',', ')', ' ']).next()?.trim().to_string())
}

impl Datamodel {
    pub fn parse(text: &str) -> Datamodel {
        let mut dm = Datamodel::default();
        for (kind, name, lines) in harden_codemods::prisma::blocks(text) {
            dm.block(&kind, &name, &lines);
        }
        dm
    }

    fn block(&mut self, kind: &str, name: &str, lines: &[String]) {
        match kind {
            "datasource" => {
                for l in lines {
                    if let Some(v) = l.strip_prefix("provider") {
                        self.provider = string_arg(v).unwrap_or_default();
                    }
                }
            }
            "enum" => {
                let db_name = lines.iter().find_map(|l| {
                    l.strip_prefix('@').and_then(|a| attribute(a, "map")).and_then(|a| string_arg(&a))
                });
                self.enums.push(Enum {
                    name: name.to_string(),
                    db_name: db_name.unwrap_or_else(|| name.to_string()),
                    values: lines
                        .iter()
                        .filter(|l| !l.starts_with('@'))
                        .filter_map(|l| {
                            let value = l.split_whitespace().next()?;
                            Some(
                                attribute(l, "map")
                                    .and_then(|a| string_arg(&a))
                                    .unwrap_or_else(|| value.to_string()),
                            )
                        })
                        .collect(),
                });
            }
            "model" => {
                let mut model = Model {
                    name: name.to_string(),
                    table: name.to_string(),
                    fields: Vec::new(),
                    id: Vec::new(),
                    uniques: Vec::new(),
                    indexes: Vec::new(),
                };
                let mut block_attrs = Vec::new();
                for l in lines {
                    if l.starts_with("@@") {
                        block_attrs.push(l.clone());
                        continue;
                    }
                    let mut words = l.split_whitespace();
                    let (Some(field), Some(ty)) = (words.next(), words.next()) else { continue };
                    let attrs = words.collect::<Vec<_>>().join(" ");
                    let (ty, optional, list) = match ty.strip_suffix('?') {
                        Some(t) => (t.to_string(), true, false),
                        None => match ty.strip_suffix("[]") {
                            Some(t) => (t.to_string(), false, true),
                            None => (ty.to_string(), false, false),
                        },
                    };
                    let column = attribute(&attrs, "map")
                        .and_then(|a| string_arg(&a))
                        .unwrap_or_else(|| field.to_string());
                    model.fields.push(Field { name: field.to_string(), column, ty, optional, list, attrs });
                }
                for a in &block_attrs {
                    let a = a.trim_start_matches('@');
                    let columns = |args: &str| -> Vec<String> {
                        list_arg(args, None).iter().map(|f| model.column_of(f)).collect()
                    };
                    if let Some(args) = attribute(&format!("@{a}"), "map") {
                        model.table = string_arg(&args).unwrap_or_else(|| model.table.clone());
                    } else if let Some(args) = attribute(&format!("@{a}"), "id") {
                        model.id = columns(&args);
                    } else if let Some(args) = attribute(&format!("@{a}"), "unique") {
                        model.uniques.push(columns(&args));
                    } else if let Some(args) = attribute(&format!("@{a}"), "index") {
                        model.indexes.push(columns(&args));
                    }
                }
                for f in &model.fields {
                    if f.attr("id").is_some() {
                        model.id = vec![f.column.clone()];
                    }
                    if f.attr("unique").is_some() {
                        model.uniques.push(vec![f.column.clone()]);
                    }
                }
                self.models.push(model);
            }
            _ => {}
        }
    }

    fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }

    fn enum_of(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// Fields stored as columns: scalars and enums (relation fields are not).
    fn is_column(&self, f: &Field) -> bool {
        self.model(&f.ty).is_none()
    }

    /// Implicit many-to-many relations (a list of another model on both
    /// sides, no `fields:`): their join tables are not generated here.
    pub fn implicit_many_to_many(&self) -> bool {
        self.models.iter().any(|m| {
            m.fields.iter().any(|f| {
                f.list
                    && self
                        .model(&f.ty)
                        .is_some_and(|other| other.fields.iter().any(|g| g.list && g.ty == m.name))
            })
        })
    }
}

impl Model {
    fn column_of(&self, field: &str) -> String {
        self.fields.iter().find(|f| f.name == field).map_or(field.to_string(), |f| f.column.clone())
    }
}

/// The baseline SQL for `dm`'s provider, or why it cannot be written.
pub fn baseline(dm: &Datamodel) -> Result<String, String> {
    let dialect = match dm.provider.as_str() {
        "postgresql" | "postgres" => Dialect::Postgres,
        "mysql" => Dialect::Mysql,
        "sqlite" => Dialect::Sqlite,
        other => return Err(format!("the `{other}` provider")),
    };
    if dm.implicit_many_to_many() {
        return Err("implicit many-to-many relations".into());
    }
    let q = |s: &str| dialect.quote(s);
    let mut out = String::new();
    if dialect == Dialect::Postgres {
        for e in &dm.enums {
            let values: Vec<String> = e.values.iter().map(|v| format!("'{v}'")).collect();
            out.push_str(&format!(
                "-- CreateEnum\nCREATE TYPE {} AS ENUM ({});\n\n",
                q(&e.db_name),
                values.join(", ")
            ));
        }
    }
    let mut indexes = String::new();
    let mut foreign_keys = String::new();
    for m in &dm.models {
        let mut lines = Vec::new();
        let single_autoincrement_id = m.id.len() == 1;
        for f in m.fields.iter().filter(|f| dm.is_column(f)) {
            lines.push(format!("    {}", column(dm, dialect, m, f, single_autoincrement_id)?));
        }
        let mut constraints = Vec::new();
        if dialect == Dialect::Mysql {
            for u in &m.uniques {
                constraints.push(format!(
                    "    UNIQUE INDEX {}({})",
                    q(&format!("{}_{}_key", m.table, u.join("_"))),
                    cols(dialect, u)
                ));
            }
        }
        let sqlite_inline_pk = dialect == Dialect::Sqlite && m.id.len() == 1;
        if !m.id.is_empty() && !sqlite_inline_pk {
            constraints.push(match dialect {
                Dialect::Mysql => format!("    PRIMARY KEY ({})", cols(dialect, &m.id)),
                _ => format!(
                    "    CONSTRAINT {} PRIMARY KEY ({})",
                    q(&format!("{}_pkey", m.table)),
                    cols(dialect, &m.id)
                ),
            });
        }
        // Foreign keys: inline for SQLite, ALTER TABLE after for the others.
        for f in m.fields.iter().filter(|f| !dm.is_column(f)) {
            let Some(args) = f.attr("relation") else { continue };
            let fields = list_arg(&args, Some("fields"));
            if fields.is_empty() {
                continue;
            }
            let Some(target) = dm.model(&f.ty) else { continue };
            let columns: Vec<String> = fields.iter().map(|c| m.column_of(c)).collect();
            let references: Vec<String> =
                list_arg(&args, Some("references")).iter().map(|c| target.column_of(c)).collect();
            let on_delete = match named_arg(&args, "onDelete").as_deref() {
                Some("Cascade") => "CASCADE",
                Some("SetNull") => "SET NULL",
                Some("NoAction") => "NO ACTION",
                Some("SetDefault") => "SET DEFAULT",
                Some("Restrict") => "RESTRICT",
                _ if f.optional => "SET NULL",
                _ => "RESTRICT",
            };
            let on_update = match named_arg(&args, "onUpdate").as_deref() {
                Some("Cascade") | None => "CASCADE",
                Some("SetNull") => "SET NULL",
                Some("NoAction") => "NO ACTION",
                Some("SetDefault") => "SET DEFAULT",
                Some(_) => "RESTRICT",
            };
            let name = q(&format!("{}_{}_fkey", m.table, columns.join("_")));
            match dialect {
                Dialect::Sqlite => constraints.push(format!(
                    "    CONSTRAINT {name} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {on_delete} ON UPDATE {on_update}",
                    cols(dialect, &columns),
                    q(&target.table),
                    cols(dialect, &references)
                )),
                _ => foreign_keys.push_str(&format!(
                    "-- AddForeignKey\nALTER TABLE {} ADD CONSTRAINT {name} FOREIGN KEY ({}) REFERENCES {}({}) ON DELETE {on_delete} ON UPDATE {on_update};\n\n",
                    q(&m.table),
                    cols(dialect, &columns),
                    q(&target.table),
                    cols(dialect, &references)
                )),
            }
        }
        let body = if constraints.is_empty() {
            lines.join(",\n")
        } else {
            let sep = if dialect == Dialect::Sqlite { ",\n" } else { ",\n\n" };
            format!("{}{sep}{}", lines.join(",\n"), constraints.join(",\n"))
        };
        let tail = if dialect == Dialect::Mysql {
            ") DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
        } else {
            ");"
        };
        out.push_str(&format!("-- CreateTable\nCREATE TABLE {} (\n{body}\n{tail}\n\n", q(&m.table)));
        if dialect != Dialect::Mysql {
            for u in &m.uniques {
                indexes.push_str(&format!(
                    "-- CreateIndex\nCREATE UNIQUE INDEX {} ON {}({});\n\n",
                    q(&format!("{}_{}_key", m.table, u.join("_"))),
                    q(&m.table),
                    cols(dialect, u)
                ));
            }
        }
        for i in &m.indexes {
            let name = q(&format!("{}_{}_idx", m.table, i.join("_")));
            indexes.push_str(&format!(
                "-- CreateIndex\nCREATE INDEX {name} ON {}({});\n\n",
                q(&m.table),
                cols(dialect, i)
            ));
        }
    }
    out.push_str(&indexes);
    out.push_str(&foreign_keys);
    Ok(format!("{}\n", out.trim_end()))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Postgres,
    Mysql,
    Sqlite,
}

impl Dialect {
    fn quote(self, s: &str) -> String {
        match self {
            Dialect::Mysql => format!("`{s}`"),
            _ => format!("\"{s}\""),
        }
    }
}

fn cols(dialect: Dialect, columns: &[String]) -> String {
    columns.iter().map(|c| dialect.quote(c)).collect::<Vec<_>>().join(", ")
}

/// One column's definition.
fn column(dm: &Datamodel, dialect: Dialect, m: &Model, f: &Field, single_id: bool) -> Result<String, String> {
    let default = f.attr("default");
    let autoincrement = default.as_deref() == Some("autoincrement()");
    let is_id = single_id && m.id == [f.column.clone()];
    let native = f.attrs.split_whitespace().find_map(|a| a.strip_prefix("@db.")).map(str::to_string);
    let mut ty = if let Some(e) = dm.enum_of(&f.ty) {
        match dialect {
            Dialect::Postgres => dialect.quote(&e.db_name),
            Dialect::Mysql => {
                format!("ENUM({})", e.values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", "))
            }
            Dialect::Sqlite => "TEXT".into(),
        }
    } else {
        scalar(dialect, &f.ty, native.as_deref(), autoincrement)?
    };
    if f.list {
        if dialect != Dialect::Postgres {
            return Err(format!("scalar lists ({}.{}) on {}", m.name, f.name, dm.provider));
        }
        ty.push_str("[]");
    }
    // SQLite's AUTOINCREMENT takes an INTEGER key only.
    if dialect == Dialect::Sqlite && is_id && autoincrement {
        ty = "INTEGER".into();
    }
    let mut def = format!("{} {ty}", dialect.quote(&f.column));
    // Scalar lists are nullable columns; MySQL spells out NULL.
    if !f.optional && !f.list {
        def.push_str(" NOT NULL");
    } else if dialect == Dialect::Mysql {
        def.push_str(" NULL");
    }
    if dialect == Dialect::Sqlite && is_id {
        def.push_str(" PRIMARY KEY");
        if autoincrement {
            def.push_str(" AUTOINCREMENT");
        }
    }
    if dialect == Dialect::Mysql && autoincrement {
        def.push_str(" AUTO_INCREMENT");
    }
    if let Some(value) = default.as_deref().and_then(|d| default_value(dm, dialect, f, d)) {
        def.push_str(&format!(" DEFAULT {value}"));
    }
    Ok(def)
}

fn scalar(dialect: Dialect, ty: &str, native: Option<&str>, autoincrement: bool) -> Result<String, String> {
    if let Some(native) = native {
        let (name, args) = native.split_once('(').map_or((native, ""), |(n, a)| (n, a.trim_end_matches(')')));
        let with = |base: &str| if args.is_empty() { base.to_string() } else { format!("{base}({args})") };
        return Ok(match name {
            "VarChar" => with("VARCHAR"),
            "Char" => with("CHAR"),
            "Text" => "TEXT".into(),
            "Uuid" => "UUID".into(),
            "Timestamptz" => with("TIMESTAMPTZ"),
            "Timestamp" => with("TIMESTAMP"),
            "Date" => "DATE".into(),
            "SmallInt" => "SMALLINT".into(),
            "Integer" | "Int" => "INTEGER".into(),
            "BigInt" => "BIGINT".into(),
            "Real" => "REAL".into(),
            "DoublePrecision" => "DOUBLE PRECISION".into(),
            "Decimal" => with("DECIMAL"),
            "Money" => "MONEY".into(),
            "JsonB" => "JSONB".into(),
            "Json" => "JSON".into(),
            other => return Err(format!("the native type @db.{other}")),
        });
    }
    let t = match (dialect, ty) {
        (Dialect::Postgres, "String") => "TEXT",
        (Dialect::Postgres, "Int") if autoincrement => "SERIAL",
        (Dialect::Postgres, "Int") => "INTEGER",
        (Dialect::Postgres, "BigInt") if autoincrement => "BIGSERIAL",
        (Dialect::Postgres, "BigInt") => "BIGINT",
        (Dialect::Postgres, "Float") => "DOUBLE PRECISION",
        (Dialect::Postgres, "Decimal") => "DECIMAL(65,30)",
        (Dialect::Postgres, "Boolean") => "BOOLEAN",
        (Dialect::Postgres, "DateTime") => "TIMESTAMP(3)",
        (Dialect::Postgres, "Json") => "JSONB",
        (Dialect::Postgres, "Bytes") => "BYTEA",
        (Dialect::Mysql, "String") => "VARCHAR(191)",
        (Dialect::Mysql, "Int") => "INTEGER",
        (Dialect::Mysql, "BigInt") => "BIGINT",
        (Dialect::Mysql, "Float") => "DOUBLE",
        (Dialect::Mysql, "Decimal") => "DECIMAL(65, 30)",
        (Dialect::Mysql, "Boolean") => "BOOLEAN",
        (Dialect::Mysql, "DateTime") => "DATETIME(3)",
        (Dialect::Mysql, "Json") => "JSON",
        (Dialect::Mysql, "Bytes") => "LONGBLOB",
        (Dialect::Sqlite, "String") => "TEXT",
        (Dialect::Sqlite, "Int") => "INTEGER",
        (Dialect::Sqlite, "BigInt") => "BIGINT",
        (Dialect::Sqlite, "Float") => "REAL",
        (Dialect::Sqlite, "Decimal") => "DECIMAL",
        (Dialect::Sqlite, "Boolean") => "BOOLEAN",
        (Dialect::Sqlite, "DateTime") => "DATETIME",
        (Dialect::Sqlite, "Bytes") => "BLOB",
        (_, other) => return Err(format!("the type {other}")),
    };
    Ok(t.to_string())
}

/// A `@default(…)` as SQL; `None` for what Prisma fills in itself.
fn default_value(dm: &Datamodel, dialect: Dialect, f: &Field, d: &str) -> Option<String> {
    let d = d.trim();
    match d {
        "autoincrement()" | "uuid()" | "cuid()" | "nanoid()" | "ulid()" => None,
        _ if d.starts_with("uuid(") || d.starts_with("cuid(") || d.starts_with("nanoid(") => None,
        "now()" => Some(match dialect {
            Dialect::Mysql => "CURRENT_TIMESTAMP(3)".into(),
            _ => "CURRENT_TIMESTAMP".into(),
        }),
        "true" | "false" => Some(d.to_string()),
        _ if d.starts_with("dbgenerated(") => string_arg(d),
        _ if d.starts_with('"') => {
            let s = string_arg(d)?;
            Some(format!("'{}'", s.replace('\'', "''")))
        }
        _ if d.starts_with('[') => Some(match dialect {
            Dialect::Postgres => {
                let values: Vec<String> = list_arg(d, None)
                    .iter()
                    .map(
                        |v| if v.starts_with('"') { format!("'{}'", v.trim_matches('"')) } else { v.clone() },
                    )
                    .collect();
                let ty = scalar(dialect, &f.ty, None, false).ok()?;
                format!("ARRAY[{}]::{ty}[]", values.join(", "))
            }
            _ => return None,
        }),
        _ if d.parse::<f64>().is_ok() => Some(d.to_string()),
        // An enum value.
        _ if dm.enum_of(&f.ty).is_some() => Some(format!("'{d}'")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes() {
        assert_eq!(attribute("@id @default(autoincrement())", "default").as_deref(), Some("autoincrement()"));
        assert_eq!(attribute("@id @default(autoincrement())", "id").as_deref(), Some(""));
        assert_eq!(attribute("@unique @map(\"user_email\")", "map").as_deref(), Some("\"user_email\""));
        assert_eq!(attribute("@@index([a, b])", "index"), None, "a block attribute is not a field attribute");
        assert_eq!(
            list_arg("fields: [authorId], references: [id], onDelete: Cascade", Some("references")),
            vec!["id"]
        );
        assert_eq!(
            named_arg("fields: [a], references: [id], onDelete: Cascade", "onDelete").as_deref(),
            Some("Cascade")
        );
    }
}
