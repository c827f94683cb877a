//! `harden apply`, `undo` and `list` run as the real binary on copies of the
//! fixture projects.

mod common;

use std::fs;
use std::process::Stdio;

use assert_cmd::prelude::*;
use common::*;

#[test]
fn dry_run_writes_nothing_and_shows_every_change() {
    for name in FIXTURES {
        let copy = copy_fixture(name);
        let before = snapshot(&copy.root);
        let out = run(&["apply", "--dry-run"], &copy.root);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(snapshot(&copy.root), before, "{name}: dry-run wrote something");
        assert!(!copy.root.join(".harden").exists(), "{name}: dry-run created .harden/");
        let shown = stdout(&out);
        assert!(shown.contains("diff --git "), "{name}: no change shown:\n{shown}");
        assert!(shown.contains("why: "), "{name}: no why line");
        assert!(stderr(&out).contains("proposed"), "{name}: no summary");
    }
}

/// The checked-in patches are what harden proposes for each fixture project;
/// `HARDEN_BLESS=1` rewrites them (review the diff before committing).
#[test]
fn patch_matches_the_expected_patch_and_git_applies_it() {
    for name in FIXTURES {
        let copy = copy_fixture(name);
        let patch = copy.root.parent().expect("parent").join("out.patch");
        let out = harden().args(["apply", "--patch"]).arg(&patch).arg(&copy.root).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let held: Vec<String> = stderr(&out)
            .lines()
            .filter_map(|l| l.strip_prefix("left out of the patch: "))
            .filter_map(|l| l.split(" (").next().map(str::to_string))
            .collect();
        let actual = fs::read_to_string(&patch).expect("patch written");
        let expected_path = fixture("").join(format!("{name}.patch"));
        if std::env::var_os("HARDEN_BLESS").is_some() {
            fs::write(&expected_path, &actual).expect("bless");
        }
        let expected = fs::read_to_string(&expected_path).expect("expected patch checked in");
        assert_eq!(actual, expected, "{name}: the patch differs from fixtures/{name}.patch");

        // The patch applies and gives the same bytes as `apply --yes`.
        let applied = copy_fixture(name);
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(&applied.root)
            .args(["apply", "--whitespace=nowarn"])
            .arg(&patch)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "{name}: git apply failed: {}", stderr(&out));
        let out = run(&["apply", "--yes"], &copy.root);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        // Files whose diff would show a secret stay out of the patch.
        let (mut patched, mut written) = (snapshot(&applied.root), snapshot(&copy.root));
        for path in &held {
            patched.remove(path);
            written.remove(path);
        }
        assert!(patched == written, "{name}: patch and apply --yes disagree");
    }
}

#[test]
fn patches_for_odd_file_names_and_line_breaks_apply_with_git() {
    let copy = copy_fixture("bolt-app");
    let code = "export async function f() {\n  /* a lone CR\rstays in its line */\n  const res = await fetch('/x');\n  return res.json();\n}";
    for name in ["src/my file.ts", "src/tab\tname.ts", "src/quote\"d.ts", "src/ünï.ts"] {
        fs::write(copy.root.join(name), code).expect("write");
    }
    // The app reaches them (files nothing imports are left alone).
    let importer = "import './my file';\nimport './tab\tname';\nimport './quote\"d';\nimport './ünï';\n";
    fs::write(copy.root.join("src/index.ts"), importer).expect("write");
    let patch = copy.root.parent().expect("parent").join("odd.patch");
    harden().args(["apply", "--patch"]).arg(&patch).arg(&copy.root).assert().success();
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(&copy.root)
        .args(["apply", "--whitespace=nowarn"])
        .arg(&patch)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git apply: {}", stderr(&out));
    for name in ["src/my file.ts", "src/tab\tname.ts", "src/quote\"d.ts", "src/ünï.ts"] {
        let text = fs::read_to_string(copy.root.join(name)).expect("read");
        assert!(
            text.contains("if (!res.ok)") && text.contains("\rstays") && !text.ends_with('\n'),
            "{name}: {text:?}"
        );
    }
}

