//! Any bytes, as a source file of any kind harden reads: harden keeps its
//! promise for one file (`harden_codemods::invariants::check`).
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Where the file lives decides which codemods apply to it.
const PATHS: &[&str] = &[
    "src/pages/Dashboard.tsx",
    "src/hooks/useProjects.ts",
    "src/lib/api.js",
    "supabase/functions/send-invite/index.ts",
    "app/api/items/route.ts",
    "pages/api/items.ts",
    "server/routes/items.js",
    "src/server.ts",
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let path = PATHS[usize::from(which) % PATHS.len()];
    let text = String::from_utf8_lossy(rest).into_owned();
    // As the binary runs a file. A panic outside the parser reaches
    // libFuzzer's hook (a crash); a hang is left to libFuzzer's -timeout.
    let limit = std::time::Duration::from_secs(3600);
    if let Err(broken) = harden_codemods::invariants::check_on_harden_stack(path, text, limit) {
        panic!("{broken}");
    }
});
