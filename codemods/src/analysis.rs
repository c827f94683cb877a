//! Facts about a file that several codemods need.

use std::collections::HashMap;

use swc_core::ecma::ast::{
    BindingIdent, ClassDecl, ClassExpr, FnDecl, FnExpr, ImportDecl, ImportSpecifier, Program, TsEnumDecl,
    TsModuleDecl, TsModuleName,
};
use swc_core::ecma::visit::{Visit, VisitWith};

/// Every name the file declares anywhere (any scope), with the module it is
/// imported from when it is an import. Coarse on purpose: codemods use it to
/// stay away from names that might be shadowed.
#[derive(Default, Debug)]
pub struct Bindings {
    names: HashMap<String, Option<String>>,
}

impl Bindings {
    pub fn of(program: &Program) -> Bindings {
        let mut bindings = Bindings::default();
        program.visit_with(&mut bindings);
        bindings
    }

    /// Every name declared anywhere inside `node`.
    pub fn of_node<N: VisitWith<Bindings>>(node: &N) -> Bindings {
        let mut bindings = Bindings::default();
        node.visit_with(&mut bindings);
        bindings
    }

    /// The names a module declares at its top level (imports included).
    pub fn top_level(program: &Program) -> Bindings {
        use swc_core::ecma::ast::{Decl, ModuleDecl, ModuleItem, Stmt};
        let mut bindings = Bindings::default();
        let items: Vec<ModuleItem> = match program {
            Program::Module(m) => m.body.clone(),
            Program::Script(s) => s.body.iter().cloned().map(ModuleItem::Stmt).collect(),
        };
        for item in &items {
            let decl = match item {
                ModuleItem::ModuleDecl(ModuleDecl::Import(import)) => {
                    import.visit_with(&mut bindings);
                    continue;
                }
                ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
                ModuleItem::Stmt(Stmt::Decl(d)) => d,
                _ => continue,
            };
            match decl {
                Decl::Var(v) => v.decls.iter().for_each(|d| d.name.visit_with(&mut bindings)),
                Decl::Fn(f) => bindings.add(&f.ident.sym, None),
                Decl::Class(c) => bindings.add(&c.ident.sym, None),
                _ => {}
            }
        }
        bindings
    }

    /// Every declared name.
    pub fn names(&self) -> impl Iterator<Item = String> + '_ {
        self.names.keys().cloned()
    }

    pub fn declares(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// `Some(module)` when `name` is bound only by an import from `module`.
    pub fn imported_from(&self, name: &str) -> Option<&str> {
        self.names.get(name)?.as_deref()
    }

    fn add(&mut self, name: &str, import: Option<String>) {
        match self.names.get_mut(name) {
            // Declared twice, once not as an import: no longer "only imported".
            Some(existing) if *existing != import => *existing = None,
            Some(_) => {}
            None => {
                self.names.insert(name.to_string(), import);
            }
        }
    }
}

impl Visit for Bindings {
    fn visit_binding_ident(&mut self, id: &BindingIdent) {
        self.add(&id.id.sym, None);
    }

    fn visit_fn_decl(&mut self, decl: &FnDecl) {
        self.add(&decl.ident.sym, None);
        decl.visit_children_with(self);
    }

    fn visit_class_decl(&mut self, decl: &ClassDecl) {
        self.add(&decl.ident.sym, None);
        decl.visit_children_with(self);
    }

    fn visit_fn_expr(&mut self, expr: &FnExpr) {
        if let Some(ident) = &expr.ident {
            self.add(&ident.sym, None);
        }
        expr.visit_children_with(self);
    }

    fn visit_class_expr(&mut self, expr: &ClassExpr) {
        if let Some(ident) = &expr.ident {
            self.add(&ident.sym, None);
        }
        expr.visit_children_with(self);
    }

    fn visit_ts_enum_decl(&mut self, decl: &TsEnumDecl) {
        self.add(&decl.id.sym, None);
        decl.visit_children_with(self);
    }

    fn visit_ts_module_decl(&mut self, decl: &TsModuleDecl) {
        if let TsModuleName::Ident(id) = &decl.id {
            self.add(&id.sym, None);
        }
        decl.visit_children_with(self);
    }

