//! Joining the files' parts into the project model.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::clients::CLIENT_TYPES;
use super::endpoints::{path_matches, EndpointKind, Target};
use super::modules::{resolve_export, ExportOf, Imported, Resolver};
use super::schema::Schema;
use super::summaries::{self, Function, Summary};
use super::uses::UseKind;
use super::{Apps, ClientHow, ClientInfo, Consumer, FileFacts, Model};

/// What the model is built from, besides the apps' facts already in the [`Model`].
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<FileFacts>,
    /// `tsconfig*.json`, `jsconfig.json`, `deno.json`, `import_map.json`: (path, text).
    pub configs: Vec<(String, String)>,
    /// Supabase migrations in the order the CLI applies them: (path, text).
    pub migrations: Vec<(String, String)>,
    /// `supabase/config.toml` `[functions.<name>] verify_jwt`.
    pub verify_jwt: Vec<(String, bool)>,
}

/// How deep returns are followed to the users of what returns them.
const FOLLOW: usize = 3;

impl Model {
    /// Joins the files' parts with what the apps say.
    pub fn build(apps: Apps, inputs: Inputs) -> Model {
        let mut model = Model { apps, ..Default::default() };
        model.join(inputs);
        model
    }

    fn join(&mut self, inputs: Inputs) {
        let Inputs { files, configs, migrations, verify_jwt } = inputs;
        self.resolver = Resolver::new(files.iter().map(|f| f.path.clone()), &configs);
        self.files = files.into_iter().map(|f| (f.path.clone(), f)).collect();
        // The codemods' per-file view of client modules, by path without extension.
        for (path, f) in &self.files {
            if let Some(m) = &f.client_module {
                let key = path.rsplit_once('.').map_or(path.as_str(), |(stem, _)| stem).to_string();
                self.supabase_modules.insert(key, m.clone());
            }
        }
        self.resolve_imports();
        self.find_imported_files();
        self.collect_consumers();
        self.find_clients();
        self.summarize();
        self.build_schema(&migrations);
        self.match_endpoints(&verify_jwt);
    }

    fn resolve_imports(&mut self) {
        use rayon::prelude::*;
        let modules = |p: &str| self.files.get(p).map(|f| &f.modules);
        let files: Vec<(&String, &FileFacts)> = self.files.iter().collect();
        self.imports = files
            .par_iter()
            .map(|(path, f)| {
                let mut resolved_here: HashMap<String, (String, Option<String>)> = HashMap::default();
                for import in f.modules.imports.iter().filter(|i| !i.type_only) {
                    let Some(target) = self.resolver.resolve(path, &import.source) else { continue };
                    for b in &import.bindings {
                        let resolved = match &b.imported {
                            Imported::Namespace => Some((target.clone(), None)),
                            imported => {
                                let name = imported.name().unwrap_or("default");
                                resolve_export(&modules, &self.resolver, &target, name)
                            }
                        };
                        if let Some(r) = resolved {
                            resolved_here.insert(b.local.clone(), r);
                        }
                    }
                }
                ((*path).clone(), resolved_here)
            })
            .filter(|(_, m)| !m.is_empty())
            .collect();
    }

    fn find_imported_files(&mut self) {
        self.opaque_imports = self.files.values().any(|f| f.modules.opaque_imports);
        let mut imported = HashSet::default();
        for (path, f) in &self.files {
            let m = &f.modules;
            let re_exports = m.exports.iter().filter_map(|e| match &e.of {
                ExportOf::From { source, .. } => Some(source),
                _ => None,
            });
            for source in m.imports.iter().map(|i| &i.source).chain(&m.stars).chain(re_exports) {
                imported.extend(self.resolver.resolve(path, source));
            }
        }
        self.imported_files = imported;
    }

