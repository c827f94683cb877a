//! Every SQL migration harden writes runs on a real Postgres (PGlite) after
//! the project's own, with a stand-in for Supabase's `auth` schema and roles,
//! and its policies let each user see and change only their own rows.

mod common;

use std::process::Command;

use common::*;

#[test]
fn supabase_rls_migration_runs_and_keeps_each_user_to_their_rows() {
    let node_modules = dependencies();
    let copy = copy_fixture("lovable-app");
    let before: Vec<_> = std::fs::read_dir(copy.root.join("supabase/migrations")).expect("dir").collect();
    let out = harden()
        .args(["apply", "--yes", "--only", "migrations"])
        .arg(&copy.root)
        .env("SOURCE_DATE_EPOCH", "1795430096")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let written = copy.root.join("supabase/migrations/20261123103456_harden_row_level_security.sql");
    let sql = std::fs::read_to_string(&written).expect("the migration is written");
    assert!(sql.contains("alter table public.members enable row level security;"), "{sql}");
    let after: Vec<_> = std::fs::read_dir(copy.root.join("supabase/migrations")).expect("dir").collect();
    assert_eq!(after.len(), before.len() + 1, "existing migrations are never renamed or removed");

    std::os::unix::fs::symlink(&node_modules, copy.root.join("node_modules")).expect("link node_modules");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrations/check-rls.mjs");
    std::fs::copy(&script, copy.root.join("check-rls.mjs")).expect("copy script");
    let run = Command::new("node").arg("check-rls.mjs").current_dir(&copy.root).output().expect("node runs");
    let report = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(run.status.success(), "{report}{}", String::from_utf8_lossy(&run.stderr));
    let v: serde_json::Value =
        serde_json::from_str(report.trim()).unwrap_or_else(|e| panic!("{e}: {report}"));
    assert!(v.get("failed").is_none(), "a migration failed on Postgres: {v}");
    assert_eq!(v["aMembers"], serde_json::json!(["A member"]), "{v}");
    assert_eq!(v["bMembers"], serde_json::json!(["B member"]), "{v}");
    assert_eq!(v["aProfiles"], serde_json::json!(["00000000-0000-4000-8000-00000000000a"]), "{v}");
    assert!(v["aInsertsIntoB"]["error"].as_str().is_some_and(|e| e.contains("row-level security")), "{v}");
    assert_eq!(v["aUpdatesB"], 0, "{v}");
    assert!(v["aInsertsOwn"].get("error").is_none(), "the owner can still write: {v}");
    assert_eq!(v["anonProjects"], serde_json::json!([]), "signed out, nothing: {v}");
}

#[test]
fn without_harden_the_other_user_reads_everything() {
    // The check above must be able to fail: on the project's own migrations
    // alone, user A reads B's members.
    let node_modules = dependencies();
    let copy = copy_fixture("lovable-app");
    std::os::unix::fs::symlink(&node_modules, copy.root.join("node_modules")).expect("link node_modules");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrations/check-rls.mjs");
    std::fs::copy(&script, copy.root.join("check-rls.mjs")).expect("copy script");
    let run = Command::new("node").arg("check-rls.mjs").current_dir(&copy.root).output().expect("node runs");
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    assert_eq!(v["aMembers"], serde_json::json!(["A member", "B member"]), "{v}");
}

#[test]
fn every_migration_of_the_scaffold_cases_runs_on_postgres() {
    let node_modules = dependencies();
    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scaffolds/migrations");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrations/check-rls.mjs");
    let mut checked = 0;
    for case in std::fs::read_dir(&cases).expect("cases") {
        let after = case.expect("entry").path().join("after");
        // Supabase migrations in order; a PostgreSQL Prisma baseline on its own.
        let files: Vec<std::path::PathBuf> = if after.join("supabase/migrations").is_dir() {
            std::fs::read_dir(after.join("supabase/migrations"))
                .expect("read")
                .map(|f| f.expect("entry").path())
                .collect()
        } else if std::fs::read_to_string(after.join("prisma/migrations/migration_lock.toml"))
            .is_ok_and(|l| l.contains("postgresql"))
        {
            vec![after.join("prisma/migrations/0_init/migration.sql")]
        } else {
            continue;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("supabase/migrations")).expect("mkdir");
        for file in &files {
            let name = file.file_name().expect("name");
            let name = if name == "migration.sql" { std::ffi::OsStr::new("0_init.sql") } else { name };
            std::fs::copy(file, root.join("supabase/migrations").join(name)).expect("copy");
        }
        std::os::unix::fs::symlink(&node_modules, root.join("node_modules")).expect("link");
        std::fs::copy(&script, root.join("check-rls.mjs")).expect("copy script");
        let run = Command::new("node")
            .args(["check-rls.mjs", "apply-only"])
            .current_dir(root)
            .output()
            .expect("node");
        let report = String::from_utf8_lossy(&run.stdout).into_owned();
        assert!(
            report.contains("\"applied\""),
            "{}: {report}{}",
            after.display(),
            String::from_utf8_lossy(&run.stderr)
        );
        checked += 1;
    }
    assert!(checked >= 3, "no migration cases checked");
}
