//! `harden.toml` at the project root (optional):
//!
//! ```toml
//! skip = ["fetch-ok"]            # codemods and scaffolds never to run here
//! exclude = ["src/legacy/**"]    # gitignore-style globs harden never touches
//! ```

use std::fs;
use std::path::Path;

use toml_edit::{Document, Item, Value};

use crate::error::refuse;

#[derive(Debug, Default)]
pub struct Config {
    pub skip: Vec<String>,
    pub exclude: Vec<String>,
}

pub const FILE: &str = "harden.toml";
const KEYS: &[&str] = &["skip", "exclude"];

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
        for (key, item) in table.iter() {
            let line = table
                .key(key)
                .and_then(|k| k.span())
                .map_or(1, |s| text[..s.start.min(text.len())].matches('\n').count() + 1);
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

fn string_array(item: &Item) -> Option<Vec<String>> {
    let array = item.as_array()?;
    array.iter().map(|v| if let Value::String(s) = v { Some(s.value().clone()) } else { None }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys() {
        let c =
            Config::parse("# mine\nskip = [\"fetch-ok\"]\nexclude = [\"src/legacy/**\"]\n").expect("valid");
        assert_eq!(c.skip, ["fetch-ok"]);
        assert_eq!(c.exclude, ["src/legacy/**"]);
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
