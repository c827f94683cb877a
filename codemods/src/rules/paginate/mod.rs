//! `paginate`: a list query with no bound returns the whole table; with ten
//! thousand rows it times out or ships megabytes to a phone.
//!
//! - [`server`]: GET handlers read `page`/`pageSize` from the request (a
//!   default and a clamped maximum from `harden.toml` `[pagination]`) and bound
//!   Prisma, Drizzle, Supabase and Mongoose queries with them.
//! - [`client`]: browser code reading Supabase directly gets one named page
//!   size per file; hooks and data functions take an optional page.
//!
//! Never touched: single-row reads, counts, bounded queries, queries filtered
//! by `id`. Left alone and reported: lists that must stay whole (counted,
//! searched, turned into options, a single column, a small catalogue table).

mod client;
mod server;

use swc_core::ecma::ast::{
    CallExpr, Callee, Expr, Lit, MemberExpr, MemberProp, Program, Prop, PropName, PropOrSpread,
};

use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::framework::FileKind;

pub struct Paginate;

impl Codemod for Paginate {
    fn id(&self) -> &'static str {
        "paginate"
    }

    fn title(&self) -> &'static str {
        "Bound list queries to one page (page, pageSize)"
    }

    fn may_apply(&self, text: &str) -> bool {
        // Prisma; Supabase and Drizzle chains; Mongoose models (`.find(` alone
        // is every array search).
        crate::text::has(text, "findMany")
            || (crate::text::has(text, ".select(") && crate::text::has(text, ".from("))
            || (crate::text::has(text, ".find(")
                && (crate::text::has(text, "mongoose") || crate::text::has(text, "/models")))
    }

    fn may_apply_to(&self, file: &crate::model::FileFacts) -> bool {
        // Server lists in entry points; browser lists on Supabase chains.
        file.entry || file.supabase_chains
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        let owned;
        let body: &[swc_core::ecma::ast::ModuleItem] = match file.program {
            Program::Module(m) => &m.body,
            Program::Script(s) => {
                owned = s.body.iter().cloned().map(swc_core::ecma::ast::ModuleItem::Stmt).collect::<Vec<_>>();
                &owned
            }
        };
        match FileKind::of_file(file.path, file.program) {
            Some(kind) => server::run(file, &kind, body),
            // Browser code reading Supabase directly (most Lovable/Bolt apps).
            None => client::run(file, body),
        }
    }
}

/// Why a list was left whole: each reads after a count in the summary.
pub(crate) mod reason {
    pub const LOOKUP: &str = "list queries whose rows are counted, searched, summed or made into options";
    pub const SINGLE_COLUMN: &str = "single-column list queries (lookups, not lists people page through)";
    pub const CATALOGUE: &str = "list queries of small catalogue tables (categories, tags, roles, …)";
    pub const NOT_RENDERED: &str = "list queries whose rows are not rendered as a list in their file";
    pub const IN_STEPS: &str = "list queries built in steps (a query variable, maybe bounded later)";
    pub const SCRIPT: &str = "list queries in scripts, tests or seeds (they need every row)";
    pub const PAGED_ALREADY: &str = "list queries in handlers that already read paging parameters";
    pub const JSON_BODY: &str = "list queries in edge functions called with a JSON body (no query string)";
    pub const DEBUG_ROUTE: &str = "list queries in test, mock or debug routes";
    pub const SERVICE_ROLE: &str = "list queries through a service-role client (jobs that need every row)";
    pub const NAME_TAKEN: &str = "list queries in files that already declare PAGE_SIZE";
}

/// One call of a method chain: its name and the words of its arguments
/// (string literals, object keys, identifiers, `t.col` properties in calls).
pub(crate) struct Method {
    pub name: String,
    pub words: Vec<String>,
}

