//! `harden explain [PATH] [FILE[:LINE]]`: what the project model knows — about
//! the whole project (counts of each part, and what only the cross-file view
//! sees), about one file (its imports and where they lead, who uses its
//! exports and how, its functions' summaries, clients, endpoints and calls,
//! language and messages), or about the function at a line. The way a
//! maintainer checks the model on a real export.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use harden_codemods::model::endpoints::{EndpointKind, Target};
use harden_codemods::model::schema::Source;
use harden_codemods::model::uses::UseKind;
use harden_codemods::model::{ClientHow, KNOWN_LANGUAGES};
use harden_codemods::{Lang, Model};

use super::project_root;
use crate::cli::ExplainArgs;
use crate::config::Config;
use crate::error::{refuse, Exit};
use crate::files;
use crate::project::Project;

pub fn run(args: &ExplainArgs) -> anyhow::Result<Exit> {
    let root = project_root(&args.path)?;
    let config = Config::load(root)?;
    let project = Project::detect(root);
    let (sources, _) = files::walk(root, &config.exclude)?;
    let texts: Vec<Result<String, String>> = {
        use rayon::prelude::*;
        sources.par_iter().map(|s| files::read_source(&s.abs)).collect()
    };
    let built = crate::model::build(&project, &sources, &texts, &config, &[]);
    let model = built.model;
    let parsed = built.trees.iter().filter(|t| matches!(t, crate::model::Tree::Parsed(_))).count();
    let failed = built.trees.iter().filter(|t| matches!(t, crate::model::Tree::Failed(_))).count();
    let out = match &args.file {
        None => project_report(&project, &model, &sources, &texts, parsed, failed),
        Some(spec) => {
            let (file, line) = match spec.rsplit_once(':') {
                Some((f, l)) if l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty() => {
                    (f.to_string(), l.parse::<usize>().ok())
                }
                _ => (spec.clone(), None),
            };
            let file = file.trim_start_matches("./").to_string();
            if !model.files.contains_key(&file) {
                return refuse(format!(
                    "{file}: not a source file the model read (give its path relative to {}, as `src/App.tsx`)",
                    root.display()
                ));
            }
            file_report(&model, &file, line)
        }
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(Exit::Success)
}

fn kind_label(kind: &EndpointKind) -> &'static str {
    match kind {
        EndpointKind::Edge => "edge function",
        EndpointKind::NextRoute => "Next route",
        EndpointKind::PagesApi => "pages API",
        EndpointKind::ServerAction => "server action",
        EndpointKind::Express => "Express route",
        EndpointKind::Fastify => "Fastify route",
    }
}

