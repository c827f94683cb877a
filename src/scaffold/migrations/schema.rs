//! The database as a project's SQL migrations leave it: tables, columns,
//! foreign keys, indexes, row-level security and policies, read with a real
//! SQL parser (sqlparser, PostgreSQL dialect). A statement the parser does
//! not know (a function body, a `DO` block) is skipped, not guessed at.

use std::collections::BTreeMap;

use sqlparser::ast::{
    AlterTableOperation, ColumnOption, CreateTable, Expr, ObjectName, ObjectNamePart, ObjectType, Statement,
    TableConstraint,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

#[derive(Debug, Default, Clone)]
pub struct Table {
    /// Columns in order: (name, type as written, lower-case).
    pub columns: Vec<(String, String)>,
    pub primary_key: Vec<String>,
    /// (columns, referenced `schema.table`, referenced columns)
    pub foreign_keys: Vec<(Vec<String>, String, Vec<String>)>,
    /// Each index's columns (primary key and unique constraints included).
    pub indexes: Vec<Vec<String>>,
    pub rls: bool,
    /// Policies: (name, command: `all`, `select`, `insert`, `update`, `delete`).
    pub policies: Vec<(String, String)>,
    /// Policies that let anyone write: `using (true)` / `with check (true)` on
    /// insert, update, delete or all.
    pub open_writes: Vec<String>,
}

impl Table {
    pub fn has_column(&self, name: &str) -> bool {
        self.columns.iter().any(|(c, _)| c == name)
    }

    pub fn column_type(&self, name: &str) -> Option<&str> {
        self.columns.iter().find(|(c, _)| c == name).map(|(_, t)| t.as_str())
    }

    /// An index starting with `column` (which serves lookups by it).
    pub fn indexed(&self, column: &str) -> bool {
        self.indexes.iter().any(|cols| cols.first().is_some_and(|c| c == column))
    }
}

/// Tables by `schema.table` (lower-case; `public.` when no schema is named).
#[derive(Debug, Default)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
    /// Statements the parser could not read (counted, for the summary).
    pub skipped: usize,
}

/// `todos` → `public.todos`; quotes and case removed.
pub fn qualified(name: &ObjectName) -> String {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => i.value.to_ascii_lowercase(),
            other => other.to_string().to_ascii_lowercase(),
        })
        .collect();
    match parts.as_slice() {
        [table] => format!("public.{table}"),
        [schema, table] => format!("{schema}.{table}"),
        _ => parts.join("."),
    }
}

fn column_names(cols: &[sqlparser::ast::Ident]) -> Vec<String> {
    cols.iter().map(|c| c.value.to_ascii_lowercase()).collect()
}

fn index_column_names(cols: &[sqlparser::ast::IndexColumn]) -> Vec<String> {
    cols.iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(i) => i.value.to_ascii_lowercase(),
            other => other.to_string().to_ascii_lowercase(),
        })
        .collect()
}

impl Schema {
    /// Applies one migration file's statements in order.
    pub fn apply(&mut self, sql: &str) {
        for statement in split_statements(sql) {
            match Parser::parse_sql(&PostgreSqlDialect {}, &statement) {
                Ok(parsed) => parsed.into_iter().for_each(|s| self.statement(s)),
                Err(_) => self.skipped += 1,
            }
        }
    }

    fn statement(&mut self, statement: Statement) {
        match statement {
            Statement::CreateTable(create) => self.create_table(create),
            Statement::AlterTable(alter) => {
                let name = qualified(&alter.name);
                let Some(table) = self.tables.get_mut(&name) else { return };
                for op in alter.operations {
                    match op {
                        AlterTableOperation::EnableRowLevelSecurity
                        | AlterTableOperation::ForceRowLevelSecurity => table.rls = true,
                        AlterTableOperation::DisableRowLevelSecurity => table.rls = false,
                        AlterTableOperation::AddColumn { column_def, .. } => {
                            add_column(table, &name, &column_def);
                        }
                        AlterTableOperation::AddConstraint { constraint, .. } => {
                            add_constraint(table, &constraint)
                        }
                        AlterTableOperation::DropColumn { column_names, .. } => {
                            let dropped: Vec<String> =
                                column_names.iter().map(|c| c.value.to_ascii_lowercase()).collect();
                            table.columns.retain(|(c, _)| !dropped.contains(c));
                        }
                        _ => {}
                    }
                }
            }
            Statement::CreateIndex(index) => {
                let name = qualified(&index.table_name);
                if let Some(table) = self.tables.get_mut(&name) {
                    table.indexes.push(index_column_names(&index.columns));
                }
            }
            Statement::CreatePolicy(policy) => {
                let name = qualified(&policy.table_name);
                if let Some(table) = self.tables.get_mut(&name) {
                    let command = policy
                        .command
                        .as_ref()
                        .map_or("all".to_string(), |c| c.to_string().to_ascii_lowercase());
                    let is_true = |e: &Option<Expr>| {
                        e.as_ref().is_some_and(|e| e.to_string().eq_ignore_ascii_case("true"))
                    };
                    if command != "select" && (is_true(&policy.using) || is_true(&policy.with_check)) {
                        table.open_writes.push(policy.name.value.clone());
                    }
                    table.policies.push((policy.name.value.clone(), command));
                }
            }
            Statement::Drop { object_type: ObjectType::Table, names, .. } => {
                for n in names {
                    self.tables.remove(&qualified(&n));
                }
            }
            _ => {}
        }
    }

