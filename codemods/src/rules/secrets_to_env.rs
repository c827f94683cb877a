//! `secrets-to-env`: credentials written in the code are in every clone of
//! the repository. Each one moves to an environment variable read the way the
//! code runs: `process.env` on a Node or Next server, `Deno.env.get` in an
//! edge function (both through a `requiredEnv` check that stops the app at
//! start-up when the value is missing), `import.meta.env.VITE_*` or
//! `process.env.NEXT_PUBLIC_*` for public keys in browser code. The value
//! goes to the local `.env` (written by harden, never shown).
//!
//! Public Supabase keys (anon, publishable) move only where the app already
//! reads its configuration from the environment. A secret in code that runs
//! in the browser is never moved (a `VITE_` variable is public too): it is
//! reported, with what to do.

use std::collections::HashMap;

use swc_core::ecma::ast::{Decl, Expr, Lit, ModuleDecl, ModuleItem, Pat, Program, Stmt};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::{head, is_directive, module_items, uses_directive};
use crate::codemod::{Codemod, FileCtx, Proposal};
use crate::edit::{line_end, Edit};
use crate::framework::FileKind;
use crate::outcome::Severity;
use crate::parse::range;
use crate::secrets::{classify, is_supabase_url, signing_secret, Kind};

pub struct SecretsToEnv;

const HELPER: &str = "requiredEnv";
/// The scan checks its findings belong to.
const BROWSER_SECRET: &str = "browser-secret";
const HARDCODED_SECRET: &str = "hardcoded-secret";

