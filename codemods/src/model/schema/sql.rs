//! The database as a project's SQL migrations leave it, replayed in order
//! with a real SQL parser (sqlparser, PostgreSQL dialect): tables, columns,
//! keys and indexes, row-level security, policies (created, altered, dropped),
//! renames and drops, enums, functions (`security definer`, `search_path`),
//! views, and the statements inside `DO $$ … $$` blocks where they are plain
//! SQL. A statement the parser does not know is counted, not guessed at.

use sqlparser::ast::{
    AlterPolicyOperation, AlterTableOperation, ColumnOption, CreateTable, Expr, FunctionSecurity, ObjectName,
    ObjectNamePart, ObjectType, Owner, RenameTableNameKind, Statement, TableConstraint,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::{Column, Function, Policy, Schema, Table};

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

/// The string values of `col in ('a', 'b')` / `col = any (array['a', 'b'])`.
fn allowed_values(e: &Expr) -> Option<(String, Vec<String>)> {
    match e {
        Expr::InList { expr, list, negated: false } => {
            let Expr::Identifier(col) = &**expr else { return None };
            let values: Option<Vec<String>> = list
                .iter()
                .map(|v| match v {
                    Expr::Value(v) => match &v.value {
                        sqlparser::ast::Value::SingleQuotedString(s) => Some(s.clone()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            Some((col.value.to_ascii_lowercase(), values?))
        }
        Expr::Nested(inner) => allowed_values(inner),
        _ => None,
    }
}

impl Schema {
    /// Replays one migration file's statements, in order.
    pub fn apply(&mut self, file: &str, sql: &str) {
        self.replay.files += 1;
        // Editors on Windows save a BOM; PostgreSQL's own tools skip it too.
        let sql = sql.strip_prefix('\u{feff}').unwrap_or(sql);
        for statement in split_statements(sql) {
            self.apply_one(file, &statement, false);
        }
    }

    fn apply_one(&mut self, file: &str, statement: &str, in_block: bool) {
        let trimmed = statement.trim_start();
        if starts_with_word(trimmed, "do") {
            self.block(file, trimmed);
            return;
        }
        match Parser::parse_sql(&PostgreSqlDialect {}, statement) {
            Ok(parsed) => {
                for s in parsed {
                    self.replay.statements += 1;
                    self.replay.in_blocks += usize::from(in_block);
                    self.statement(file, s);
                }
            }
            Err(_) => {
                if !self.function_by_text(file, trimmed) {
                    self.replay.skipped += 1;
                }
            }
        }
    }

    /// The plain statements of a `DO $$ … $$` block: each DDL statement found
    /// after the block's own control words (`IF NOT EXISTS (…) THEN`).
    fn block(&mut self, file: &str, statement: &str) {
        let Some(body) = dollar_body(statement) else {
            self.replay.skipped += 1;
            return;
        };
        for part in split_statements(body) {
            let lower = part.to_ascii_lowercase();
            let starts = ["create ", "alter ", "drop ", "comment on"];
            let at = starts.iter().filter_map(|w| find_word(&lower, w)).min();
            if let Some(at) = at {
                // Dynamic SQL (`execute 'create …'`) is not plain SQL.
                if lower[..at].contains("execute") {
                    continue;
                }
                self.apply_one(file, &part[at..], true);
            }
        }
    }

    fn statement(&mut self, file: &str, statement: Statement) {
        match statement {
            Statement::CreateTable(create) => self.create_table(create),
            Statement::AlterTable(alter) => {
                let name = qualified(&alter.name);
                for op in alter.operations {
                    if let AlterTableOperation::RenameTable { table_name } = &op {
                        let to = match table_name {
                            RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => n,
                        };
                        // `alter table a rename to b` keeps the schema.
                        let schema = name.split('.').next().unwrap_or("public").to_string();
                        let new =
                            format!("{schema}.{}", qualified(to).rsplit('.').next().unwrap_or_default());
                        if let Some(mut table) = self.tables.remove(&name) {
                            table.name = new.rsplit('.').next().unwrap_or_default().to_string();
                            self.tables.insert(new, table);
                            self.replay.renamed_tables += 1;
                        }
                        return;
                    }
                    let Some(table) = self.tables.get_mut(&name) else { return };
                    match op {
                        AlterTableOperation::EnableRowLevelSecurity
                        | AlterTableOperation::ForceRowLevelSecurity => table.rls = true,
                        AlterTableOperation::DisableRowLevelSecurity => table.rls = false,
                        AlterTableOperation::AddColumn { column_def, .. } => add_column(table, &column_def),
                        AlterTableOperation::AddConstraint { constraint, .. } => {
                            add_constraint(table, &constraint)
                        }
                        AlterTableOperation::DropColumn { column_names, .. } => {
                            let dropped: Vec<String> =
                                column_names.iter().map(|c| c.value.to_ascii_lowercase()).collect();
                            table.columns.retain(|c| !dropped.contains(&c.name));
                        }
                        AlterTableOperation::RenameColumn { old_column_name, new_column_name } => {
                            let old = old_column_name.value.to_ascii_lowercase();
                            if let Some(c) = table.columns.iter_mut().find(|c| c.name == old) {
                                c.name = new_column_name.value.to_ascii_lowercase();
                            }
                        }
                        AlterTableOperation::AlterColumn { column_name, op } => {
                            let col = column_name.value.to_ascii_lowercase();
                            if let Some(c) = table.columns.iter_mut().find(|c| c.name == col) {
                                use sqlparser::ast::AlterColumnOperation as A;
                                match op {
                                    A::SetNotNull => c.nullable = false,
                                    A::DropNotNull => c.nullable = true,
                                    A::SetDefault { value } => {
                                        c.default = Some(value.to_string().to_ascii_lowercase())
                                    }
                                    A::DropDefault => c.default = None,
                                    A::SetDataType { data_type, .. } => {
                                        c.ty = data_type.to_string().to_ascii_lowercase()
                                    }
                                    _ => {}
                                }
                            }
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
            Statement::CreatePolicy(p) => {
                let table = qualified(&p.table_name);
                let policy = Policy {
                    name: p.name.value.clone(),
                    command: p
                        .command
                        .as_ref()
                        .map_or("all".to_string(), |c| c.to_string().to_ascii_lowercase()),
                    roles: p
                        .to
                        .as_ref()
                        .map(|owners| owners.iter().map(owner).collect())
                        .unwrap_or_else(|| vec!["public".into()]),
                    using: p.using.as_ref().map(|e| e.to_string()),
                    check: p.with_check.as_ref().map(|e| e.to_string()),
                    permissive: !matches!(p.policy_type, Some(sqlparser::ast::CreatePolicyType::Restrictive)),
                    file: file.to_string(),
                };
                self.add_policy(&table, policy);
            }
            Statement::AlterPolicy(a) => {
                let table = qualified(&a.table_name);
                let name = a.name.value.clone();
                let Some(p) = self.policies_of(&table).and_then(|ps| ps.iter_mut().find(|p| p.name == name))
                else {
                    return;
                };
                match a.operation {
                    AlterPolicyOperation::Rename { new_name } => p.name = new_name.value,
                    AlterPolicyOperation::Apply { to, using, with_check } => {
                        if let Some(to) = to {
                            p.roles = to.iter().map(owner).collect();
                        }
                        if let Some(u) = using {
                            p.using = Some(u.to_string());
                        }
                        if let Some(c) = with_check {
                            p.check = Some(c.to_string());
                        }
                    }
                }
            }
            Statement::DropPolicy(d) => {
                let table = qualified(&d.table_name);
                let name = d.name.value.clone();
                if let Some(policies) = self.policies_of(&table) {
                    let before = policies.len();
                    policies.retain(|p| p.name != name);
                    let dropped = before - policies.len();
                    self.replay.dropped_policies += dropped;
                }
            }
            Statement::Drop { object_type: ObjectType::Table, names, .. } => {
                for n in names {
                    if self.tables.remove(&qualified(&n)).is_some() {
                        self.replay.dropped_tables += 1;
                    }
                }
            }
            Statement::Drop { object_type: ObjectType::View, names, .. } => {
                for n in names {
                    let n = qualified(&n);
                    self.views.retain(|v| *v != n);
                }
            }
            Statement::CreateView(v) => {
                let name = qualified(&v.name);
                if !self.views.contains(&name) {
                    self.views.push(name);
                }
            }
            Statement::CreateType {
                name,
                representation: Some(sqlparser::ast::UserDefinedTypeRepresentation::Enum { labels }),
                ..
            } => {
                let values = labels.iter().map(|l| l.value.clone()).collect();
                self.enums.insert(qualified(&name), values);
            }
            Statement::CreateFunction(f) => {
                let search_path = f.set_params.iter().find_map(|p| {
                    let value = match &p.value {
                        sqlparser::ast::FunctionSetValue::Values(v) => {
                            v.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ")
                        }
                        sqlparser::ast::FunctionSetValue::Default => "default".into(),
                        sqlparser::ast::FunctionSetValue::FromCurrent => "from current".into(),
                    };
                    p.name.to_string().eq_ignore_ascii_case("search_path").then_some(value)
                });
                self.add_function(Function {
                    name: qualified(&f.name),
                    security_definer: matches!(f.security, Some(FunctionSecurity::Definer)),
                    search_path,
                    file: file.to_string(),
                });
            }
            _ => {}
        }
    }

    fn add_function(&mut self, f: Function) {
        self.functions.retain(|g| g.name != f.name);
        self.functions.push(f);
    }

    /// A `create function` the parser could not read: its name, `security
    /// definer` and `set search_path` from the text outside its body.
    fn function_by_text(&mut self, file: &str, statement: &str) -> bool {
        let lower = statement.to_ascii_lowercase();
        let words: Vec<&str> = lower.split_whitespace().take(6).collect();
        let at = match words.as_slice() {
            ["create", "function", ..] => 2,
            ["create", "or", "replace", "function", ..] => 4,
            _ => return false,
        };
        let name =
            lower.split_whitespace().nth(at).unwrap_or("").split('(').next().unwrap_or("").replace('"', "");
        if name.is_empty() {
            return false;
        }
        // What the body says does not count: only the text around it.
        let outside = match (lower.find("$$"), lower.rfind("$$")) {
            (Some(a), Some(b)) if b > a => format!("{} {}", &lower[..a], &lower[b + 2..]),
            _ => lower.clone(),
        };
        let search_path = outside.find("search_path").map(|i| {
            outside[i + "search_path".len()..]
                .trim_start_matches([' ', '=', '\t'])
                .split(['\n', ';'])
                .next()
                .unwrap_or("")
                .split(" as ")
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        });
        let name = if name.contains('.') { name } else { format!("public.{name}") };
        self.add_function(Function {
            name,
            security_definer: outside.contains("security definer"),
            search_path,
            file: file.to_string(),
        });
        true
    }

    /// The policies of a table, or of `storage.objects` (which no migration
    /// creates); `None` for a table no migration made.
    fn policies_of(&mut self, table: &str) -> Option<&mut Vec<Policy>> {
        if table == "storage.objects" {
            return Some(&mut self.storage_policies);
        }
        self.tables.get_mut(table).map(|t| &mut t.policies)
    }

    fn add_policy(&mut self, table: &str, policy: Policy) {
        // A policy on a table no migration made (built by hand) is kept nowhere.
        if let Some(policies) = self.policies_of(table) {
            // `create policy` of a name already there fails in Postgres; a
            // migration that does it dropped the old one first.
            policies.retain(|p| p.name != policy.name);
            policies.push(policy);
        }
    }

    fn create_table(&mut self, create: CreateTable) {
        let name = qualified(&create.name);
        if create.if_not_exists && self.tables.contains_key(&name) {
            return;
        }
        let (schema, short) = name.split_once('.').unwrap_or(("public", &name));
        let mut table = Table { schema: schema.to_string(), name: short.to_string(), ..Default::default() };
        for column in &create.columns {
            add_column(&mut table, column);
        }
        for constraint in &create.constraints {
            add_constraint(&mut table, constraint);
        }
        self.tables.insert(name, table);
    }
}

fn owner(o: &Owner) -> String {
    match o {
        Owner::Ident(i) => i.value.to_ascii_lowercase(),
        other => other.to_string().to_ascii_lowercase(),
    }
}

fn add_column(table: &mut Table, column: &sqlparser::ast::ColumnDef) {
    let name = column.name.value.to_ascii_lowercase();
    let ty = column.data_type.to_string().to_ascii_lowercase();
    let mut c = Column {
        name: name.clone(),
        generated: ty.contains("serial"),
        ty,
        nullable: true,
        default: None,
        values: None,
    };
    for option in &column.options {
        match &option.option {
            ColumnOption::PrimaryKey(_) => {
                c.nullable = false;
                table.primary_key = vec![name.clone()];
                table.indexes.push(vec![name.clone()]);
            }
            ColumnOption::NotNull => c.nullable = false,
            ColumnOption::Null => c.nullable = true,
            ColumnOption::Default(e) => c.default = Some(e.to_string().to_ascii_lowercase()),
            ColumnOption::Generated { .. } | ColumnOption::Identity(_) => c.generated = true,
            ColumnOption::Unique(_) => table.indexes.push(vec![name.clone()]),
            ColumnOption::ForeignKey(fk) => table.foreign_keys.push((
                vec![name.clone()],
                qualified(&fk.foreign_table),
                column_names(&fk.referred_columns),
            )),
            ColumnOption::Check(check) => {
                if let Some((_, values)) = allowed_values(&check.expr) {
                    c.values = Some(values);
                }
            }
            _ => {}
        }
    }
    table.columns.retain(|existing| existing.name != name);
    table.columns.push(c);
}

fn add_constraint(table: &mut Table, constraint: &TableConstraint) {
    match constraint {
        TableConstraint::PrimaryKey(pk) => {
            let cols = index_column_names(&pk.columns);
            for c in table.columns.iter_mut().filter(|c| cols.contains(&c.name)) {
                c.nullable = false;
            }
            table.primary_key = cols.clone();
            table.indexes.push(cols);
        }
        TableConstraint::Unique(u) => table.indexes.push(index_column_names(&u.columns)),
        TableConstraint::ForeignKey(fk) => table.foreign_keys.push((
            column_names(&fk.columns),
            qualified(&fk.foreign_table),
            column_names(&fk.referred_columns),
        )),
        TableConstraint::Check(check) => {
            if let Some((col, values)) = allowed_values(&check.expr) {
                if let Some(c) = table.columns.iter_mut().find(|c| c.name == col) {
                    c.values = Some(values);
                }
            }
        }
        _ => {}
    }
}

fn starts_with_word(text: &str, word: &str) -> bool {
    // `get`, not slicing: the text may start with a multi-byte character (a BOM).
    text.get(..word.len()).is_some_and(|head| head.eq_ignore_ascii_case(word))
        && text[word.len()..].starts_with(|c: char| c.is_whitespace() || c == '$')
}

/// The start of `word` (lower-case, with its trailing space) at a word boundary.
fn find_word(lower: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = lower[from..].find(word) {
        let at = from + i;
        if at == 0 || !lower[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// The body of `do $$ … $$` (or `$tag$ … $tag$`).
fn dollar_body(statement: &str) -> Option<&str> {
    let open = statement.find('$')?;
    let close_tag = statement[open + 1..].find('$')? + open + 1;
    let tag = &statement[open..=close_tag];
    let body_start = close_tag + 1;
    let end = statement[body_start..].rfind(tag)? + body_start;
    Some(&statement[body_start..end])
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
    fn a_migration_saved_with_a_bom_is_read() {
        // A BOM before a first `do $$` used to panic (a slice inside it).
        let schema = replay(&[
            "\u{feff}create table public.equipamentos (id uuid primary key);",
            "\u{feff}do $$ begin alter table public.equipamentos add column finalidade text; end $$;",
        ]);
        let table = schema.table("equipamentos").expect("replayed");
        assert!(table.columns.iter().any(|c| c.name == "finalidade"));
        assert!(!starts_with_word("\u{feff}do $$", "do"));
    }

    fn replay(files: &[&str]) -> Schema {
        let mut schema = Schema::default();
        for (i, sql) in files.iter().enumerate() {
            schema.apply(&format!("{i}.sql"), sql);
        }
        schema
    }

    #[test]
    fn reads_what_migrations_leave() {
        let schema = replay(&[r#"
            create table public.projects (
              id uuid primary key default gen_random_uuid(),
              user_id uuid references auth.users(id) on delete cascade not null,
              name text not null,
              status text check (status in ('draft', 'live'))
            );
            create table tasks (id bigint generated always as identity primary key, project_id uuid not null, title text);
            alter table tasks add constraint tasks_project_fk foreign key (project_id) references public.projects(id);
            create or replace function public.touch() returns trigger language plpgsql as $$
            begin new.updated_at = now(); return new; end; $$;
            alter table public.projects enable row level security;
            create policy "own" on public.projects for select to authenticated using (auth.uid() = user_id);
            create index on public.tasks (title);
            "#]);
        let projects = &schema.tables["public.projects"];
        assert!(projects.rls);
        assert_eq!(projects.policies[0].name, "own");
        assert_eq!(projects.policies[0].roles, ["authenticated"]);
        assert_eq!(
            projects.foreign_keys,
            vec![(vec!["user_id".into()], "auth.users".into(), vec!["id".into()])]
        );
        let user_id = projects.column("user_id").expect("column");
        assert!(!user_id.nullable && user_id.ty == "uuid");
        assert_eq!(
            projects.column("id").and_then(|c| c.default.clone()).as_deref(),
            Some("gen_random_uuid()")
        );
        assert_eq!(
            projects.column("status").and_then(|c| c.values.clone()),
            Some(vec!["draft".into(), "live".into()])
        );
        let tasks = &schema.tables["public.tasks"];
        assert!(!tasks.rls && tasks.indexed("title") && tasks.indexed("id") && !tasks.indexed("project_id"));
        assert!(tasks.column("id").is_some_and(|c| c.generated));
        assert_eq!(tasks.foreign_keys[0].1, "public.projects");
        assert_eq!(schema.functions.len(), 1);
    }

    #[test]
    fn a_policy_dropped_two_migrations_later_is_gone() {
        let schema = replay(&[
            "create table notes (id uuid primary key, owner uuid);\nalter table notes enable row level security;\ncreate policy \"anyone writes\" on notes for insert with check (true);\n",
            "create policy \"owner reads\" on notes for select using (auth.uid() = owner);\n",
            "drop policy if exists \"anyone writes\" on notes;\nalter policy \"owner reads\" on notes to authenticated;\n",
        ]);
        let notes = &schema.tables["public.notes"];
        assert_eq!(notes.policies.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["owner reads"]);
        assert_eq!(notes.policies[0].roles, ["authenticated"]);
        assert!(notes.open_writes().is_empty());
        assert_eq!(schema.replay.dropped_policies, 1);
    }

    #[test]
    fn do_blocks_renames_drops_and_functions() {
        let schema = replay(&[r#"
            create table items (id uuid primary key);
            DO $$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'items') THEN
                CREATE POLICY "read items" ON public.items FOR SELECT USING (true);
              END IF;
              EXECUTE 'create policy "dynamic" on items for all using (true)';
            END $$;
            alter table items enable row level security;
            alter table items rename to products;
            create table old_stuff (id int);
            drop table old_stuff;
            create type public.role as enum ('admin', 'member');
            create or replace function public.is_admin() returns boolean language sql security definer set search_path = public as $$ select true $$;
            create policy "avatars" on storage.objects for insert to authenticated with check (bucket_id = 'avatars');
            create view public.stats as select count(*) from products;
            "#]);
        assert!(
            !schema.tables.contains_key("public.items") && !schema.tables.contains_key("public.old_stuff")
        );
        let products = &schema.tables["public.products"];
        assert!(products.rls);
        assert_eq!(products.policies.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["read items"]);
        assert_eq!(schema.replay.in_blocks, 1);
        assert_eq!(schema.enums["public.role"], ["admin", "member"]);
        let f = schema.functions.iter().find(|f| f.name == "public.is_admin").expect("function");
        assert!(
            f.security_definer && f.search_path.as_deref().is_some_and(|p| p.contains("public")),
            "{f:?}"
        );
        assert_eq!(schema.storage_policies.len(), 1);
        assert_eq!(schema.views, ["public.stats"]);
    }

    #[test]
    fn splits_around_bodies_and_comments() {
        let parts = split_statements("select 1; -- a; comment\ncreate function f() returns int as $body$ select 1; $body$ language sql; select ';'");
        assert_eq!(parts.len(), 3, "{parts:?}");
    }
}