    fn create_table(&mut self, create: CreateTable) {
        let name = qualified(&create.name);
        if create.if_not_exists && self.tables.contains_key(&name) {
            return;
        }
        let mut table = Table::default();
        for column in &create.columns {
            add_column(&mut table, &name, column);
        }
        for constraint in &create.constraints {
            add_constraint(&mut table, constraint);
        }
        self.tables.insert(name, table);
    }
}

fn add_column(table: &mut Table, _table_name: &str, column: &sqlparser::ast::ColumnDef) {
    let name = column.name.value.to_ascii_lowercase();
    table.columns.push((name.clone(), column.data_type.to_string().to_ascii_lowercase()));
    for option in &column.options {
        match &option.option {
            ColumnOption::PrimaryKey(_) => {
                table.primary_key = vec![name.clone()];
                table.indexes.push(vec![name.clone()]);
            }
            ColumnOption::Unique(_) => table.indexes.push(vec![name.clone()]),
            ColumnOption::ForeignKey(fk) => table.foreign_keys.push((
                vec![name.clone()],
                qualified(&fk.foreign_table),
                column_names(&fk.referred_columns),
            )),
            _ => {}
        }
    }
}

fn add_constraint(table: &mut Table, constraint: &TableConstraint) {
    match constraint {
        TableConstraint::PrimaryKey(pk) => {
            let cols = index_column_names(&pk.columns);
            table.primary_key = cols.clone();
            table.indexes.push(cols);
        }
        TableConstraint::Unique(u) => table.indexes.push(index_column_names(&u.columns)),
        TableConstraint::ForeignKey(fk) => table.foreign_keys.push((
            column_names(&fk.columns),
            qualified(&fk.foreign_table),
            column_names(&fk.referred_columns),
        )),
        _ => {}
    }
}

/// SQL statements, split on `;` outside quotes, dollar-quoted bodies and comments.
pub fn split_statements(sql: &str) -> Vec<String> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => {
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'$' => {
                // `$$` or `$tag$`: skip to the same tag.
                let tag_end = sql[i + 1..].find('$').map(|e| i + 1 + e);
                if let Some(end) =
                    tag_end.filter(|e| sql[i + 1..*e].chars().all(|c| c.is_alphanumeric() || c == '_'))
                {
                    let tag = &sql[i..=end];
                    match sql[end + 1..].find(tag) {
                        Some(close) => i = end + 1 + close + tag.len() - 1,
                        None => i = bytes.len(),
                    }
                }
            }
            b';' => {
                let statement = sql[start..i].trim();
                if !statement.is_empty() {
                    out.push(statement.to_string());
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let rest = sql[start.min(sql.len())..].trim();
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_migrations_leave() {
        let mut schema = Schema::default();
        schema.apply(
            r#"
            create table public.projects (
              id uuid primary key default gen_random_uuid(),
              user_id uuid references auth.users(id) on delete cascade not null,
              name text not null
            );
            create table tasks (id bigint generated always as identity primary key, project_id uuid not null, title text);
            alter table tasks add constraint tasks_project_fk foreign key (project_id) references public.projects(id);
            create or replace function public.touch() returns trigger language plpgsql as $$
            begin new.updated_at = now(); return new; end; $$;
            alter table public.projects enable row level security;
            create policy "own" on public.projects for select using (auth.uid() = user_id);
            create index on public.tasks (title);
            "#,
        );
        let projects = &schema.tables["public.projects"];
        assert!(projects.rls && projects.policies == [("own".to_string(), "select".to_string())]);
        assert_eq!(
            projects.foreign_keys,
            vec![(vec!["user_id".into()], "auth.users".into(), vec!["id".into()])]
        );
        let tasks = &schema.tables["public.tasks"];
        assert!(!tasks.rls && tasks.indexed("title") && tasks.indexed("id") && !tasks.indexed("project_id"));
        assert_eq!(tasks.foreign_keys[0].1, "public.projects");
    }

    #[test]
    fn splits_around_bodies_and_comments() {
        let parts = split_statements("select 1; -- a; comment\ncreate function f() returns int as $body$ select 1; $body$ language sql; select ';'");
        assert_eq!(parts.len(), 3, "{parts:?}");
    }
}
