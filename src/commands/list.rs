//! `harden list`: every codemod and scaffold, what it does, where it applies.

use std::io::Write;

use crate::error::Exit;
use crate::registry::{self, Kind};

pub fn run() -> anyhow::Result<Exit> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{:<16} {:<9} what it does", "id", "kind")?;
    for (id, kind) in registry::ids() {
        match kind {
            Kind::Codemod => {
                let Some(c) = registry::codemod(id) else { continue };
                let stacks = if c.stacks().is_empty() {
                    "any JS/TS".to_string()
                } else {
                    c.stacks().iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
                };
                writeln!(out, "{:<16} {:<9} {} [{stacks}]", id, "codemod", c.title())?;
            }
            Kind::Scaffold => writeln!(out, "{:<16} {:<9} {}", id, "scaffold", registry::origin(id).title)?,
            Kind::Check => {}
        }
    }
    Ok(Exit::Success)
}