    fn visit_import_decl(&mut self, decl: &ImportDecl) {
        let source = decl.src.value.to_string_lossy().into_owned();
        for specifier in &decl.specifiers {
            let local = match specifier {
                ImportSpecifier::Named(s) => &s.local,
                ImportSpecifier::Default(s) => &s.local,
                ImportSpecifier::Namespace(s) => &s.local,
            };
            self.add(&local.sym, Some(source.clone()));
        }
    }
}

/// `(e)` → `e`.
pub fn unparen(e: &swc_core::ecma::ast::Expr) -> &swc_core::ecma::ast::Expr {
    match e {
        swc_core::ecma::ast::Expr::Paren(p) => unparen(&p.expr),
        _ => e,
    }
}

/// `(e as T)!` → `e`: parentheses and TypeScript's assertions, which change
/// nothing at run time.
pub fn strip_ts(e: &swc_core::ecma::ast::Expr) -> &swc_core::ecma::ast::Expr {
    use swc_core::ecma::ast::Expr;
    match e {
        Expr::Paren(p) => strip_ts(&p.expr),
        Expr::TsAs(a) => strip_ts(&a.expr),
        Expr::TsNonNull(a) => strip_ts(&a.expr),
        Expr::TsSatisfies(a) => strip_ts(&a.expr),
        _ => e,
    }
}

/// The toast API a file already uses, so that reported errors reach the user
/// the way the rest of the file talks to them. No toast: log only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToastApi {
    pub kind: ToastKind,
    /// The local name to call (`toast`).
    pub name: String,
    /// Only available where a component destructured it from `useToast()`.
    pub via_hook: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    /// sonner and react-hot-toast: `toast.error("…")`.
    Error,
    /// shadcn/ui's `use-toast`: `toast({ title: "…", variant: "destructive" })`.
    Shadcn,
}

impl ToastApi {
    pub fn detect(program: &Program) -> Option<ToastApi> {
        let Program::Module(module) = program else { return None };
        let mut hook = None;
        for item in &module.body {
            let swc_core::ecma::ast::ModuleItem::ModuleDecl(swc_core::ecma::ast::ModuleDecl::Import(import)) =
                item
            else {
                continue;
            };
            if import.type_only {
                continue;
            }
            let src = import.src.value.to_string_lossy();
            for spec in &import.specifiers {
                let (imported, local) = match spec {
                    ImportSpecifier::Named(n) => (
                        n.imported.as_ref().map_or_else(
                            || n.local.sym.to_string(),
                            |i| match i {
                                swc_core::ecma::ast::ModuleExportName::Ident(i) => i.sym.to_string(),
                                swc_core::ecma::ast::ModuleExportName::Str(s) => {
                                    s.value.to_string_lossy().into_owned()
                                }
                            },
                        ),
                        n.local.sym.to_string(),
                    ),
                    ImportSpecifier::Default(d) => ("default".to_string(), d.local.sym.to_string()),
                    ImportSpecifier::Namespace(_) => continue,
                };
                let kind = match (src.as_ref(), imported.as_str()) {
                    ("sonner", "toast") | ("react-hot-toast", "default" | "toast") => ToastKind::Error,
                    (s, "toast") if s.ends_with("use-toast") => ToastKind::Shadcn,
                    (s, "useToast") if s.ends_with("use-toast") => {
                        hook =
                            Some(ToastApi { kind: ToastKind::Shadcn, name: "toast".into(), via_hook: true });
                        continue;
                    }
                    // The project's own wrapper (`notify.error("…")` from
                    // `@/lib/notify`), when the file calls it that way.
                    (s, "toast" | "notify" | "notification" | "notifications")
                        if is_project_path(s) && calls_error_on(module, &local) =>
                    {
                        ToastKind::Error
                    }
                    _ => continue,
                };
                return Some(ToastApi { kind, name: local, via_hook: false });
            }
        }
        hook
    }

    /// A statement that shows `message` (an expression: a quoted text or
    /// `t("key")`), without a trailing semicolon.
    pub fn call(&self, message: &str, style: &crate::style::Style) -> String {
        match self.kind {
            ToastKind::Error => format!("{}.error({message})", self.name),
            ToastKind::Shadcn => {
                format!("{}({{ title: {message}, variant: {} }})", self.name, style.quoted("destructive"))
            }
        }
    }
}