#[test]
fn apply_yes_is_idempotent_and_undo_restores_every_byte() {
    for name in FIXTURES {
        let copy = copy_fixture(name);
        let original = snapshot(&copy.root);
        let out = run(&["apply", "--yes"], &copy.root);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let applied = snapshot(&copy.root);
        assert!(!changed(&original, &applied).is_empty(), "{name}: nothing changed");
        assert!(stderr(&out).contains("to undo: harden undo"), "{name}: {}", stderr(&out));
        assert_eq!(
            fs::read_to_string(copy.root.join(".harden/.gitignore")).expect("journal folder ignores itself"),
            "*\n"
        );

        let again = run(&["apply", "--check"], &copy.root);
        assert_eq!(again.status.code(), Some(0), "{name}: second run proposes:\n{}", stdout(&again));
        assert!(stderr(&again).contains("0 changes"), "{name}: {}", stderr(&again));

        let out = run(&["undo"], &copy.root);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(
            changed(&original, &snapshot(&copy.root)),
            Vec::<String>::new(),
            "{name}: undo left differences"
        );

        let out = run(&["undo"], &copy.root);
        assert_eq!(out.status.code(), Some(2), "{name}: a second undo has nothing to do");
        assert!(stderr(&out).contains("nothing to undo"));
    }
}

#[test]
fn undo_refuses_a_file_changed_after_apply_unless_forced() {
    let copy = copy_fixture("bolt-app");
    let original = snapshot(&copy.root);
    harden().args(["apply", "--yes"]).arg(&copy.root).assert().success();
    let edited = copy.root.join("src/services/github.ts");
    fs::write(&edited, "// my own edit\n").expect("edit");
    let out = run(&["undo"], &copy.root);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("src/services/github.ts") && err.contains("--force"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert_eq!(fs::read_to_string(&edited).expect("read"), "// my own edit\n", "refusal changed the file");
    harden().args(["undo", "--force"]).arg(&copy.root).assert().success();
    assert_eq!(changed(&original, &snapshot(&copy.root)), Vec::<String>::new());
}

#[test]
fn colour_only_on_a_terminal() {
    let copy = copy_fixture("next-prisma");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_harden"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .args(["apply", "--dry-run"])
        .arg(&copy.root)
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert!(!stdout(&out).contains('\x1b') && !stderr(&out).contains('\x1b'), "escape codes in piped output");
}

#[test]
fn check_exits_one_when_changes_are_proposed() {
    let copy = copy_fixture("next-prisma");
    let out = run(&["apply", "--check"], &copy.root);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("+      if (!response.ok) throw new Error("), "{}", stdout(&out));
}

#[test]
fn dirty_git_tree_is_refused_unless_allowed() {
    let copy = copy_fixture("express-prisma");
    git(&copy.root, &["init", "-q"]);
    git(&copy.root, &["add", "-A"]);
    git(&copy.root, &["commit", "-qm", "export"]);
    fs::write(copy.root.join("src/index.ts"), "// work in progress\n").expect("edit");
    let before = snapshot(&copy.root);

    let out = run(&["apply", "--yes"], &copy.root);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("1 file(s) have uncommitted changes") && err.contains("--allow-dirty"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert_eq!(snapshot(&copy.root), before);

    // Previews never refuse.
    harden().args(["apply", "--dry-run"]).arg(&copy.root).assert().success();
    harden().args(["apply", "--allow-dirty", "--yes"]).arg(&copy.root).assert().success();
    assert_ne!(snapshot(&copy.root), before);
    // harden's own journal never shows up in `git status`.
    let status = stdout(&git(&copy.root, &["status", "--porcelain"]));
    assert!(!status.contains(".harden"), "{status}");
}

#[test]
fn no_terminal_without_a_mode_flag_is_refused() {
    let copy = copy_fixture("bolt-app");
    let before = snapshot(&copy.root);
    let out = harden().arg("apply").arg(&copy.root).stdin(Stdio::null()).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--yes") && err.contains("--dry-run"), "{err}");
    assert_eq!(err.trim().lines().count(), 1);
    assert_eq!(snapshot(&copy.root), before);
}

#[test]
fn an_unparsable_file_is_reported_and_the_others_still_change() {
    let copy = copy_fixture("lovable-app");
    // A committed backup with CSS pasted into it, as seen in real exports.
    let broken = "export const Broken = async () => {\n  const res = await fetch('/x');\n  return <div>\n    .card { color: red; }\n";
    fs::write(copy.root.join("src/components/Broken.backup.tsx"), broken).expect("write");
    fs::write(copy.root.join("src/lib/utf16.ts"), [0xFF, 0xFE, b'x', 0]).expect("write");
    let out = run(&["apply", "--yes"], &copy.root);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("src/components/Broken.backup.tsx:"), "{err}");
    assert!(err.contains("does not parse"), "{err}");
    assert!(err.contains("src/lib/utf16.ts: skipped: UTF-16"), "{err}");
    assert_eq!(fs::read_to_string(copy.root.join("src/components/Broken.backup.tsx")).expect("read"), broken);
    assert!(fs::read_to_string(copy.root.join("src/lib/avatar.ts"))
        .expect("read")
        .contains("if (!response.ok)"));
}

