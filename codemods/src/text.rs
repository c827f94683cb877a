//! Cheap text tests, run on every file before anything is parsed: a SIMD
//! substring search (memchr's `memmem`) rather than the standard library's.

/// Whether `text` holds `pattern`.
pub fn has(text: &str, pattern: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), pattern.as_bytes()).is_some()
}

/// Whether `text` holds any of `patterns`.
pub fn has_any(text: &str, patterns: &[&str]) -> bool {
    patterns.iter().any(|p| has(text, p))
}
