//! The commands, one module each over a thin `main.rs`: each reads its
//! arguments, calls the plan pipeline (or the journal), and shows the result.

pub mod apply;
pub mod batch;
pub mod explain;
pub mod list;
pub mod parse_only;
pub mod scan;
pub mod summary;
pub mod undo;

use std::fs;
use std::path::Path;

use crate::error::refuse;

/// Colour on a terminal unless `NO_COLOR` is set (https://no-color.org).
pub fn color_for(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn project_root(path: &Path) -> anyhow::Result<&Path> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(path),
        Ok(_) => refuse(format!("{}: not a folder; give the project's folder", path.display())),
        Err(e) => refuse(format!("{}: {e}", path.display())),
    }
}
