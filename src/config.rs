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
    pub exclude: Vec<String>,
    pub page_size: u32,
    pub max_page_size: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config { skip: Vec::new(), exclude: Vec::new(), page_size: 20, max_page_size: 100 }
    }
}

pub const FILE: &str = "harden.toml";
const KEYS: &[&str] = &["skip", "exclude", "pagination"];

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
            if key == "pagination" {
                let Some(table) = item.as_table_like() else {
                    return refuse(format!("{FILE}:{line}: `pagination` must be a table, like [pagination]"));
                };
                for (k, v) in table.iter() {
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
