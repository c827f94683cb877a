//! Property tests: the fixture sources, mutated (ranges cut or doubled, tokens
//! and odd characters inserted, a token repeated thousands of times to nest
//! deeply, huge literals, line endings and a BOM mixed in), and random bytes,
//! never make harden panic or overflow its stack, never give an output that
//! does not parse, and what harden writes proposes nothing on a second run.

use std::fs;
use std::path::Path;

use harden_codemods::invariants;
use proptest::prelude::*;

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for codemod in fs::read_dir(&root).expect("fixtures").flatten() {
        for case in fs::read_dir(codemod.path()).expect("cases").flatten() {
            for file in fs::read_dir(case.path()).expect("files").flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                if name.starts_with("input.") {
                    let ext = name.rsplit('.').next().unwrap_or("ts").to_string();
                    let path = fs::read_to_string(case.path().join("path"))
                        .map(|p| p.trim().to_string())
                        .unwrap_or_else(|_| format!("src/components/example.{ext}"));
                    out.push((path, fs::read_to_string(file.path()).expect("read")));
                }
            }
        }
    }
    out.sort();
    out
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    ";",
    "\"",
    "'",
    "`",
    "\r\n",
    "\n",
    "\u{feff}",
    "async ",
    "await ",
    "=>",
    "<div>",
    "</div>",
    "/*",
    "*/",
    "//",
    "${",
    "é",
    "🦀",
    "\u{2028}",
    "return ",
    "try {",
    "} catch (e) {}",
    ".from(\"x\").select()",
    "fetch(url)",
    "req.body",
    " as any",
    "!",
    "<a>",
    "A<",
    "a=>",
    "a?b:",
    "if(x)",
    "else if(x)x;",
    "a:",
    ".b",
    "()",
    "a=",
    "await ",
    "-",
];

#[derive(Debug, Clone)]
enum Mutation {
    Cut(usize, usize),
    Double(usize, usize),
    Insert(usize, usize),
    /// A token repeated (deep nesting or a long chain).
    Repeat(usize, usize, usize),
    /// A string literal of this many characters.
    Huge(usize, usize),
    Crlf,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::Cut(a, n)),
        (any::<usize>(), 0usize..80).prop_map(|(a, n)| Mutation::Double(a, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (any::<usize>(), 0..TOKENS.len(), 100usize..20_000).prop_map(|(a, t, n)| Mutation::Repeat(a, t, n)),
        (any::<usize>(), 1000usize..300_000).prop_map(|(a, n)| Mutation::Huge(a, n)),
        Just(Mutation::Crlf),
    ]
}

/// The nearest char boundary at or before `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate(text: &str, m: &Mutation) -> String {
    match *m {
        Mutation::Cut(a, n) => {
            let a = boundary(text, a);
            let b = boundary(text, (a + n).min(text.len()));
            format!("{}{}", &text[..a], &text[b.max(a)..])
        }
        Mutation::Double(a, n) => {
            let a = boundary(text, a);
            let b = boundary(text, (a + n).min(text.len())).max(a);
            format!("{}{}{}", &text[..b], &text[a..b], &text[b..])
        }
        Mutation::Insert(a, t) => {
            let a = boundary(text, a);
            format!("{}{}{}", &text[..a], TOKENS[t], &text[a..])
        }
        Mutation::Repeat(a, t, n) => {
            let a = boundary(text, a);
            format!("{}{}{}", &text[..a], TOKENS[t].repeat(n), &text[a..])
        }
        Mutation::Huge(a, n) => {
            let a = boundary(text, a);
            format!("{}\"{}\"{}", &text[..a], "é".repeat(n / 2), &text[a..])
        }
        Mutation::Crlf => text.replace('\n', "\r\n"),
    }
}

fn check(path: &str, text: String) -> Result<(), TestCaseError> {
    invariants::check_on_harden_stack(path, text, std::time::Duration::from_secs(60))
        .map_err(TestCaseError::fail)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn mutated_sources_never_break(index in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..4)) {
        let sources = sources();
        let (path, original) = &sources[index % sources.len()];
        let mut text = original.clone();
        for m in &mutations {
            text = mutate(&text, m);
        }
        check(path, text)?;
    }

    #[test]
    fn random_bytes_never_break(bytes in proptest::collection::vec(any::<u8>(), 0..4096), tsx in any::<bool>()) {
        let path = if tsx { "src/pages/Random.tsx" } else { "supabase/functions/random/index.ts" };
        check(path, String::from_utf8_lossy(&bytes).into_owned())?;
    }
}