impl Codemod for SecretsToEnv {
    fn id(&self) -> &'static str {
        "secrets-to-env"
    }

    fn title(&self) -> &'static str {
        "Move credentials out of the code into env variables (values go to the local .env)"
    }

    fn check(&self) -> &'static str {
        "hardcoded-secret"
    }

    fn may_apply(&self, text: &str) -> bool {
        crate::secrets::may_hold(text)
    }

    fn run(&self, file: &FileCtx) -> Option<Proposal> {
        // Tests, fixtures and mocks hold made-up credentials on purpose.
        let lower = file.path.to_ascii_lowercase();
        let test_code = lower.contains(".test.")
            || lower.contains(".spec.")
            || lower.split('/').any(|s| {
                matches!(s, "test" | "tests" | "__tests__" | "e2e" | "fixtures" | "mocks" | "__mocks__")
            });
        if test_code {
            return None;
        }
        let mut literals = Literals { found: Vec::new(), named: Vec::new() };
        file.program.visit_with(&mut literals);
        let named = literals.named;
        // (literal, the text before the credential in it, the credential, its kind)
        let found: Vec<(std::ops::Range<usize>, &str, String, Kind)> = literals
            .found
            .into_iter()
            .filter_map(|(r, value)| {
                // `"Bearer sk-…"`: the credential after the scheme.
                if let Some(token) = value.strip_prefix("Bearer ") {
                    return classify(token).map(|k| (r, "Bearer ", token.to_string(), k));
                }
                let kind = classify(&value).or_else(|| {
                    let (_, name) = named.iter().find(|(at, _)| *at == r.start)?;
                    signing_secret(&value, name)
                });
                kind.map(|k| (r, "", value, k))
            })
            .collect();
        if found.is_empty() {
            return None;
        }
        let runtime = Runtime::of(file);
        let typescript = [".ts", ".tsx", ".mts", ".cts"].iter().any(|e| file.path.ends_with(e));
        let style = file.style();
        let q = |s: &str| style.quoted(s);
        let top_level = top_level_inits(file.program);
        let mut edits = Vec::new();
        // env name → the value it holds here (one value per name).
        let mut names: HashMap<String, String> = HashMap::new();
        let mut hoisted: Vec<String> = Vec::new();
        // Env names a top-level const of the same name now holds.
        let mut bound: Vec<String> = Vec::new();
        let mut needs_helper = false;
        let mut moved_kinds: Vec<&str> = Vec::new();
        let helper_taken = file.bindings().declares(HELPER);
        // A moved Supabase key: (where, its env name), for the URL beside it.
        let mut supabase_moved = None;
        for (r, prefix, value, kind) in &found {
            let browser = matches!(runtime, Runtime::Browser | Runtime::NextClient | Runtime::NextShared);
            // A Google key is public in a browser app (the provider restricts it).
            let browser_key = kind.restricted && browser;
            // Where it goes, or why it stays.
            let read = if kind.public {
                match runtime {
                    Runtime::Browser if file.model.runtime(file.path).is_some_and(|a| a.reads_env) => {
                        Read::Inline(
                            format!("import.meta.env.VITE_{}", kind.env),
                            format!("VITE_{}", kind.env),
                        )
                    }
                    Runtime::NextClient | Runtime::NextShared => {
                        let bang = if typescript { "!" } else { "" };
                        Read::Inline(
                            format!("process.env.NEXT_PUBLIC_{}{bang}", kind.env),
                            format!("NEXT_PUBLIC_{}", kind.env),
                        )
                    }
                    Runtime::Server { loads_env: true } | Runtime::Deno => {
                        Read::Required(kind.env.to_string())
                    }
                    _ => {
                        file.leave_alone(
                            r.start,
                            "public keys in apps that read no configuration from the environment yet",
                        );
                        continue;
                    }
                }
            } else if browser_key {
                file.report(
                    r.start,
                    HARDCODED_SECRET,
                    Severity::Medium,
                    format!("{} in browser code: anyone can read it; restrict it to your sites and APIs in the Google Cloud console", kind.what),
                );
                continue;
            } else {
                match runtime {
                    Runtime::Server { loads_env: true } | Runtime::Deno => {
                        Read::Required(kind.env.to_string())
                    }
                    Runtime::Browser | Runtime::NextClient => {
                        let rls =
                            if kind.env == "SUPABASE_SERVICE_ROLE_KEY" || kind.env == "SUPABASE_SECRET_KEY" {
                                ", and it bypasses every row-level security policy"
                            } else {
                                ""
                            };
                        file.report(
                            r.start,
                            BROWSER_SECRET,
                            Severity::Critical,
                            format!(
                                "{} in browser code: anyone who opens the app can read it{rls}. Rotate it now and move the calls that need it to a server or an edge function",
                                kind.what
                            ),
                        );
                        continue;
                    }
                    Runtime::NextShared => {
                        file.report(
                            r.start,
                            HARDCODED_SECRET,
                            Severity::High,
                            format!("{} in code that may run in the browser: move it to a server-only module that reads process.env.{}", kind.what, kind.env),
                        );
                        continue;
                    }
                    Runtime::Server { loads_env: false } => {
                        file.report(
                            r.start,
                            HARDCODED_SECRET,
                            Severity::High,
                            format!("{} in the code: move it to process.env.{}; this app does not load .env yet (add dotenv, or start node with --env-file=.env)", kind.what, kind.env),
                        );
                        continue;
                    }
                    Runtime::Unknown => {
                        file.report(
                            r.start,
                            HARDCODED_SECRET,
                            Severity::High,
                            format!(
                                "{} in the code: move it to an environment variable ({})",
                                kind.what, kind.env
                            ),
                        );
                        continue;
                    }
                }
            };
            let (replacement, env_name, provided) = match read {
                Read::Inline(expr, env_name) => (expr, env_name, false),
                Read::Required(env_name) => {
                    if helper_taken {
                        file.leave_alone(r.start, "credentials in files that declare their own requiredEnv");
                        continue;
                    }
                    needs_helper = true;
                    let source = match runtime {
                        Runtime::Deno => format!("Deno.env.get({})", q(&env_name)),
                        _ => format!("process.env.{env_name}"),
                    };
                    let call = format!("{HELPER}({}, {source})", q(&env_name));
                    // Supabase gives every edge function its own keys.
                    let provided = runtime == Runtime::Deno && env_name.starts_with("SUPABASE_");
                    let declared_as = named.iter().find(|(at, _)| *at == r.start).map(|(_, n)| n.as_str());
                    if top_level.contains(&r.start) {
                        // `const JWT_SECRET = "…"`: later uses may name it.
                        if declared_as == Some(env_name.as_str()) {
                            bound.push(env_name.clone());
                        }
                        (call, env_name, provided)
                    } else if bound.contains(&env_name) && names.get(&env_name) == Some(value) {
                        (env_name.clone(), env_name, provided)
                    } else if file.bindings().declares(&env_name) {
                        (call, env_name, provided)
                    } else {
                        // Read once, at start-up.
                        if !hoisted.contains(&env_name) {
                            hoisted.push(env_name.clone());
                        }
                        (env_name.clone(), env_name, provided)
                    }
                }
            };
            match names.get(&env_name) {
                Some(v) if v != value => {
                    file.report(
                        r.start,
                        HARDCODED_SECRET,
                        Severity::High,
                        format!(
                            "a second, different {} in this file: left as it is; move it by hand",
                            kind.what
                        ),
                    );
                    continue;
                }
                _ => {}
            }
            names.insert(env_name.clone(), value.clone());
            if !provided {
                file.move_to_env(&env_name, value);
            }
            if kind.env.starts_with("SUPABASE_") {
                supabase_moved = Some((runtime, env_name.clone()));
            }
            if !moved_kinds.contains(&kind.what) {
                moved_kinds.push(kind.what);
            }
            let replacement =
                if prefix.is_empty() { replacement } else { format!("`{prefix}${{{replacement}}}`") };
            edits.push(Edit::replace(r.clone(), replacement));
        }
        // The Supabase URL beside a moved key moves with it.
        if let Some((rt, key_name)) = &supabase_moved {
            let prefix = key_name.split("SUPABASE_").next().unwrap_or("");
            let url_name = format!("{prefix}SUPABASE_URL");
            let mut urls = Literals { found: Vec::new(), named: Vec::new() };
            file.program.visit_with(&mut urls);
            for (r, value) in urls.found.into_iter().filter(|(_, v)| is_supabase_url(v)) {
                let replacement = match rt {
                    Runtime::Browser => format!("import.meta.env.{url_name}"),
                    Runtime::NextClient | Runtime::NextShared => {
                        format!("process.env.{url_name}{}", if typescript { "!" } else { "" })
                    }
                    _ if !file.bindings().declares(&url_name) => {
                        if !hoisted.contains(&url_name) {
                            hoisted.insert(0, url_name.clone());
                        }
                        url_name.clone()
                    }
                    Runtime::Deno => format!("{HELPER}({}, Deno.env.get({}))", q(&url_name), q(&url_name)),
                    _ => format!("{HELPER}({}, process.env.{url_name})", q(&url_name)),
                };
                needs_helper |= matches!(rt, Runtime::Deno | Runtime::Server { .. });
                if *rt != Runtime::Deno {
                    file.move_to_env(&url_name, &value);
                }
                edits.push(Edit::replace(r, replacement));
            }
        }
        if edits.is_empty() {
            return None;
        }
        if needs_helper {
            edits
                .push(Edit::insert(insertion_point(file), helper_block(file, typescript, runtime, &hoisted)));
        }
        let mut names: Vec<&String> = names.keys().collect();
        names.sort();
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        Some(Proposal {
            edits,
            why: format!(
                "{} written in the code: everyone with the repository has it. Now read from {} (the value is in your local .env, which git ignores; set it where you deploy too)",
                moved_kinds.join(", "),
                names.join(", ")
            ),
        })
    }
}