#[test]
fn tests_are_left_alone_but_a_route_in_a_test_folder_is_hardened() {
    let copy = copy_fixture("next-prisma");
    let route = fs::read_to_string(copy.root.join("app/api/posts/route.ts")).expect("read");
    // The same handler as a test helper, a spec, and a route that happens to be named `test`.
    for path in ["e2e/helpers.ts", "app/api/posts/route.test.ts", "app/api/posts/test/route.ts"] {
        let file = copy.root.join(path);
        fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        fs::write(&file, &route).expect("write");
    }
    let out = run(&["apply", "--dry-run"], &copy.root);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(shown.contains("+++ b/app/api/posts/test/route.ts"), "{shown}");
    assert!(!shown.contains("+++ b/e2e/helpers.ts"), "{shown}");
    assert!(!shown.contains("+++ b/app/api/posts/route.test.ts"), "{shown}");
}

#[test]
fn only_and_skip_select_codemods_and_unknown_ids_exit_two() {
    let copy = copy_fixture("bolt-app");
    let out = run(&["apply", "--dry-run", "--only", "nope"], &copy.root);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown id `nope`") && stderr(&out).contains("fetch-ok"),
        "{}",
        stderr(&out)
    );

    let out = run(&["apply", "--check", "--skip", &all_ids().join(",")], &copy.root);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["apply", "--check", "--only", "fetch-ok"], &copy.root);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn harden_toml_skips_and_excludes() {
    let copy = copy_fixture("lovable-app");
    fs::write(copy.root.join("harden.toml"), "exclude = [\"supabase/functions/**\", \"src/lib/\"]\n")
        .expect("write");
    let out = run(&["apply", "--dry-run"], &copy.root);
    let shown = stdout(&out);
    assert!(shown.contains("src/components/InviteForm.tsx"), "{shown}");
    assert!(!shown.contains("· src/lib/avatar.ts") && !shown.contains("· supabase/functions/"), "{shown}");

    let all: Vec<String> = all_ids().iter().map(|id| format!("{id:?}")).collect();
    fs::write(copy.root.join("harden.toml"), format!("skip = [{}]\n", all.join(", "))).expect("write");
    let out = run(&["apply", "--check"], &copy.root);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    fs::write(copy.root.join("harden.toml"), "skip = \"fetch-ok\"\n").expect("write");
    let out = run(&["apply", "--check"], &copy.root);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "harden: harden.toml:1: `skip` must be an array of strings, like skip = [\"…\"]"
    );
}

#[test]
fn left_alone_is_counted_and_located_with_verbose() {
    let copy = copy_fixture("lovable-app");
    let out = run(&["apply", "--dry-run"], &copy.root);
    let summary = stderr(&out);
    let line = summary.lines().find(|l| l.trim_start().starts_with("left alone"));
    assert!(line.is_some_and(|l| l.contains("1  paginate") && l.contains("counted, searched")), "{summary}");
    assert!(!summary.contains("src/pages/Team.tsx:"), "locations only with --verbose:\n{summary}");
    let verbose = stderr(&run(&["apply", "--dry-run", "--verbose"], &copy.root));
    assert!(verbose.contains("src/pages/Team.tsx:"), "{verbose}");
    // Leaving paginate out leaves nothing to report for it.
    let skipped = stderr(&run(&["apply", "--dry-run", "--skip", "paginate"], &copy.root));
    assert!(!skipped.lines().any(|l| l.contains("paginate ") && l.contains("counted")), "{skipped}");
    // The error-handling codemods say what they left alone too (a reviewer audits recall).
    assert!(
        verbose.contains("async-handlers   handlers and effects whose awaits cannot reject"),
        "{verbose}"
    );
}

