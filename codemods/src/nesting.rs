//! A cheap guard against input no person writes: nesting so deep that swc's
//! recursive descent (and every visit and drop after it) would overflow even
//! harden's large thread stacks, which aborts the whole run, not one file.
//!
//! Brackets are not the only way to nest: `<a><a>…` JSX, `A<A<…>>` generics,
//! `!!!…x`, `a = a = …`, `a => a => …`, ``f`a``b`…``, `c ? a : c ? a : …`, `if (x) if (x) …`,
//! `else if` chains, labels, long operator and member chains all build a tree
//! one level deeper per token. One pass over the bytes counts, for the current
//! bracket level, the tokens that can deepen the tree since the last `;` or
//! `,` there; the estimate is the sum over the open levels. It overestimates
//! flat code (the deepest of 5,190 files in nine real projects scored ~1,000,
//! SVG path data in JSX), which is why the limit is five times that; the
//! cheapest construct per level in a debug build still survives three times
//! the limit (`nesting_limits_fit_the_stack` below measures each one).

/// Deeper bracket nesting than this is refused.
pub const MAX_BRACKETS: usize = 1000;
/// A larger estimate than this is refused.
pub const MAX_ESTIMATE: usize = 5000;
/// More `<` left open than this in one statement is refused: in an
/// expression each may be a comparison or type arguments, and swc's
/// backtracking between the two grows faster than linearly (1,000 took a
/// second in a release build).
pub const MAX_OPEN_ANGLES: usize = 100;

#[derive(Debug, PartialEq, Eq)]
pub struct TooDeep {
    /// Byte offset where the limit was passed.
    pub offset: usize,
    pub message: String,
}

/// Words that put their operand one level deeper.
const DEEPENING_WORDS: &[&[u8]] = &[
    b"if",
    b"while",
    b"for",
    b"do",
    b"with",
    b"new",
    b"await",
    b"typeof",
    b"void",
    b"delete",
    b"keyof",
    b"yield",
    b"extends",
    b"instanceof",
    b"in",
    b"as",
    b"satisfies",
    b"infer",
    b"readonly",
    b"unique",
    b"return",
    b"throw",
    b"case",
];

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// One open bracket level: deepening tokens since its last `;`/`,`, and
/// `else`s (an `else if` chain nests across `;`).
#[derive(Default)]
struct Level {
    chain: usize,
    elses: usize,
    /// `<` opened (JSX, type arguments, or a comparison) and not yet closed by a `>`.
    angles: usize,
}

/// The open levels (never empty: the outermost is never closed) and the
/// estimate, kept as their sum (1 + chain + elses each) as they change.
struct Nesting {
    levels: Vec<Level>,
    estimate: usize,
}

