//! Every codemod case is a folder `fixtures/<codemod>/<case>/` holding
//! `input.<ext>` and `output.<ext>` (identical when nothing must change). For
//! each case: the codemod's output equals `output`, the output parses, no edit
//! was dropped, and running again on the output proposes nothing. What the
//! codemod left alone on purpose (`line: reason`, one a line) equals the
//! case's `left-alone` file, and what it reports (`line: severity: message`)
//! its `findings` file (each absent when empty).
//!
//! `HARDEN_BLESS=1 cargo test -p harden-codemods --test fixtures` writes the
//! current outputs (review them before committing).

use std::fs;
use std::path::{Path, PathBuf};

use std::collections::HashSet;

use harden_codemods::model::{Apps, Inputs};
use harden_codemods::supabase::ClientModule;
use harden_codemods::{by_id, harden_file, parse, FileFacts, Lang, Model};

/// The project every case lives in: Lovable's and Bolt's Supabase client
/// modules, a Next-style client factory, Express 4 and zod 4 (a case folder
/// holding a file `express5` or `zod3` says otherwise; a `schema.prisma` in it
/// is the project's Prisma schema; a `project/` folder in it holds the other
/// modules the file imports from; the project model is built from them and
/// the case's file). A case's file sits at `src/components/example.<ext>`
/// unless its folder has a `path` file; an entry imports it unless the folder
/// has an `unreachable` file.
fn facts(case: &Path, path: &str, input: &str) -> Model {
    let client = |names: &[&str]| ClientModule {
        clients: names.iter().map(|n| n.to_string()).collect(),
        factories: HashSet::new(),
    };
    let factory =
        ClientModule { clients: HashSet::new(), factories: HashSet::from(["createClient".to_string()]) };
    let apps = Apps {
        express_majors: vec![(String::new(), if case.join("express5").exists() { 5 } else { 4 })],
        zod_majors: vec![(String::new(), Some(if case.join("zod3").exists() { 3 } else { 4 }))],
        prisma: fs::read_to_string(case.join("schema.prisma"))
            .map(|text| vec![(String::new(), harden_codemods::prisma::Schema::parse(&text))])
            .unwrap_or_default(),
        root: Some(case.join("project")).filter(|p| p.is_dir()),
        page_size: 0,
        max_page_size: 0,
        runtimes: runtime(case),
    };
    let mut files = vec![file_facts(path, input)];
    // The app's entry reaches the case's file, unless the case is about a
    // file nothing imports (an `unreachable` file in its folder).
    if !case.join("unreachable").exists() {
        files.push(file_facts("main.ts", &format!("import './{path}';")));
    }
    let project = case.join("project");
    for entry in walk(&project) {
        let rel = entry.strip_prefix(&project).expect("inside").to_string_lossy().replace('\\', "/");
        if Lang::from_path(&rel).is_some() && rel != path {
            files.push(file_facts(&rel, &fs::read_to_string(&entry).expect("readable")));
        }
    }
    let mut model =
        Model::build(apps, Inputs { files: files.into_iter().flatten().collect(), ..Default::default() });
    model.supabase_modules.extend([
        ("src/integrations/supabase/client".to_string(), client(&["supabase"])),
        ("src/lib/supabase".to_string(), client(&["supabase", "default"])),
        ("lib/supabase/server".to_string(), factory),
    ]);
    model
}

fn file_facts(path: &str, text: &str) -> Option<FileFacts> {
    let body = text.trim_start_matches('\u{feff}');
    let parsed = parse::parse(body, Lang::from_path(path)?).ok()?;
    Some(FileFacts::of(path, body, &parsed.program))
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// A case's app: a Vite browser app reading env unless its folder holds a
/// `runtime` file saying `next`, `node`, `node-dotenv` or `vite-no-env`.
fn runtime(case: &Path) -> Vec<(String, harden_codemods::model::AppRuntime)> {
    use harden_codemods::model::AppRuntime;
    let kind = fs::read_to_string(case.join("runtime")).unwrap_or_default();
    let runtime = match kind.trim() {
        "next" => AppRuntime { next: true, reads_env: true, ..Default::default() },
        "node" => AppRuntime { reads_env: true, ..Default::default() },
        "node-dotenv" => AppRuntime { loads_dotenv: true, reads_env: true, ..Default::default() },
        "vite-no-env" => AppRuntime { browser: true, ..Default::default() },
        _ => AppRuntime { browser: true, reads_env: true, ..Default::default() },
    };
    vec![(String::new(), runtime)]
}

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases = Vec::new();
    for codemod in fs::read_dir(&root).expect("fixtures folder") {
        let codemod = codemod.expect("entry").path();
        let id = codemod.file_name().and_then(|n| n.to_str()).expect("utf-8 name").to_string();
        for case in fs::read_dir(&codemod).expect("codemod folder") {
            cases.push((id.clone(), case.expect("entry").path()));
        }
    }
    cases.sort();
    cases
}

