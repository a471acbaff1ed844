//! Prompts for a missing event, URL or secret, driven in a real
//! pseudo-terminal; and their absence anywhere else (scripts never hang).

mod common;

use std::process::Command;
use std::time::Duration;

use common::{sign, vq, Reply, TestServer};
use expectrl::{Eof, Expect, Session};
use predicates::prelude::*;

fn tty_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("vq-hook"));
    cmd.args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    cmd
}

#[test]
fn a_terminal_is_asked_for_event_url_and_a_hidden_secret() {
    let server = TestServer::start(vec![Reply::status(200)]);
    let mut p = Session::spawn(tty_command(&["send"])).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(60)));
    // Each prompt is drawn before it switches the terminal's mode; typing
    // into that gap (easy on a loaded machine) can lose keys, so wait a
    // moment after each one appears.
    let settle = || std::thread::sleep(Duration::from_millis(200));
    p.expect("Event to send").unwrap();
    settle();
    // Down once: run.completed.
    p.send("\x1b[B").unwrap();
    p.send("\r").unwrap();
    p.expect("Endpoint URL").unwrap();
    settle();
    p.send_line(server.url()).unwrap();
    p.expect("Shared secret").unwrap();
    settle();
    p.send_line("typed-secret-value").unwrap();
    let rest = p.expect(Eof).unwrap();
    let screen = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    assert!(screen.contains("delivered: run.completed"), "{screen}");
    assert!(
        !screen.contains("typed-secret-value"),
        "the secret is not echoed: {screen}"
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].header("x-visualq-event"), Some("run.completed"));
    let r = &reqs[0];
    assert_eq!(
        r.header("x-visualq-signature").unwrap(),
        sign("typed-secret-value", &r.body)
    );
}

#[test]
fn without_a_terminal_nothing_is_asked() {
    vq().args(["send", "run.started"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--url URL or set VQ_HOOK_URL"));
    vq().args(["send", "--url", "http://127.0.0.1:1/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no event given"));
    vq().args(["send", "run.started", "--url", "http://127.0.0.1:1/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--secret S or --secret-file PATH, or set VQ_HOOK_SECRET",
        ));
}
