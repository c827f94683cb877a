//! Whenever a run dies, every file is exactly as it was or exactly as
//! reviewed, and `harden undo` gets the rest back: `apply --yes` killed
//! (SIGKILL) at many points on a large project. Hostile projects (huge and
//! binary files, pathological package.json and .gitignore, 100,000 files)
//! get a note or a skip in bounded time.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;

/// lovable-app plus hundreds of components each change touches.
fn large_project(root: &Path) {
    for i in 0..300 {
        let text = format!(
            "import {{ supabase }} from \"@/integrations/supabase/client\";\n\nexport async function load{i}() {{\n  const res = await fetch(\"/api/items/{i}\");\n  const body = await res.json();\n  const {{ data }} = await supabase.from(\"items\").select(\"*\").eq(\"id\", body.id).single();\n  return data;\n}}\n"
        );
        fs::write(root.join(format!("src/lib/load{i}.ts")), text).expect("write");
    }
    // The app reaches them (files nothing imports are left alone).
    let index: String = (0..300).map(|i| format!("export * from \"./load{i}\";\n")).collect();
    fs::write(root.join("src/lib/index.ts"), index).expect("write");
}

#[test]
fn killed_at_any_point_every_file_is_old_or_new_and_undo_restores() {
    let reference = copy_fixture("lovable-app");
    large_project(&reference.root);
    let original = snapshot(&reference.root);
    let out = run(&["apply", "--yes"], &reference.root);
    assert!(out.status.success(), "{}", stderr(&out));
    let hardened = snapshot(&reference.root);
    let changed_files = changed(&original, &hardened);
    assert!(changed_files.len() > 300, "a large run: {}", changed_files.len());

    let mut interrupted = 0;
    for delay_ms in [0u64, 5, 10, 20, 30, 45, 60, 80, 110, 150, 200, 300] {
        let copy = copy_fixture("lovable-app");
        large_project(&copy.root);
        let mut child = Command::new(env!("CARGO_BIN_EXE_harden"))
            .args(["apply", "--yes"])
            .arg(&copy.root)
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", "1795430096")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().expect("wait");
        if !status.success() {
            interrupted += 1;
        }
        let now = snapshot(&copy.root);
        let paths: std::collections::BTreeSet<&String> =
            original.keys().chain(hardened.keys()).chain(now.keys()).collect();
        // A write in progress is a temp file beside its target (never the target itself).
        let in_progress =
            |p: &str| p.rsplit('/').next().is_some_and(|n| n.starts_with(".harden-") && n.ends_with(".tmp"));
        for path in paths.into_iter().filter(|p| !in_progress(p)) {
            let (old, new, got) = (original.get(path), hardened.get(path), now.get(path));
            assert!(
                got == old || got == new,
                "{delay_ms} ms: {path} is neither the original nor the hardened file"
            );
        }
        if copy.root.join(".harden").exists() {
            let out = run(&["undo", "--force"], &copy.root);
            // Killed before its journal was complete: nothing was written yet.
            let nothing = stderr(&out).contains("nothing to undo");
            assert!(out.status.success() || nothing, "{delay_ms} ms: undo failed: {}", stderr(&out));
        }
        let restored: BTreeMap<String, Vec<u8>> = snapshot(&copy.root);
        assert!(
            changed(&original, &restored).is_empty(),
            "{delay_ms} ms: undo left {:?}",
            changed(&original, &restored)
        );
    }
    assert!(interrupted > 0, "no run was actually interrupted; the test proves nothing");
}

/// Runs `apply --dry-run` and says how long it took.
fn timed_dry_run(root: &Path) -> (std::process::Output, Duration) {
    let start = std::time::Instant::now();
    let out = run(&["apply", "--dry-run"], root);
    (out, start.elapsed())
}

