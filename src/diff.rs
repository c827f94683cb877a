//! Unified diffs: git-style, so that the patch file is `git apply`-able, and
//! coloured for a terminal.

use console::Style;
use similar::TextDiff;

/// A git-style diff of one file (`before == None` for a new file).
pub fn unified(path: &str, before: Option<&str>, after: &str) -> String {
    let old = before.unwrap_or("");
    let mut out = format!("diff --git a/{path} b/{path}\n");
    let old_name = if before.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".into()
    };
    if before.is_none() {
        out.push_str("new file mode 100644\n");
    }
    let diff = TextDiff::from_lines(old, after);
    out.push_str(
        &diff
            .unified_diff()
            .context_radius(3)
            .missing_newline_hint(true)
            .header(&old_name, &format!("b/{path}"))
            .to_string(),
    );
    out
}

/// Colours a diff for a terminal: additions green, removals red, hunks cyan.
pub fn colorize(diff: &str) -> String {
    let (add, del, hunk, head) = (
        Style::new().green(),
        Style::new().red(),
        Style::new().cyan(),
        Style::new().bold(),
    );
    let mut out = String::with_capacity(diff.len() + diff.len() / 4);
    for line in diff.split_inclusive('\n') {
        let (body, eol) = match line.strip_suffix('\n') {
            Some(b) => (b.strip_suffix('\r').unwrap_or(b), "\n"),
            None => (line, ""),
        };
        let style =
            if body.starts_with("+++") || body.starts_with("---") || body.starts_with("diff --git")
            {
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
    fn git_style_headers() {
        let d = unified("src/a.ts", Some("a\nb\n"), "a\nc\n");
        assert!(d.starts_with("diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n"), "{d}");
        let n = unified("new.ts", None, "x\n");
        assert!(
            n.contains("new file mode 100644\n--- /dev/null\n+++ b/new.ts\n@@ -0,0 +1 @@\n+x\n"),
            "{n}"
        );
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let d = unified("a.ts", Some("a\nb"), "a\nb\nc");
        assert!(d.contains("\\ No newline at end of file"), "{d}");
    }
}
