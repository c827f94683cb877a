//! `sentry`: error tracking with the official SDK of each app's stack, set
//! up the way its documentation does, sending nothing until a DSN is set.
//!
//! - Vite + React: `src/instrument.ts` (`@sentry/react`, DSN from
//!   `VITE_SENTRY_DSN`), imported first in the entry; render errors reported
//!   (React 19's root hooks, an error boundary on React 18).
//! - Next.js: `instrumentation.ts`, `instrumentation-client.ts`,
//!   `sentry.server.config.ts`, `sentry.edge.config.ts`, and the
//!   `next.config` export wrapped with `withSentryConfig`.
//! - Express: an `instrument` module loaded before the app (imported first,
//!   or `--import` in the scripts of an ES-module app) and
//!   `Sentry.setupExpressErrorHandler(app)` before the app's error handler.
//!
//! An app that already depends on an `@sentry/*` package is left alone.

use std::fs;

use harden_codemods::parse::Lang;
use harden_codemods::setup;
use serde_json::json;

use super::{propose, render, Context, Output, Scaffold};
use crate::data::Origin;
use crate::project::join;
use crate::project::App;

pub struct Sentry;

const ID: &str = "sentry";
const TITLE: &str =
    "Report errors to Sentry with the stack's official SDK (sends nothing until a DSN is set)";
/// Its changes fix `no-error-tracking`; an edit of `package.json` follows from them.
const ORIGIN: Origin = Origin { id: ID, title: TITLE, check: Some("no-error-tracking") };

impl Scaffold for Sentry {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        TITLE
    }

    fn run(&self, ctx: &Context) -> Output {
        let mut out = Output::default();
        for app in &ctx.project.apps {
            let has = |name: &str| app.frameworks.iter().any(|f| f.name == name);
            let manifest = ctx.text(&join(&app.dir, "package.json")).unwrap_or_default();
            if manifest.contains("\"@sentry/") {
                if has("Next.js") || has("React") || has("Express") {
                    out.kept.push((join(&app.dir, "package.json"), "Sentry is set up already".into()));
                }
                continue;
            }
            if has("Next.js") {
                next(ctx, app, &mut out);
            } else if has("Vite") && has("React") {
                react(ctx, app, &mut out);
            } else if has("Express") {
                express(ctx, app, &mut out, &manifest);
            }
        }
        out
    }
}

fn why(what: &str) -> String {
    format!("nobody hears about errors in production until a user complains: {what}; nothing is sent until a DSN is set")
}

/// Creates `path` from a template unless a file is there already.
fn create(
    ctx: &Context,
    out: &mut Output,
    path: &str,
    template: &str,
    data: serde_json::Value,
    why: &str,
) -> bool {
    if ctx.root.join(path).exists() {
        out.kept.push((path.to_string(), "exists; add Sentry to it by hand".into()));
        return false;
    }
    match render(&format!("{ID}/{template}"), &data) {
        Ok(text) => {
            out.changes.extend(propose(ctx, path, text, ORIGIN, why.to_string()));
            true
        }
        Err(_) => false,
    }
}

fn react(ctx: &Context, app: &App, out: &mut Output) {
    let Some(entry) = react_entry(ctx, app) else {
        out.kept.push((join(&app.dir, "src/"), "no React entry file (src/main.tsx) found".into()));
        return;
    };
    let Some(text) = ctx.text(&entry) else { return };
    let Some(lang) = Lang::from_path(&entry) else { return };
    let typescript = entry.ends_with(".ts") || entry.ends_with(".tsx");
    let dir = entry.rsplit_once('/').map_or("", |(d, _)| d);
    let instrument = join(dir, if typescript { "instrument.ts" } else { "instrument.js" });
    // Same spelling as the entry's own relative imports (`./App.tsx` or `./App`).
    let spelled = [".tsx'", ".tsx\"", ".jsx'", ".jsx\""].iter().any(|e| text.contains(e));
    let ext = match (spelled, typescript) {
        (false, _) => "",
        (true, true) => ".ts",
        (true, false) => ".js",
    };
    let major = app.frameworks.iter().find(|f| f.name == "React").and_then(|f| f.major).unwrap_or(18);
    match setup::react_entry(&text, lang, &format!("./instrument{ext}"), major) {
        Ok(after) => {
            let what =
                if major >= 19 { "React's root error hooks" } else { "an error boundary around the app" };
            if !create(
                ctx,
                out,
                &instrument,
                "react-instrument",
                json!({}),
                &why("Sentry starts before the app"),
            ) {
                return;
            }
            out.changes.extend(propose(
                ctx,
                &entry,
                after,
                ORIGIN,
                why(&format!("the entry loads Sentry first, and {what} reports render errors")),
            ));
            out.dependencies.push((app.dir.clone(), "@sentry/react"));
        }
        Err(reason) => out.kept.push((entry, reason.to_string())),
    }
}