#[test]
fn hostile_projects_get_a_note_or_a_skip_in_bounded_time() {
    let copy = copy_fixture("bolt-app");
    let root = &copy.root;
    // A 50 MB minified file, a binary file with a .ts name, a .gitignore of
    // thousands of wildcard patterns.
    let minified: String = "var a=function(b){return b+1};".repeat(50 * 1024 * 1024 / 30);
    fs::write(root.join("src/vendor.min.js"), &minified).expect("write");
    fs::write(root.join("src/bundle.js"), &minified).expect("write");
    fs::write(root.join("src/blob.ts"), [0u8, 159, 146, 150, 0, 1, 2, 255].repeat(1000)).expect("write");
    // Nesting no person writes (it overflowed harden's stack, aborting the run).
    let head = "export async function f() {\n  const res = await fetch(\"/x\");\n  return res.json();\n}\n";
    fs::write(
        root.join("src/deep.tsx"),
        format!("{head}export const C = () => {}{};\n", "<a>".repeat(100_000), "</a>".repeat(100_000)),
    )
    .expect("write");
    fs::write(root.join("src/chain.ts"), format!("{head}export const x = {}1;\n", "a=>".repeat(100_000)))
        .expect("write");
    let patterns: String = (0..5000).map(|i| format!("**/*{i}*/**/*.{i}x*\n")).collect();
    let gitignore = fs::read_to_string(root.join(".gitignore")).unwrap_or_default();
    fs::write(root.join(".gitignore"), gitignore + &patterns).expect("write");
    let (out, took) = timed_dry_run(root);
    assert!(out.status.success(), "{}", stderr(&out));
    let notes = stderr(&out);
    assert!(
        notes.contains("src/bundle.js") && notes.contains("MB"),
        "the huge file is skipped with a note:\n{notes}"
    );
    assert!(notes.contains("src/blob.ts"), "the binary file is skipped with a note:\n{notes}");
    for deep in ["src/deep.tsx", "src/chain.ts"] {
        assert!(
            notes.contains(&format!("{deep}:")) && notes.contains("levels deep"),
            "{deep} is skipped with a note:\n{notes}"
        );
    }
    assert!(took < Duration::from_secs(60), "took {took:?}");

    // A package.json nested 100,000 levels deep, then one of 8 MB.
    fs::write(root.join("package.json"), "[".repeat(100_000)).expect("write");
    let (out, _) = timed_dry_run(root);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("package.json: invalid JSON"), "{}", stderr(&out));
    let deps: Vec<String> = (0..200_000).map(|i| format!("\"pkg-{i}\": \"^1.0.{i}\"")).collect();
    fs::write(
        root.join("package.json"),
        format!("{{\"name\":\"big\",\"dependencies\":{{{}}}}}", deps.join(",")),
    )
    .expect("write");
    let (out, took) = timed_dry_run(root);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

#[test]
fn a_hundred_thousand_files_in_bounded_time() {
    // Creating 100,000 files is slow on some disks: memory when there is some.
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.expect("tmp");
    let root = dir.path();
    fs::write(root.join("package.json"), "{\"name\":\"many\",\"dependencies\":{\"react\":\"^18.3.1\"}}")
        .expect("write");
    for d in 0..100 {
        let folder = root.join(format!("src/m{d}"));
        fs::create_dir_all(&folder).expect("mkdir");
        for f in 0..1000 {
            fs::write(folder.join(format!("f{f}.ts")), format!("export const v{f} = {f};\n")).expect("write");
        }
    }
    let (out, took) = timed_dry_run(root);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("100000 source files"), "{}", stderr(&out));
    assert!(took < Duration::from_secs(120), "took {took:?}");
}

const FETCHES: &str =
    "export async function f() {\n  const res = await fetch('/x');\n  return res.json();\n}\n";

