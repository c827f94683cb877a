//! `harden.toml` at the project root (optional):
//!
//! ```toml
//! skip = ["fetch-ok"]            # codemods and scaffolds never to run here
//! exclude = ["src/legacy/**"]    # gitignore-style globs harden never touches
//!
//! [pagination]
//! page-size = 20                 # rows per page when a request does not say
//! max-page-size = 100            # the most a request may ask for
//! ```

use std::fs;
use std::path::Path;

use toml_edit::{Document, Item, Value};

use crate::error::refuse;

#[derive(Debug)]
pub struct Config {
    pub skip: Vec<String>,
    /// Findings silenced: `[[ignore]]` with a `check`, and optionally a
    /// `path` and a `line`.
    pub ignore: Vec<Ignore>,
    pub exclude: Vec<String>,
    pub page_size: u32,
    pub max_page_size: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            skip: Vec::new(),
            ignore: Vec::new(),
            exclude: Vec::new(),
            page_size: 20,
            max_page_size: 100,
        }
    }
}

pub const FILE: &str = "harden.toml";
const KEYS: &[&str] = &["skip", "exclude", "pagination", "ignore"];

impl Config {
    pub fn load(root: &Path) -> anyhow::Result<Config> {
        let path = root.join(FILE);
        if !path.is_file() {
            return Ok(Config::default());
        }
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => return refuse(format!("{FILE}: cannot read: {e}")),
        };
        Config::parse(&text)
    }

    pub fn parse(text: &str) -> anyhow::Result<Config> {
        let doc = match Document::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                let line = e.span().map_or(1, |s| text[..s.start.min(text.len())].matches('\n').count() + 1);
                return refuse(format!("{FILE}:{line}: {}", e.message().trim()));
            }
        };
        let mut config = Config::default();
        let table = doc.as_table();
        let line_at = |span: Option<std::ops::Range<usize>>, or: usize| {
            span.map_or(or, |s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        };
        for (key, item) in table.iter() {
            let line = line_at(table.key(key).and_then(|k| k.span()), 1);
            if key == "ignore" {
                let Some(tables) = item.as_array_of_tables() else {
                    return refuse(format!(
                        "{FILE}:{line}: `ignore` must be tables, like [[ignore]] check = \"…\""
                    ));
                };
                for t in tables.iter() {
                    let line = line_at(t.span(), line);
                    let text_of = |k: &str| t.get(k).and_then(|v| v.as_str()).map(str::to_string);
                    let Some(check) = text_of("check") else {
                        return refuse(format!(
                            "{FILE}:{line}: each [[ignore]] needs a `check` (a check or codemod id)"
                        ));
                    };
                    let line_no = t.get("line").and_then(|v| v.as_integer()).map(|n| n.max(0) as usize);
                    config.ignore.push(Ignore { check, path: text_of("path"), line: line_no });
                }
                continue;
            }
            if key == "pagination" {
                let Some(table) = item.as_table_like() else {
                    return refuse(format!("{FILE}:{line}: `pagination` must be a table, like [pagination]"));
                };
                for (k, v) in table.iter() {
                    let line = line_at(table.key(k).and_then(|k| k.span()), line);
                    let target = match k {
                        "page-size" => &mut config.page_size,
                        "max-page-size" => &mut config.max_page_size,
                        _ => {
                            return refuse(format!(
                                "{FILE}:{line}: unknown key `pagination.{k}` (known keys: page-size, max-page-size)"
                            ))
                        }
                    };
                    match v.as_integer().filter(|n| (1..=10_000).contains(n)) {
                        Some(n) => *target = n as u32,
                        None => {
                            return refuse(format!(
                                "{FILE}:{line}: `pagination.{k}` must be a whole number from 1 to 10000"
                            ))
                        }
                    }
                }
                if config.page_size > config.max_page_size {
                    return refuse(format!(
                        "{FILE}:{line}: `pagination.page-size` is larger than `max-page-size`"
                    ));
                }
                continue;
            }
            let target = match key {
                "skip" => &mut config.skip,
                "exclude" => &mut config.exclude,
                _ => {
                    return refuse(format!(
                        "{FILE}:{line}: unknown key `{key}` (known keys: {})",
                        KEYS.join(", ")
                    ))
                }
            };
            *target = match string_array(item) {
                Some(values) => values,
                None => {
                    return refuse(format!(
                        "{FILE}:{line}: `{key}` must be an array of strings, like {key} = [\"…\"]"
                    ))
                }
            };
        }
        Ok(config)
    }
}

