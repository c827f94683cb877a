//! Modules: what each file imports and exports, and where an import leads —
//! relative paths, the `paths` aliases of `tsconfig*.json`/`jsconfig.json`,
//! Deno import maps for edge functions, `index` files, and re-exports
//! (`export * from`, `export { x as y } from`) followed to the file that
//! defines the value.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use swc_core::ecma::ast::{
    CallExpr, Callee, Decl, DefaultDecl, ExportSpecifier, Expr, ImportSpecifier, Lit, ModuleDecl,
    ModuleExportName, ModuleItem, Pat, Program, Stmt,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::parse::LineIndex;

/// How a binding is imported, or a value re-exported.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Imported {
    Default,
    Named(String),
    /// `import * as ns`, `export * as ns from`.
    Namespace,
}

impl Imported {
    /// The export name it asks for (`None` for a namespace).
    pub fn name(&self) -> Option<&str> {
        match self {
            Imported::Default => Some("default"),
            Imported::Named(n) => Some(n),
            Imported::Namespace => None,
        }
    }
}

/// One local binding an import makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub imported: Imported,
    pub local: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub source: String,
    pub bindings: Vec<Binding>,
    /// `import type …`: no value crosses.
    pub type_only: bool,
    /// `require(…)` or `import(…)` rather than an import statement.
    pub dynamic: bool,
    pub line: usize,
}

/// What an exported name stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportOf {
    /// A binding of the file (`export const x`, `export { x as y }`,
    /// `export default function X`).
    Local(String),
    /// `export default <expression>` that is no binding.
    Anonymous,
    /// `export { x as y } from "./m"`.
    From { source: String, imported: Imported },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    pub of: ExportOf,
    pub line: usize,
}

/// A file's imports and exports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleFacts {
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// `export * from "…"` sources.
    pub stars: Vec<String>,
    /// Imports whose target no string names (`import.meta.glob`, `import(`
    /// a template `)`): which files it reaches is unknown.
    pub opaque_imports: bool,
}

fn name_of(n: &ModuleExportName) -> String {
    match n {
        ModuleExportName::Ident(i) => i.sym.to_string(),
        ModuleExportName::Str(s) => s.value.to_string_lossy().into_owned(),
    }
}

fn decl_names(decl: &Decl) -> Vec<String> {
    match decl {
        Decl::Fn(f) => vec![f.ident.sym.to_string()],
        Decl::Class(c) => vec![c.ident.sym.to_string()],
        Decl::Var(v) => v
            .decls
            .iter()
            .flat_map(|d| {
                let mut names = Vec::new();
                pat_names(&d.name, &mut names);
                names
            })
            .collect(),
        Decl::TsEnum(e) => vec![e.id.sym.to_string()],
        // Types cross files too (a client's type alias).
        Decl::TsTypeAlias(t) => vec![t.id.sym.to_string()],
        Decl::TsInterface(i) => vec![i.id.sym.to_string()],
        _ => Vec::new(),
    }
}

/// The names a pattern binds.
pub fn pat_names(pat: &Pat, out: &mut Vec<String>) {
    match pat {
        Pat::Ident(b) => out.push(b.id.sym.to_string()),
        Pat::Array(a) => a.elems.iter().flatten().for_each(|p| pat_names(p, out)),
        Pat::Object(o) => {
            for p in &o.props {
                match p {
                    swc_core::ecma::ast::ObjectPatProp::KeyValue(kv) => pat_names(&kv.value, out),
                    swc_core::ecma::ast::ObjectPatProp::Assign(a) => out.push(a.key.sym.to_string()),
                    swc_core::ecma::ast::ObjectPatProp::Rest(r) => pat_names(&r.arg, out),
                }
            }
        }
        Pat::Assign(a) => pat_names(&a.left, out),
        Pat::Rest(r) => pat_names(&r.arg, out),
        _ => {}
    }
}

