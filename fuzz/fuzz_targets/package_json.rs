//! Any text as a package.json: adding dependencies or setting a script never
//! panics, and from JSON it makes JSON that keeps every member and gains the
//! dependencies.
#![no_main]

use harden_codemods::package_json::{add_dependencies, set_script};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const DEPS: &[(&str, &str)] = &[("zod", "^3.25.0"), ("@sentry/react", "^11.12.0")];

fn json(text: &str) -> Option<Value> {
    serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let before = json(&text);
    for section in ["dependencies", "devDependencies"] {
        if let Ok(Some(after)) = add_dependencies(&text, section, DEPS) {
            let after = json(&after).expect("the output is JSON");
            let Some(Value::Object(old)) = &before else { panic!("changed text that is not a JSON object") };
            for key in old.keys() {
                assert!(after.get(key).is_some(), "`{key}` was lost");
            }
            for (name, _) in DEPS {
                let has = |v: &Value| {
                    ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]
                        .iter()
                        .any(|s| v.get(s).and_then(|d| d.get(name)).is_some())
                };
                assert!(has(&after), "{name} is not in the output");
            }
        }
    }
    if let (Some(_), Some(after)) = (&before, set_script(&text, "dev", "vite", "vite --port 3000")) {
        json(&after).expect("the output is JSON");
    }
});