/// An import specifier naming a project file (relative or an alias).
fn is_project_path(source: &str) -> bool {
    source.starts_with('.') || source.starts_with("@/") || source.starts_with("~/")
}

/// The module calls `name.error(…)`.
fn calls_error_on(module: &swc_core::ecma::ast::Module, name: &str) -> bool {
    use swc_core::ecma::ast::{CallExpr, Callee, Expr, MemberProp};
    struct Find<'n>(&'n str, bool);
    impl Visit for Find<'_> {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            self.1 |= matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Member(m)
                if matches!(&*m.obj, Expr::Ident(o) if &*o.sym == self.0)
                    && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "error")));
            c.visit_children_with(self);
        }
    }
    let mut f = Find(name, false);
    module.visit_with(&mut f);
    f.1
}

/// True when a function body destructures `toast` from `useToast()`.
pub fn declares_toast_hook(stmts: &[swc_core::ecma::ast::Stmt]) -> bool {
    use swc_core::ecma::ast::{Callee, Decl, Expr, ObjectPatProp, Pat, Stmt};
    stmts.iter().any(|s| {
        let Stmt::Decl(Decl::Var(v)) = s else { return false };
        v.decls.iter().any(|d| {
            let Pat::Object(o) = &d.name else { return false };
            let has_toast = o.props.iter().any(|p| matches!(p, ObjectPatProp::Assign(a) if &*a.key.sym == "toast"));
            let from_hook = matches!(d.init.as_deref(), Some(Expr::Call(c))
                if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "useToast")));
            has_toast && from_hook
        })
    })
}

/// True when the file contains JSX (a component module, not a data module).
pub fn has_jsx(program: &Program) -> bool {
    struct Jsx(bool);
    impl Visit for Jsx {
        fn visit_jsx_element(&mut self, _: &swc_core::ecma::ast::JSXElement) {
            self.0 = true;
        }
        fn visit_jsx_fragment(&mut self, _: &swc_core::ecma::ast::JSXFragment) {
            self.0 = true;
        }
    }
    let mut v = Jsx(false);
    program.visit_with(&mut v);
    v.0
}

/// A cheap text test: could this file hold server handlers (Express,
/// Fastify, Next route handlers, pages API, server actions, edge functions)?
pub fn may_be_server(text: &str) -> bool {
    const MARKERS: &[&str] = &[
        "express",
        "fastify",
        "serve(",
        "use server",
        "function GET",
        "function POST",
        "function PUT",
        "function PATCH",
        "function DELETE",
        "const GET",
        "const POST",
        "NextApiRequest",
        "res.status(",
        "res.json(",
    ];
    MARKERS.iter().any(|m| crate::text::has(text, m))
}

/// A cheap text test: could this file be a React component or hook?
pub fn may_be_react(text: &str) -> bool {
    crate::text::has(text, "react") || crate::text::has(text, "/>") || crate::text::has(text, "</")
}

/// The top-level items of a module, or a script's statements as items.
pub fn module_items(program: &Program) -> std::borrow::Cow<'_, [swc_core::ecma::ast::ModuleItem]> {
    use swc_core::ecma::ast::ModuleItem;
    match program {
        Program::Module(m) => std::borrow::Cow::Borrowed(&m.body),
        Program::Script(s) => std::borrow::Cow::Owned(s.body.iter().cloned().map(ModuleItem::Stmt).collect()),
    }
}

/// `"use client"`, `"use strict"`: a string statement at the top.
pub fn is_directive(item: &swc_core::ecma::ast::ModuleItem) -> bool {
    use swc_core::ecma::ast::{Expr, Lit, ModuleItem, Stmt};
    matches!(item, ModuleItem::Stmt(Stmt::Expr(e)) if matches!(&*e.expr, Expr::Lit(Lit::Str(_))))
}

