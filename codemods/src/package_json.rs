//! `package.json` edits as text edits: only the dependency section that gains
//! keys is rewritten; key order elsewhere, indentation, line endings and the
//! (missing) trailing newline stay as they were.

use serde_json::Value;

/// Adds `deps` (name, version range) to `section` (`dependencies`,
/// `devDependencies`). A dependency already present anywhere in the manifest
/// is left alone (never downgraded). `Ok(None)` when nothing needs adding.
pub fn add_dependencies(text: &str, section: &str, deps: &[(&str, &str)]) -> Result<Option<String>, String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = &text[..text.len() - body.len()];
    let manifest: Value = serde_json::from_str(body)
        .map_err(|e| format!("package.json: invalid JSON at line {} column {}: {e}", e.line(), e.column()))?;
    let Some(root) = manifest.as_object() else {
        return Err("package.json: not a JSON object".into());
    };
    let present = |name: &str| {
        ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies", section]
            .iter()
            .any(|s| root.get(*s).and_then(|d| d.get(name)).is_some())
    };
    let mut missing: Vec<(&str, &str)> = deps.iter().copied().filter(|(n, _)| !present(n)).collect();
    if missing.is_empty() {
        return Ok(None);
    }
    missing.dedup_by_key(|(n, _)| *n);
    let eol = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let members = members(body, 0).ok_or("package.json: could not read its structure")?;
    let unit = indent_unit(body, &members);
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""));

    // The last of duplicate keys is the one JSON.parse (npm, node) and serde keep.
    let out = match members.iter().rev().find(|m| m.key == section) {
        Some(m) if root.get(section).is_some_and(Value::is_object) => {
            let open = m.value.start;
            let entries =
                members_of_object(body, open).ok_or("package.json: could not read its structure")?;
            if entries.is_empty() {
                let inner = format!("{unit}{unit}");
                let lines = missing.iter().map(|(n, v)| format!("{inner}{}: {}", quote(n), quote(v)));
                let object =
                    format!("{{{eol}{}{eol}{unit}}}", lines.collect::<Vec<_>>().join(&format!(",{eol}")));
                format!("{}{object}{}", &body[..m.value.start], &body[m.value.end..])
            } else {
                insert_members(body, open, &entries, &missing)
            }
        }
        Some(_) => return Err(format!("package.json: `{section}` is not an object")),
        None => {
            let inner = format!("{unit}{unit}");
            let entries =
                missing.iter().map(|(n, v)| format!("{inner}{}: {}", quote(n), quote(v))).collect::<Vec<_>>();
            let object = format!("{{{eol}{}{eol}{unit}}}", entries.join(&format!(",{eol}")));
            let member = format!("{unit}{}: {object}", quote(section));
            match members.last() {
                Some(last) => format!("{},{eol}{member}{}", &body[..last.value.end], &body[last.value.end..]),
                None => {
                    let open = body.find('{').ok_or("package.json: not a JSON object")?;
                    let close = body.rfind('}').ok_or("package.json: not a JSON object")?;
                    format!("{}{eol}{member}{eol}{}", &body[..=open], &body[close..])
                }
            }
        }
    };
    serde_json::from_str::<Value>(&out).map_err(|e| format!("package.json: edit failed ({e})"))?;
    Ok(Some(format!("{bom}{out}")))
}

/// `body` with `missing` added to the object opening at `open`, whose
/// members are `entries` (at least one): sorted in when its keys are sorted,
/// last otherwise, each written with the separator and colon spacing its
/// neighbours use. Nothing else in the object is touched.
fn insert_members(body: &str, open: usize, entries: &[Member], missing: &[(&str, &str)]) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""));
    let first = &entries[0];
    let key_end = skip_value(body.as_bytes(), first.key_start).unwrap_or(first.key_start);
    let colon = &body[key_end..first.value.start];
    // What stands between two members: `,\n    `, `, `, `,`.
    let sep = match entries.get(1) {
        Some(second) => body[first.value.end..second.key_start].to_string(),
        None => format!(",{}", &body[open + 1..first.key_start]),
    };
    let member = |(name, version): &(&str, &str)| format!("{}{colon}{}", quote(name), quote(version));
    let sorted = entries.windows(2).all(|w| w[0].key <= w[1].key);
    let mut missing = missing.to_vec();
    if sorted {
        missing.sort_by_key(|(name, _)| *name);
    }
    let mut pending = missing.iter().peekable();
    let mut out = String::with_capacity(body.len() + 64 * missing.len());
    let mut from = 0;
    for entry in entries.iter().filter(|_| sorted) {
        while let Some(dep) = pending.next_if(|(name, _)| entry.key.as_str() > *name) {
            out.push_str(&body[from..entry.key_start]);
            from = entry.key_start;
            out.push_str(&format!("{}{sep}", member(dep)));
        }
    }
    let last_end = entries[entries.len() - 1].value.end;
    out.push_str(&body[from..last_end]);
    for dep in pending {
        out.push_str(&format!("{sep}{}", member(dep)));
    }
    out.push_str(&body[last_end..]);
    out
}