#[test]
fn odd_names_long_paths_and_case_variants_apply_and_undo() {
    let copy = copy_fixture("bolt-app");
    let root = &copy.root;
    let long = (0..8).map(|i| format!("folder-with-a-rather-long-name-{i}")).collect::<Vec<_>>().join("/");
    let names = [
        format!("src/{long}/a-file-whose-name-is-also-quite-long-indeed.ts"),
        "src/with space/my file.ts".to_string(),
        "src/ünïcödé/日本語.ts".to_string(),
        "src/cases/App.ts".to_string(),
        "src/cases/app.ts".to_string(),
    ];
    for name in &names {
        let path = root.join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, FETCHES).expect("write");
    }
    // The app reaches them (files nothing imports are left alone).
    let index: String = names
        .iter()
        .map(|n| format!("import './{}';\n", n.trim_start_matches("src/").trim_end_matches(".ts")))
        .collect();
    fs::write(root.join("src/index.ts"), index).expect("write");
    let original = snapshot(root);
    let out = run(&["apply", "--yes", "--only", "fetch-ok"], root);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in &names {
        let text = fs::read_to_string(root.join(name)).expect("read");
        assert!(text.contains("if (!res.ok)"), "{name} was hardened");
    }
    let out = run(&["undo"], root);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(changed(&original, &snapshot(root)).is_empty());
}

#[test]
fn a_link_out_of_the_project_is_never_written_through() {
    let outside = tempfile::tempdir().expect("tmp");
    let target = outside.path().join("shared.ts");
    fs::write(&target, FETCHES).expect("write");
    let copy = copy_fixture("bolt-app");
    std::os::unix::fs::symlink(&target, copy.root.join("src/shared.ts")).expect("link");
    let out = run(&["apply", "--yes", "--only", "fetch-ok"], &copy.root);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("src/shared.ts"), "the link is reported:\n{}", stderr(&out));
    assert_eq!(fs::read_to_string(&target).expect("read"), FETCHES, "the file outside is untouched");
}

#[test]
fn at_any_amount_of_free_space_everything_or_nothing_is_written() {
    // A small tmpfs as the disk; where mounting is not allowed, there is nothing to test.
    let mount = tempfile::tempdir().expect("tmp");
    let reference = copy_fixture("lovable-app");
    let original = snapshot(&reference.root);
    let out = run(&["apply", "--yes"], &reference.root);
    assert!(out.status.success(), "{}", stderr(&out));
    let hardened: BTreeMap<String, Vec<u8>> =
        snapshot(&reference.root).into_iter().filter(|(p, _)| !p.starts_with(".harden/")).collect();
    let size: u64 = hardened.values().map(|b| b.len() as u64 + 4096).sum::<u64>() * 4 + 256 * 1024;
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(mount.path())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a tmpfs here: the full-disk test does not run");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(mount.path());
    // Named as the reference is: the workflow names its project.
    let root = mount.path().join("lovable-app");
    let (mut failed, mut staging_failed, mut free) = (0, 0, 0u64);
    loop {
        // The original project, then a disk full but for `free` bytes.
        let _ = fs::remove_dir_all(&root);
        for (path, bytes) in &original {
            let target = root.join(path);
            fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            fs::write(&target, bytes).expect("the project fits");
        }
        let filler = mount.path().join("filler");
        let mut fill = fs::File::create(&filler).expect("filler");
        let mut filled = 0u64;
        while std::io::Write::write_all(&mut fill, &[b'x'; 4096]).is_ok() {
            filled += 4096;
        }
        fill.set_len(filled.saturating_sub(free)).expect("make room");
        drop(fill);
        let out = run(&["apply", "--yes"], &root);
        let now: BTreeMap<String, Vec<u8>> =
            snapshot(&root).into_iter().filter(|(p, _)| !p.starts_with(".harden/")).collect();
        fs::remove_file(&filler).expect("free");
        if out.status.success() {
            assert_eq!(changed(&hardened, &now), Vec::<String>::new(), "{free} bytes free: all written");
            break;
        }
        failed += 1;
        let err = stderr(&out);
        // Past the journal: a temp file beside its target could not be written.
        staging_failed += usize::from(err.contains(": cannot write:"));
        assert_eq!(out.status.code(), Some(2), "{free} bytes free: {err}");
        assert!(err.trim().lines().last().is_some_and(|l| l.starts_with("harden")), "{err}");
        assert!(err.contains("nothing was written"), "{free} bytes free: {err}");
        assert_eq!(changed(&original, &now), Vec::<String>::new(), "{free} bytes free: nothing written");
        assert!(!root.join(".harden/run").exists(), "{free} bytes free: no undo data for nothing");
        free += 4096;
        assert!(free < size, "apply never succeeded");
    }
    assert!(failed > 3, "the disk was never full enough to fail ({failed} failures)");
    assert!(staging_failed > 0, "no run got past its journal before the disk filled");
}