/// `src/main.tsx` or what `index.html` loads.
fn react_entry(ctx: &Context, app: &App) -> Option<String> {
    if let Ok(html) = fs::read_to_string(ctx.root.join(join(&app.dir, "index.html"))) {
        if let Some(i) = html.find("type=\"module\"") {
            let tag = &html[html[..i].rfind('<').unwrap_or(0)..];
            if let Some(src) = tag.split("src=\"").nth(1).and_then(|s| s.split('"').next()) {
                let path = join(&app.dir, src.trim_start_matches('/'));
                if ctx.root.join(&path).is_file() {
                    return Some(path);
                }
            }
        }
    }
    ["src/main.tsx", "src/main.jsx", "src/main.ts", "src/main.js", "src/index.tsx", "src/index.jsx"]
        .iter()
        .map(|p| join(&app.dir, p))
        .find(|p| ctx.root.join(p).is_file())
}

fn next(ctx: &Context, app: &App, out: &mut Output) {
    let app_root = ctx.root.join(&app.dir);
    let typescript = app.typescript_dep || app_root.join("tsconfig.json").is_file();
    let ext = if typescript { "ts" } else { "js" };
    // With a src/ folder, Next looks for instrumentation files there.
    let src = app_root.join("src/app").is_dir() || app_root.join("src/pages").is_dir();
    let (inst_dir, config_dir) = if src { (join(&app.dir, "src"), "../") } else { (app.dir.clone(), "./") };
    let Some(config) =
        ["next.config.ts", "next.config.mjs", "next.config.js", "next.config.cjs", "next.config.mts"]
            .iter()
            .map(|f| join(&app.dir, f))
            .find(|p| ctx.root.join(p).is_file())
    else {
        out.kept
            .push((join(&app.dir, "next.config.*"), "no next.config to wrap with withSentryConfig".into()));
        return;
    };
    let Some(text) = ctx.text(&config) else { return };
    let wrapped = match Lang::from_path(&config).map(|lang| setup::next_config(&text, lang)) {
        Some(Ok(after)) => after,
        Some(Err(reason)) => {
            out.kept.push((config, reason.to_string()));
            return;
        }
        None => return,
    };
    let instrumentation = join(&inst_dir, &format!("instrumentation.{ext}"));
    if ctx.root.join(&instrumentation).exists() {
        out.kept.push((
            instrumentation,
            "exists; add Sentry's register() and onRequestError to it by hand".into(),
        ));
        return;
    }
    let made = why("server, edge and browser errors are reported");
    create(ctx, out, &instrumentation, "next-instrumentation", json!({ "config_dir": config_dir }), &made);
    create(
        ctx,
        out,
        &join(&inst_dir, &format!("instrumentation-client.{ext}")),
        "next-instrumentation-client",
        json!({}),
        &made,
    );
    for runtime in ["server", "edge"] {
        create(
            ctx,
            out,
            &join(&app.dir, &format!("sentry.{runtime}.config.{ext}")),
            "next-runtime-config",
            json!({ "runtime": runtime }),
            &made,
        );
    }
    out.changes.extend(propose(ctx, &config, wrapped, ORIGIN, why("withSentryConfig instruments the build")));
    out.dependencies.push((app.dir.clone(), "@sentry/nextjs"));
}

