//! Fitting the plan to what will really be written: changes dropped (silenced
//! in `harden.toml`, skipped in review, to files harden may not write) and the
//! later changes to the same file recomputed on the text really there.

use std::collections::BTreeMap;
use std::path::Path;

use harden_codemods::{harden_file, Lang, Model};

use super::Plan;
use crate::config::Config;
use crate::data::{Change, Note};
use crate::files;

/// Sets aside the changes `harden.toml` silences (by check or codemod id, for
/// the file).
pub fn silence(plan: &mut Plan, config: &Config) {
    let silenced = |c: &Change| {
        let check = c.origin.check.unwrap_or(c.origin.id);
        config.ignored(check, &c.path, None) || config.ignored(c.origin.id, &c.path, None)
    };
    let (kept, dropped) = without(std::mem::take(&mut plan.changes), silenced, &plan.model);
    plan.changes = kept;
    plan.silenced = dropped;
}

/// The plan's changes less those `drop` says (returned second), each later
/// change to the same file refitted onto what is really there (as the review
/// does after a skip).
fn without(
    changes: Vec<Change>,
    drop: impl Fn(&Change) -> bool,
    model: &Model,
) -> (Vec<Change>, Vec<Change>) {
    let mut current: std::collections::HashMap<String, Option<String>> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut dropped = Vec::new();
    for planned in changes {
        let text = current.entry(planned.path.clone()).or_insert_with(|| planned.before.clone()).clone();
        if drop(&planned) {
            dropped.push(planned);
            continue;
        }
        let change = if text == planned.before {
            planned
        } else {
            match text.as_deref().and_then(|t| recompute(&planned, t, model)) {
                Some(c) => c,
                None => continue,
            }
        };
        current.insert(change.path.clone(), Some(change.after.clone()));
        out.push(change);
    }
    (out, dropped)
}

/// Sets aside the changes to files harden may not write (read-only files,
/// folders it cannot write in), with a note for each such file, so that the
/// review shows only what can be written.
pub fn leave_out_unwritable(plan: &mut Plan, root: &Path) {
    let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &plan.changes {
        *per_file.entry(c.path.as_str()).or_default() += 1;
    }
    let blocked: BTreeMap<String, String> = per_file
        .into_iter()
        .filter_map(|(path, n)| {
            let why = files::unwritable(root, path)?;
            let s = if n == 1 { "" } else { "s" };
            Some((path.to_string(), format!("{why}: its {n} change{s} left out")))
        })
        .collect();
    if blocked.is_empty() {
        return;
    }
    plan.notes
        .extend(blocked.iter().map(|(path, message)| Note { path: path.clone(), message: message.clone() }));
    let (kept, left_out) =
        without(std::mem::take(&mut plan.changes), |c| blocked.contains_key(&c.path), &plan.model);
    plan.changes = kept;
    plan.unwritable = left_out;
}

/// Recomputes one codemod's change on `text`, for when an earlier change to the
/// same file was skipped in review and the planned one no longer fits.
pub fn recompute(change: &Change, text: &str, model: &Model) -> Option<Change> {
    let codemod = harden_codemods::by_id(change.origin.id)?;
    let lang = Lang::from_path(&change.path)?;
    let outcome = harden_file(&change.path, text, lang, &[codemod], model).ok()?;
    let c = outcome.changes.into_iter().next()?;
    Some(Change { why: c.why, before: Some(c.before), after: c.after, ..change.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recompute_fits_a_change_to_the_text_left_by_a_skipped_one() {
        let original =
            "export async function f() {\n  const res = await fetch('/x');\n  return res.json();\n}\n";
        // Planned on top of an earlier change that the user then skipped.
        let earlier = format!("// an earlier codemod's edit\n{original}");
        let planned = Change {
            path: "src/a.ts".into(),
            origin: crate::registry::codemod_origin("fetch-ok"),
            why: String::new(),
            after: earlier.replace("  return", "  if (!res.ok) throw new Error('x');\n  return"),
            before: Some(earlier),
        };
        let facts = Model::default();
        let fitted = recompute(&planned, original, &facts).expect("still applies");
        assert_eq!(fitted.before.as_deref(), Some(original));
        assert!(fitted
            .after
            .starts_with("export async function f() {\n  const res = await fetch('/x');\n  if (!res.ok)"));
        let checked = fitted.after.clone();
        assert!(recompute(&planned, &checked, &facts).is_none(), "nothing left to do on checked code");
    }
}