struct Member {
    key: String,
    /// Offset of the key's opening quote.
    key_start: usize,
    value: std::ops::Range<usize>,
}

/// The members of the object that starts at or after `from` (its `{`).
fn members(text: &str, from: usize) -> Option<Vec<Member>> {
    let open = from + text[from..].find('{')?;
    members_of_object(text, open)
}

fn members_of_object(text: &str, open: usize) -> Option<Vec<Member>> {
    let bytes = text.as_bytes();
    let mut i = open + 1;
    let mut out = Vec::new();
    loop {
        i = skip_ws(bytes, i);
        match bytes.get(i)? {
            b'}' => return Some(out),
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let key_start = i;
        let key_end = skip_value(bytes, i)?;
        let key: String = serde_json::from_str(&text[key_start..key_end]).ok()?;
        i = skip_ws(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let value_start = skip_ws(bytes, i + 1);
        let value_end = skip_value(bytes, value_start)?;
        out.push(Member { key, key_start, value: value_start..value_end });
        i = value_end;
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The end of the JSON value starting at `i`.
fn skip_value(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => {
            let mut j = i + 1;
            loop {
                match bytes.get(j)? {
                    b'\\' => j += 2,
                    b'"' => return Some(j + 1),
                    _ => j += 1,
                }
            }
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match bytes.get(j)? {
                    b'"' => {
                        j = skip_value(bytes, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while bytes.get(j).is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace()) {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// The indentation of the root object's members (two spaces when unknown).
fn indent_unit(text: &str, members: &[Member]) -> String {
    members
        .first()
        .map(|m| {
            let line_start = text[..m.key_start].rfind('\n').map_or(0, |i| i + 1);
            text[line_start..m.key_start].to_string()
        })
        .filter(|s| !s.is_empty() && s.chars().all(|c| c == ' ' || c == '\t'))
        .unwrap_or_else(|| "  ".into())
}

/// `text` with the script `name` set to `value` in place (its key, spacing
/// and everything else kept). `None` when the script is not there as given.
pub fn set_script(text: &str, name: &str, old: &str, value: &str) -> Option<String> {
    let key = serde_json::to_string(name).ok()?;
    let old_json = serde_json::to_string(old).ok()?;
    let scripts = text.find("\"scripts\"")?;
    let mut from = scripts;
    while let Some(i) = text[from..].find(&key) {
        let at = from + i + key.len();
        let rest = text[at..].trim_start();
        if let Some(rest) = rest.strip_prefix(':') {
            let value_at = text.len() - rest.trim_start().len();
            if text[value_at..].starts_with(&old_json) {
                let new_json = serde_json::to_string(value).ok()?;
                return Some(format!(
                    "{}{new_json}{}",
                    &text[..value_at],
                    &text[value_at + old_json.len()..]
                ));
            }
        }
        from = at;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicated_section_gains_members_in_the_copy_npm_reads() {
        // Found by the package_json fuzz target: the first copy was edited,
        // which JSON.parse ignores.
        let text = "{\n  \"dependencies\": { \"a\": \"1\" },\n  \"dependencies\": { \"b\": \"1\" }\n}\n";
        let after =
            add_dependencies(text, "dependencies", &[("zod", "^3.25.0")]).expect("ok").expect("added");
        let v: Value = serde_json::from_str(&after).expect("json");
        assert_eq!(v["dependencies"]["zod"], "^3.25.0", "{after}");
    }

    #[test]
    fn scripts_set_in_place() {
        let text = "{\n  \"scripts\": {\n    \"dev\": \"tsx watch src/index.ts\",\n    \"start\":\"tsx src/index.ts\"\n  }\n}\n";
        let out =
            set_script(text, "start", "tsx src/index.ts", "tsx --import ./src/instrument.ts src/index.ts")
                .expect("set");
        assert_eq!(out, "{\n  \"scripts\": {\n    \"dev\": \"tsx watch src/index.ts\",\n    \"start\":\"tsx --import ./src/instrument.ts src/index.ts\"\n  }\n}\n");
        assert_eq!(set_script(text, "build", "tsc", "x"), None);
    }

    #[test]
    fn inserts_sorted_and_keeps_everything_else() {
        let text = "{\n  \"name\": \"app\",\n  \"files\": [\"dist\", \"src\"],\n  \"dependencies\": {\n    \"react\": \"^18.3.1\",\n    \"sonner\": \"^1.5.0\"\n  },\n  \"scripts\": { \"dev\": \"vite\" }\n}";
        let out = add_dependencies(text, "dependencies", &[("zod", "^3.25.0"), ("@sentry/react", "^10.0.0")])
            .expect("valid")
            .expect("changed");
        assert_eq!(
            out,
            "{\n  \"name\": \"app\",\n  \"files\": [\"dist\", \"src\"],\n  \"dependencies\": {\n    \"@sentry/react\": \"^10.0.0\",\n    \"react\": \"^18.3.1\",\n    \"sonner\": \"^1.5.0\",\n    \"zod\": \"^3.25.0\"\n  },\n  \"scripts\": { \"dev\": \"vite\" }\n}"
        );
    }

    #[test]
    fn adds_a_missing_section_with_the_files_indent_and_crlf() {
        let text = "{\r\n    \"name\": \"api\",\r\n    \"version\": \"1.0.0\"\r\n}\r\n";
        let out = add_dependencies(text, "devDependencies", &[("typescript", "^5.6.0")])
            .expect("valid")
            .expect("changed");
        assert_eq!(
            out,
            "{\r\n    \"name\": \"api\",\r\n    \"version\": \"1.0.0\",\r\n    \"devDependencies\": {\r\n        \"typescript\": \"^5.6.0\"\r\n    }\r\n}\r\n"
        );
    }

    #[test]
    fn never_touches_a_dependency_already_there() {
        let text = "{\n\t\"devDependencies\": {\n\t\t\"zod\": \"^4.0.0\"\n\t}\n}\n";
        assert_eq!(add_dependencies(text, "dependencies", &[("zod", "^3.0.0")]), Ok(None));
    }

    #[test]
    fn unsorted_sections_get_the_new_key_last_and_empty_objects_work() {
        let text = "{\n  \"dependencies\": {\n    \"b\": \"1\",\n    \"a\": \"1\"\n  },\n  \"devDependencies\": {}\n}";
        let out = add_dependencies(text, "dependencies", &[("c", "2")]).expect("valid").expect("changed");
        assert!(out.contains("\"a\": \"1\",\n    \"c\": \"2\"\n  },"), "{out}");
        let out = add_dependencies(text, "devDependencies", &[("t", "5")]).expect("valid").expect("changed");
        assert!(out.ends_with("\"devDependencies\": {\n    \"t\": \"5\"\n  }\n}"), "{out}");
        assert_eq!(
            add_dependencies("{}", "dependencies", &[("x", "1")]).expect("valid").as_deref(),
            Some("{\n  \"dependencies\": {\n    \"x\": \"1\"\n  }\n}")
        );
    }

    #[test]
    fn compact_objects_get_members_in_their_own_style() {
        let text = "{\n  \"scripts\": { \"dev\": \"vite\" },\n  \"dependencies\": {\"react\":\"^18.3.1\",\"zod\":\"^3.25.0\"}\n}\n";
        let out = add_dependencies(text, "scripts", &[("db:migrate", "prisma migrate deploy")])
            .expect("valid")
            .expect("changed");
        assert_eq!(
            out,
            "{\n  \"scripts\": { \"db:migrate\": \"prisma migrate deploy\", \"dev\": \"vite\" },\n  \"dependencies\": {\"react\":\"^18.3.1\",\"zod\":\"^3.25.0\"}\n}\n"
        );
        let out = add_dependencies(text, "dependencies", &[("@sentry/react", "^10.0.0")])
            .expect("valid")
            .expect("changed");
        assert!(
            out.contains("{\"@sentry/react\":\"^10.0.0\",\"react\":\"^18.3.1\",\"zod\":\"^3.25.0\"}"),
            "{out}"
        );
    }

    #[test]
    fn broken_json_is_a_one_line_error() {
        let err = add_dependencies("{ \"name\": ", "dependencies", &[("x", "1")]).unwrap_err();
        assert!(err.starts_with("package.json: invalid JSON at line 1"), "{err}");
        assert!(!err.contains('\n'));
    }
}
