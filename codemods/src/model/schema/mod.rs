//! The database schema, final state, from every source the project has: the
//! Supabase migrations replayed in the CLI's order (`sql`), the generated
//! `types.ts` (`generated`), Prisma's `schema.prisma` and Drizzle's table
//! definitions (`drizzle`). One schema type for all four: tables with their
//! columns (type, nullability, default), keys, row-level security and
//! policies; functions, views, enums and storage policies.

pub mod drizzle;
pub mod generated;
pub mod sql;

use std::collections::BTreeMap;

/// Where a table's description comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    #[default]
    Migrations,
    /// Supabase's generated `types.ts`.
    Generated,
    Prisma,
    Drizzle,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// The type as written, lower-case (`uuid`, `text`, `timestamp with time zone`,
    /// an enum's name; `string`/`number` from `types.ts`).
    pub ty: String,
    pub nullable: bool,
    /// The default expression as written (`gen_random_uuid()`, `now()`).
    pub default: Option<String>,
    /// The database fills it (identity, serial, `@updatedAt`).
    pub generated: bool,
    /// Values a check constraint or an enum allows.
    pub values: Option<Vec<String>>,
}

/// One row-level security policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    /// `all`, `select`, `insert`, `update` or `delete`.
    pub command: String,
    /// The roles it applies to (`public` when none is named).
    pub roles: Vec<String>,
    /// The `using` expression as written.
    pub using: Option<String>,
    pub check: Option<String>,
    pub permissive: bool,
    /// The migration that created it.
    pub file: String,
}

impl Policy {
    fn is_true(e: &Option<String>) -> bool {
        e.as_deref()
            .is_some_and(|e| e.trim().trim_matches(|c| c == '(' || c == ')').eq_ignore_ascii_case("true"))
    }

    /// `using (true)` or `with check (true)`.
    pub fn always_true(&self) -> bool {
        Policy::is_true(&self.using) || Policy::is_true(&self.check)
    }

    /// Scoped to the service role only (it bypasses RLS anyway).
    pub fn service_role_only(&self) -> bool {
        !self.roles.is_empty() && self.roles.iter().all(|r| r == "service_role")
    }

    pub fn is_write(&self) -> bool {
        self.command != "select"
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// `public`, `storage`, …
    pub schema: String,
    pub name: String,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    /// (columns, referenced `schema.table`, referenced columns)
    pub foreign_keys: Vec<(Vec<String>, String, Vec<String>)>,
    /// Each index's columns (primary key and unique constraints included).
    pub indexes: Vec<Vec<String>>,
    pub rls: bool,
    pub policies: Vec<Policy>,
    pub source: Source,
}

impl Table {
    pub fn has_column(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c.name == name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_type(&self, name: &str) -> Option<&str> {
        self.column(name).map(|c| c.ty.as_str())
    }

    /// An index starting with `column` (which serves lookups by it).
    pub fn indexed(&self, column: &str) -> bool {
        self.indexes.iter().any(|cols| cols.first().is_some_and(|c| c == column))
    }

    /// Write policies anyone passes: `true` on insert, update, delete or all,
    /// not scoped to the service role.
    pub fn open_writes(&self) -> Vec<&Policy> {
        self.policies.iter().filter(|p| p.is_write() && p.always_true() && !p.service_role_only()).collect()
    }
}

/// A SQL function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Function {
    /// `schema.name`.
    pub name: String,
    pub security_definer: bool,
    /// `set search_path = …`, as written.
    pub search_path: Option<String>,
    pub file: String,
}

/// What happened while replaying, for `harden explain`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Replay {
    pub files: usize,
    pub statements: usize,
    /// Statements the parser could not read (function bodies, odd syntax).
    pub skipped: usize,
    /// Statements read from inside `DO $$ … $$` blocks.
    pub in_blocks: usize,
    /// Policies a later migration dropped (or replaced).
    pub dropped_policies: usize,
    pub renamed_tables: usize,
    pub dropped_tables: usize,
}

/// The database as the project describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    /// By `schema.table`, lower-case (`public.` when no schema is named).
    pub tables: BTreeMap<String, Table>,
    pub functions: Vec<Function>,
    pub views: Vec<String>,
    pub enums: BTreeMap<String, Vec<String>>,
    /// Policies on `storage.objects` (the buckets' rules).
    pub storage_policies: Vec<Policy>,
    pub replay: Replay,
}

impl Schema {
    /// The table a name means in code (`todos`, `public.todos`).
    pub fn table(&self, name: &str) -> Option<&Table> {
        let lower = name.to_ascii_lowercase();
        if lower.contains('.') {
            self.tables.get(&lower)
        } else {
            self.tables.get(&format!("public.{lower}"))
        }
    }

    /// Adds the tables of another source that this one lacks (migrations win:
    /// they hold RLS and policies; the others fill what they leave out).
    pub fn merge(&mut self, other: Schema) {
        for (name, table) in other.tables {
            self.tables.entry(name).or_insert(table);
        }
        for (name, values) in other.enums {
            self.enums.entry(name).or_insert(values);
        }
        for f in other.functions {
            if !self.functions.iter().any(|g| g.name == f.name) {
                self.functions.push(f);
            }
        }
        for v in other.views {
            if !self.views.contains(&v) {
                self.views.push(v);
            }
        }
    }

    /// Tables by source, for reports.
    pub fn count_by_source(&self) -> BTreeMap<Source, usize> {
        let mut out = BTreeMap::new();
        for t in self.tables.values() {
            *out.entry(t.source).or_default() += 1;
        }
        out
    }
}

/// A Prisma schema's models as tables (ids and timestamps the database sets
/// marked generated).
pub fn from_prisma(schema: &crate::prisma::Schema) -> Schema {
    let mut out = Schema::default();
    let mut models: Vec<(&String, &Vec<crate::prisma::Field>)> = schema.models.iter().collect();
    models.sort_by(|a, b| a.0.cmp(b.0));
    for (model, fields) in models {
        let columns = fields
            .iter()
            .map(|f| Column {
                name: f.name.clone(),
                ty: f.ty.to_ascii_lowercase(),
                nullable: f.optional,
                default: None,
                generated: f.server_managed,
                values: schema.enums.get(&f.ty).cloned(),
            })
            .collect();
        let name = model.to_ascii_lowercase();
        out.tables.insert(
            format!("public.{name}"),
            Table { schema: "public".into(), name, columns, source: Source::Prisma, ..Default::default() },
        );
    }
    out
}
