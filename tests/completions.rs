//! The committed completion scripts are what the binary generates now: a
//! flag added without regenerating them fails here.

mod common;

use common::vq;

const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "completions/vq-hook.bash"),
    ("zsh", "completions/_vq-hook"),
    ("fish", "completions/vq-hook.fish"),
    ("elvish", "completions/vq-hook.elv"),
    ("powershell", "completions/_vq-hook.ps1"),
];

#[test]
fn committed_completions_are_up_to_date() {
    for (shell, path) in SCRIPTS {
        let generated = vq()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let committed = std::fs::read(path).unwrap_or_default();
        assert!(
            generated == committed,
            "{path} is stale: run `cargo run -- completions {shell} > {path}` \
             (or scripts/completions.sh)"
        );
    }
}

#[test]
fn completions_know_every_command() {
    let bash = vq()
        .args(["completions", "bash"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let bash = String::from_utf8(bash).unwrap();
    for cmd in [
        "events", "sample", "sign", "send", "verify", "listen", "replay", "check", "demo",
    ] {
        assert!(bash.contains(cmd), "{cmd}");
    }
    vq().args(["completions", "tcsh"]).assert().code(2);
}
