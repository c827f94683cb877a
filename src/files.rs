//! The source files of a project: a `.gitignore`-aware walk that skips
//! dependencies, build output and generated code, and careful reading (size,
//! binary, encoding) with a note for everything skipped.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use ignore::overrides::OverrideBuilder;
use ignore::WalkBuilder;

use crate::data::Note;

pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
const EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// Folders never searched for source files or nested apps.
pub const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "dist",
    "build",
    ".next",
    "out",
    "coverage",
    "vendor",
    ".git",
    ".harden",
    "dev-dist",
    ".vercel",
    ".turbo",
    ".output",
    ".svelte-kit",
    ".nuxt",
    "bower_components",
];

/// A source file found by the walk.
#[derive(Clone, Debug)]
pub struct SourcePath {
    pub abs: PathBuf,
    /// Relative to the project root, `/`-separated.
    pub rel: String,
}

/// Walks the project. `exclude` holds gitignore-style globs from harden.toml.
pub fn walk(root: &Path, exclude: &[String]) -> anyhow::Result<(Vec<SourcePath>, Vec<Note>)> {
    let mut overrides = OverrideBuilder::new(root);
    for pattern in exclude {
        overrides
            .add(&format!("!{pattern}"))
            .with_context(|| format!("harden.toml: invalid exclude pattern `{pattern}`"))?;
    }
    let overrides = overrides.build().context("harden.toml: invalid exclude patterns")?;
    let walker = WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .overrides(overrides)
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            !(entry.file_type().is_some_and(|t| t.is_dir()) && SKIPPED_DIRS.contains(&name.as_ref()))
        })
        .build();
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                notes.push(Note {
                    path: walk_error_path(&err, root),
                    message: format!("skipped: {}", walk_error_message(&err)),
                });
                continue;
            }
        };
        let path = entry.path();
        let rel = relative(root, path);
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if !is_source(&rel) {
            continue;
        }
        if path.to_str().is_none() {
            notes.push(Note { path: rel, message: "skipped: the file name is not valid UTF-8".into() });
            continue;
        }
        if file_type.is_symlink() {
            notes.push(Note {
                path: rel,
                message: "skipped: symbolic link (harden never writes through links)".into(),
            });
            continue;
        }
        if file_type.is_file() {
            files.push(SourcePath { abs: path.to_path_buf(), rel });
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok((files, notes))
}

fn walk_error_path(err: &ignore::Error, root: &Path) -> String {
    match err {
        ignore::Error::WithPath { path, .. } => relative(root, path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err, root)
        }
        _ => ".".into(),
    }
}

fn walk_error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_error_message(err),
        ignore::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A JS/TS source harden may edit: not declarations, not minified bundles.
fn is_source(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let Some((_, ext)) = name.rsplit_once('.') else {
        return false;
    };
    EXTENSIONS.contains(&ext)
        && !name.ends_with(".d.ts")
        && !name.ends_with(".d.mts")
        && !name.ends_with(".d.cts")
        && !name.contains(".min.")
}

/// Reads a source file as text, or says in a few words why it was skipped.
pub fn read_source(path: &Path) -> Result<String, String> {
    let meta = fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("skipped: larger than 1 MB ({} KB)", meta.len() / 1024));
    }
    let bytes = fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("skipped: UTF-16 encoded (harden edits UTF-8 files only)".into());
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("skipped: binary file".into());
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("skipped: not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

/// Why harden may not write `rel` (a read-only file, or a folder it cannot
/// write in: permissions, a read-only mount), if it may not. A read-only file
/// is left alone even where its folder would allow replacing it: someone
/// marked it so.
pub fn unwritable(root: &Path, rel: &str) -> Option<&'static str> {
    let path = root.join(rel);
    if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.permissions().readonly()) {
        return Some("read-only file");
    }
    // The folder the file is (or will be) in, or the nearest one that exists.
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| !d.exists()) {
        dir = d.parent();
    }
    let dir = dir.unwrap_or(root);
    (!folder_writable(dir)).then_some("its folder is not writable")
}

#[cfg(unix)]
fn folder_writable(dir: &Path) -> bool {
    rustix::fs::access(dir, rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK).is_ok()
}

#[cfg(not(unix))]
fn folder_writable(dir: &Path) -> bool {
    fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
}

/// Generated code says so in its first lines (`@generated`, "automatically
/// generated, do not edit"); its generator would undo harden's edits.
pub fn is_generated(text: &str) -> bool {
    let mut end = text.len().min(400);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text[..end].to_ascii_lowercase();
    ["@generated", "auto-generated", "autogenerated", "automatically generated", "do not edit"]
        .iter()
        .any(|marker| head.contains(marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files() {
        assert!(is_generated("// This file is automatically generated. Do not edit it directly.\nimport x;"));
        assert!(is_generated("/* @generated by prisma */"));
        assert!(!is_generated("import { createClient } from '@supabase/supabase-js';"));
    }

    #[test]
    fn source_names() {
        assert!(is_source("src/App.tsx"));
        assert!(is_source("server/index.cjs"));
        assert!(!is_source("src/vite-env.d.ts"));
        assert!(!is_source("public/jquery.min.js"));
        assert!(!is_source("README.md"));
        assert!(!is_source("Makefile"));
    }

    #[test]
    fn reading_skips_what_it_cannot_edit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.ts");
        fs::write(&p, [0xFF, 0xFE, b'a', 0]).expect("write");
        assert!(read_source(&p).unwrap_err().contains("UTF-16"));
        fs::write(&p, [b'a', 0, b'b']).expect("write");
        assert!(read_source(&p).unwrap_err().contains("binary"));
        fs::write(&p, [b'a', 0xC3]).expect("write");
        assert!(read_source(&p).unwrap_err().contains("UTF-8"));
        fs::write(&p, "\u{feff}let a = 1;").expect("write");
        assert_eq!(read_source(&p).as_deref(), Ok("\u{feff}let a = 1;"));
    }
}
