//! Text edits: a byte range of the original text and its replacement. Everything
//! outside the ranges is kept byte for byte.

use std::fmt;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit { range: at..at, text: text.into() }
    }

    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit { range, text: text.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    Overlap { first: Range<usize>, second: Range<usize> },
    OutOfBounds { range: Range<usize>, len: usize },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Overlap { first, second } => {
                write!(f, "edits overlap: {first:?} and {second:?}")
            }
            EditError::OutOfBounds { range, len } => {
                write!(f, "edit {range:?} is outside the text (length {len}) or splits a character")
            }
        }
    }
}

impl std::error::Error for EditError {}

/// Applies edits to `text`. Edits may come in any order; two edits overlap when
/// their ranges intersect, or when both insert at the same offset (their order
/// would be ambiguous). Overlap is a codemod bug and is reported, not resolved.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    for edit in &sorted {
        let r = &edit.range;
        if r.start > r.end
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            return Err(EditError::OutOfBounds { range: r.clone(), len: text.len() });
        }
    }
    for pair in sorted.windows(2) {
        let (a, b) = (&pair[0].range, &pair[1].range);
        if a.end > b.start || (a.start == b.start && (a.is_empty() || b.is_empty())) {
            return Err(EditError::Overlap { first: a.clone(), second: b.clone() });
        }
    }
    let extra: usize = sorted.iter().map(|e| e.text.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut at = 0;
    for edit in sorted {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Offset of the start of the line containing `pos`.
pub fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// Offset of the end of the line containing `pos`, before its `\r\n` or `\n`.
pub fn line_end(text: &str, pos: usize) -> usize {
    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    if end > pos && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The whitespace that starts the line containing `pos`.
pub fn line_indent(text: &str, pos: usize) -> &str {
    let start = line_start(text, pos);
    let line = &text[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// True when only whitespace precedes `pos` on its line.
pub fn starts_line(text: &str, pos: usize) -> bool {
    text[line_start(text, pos)..pos].trim_matches([' ', '\t']).is_empty()
}

/// Where a new statement line can go after a statement ending at `end`: the end
/// of its line, when the rest of the line is blank or a `//` comment.
pub fn after_line(text: &str, end: usize) -> Option<usize> {
    let eol = line_end(text, end);
    let rest = text[end..eol].trim_start_matches([' ', '\t']);
    (rest.is_empty() || rest.starts_with("//")).then_some(eol)
}

/// Where and how a new line goes after a statement: at the end of its line,
/// with this line's own terminator, its indentation, and a semicolon when the
/// file uses them, when the statement itself ends with one, or when the next
/// line starts with a character that would continue the inserted statement
/// (ASI).
pub struct After<'a> {
    pub at: usize,
    pub eol: &'static str,
    pub indent: &'a str,
    pub semi: &'static str,
}

pub fn after_stmt<'a>(text: &'a str, style: &crate::style::Style, stmt: Range<usize>) -> Option<After<'a>> {
    if !starts_line(text, stmt.start) {
        return None;
    }
    let at = after_line(text, stmt.end)?;
    let eol = if text[at..].starts_with("\r\n") {
        "\r\n"
    } else if text[at..].starts_with('\n') {
        "\n"
    } else {
        style.eol
    };
    let semi =
        if style.semicolons || text[..stmt.end].ends_with(';') || continues(&text[at..]) { ";" } else { "" };
    Some(After { at, eol, indent: line_indent(text, stmt.start), semi })
}

/// True when the next code starts with a character that would join a
/// preceding statement that has no semicolon.
fn continues(rest: &str) -> bool {
    let mut s = rest;
    loop {
        s = s.trim_start();
        if let Some(after) = s.strip_prefix("//") {
            s = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = s.strip_prefix("/*") {
            s = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else {
            return s.starts_with(['(', '[', '`', '+', '-', '/', '*', ',', '.', '<']);
        }
    }
}

/// The 1-based line of byte offset `at`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).map_or(0, |t| t.matches('\n').count()) + 1
}

/// The start of the comment lines directly above the line holding `pos`
/// (no blank line between), else that line's start: where code goes so as
/// not to come between a statement and its comment.
pub fn above_leading_comments(text: &str, pos: usize) -> usize {
    let mut at = line_start(text, pos);
    while at > 0 {
        let prev = line_start(text, at - 1);
        let line = text[prev..at].trim();
        let comment = line.starts_with("//") || line.starts_with("/*") || line.starts_with('*');
        if !comment {
            break;
        }
        at = prev;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_any_order() {
        let edits = [Edit::replace(5..6, "X"), Edit::insert(0, ">"), Edit::insert(9, "!")];
        assert_eq!(apply("abc\r\nd\r\ne", &edits).as_deref(), Ok(">abc\r\nX\r\ne!"));
    }

    #[test]
    fn overlap_is_an_error() {
        let err = apply("abcdef", &[Edit::replace(1..4, "x"), Edit::replace(3..5, "y")]);
        assert!(matches!(err, Err(EditError::Overlap { .. })));
        let same_point = apply("abc", &[Edit::insert(1, "x"), Edit::insert(1, "y")]);
        assert!(matches!(same_point, Err(EditError::Overlap { .. })));
        let touching = apply("abcdef", &[Edit::replace(1..3, "x"), Edit::replace(3..5, "y")]);
        assert_eq!(touching.as_deref(), Ok("axyf"));
    }

    #[test]
    fn refuses_to_split_a_character() {
        let err = apply("é", &[Edit::insert(1, "x")]);
        assert!(matches!(err, Err(EditError::OutOfBounds { .. })));
        assert_eq!(apply("é!", &[Edit::insert(2, "x")]).as_deref(), Ok("éx!"));
    }

    #[test]
    fn keeps_missing_trailing_newline_and_bom() {
        let text = "\u{feff}a\nb";
        assert_eq!(apply(text, &[Edit::insert(text.len(), ";")]).as_deref(), Ok("\u{feff}a\nb;"));
    }

    #[test]
    fn line_helpers_handle_crlf_and_tabs() {
        let text = "x\r\n\tfoo(); // c\r\nbar";
        let foo = text.find("foo").expect("present");
        assert_eq!(line_indent(text, foo), "\t");
        assert!(starts_line(text, foo));
        let end = foo + "foo();".len();
        assert_eq!(after_line(text, end), Some(text.find("\r\nbar").expect("present")));
        assert_eq!(line_end(text, text.len()), text.len());
        assert_eq!(after_line("a(); b();", 4), None);
    }
}
