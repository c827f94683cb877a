//! Parsing with swc. One parse per file; no `SourceMap` is needed because every
//! file starts at `BytePos(1)` (0 is swc's dummy position), so a span's byte
//! offset in the text is `pos - 1`.

use std::fmt;

use swc_core::common::{BytePos, Span, Spanned};
use swc_core::ecma::ast::Program;
use swc_core::ecma::parser::{EsSyntax, Parser, StringInput, Syntax, TsSyntax};

/// The dialect a file is parsed as, chosen from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// `.ts .mts .cts` (JSX is tried when plain TypeScript fails: real exports have it).
    Ts,
    Tsx,
    /// `.js .jsx .mjs .cjs`, always with JSX enabled.
    Js,
}

impl Lang {
    pub fn from_path(path: &str) -> Option<Lang> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "ts" | "mts" | "cts" => Some(Lang::Ts),
            "tsx" => Some(Lang::Tsx),
            "js" | "jsx" | "mjs" | "cjs" => Some(Lang::Js),
            _ => None,
        }
    }
}

/// A file that does not parse: 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// A file that parsed cleanly. One swc only recovered from (a truncated file,
/// a stray token) is an error: its tree is a guess, and edits made on a guess
/// are not edits a reviewer would accept (1 of 5,246 files in nine real
/// projects, a file cut off mid-object).
pub struct Parsed {
    pub program: Program,
}

/// Byte offset in the text of a span's start.
pub fn lo(span: Span) -> usize {
    (span.lo.0 as usize).saturating_sub(1)
}

/// Byte offset in the text of a span's end.
pub fn hi(span: Span) -> usize {
    (span.hi.0 as usize).saturating_sub(1)
}

/// Byte range of any node.
pub fn range<T: Spanned>(node: &T) -> std::ops::Range<usize> {
    let span = node.span();
    lo(span)..hi(span)
}

pub fn parse(text: &str, lang: Lang) -> Result<Parsed, ParseError> {
    if let Some(deep) = crate::nesting::too_deep(text) {
        let (line, col) = line_col(text, deep.offset);
        return Err(ParseError { line, col, message: deep.message });
    }
    match lang {
        Lang::Tsx => parse_with(text, ts(true)),
        Lang::Js => parse_with(text, Syntax::Es(EsSyntax { jsx: true, ..Default::default() })),
        Lang::Ts => {
            parse_with(text, ts(false)).or_else(|first| parse_with(text, ts(true)).map_err(|_| first))
        }
    }
}

fn ts(tsx: bool) -> Syntax {
    Syntax::Typescript(TsSyntax { tsx, decorators: true, ..Default::default() })
}

fn parse_with(text: &str, syntax: Syntax) -> Result<Parsed, ParseError> {
    if text.len() >= (u32::MAX - 2) as usize {
        return Err(ParseError { line: 1, col: 1, message: "file too large to parse".into() });
    }
    let end = BytePos(text.len() as u32 + 1);
    // A parser that panics on odd input (swc has debug assertions a mutated
    // file can trip) fails this file, not the run.
    PARSING.with(|p| p.set(true));
    let result = std::panic::catch_unwind(|| {
        let input = StringInput::new(text, BytePos(1), end);
        let mut parser = Parser::new(syntax, input, None);
        let error = match parser.parse_program() {
            Ok(program) => match parser.take_errors().into_iter().next() {
                None => return Ok(Parsed { program }),
                Some(recovered) => recovered,
            },
            Err(error) => error,
        };
        let (line, col) = line_col(text, lo(error.span()));
        Err(ParseError { line, col, message: error.kind().msg().into_owned() })
    });
    PARSING.with(|p| p.set(false));
    result.unwrap_or_else(|_| {
        Err(ParseError { line: 1, col: 1, message: "the parser failed on this file".into() })
    })
}

thread_local! {
    static PARSING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside the parser (a panic hook stays quiet there:
/// the file is reported as not parsing).
pub fn parsing() -> bool {
    PARSING.with(|p| p.get())
}

/// Installs, once, a panic hook that stays quiet for panics inside the parser
/// (that file is reported as not parsing) and hands every other panic to the
/// hook that was there before (the default one, or a fuzzer's).
pub fn quiet_parser_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !parsing() {
                previous(info);
            }
        }));
    });
}

/// The start of every line of a text, for finding many lines at once.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// 1-based line where a node starts.
    pub fn line_of<T: Spanned>(&self, node: &T) -> usize {
        self.line(lo(node.span()))
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "a\nbb\n\nccc";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            assert_eq!(index.line(offset), line_col(text, offset).0, "{offset}");
        }
    }

    #[test]
    fn ts_file_with_jsx_falls_back_to_tsx() {
        assert!(parse("const a = <div>{1}</div>;\n", Lang::Ts).is_ok());
        assert!(parse("const a = <T,>(x: T) => x;\n", Lang::Ts).is_ok());
    }

    #[test]
    fn error_has_position() {
        let err = parse("const a = 1;\nconst = ;\n", Lang::Ts).err().expect("must fail");
        assert_eq!(err.line, 2);
        assert!(err.col >= 1);
    }

    #[test]
    fn a_file_the_parser_only_recovers_from_is_an_error() {
        // Cut off inside an object (as in a real export): swc recovers, harden does not edit.
        let err = parse(
            "export async function GET() {\n  const rows = await db.find({\n    where: { a: 1 },\n",
            Lang::Ts,
        )
        .err()
        .expect("an error");
        assert!(err.message.contains("Expected"), "{err}");
    }

    #[test]
    fn spans_map_to_byte_offsets() {
        let text = "// é\nlet x = 1;";
        let parsed = parse(text, Lang::Js).expect("parses");
        let Program::Script(script) = parsed.program else { panic!("script expected") };
        assert_eq!(&text[range(&script.body[0])], "let x = 1;");
    }
}
