//! harden: make an AI-built web-app prototype production-ready, in place.

// Floors, bottom up; each module uses only those on its floor or below.
// Plain data:
mod checklist;
mod data;
mod error;
// Reading the project:
mod config;
mod files;
mod git;
mod project;
// The project model (the codemods crate defines it):
mod model;
// Planning: scaffolds, the registry of ids, the pipeline, the scan report:
mod plan;
mod registry;
mod scaffold;
mod scan;
// Showing and writing:
mod diff;
mod journal;
mod patch;
mod review;
// The commands:
mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{one_line, Exit, Refusal};

fn main() -> ExitCode {
    // Deeply nested sources need more stack than rayon's default for swc's recursive descent.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(harden_codemods::STACK_SIZE).build_global();
    // A parser panic on odd input is reported as that file not parsing.
    harden_codemods::parse::quiet_parser_panics();
    let cli = Cli::parse();
    // The command runs on a thread with a large stack too: a single file is
    // parsed on the calling thread, and swc's descent is recursive.
    let worker = std::thread::Builder::new().stack_size(harden_codemods::STACK_SIZE).spawn(move || match cli
        .command
    {
        Command::Apply(args) => commands::apply::run(&args),
        Command::Undo(args) => commands::undo::run(&args),
        Command::Scan(args) => commands::scan::run(&args),
        Command::Batch(args) => commands::batch::run(&args),
        Command::List => commands::list::run(),
        Command::Explain(args) => commands::explain::run(&args),
        Command::ParseOnly { path } => commands::parse_only::run(&path),
    });
    let result = match worker.map(|handle| handle.join()) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(anyhow::anyhow!("internal error (a bug in harden; nothing was written after it)")),
        Err(e) => Err(anyhow::anyhow!("cannot start: {e}")),
    };
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(err) => {
            let prefix = if err.downcast_ref::<Refusal>().is_some() { "harden" } else { "harden: error" };
            eprintln!("{prefix}: {}", one_line(&format!("{err:#}")));
            ExitCode::from(Exit::Refused as u8)
        }
    }
}
