//! What harden promises for any one file, as a check the property tests and
//! the fuzz targets share: no panic, an output that parses (only a file that
//! parses is edited), and nothing more to propose on that output.

use crate::{all, harden_file, parse, Lang, Model};

/// Hardens `text` as the file at `path` with every codemod and checks the
/// promise; the error says which part broke.
pub fn check(path: &str, text: &str) -> Result<(), String> {
    let Some(lang) = Lang::from_path(path) else { return Ok(()) };
    let facts = Model::default();
    let codemods: Vec<_> = all().to_vec();
    let Ok(outcome) = harden_file(path, text, lang, &codemods, &facts) else { return Ok(()) };
    let Some(last) = outcome.changes.last() else { return Ok(()) };
    if let Err(e) = parse::parse(last.after.trim_start_matches('\u{feff}'), lang) {
        return Err(format!("{path}: the output does not parse: {e}"));
    }
    let again = harden_file(path, &last.after, lang, &codemods, &facts)
        .map_err(|e| format!("{path}: the output does not parse: {e}"))?;
    if !again.changes.is_empty() {
        let ids: Vec<_> = again.changes.iter().map(|c| c.codemod).collect();
        return Err(format!("{path}: a second run proposes {ids:?}"));
    }
    Ok(())
}

/// [`check`] as the binary runs a file: on a thread with [`crate::STACK_SIZE`]
/// (deep inputs need it), a panic caught and reported, and within `limit` (a
/// hang is a broken promise too).
pub fn check_on_harden_stack(path: &str, text: String, limit: std::time::Duration) -> Result<(), String> {
    crate::parse::quiet_parser_panics();
    let path = path.to_string();
    let shown: String = text.chars().take(200).collect();
    let (done, outcome) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(crate::STACK_SIZE)
        .spawn(move || {
            let _ = done.send(std::panic::catch_unwind(|| check(&path, &text)));
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    match outcome.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err("harden panicked".into()),
        Err(_) => Err(format!("took over {limit:?} on {shown:?}…")),
    }
}
