//! Every workflow harden generates — for the fixture projects and the `ci`
//! scaffold cases — is valid YAML, least-privilege, uses current action
//! majors, and runs only commands that exist in that project: scripts its
//! `package.json` defines, `tsc` where TypeScript is installed and the config
//! exists, a frozen install only beside its lockfile.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_fixture, run, stderr, FIXTURES};
use yaml_rust2::YamlLoader;

const ACTIONS: &[&str] =
    &["actions/checkout@v7", "actions/setup-node@v7", "pnpm/action-setup@v4", "oven-sh/setup-bun@v2"];

fn manifest(dir: &Path) -> serde_json::Value {
    let text = fs::read_to_string(dir.join("package.json"))
        .unwrap_or_else(|_| panic!("{}: no package.json", dir.display()));
    serde_json::from_str(&text).expect("package.json parses")
}

/// Every problem with the workflow at `root/.github/workflows/ci.yml`.
fn check_workflow(root: &Path) -> Vec<String> {
    let path = root.join(".github/workflows/ci.yml");
    let text = fs::read_to_string(&path).expect("the workflow was written");
    let docs = match YamlLoader::load_from_str(&text) {
        Ok(docs) => docs,
        Err(e) => return vec![format!("not valid YAML: {e}")],
    };
    let doc = &docs[0];
    let mut problems = Vec::new();
    if doc["permissions"]["contents"].as_str() != Some("read") {
        problems.push("permissions are not `contents: read`".to_string());
    }
    if doc["on"]["pull_request"].is_badvalue() || doc["on"]["push"].is_badvalue() {
        problems.push("not run on push and pull_request".to_string());
    }
    let Some(jobs) = doc["jobs"].as_hash() else { return vec!["no jobs".to_string()] };
    for (id, job) in jobs {
        let id = id.as_str().unwrap_or("?");
        let dir = job["defaults"]["run"]["working-directory"].as_str().unwrap_or("");
        let app = root.join(dir);
        let pkg = manifest(&app);
        let has_dep =
            |name: &str| ["dependencies", "devDependencies"].iter().any(|k| !pkg[k][name].is_null());
        let Some(steps) = job["steps"].as_vec() else {
            problems.push(format!("{id}: no steps"));
            continue;
        };
        for step in steps {
            if let Some(uses) = step["uses"].as_str() {
                if !ACTIONS.contains(&uses) {
                    problems.push(format!("{id}: unexpected action {uses}"));
                }
                if uses.starts_with("actions/checkout")
                    && step["with"]["persist-credentials"].as_bool() != Some(false)
                {
                    problems.push(format!("{id}: checkout keeps its credentials"));
                }
                for key in ["cache-dependency-path", "node-version-file"] {
                    if let Some(file) = step["with"][key].as_str() {
                        if !root.join(file).is_file() {
                            problems.push(format!("{id}: {key} {file} does not exist"));
                        }
                    }
                }
                continue;
            }
            let Some(command) = step["run"].as_str() else {
                problems.push(format!("{id}: a step neither uses nor runs"));
                continue;
            };
            let words: Vec<&str> = command.split_whitespace().collect();
            let lockfile =
                |names: &[&str]| names.iter().any(|n| app.join(n).is_file() || root.join(n).is_file());
            let ok = match words.as_slice() {
                ["npm", "ci"] => lockfile(&["package-lock.json", "npm-shrinkwrap.json"]),
                ["pnpm", "install", "--frozen-lockfile"] => lockfile(&["pnpm-lock.yaml"]),
                ["yarn", "install", "--frozen-lockfile" | "--immutable"] => lockfile(&["yarn.lock"]),
                ["bun", "install", "--frozen-lockfile"] => lockfile(&["bun.lockb", "bun.lock"]),
                ["npm" | "pnpm" | "yarn" | "bun", "install"] => true,
                ["npm" | "pnpm" | "yarn" | "bun", "run", script] => !pkg["scripts"][*script].is_null(),
                ["npx" | "bunx" | "yarn", "tsc", "--noEmit", rest @ ..]
                | ["pnpm", "exec", "tsc", "--noEmit", rest @ ..] => {
                    let config = match rest {
                        [] => "tsconfig.json",
                        ["-p", config] => config,
                        _ => "?",
                    };
                    has_dep("typescript") && app.join(config).is_file()
                }
                _ => false,
            };
            if !ok {
                problems.push(format!(
                    "{id}: `{command}` does not exist in {}",
                    if dir.is_empty() { "." } else { dir }
                ));
            }
        }
    }
    problems
}

#[test]
fn generated_workflows_are_valid_and_run_what_exists() {
    let mut failures = Vec::new();
    for name in FIXTURES {
        let copy = copy_fixture(name);
        let out = run(&["apply", "--yes", "--only", "ci"], &copy.root);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        for problem in check_workflow(&copy.root) {
            failures.push(format!("{name}: {problem}"));
        }
    }
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scaffolds/ci");
    for case in fs::read_dir(&cases).expect("ci cases") {
        let after = case.expect("entry").path().join("after");
        if after.join(".github/workflows/ci.yml").is_file() {
            for problem in check_workflow(&after) {
                failures.push(format!("{}: {problem}", after.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_check_fails_a_workflow_that_runs_what_does_not_exist() {
    // The test above must be able to fail: a workflow naming a missing script.
    let copy = copy_fixture("bolt-app");
    run(&["apply", "--yes", "--only", "ci"], &copy.root);
    let path = copy.root.join(".github/workflows/ci.yml");
    let text = fs::read_to_string(&path).expect("written").replace("npm run build", "npm run deploy");
    fs::write(&path, text).expect("write");
    let problems = check_workflow(&copy.root);
    assert!(problems.iter().any(|p| p.contains("npm run deploy")), "{problems:?}");
}