#[test]
fn bad_paths_and_broken_package_json_get_one_line() {
    let out = harden().args(["apply", "--dry-run", "/no/such/project"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));

    let copy = copy_fixture("bolt-app");
    fs::write(
        copy.root.join("package.json"),
        "{ \"name\": \"x\",\n  \"dependencies\": { \"react\": \"^18\" \n",
    )
    .expect("write");
    let out = run(&["apply", "--dry-run"], &copy.root);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("package.json: invalid JSON at line"), "{}", stderr(&out));
    assert!(stdout(&out).contains("fetch-ok · src/services/github.ts"));
}

#[test]
fn list_help_and_version() {
    let out = harden().arg("list").output().expect("runs");
    assert!(out.status.success());
    assert!(stdout(&out).contains("fetch-ok") && stdout(&out).contains("codemod"));
    for args in [&["--help"][..], &["apply", "--help"], &["undo", "--help"], &["list", "--help"]] {
        let out = harden().args(args).output().expect("runs");
        assert!(out.status.success(), "{args:?}");
        assert!(stdout(&out).contains("Usage: harden"), "{args:?}");
    }
    let out = harden().arg("--version").output().expect("runs");
    assert_eq!(stdout(&out).trim(), format!("harden {}", env!("CARGO_PKG_VERSION")));
    let out = harden().args(["apply", "--version"]).output().expect("runs");
    assert!(stdout(&out).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_secret_moved_out_of_the_code_never_appears_in_any_output() {
    const SECRET: &str = "sk-proj-Zq8vX2mN4bR7tY1uK9wE3sD6fG0hJ5lP2aC8xV4n";
    let copy = copy_fixture("express-prisma");
    assert!(fs::read_to_string(copy.root.join("src/lib/ai.ts")).expect("read").contains(SECRET));
    let mut shown = Vec::new();
    let out = run(&["apply", "--dry-run"], &copy.root);
    shown.push(stdout(&out) + &stderr(&out));
    assert!(
        stdout(&out).contains("secrets-to-env · src/lib/ai.ts")
            && stdout(&out).contains("OPENAI_API_KEY=******")
    );
    let patch = copy.root.parent().expect("parent").join("secret.patch");
    let out = harden().args(["apply", "--patch"]).arg(&patch).arg(&copy.root).output().expect("runs");
    shown.push(stderr(&out));
    shown.push(fs::read_to_string(&patch).expect("patch"));
    assert!(stderr(&out).contains("left out of the patch: src/lib/ai.ts"), "{}", stderr(&out));
    let out = run(&["apply", "--yes"], &copy.root);
    shown.push(stdout(&out) + &stderr(&out));
    for (i, text) in shown.iter().enumerate() {
        assert!(
            !text.contains(SECRET) && !text.contains("Zq8vX2mN4b"),
            "output {i} shows the secret:\n{text}"
        );
    }
    // Written where it belongs, and nowhere else.
    let env = fs::read_to_string(copy.root.join(".env")).expect(".env written");
    assert!(env.contains(&format!("OPENAI_API_KEY={SECRET}")), "{env}");
    let code = fs::read_to_string(copy.root.join("src/lib/ai.ts")).expect("read");
    assert!(
        !code.contains(SECRET)
            && code.contains("requiredEnv(\"OPENAI_API_KEY\", process.env.OPENAI_API_KEY)")
    );
    let example = fs::read_to_string(copy.root.join(".env.example")).expect(".env.example written");
    assert!(example.contains("OPENAI_API_KEY=\n") && !example.contains(SECRET), "{example}");
    let gitignore = fs::read_to_string(copy.root.join(".gitignore")).expect("read");
    assert!(gitignore.contains(".env.*") && gitignore.contains("!.env.example"), "{gitignore}");
    let again = run(&["apply", "--check"], &copy.root);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(!(stdout(&again) + &stderr(&again)).contains(SECRET));
}

#[test]
fn a_service_role_key_in_browser_code_is_reported_not_moved() {
    let copy = copy_fixture("bolt-app");
    let before = fs::read_to_string(copy.root.join("src/lib/admin.ts")).expect("read");
    let out = run(&["apply", "--yes"], &copy.root);
    let summary = stderr(&out);
    assert!(
        summary.contains("critical src/lib/admin.ts:6: the Supabase service_role key in browser code"),
        "{summary}"
    );
    let key = before.split('\'').find(|s| s.starts_with("eyJ")).expect("the key");
    assert!(!summary.contains(key) && !stdout(&out).contains(key));
    assert_eq!(fs::read_to_string(copy.root.join("src/lib/admin.ts")).expect("read"), before);
    assert!(!copy.root.join(".env").exists(), "a browser secret never goes into a VITE_ variable");
}