/// The methods of a call chain in order.
pub(crate) fn chain_methods(call: &CallExpr) -> Vec<Method> {
    let mut out = Vec::new();
    let mut current = call;
    while let Callee::Expr(callee) = &current.callee {
        let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. }) = &**callee else { break };
        let mut words = Vec::new();
        for arg in &current.args {
            match &*arg.expr {
                Expr::Lit(Lit::Str(s)) => words.push(s.value.to_string_lossy().into_owned()),
                Expr::Ident(i) => words.push(i.sym.to_string()),
                Expr::Object(o) => words.extend(o.props.iter().filter_map(|p| match p {
                    PropOrSpread::Prop(p) => match &**p {
                        Prop::KeyValue(kv) => match &kv.key {
                            PropName::Ident(i) => Some(i.sym.to_string()),
                            PropName::Str(s) => Some(s.value.to_string_lossy().into_owned()),
                            _ => None,
                        },
                        Prop::Shorthand(i) => Some(i.sym.to_string()),
                        _ => None,
                    },
                    _ => None,
                })),
                // Drizzle's `eq(todos.id, x)`: the column.
                Expr::Call(c) => words.extend(c.args.iter().filter_map(|a| match &*a.expr {
                    Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) => Some(p.sym.to_string()),
                    _ => None,
                })),
                _ => {}
            }
        }
        out.push(Method { name: p.sym.to_string(), words });
        match &**obj {
            Expr::Call(inner) => current = inner,
            _ => break,
        }
    }
    out.reverse();
    out
}

/// The identifier a call chain starts from (`supabase`, `db`, `Product`).
pub(crate) fn chain_root(call: &CallExpr) -> Option<String> {
    let mut current = call;
    loop {
        let Callee::Expr(callee) = &current.callee else { return None };
        let Expr::Member(MemberExpr { obj, .. }) = &**callee else { return None };
        match &**obj {
            Expr::Call(inner) => current = inner,
            Expr::Ident(i) => return Some(i.sym.to_string()),
            _ => return None,
        }
    }
}

fn method<'m>(methods: &'m [Method], name: &str) -> Option<&'m Method> {
    methods.iter().find(|m| m.name == name)
}

/// `.eq("id", x)`, `.in(column, ids)`, `.where(eq(t.id, x))`: a bounded set.
/// (`.eq("user_id", x)` is not: a user's rows are a list.)
pub(crate) fn by_unique_key(methods: &[Method]) -> bool {
    methods.iter().any(|m| match m.name.as_str() {
        "in" => true,
        "eq" => m.words.first().is_some_and(|w| w == "id"),
        "where" => m.words.iter().any(|w| w == "id"),
        _ => false,
    })
}

/// `select("*", { count: "exact", head: true })`: a count, no rows.
pub(crate) fn counts_only(methods: &[Method]) -> bool {
    methods.iter().any(|m| m.name == "select" && m.words.iter().any(|w| w == "head"))
}

/// `.select("name")`: one plain column, read to look something up.
pub(crate) fn single_column(methods: &[Method]) -> bool {
    method(methods, "select").and_then(|m| m.words.first()).is_some_and(|columns| {
        let c = columns.trim();
        !c.is_empty() && c != "*" && !c.contains([',', '(', '*', ':', '\n'])
    })
}

/// The table a Supabase (`from("posts")`) or Drizzle (`from(posts)`) chain reads.
pub(crate) fn table(methods: &[Method]) -> Option<&str> {
    method(methods, "from").and_then(|m| m.words.first()).map(String::as_str)
}

/// Small tables a UI shows whole (dropdowns, filters, settings): paging
/// them would hide choices.
pub(crate) fn is_catalogue(table: &str) -> bool {
    const CATALOGUES: &[&str] = &[
        "category",
        "tag",
        "role",
        "permission",
        "setting",
        "country",
        "currency",
        "language",
        "locale",
        "status",
        "type",
        "option",
        "preference",
        "config",
        "configuration",
        "timezone",
        "unit",
    ];
    let lower = table.to_ascii_lowercase();
    let singular = if let Some(stem) = lower.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = lower.strip_suffix("uses") {
        format!("{stem}us")
    } else {
        lower.strip_suffix('s').unwrap_or(&lower).to_string()
    };
    CATALOGUES.contains(&singular.as_str()) || singular.ends_with("category") || singular.ends_with("_type")
}

#[cfg(test)]
mod tests {
    use super::is_catalogue;

    #[test]
    fn catalogue_tables() {
        for t in ["categories", "Category", "tags", "roles", "statuses", "product_categories", "countries"] {
            assert!(is_catalogue(t), "{t}");
        }
        for t in ["posts", "user_roles", "prototypes", "orders", "expenses", "profiles"] {
            assert!(!is_catalogue(t), "{t}");
        }
    }
}
