//! The interactive review: each change as a coloured diff, then
//! [y]es / [n]o / [r]emember no / [a]ll / [q]uit. Nothing is written until
//! the end; "remember no" skips the change and records it in harden.toml so
//! it is not proposed (or reported by `scan`) again.

use std::collections::HashMap;

use console::{Key, Style, Term};
use harden_codemods::Model;

use crate::data::Change;
use crate::{diff, plan};

pub enum Outcome {
    /// The accepted changes, in plan order, and the skipped ones to remember.
    Accepted(Vec<Change>, Vec<Change>),
    Quit,
}

pub fn review(changes: &[Change], model: &Model, secrets: &[String], color: bool) -> anyhow::Result<Outcome> {
    let term = Term::stdout();
    let dim = Style::new().dim().force_styling(color);
    let bold = Style::new().bold().force_styling(color);
    let mut accepted: Vec<Change> = Vec::new();
    let mut remembered: Vec<Change> = Vec::new();
    // The text each file has after the changes accepted so far.
    let mut current: HashMap<&str, Option<String>> = HashMap::new();
    let mut accept_all = false;
    let total = changes.len();
    for (i, planned) in changes.iter().enumerate() {
        // The first change to a file starts from the file as it is; each later
        // one was planned on top of the previous. When that one was skipped,
        // recompute this one on what is really there.
        let text = current.entry(&planned.path).or_insert_with(|| planned.before.clone()).clone();
        let change = if text == planned.before {
            planned.clone()
        } else {
            match text.as_deref().and_then(|t| plan::recompute(planned, t, model)) {
                Some(c) => c,
                None => {
                    term.write_line(&format!(
                        "{} {} · {}: nothing left to change after the skipped change",
                        dim.apply_to(format!("[{}/{total}]", i + 1)),
                        planned.origin.id,
                        planned.path
                    ))?;
                    continue;
                }
            }
        };
        if !accept_all {
            term.write_line("")?;
            term.write_line(&format!(
                "{} {} {}",
                dim.apply_to(format!("[{}/{total}]", i + 1)),
                bold.apply_to(change.origin.id),
                bold.apply_to(format!("· {}", change.path)),
            ))?;
            term.write_line(&format!("{} {}", dim.apply_to("what:"), change.origin.title))?;
            term.write_line(&format!("{} {}", dim.apply_to("why: "), change.why))?;
            let d = diff::shown(&change.path, change.before.as_deref(), &change.after, secrets);
            let d = if color { diff::colorize(&d) } else { d };
            term.write_str(&d)?;
            let decision = ask(&term, &bold)?;
            match decision {
                Decision::Yes => {}
                Decision::No => continue,
                Decision::Remember => {
                    remembered.push(change);
                    continue;
                }
                Decision::All => accept_all = true,
                Decision::Quit => return Ok(Outcome::Quit),
            }
        }
        current.insert(&planned.path, Some(change.after.clone()));
        accepted.push(change);
    }
    Ok(Outcome::Accepted(accepted, remembered))
}

enum Decision {
    Yes,
    No,
    Remember,
    All,
    Quit,
}

fn ask(term: &Term, bold: &Style) -> anyhow::Result<Decision> {
    term.write_str(&format!(
        "{} [y]es [n]o [r]emember no [a]ll [q]uit › ",
        bold.apply_to("Apply this change?")
    ))?;
    loop {
        let decision = match term.read_key()? {
            Key::Char('y' | 'Y') => (Decision::Yes, "yes"),
            Key::Char('n' | 'N') => (Decision::No, "no, skipped"),
            Key::Char('r' | 'R') => (Decision::Remember, "no, and not again (recorded in harden.toml)"),
            Key::Char('a' | 'A') => (Decision::All, "all: accepting this and every remaining change"),
            Key::Char('q' | 'Q') | Key::Escape | Key::CtrlC => (Decision::Quit, "quit"),
            _ => continue,
        };
        term.write_line(decision.1)?;
        return Ok(decision.0);
    }
}
