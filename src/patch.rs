//! The plan as one patch that `git apply` accepts, less the files whose diff
//! would show a secret.

use crate::data::{by_file, Change};
use crate::diff;

/// The plan as one `git apply`-able patch: (patch, changes in it, files left
/// out because their diff would show a secret — whole, since their other
/// changes would not apply alone).
pub fn shareable(changes: &[Change], secrets: &[String]) -> (String, usize, Vec<String>) {
    let (shown, held): (Vec<&Change>, Vec<&Change>) =
        changes.iter().partition(|c| !diff::holds_secret(&c.path, c.before.as_deref(), &c.after, secrets));
    let held: std::collections::BTreeSet<String> = held.iter().map(|c| c.path.clone()).collect();
    let shown: Vec<Change> = shown.into_iter().filter(|c| !held.contains(&c.path)).cloned().collect();
    (patch_of(&shown), shown.len(), held.into_iter().collect())
}

fn patch_of(changes: &[Change]) -> String {
    by_file(changes).iter().map(|w| diff::unified(&w.path, w.before.as_deref(), &w.after)).collect()
}
