//! harden: make an AI-built web-app prototype production-ready, in place.

mod apply;
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

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{Exit, Refusal};

fn main() -> ExitCode {
    // Deeply nested sources need more stack than rayon's default for swc's recursive descent.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .build_global();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Apply(args) => apply::run(&args),
        Command::Undo(args) => apply::undo(&args),
        Command::List => apply::list(),
    };
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(err) => {
            let prefix = if err.downcast_ref::<Refusal>().is_some() {
                "harden"
            } else {
                "harden: error"
            };
            eprintln!("{prefix}: {}", one_line(&format!("{err:#}")));
            ExitCode::from(Exit::Refused as u8)
        }
    }
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
