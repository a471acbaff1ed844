//! `vq-hook replay`: saved captures re-sent with the same body, headers and
//! signature (or re-signed on request), reported like `send`.

mod common;

use std::path::PathBuf;

use common::{output_text, send_to, sign, vq, Listening, Reply, TestServer};
use predicates::prelude::*;

const SECRET: &str = "replay-secret-xyz";

/// Delivers one event into `listen --save` and returns the saved file.
fn saved_delivery(dir: &std::path::Path) -> PathBuf {
    let save = dir.to_str().unwrap();
    let listener = Listening::start(&["--secret", SECRET, "--save", save, "--json"]);
    send_to("run.completed", &listener.url, SECRET)
        .assert()
        .success();
    let entry = listener.entry();
    assert_eq!(entry["signature"], "valid");
    let (code, _) = listener.stop();
    assert_eq!(code, Some(0));
    PathBuf::from(entry["saved"].as_str().expect("a saved path"))
}

#[test]
fn save_then_replay_sends_the_same_body_headers_and_signature() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved_delivery(dir.path());
    let original = vq_hook::capture::load(&std::fs::read(&file).unwrap()).unwrap();

    let server = TestServer::start(vec![Reply::status(500), Reply::status(200)]);
    let out = vq()
        .args(["replay", "--url", &server.url(), "--retry-delay", "10ms"])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .clone();
    let (stdout, _) = output_text(&out);
    assert!(
        stdout.contains(&format!("attempt 1  POST {}  500", server.url())),
        "{stdout}"
    );
    assert!(stdout.contains("delivered: run.completed"), "{stdout}");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].raw, reqs[1].raw);
    let r = &reqs[0];
    assert_eq!(r.body, original.body);
    for name in [
        "x-visualq-signature",
        "x-visualq-delivery",
        "x-visualq-event",
        "user-agent",
    ] {
        let want = String::from_utf8(original.header(name).unwrap().to_vec()).unwrap();
        assert_eq!(r.header(name), Some(want.as_str()), "{name}");
    }
    assert_eq!(
        r.header("host"),
        Some(format!("127.0.0.1:{}", server.port).as_str())
    );
    assert_eq!(
        r.header("x-visualq-signature").unwrap(),
        sign(SECRET, &r.body)
    );
}

#[test]
fn only_an_explicit_secret_re_signs() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved_delivery(dir.path());
    let server = TestServer::start(vec![Reply::status(200)]);
    vq().args(["replay", "--url", &server.url(), "--secret", "rotated"])
        .arg(&file)
        .assert()
        .success();
    vq().args(["replay", "--url", &server.url()])
        .arg(&file)
        .env("VQ_HOOK_SECRET", "from-env")
        .assert()
        .success();
    let secret_file = dir.path().join("key");
    std::fs::write(&secret_file, "from-file\n").unwrap();
    vq().args(["replay", "--url", &server.url(), "--secret-file"])
        .arg(&secret_file)
        .arg(&file)
        .assert()
        .success();
    let reqs = server.requests();
    let sig = |i: usize| reqs[i].header("x-visualq-signature").unwrap().to_string();
    assert_eq!(sig(0), sign("rotated", &reqs[0].body));
    assert_eq!(
        sig(1),
        sign(SECRET, &reqs[1].body),
        "the environment does not re-sign"
    );
    assert_eq!(sig(2), sign("from-file", &reqs[2].body));
}

#[test]
fn a_replay_into_listen_is_valid_and_flagged_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved_delivery(dir.path());
    let listener = Listening::start(&["--secret", SECRET, "--json"]);
    for _ in 0..2 {
        vq().args(["replay", "--url", &listener.url])
            .arg(&file)
            .assert()
            .success();
    }
    let (first, second) = (listener.entry(), listener.entry());
    assert_eq!(first["signature"], "valid");
    assert_eq!(first["duplicate"], false);
    assert_eq!(second["duplicate"], true);
    assert_eq!(first["delivery"], second["delivery"]);
}

#[test]
fn chunked_captures_are_re_framed() {
    let server = TestServer::start(vec![Reply::status(200)]);
    vq().args(["replay", "--url", &server.url(), "--json"])
        .arg("tests/cases/15-chunked-capture.txt")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"outcome\":\"delivered\""));
    let r = &server.requests()[0];
    assert_eq!(r.body, b"{\"event\":\"chunked\",\"n\":1}");
    assert_eq!(r.header("content-length"), Some("25"));
    assert_eq!(r.header("transfer-encoding"), None);
    assert_eq!(
        r.header("x-visualq-signature").unwrap(),
        sign("test-secret", &r.body)
    );
}

#[test]
fn bad_input_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.http");
    std::fs::write(&garbage, "this is not a request\n").unwrap();
    vq().args(["replay", "--url", "http://127.0.0.1:1/"])
        .arg(&garbage)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("garbage.http"));
    vq().args(["replay", "--url", "http://127.0.0.1:1/"])
        .arg(dir.path().join("missing.http"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.http"));
    vq().args(["replay", "tests/cases/03-utf8-emoji.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("VQ_HOOK_URL"));
    vq().args([
        "replay",
        "--url",
        "127.0.0.1:9/x",
        "tests/cases/03-utf8-emoji.txt",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "did you mean 'http://127.0.0.1:9/x'",
    ));
    vq().args([
        "replay",
        "--url",
        "http://127.0.0.1:1/",
        "-H",
        "X-VisualQ-Signature: x",
    ])
    .arg("tests/cases/03-utf8-emoji.txt")
    .assert()
    .code(2)
    .stderr(predicate::str::contains("use --secret to re-sign"));
}

#[test]
fn failures_exit_1_like_send() {
    let server = TestServer::start(vec![Reply::status(410)]);
    vq().args(["replay", "--url", &server.url()])
        .arg("tests/cases/03-utf8-emoji.txt")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("failed: build.completed"));
    assert_eq!(server.requests().len(), 1);
}

/// Second review: re-signing a compressed capture signs the payload as
/// produced (decompressed), which is what listen and verify check.
#[test]
fn re_signing_a_compressed_capture_signs_the_payload() {
    let listener = Listening::start(&["--secret", "fresh", "--json"]);
    vq().args(["replay", "--url", &listener.url, "--secret", "fresh"])
        .arg("tests/cases/16-gzip-capture.txt")
        .assert()
        .success();
    assert_eq!(listener.entry()["signature"], "valid");
}