/// One silenced finding (or change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub check: String,
    pub path: Option<String>,
    pub line: Option<usize>,
}

impl Config {
    /// Whether `check` at `file` (`line`) is silenced.
    pub fn ignored(&self, check: &str, file: &str, line: Option<usize>) -> bool {
        self.ignore.iter().any(|i| {
            i.check == check
                && i.path.as_deref().is_none_or(|p| p == file)
                && i.line.is_none_or(|l| Some(l) == line)
        })
    }
}

/// The text of `harden.toml` with `[[ignore]]` entries added (what it holds
/// is kept as it is; `None` when there is nothing to add).
pub fn remembering(root: &Path, entries: &[Ignore]) -> anyhow::Result<Option<String>> {
    if entries.is_empty() {
        return Ok(None);
    }
    let text = fs::read_to_string(root.join(FILE)).unwrap_or_default();
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| anyhow::anyhow!("{FILE}: {e}"))?;
    let tables = doc
        .entry("ignore")
        .or_insert(Item::ArrayOfTables(toml_edit::ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| anyhow::anyhow!("{FILE}: `ignore` is not [[ignore]] tables"))?;
    for e in entries {
        let mut t = toml_edit::Table::new();
        t.insert("check", toml_edit::value(e.check.clone()));
        if let Some(p) = &e.path {
            t.insert("path", toml_edit::value(p.clone()));
        }
        tables.push(t);
    }
    Ok(Some(doc.to_string()))
}

fn string_array(item: &Item) -> Option<Vec<String>> {
    let array = item.as_array()?;
    array.iter().map(|v| if let Value::String(s) = v { Some(s.value().clone()) } else { None }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_entries() {
        let c = Config::parse("[[ignore]]\ncheck = \"console-logging\"\n\n[[ignore]]\ncheck = \"fetch-ok\"\npath = \"src/a.ts\"\nline = 3\n").expect("valid");
        assert!(c.ignored("console-logging", "any.ts", None));
        assert!(c.ignored("fetch-ok", "src/a.ts", Some(3)) && !c.ignored("fetch-ok", "src/a.ts", Some(4)));
        assert!(!c.ignored("fetch-ok", "src/b.ts", Some(3)));
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join(FILE), "# mine\nskip = [\"ci\"]\n").expect("write");
        let text = remembering(
            dir.path(),
            &[Ignore { check: "fetch-ok".into(), path: Some("src/x.ts".into()), line: None }],
        )
        .expect("remembered")
        .expect("an entry to add");
        assert!(
            text.starts_with("# mine\nskip = [\"ci\"]\n")
                && text.contains("[[ignore]]\ncheck = \"fetch-ok\"\npath = \"src/x.ts\""),
            "{text}"
        );
        assert!(Config::parse(&text).expect("valid").ignored("fetch-ok", "src/x.ts", Some(9)));
    }

    #[test]
    fn reads_keys() {
        let c =
            Config::parse("# mine\nskip = [\"fetch-ok\"]\nexclude = [\"src/legacy/**\"]\n").expect("valid");
        assert_eq!(c.skip, ["fetch-ok"]);
        assert_eq!(c.exclude, ["src/legacy/**"]);
    }

    #[test]
    fn pagination_table() {
        let c = Config::parse("[pagination]\npage-size = 50\nmax-page-size = 200\n").expect("valid");
        assert_eq!((c.page_size, c.max_page_size), (50, 200));
        let e = Config::parse("[pagination]\npage-size = \"big\"\n").unwrap_err().to_string();
        assert!(e.contains("`pagination.page-size` must be a whole number"), "{e}");
        let d = Config::parse("").expect("valid");
        assert_eq!((d.page_size, d.max_page_size), (20, 100));
    }

    #[test]
    fn wrong_types_and_keys_are_one_line_errors() {
        let e = Config::parse("\nskip = \"fetch-ok\"\n").unwrap_err().to_string();
        assert_eq!(e, "harden.toml:2: `skip` must be an array of strings, like skip = [\"…\"]");
        let e = Config::parse("skip = []\nonly = [1]\n").unwrap_err().to_string();
        assert!(e.starts_with("harden.toml:2: unknown key `only`"), "{e}");
        let e = Config::parse("skip = [\n").unwrap_err().to_string();
        assert!(e.starts_with("harden.toml:"), "{e}");
        assert!(!e.contains('\n'), "{e}");
    }
}
