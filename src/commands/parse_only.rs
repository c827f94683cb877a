//! The benchmark's baseline (a hidden command): walk, read and parse every
//! source file with the same swc, and nothing else.

use std::path::Path;

use super::project_root;
use crate::error::Exit;

/// Parses every source file once, in parallel, and says how long it took:
/// the floor harden's own time is measured against.
pub fn run(path: &Path) -> anyhow::Result<Exit> {
    use rayon::prelude::*;
    let root = project_root(path)?;
    let started = std::time::Instant::now();
    let (sources, _) = crate::files::walk(root, &[])?;
    let (bytes, parsed): (usize, usize) = sources
        .par_iter()
        .filter_map(|s| {
            let text = crate::files::read_source(&s.abs).ok()?;
            let lang = harden_codemods::Lang::from_path(&s.rel)?;
            let ok = harden_codemods::parse::parse(text.trim_start_matches('\u{feff}'), lang).is_ok();
            Some((text.len(), usize::from(ok)))
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "parsed {parsed} of {} files ({:.1} MB) in {} ms",
        sources.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_millis()
    );
    Ok(Exit::Success)
}