/// Imports and exports of one parsed file.
pub fn extract(program: &Program, lines: &LineIndex, text: &str) -> ModuleFacts {
    let mut facts = ModuleFacts { opaque_imports: opaque_imports(text), ..Default::default() };
    let line = |lo: swc_core::common::BytePos| lines.line(lo.0.saturating_sub(1) as usize);
    let items: Vec<&ModuleItem> = match program {
        Program::Module(m) => m.body.iter().collect(),
        Program::Script(_) => Vec::new(),
    };
    for item in items {
        let ModuleItem::ModuleDecl(decl) = item else { continue };
        match decl {
            ModuleDecl::Import(d) => {
                let bindings = d
                    .specifiers
                    .iter()
                    .map(|s| match s {
                        ImportSpecifier::Named(n) => Binding {
                            imported: Imported::Named(
                                n.imported.as_ref().map_or_else(|| n.local.sym.to_string(), name_of),
                            ),
                            local: n.local.sym.to_string(),
                        },
                        ImportSpecifier::Default(d) => {
                            Binding { imported: Imported::Default, local: d.local.sym.to_string() }
                        }
                        ImportSpecifier::Namespace(n) => {
                            Binding { imported: Imported::Namespace, local: n.local.sym.to_string() }
                        }
                    })
                    .collect();
                facts.imports.push(Import {
                    source: d.src.value.to_string_lossy().into_owned(),
                    bindings,
                    type_only: d.type_only,
                    dynamic: false,
                    line: line(d.span.lo),
                });
            }
            ModuleDecl::ExportDecl(e) => {
                for name in decl_names(&e.decl) {
                    facts.exports.push(Export {
                        of: ExportOf::Local(name.clone()),
                        name,
                        line: line(e.span.lo),
                    });
                }
            }
            ModuleDecl::ExportDefaultDecl(e) => {
                let local = match &e.decl {
                    DefaultDecl::Fn(f) => f.ident.as_ref().map(|i| i.sym.to_string()),
                    DefaultDecl::Class(c) => c.ident.as_ref().map(|i| i.sym.to_string()),
                    DefaultDecl::TsInterfaceDecl(_) => continue,
                };
                facts.exports.push(Export {
                    name: "default".into(),
                    of: local.map_or(ExportOf::Anonymous, ExportOf::Local),
                    line: line(e.span.lo),
                });
            }
            ModuleDecl::ExportDefaultExpr(e) => {
                let of = match crate::analysis::unparen(&e.expr) {
                    Expr::Ident(i) => ExportOf::Local(i.sym.to_string()),
                    _ => ExportOf::Anonymous,
                };
                facts.exports.push(Export { name: "default".into(), of, line: line(e.span.lo) });
            }
            ModuleDecl::ExportNamed(n) => {
                let source = n.src.as_ref().map(|s| s.value.to_string_lossy().into_owned());
                if n.type_only {
                    continue;
                }
                for spec in &n.specifiers {
                    let (exported, of) = match spec {
                        ExportSpecifier::Named(s) => {
                            let orig = name_of(&s.orig);
                            let exported = s.exported.as_ref().map_or_else(|| orig.clone(), name_of);
                            let of = match &source {
                                Some(src) => ExportOf::From {
                                    source: src.clone(),
                                    imported: if orig == "default" {
                                        Imported::Default
                                    } else {
                                        Imported::Named(orig)
                                    },
                                },
                                None => ExportOf::Local(orig),
                            };
                            (exported, of)
                        }
                        ExportSpecifier::Default(d) => (
                            d.exported.sym.to_string(),
                            ExportOf::From {
                                source: source.clone().unwrap_or_default(),
                                imported: Imported::Default,
                            },
                        ),
                        ExportSpecifier::Namespace(ns) => (
                            name_of(&ns.name),
                            ExportOf::From {
                                source: source.clone().unwrap_or_default(),
                                imported: Imported::Namespace,
                            },
                        ),
                    };
                    if s_is_type(spec) {
                        continue;
                    }
                    facts.exports.push(Export { name: exported, of, line: line(n.span.lo) });
                }
            }
            ModuleDecl::ExportAll(a) if !a.type_only => {
                facts.stars.push(a.src.value.to_string_lossy().into_owned())
            }
            _ => {}
        }
    }
    // `require("…")`, `import("…")`, `module.exports`, `exports.x`.
    if !(crate::text::has(text, "require(")
        || crate::text::has(text, "import(")
        || crate::text::has(text, "exports"))
    {
        return facts;
    }
    let mut dynamic = Dynamic { lines, found: Vec::new(), exports: Vec::new() };
    program.visit_with(&mut dynamic);
    facts.imports.extend(dynamic.found);
    for export in dynamic.exports {
        if !facts.exports.iter().any(|e| e.name == export.name) {
            facts.exports.push(export);
        }
    }
    facts
}