/// Where the file's code runs, for how it can read its environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Runtime {
    /// A Vite (or other bundled) browser app.
    Browser,
    /// A Next.js `"use client"` module.
    NextClient,
    /// Other Next.js modules (components, lib): may end up in the browser.
    NextShared,
    /// Node or Next server code; `loads_env` when `.env` reaches `process.env`.
    Server {
        loads_env: bool,
    },
    /// A Supabase edge function.
    Deno,
    Unknown,
}

impl Runtime {
    fn of(file: &FileCtx) -> Runtime {
        let path = file.path;
        if path.starts_with("supabase/functions/") {
            return Runtime::Deno;
        }
        let Some(app) = file.model.runtime(path) else { return Runtime::Unknown };
        let kind = FileKind::of_file(file.path, file.program);
        let server_path = path.contains("/server/")
            || path.starts_with("server/")
            || path.starts_with("api/")
            || path.contains(".server.")
            || path.contains("/api/");
        if app.next {
            if uses_directive(file.program, "use client") {
                return Runtime::NextClient;
            }
            let name = path.rsplit('/').next().unwrap_or(path);
            if kind.is_some()
                || server_path
                || name.starts_with("middleware.")
                || name.starts_with("instrumentation.")
            {
                return Runtime::Server { loads_env: true };
            }
            return Runtime::NextShared;
        }
        if app.browser {
            if matches!(kind, Some(FileKind::Express | FileKind::Fastify)) || server_path {
                return Runtime::Server { loads_env: app.loads_dotenv };
            }
            // A Vite app's browser code lives in src/; elsewhere (a Remix
            // `app/`, config files) it may be either.
            let dir = file.model.app_dir(path);
            let rel = path.strip_prefix(&format!("{dir}/")).unwrap_or(path);
            return if dir.is_empty() && path.starts_with("src/") || !dir.is_empty() && rel.starts_with("src/")
            {
                Runtime::Browser
            } else {
                Runtime::Unknown
            };
        }
        Runtime::Server { loads_env: app.loads_dotenv }
    }
}

