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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

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