/// `import.meta.glob(…)`, `require.context(…)`, or `import(`/`require(` of
/// anything but a plain string.
fn opaque_imports(text: &str) -> bool {
    if crate::text::has(text, "import.meta.glob") || crate::text::has(text, "require.context") {
        return true;
    }
    ["import(", "require("].iter().any(|call| {
        memchr::memmem::find_iter(text.as_bytes(), call.as_bytes()).any(|at| {
            let word_before =
                text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || "_$.".contains(c));
            let arg = text[at + call.len()..].trim_start();
            let plain = match arg.chars().next() {
                Some('\'' | '"') => true,
                Some('`') => !arg[1..].split('`').next().unwrap_or("").contains("${"),
                _ => false,
            };
            !word_before && !plain
        })
    })
}

fn s_is_type(spec: &ExportSpecifier) -> bool {
    matches!(spec, ExportSpecifier::Named(n) if n.is_type_only)
}

/// `const { a } = require("./m")`, `const m = require("./m")`, `await
/// import("./m")`, `module.exports = …`, `exports.x = …`.
struct Dynamic<'t> {
    lines: &'t LineIndex,
    found: Vec<Import>,
    exports: Vec<Export>,
}

fn required(e: &Expr) -> Option<(String, &CallExpr)> {
    let Expr::Call(c) = crate::analysis::unparen(e) else { return None };
    let is_require = match &c.callee {
        Callee::Expr(callee) => matches!(&**callee, Expr::Ident(i) if &*i.sym == "require"),
        Callee::Import(_) => true,
        _ => false,
    };
    if !is_require {
        return None;
    }
    match c.args.first().map(|a| &*a.expr) {
        Some(Expr::Lit(Lit::Str(s))) => Some((s.value.to_string_lossy().into_owned(), c)),
        _ => None,
    }
}