fn project_report(
    project: &Project,
    model: &Model,
    sources: &[files::SourcePath],
    texts: &[Result<String, String>],
    parsed: usize,
    failed: usize,
) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "harden explain · {}", project.name);
    let label = |o: &mut String, l: &str, text: String| {
        let _ = writeln!(o, "  {l:<11} {text}");
    };
    label(&mut o, "files", format!("{parsed} parsed, {failed} did not parse"));

    // Modules.
    let (mut project_imports, mut resolved, mut through_alias, mut through_reexport) = (0, 0, 0, 0);
    for (path, f) in &model.files {
        for import in f.modules.imports.iter().filter(|i| !i.type_only) {
            if !harden_codemods::model::file::is_project_specifier(&import.source) {
                continue;
            }
            project_imports += 1;
            let Some(target) = model.resolver.resolve(path, &import.source) else { continue };
            resolved += 1;
            if !import.source.starts_with('.') {
                through_alias += 1;
            }
            let crosses = import
                .bindings
                .iter()
                .any(|b| model.imported(path, &b.local).is_some_and(|(file, _)| *file != target));
            through_reexport += usize::from(crosses);
        }
    }
    label(
        &mut o,
        "modules",
        format!(
            "{resolved} of {project_imports} project imports resolved ({through_alias} through aliases, {through_reexport} through re-exports); {} alias rules",
            model.resolver.aliases().len()
        ),
    );

    // Uses across files.
    let mut defined: BTreeMap<(String, String), Vec<UseKind>> = BTreeMap::new();
    for (path, f) in &model.files {
        for e in &f.modules.exports {
            let harden_codemods::model::modules::ExportOf::Local(local) = &e.of else { continue };
            let kinds: Vec<UseKind> = model
                .consumers(path, local)
                .into_iter()
                .filter(|c| c.path != *path)
                .map(|c| c.kind)
                .collect();
            if !kinds.is_empty() {
                defined.insert((path.clone(), local.clone()), kinds);
            }
        }
    }
    let mut by_kind: BTreeMap<UseKind, usize> = BTreeMap::new();
    for k in defined.values().flatten() {
        *by_kind.entry(*k).or_default() += 1;
    }
    let whole = defined.values().filter(|kinds| kinds.iter().any(|k| k.needs_every_row())).count();
    let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{} {n}", k.label())).collect();
    label(
        &mut o,
        "uses",
        format!(
            "{} exported values used in other files ({whole} by a use that needs every row); uses: {}",
            defined.len(),
            if kinds.is_empty() { "none".into() } else { kinds.join(", ") }
        ),
    );

    // Summaries.
    let (mut functions, mut catches, mut rejects, mut error_values, mut only) = (0, 0, 0, 0, 0);
    for (path, f) in &model.files {
        for function in f.functions.iter().filter(|g| g.is_async) {
            let Some(s) = model.summary(path, &function.name) else { continue };
            functions += 1;
            catches += usize::from(s.catches_all);
            rejects += usize::from(s.can_reject);
            error_values += usize::from(s.returns_error_value);
            only += usize::from(s.only_supabase_or_hooks);
        }
    }
    label(
        &mut o,
        "functions",
        format!("{functions} async: {catches} catch everything, {rejects} can reject, {error_values} return an error value, {only} only await Supabase or hooks"),
    );

    // Clients, and what the per-file view misses.
    let mut how: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut files_with, mut service, mut missed_names, mut missed_files) = (0, 0, 0, Vec::new());
    for (source, text) in sources.iter().zip(texts) {
        let Some(clients) = model.clients_in(&source.rel) else { continue };
        files_with += 1;
        for info in clients.values() {
            let k = match info.how {
                ClientHow::Constructed => "constructed",
                ClientHow::Wrapper(_) => "through wrappers",
                ClientHow::Imported(_) => "imported",
                ClientHow::TypedParam(_) => "typed parameters",
                ClientHow::PassedParam(_) => "passed into untyped parameters",
            };
            *how.entry(k).or_default() += 1;
            service += usize::from(info.service_role == Some(true));
        }
        // The codemods' per-file view of the same file.
        let (Ok(text), Some(lang)) = (text, Lang::from_path(&source.rel)) else { continue };
        let Ok(tree) = harden_codemods::parse::parse(text.trim_start_matches('\u{feff}'), lang) else {
            continue;
        };
        let per_file =
            harden_codemods::supabase::Clients::of(&tree.program, &source.rel, &model.supabase_modules);
        let missed = clients.keys().filter(|n| !per_file.names.contains(*n)).count();
        missed_names += missed;
        if per_file.names.is_empty() {
            missed_files.push(source.rel.clone());
        }
    }
    let how: Vec<String> = how.iter().map(|(k, n)| format!("{k} {n}")).collect();
    label(
        &mut o,
        "clients",
        format!(
            "in {files_with} files: {} ({service} with the service-role key)",
            if how.is_empty() { "none".into() } else { how.join(", ") }
        ),
    );

    // Schema.
    let s = &model.schema;
    let sources_count: Vec<String> = s
        .count_by_source()
        .iter()
        .map(|(k, n)| {
            let name = match k {
                Source::Migrations => "migrations",
                Source::Generated => "generated types",
                Source::Prisma => "Prisma",
                Source::Drizzle => "Drizzle",
            };
            format!("{name} {n}")
        })
        .collect();
    let policies: usize = s.tables.values().map(|t| t.policies.len()).sum();
    let rls = s.tables.values().filter(|t| t.source == Source::Migrations && t.rls).count();
    let definer = s.functions.iter().filter(|f| f.security_definer).count();
    let no_path = s.functions.iter().filter(|f| f.security_definer && f.search_path.is_none()).count();
    label(
        &mut o,
        "schema",
        format!(
            "{} tables ({}); RLS on {rls}; {policies} policies ({} dropped later, {} statements read from DO blocks, {} tables renamed, {} dropped); {} functions ({definer} security definer, {no_path} of them without search_path); {} views; {} storage policies; {} of {} statements skipped",
            s.tables.len(),
            if sources_count.is_empty() { "none".into() } else { sources_count.join(", ") },
            s.replay.dropped_policies,
            s.replay.in_blocks,
            s.replay.renamed_tables,
            s.replay.dropped_tables,
            s.functions.len(),
            s.views.len(),
            s.storage_policies.len(),
            s.replay.skipped,
            s.replay.statements + s.replay.skipped,
        ),
    );

    // Endpoints and callers.
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, e) in &model.endpoints {
        *kinds.entry(kind_label(&e.kind)).or_default() += 1;
    }
    let open = model.endpoints.iter().filter(|(_, e)| e.verify_jwt == Some(false)).count();
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    label(
        &mut o,
        "endpoints",
        format!(
            "{}: {}; {open} edge functions with verify_jwt = false",
            model.endpoints.len(),
            if kinds.is_empty() { "none".into() } else { kinds.join(", ") }
        ),
    );
    let matched = model.calls.iter().filter(|(_, _, e)| e.is_some()).count();
    let mut via: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, c, e) in &model.calls {
        if e.is_some() {
            *via.entry(c.via).or_default() += 1;
        }
    }
    let with_body = model
        .calls
        .iter()
        .filter(|(_, c, e)| e.is_some() && c.body.as_ref().is_some_and(|b| !b.fields.is_empty()))
        .count();
    let unmatched_edge =
        model.calls.iter().filter(|(_, c, e)| e.is_none() && matches!(c.target, Target::Edge(_))).count();
    let via: Vec<String> = via.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let called =
        model.endpoints.iter().enumerate().filter(|(i, _)| model.callers(*i).next().is_some()).count();
    label(
        &mut o,
        "callers",
        format!(
            "{matched} in-repo calls reach {called} endpoints ({}); {with_body} send a body the model reads field by field; {} calls reach no endpoint of the project ({unmatched_edge} edge functions not in the repository)",
            if via.is_empty() { "none".into() } else { via.join(", ") },
            model.calls.len() - matched
        ),
    );

    // Language.
    let mut votes = harden_codemods::model::language::Votes::default();
    let mut i18n = 0;
    let mut messages = 0;
    let mut by_file: BTreeMap<String, usize> = BTreeMap::new();
    for f in model.files.values() {
        votes.add(&f.language.votes);
        i18n += usize::from(f.language.i18n);
        messages += f.language.messages.iter().filter(|m| m.failure).count();
        if let Some(l) = f.language.votes.language() {
            *by_file.entry(l.code().to_string()).or_default() += 1;
        }
    }
    let hits: Vec<String> = KNOWN_LANGUAGES
        .iter()
        .zip(votes.hits)
        .filter(|(_, h)| *h > 0)
        .map(|(l, h)| format!("{} {h}", l.code()))
        .collect();
    let files: Vec<String> = by_file.iter().map(|(l, n)| format!("{l} {n}")).collect();
    label(
        &mut o,
        "language",
        format!(
            "{} (votes {} of {} words, {} foreign; files by language: {}); i18n in {i18n} files; {messages} error messages shown",
            model.language().map_or("unknown", |l| l.code()),
            if hits.is_empty() { "none".into() } else { hits.join(" · ") },
            votes.words,
            votes.foreign,
            if files.is_empty() { "none".into() } else { files.join(", ") },
        ),
    );

    // What only the cross-file view sees.
    let _ = writeln!(o, "\nacross files (what one file alone does not show)");
    let _ = writeln!(
        o,
        "  clients     {missed_names} client names the per-file view misses, in {} files where it sees no client at all",
        missed_files.len()
    );
    for f in missed_files.iter().take(8) {
        let _ = writeln!(o, "                {f}");
    }
    let hooks = defined.keys().filter(|(_, l)| l.starts_with("use")).count();
    let _ = writeln!(
        o,
        "  consumers   {} exported values (hooks {hooks}) with users in other files; {whole} of them used in a way that needs every row",
        defined.len()
    );
    let _ = writeln!(
        o,
        "  callers     {matched} calls joined to the endpoint they reach, {with_body} with their bodies read"
    );
    let _ = writeln!(
        o,
        "  policies    {} dropped by a later migration, {} created inside DO blocks, {} tables renamed",
        s.replay.dropped_policies, s.replay.in_blocks, s.replay.renamed_tables
    );
    o
}