/// `const x = require("…")` at the top of a CommonJS file.
pub fn is_require(item: &swc_core::ecma::ast::ModuleItem) -> bool {
    use swc_core::ecma::ast::{Callee, Decl, Expr, ModuleItem, Stmt};
    let ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) = item else { return false };
    v.decls.iter().all(|d| {
        matches!(d.init.as_deref(), Some(Expr::Call(c))
            if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "require")))
    })
}

/// The file's head: its leading directives, imports and top-level
/// `require`s — what inserted declarations go after.
pub fn head(items: &[swc_core::ecma::ast::ModuleItem]) -> &[swc_core::ecma::ast::ModuleItem] {
    use swc_core::ecma::ast::{ModuleDecl, ModuleItem};
    let n = items
        .iter()
        .take_while(|i| {
            matches!(i, ModuleItem::ModuleDecl(ModuleDecl::Import(_))) || is_directive(i) || is_require(i)
        })
        .count();
    &items[..n]
}

/// Whether the file opens with the directive (`"use client"`, `"use server"`).
pub fn uses_directive(program: &Program, directive: &str) -> bool {
    use swc_core::ecma::ast::{Expr, Lit, ModuleItem, Stmt};
    let Program::Module(m) = program else { return false };
    m.body.iter().take_while(|i| is_directive(i)).any(|i| {
        matches!(i, ModuleItem::Stmt(Stmt::Expr(e)) if matches!(&*e.expr, Expr::Lit(Lit::Str(s)) if s.value.to_string_lossy() == directive))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    #[test]
    fn toast_apis() {
        let p = |t: &str| parse(t, Lang::Tsx).expect("parses").program;
        let sonner = ToastApi::detect(&p("import { toast } from 'sonner';")).expect("sonner");
        assert_eq!((sonner.kind, sonner.name.as_str(), sonner.via_hook), (ToastKind::Error, "toast", false));
        let hot = ToastApi::detect(&p("import notify from 'react-hot-toast';")).expect("hot");
        assert_eq!(hot.name, "notify");
        let hook = ToastApi::detect(&p("import { useToast } from '@/hooks/use-toast';")).expect("hook");
        assert!(hook.via_hook && hook.kind == ToastKind::Shadcn);
        assert!(ToastApi::detect(&p("import { Toaster } from 'sonner';")).is_none());
    }

    #[test]
    fn finds_imports_and_declarations() {
        let text = "enum Error { A }\nconst K = class Klass {};\nimport fetch from 'node-fetch';\nimport { Error as E } from './e';\nfunction f(res) { const { a } = res; }\nclass C {}\n";
        let parsed = parse(text, Lang::Ts).expect("parses");
        let b = Bindings::of(&parsed.program);
        assert_eq!(b.imported_from("fetch"), Some("node-fetch"));
        assert_eq!(b.imported_from("E"), Some("./e"));
        for name in ["f", "res", "a", "C", "Error", "Klass", "K"] {
            assert!(b.declares(name), "{name}");
        }
    }
}

/// `setLoading`, `setIsSubmitting`, `setSaving`, `setLoadingMessages`,
/// `setDeletingId`: a flag that says work is under way (a spinner, a disabled
/// button), which every way out must reset.
pub fn is_busy_setter(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("set") else { return false };
    let rest = rest.strip_prefix("Is").unwrap_or(rest);
    [
        "Loading",
        "Saving",
        "Submitting",
        "Sending",
        "Busy",
        "Pending",
        "Processing",
        "Uploading",
        "Deleting",
        "Updating",
        "Creating",
        "Fetching",
        "Issuing",
        "Generating",
        "Exporting",
        "Importing",
        "Publishing",
        "Verifying",
        "Connecting",
        "Syncing",
        // Spanish and Portuguese code names its flags in its own words.
        "Cargando",
        "Emitiendo",
        "Generando",
        "Exportando",
        "Importando",
        "Gerando",
        "Sincronizando",
        "Conectando",
        "Verificando",
        "Guardando",
        "Enviando",
        "Procesando",
        "Eliminando",
        "Borrando",
        "Subiendo",
        "Actualizando",
        "Creando",
        "Carregando",
        "Salvando",
        "Processando",
        "Excluindo",
        "Atualizando",
        "Criando",
    ]
    .iter()
    .any(|w| rest.ends_with(w) || rest.starts_with(w))
}

/// A call that only writes to a log: `console.*`, `logger.*`/`log.*`, or a
/// function the file names after logging (`logStep(…)`, `logError(…)`,
/// `debugLog(…)`).
pub fn is_log_call(call: &swc_core::ecma::ast::CallExpr) -> bool {
    use swc_core::ecma::ast::{Callee, Expr};
    let Callee::Expr(callee) = &call.callee else { return false };
    match &**callee {
        Expr::Member(m) => {
            matches!(&*m.obj, Expr::Ident(o) if matches!(&*o.sym, "console" | "logger" | "log" | "Logger"))
        }
        Expr::Ident(f) => {
            let name = &*f.sym;
            name == "log"
                || name
                    .strip_prefix("log")
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase() || c == '_'))
                || name.ends_with("Log")
        }
        _ => false,
    }
}

