//! What harden promises for any one file, as a check the property tests and
//! the fuzz targets share: no panic, an output that parses no worse than the
//! input, and nothing more to propose on that output. Run it on a thread with
//! [`crate::STACK_SIZE`], as the binary does.

use crate::{all, harden_file, parse, Lang, ProjectFacts};

/// Errors recovered while parsing `text` (`None`: it does not parse).
fn recovered(text: &str, lang: Lang) -> Option<usize> {
    parse::parse(text.trim_start_matches('\u{feff}'), lang).ok().map(|p| p.recovered_errors)
}

/// Hardens `text` as the file at `path` with every codemod and checks the
/// promise; the error says which part broke.
pub fn check(path: &str, text: &str) -> Result<(), String> {
    let Some(lang) = Lang::from_path(path) else { return Ok(()) };
    let facts = ProjectFacts::default();
    let codemods: Vec<_> = all().to_vec();
    let Ok(outcome) = harden_file(path, text, lang, &codemods, &facts) else { return Ok(()) };
    let Some(last) = outcome.changes.last() else { return Ok(()) };
    let before = recovered(text, lang);
    let after = recovered(&last.after, lang);
    if after.is_none() {
        return Err(format!("{path}: the output does not parse"));
    }
    if before.is_some() && after > before {
        return Err(format!("{path}: the output parses worse"));
    }
    let again = harden_file(path, &last.after, lang, &codemods, &facts)
        .map_err(|e| format!("{path}: the output does not parse: {e}"))?;
    if !again.changes.is_empty() {
        let ids: Vec<_> = again.changes.iter().map(|c| c.codemod).collect();
        return Err(format!("{path}: a second run proposes {ids:?}"));
    }
    Ok(())
}