    /// Code no page or entry point reaches: a file of a bundled app (Vite,
    /// Next) that no project file imports and that is no entry by the
    /// bundler's conventions (a leftover copy, a debug component, a script).
    /// Changing it does nothing for the app's users.
    pub fn unreachable(&self, path: &str) -> bool {
        let Some(runtime) = self.runtime(path) else { return false };
        let Some(f) = self.files.get(path) else { return false };
        if !(runtime.browser || runtime.next) || self.opaque_imports || f.entry || f.test {
            return false;
        }
        if self.imported_files.contains(path) {
            return false;
        }
        let in_app = path.strip_prefix(&self.app_dir(path)).unwrap_or(path).trim_start_matches('/');
        let stem = in_app.rsplit('/').next().unwrap_or(in_app).split('.').next().unwrap_or("");
        let folders: Vec<&str> = in_app.split('/').rev().skip(1).collect();
        let conventional = ENTRY_STEMS.contains(&stem)
            || in_app.contains(".config.")
            || folders.iter().any(|d| ENTRY_FOLDERS.contains(d))
            || (runtime.next && folders.iter().any(|d| matches!(*d, "app" | "pages")));
        !conventional
    }

    /// The definition a binding of a file stands for: an import's target, or
    /// the file's own binding.
    pub fn definition(&self, path: &str, local: &str) -> (String, Option<String>) {
        match super::get(&self.imports, path, local) {
            Some(d) => d.clone(),
            None => (path.to_string(), Some(local.to_string())),
        }
    }

    /// Whether a binding of a file is an import that leads into the project.
    pub fn imported(&self, path: &str, local: &str) -> Option<&(String, Option<String>)> {
        super::get(&self.imports, path, local)
    }

    fn collect_consumers(&mut self) {
        let mut consumers: super::ByFile<Vec<Consumer>> = HashMap::default();
        for (path, f) in &self.files {
            let imports_of =
                |local: &str| f.modules.imports.iter().flat_map(|i| &i.bindings).find(|b| b.local == local);
            for u in &f.uses {
                let (def_file, def_local) = self.definition(path, &u.binding);
                let key = match (&u.member, def_local) {
                    // `api.list()` on an imported object (or a namespace).
                    (Some(m), Some(local)) => (def_file, format!("{local}.{m}")),
                    (Some(m), None)
                        if imports_of(&u.binding).is_some_and(|b| b.imported == Imported::Namespace) =>
                    {
                        let modules = |p: &str| self.files.get(p).map(|f| &f.modules);
                        match resolve_export(&modules, &self.resolver, &def_file, m) {
                            Some((file, Some(local))) => (file, local),
                            _ => (def_file, m.clone()),
                        }
                    }
                    (None, Some(local)) => (def_file, local),
                    (_, None) => (def_file, "default".into()),
                };
                // A binding the file neither imports from the project nor exports: not a crossing.
                if key.0 == *path
                    && !f.modules.exports.iter().any(|e| matches!(&e.of, ExportOf::Local(l) if *l == key.1))
                    && super::get(&self.imports, path, &u.binding).is_none()
                {
                    continue;
                }
                consumers.entry(key.0).or_default().entry(key.1).or_default().push(Consumer {
                    path: path.clone(),
                    line: u.line,
                    kind: u.kind,
                    detail: match &u.via {
                        Some(via) => format!("returned by {via}"),
                        None => u.detail.clone(),
                    },
                    through: u.via.iter().cloned().collect(),
                });
            }
        }
        self.consumers = consumers;
    }

    /// The uses of a value defined at (file, local), returns followed to the
    /// users of the functions that return it (depth 3; deeper is `Unknown`).
    pub fn consumers(&self, path: &str, local: &str) -> Vec<Consumer> {
        let mut out = Vec::new();
        let mut seen = HashSet::default();
        self.consumers_into(path, local, 0, &mut Vec::new(), &mut seen, &mut out);
        out
    }