fn find(dir: &Path, stem: &str) -> Option<PathBuf> {
    fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.file_stem().and_then(|s| s.to_str()) == Some(stem))
}

#[test]
fn codemod_fixtures() {
    let bless = std::env::var_os("HARDEN_BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for (id, dir) in cases() {
        count += 1;
        let name = format!("{id}/{}", dir.file_name().and_then(|n| n.to_str()).unwrap_or("?"));
        let codemod = by_id(&id).unwrap_or_else(|| panic!("{name}: no codemod `{id}`"));
        let input_path = find(&dir, "input").unwrap_or_else(|| panic!("{name}: no input file"));
        let ext = input_path.extension().and_then(|e| e.to_str()).unwrap_or("ts").to_string();
        let path = fs::read_to_string(dir.join("path"))
            .map(|p| p.trim().to_string())
            .unwrap_or_else(|_| format!("src/components/example.{ext}"));
        let lang = Lang::from_path(&path).expect("a JS/TS extension");
        let input = fs::read_to_string(&input_path).expect("input readable");
        let facts = facts(&dir, &path, &input);
        let outcome = harden_file(&path, &input, lang, &[codemod], &facts)
            .unwrap_or_else(|e| panic!("{name}: input does not parse: {e}"));
        if !outcome.dropped.is_empty() {
            failures.push(format!("{name}: dropped {:?}", outcome.dropped));
        }
        assert!(outcome.changes.len() <= 1, "{name}: one codemod makes at most one change per file");
        let actual = outcome.changes.first().map_or(input.clone(), |c| c.after.clone());
        let output_path = dir.join(format!("output.{ext}"));
        if bless {
            fs::write(&output_path, &actual).expect("write output");
        }
        let left: String = outcome.left_alone.iter().map(|l| format!("{}: {}\n", l.line, l.reason)).collect();
        let left_path = dir.join("left-alone");
        if bless {
            if left.is_empty() {
                let _ = fs::remove_file(&left_path);
            } else {
                fs::write(&left_path, &left).expect("write left-alone");
            }
        }
        let found: String = outcome
            .findings
            .iter()
            .map(|f| format!("{}: {}: {}\n", f.line, f.severity.label(), f.message))
            .collect();
        let findings_path = dir.join("findings");
        if bless {
            if found.is_empty() {
                let _ = fs::remove_file(&findings_path);
            } else {
                fs::write(&findings_path, &found).expect("write findings");
            }
        }
        let expected_found = fs::read_to_string(&findings_path).unwrap_or_default();
        if found != expected_found {
            failures
                .push(format!("{name}: findings differ\n--- expected\n{expected_found}--- actual\n{found}"));
        }
        let expected_left = fs::read_to_string(&left_path).unwrap_or_default();
        if left != expected_left {
            failures
                .push(format!("{name}: left alone differs\n--- expected\n{expected_left}--- actual\n{left}"));
        }
        let expected = fs::read_to_string(&output_path).unwrap_or_else(|_| panic!("{name}: no output.{ext}"));
        if actual != expected {
            failures.push(format!("{name}: output differs\n--- expected\n{expected}\n--- actual\n{actual}"));
            continue;
        }
        if let Err(e) = parse::parse(actual.trim_start_matches('\u{feff}'), lang) {
            failures.push(format!("{name}: output does not parse: {e}"));
        }
        match harden_file(&path, &actual, lang, &[codemod], &facts) {
            Ok(again) if again.changes.is_empty() => {}
            Ok(_) => failures.push(format!("{name}: not idempotent: a second run proposes a change")),
            Err(e) => failures.push(format!("{name}: output does not parse: {e}")),
        }
    }
    assert!(count > 0, "no fixture cases found");
    assert!(failures.is_empty(), "{} of {count} cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}