fn file_report(model: &Model, path: &str, line: Option<usize>) -> String {
    let mut o = String::new();
    let f = &model.files[path];
    let near = |from: usize, to: usize| line.is_none_or(|l| from <= l && l <= to);
    let _ = writeln!(o, "{path}{}", line.map(|l| format!(":{l}")).unwrap_or_default());
    if line.is_none() {
        for import in f.modules.imports.iter().filter(|i| !i.type_only) {
            let Some(target) = model.resolver.resolve(path, &import.source) else { continue };
            for b in &import.bindings {
                let to = match model.imported(path, &b.local) {
                    Some((file, Some(local))) => format!("{file} ({local})"),
                    Some((file, None)) => file.clone(),
                    None => target.clone(),
                };
                let _ = writeln!(o, "  import      {} ← {to}", b.local);
            }
        }
    }
    for e in &f.modules.exports {
        let harden_codemods::model::modules::ExportOf::Local(local) = &e.of else { continue };
        let definition = f.functions.iter().find(|g| g.name == *local && g.top_level);
        let (from, to) = definition.map_or((e.line, e.line), |d| (d.line, d.end_line));
        if !near(from, to) {
            continue;
        }
        let consumers = model.consumers(path, local);
        let _ = writeln!(o, "  export      {} ({local}, line {}): {} uses", e.name, e.line, consumers.len());
        for c in consumers.iter().take(20) {
            let through = if c.through.is_empty() {
                String::new()
            } else {
                format!(" through {}", c.through.join(" → "))
            };
            let _ = writeln!(
                o,
                "                {}:{} {} ({}){through}",
                c.path,
                c.line,
                c.kind.label(),
                c.detail
            );
        }
    }
    for g in f.functions.iter().filter(|g| near(g.line, g.end_line)) {
        let Some(s) = model.summary(path, &g.name) else { continue };
        let mut traits = Vec::new();
        if s.catches_all {
            traits.push("catches everything");
        }
        if s.can_reject {
            traits.push("can reject");
        }
        if s.returns_error_value {
            traits.push("returns an error value");
        }
        if s.only_supabase_or_hooks {
            traits.push("only awaits Supabase or hooks");
        }
        if traits.is_empty() {
            traits.push(if g.awaits.is_empty() {
                "awaits nothing"
            } else {
                "awaits nothing that can reject"
            });
        }
        let _ = writeln!(
            o,
            "  function    {} (lines {}–{}{}): {}",
            g.name,
            g.line,
            g.end_line,
            if g.is_async { ", async" } else { "" },
            traits.join(", ")
        );
        for a in &g.awaits {
            let _ = writeln!(
                o,
                "                line {}: {:?}{}",
                a.line,
                a.what,
                if a.caught { " (in a try)" } else { "" }
            );
        }
    }
    if let Some(clients) = model.clients_in(path) {
        for (name, info) in clients {
            let role = match info.service_role {
                Some(true) => "service-role key",
                Some(false) => "public key",
                None => "key not known",
            };
            let _ = writeln!(o, "  client      {name}: {:?} ({role})", info.how);
        }
    }
    for (i, (_, e)) in model.endpoints.iter().enumerate().filter(|(_, (p, _))| p == path) {
        let jwt = match e.verify_jwt {
            Some(false) => " · verify_jwt = false",
            _ => "",
        };
        let _ = writeln!(
            o,
            "  endpoint    {} {}{} (line {}){}{jwt}",
            kind_label(&e.kind),
            e.method.clone().map(|m| format!("{m} ")).unwrap_or_default(),
            e.route,
            e.line,
            if e.middleware.is_empty() {
                String::new()
            } else {
                format!(" behind {}", e.middleware.join(", "))
            },
        );
        for (caller, call, _) in model.callers(i) {
            let _ = writeln!(o, "                called from {caller}:{} ({})", call.line, call.via);
            describe_body(&mut o, call.body.as_ref());
        }
    }
    for (_, call, endpoint) in
        model.calls.iter().filter(|(p, c, _)| p == path && line.is_none_or(|l| c.line == l))
    {
        let target = match &call.target {
            Target::Edge(n) => format!("edge function {n}"),
            Target::Path { path, method } => format!("{method} {path}"),
            Target::Action(a) => format!("action {a}"),
        };
        let reached = endpoint
            .map(|i| format!(" → {}:{}", model.endpoints[i].0, model.endpoints[i].1.line))
            .unwrap_or_else(|| " → no endpoint in the project".into());
        let query = if call.query.is_empty() { String::new() } else { format!(" ?{}", call.query.join("&")) };
        let _ = writeln!(o, "  call        line {} {} {target}{query}{reached}", call.line, call.via);
        describe_body(&mut o, call.body.as_ref());
    }
    if line.is_none() {
        let votes = &f.language.votes;
        let _ = writeln!(
            o,
            "  language    {} ({} words){}",
            votes.language().map_or("unknown".to_string(), |l| l.code().to_string()),
            votes.words,
            if f.language.i18n { "; i18n" } else { "" }
        );
    }
    for m in f.language.messages.iter().filter(|m| m.failure && line.is_none_or(|l| m.line == l)) {
        let _ = writeln!(
            o,
            "  message     {} line {}: {}{:?}",
            if m.function.is_empty() { "(top level)" } else { &m.function },
            m.line,
            if m.key { "key " } else { "" },
            m.text
        );
    }
    for u in f.uses.iter().filter(|u| line.is_none_or(|l| u.line == l)) {
        let member = u.member.as_ref().map(|m| format!(".{m}")).unwrap_or_default();
        let _ = writeln!(
            o,
            "  use         line {} {}{member}: {} ({})",
            u.line,
            u.binding,
            u.kind.label(),
            u.detail
        );
    }
    o
}

fn describe_body(o: &mut String, body: Option<&harden_codemods::model::endpoints::Body>) {
    let Some(body) = body else { return };
    let fields: Vec<String> =
        body.fields.iter().map(|f| format!("{}: {} ({})", f.name, f.sent.label(), f.expr)).collect();
    let _ = writeln!(
        o,
        "                body {{ {}{} }}{}",
        fields.join(", "),
        if body.open { ", …" } else { "" },
        if body.form { " (form)" } else { "" }
    );
}
