//! The interactive review, driven through a pseudo-terminal as a person would:
//! y accepts, n skips, a accepts the rest, q quits without writing.

mod common;

use std::fs;
use std::process::Command;

use common::*;
use rexpect::process::WaitStatus;
use rexpect::session::spawn_command;

const PROMPT: &str = "Apply this change?";

fn review(root: &std::path::Path, color: bool, only: &str) -> rexpect::session::PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_harden"));
    cmd.args(["apply", "--only", only]).arg(root).env("TERM", "xterm-256color");
    if color {
        cmd.env_remove("NO_COLOR");
    } else {
        cmd.env("NO_COLOR", "1");
    }
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

/// Presses a key (rexpect buffers what it sends until flushed).
fn key(s: &mut rexpect::session::PtySession, k: &str) {
    s.send(k).expect("send");
    s.flush().expect("flush");
}

fn exit_code(session: &rexpect::session::PtySession) -> i32 {
    match session.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("harden did not exit normally: {other:?}"),
    }
}

#[test]
fn accept_one_skip_one_accept_the_rest() {
    // lovable-app proposes three changes, one per file, in path order.
    let copy = copy_fixture("lovable-app");
    let before = snapshot(&copy.root);
    let mut s = review(&copy.root, true, "fetch-ok");
    s.exp_string("3 changes").expect("summary");
    s.exp_string("src/components/InviteForm.tsx").expect("first change");
    s.exp_string("\x1b[32m+").expect("additions are green on a terminal");
    s.exp_string("if (!res.ok) throw new Error").expect("its diff");
    s.exp_string(PROMPT).expect("prompt");
    key(&mut s, "y");
    s.exp_string("yes").expect("echo");
    s.exp_string("src/lib/avatar.ts").expect("second change");
    s.exp_string(PROMPT).expect("prompt");
    key(&mut s, "n");
    s.exp_string("skipped").expect("echo");
    s.exp_string("supabase/functions/send-invite/index.ts").expect("third change");
    s.exp_string(PROMPT).expect("prompt");
    key(&mut s, "y");
    s.exp_string("wrote 2 change(s) to 2 file(s)").expect("written");
    s.exp_eof().expect("ends");
    assert_eq!(exit_code(&s), 0);
    let after = snapshot(&copy.root);
    assert_eq!(
        changed(&before, &after),
        ["src/components/InviteForm.tsx", "supabase/functions/send-invite/index.ts"]
    );
}

#[test]
fn quit_writes_nothing() {
    let copy = copy_fixture("lovable-app");
    let before = snapshot(&copy.root);
    let mut s = review(&copy.root, false, "fetch-ok");
    let shown = s.exp_string(PROMPT).expect("prompt");
    assert!(!shown.contains("\x1b[32m"), "NO_COLOR is honoured: {shown:?}");
    key(&mut s, "y");
    s.exp_string(PROMPT).expect("second prompt");
    key(&mut s, "q");
    s.exp_string("nothing was written").expect("quit message");
    s.exp_eof().expect("ends");
    assert_eq!(exit_code(&s), 0);
    assert_eq!(snapshot(&copy.root), before);
    assert!(!copy.root.join(".harden").exists());
}

#[test]
fn accept_all_writes_everything_and_matches_apply_yes() {
    let copy = copy_fixture("lovable-app");
    let mut s = review(&copy.root, false, "fetch-ok");
    s.exp_string(PROMPT).expect("prompt");
    key(&mut s, "x");
    key(&mut s, "a");
    s.exp_string("wrote 3 change(s) to 3 file(s)").expect("written");
    s.exp_eof().expect("ends");
    assert_eq!(exit_code(&s), 0);

    let yes = copy_fixture("lovable-app");
    let out = harden().args(["apply", "--yes", "--only", "fetch-ok"]).arg(&yes.root).output().expect("runs");
    assert!(out.status.success());
    assert_eq!(snapshot(&copy.root), snapshot(&yes.root));
    assert!(fs::read_to_string(copy.root.join("src/lib/avatar.ts")).expect("read").contains("response.ok"));
}

