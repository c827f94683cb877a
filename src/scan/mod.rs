//! `harden scan`: a production-readiness audit. It reads the project exactly
//! as `apply` plans it (one parse, nothing written): every change a codemod
//! or scaffold would make is a failed check it can fix, every finding a check
//! harden reports, and a few checks of its own read the sources for what no
//! edit can fix (auth, payments, uploads, operations).

mod checks;
pub mod output;

use std::collections::BTreeMap;

use crate::checklist::{Check, CHECKS};
use crate::config::Config;
use crate::data::{Change, Severity};
use crate::plan::Plan;

/// One problem found, at a place.
#[derive(Clone, Debug)]
pub struct Hit {
    pub check: &'static str,
    pub severity: Severity,
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    NotApplicable,
}

pub struct Report {
    pub project: String,
    pub stack: String,
    pub score: u32,
    /// Each check and its status, in checklist order.
    pub statuses: Vec<(&'static Check, Status)>,
    pub hits: Vec<Hit>,
    /// Hits silenced by harden.toml `[[ignore]]`.
    pub silenced: usize,
    pub elapsed_ms: u128,
}

/// The first line a change touches.
fn first_changed_line(c: &Change) -> Option<usize> {
    let before = c.before.as_deref()?;
    before.lines().zip(c.after.lines()).position(|(a, b)| a != b).map(|i| i + 1).or(Some(1))
}

pub fn report(plan: &Plan, config: &Config) -> Report {
    build(plan, config, true)
}

/// The report as it would be once the plan's changes are made: what they
/// fix is gone (a dry run's "after").
pub fn report_after(plan: &Plan, config: &Config) -> Report {
    build(plan, config, false)
}

fn build(plan: &Plan, config: &Config, with_changes: bool) -> Report {
    let mut hits = Vec::new();
    // What harden would change is a failed check it can fix, whether or not
    // it can write the file.
    let changes = plan.changes.iter().chain(&plan.unwritable).filter(|_| with_changes);
    for c in changes {
        let Some(check) = c.origin.check.and_then(crate::checklist::by_id) else { continue };
        hits.push(Hit {
            check: check.id,
            severity: check.severity,
            file: c.path.clone(),
            line: first_changed_line(c),
            message: c.why.clone(),
        });
    }
    for f in &plan.findings {
        if f.severity == Severity::Info {
            continue;
        }
        hits.push(Hit {
            check: f.check,
            severity: f.severity,
            file: f.path.clone(),
            line: f.line,
            message: f.message.clone(),
        });
    }
    hits.extend(checks::run(plan));
    let before = hits.len();
    hits.retain(|h| !config.ignored(h.check, &h.file, h.line));
    // Changes harden.toml silenced never reached the hits.
    let silenced_changes = plan.silenced.iter().filter(|c| c.origin.check.is_some()).count();
    let silenced = before - hits.len() + if with_changes { silenced_changes } else { 0 };
    hits.sort_by(|a, b| (a.severity, a.check, &a.file, a.line).cmp(&(b.severity, b.check, &b.file, b.line)));
    let applicable = checks::applicable(plan);
    let failed: BTreeMap<&str, Severity> = hits.iter().fold(BTreeMap::new(), |mut m, h| {
        let e = m.entry(h.check).or_insert(h.severity);
        *e = (*e).min(h.severity);
        m
    });
    let statuses = CHECKS
        .iter()
        .map(|c| {
            let status = if failed.contains_key(c.id) {
                Status::Fail
            } else if applicable(c) {
                Status::Pass
            } else {
                Status::NotApplicable
            };
            (c, status)
        })
        .collect();
    // The share of the applicable checks' weight that passes; a failed
    // check weighs by its worst finding.
    let weight = |s: Severity| match s {
        Severity::Critical => 20,
        Severity::High => 10,
        Severity::Medium => 5,
        Severity::Low => 2,
        Severity::Info => 0,
    };
    let statuses: Vec<(&'static Check, Status)> = statuses;
    let possible: u32 =
        statuses.iter().filter(|(_, s)| *s != Status::NotApplicable).map(|(c, _)| weight(c.severity)).sum();
    let lost: u32 = failed.values().map(|s| weight(*s)).sum();
    let score =
        if possible == 0 { 100 } else { 100u32.saturating_sub((lost * 100).div_ceil(possible.max(lost))) };
    let stack = plan
        .project
        .apps
        .iter()
        .find(|a| a.dir.is_empty())
        .map(|a| plan.project.describe_app(a))
        .unwrap_or_else(|| "plain JavaScript/TypeScript".into());
    Report {
        project: plan.project.name.clone(),
        stack,
        score,
        statuses,
        hits,
        silenced,
        elapsed_ms: plan.elapsed.as_millis(),
    }
}