enum Read {
    /// An expression in place of the literal, and the env name.
    Inline(String, String),
    /// A required server value, by env name.
    Required(String),
}

/// String literals (and template literals without expressions) in
/// expressions: not types, import sources or JSX text.
struct Literals {
    found: Vec<(std::ops::Range<usize>, String)>,
    /// Where a literal's use names it: (offset, `JWT_SECRET` / `sign`).
    named: Vec<(usize, String)>,
}

impl Visit for Literals {
    fn visit_expr(&mut self, e: &Expr) {
        match e {
            Expr::Lit(Lit::Str(s)) => {
                self.found.push((range(s), s.value.to_string_lossy().into_owned()));
            }
            Expr::Tpl(t) if t.exprs.is_empty() => {
                if let Some(q) = t.quasis.first() {
                    if let Some(cooked) = q.cooked.as_ref() {
                        self.found.push((range(t), cooked.to_string_lossy().into_owned()));
                    }
                }
            }
            _ => e.visit_children_with(self),
        }
    }

    // `const JWT_SECRET = "…"`
    fn visit_var_declarator(&mut self, d: &swc_core::ecma::ast::VarDeclarator) {
        if let (Pat::Ident(b), Some(init)) = (&d.name, d.init.as_deref()) {
            self.named.push((range(init).start, b.id.sym.to_string()));
        }
        d.visit_children_with(self);
    }

    // `jwt.sign(payload, "…")`, `jwt.verify(token, "…")`
    fn visit_call_expr(&mut self, c: &swc_core::ecma::ast::CallExpr) {
        if let swc_core::ecma::ast::Callee::Expr(callee) = &c.callee {
            if let Expr::Member(m) = &**callee {
                let on_jwt = matches!(&*m.obj, Expr::Ident(i) if i.sym.to_ascii_lowercase().contains("jwt"));
                if let (true, swc_core::ecma::ast::MemberProp::Ident(p), Some(arg)) =
                    (on_jwt, &m.prop, c.args.get(1))
                {
                    if matches!(&*p.sym, "sign" | "verify") {
                        self.named.push((range(&*arg.expr).start, p.sym.to_string()));
                    }
                }
            }
        }
        c.visit_children_with(self);
    }

