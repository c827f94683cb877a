//! harden: make an AI-built web-app prototype production-ready, in place.

mod apply;
mod batch;
mod cli;
mod config;
mod diff;
mod error;
mod files;
mod git;
mod journal;
mod plan;
mod project;
mod review;
mod scaffold;
mod scan;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{Exit, Refusal};

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
        Command::Apply(args) => apply::run(&args),
        Command::Undo(args) => apply::undo(&args),
        Command::Scan(args) => apply::scan(&args),
        Command::Batch(args) => batch::run(&args),
        Command::List => apply::list(),
        Command::ParseOnly { path } => apply::parse_only(&path),
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

pub(crate) fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