impl Visit for Dynamic<'_> {
    crate::model::skip_types!();

    fn visit_var_declarator(&mut self, d: &swc_core::ecma::ast::VarDeclarator) {
        let init = d.init.as_deref().map(|e| match crate::analysis::unparen(e) {
            Expr::Await(a) => &*a.arg,
            other => other,
        });
        if let Some((source, call)) = init.and_then(required) {
            let bindings = match &d.name {
                Pat::Ident(b) => vec![Binding { imported: Imported::Namespace, local: b.id.sym.to_string() }],
                Pat::Object(o) => o
                    .props
                    .iter()
                    .filter_map(|p| match p {
                        swc_core::ecma::ast::ObjectPatProp::Assign(a) => Some(Binding {
                            imported: Imported::Named(a.key.sym.to_string()),
                            local: a.key.sym.to_string(),
                        }),
                        swc_core::ecma::ast::ObjectPatProp::KeyValue(kv) => {
                            let key = match &kv.key {
                                swc_core::ecma::ast::PropName::Ident(i) => i.sym.to_string(),
                                swc_core::ecma::ast::PropName::Str(s) => {
                                    s.value.to_string_lossy().into_owned()
                                }
                                _ => return None,
                            };
                            let Pat::Ident(local) = &*kv.value else { return None };
                            Some(Binding { imported: Imported::Named(key), local: local.id.sym.to_string() })
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let line = self.lines.line_of(call);
            self.found.push(Import { source, bindings, type_only: false, dynamic: true, line });
            return;
        }
        d.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, a: &swc_core::ecma::ast::AssignExpr) {
        use swc_core::ecma::ast::{AssignTarget, MemberProp, SimpleAssignTarget};
        if let AssignTarget::Simple(SimpleAssignTarget::Member(m)) = &a.left {
            let line = self.lines.line_of(a);
            let obj = match &*m.obj {
                Expr::Ident(i) => Some(i.sym.to_string()),
                Expr::Member(inner) => match (&*inner.obj, &inner.prop) {
                    (Expr::Ident(o), MemberProp::Ident(p)) if &*o.sym == "module" && &*p.sym == "exports" => {
                        Some("module.exports".into())
                    }
                    _ => None,
                },
                _ => None,
            };
            let prop = match &m.prop {
                MemberProp::Ident(p) => Some(p.sym.to_string()),
                _ => None,
            };
            match (obj.as_deref(), prop.as_deref()) {
                (Some("module"), Some("exports")) => {
                    let of = match crate::analysis::unparen(&a.right) {
                        Expr::Ident(i) => ExportOf::Local(i.sym.to_string()),
                        Expr::Object(o) => {
                            // `module.exports = { a, b: c }`: each a named export.
                            for p in &o.props {
                                if let swc_core::ecma::ast::PropOrSpread::Prop(p) = p {
                                    match &**p {
                                        swc_core::ecma::ast::Prop::Shorthand(i) => {
                                            self.exports.push(Export {
                                                name: i.sym.to_string(),
                                                of: ExportOf::Local(i.sym.to_string()),
                                                line,
                                            })
                                        }
                                        swc_core::ecma::ast::Prop::KeyValue(kv) => {
                                            if let (swc_core::ecma::ast::PropName::Ident(k), Expr::Ident(v)) =
                                                (&kv.key, &*kv.value)
                                            {
                                                self.exports.push(Export {
                                                    name: k.sym.to_string(),
                                                    of: ExportOf::Local(v.sym.to_string()),
                                                    line,
                                                });
                                            }
                                        }
                                        _ => {}
                                    }
                                }
                            }
                            ExportOf::Anonymous
                        }
                        _ => ExportOf::Anonymous,
                    };
                    self.exports.push(Export { name: "default".into(), of, line });
                }
                (Some("exports" | "module.exports"), Some(name)) => {
                    let of = match crate::analysis::unparen(&a.right) {
                        Expr::Ident(i) => ExportOf::Local(i.sym.to_string()),
                        _ => ExportOf::Anonymous,
                    };
                    self.exports.push(Export { name: name.to_string(), of, line });
                }
                _ => {}
            }
        }
        a.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        // A bare `import("./m")` or `require("./m")` outside a declaration.
        if let (Callee::Import(_), Some(Expr::Lit(Lit::Str(s)))) =
            (&c.callee, c.args.first().map(|a| &*a.expr))
        {
            let line = self.lines.line_of(c);
            self.found.push(Import {
                source: s.value.to_string_lossy().into_owned(),
                bindings: Vec::new(),
                type_only: false,
                dynamic: true,
                line,
            });
        }
        c.visit_children_with(self);
    }

    fn visit_stmt(&mut self, s: &Stmt) {
        s.visit_children_with(self);
    }
}

/// One `paths` alias of a TypeScript config: `@/*` → `./src/*`, relative to
/// the project root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    /// The folder whose files the config covers (`""`: the whole project).
    pub scope: String,
    /// The specifier's prefix (`@/`; a pattern without `*` matches exactly).
    pub prefix: String,
    pub exact: bool,
    /// Where it leads, as project paths (each tried in turn).
    pub targets: Vec<String>,
}

/// Where an import specifier leads among the project's files.
#[derive(Clone, Debug, Default)]
pub struct Resolver {
    files: HashSet<String>,
    aliases: Vec<Alias>,
}

const EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// `a/b/../c` → `a/c`; `None` when it leaves the project.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

impl Resolver {
    /// `files`: every source path of the project. `configs`: (path, text) of
    /// `tsconfig*.json`, `jsconfig.json`, `deno.json` and `import_map.json`
    /// files, read by the caller.
    pub fn new(files: impl IntoIterator<Item = String>, configs: &[(String, String)]) -> Resolver {
        let mut aliases = Vec::new();
        let by_path: HashMap<&str, &str> = configs.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        for (path, text) in configs {
            let name = path.rsplit('/').next().unwrap_or(path);
            let dir = dir_of(path);
            if name.starts_with("tsconfig") || name == "jsconfig.json" {
                aliases.extend(tsconfig_aliases(path, text, &by_path, 0));
            } else if name == "deno.json" || name == "deno.jsonc" || name == "import_map.json" {
                let Some(json) = parse_jsonc(text) else { continue };
                let Some(imports) = json.get("imports").and_then(|i| i.as_object()) else { continue };
                for (key, target) in imports {
                    let Some(target) = target.as_str() else { continue };
                    if !(target.starts_with("./") || target.starts_with("../")) {
                        continue;
                    }
                    let Some(target) = normalize(&join(dir, target)) else { continue };
                    let exact = !key.ends_with('/');
                    aliases.push(Alias {
                        scope: dir.to_string(),
                        prefix: key.clone(),
                        exact,
                        targets: vec![target],
                    });
                }
            }
        }
        // The deepest scope first, and within it the longest prefix.
        aliases.sort_by(|a, b| b.scope.len().cmp(&a.scope.len()).then(b.prefix.len().cmp(&a.prefix.len())));
        aliases.dedup();
        Resolver { files: files.into_iter().collect(), aliases }
    }

    pub fn aliases(&self) -> &[Alias] {
        &self.aliases
    }

    /// The project file `specifier` leads to from the file at `from`.
    pub fn resolve(&self, from: &str, specifier: &str) -> Option<String> {
        if specifier.starts_with("./")
            || specifier.starts_with("../")
            || specifier == "."
            || specifier == ".."
        {
            return self.file(&normalize(&join(dir_of(from), specifier))?);
        }
        if specifier.starts_with('/') {
            return None;
        }
        let mut matched = false;
        for alias in &self.aliases {
            let in_scope = alias.scope.is_empty()
                || from.strip_prefix(alias.scope.as_str()).is_some_and(|rest| rest.starts_with('/'));
            if !in_scope {
                continue;
            }
            let rest = if alias.exact {
                if specifier != alias.prefix {
                    continue;
                }
                ""
            } else {
                match specifier.strip_prefix(&alias.prefix) {
                    Some(rest) => rest,
                    None => continue,
                }
            };
            matched = true;
            for target in &alias.targets {
                let candidate = if alias.exact { target.clone() } else { join(target, rest) };
                if let Some(found) = normalize(&candidate).and_then(|c| self.file(&c)) {
                    return Some(found);
                }
            }
        }
        if matched {
            return None;
        }
        // No config says: `@/` and `~/` as Lovable (`src/`) and v0 (the root) map them.
        let rest = specifier.strip_prefix("@/").or_else(|| specifier.strip_prefix("~/"))?;
        let app = self.app_root_of(from);
        [join(&join(&app, "src"), rest), join(&app, rest)].iter().find_map(|c| self.file(c))
    }

    /// The folder of the nearest `src/` ancestor's parent, else the first
    /// path segment that holds a `package`-like tree (best effort: `""`).
    fn app_root_of(&self, from: &str) -> String {
        match from.find("/src/") {
            Some(i) => from[..i].to_string(),
            None => String::new(),
        }
    }

    /// The file a path names: itself, with an extension, an `index` in it, or
    /// a TypeScript file behind a `.js` specifier.
    fn file(&self, path: &str) -> Option<String> {
        if self.files.contains(path) {
            return Some(path.to_string());
        }
        let mut candidate = String::with_capacity(path.len() + 12);
        for suffix in [".", "/index."] {
            for ext in EXTENSIONS {
                candidate.clear();
                candidate.push_str(path);
                candidate.push_str(suffix);
                candidate.push_str(ext);
                if self.files.contains(&candidate) {
                    return Some(candidate);
                }
            }
        }
        // ESM TypeScript imports `./x.js` for `./x.ts`.
        let (stem, ext) = path.rsplit_once('.')?;
        if matches!(ext, "js" | "jsx" | "mjs" | "cjs") {
            for ext in ["ts", "tsx", "mts", "cts"] {
                let candidate = format!("{stem}.{ext}");
                if self.files.contains(&candidate) {
                    return Some(candidate);
                }
            }
        }
        None
    }
}

/// The `paths` of a tsconfig (and what it `extends` inside the project).
fn tsconfig_aliases(path: &str, text: &str, configs: &HashMap<&str, &str>, depth: usize) -> Vec<Alias> {
    let Some(json) = parse_jsonc(text) else { return Vec::new() };
    let dir = dir_of(path);
    let options = json.get("compilerOptions");
    let mut out = Vec::new();
    if let Some(paths) = options.and_then(|o| o.get("paths")).and_then(|p| p.as_object()) {
        let base = options.and_then(|o| o.get("baseUrl")).and_then(|b| b.as_str()).unwrap_or(".");
        let base = normalize(&join(dir, base)).unwrap_or_default();
        for (pattern, targets) in paths {
            let Some(targets) = targets.as_array() else { continue };
            let exact = !pattern.ends_with('*');
            let prefix = pattern.trim_end_matches('*').to_string();
            let targets: Vec<String> = targets
                .iter()
                .filter_map(|t| t.as_str())
                .filter_map(|t| normalize(&join(&base, t.trim_end_matches('*'))))
                .collect();
            if !targets.is_empty() {
                out.push(Alias { scope: dir.to_string(), prefix, exact, targets });
            }
        }
    }
    if out.is_empty() && depth < 4 {
        if let Some(parent) = json.get("extends").and_then(|e| e.as_str()) {
            if parent.starts_with('.') {
                let parent_path = normalize(&join(dir, parent)).unwrap_or_default();
                let parent_path =
                    if parent_path.ends_with(".json") { parent_path } else { format!("{parent_path}.json") };
                if let Some(text) = configs.get(parent_path.as_str()) {
                    // The parent's paths cover this config's files too.
                    out = tsconfig_aliases(&parent_path, text, configs, depth + 1)
                        .into_iter()
                        .map(|a| Alias { scope: dir.to_string(), ..a })
                        .collect();
                }
            }
        }
    }
    out
}

/// JSON with comments and trailing commas (tsconfig, deno.json).
pub fn parse_jsonc(text: &str) -> Option<serde_json::Value> {
    let mut out = String::with_capacity(text.len());
    let bytes: Vec<char> = text.trim_start_matches('\u{feff}').chars().collect();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            out.push(c);
            if c == '\\' && i + 1 < bytes.len() {
                out.push(bytes[i + 1]);
                i += 2;
                continue;
            }
            if c == '"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match (c, bytes.get(i + 1)) {
            ('"', _) => {
                in_string = true;
                out.push(c);
                i += 1;
            }
            ('/', Some('/')) => {
                while i < bytes.len() && bytes[i] != '\n' {
                    i += 1;
                }
            }
            ('/', Some('*')) => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == '*' && bytes[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            (',', _) => {
                // A trailing comma before `}` or `]`.
                let next = bytes[i + 1..].iter().find(|c| !c.is_whitespace());
                if !matches!(next, Some('}') | Some(']')) {
                    out.push(c);
                }
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    serde_json::from_str(&out).ok()
}

/// Where an exported name of a file is defined: the file and its local
/// binding (`None`: an anonymous default export), through re-exports.
/// `modules` finds a project file's imports and exports.
pub fn resolve_export<'m>(
    modules: &dyn Fn(&str) -> Option<&'m ModuleFacts>,
    resolver: &Resolver,
    file: &str,
    name: &str,
) -> Option<(String, Option<String>)> {
    let mut seen = Vec::new();
    resolve_in(modules, resolver, file, name, &mut seen)
}

fn resolve_in<'m>(
    modules: &dyn Fn(&str) -> Option<&'m ModuleFacts>,
    resolver: &Resolver,
    file: &str,
    name: &str,
    seen: &mut Vec<(String, String)>,
) -> Option<(String, Option<String>)> {
    if seen.len() > 32 || seen.iter().any(|(f, n)| f == file && n == name) {
        return None;
    }
    let facts = modules(file)?;
    if let Some(export) = facts.exports.iter().find(|e| e.name == name) {
        return match &export.of {
            ExportOf::Local(local) => Some((file.to_string(), Some(local.clone()))),
            ExportOf::Anonymous => Some((file.to_string(), None)),
            ExportOf::From { source, imported } => {
                seen.push((file.to_string(), name.to_string()));
                let target = resolver.resolve(file, source)?;
                match imported.name() {
                    Some(n) => resolve_in(modules, resolver, &target, n, seen),
                    None => Some((target, None)),
                }
            }
        };
    }
    // `export *` never re-exports `default`.
    if name == "default" || facts.stars.is_empty() {
        return None;
    }
    seen.push((file.to_string(), name.to_string()));
    facts.stars.iter().find_map(|source| {
        let target = resolver.resolve(file, source)?;
        resolve_in(modules, resolver, &target, name, seen)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn imports_no_string_names_are_opaque() {
        assert!(super::opaque_imports("const pages = import.meta.glob('./pages/*.tsx');"));
        assert!(super::opaque_imports("const m = await import(`./locales/${lang}.ts`);"));
        assert!(super::opaque_imports("const m = require(name);"));
        assert!(!super::opaque_imports("const Page = lazy(() => import('./pages/Page'));"));
        assert!(!super::opaque_imports("const m = await import(`./fixed`); myrequire(x);"));
    }

    use super::*;
    use crate::parse::{parse, Lang};

    fn facts(text: &str) -> ModuleFacts {
        let parsed = parse(text, Lang::Tsx).expect("parses");
        extract(&parsed.program, &LineIndex::new(text), text)
    }

    #[test]
    fn imports_and_exports_of_every_form() {
        let f = facts(
            "import React, { useState as useS } from 'react';\nimport * as api from './api';\nimport type { T } from './t';\nexport const a = 1, { b } = x;\nexport default function Page() {}\nexport { c as d } from './c';\nexport * from './all';\nexport { default as Button } from './button';\nconst { helper } = require('./helper');\n",
        );
        assert_eq!(f.imports.len(), 4);
        assert_eq!(
            f.imports[0].bindings[1],
            Binding { imported: Imported::Named("useState".into()), local: "useS".into() }
        );
        assert_eq!(f.imports[1].bindings[0].imported, Imported::Namespace);
        assert!(f.imports[2].type_only);
        assert!(f.imports[3].dynamic && f.imports[3].bindings[0].local == "helper");
        let names: Vec<&str> = f.exports.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "default", "d", "Button"]);
        assert_eq!(f.exports[2].of, ExportOf::Local("Page".into()));
        assert_eq!(
            f.exports[4].of,
            ExportOf::From { source: "./button".into(), imported: Imported::Default }
        );
        assert_eq!(f.stars, ["./all"]);
    }

    #[test]
    fn commonjs_exports() {
        let f =
            facts("function list() {}\nmodule.exports = { list, get: fetchOne };\nexports.extra = extra;\n");
        let names: Vec<&str> = f.exports.iter().map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"list") && names.contains(&"get") && names.contains(&"extra"), "{names:?}");
    }

    fn resolver(files: &[&str], configs: &[(&str, &str)]) -> Resolver {
        Resolver::new(
            files.iter().map(|f| f.to_string()),
            &configs.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect::<Vec<_>>(),
        )
    }

    #[test]
    fn resolves_relative_index_alias_and_js_to_ts() {
        let r = resolver(
            &["src/lib/api.ts", "src/hooks/index.ts", "src/pages/Home.tsx", "lib/util.ts", "server/routes/x.ts"],
            &[(
                "tsconfig.json",
                "{\n  // Lovable\n  \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@/*\": [\"./src/*\"], }, },\n}",
            )],
        );
        assert_eq!(r.resolve("src/pages/Home.tsx", "../lib/api").as_deref(), Some("src/lib/api.ts"));
        assert_eq!(r.resolve("src/pages/Home.tsx", "@/hooks").as_deref(), Some("src/hooks/index.ts"));
        assert_eq!(r.resolve("src/pages/Home.tsx", "@/lib/api.js").as_deref(), Some("src/lib/api.ts"));
        assert_eq!(r.resolve("src/pages/Home.tsx", "react"), None);
        assert_eq!(r.resolve("src/pages/Home.tsx", "../../../x"), None);
    }

    #[test]
    fn aliases_from_extends_and_scopes_and_import_maps() {
        let r = resolver(
            &[
                "app/lib/db.ts",
                "web/src/lib/db.ts",
                "supabase/functions/_shared/cors.ts",
                "supabase/functions/f/index.ts",
            ],
            &[
                ("tsconfig.base.json", "{\"compilerOptions\":{\"paths\":{\"@/*\":[\"./app/*\"]}}}"),
                ("tsconfig.json", "{\"extends\": \"./tsconfig.base.json\"}"),
                (
                    "web/tsconfig.json",
                    "{\"compilerOptions\":{\"baseUrl\":\"src\",\"paths\":{\"@/*\":[\"*\"]}}}",
                ),
                ("supabase/functions/import_map.json", "{\"imports\":{\"@shared/\":\"./_shared/\"}}"),
            ],
        );
        assert_eq!(r.resolve("app/page.tsx", "@/lib/db").as_deref(), Some("app/lib/db.ts"));
        assert_eq!(r.resolve("web/src/x.tsx", "@/lib/db").as_deref(), Some("web/src/lib/db.ts"));
        assert_eq!(
            r.resolve("supabase/functions/f/index.ts", "@shared/cors.ts").as_deref(),
            Some("supabase/functions/_shared/cors.ts")
        );
    }

    #[test]
    fn follows_an_alias_through_two_re_exports() {
        let texts = [
            ("src/lib/supabase.ts", "export const supabase = createClient(url, key);\n"),
            ("src/lib/index.ts", "export { supabase as db } from './supabase';\n"),
            ("src/index.ts", "export * from './lib';\n"),
        ];
        let parsed: Vec<(String, ModuleFacts)> =
            texts.iter().map(|(p, t)| (p.to_string(), facts(t))).collect();
        let modules = |p: &str| parsed.iter().find(|(q, _)| q == p).map(|(_, f)| f);
        let r = resolver(&["src/lib/supabase.ts", "src/lib/index.ts", "src/index.ts"], &[]);
        assert_eq!(
            resolve_export(&modules, &r, "src/index.ts", "db"),
            Some(("src/lib/supabase.ts".into(), Some("supabase".into())))
        );
        assert_eq!(resolve_export(&modules, &r, "src/index.ts", "supabase"), None);
        assert_eq!(resolve_export(&modules, &r, "src/index.ts", "default"), None);
    }

    #[test]
    fn jsonc() {
        let v =
            parse_jsonc("{ /* a */ \"a\": \"//not a comment\", // b\n \"b\": [1, 2,], }").expect("parses");
        assert_eq!(v["a"], "//not a comment");
        assert_eq!(v["b"][1], 2);
    }
}
