//! Exit codes: 0 success, 1 `--check` found changes, 2 usage error or refusal.

use std::fmt;

/// An error the user can act on: printed as one line, exit code 2.
#[derive(Debug)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

pub fn refuse<T>(message: impl Into<String>) -> anyhow::Result<T> {
    Err(Refusal(message.into()).into())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    ChangesFound = 1,
    Refused = 2,
}

/// An error as one line: every error harden prints is one.
pub fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