fn express(ctx: &Context, app: &App, out: &mut Output, manifest: &str) {
    // The file that creates the app and starts the server.
    let found = ctx.sources_of(&app.dir).find_map(|(path, _)| {
        // As the codemods left it: server-errors may have edited it.
        let text = ctx.text(path)?;
        if !(text.contains("express(") && text.contains(".listen(")) {
            return None;
        }
        let lang = Lang::from_path(path)?;
        setup::express_app(&text, lang).map(|(name, commonjs)| (path.clone(), text, lang, name, commonjs))
    });
    let Some((entry, text, lang, app_name, commonjs)) = found else {
        out.kept.push((
            join(&app.dir, "package.json"),
            "no file that creates the Express app and calls listen()".into(),
        ));
        return;
    };
    let (dir, file) = entry.rsplit_once('/').unwrap_or(("", entry.as_str()));
    let ext = file.rsplit_once('.').map_or("js", |(_, e)| e);
    let instrument = join(dir, &format!("instrument.{ext}"));
    let module =
        manifest.contains("\"type\": \"module\"") || manifest.contains("\"type\":\"module\"") || ext == "mjs";
    let commonjs_file = ext == "cjs" || (lang == Lang::Js && commonjs);
    // ES modules need the instrument loaded with `--import` by the scripts
    // that start the entry; CommonJS (and TypeScript compiled to it) imports
    // it first.
    let mut package = ctx.text(&join(&app.dir, "package.json")).unwrap_or_default();
    let mut scripts_changed = Vec::new();
    if module {
        for (name, command) in &app.scripts {
            if let Some(new) = with_import(command, &entry, &app.dir, &instrument) {
                if let Some(after) = harden_codemods::package_json::set_script(&package, name, command, &new)
                {
                    package = after;
                    scripts_changed.push(name.clone());
                }
            }
        }
    }
    let import_path = match ext {
        "ts" | "tsx" | "cts" => "./instrument".to_string(),
        _ if commonjs_file => "./instrument".to_string(),
        other => format!("./instrument.{other}"),
    };
    let import_first = scripts_changed.is_empty().then_some(import_path);
    match setup::express_entry(&text, lang, &app_name, import_first.as_deref()) {
        Ok(after) => {
            let data = json!({ "dotenv": manifest.contains("\"dotenv\""), "commonjs": commonjs_file });
            if !create(ctx, out, &instrument, "node-instrument", data, &why("Sentry starts before the app")) {
                return;
            }
            out.changes.extend(propose(
                ctx,
                &entry,
                after,
                ORIGIN,
                why("the app's route errors reach Sentry"),
            ));
            if !scripts_changed.is_empty() {
                let names = scripts_changed.join(", ");
                out.changes.extend(propose(
                    ctx,
                    &join(&app.dir, "package.json"),
                    package,
                    Origin { check: None, ..ORIGIN },
                    why(&format!("an ES-module app loads the instrument with --import ({names})")),
                ));
            }
            out.dependencies.push((app.dir.clone(), "@sentry/node"));
        }
        Err(reason) => out.kept.push((entry, reason.to_string())),
    }
}

/// `tsx watch src/index.ts` → `tsx watch --import ./src/instrument.ts src/index.ts`,
/// `node dist/index.js` → `node --import ./dist/instrument.js dist/index.js`,
/// when the command starts the entry (or what it compiles to).
fn with_import(command: &str, entry: &str, app_dir: &str, instrument: &str) -> Option<String> {
    if command.contains("--import") {
        return None;
    }
    let rel = |p: &str| p.strip_prefix(&format!("{app_dir}/")).unwrap_or(p).to_string();
    let (entry, instrument) = (rel(entry), rel(instrument));
    let words: Vec<&str> = command.split_whitespace().collect();
    let runner = words.iter().position(|w| *w == "tsx" || *w == "node")?;
    let target = words.iter().skip(runner + 1).find(|w| !w.starts_with('-') && **w != "watch")?;
    let target = target.trim_start_matches("./");
    let load = if target == entry {
        instrument
    } else {
        // Compiled output: `dist/index.js` for `src/index.ts`.
        let stem = entry.rsplit('/').next()?.rsplit_once('.')?.0;
        let (out_dir, file) = target.rsplit_once('/')?;
        if file != format!("{stem}.js") {
            return None;
        }
        format!("{out_dir}/instrument.js")
    };
    let at = words.iter().position(|w| w.trim_start_matches("./") == target)?;
    let mut new: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    new.insert(at, format!("--import ./{load}"));
    Some(new.join(" "))
}

#[cfg(test)]
mod tests {
    use super::with_import;

    #[test]
    fn scripts_load_the_instrument() {
        assert_eq!(
            with_import("tsx watch src/index.ts", "src/index.ts", "", "src/instrument.ts").as_deref(),
            Some("tsx watch --import ./src/instrument.ts src/index.ts")
        );
        assert_eq!(
            with_import("node dist/index.js", "src/index.ts", "", "src/instrument.ts").as_deref(),
            Some("node --import ./dist/instrument.js dist/index.js")
        );
        assert_eq!(
            with_import("node server.js", "server/server.js", "server", "server/instrument.js").as_deref(),
            Some("node --import ./instrument.js server.js")
        );
        assert_eq!(with_import("vite build", "src/index.ts", "", "src/instrument.ts"), None);
        assert_eq!(with_import("node --import ./x.js a.js", "a.js", "", "instrument.js"), None);
    }
}