    fn consumers_into(
        &self,
        path: &str,
        local: &str,
        depth: usize,
        through: &mut Vec<String>,
        seen: &mut HashSet<(String, String)>,
        out: &mut Vec<Consumer>,
    ) {
        if !seen.insert((path.to_string(), local.to_string())) {
            return;
        }
        for c in super::get(&self.consumers, path, local).into_iter().flatten() {
            if c.kind == UseKind::Returned {
                let via = c.through.first().cloned().unwrap_or_default();
                if depth + 1 >= FOLLOW {
                    out.push(Consumer {
                        kind: UseKind::Unknown,
                        detail: format!("returned by {via} (not followed further)"),
                        ..c.clone()
                    });
                    continue;
                }
                through.push(via.clone());
                let before = out.len();
                self.consumers_into(&c.path, &via, depth + 1, through, seen, out);
                through.pop();
                if out.len() == before {
                    // Returned by a function nobody in the project uses: its own callers decide.
                    out.push(Consumer {
                        kind: UseKind::Unknown,
                        detail: format!("returned by {via}, used nowhere in the project"),
                        ..c.clone()
                    });
                }
                continue;
            }
            let mut c = c.clone();
            c.through = through.clone();
            out.push(c);
        }
    }

    fn find_clients(&mut self) {
        // (file, function) → the key of the client it returns (None: unknown key).
        let mut factories: HashMap<(String, String), Option<bool>> = HashMap::default();
        let mut clients: HashMap<String, BTreeMap<String, ClientInfo>> = HashMap::default();
        // Clients passed into parameters: (file, function, index).
        for _ in 0..6 {
            let mut changed = false;
            for (path, f) in &self.files {
                let c = &f.clients;
                let local_factory = |name: &str| c.factories.iter().any(|n| n == name);
                // Wrappers: a function returning what a factory (or another wrapper) makes.
                for w in &c.wrappers {
                    let key = (path.clone(), w.name.clone());
                    if factories.contains_key(&key) {
                        continue;
                    }
                    let made = if let Some(returned) = w.callee.strip_prefix('=') {
                        clients.get(path).and_then(|m| m.get(returned)).map(|i| i.service_role)
                    } else if local_factory(&w.callee) {
                        Some(w.key.service_role())
                    } else {
                        let (file, local) = self.definition(path, &w.callee);
                        local.and_then(|l| factories.get(&(file, l)).copied())
                    };
                    if let Some(role) = made {
                        factories.insert(key, role);
                        changed = true;
                    }
                }
                let mut found: Vec<(String, ClientInfo)> = Vec::new();
                for m in &c.made {
                    let info = if local_factory(&m.callee) {
                        Some(ClientInfo { how: ClientHow::Constructed, service_role: m.key.service_role() })
                    } else {
                        let (file, local) = self.definition(path, &m.callee);
                        local.and_then(|l| factories.get(&(file, l)).copied()).map(|role| ClientInfo {
                            how: ClientHow::Wrapper(m.callee.clone()),
                            service_role: role,
                        })
                    };
                    if let Some(info) = info {
                        found.push((m.name.clone(), info));
                    }
                }
                // Imported clients.
                for import in f.modules.imports.iter().filter(|i| !i.type_only) {
                    for b in &import.bindings {
                        let Some((file, Some(local))) = super::get(&self.imports, path, &b.local) else {
                            continue;
                        };
                        if let Some(info) = clients.get(file).and_then(|m| m.get(local)) {
                            let top = self.files.get(file).is_some_and(|f| {
                                f.clients.made.iter().any(|m| m.name == *local && m.top_level)
                            });
                            if top || matches!(info.how, ClientHow::Imported(_)) {
                                found.push((
                                    b.local.clone(),
                                    ClientInfo {
                                        how: ClientHow::Imported(file.clone()),
                                        service_role: info.service_role,
                                    },
                                ));
                            }
                        }
                    }
                }
                // Typed parameters, through local or imported aliases.
                let aliases: HashSet<String> = c
                    .aliases
                    .iter()
                    .filter(|(_, target)| CLIENT_TYPES.contains(&target.as_str()))
                    .map(|(a, _)| a.clone())
                    .collect();
                for p in &c.params {
                    let Some(ty) = &p.ty else { continue };
                    let imported_alias = || {
                        let (file, local) = self.definition(path, ty);
                        file != *path
                            && local.is_some_and(|l| {
                                self.files.get(&file).is_some_and(|f| {
                                    f.clients
                                        .aliases
                                        .iter()
                                        .any(|(a, t)| *a == l && CLIENT_TYPES.contains(&t.as_str()))
                                })
                            })
                    };
                    if CLIENT_TYPES.contains(&ty.as_str()) || aliases.contains(ty) || imported_alias() {
                        found.push((
                            p.name.clone(),
                            ClientInfo { how: ClientHow::TypedParam(p.function.clone()), service_role: None },
                        ));
                    }
                }
                let entry = clients.entry(path.clone()).or_default();
                for (name, info) in found {
                    if let std::collections::btree_map::Entry::Vacant(e) = entry.entry(name) {
                        e.insert(info);
                        changed = true;
                    }
                }
            }
            // Clients passed into untyped or `any` parameters, in any file.
            let mut passed: Vec<(String, String, Option<bool>)> = Vec::new();
            for (path, f) in &self.files {
                for pass in &f.clients.passes {
                    let Some(info) = clients.get(path).and_then(|m| m.get(&pass.arg)) else { continue };
                    let (file, local) = self.definition(path, &pass.callee);
                    let Some(function) = local else { continue };
                    let Some(target) = self.files.get(&file) else { continue };
                    let Some(param) = target
                        .clients
                        .params
                        .iter()
                        .find(|p| p.function == function && p.index == pass.index)
                    else {
                        continue;
                    };
                    if param.ty.as_deref().is_none_or(|t| t == "any" || t == "unknown") {
                        passed.push((file.clone(), param.name.clone(), info.service_role));
                    }
                }
            }
            for (file, name, role) in passed {
                let entry = clients.entry(file).or_default();
                if !entry.contains_key(&name) {
                    entry.insert(
                        name.clone(),
                        ClientInfo { how: ClientHow::PassedParam(name), service_role: role },
                    );
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        self.clients = clients;
    }

    /// The Supabase clients a file can use: local name → what it is.
    pub fn clients_in(&self, path: &str) -> Option<&BTreeMap<String, ClientInfo>> {
        self.clients.get(path).filter(|m| !m.is_empty())
    }

    /// How many parameters the function a binding of `path` stands for takes
    /// (its own, or the one it imports from the project).
    pub fn arity(&self, path: &str, local: &str) -> Option<usize> {
        let (file, name) = self.definition(path, local);
        self.function(&file, name.as_deref()?).map(|f| f.params.len())
    }

    fn function<'a>(&'a self, path: &str, name: &str) -> Option<&'a Function> {
        let f = self.files.get(path)?;
        f.functions
            .iter()
            .find(|g| g.name == name && g.top_level)
            .or_else(|| f.functions.iter().find(|g| g.name == name))
    }

    fn target<'a>(&'a self, path: &str, name: &str) -> summaries::Target<'a> {
        if self.clients.get(path).is_some_and(|m| m.contains_key(name)) {
            return summaries::Target::Client;
        }
        if let Some((file, Some(local))) = super::get(&self.imports, path, name) {
            if self.clients.get(file).is_some_and(|m| m.contains_key(local)) {
                return summaries::Target::Client;
            }
            return match self.function(file, local) {
                Some(f) => summaries::Target::Function(f),
                None => summaries::Target::Unknown,
            };
        }
        if let Some(f) = self.function(path, name) {
            return summaries::Target::Function(f);
        }
        let from_package = self.files.get(path).is_some_and(|f| {
            f.modules.imports.iter().any(|i| {
                !super::file::is_project_specifier(&i.source) && i.bindings.iter().any(|b| b.local == name)
            })
        });
        if from_package {
            summaries::Target::Package
        } else {
            summaries::Target::Unknown
        }
    }

    /// `local` in `file` is a value the file builds from a package (it
    /// imports one and `local` is no function of its own): a client object.
    fn exports_value(&self, file: &str, local: &str) -> bool {
        // Packages whose client objects talk to a database or a service.
        const CLIENTS: &[&str] = &[
            "@prisma/client",
            "pg",
            "mysql2",
            "mongoose",
            "mongodb",
            "redis",
            "ioredis",
            "axios",
            "ky",
            "stripe",
            "openai",
            "@anthropic-ai/sdk",
            "resend",
            "twilio",
            "@neondatabase/serverless",
            "postgres",
            "drizzle-orm",
            "@electric-sql/pglite",
            "better-sqlite3",
            "mysql",
            "kysely",
            "@planetscale/database",
            "@libsql/client",
        ];
        let Some(f) = self.files.get(file) else { return false };
        f.functions.iter().all(|g| g.name != local)
            && f.modules.imports.iter().any(|i| !i.type_only && CLIENTS.contains(&package_of(&i.source)))
    }

    fn method_target<'a>(&'a self, path: &str, object: &str, method: &str) -> summaries::Target<'a> {
        match super::get(&self.imports, path, object) {
            Some((file, Some(local))) => match self.function(file, &format!("{local}.{method}")) {
                Some(f) => summaries::Target::Function(f),
                // A client object the project builds from a package
                // (`new PrismaClient()`, `axios.create()`): its calls can reject;
                // a Supabase client's answer `{ error }`.
                None if self.clients.get(file.as_str()).is_some_and(|m| m.contains_key(local)) => {
                    summaries::Target::Client
                }
                None if self.function(file, local).is_none() && self.exports_value(file, local) => {
                    summaries::Target::Package
                }
                None => summaries::Target::Unknown,
            },
            Some((file, None)) => {
                // A namespace import: the module's exported function.
                match self.function(file, method) {
                    Some(f) => summaries::Target::Function(f),
                    None => summaries::Target::Unknown,
                }
            }
            None => match self.function(path, &format!("{object}.{method}")) {
                Some(f) => summaries::Target::Function(f),
                None => self.target(path, object),
            },
        }
    }

    fn summarize(&mut self) {
        use rayon::prelude::*;
        let functions: Vec<(&str, &Function)> =
            self.files.iter().flat_map(|(p, f)| f.functions.iter().map(move |g| (p.as_str(), g))).collect();
        // A callee found by name is told apart by where it lives.
        let index: HashMap<usize, usize> =
            functions.iter().enumerate().map(|(i, (_, f))| (*f as *const Function as usize, i)).collect();
        // What each await comes to, resolved once (in parallel): the rest is
        // settled by iterating to a fixed point over booleans (recursion is
        // bounded: a function that only calls itself does not reject).
        let depends: Vec<(bool, Vec<usize>)> = functions
            .par_iter()
            .map(|(path, f)| {
                let resolve_call = |name: &str| self.target(path, name);
                let resolve_method = |o: &str, m: &str| self.method_target(path, o, m);
                let mut rejects = f.throws;
                let mut on = Vec::new();
                for site in &f.awaits {
                    match summaries::outcome(site, &resolve_call, &resolve_method) {
                        summaries::Outcome::Rejects => rejects = true,
                        summaries::Outcome::Never => {}
                        summaries::Outcome::Depends(g) => {
                            on.extend(index.get(&(g as *const Function as usize)))
                        }
                    }
                }
                (rejects, on)
            })
            .collect();
        let mut rejects: Vec<bool> = depends.iter().map(|(r, _)| *r).collect();
        loop {
            let mut changed = false;
            for (i, (_, on)) in depends.iter().enumerate() {
                if !rejects[i] && on.iter().any(|j| rejects[*j]) {
                    rejects[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut summaries: super::ByFile<Summary> = HashMap::default();
        let mut each = Vec::with_capacity(functions.len());
        for (i, (path, f)) in functions.iter().enumerate() {
            let is_client = |name: &str| matches!(self.target(path, name), summaries::Target::Client);
            let only = !f.awaits.is_empty()
                && f.awaits.iter().all(|s| summaries::is_supabase_or_hook(s, &is_client));
            let summary = Summary {
                catches_all: f.has_try && !rejects[i] && f.awaits.iter().all(|a| a.caught),
                can_reject: rejects[i],
                returns_error_value: f.returns_error_value,
                only_supabase_or_hooks: only,
            };
            summaries.entry(path.to_string()).or_default().entry(f.name.clone()).or_insert(summary);
            each.push(summary);
        }
        self.summaries = summaries;
        // Each function keeps its own (two handlers of one name in two components differ).
        let mut each = each.into_iter();
        for f in self.files.values_mut().flat_map(|f| f.functions.iter_mut()) {
            f.summary = each.next().unwrap_or_default();
        }
    }

    /// Whether an await in `path` (as [`summaries::awaits_in`] reads it) can
    /// reject: `fetch`, a body read, a package's call, or a project function
    /// whose summary says so. Supabase calls, hooks, timers, callees that
    /// catch everything and names of unknown origin cannot be shown to.
    pub fn await_can_reject(&self, path: &str, site: &summaries::AwaitSite) -> bool {
        let resolve_call = |name: &str| self.target(path, name);
        let resolve_method = |o: &str, m: &str| self.method_target(path, o, m);
        match summaries::outcome(site, &resolve_call, &resolve_method) {
            summaries::Outcome::Rejects => true,
            summaries::Outcome::Never => false,
            summaries::Outcome::Depends(f) => f.summary.can_reject,
        }
    }

    /// Awaiting `site` rejects only through a project function that logs the
    /// failure itself before throwing it on (every await of it inside its try).
    pub fn await_rejection_is_logged(&self, path: &str, site: &summaries::AwaitSite) -> bool {
        let resolve_call = |name: &str| self.target(path, name);
        let resolve_method = |o: &str, m: &str| self.method_target(path, o, m);
        match summaries::outcome(site, &resolve_call, &resolve_method) {
            summaries::Outcome::Depends(f) => f.logs_and_rethrows && f.awaits.iter().all(|a| a.caught),
            _ => false,
        }
    }

    /// The summary of a function defined in `path`.
    pub fn summary(&self, path: &str, name: &str) -> Option<Summary> {
        super::get(&self.summaries, path, name).copied()
    }

    /// The summary of what a call of `name` in `path` runs (a function of the
    /// file, or one it imports).
    pub fn summary_of_call(&self, path: &str, name: &str) -> Option<Summary> {
        let (file, local) = self.definition(path, name);
        self.summary(&file, &local?)
    }

    fn build_schema(&mut self, migrations: &[(String, String)]) {
        let mut schema = Schema::default();
        for (path, sql) in migrations {
            schema.apply(path, sql);
        }
        for f in self.files.values() {
            if let Some(generated) = &f.generated_schema {
                schema.merge(generated.clone());
            }
        }
        for (_, prisma) in &self.apps.prisma {
            schema.merge(super::schema::from_prisma(prisma));
        }
        let drizzle: Vec<(String, super::schema::Table)> =
            self.files.values().flat_map(|f| f.drizzle.iter().cloned()).collect();
        if !drizzle.is_empty() {
            schema.merge(super::schema::drizzle::schema(&drizzle));
        }
        self.schema = schema;
    }

    fn match_endpoints(&mut self, verify_jwt: &[(String, bool)]) {
        // Express routers mounted under a prefix in another file.
        let mut prefixes: HashMap<String, String> = HashMap::default();
        for (path, f) in &self.files {
            for m in &f.endpoints.mounts {
                let target = match m.binding.strip_prefix("require:") {
                    Some(module) => self.resolver.resolve(path, module),
                    None => super::get(&self.imports, path, &m.binding).map(|(file, _)| file.clone()),
                };
                if let Some(file) = target.filter(|t| t != path) {
                    prefixes.insert(file, m.prefix.clone());
                }
            }
        }
        let mut endpoints = Vec::new();
        for (path, f) in &self.files {
            for e in &f.endpoints.endpoints {
                let mut e = e.clone();
                if matches!(e.kind, EndpointKind::Express | EndpointKind::Fastify) {
                    if let Some(prefix) = prefixes.get(path) {
                        e.route = format!(
                            "{}{}",
                            prefix.trim_end_matches('/'),
                            if e.route == "/" { "" } else { &e.route }
                        );
                    }
                }
                if e.kind == EndpointKind::Edge {
                    e.verify_jwt = verify_jwt.iter().find(|(n, _)| *n == e.route).map(|(_, v)| *v);
                }
                endpoints.push((path.clone(), e));
            }
        }
        let mut calls = Vec::new();
        for (path, f) in &self.files {
            for c in &f.endpoints.calls {
                let found = match &c.target {
                    Target::Edge(name) => {
                        endpoints.iter().position(|(_, e)| e.kind == EndpointKind::Edge && e.route == *name)
                    }
                    Target::Path { path: url, method } => endpoints.iter().position(|(_, e)| {
                        !matches!(e.kind, EndpointKind::Edge | EndpointKind::ServerAction)
                            && e.method.as_ref().is_none_or(|m| m == method || m == "ALL")
                            && path_matches(url, &e.route)
                    }),
                    Target::Action(local) => {
                        let Some((file, Some(def))) = super::get(&self.imports, path, local) else {
                            continue;
                        };
                        let found = endpoints.iter().position(|(p, e)| {
                            e.kind == EndpointKind::ServerAction
                                && p == file
                                && e.handler.as_deref() == Some(def.as_str())
                        });
                        if found.is_none() {
                            // Only calls of server actions are endpoint calls.
                            continue;
                        }
                        found
                    }
                };
                calls.push((path.clone(), c.clone(), found));
            }
        }
        self.endpoints = endpoints;
        self.calls = calls;
    }

    /// The calls of endpoint `index` made in the project.
    pub fn callers(
        &self,
        index: usize,
    ) -> impl Iterator<Item = &(String, super::endpoints::Call, Option<usize>)> {
        self.calls.iter().filter(move |(_, _, e)| *e == Some(index))
    }

    /// The project's interface language, from every file's strings.
    pub fn language(&self) -> Option<super::language::Language> {
        let mut votes = super::language::Votes::default();
        for f in self.files.values() {
            votes.add(&f.language.votes);
        }
        votes.language()
    }

    /// A file's interface language (its own strings, else the project's).
    pub fn language_of(&self, path: &str) -> Option<super::language::Language> {
        self.files.get(path).and_then(|f| f.language.votes.language()).or_else(|| self.language())
    }
}

/// File names a bundler or a platform starts from.
const ENTRY_STEMS: &[&str] = &[
    "main",
    "index",
    "server",
    "app",
    "App",
    "worker",
    "sw",
    "service-worker",
    "middleware",
    "instrumentation",
    "entry",
    "entry-client",
    "entry-server",
    "root",
    "_app",
    "_document",
];
/// Folders whose files a platform runs or a tool reads on its own.
const ENTRY_FOLDERS: &[&str] = &[
    "functions",
    "api",
    "scripts",
    "public",
    "supabase",
    "e2e",
    "tests",
    "__tests__",
    "cypress",
    "playwright",
];

/// The package an import names: `drizzle-orm/pglite` → `drizzle-orm`,
/// `@prisma/client/edge` → `@prisma/client`.
fn package_of(source: &str) -> &str {
    let mut cut = source.match_indices('/').map(|(i, _)| i);
    let end = if source.starts_with('@') { cut.nth(1) } else { cut.next() };
    end.map_or(source, |i| &source[..i])
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_package_is_named_by_its_root() {
        assert_eq!(super::package_of("drizzle-orm/pglite"), "drizzle-orm");
        assert_eq!(super::package_of("@prisma/client/edge"), "@prisma/client");
        assert_eq!(super::package_of("@prisma/client"), "@prisma/client");
        assert_eq!(super::package_of("pg"), "pg");
    }
}
