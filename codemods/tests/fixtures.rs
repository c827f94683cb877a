//! Every codemod case is a folder `fixtures/<codemod>/<case>/` holding
//! `input.<ext>` and `output.<ext>` (identical when nothing must change). For
//! each case: the codemod's output equals `output`, the output parses, no edit
//! was dropped, and running again on the output proposes nothing.
//!
//! `HARDEN_BLESS=1 cargo test -p harden-codemods --test fixtures` writes the
//! current outputs (review them before committing).

use std::fs;
use std::path::{Path, PathBuf};

use harden_codemods::{by_id, harden_file, parse, Lang};

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
        let path = format!("src/example.{ext}");
        let lang = Lang::from_path(&path).expect("a JS/TS extension");
        let input = fs::read_to_string(&input_path).expect("input readable");
        let outcome = harden_file(&path, &input, lang, &[codemod])
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
        let expected = fs::read_to_string(&output_path).unwrap_or_else(|_| panic!("{name}: no output.{ext}"));
        if actual != expected {
            failures.push(format!("{name}: output differs\n--- expected\n{expected}\n--- actual\n{actual}"));
            continue;
        }
        if let Err(e) = parse::parse(actual.trim_start_matches('\u{feff}'), lang) {
            failures.push(format!("{name}: output does not parse: {e}"));
        }
        match harden_file(&path, &actual, lang, &[codemod]) {
            Ok(again) if again.changes.is_empty() => {}
            Ok(_) => failures.push(format!("{name}: not idempotent: a second run proposes a change")),
            Err(e) => failures.push(format!("{name}: output does not parse: {e}")),
        }
    }
    assert!(count > 0, "no fixture cases found");
    assert!(failures.is_empty(), "{} of {count} cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}