    // `"use client"` and other directives are not values.
    fn visit_module_items(&mut self, items: &[ModuleItem]) {
        for item in items.iter().skip_while(|i| is_directive(i)) {
            item.visit_with(self);
        }
    }
}

/// Offsets of string literals that are the whole initialiser of a top-level
/// variable (`const KEY = "…"`): they are read at start-up already.
fn top_level_inits(program: &Program) -> Vec<usize> {
    let items: Vec<&Stmt> = match program {
        Program::Module(m) => m
            .body
            .iter()
            .filter_map(|i| match i {
                ModuleItem::Stmt(s) => Some(s),
                ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(_)) => None,
                _ => None,
            })
            .collect(),
        Program::Script(s) => s.body.iter().collect(),
    };
    let mut out = Vec::new();
    let mut push_decls = |v: &swc_core::ecma::ast::VarDecl| {
        for d in &v.decls {
            if let (Pat::Ident(_), Some(init)) = (&d.name, d.init.as_deref()) {
                if matches!(init, Expr::Lit(Lit::Str(_)) | Expr::Tpl(_)) {
                    out.push(range(init).start);
                }
            }
        }
    };
    for s in items {
        if let Stmt::Decl(Decl::Var(v)) = s {
            push_decls(v);
        }
    }
    if let Program::Module(m) = program {
        for i in &m.body {
            if let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) = i {
                if let Decl::Var(v) = &e.decl {
                    push_decls(v);
                }
            }
        }
    }
    out
}

/// After the imports, directives and top-level `require`s.
fn insertion_point(file: &FileCtx) -> usize {
    let items = module_items(file.program);
    match (head(&items).last(), items.first()) {
        (Some(i), _) => line_end(file.text, range(i).end),
        // Before the first statement and the comment attached to it (a file
        // header set off by a blank line stays on top).
        (None, Some(first)) => crate::edit::above_leading_comments(file.text, range(first).start),
        (None, None) => 0,
    }
}

/// The `requiredEnv` check and the values read once at start-up.
fn helper_block(file: &FileCtx, typescript: bool, runtime: Runtime, hoisted: &[String]) -> String {
    let style = file.style();
    let (eol, semi, indent) = (style.eol, style.semi(), &style.indent);
    let env_file = if runtime == Runtime::Deno { "supabase/functions/.env" } else { ".env" };
    let signature = if typescript {
        format!("function {HELPER}(name: string, value: string | undefined): string {{")
    } else {
        format!("function {HELPER}(name, value) {{")
    };
    let mut block = format!(
        "// Stops the app at start-up, rather than at first use, when a setting is missing.{eol}{signature}{eol}{indent}if (!value) throw new Error(`${{name}} is not set: add it to {env_file} (see .env.example)`){semi}{eol}{indent}return value{semi}{eol}}}"
    );
    for name in hoisted {
        let source = match runtime {
            Runtime::Deno => format!("Deno.env.get({})", style.quoted(name)),
            _ => format!("process.env.{name}"),
        };
        let gap = if name == &hoisted[0] { eol } else { "" };
        block.push_str(&format!("{eol}{gap}const {name} = {HELPER}({}, {source}){semi}", style.quoted(name)));
    }
    let at = insertion_point(file);
    // Inserted above the first statement rather than after a line.
    let first = match file.program {
        Program::Module(m) => m.body.first().map(range),
        Program::Script(s) => s.body.first().map(range),
    };
    let before_first_statement = first.is_some_and(|f| at <= f.start)
        && !matches!(file.program, Program::Module(m) if m.body.first().is_some_and(|i| matches!(i, ModuleItem::ModuleDecl(ModuleDecl::Import(_))) || is_directive(i)));
    if at == 0 || before_first_statement {
        format!("{block}{eol}{eol}")
    } else {
        format!("{eol}{eol}{block}")
    }
}
