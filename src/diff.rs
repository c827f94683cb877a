//! Unified diffs: git-style, so that the patch file is `git apply`-able, and
//! coloured for a terminal.

use console::Style;
use similar::{ChangeTag, TextDiff};

/// A local env file (`.env`, `.env.local`, …, not `.env.example`): its
/// values are secrets and are never shown.
pub fn is_secret_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    (name == ".env" || name.starts_with(".env.")) && !name.ends_with(".example") && !name.ends_with(".sample")
}

/// `KEY=value` lines with the value masked (comments and blank lines kept).
pub fn mask_env(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let body = line.trim_end_matches(['\n', '\r']);
            let ending = &line[body.len()..];
            match body.split_once('=') {
                Some((key, value)) if !key.trim_start().starts_with('#') && !value.trim().is_empty() => {
                    format!("{key}=******{ending}")
                }
                _ => line.to_string(),
            }
        })
        .collect()
}

/// A git-style diff of one file (`before == None` for a new file). The
/// values of a local env file are masked.
pub fn unified(path: &str, before: Option<&str>, after: &str) -> String {
    shown(path, before, after, &[])
}

/// Like [`unified`], with every occurrence of `secrets` masked too.
pub fn shown(path: &str, before: Option<&str>, after: &str, secrets: &[String]) -> String {
    let mask = |text: &str| {
        let mut text = if is_secret_file(path) { mask_env(text) } else { text.to_string() };
        for secret in secrets.iter().filter(|s| s.len() >= 8) {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "******");
            }
        }
        text
    };
    plain(path, before.map(mask).as_deref(), &mask(after))
}

/// Whether showing this change would show a secret (a patch leaves it out).
pub fn holds_secret(path: &str, before: Option<&str>, after: &str, secrets: &[String]) -> bool {
    is_secret_file(path)
        || secrets
            .iter()
            .filter(|s| s.len() >= 8)
            .any(|s| after.contains(s.as_str()) || before.is_some_and(|b| b.contains(s.as_str())))
}

fn plain(path: &str, before: Option<&str>, after: &str) -> String {
    let old = before.unwrap_or("");
    let (a, b) = (quote_path(&format!("a/{path}")), quote_path(&format!("b/{path}")));
    let mut out = format!("diff --git {a} {b}\n");
    let old_name = if before.is_some() { a } else { "/dev/null".into() };
    if before.is_none() {
        out.push_str("new file mode 100644\n");
    }
    // Lines end at `\n` only, as git sees them: a lone `\r` (a line break to
    // JavaScript) stays inside its line instead of splitting the patch's.
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = after.split_inclusive('\n').collect();
    let diff = TextDiff::configure().diff_slices(&old_lines, &new_lines);
    let groups = diff.grouped_ops(3);
    if groups.is_empty() {
        // Identical: nothing to say, except that a new (empty) file exists.
        return if before.is_some() { String::new() } else { out };
    }
    out.push_str(&format!("--- {old_name}\n+++ {b}\n"));
    for group in groups {
        let (Some(first), Some(last)) = (group.first(), group.last()) else { continue };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        out.push_str(&format!("@@ -{} +{} @@\n", hunk_range(&old_range), hunk_range(&new_range)));
        for op in &group {
            for change in diff.iter_changes(op) {
                out.push(match change.tag() {
                    ChangeTag::Equal => ' ',
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                });
                let line: &str = change.value();
                out.push_str(line);
                if !line.ends_with('\n') {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// `start,count` in a hunk header, the way git writes it.
fn hunk_range(range: &std::ops::Range<usize>) -> String {
    match range.len() {
        0 => format!("{},0", range.start),
        1 => format!("{}", range.start + 1),
        n => format!("{},{n}", range.start + 1),
    }
}

/// A path as git writes it in a patch: C-quoted when it holds a tab, newline,
/// quote, backslash or other control character.
fn quote_path(path: &str) -> String {
    if !path.chars().any(|c| c.is_control() || c == '"' || c == '\\') {
        return path.to_string();
    }
    let mut out = String::from("\"");
    for c in path.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Colours a diff for a terminal: additions green, removals red, hunks cyan.
pub fn colorize(diff: &str) -> String {
    let (add, del, hunk, head) =
        (Style::new().green(), Style::new().red(), Style::new().cyan(), Style::new().bold());
    let mut out = String::with_capacity(diff.len() + diff.len() / 4);
    for line in diff.split_inclusive('\n') {
        let (body, eol) = match line.strip_suffix('\n') {
            Some(b) => (b.strip_suffix('\r').unwrap_or(b), "\n"),
            None => (line, ""),
        };
        let style = if body.starts_with("+++") || body.starts_with("---") || body.starts_with("diff --git") {
            &head
        } else if body.starts_with('+') {
            &add
        } else if body.starts_with('-') {
            &del
        } else if body.starts_with("@@") {
            &hunk
        } else {
            out.push_str(body);
            out.push_str(eol);
            continue;
        };
        out.push_str(&style.apply_to(body).force_styling(true).to_string());
        out.push_str(eol);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_values_are_masked() {
        assert!(is_secret_file(".env") && is_secret_file("server/.env.local"));
        assert!(!is_secret_file(".env.example") && !is_secret_file("src/env.ts"));
        let d = unified(
            ".env",
            Some("# keys\nA=old-secret\n"),
            "# keys\nA=old-secret\nB=sk_live_123\r\nEMPTY=\n",
        );
        assert!(!d.contains("old-secret") && !d.contains("sk_live_123"), "{d}");
        assert!(d.contains("+B=******\r\n") && d.contains(" A=******\n") && d.contains("+EMPTY=\n"), "{d}");
    }

    #[test]
    fn git_style_headers() {
        let d = unified("src/a.ts", Some("a\nb\n"), "a\nc\n");
        assert!(
            d.starts_with(
                "diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n"
            ),
            "{d}"
        );
        let n = unified("new.ts", None, "x\n");
        assert!(n.contains("new file mode 100644\n--- /dev/null\n+++ b/new.ts\n@@ -0,0 +1 @@\n+x\n"), "{n}");
    }

    #[test]
    fn a_lone_carriage_return_stays_inside_its_line() {
        let d = unified("a.js", Some("// a\rb\nx\n"), "// a\rb\ny\n");
        assert!(d.ends_with("@@ -1,2 +1,2 @@\n // a\rb\n-x\n+y\n"), "{d:?}");
        let same = unified("a.js", Some("x\n"), "x\n");
        assert_eq!(same, "");
    }

    #[test]
    fn odd_paths_are_quoted_like_git_does() {
        assert_eq!(quote_path("src/my file.ts"), "src/my file.ts");
        assert_eq!(quote_path("a/src/a\tb.ts"), "\"a/src/a\\tb.ts\"");
        assert_eq!(quote_path("q\"x.ts"), "\"q\\\"x.ts\"");
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let d = unified("a.ts", Some("a\nb"), "a\nb\nc");
        assert!(d.contains("\\ No newline at end of file"), "{d}");
    }
}