#[test]
fn skipping_a_change_refits_the_next_change_to_the_same_file() {
    // InviteForm.tsx gets two changes: supabase-errors, then fetch-ok planned on
    // top of it. Skip the first: the second must apply to the original text.
    let copy = copy_fixture("lovable-app");
    let original = fs::read_to_string(copy.root.join("src/components/InviteForm.tsx")).expect("read");
    let mut s = review(&copy.root, false, "supabase-errors,fetch-ok");
    s.exp_regex(r"\[1/\d+\] supabase-errors").expect("first change");
    s.exp_string("src/components/InviteForm.tsx").expect("first change's file");
    s.exp_string(PROMPT).expect("prompt");
    key(&mut s, "n");
    s.exp_regex(r"\[2/\d+\] fetch-ok").expect("second change");
    s.exp_string("src/components/InviteForm.tsx").expect("second change's file");
    s.exp_string(PROMPT).expect("prompt");
    key(&mut s, "y");
    s.exp_string(PROMPT).expect("next file");
    key(&mut s, "q");
    s.exp_eof().expect("ends");
    assert_eq!(exit_code(&s), 0);
    // Quit writes nothing; do it again and finish with the rest skipped.
    assert_eq!(fs::read_to_string(copy.root.join("src/components/InviteForm.tsx")).expect("read"), original);
    let mut s = review(&copy.root, false, "supabase-errors,fetch-ok");
    s.exp_string(PROMPT).expect("prompt");
    key(&mut s, "n");
    s.exp_string(PROMPT).expect("prompt");
    key(&mut s, "y");
    loop {
        match s.exp_regex("Apply this change\\?|wrote [0-9]+ change") {
            Ok((_, m)) if m.starts_with("wrote") => break,
            Ok(_) => key(&mut s, "n"),
            Err(e) => panic!("review did not finish: {e}"),
        }
    }
    s.exp_eof().expect("ends");
    let text = fs::read_to_string(copy.root.join("src/components/InviteForm.tsx")).expect("read");
    assert!(text.contains("if (!res.ok) throw new Error"), "{text}");
    assert!(!text.contains("sessionError"), "the skipped change was written: {text}");
    assert_eq!(
        text.replace("      if (!res.ok) throw new Error(`Request failed with status ${res.status}`);\n", ""),
        original
    );
}

#[test]
fn remember_no_records_the_skip_and_it_is_not_proposed_again() {
    let copy = copy_fixture("lovable-app");
    let mut s = review(&copy.root, false, "fetch-ok");
    s.exp_string("src/components/InviteForm.tsx").expect("first change");
    s.exp_string("[r]emember no").expect("the option is offered");
    key(&mut s, "r");
    s.exp_string("not again").expect("echo");
    s.exp_string(PROMPT).expect("second prompt");
    key(&mut s, "a");
    s.exp_string("recorded 1 skipped change(s) in harden.toml").expect("recorded");
    s.exp_eof().expect("ends");
    assert_eq!(exit_code(&s), 0);
    let toml = fs::read_to_string(copy.root.join("harden.toml")).expect("harden.toml written");
    assert!(
        toml.contains("[[ignore]]\ncheck = \"fetch-ok\"\npath = \"src/components/InviteForm.tsx\""),
        "{toml}"
    );
    let again = run(&["apply", "--check", "--only", "fetch-ok"], &copy.root);
    assert_eq!(
        again.status.code(),
        Some(0),
        "the remembered change is not proposed again: {}",
        stdout(&again)
    );
}

#[test]
fn a_file_edited_during_the_review_is_refused_and_nothing_is_written() {
    let copy = copy_fixture("lovable-app");
    let mut s = review(&copy.root, false, "fetch-ok");
    s.exp_string(PROMPT).expect("prompt");
    // Someone (an editor, a formatter) saves a file harden is about to change.
    let edited = copy.root.join("src/lib/avatar.ts");
    let mut text = fs::read_to_string(&edited).expect("read");
    text.push_str("// saved in the editor\n");
    fs::write(&edited, &text).expect("edit");
    let before = snapshot(&copy.root);
    key(&mut s, "a");
    s.exp_string("src/lib/avatar.ts: changed on disk since harden read it; nothing was written")
        .expect("refused");
    s.exp_eof().expect("ends");
    assert_eq!(exit_code(&s), 2);
    assert!(changed(&before, &snapshot(&copy.root)).is_empty(), "nothing was written");
}