#[cfg(unix)]
#[test]
fn read_only_files_and_folders_are_left_out_with_a_note() {
    use std::os::unix::fs::PermissionsExt;
    // lovable-app's fetch-ok changes one file in each of these three places.
    let copy = copy_fixture("lovable-app");
    let root = &copy.root;
    let locked_file = "src/lib/avatar.ts";
    let locked_folder = "supabase/functions/send-invite";
    fs::set_permissions(root.join(locked_file), fs::Permissions::from_mode(0o444)).expect("chmod");
    // Permissions do not bind root: as root, harden runs as `nobody` on a
    // project `nobody` owns.
    let as_root = rustix::process::geteuid().is_root();
    if as_root {
        let owner = Some(rustix::process::Uid::from_raw(65534));
        let group = Some(rustix::process::Gid::from_raw(65534));
        let parent = root.parent().expect("parent");
        rustix::fs::chown(parent, owner, group).expect("chown");
        for entry in walkdir::WalkDir::new(root) {
            rustix::fs::chown(entry.expect("entry").path(), owner, group).expect("chown");
        }
    }
    fs::set_permissions(root.join(locked_folder), fs::Permissions::from_mode(0o555)).expect("chmod");
    let harden = |args: &[&str]| {
        let mut cmd = if as_root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_harden")]);
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_harden"))
        };
        cmd.args(args).arg(root).env("NO_COLOR", "1").output().expect("harden runs")
    };
    let original = snapshot(root);
    let out = harden(&["apply", "--yes", "--only", "fetch-ok"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let notes = stderr(&out);
    assert!(notes.contains(&format!("{locked_file}: read-only file: its 1 change left out")), "{notes}");
    assert!(
        notes.contains(&format!(
            "{locked_folder}/index.ts: its folder is not writable: its 1 change left out"
        )),
        "{notes}"
    );
    assert!(notes.contains("wrote 1 change(s) to 1 file(s)"), "{notes}");
    let sources_changed = |now| -> Vec<String> {
        changed(&original, &now).into_iter().filter(|p| !p.starts_with(".harden/")).collect()
    };
    assert_eq!(sources_changed(snapshot(root)), ["src/components/InviteForm.tsx"]);
    let out = harden(&["undo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sources_changed(snapshot(root)).is_empty());
    fs::set_permissions(root.join(locked_folder), fs::Permissions::from_mode(0o755)).expect("chmod back");
}

#[test]
fn a_broken_harden_toml_is_one_line_and_writes_nothing() {
    let copy = copy_fixture("bolt-app");
    let root = &copy.root;
    for (config, says) in [
        ("skip = \"fetch-ok\"\n", "harden.toml:1: `skip` must be an array of strings"),
        ("[pagination]\npage-size = -3\n", "harden.toml:2: `pagination.page-size`"),
        ("[[ignore]]\ncheck = 5\n", "harden.toml:1: each [[ignore]] needs a `check`"),
        ("exclude = [", "harden.toml:1"),
        (&format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)), "harden.toml:1"),
    ] {
        fs::write(root.join("harden.toml"), config).expect("write");
        let original = snapshot(root);
        for args in [&["apply", "--yes"][..], &["scan"][..]] {
            let out = run(args, root);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{config}: {err}");
            assert_eq!(err.trim().lines().count(), 1, "{err}");
            assert!(err.contains(says), "{config:.40}: {err}");
        }
        assert!(changed(&original, &snapshot(root)).is_empty());
    }
}
