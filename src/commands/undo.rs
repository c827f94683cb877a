//! `harden undo`: restore every file the last `apply` changed, byte for byte,
//! and delete the files it created.

use super::project_root;
use crate::cli::UndoArgs;
use crate::error::Exit;
use crate::journal;

pub fn run(args: &UndoArgs) -> anyhow::Result<Exit> {
    let root = project_root(&args.path)?;
    let undone = journal::undo(root, args.force)?;
    for path in &undone.restored {
        eprintln!("restored {path}");
    }
    for path in &undone.deleted {
        eprintln!("deleted  {path}");
    }
    for path in &undone.kept {
        eprintln!("kept     {path} (harden created it, but it was edited since)");
    }
    eprintln!(
        "undone: {} restored, {} deleted{}",
        undone.restored.len(),
        undone.deleted.len(),
        if undone.unchanged > 0 {
            format!(", {} already as before", undone.unchanged)
        } else {
            String::new()
        }
    );
    Ok(Exit::Success)
}
