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
    // As in the binary: a large stack, and the parser's own panics on odd
    // input are that file failing (any other panic is a finding).
    let checked = std::thread::Builder::new()
        .stack_size(harden_codemods::STACK_SIZE)
        .spawn(move || {
            std::panic::set_hook(Box::new(|info| {
                if !harden_codemods::parse::parsing() {
                    eprintln!("{info}");
                    std::process::abort();
                }
            }));
            harden_codemods::invariants::check(path, &text)
        })
        .expect("thread")
        .join();
    match checked {
        Ok(Ok(())) => {}
        Ok(Err(broken)) => panic!("{broken}"),
        Err(_) => panic!("harden panicked"),
    }
});
