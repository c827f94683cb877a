//! Whenever a run dies, every file is exactly as it was or exactly as
//! reviewed, and `harden undo` gets the rest back: `apply --yes` killed
//! (SIGKILL) at many points on a large project.

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
