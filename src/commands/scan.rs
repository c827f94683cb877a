//! `harden scan`: the production-readiness audit, as text, JSON, SARIF or
//! Markdown; `--fail-on` gates CI.

use std::io::{IsTerminal, Write};

use super::{color_for, project_root};
use crate::cli::{FailOn, Format, ScanArgs};
use crate::config::Config;
use crate::data::Severity;
use crate::error::Exit;
use crate::{plan, registry};

pub fn run(args: &ScanArgs) -> anyhow::Result<Exit> {
    let root = project_root(&args.path)?;
    let config = Config::load(root)?;
    let selection = registry::everything();
    let plan = plan::build(root, &selection, &config)?;
    let report = crate::scan::report(&plan, &config);
    let out = match args.format {
        Format::Text => crate::scan::output::text(&report, color_for(std::io::stdout().is_terminal())),
        Format::Json => crate::scan::output::json(&report),
        Format::Sarif => crate::scan::output::sarif(&report),
        Format::Markdown => crate::scan::output::markdown(&report),
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    let threshold = args.fail_on.map(|f| match f {
        FailOn::Critical => Severity::Critical,
        FailOn::High => Severity::High,
        FailOn::Medium => Severity::Medium,
        FailOn::Low => Severity::Low,
    });
    let failing = threshold.is_some_and(|t| report.hits.iter().any(|h| h.severity <= t));
    // The run ends here: freeing the model piece by piece would only cost time.
    std::mem::forget(plan);
    Ok(if failing { Exit::ChangesFound } else { Exit::Success })
}