impl Nesting {
    fn top(&mut self) -> &mut Level {
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    fn deepen(&mut self) {
        self.top().chain += 1;
        self.estimate += 1;
    }

    /// `</` or `/>`: an element closes.
    fn close_element(&mut self) {
        let top = self.top();
        if top.chain > 0 {
            top.chain -= 1;
            self.estimate -= 1;
        }
    }

    fn open(&mut self) {
        self.levels.push(Level::default());
        self.estimate += 1;
    }

    fn close(&mut self) {
        if self.levels.len() > 1 {
            if let Some(l) = self.levels.pop() {
                self.estimate -= 1 + l.chain + l.elses;
            }
        }
    }

    /// `;` or `,`: what follows does not nest in what came before.
    fn separate(&mut self, statement_ends: bool) {
        let top = self.top();
        let chain = std::mem::take(&mut top.chain);
        // `Map<K, V>`: a comma does not close an angle.
        if statement_ends {
            top.angles = 0;
        }
        self.estimate -= chain;
    }
}

/// Where `text` first nests deeper than harden processes safely, if anywhere.
/// Strings and comments are not skipped (JSX text makes quotes unreliable):
/// their brackets and operators count too.
pub fn too_deep(text: &str) -> Option<TooDeep> {
    let bytes = text.as_bytes();
    let mut n = Nesting { levels: vec![Level::default()], estimate: 1 };
    let refuse = |offset, message| Some(TooDeep { offset, message });
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let prev = if i > 0 { bytes[i - 1] } else { 0 };
        match b {
            b'(' | b'[' | b'{' => {
                if n.levels.len() > MAX_BRACKETS {
                    return refuse(i, format!("nested more than {MAX_BRACKETS} levels deep"));
                }
                // `f()()`, `a[0][0]`: each call or index wraps the previous one.
                if (b == b'(' && prev == b')') || (b == b'[' && prev == b']') {
                    n.deepen();
                }
                n.open();
            }
            b')' | b']' | b'}' => n.close(),
            b';' | b',' => n.separate(b == b';'),
            // A JSX element or a type argument opens; `</` and `/>` close one.
            b'<' if next == b'/' => n.close_element(),
            b'<' if ident_byte(next) || next == b'>' => {
                n.deepen();
                n.top().angles += 1;
                if n.top().angles > MAX_OPEN_ANGLES {
                    return refuse(i, format!("more than {MAX_OPEN_ANGLES} `<` left open in one statement"));
                }
            }
            b'>' if prev != b'=' && prev != b'-' => {
                let top = n.top();
                top.angles = top.angles.saturating_sub(1);
            }
            b'/' if next == b'>' => n.close_element(),
            b'=' if b"=!<>+-*/%&|^".contains(&prev) || next == b'=' => {}
            b'?' if next == b'.' || next == b'?' => {}
            b'=' | b'?' | b'!' | b'-' | b'+' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' | b':' | b'.'
            | b'~' | b'`' => n.deepen(),
            _ if ident_byte(b) && !ident_byte(prev) => {
                let end = bytes[i..].iter().position(|&c| !ident_byte(c)).map_or(bytes.len(), |k| i + k);
                let word = &bytes[i..end];
                if word == b"else" {
                    n.top().elses += 1;
                    n.estimate += 1;
                } else if DEEPENING_WORDS.contains(&word) {
                    n.deepen();
                }
                i = end - 1;
            }
            _ => {}
        }
        if n.estimate > MAX_ESTIMATE {
            return refuse(i, format!("nested or chained more than {MAX_ESTIMATE} levels deep"));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{all, harden_file, parse, Lang, Model};

    /// Text that makes the codemods visit the whole tree (their text tests pass).
    const HEAD: &str = "import { useEffect } from \"react\";\nexport default async function handler(req, res) {\n  const r = await fetch(\"/x\");\n  const { data } = await supabase.from(\"t\").select(\"*\");\n  res.json(req.body);\n}\n";

    /// (name, language, before, one level, middle, closing per level, after).
    type Construct =
        (&'static str, Lang, &'static str, &'static str, &'static str, &'static str, &'static str);
    const CONSTRUCTS: &[Construct] = &[
        ("jsx", Lang::Tsx, "export const C = () => ", "<a>", "", "</a>", ";\n"),
        ("unclosed jsx", Lang::Tsx, "export const C = () => ", "<a>", "", "", ";\n"),
        ("fragments", Lang::Tsx, "export const C = () => ", "<>", "", "</>", ";\n"),
        ("generics", Lang::Ts, "export type T = ", "A<", "B", ">", ";\n"),
        ("unclosed type arguments", Lang::Ts, "export const x = ", "A<", "1", "", ";\n"),
        ("unclosed calls with type arguments", Lang::Ts, "export const x = f", "<A", "(1)", "", ";\n"),
        ("not", Lang::Ts, "export const x = ", "!", "y", "", ";\n"),
        ("negation", Lang::Ts, "export const x = ", "-", "y", "", ";\n"),
        ("await", Lang::Ts, "export const x = async () => ", "await ", "y", "", ";\n"),
        ("new", Lang::Ts, "export const x = ", "new ", "Y", "", ";\n"),
        ("conditional", Lang::Ts, "export const x = ", "a?b:", "c", "", ";\n"),
        ("assignment", Lang::Ts, "let a; ", "a=", "1", "", ";\n"),
        ("arrow", Lang::Ts, "export const x = ", "a=>", "1", "", ";\n"),
        ("power", Lang::Ts, "export const x = ", "2**", "2", "", ";\n"),
        ("sum", Lang::Ts, "export const x = ", "1+", "1", "", ";\n"),
        ("member", Lang::Ts, "export const x = a", ".b", "", "", ";\n"),
        ("call", Lang::Ts, "export const x = f", "()", "", "", ";\n"),
        ("tagged templates", Lang::Ts, "export const x = f", "``", "", "", ";\n"),
        ("index", Lang::Ts, "export const x = a", "[0]", "", "", ";\n"),
        ("if", Lang::Ts, "export function g(x) { ", "if(x)", "x;", "", "}\n"),
        ("else if", Lang::Ts, "export function g(x) { if(x)x; ", "else if(x)x;", "", "", "}\n"),
        ("else if block", Lang::Ts, "export function g(x) { if(x){}", "else if(x){}", "", "", "}\n"),
        ("label", Lang::Ts, "export function g() { ", "a:", ";", "", "}\n"),
        ("while", Lang::Ts, "export function g(x) { ", "while(x)", ";", "", "}\n"),
        ("conditional type", Lang::Ts, "export type T<X> = ", "X extends A?B:", "C", "", ";\n"),
        ("keyof", Lang::Ts, "export type T = ", "keyof ", "A", "", ";\n"),
        ("parentheses", Lang::Ts, "export const x = ", "(", "1", ")", ";\n"),
        ("objects", Lang::Ts, "export const x = ", "{a:", "1", "}", ";\n"),
        ("templates", Lang::Ts, "export const x = ", "`${", "1", "}`", ";\n"),
    ];

    fn build(c: &Construct, levels: usize) -> String {
        let (_, _, before, open, middle, close, after) = c;
        format!("{HEAD}{before}{}{middle}{}{after}", open.repeat(levels), close.repeat(levels))
    }

    /// The largest number of levels of `c` the guard lets through.
    fn largest_accepted(c: &Construct) -> usize {
        let (mut lo, mut hi) = (1, 200_000);
        while lo + 1 < hi {
            let mid = (lo + hi) / 2;
            if too_deep(&build(c, mid)).is_none() {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    }

    #[test]
    fn every_construct_is_refused_when_absurdly_deep() {
        for c in CONSTRUCTS {
            let err = too_deep(&build(c, 100_000)).unwrap_or_else(|| panic!("{}: not refused", c.0));
            assert!(
                err.message.contains("levels deep") || err.message.contains("left open"),
                "{}: {}",
                c.0,
                err.message
            );
        }
    }

    /// Each construct as deep as the guard lets through is parsed, hardened
    /// and dropped in bounded time on a thread with a third of harden's stack:
    /// the guard's margin, measured (a debug build uses the most stack).
    #[test]
    fn nesting_limits_fit_the_stack_three_times_over() {
        let checked = std::thread::Builder::new()
            .stack_size(crate::STACK_SIZE / 3)
            .spawn(|| {
                let codemods: Vec<_> = all().to_vec();
                let facts = Model::default();
                for c in CONSTRUCTS {
                    let levels = largest_accepted(c);
                    let text = build(c, levels);
                    let started = std::time::Instant::now();
                    // Some do not parse (unclosed JSX): swc gets that far first.
                    let _ = parse::parse(&text, c.1);
                    let path = if c.1 == Lang::Tsx { "src/deep.tsx" } else { "src/deep.ts" };
                    let _ = harden_file(path, &text, c.1, &codemods, &facts);
                    let took = started.elapsed();
                    eprintln!("{}: {levels} levels in {took:?}", c.0);
                    // A hang, not a slow machine: 5,000 nested labels take swc's own
                    // parser ~10 s in a debug build on a loaded 2-core machine.
                    assert!(took.as_secs() < 60, "{}: {levels} levels took {took:?}", c.0);
                }
            })
            .expect("thread")
            .join();
        assert!(checked.is_ok(), "a construct overflowed or failed");
    }

    #[test]
    fn real_code_is_far_below_the_limit() {
        let component = "export function List({ items }: Props) {\n  return (\n    <ul className=\"list\">\n      {items.map((i) => (\n        <li key={i.id} onClick={() => select(i.id)}>\n          {i.name ?? \"-\"} — don't {i.count > 1 ? \"many\" : \"one\"}!\n        </li>\n      ))}\n    </ul>\n  );\n}\n";
        let big = component.repeat(400);
        assert!(too_deep(&big).is_none());
        let types = "export type Row = Database[\"public\"][\"Tables\"][\"t\"][\"Row\"] & Partial<Record<string, Array<Promise<void>>>>;\n".repeat(2000);
        assert!(too_deep(&types).is_none());
    }
}