/// A React state: `const [state, setState] = useState(initial)`.
pub struct StateDecl {
    pub state: String,
    pub setter: String,
    /// Starts with no value (`useState()`, `useState(null)`, `useState(undefined)`):
    /// the component already copes with none.
    pub starts_empty: bool,
}

/// The React states a file declares.
pub fn use_states(program: &Program) -> Vec<StateDecl> {
    use swc_core::ecma::ast::{Callee, Expr, Lit, Pat};
    struct Find(Vec<StateDecl>);
    impl Visit for Find {
        fn visit_var_declarator(&mut self, d: &swc_core::ecma::ast::VarDeclarator) {
            if let (Pat::Array(a), Some(Expr::Call(c))) = (&d.name, d.init.as_deref()) {
                let use_state = matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "useState"));
                if let (true, [Some(Pat::Ident(state)), Some(Pat::Ident(setter))]) =
                    (use_state, a.elems.as_slice())
                {
                    let starts_empty = match c.args.first().map(|a| &*a.expr) {
                        None | Some(Expr::Lit(Lit::Null(_))) => true,
                        Some(Expr::Ident(i)) => &*i.sym == "undefined",
                        _ => false,
                    };
                    self.0.push(StateDecl {
                        state: state.id.sym.to_string(),
                        setter: setter.id.sym.to_string(),
                        starts_empty,
                    });
                }
            }
            d.visit_children_with(self);
        }
    }
    let mut f = Find(Vec::new());
    program.visit_with(&mut f);
    f.0
}

/// `name` (or a member of it) in `e`.
pub fn mentions(e: &swc_core::ecma::ast::Expr, name: &str) -> bool {
    struct Find<'n>(&'n str, bool);
    impl Visit for Find<'_> {
        fn visit_ident(&mut self, i: &swc_core::ecma::ast::Ident) {
            self.1 |= *i.sym == *self.0;
        }
    }
    let mut f = Find(name, false);
    e.visit_with(&mut f);
    f.1
}

/// `setX(v)` as a statement: the setter, and whether `v` raises the flag
/// (`true`, or any value for a busy name: `setDeletingId(id)`) or clears it
/// (`false`, `null`, `undefined`, `""`).
pub fn setter_call(s: &swc_core::ecma::ast::Stmt) -> Option<(&str, bool)> {
    use swc_core::ecma::ast::{Callee, Expr, Lit, Stmt};
    let Stmt::Expr(e) = s else { return None };
    let Expr::Call(c) = &*e.expr else { return None };
    let Callee::Expr(callee) = &c.callee else { return None };
    let Expr::Ident(name) = &**callee else { return None };
    let is_setter =
        name.sym.len() > 3 && name.sym.starts_with("set") && name.sym.as_bytes()[3].is_ascii_uppercase();
    let [a] = c.args.as_slice() else { return None };
    if !is_setter {
        return None;
    }
    match &*a.expr {
        Expr::Lit(Lit::Bool(b)) => Some((&name.sym, b.value)),
        Expr::Lit(Lit::Null(_)) => Some((&name.sym, false)),
        Expr::Ident(i) if &*i.sym == "undefined" => Some((&name.sym, false)),
        Expr::Lit(Lit::Str(s)) if s.value.is_empty() => Some((&name.sym, false)),
        _ if is_busy_setter(&name.sym) => Some((&name.sym, true)),
        _ => None,
    }
}
