//! Secret hygiene: every command is run with a distinctive secret, taken
//! from each place a secret can come from (flag, file, environment), in
//! every output mode (`-v`, `--json`, `--dry-run`, `--curl`, hints, saved
//! files, failures), and the secret must appear in no output, error or file.

mod common;

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use base64::Engine;
use common::{exchange, output_text, raw_post, vq, Listening, Reply, TestServer};

const SECRET: &str = "Zq9-distinctive-SECRET-value";

/// The fragments that would betray the secret, in any form vq-hook might
/// be tempted to print it.
fn forms() -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(SECRET);
    vec![
        SECRET.to_string(),
        // A distinctive piece, in case the value were cut or quoted.
        "distinctive-SECRET".to_string(),
        SECRET.to_ascii_lowercase(),
        b64.trim_end_matches('=').to_string(),
        format!("{SECRET:?}"),
    ]
}

/// Fails when `text` holds the secret in any form.
fn assert_clean(text: &[u8], what: &str) {
    let text = String::from_utf8_lossy(text);
    for form in forms() {
        assert!(
            !text.contains(&form),
            "the secret ({form}) leaked into {what}:\n{text}"
        );
    }
}

/// Runs `cmd`, checks stdout and stderr are clean, returns (code, out, err).
fn run_clean(cmd: &mut Command, what: &str) -> (Option<i32>, String, String) {
    let out = cmd.output().expect("run vq-hook");
    assert_clean(&out.stdout, &format!("stdout of {what}"));
    assert_clean(&out.stderr, &format!("stderr of {what}"));
    let (o, e) = output_text(&out);
    (out.status.code(), o, e)
}

fn secret_file(content: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(content).unwrap();
    f
}

/// The three ways to hand `cmd` the secret: flag, file, environment.
fn with_each_source(mut build: impl FnMut() -> Command, mut check: impl FnMut(Command, &str)) {
    let file = secret_file(format!("{SECRET}\n").as_bytes());
    let mut flag = build();
    flag.args(["--secret", SECRET]);
    check(flag, "--secret");
    let mut from_file = build();
    from_file.arg("--secret-file").arg(file.path());
    check(from_file, "--secret-file");
    let mut env = build();
    env.env("VQ_HOOK_SECRET", SECRET);
    check(env, "VQ_HOOK_SECRET");
}

#[test]
fn sign_never_prints_the_secret() {
    for verbose in [false, true] {
        with_each_source(
            || {
                let mut c = vq();
                c.arg("sign").write_stdin("{}");
                if verbose {
                    c.arg("-v");
                }
                c
            },
            |mut c, src| {
                let (code, out, _) = run_clean(&mut c, &format!("sign ({src})"));
                assert_eq!(code, Some(0));
                assert_eq!(out.trim(), common::sign(SECRET, b"{}"));
            },
        );
    }
}

#[test]
fn send_in_every_mode_never_prints_the_secret() {
    let server = TestServer::start(vec![Reply::status(200).body("{\"ok\":true}")]);
    let modes: &[&[&str]] = &[
        &[],
        &["-v"],
        &["--json"],
        &["-v", "--json"],
        &["--dry-run"],
        &["-v", "--dry-run"],
        &["--curl"],
        &["-v", "--curl"],
        &["--repeat", "3", "--concurrency", "2", "--json"],
        &["--all", "-v"],
    ];
    for mode in modes {
        with_each_source(
            || {
                let mut c = vq();
                c.args(["send", "--url", &server.url()]).args(*mode);
                if !mode.contains(&"--all") {
                    c.arg("run.completed");
                }
                c
            },
            |mut c, src| {
                let (code, _, _) = run_clean(&mut c, &format!("send {mode:?} ({src})"));
                assert_eq!(code, Some(0), "send {mode:?} ({src})");
            },
        );
    }
    for req in server.requests() {
        assert_clean(&req.raw, "the request sent");
    }
}

#[test]
fn send_failures_never_print_the_secret() {
    let failing = TestServer::start(vec![Reply::status(500).body("boom")]);
    let redirect = TestServer::start(vec![Reply::status(302).header("Location", "/x")]);
    let slow = TestServer::start(vec![Reply::status(200).delay(Duration::from_secs(2))]);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        format!("http://127.0.0.1:{port}/hook")
    };
    let targets = [
        (failing.url(), vec![]),
        (redirect.url(), vec![]),
        (slow.url(), vec!["--timeout", "200ms"]),
        (closed, vec![]),
    ];
    for (url, extra) in &targets {
        for mode in [&["-v"][..], &["--json"][..]] {
            with_each_source(
                || {
                    let mut c = vq();
                    c.args(["send", "run.failed", "--url", url, "--retry-delay", "10ms"])
                        .args(extra)
                        .args(mode);
                    c
                },
                |mut c, src| {
                    let (code, _, _) = run_clean(&mut c, &format!("send to {url} ({src})"));
                    assert_eq!(code, Some(1), "send to {url} ({src})");
                },
            );
        }
    }
    // Usage errors after the secret is known.
    with_each_source(
        || {
            let mut c = vq();
            c.args(["send", "run.failed", "--url", "localhost:1/x"]);
            c
        },
        |mut c, src| {
            let (code, _, _) = run_clean(&mut c, &format!("send, bad URL ({src})"));
            assert_eq!(code, Some(2));
        },
    );
}

/// A capture of `body` whose signature was made with `key`.
fn capture(key: &[u8], body: &[u8]) -> tempfile::NamedTempFile {
    let sig = vq_hook::signature::header_value(&vq_hook::signature::digest(key, body));
    let raw = raw_post(
        "/hook",
        &[
            ("X-VisualQ-Event", "run.completed"),
            ("X-VisualQ-Delivery", "d-1"),
            ("X-VisualQ-Signature", &sig),
        ],
        body,
    );
    secret_file(&raw)
}

#[test]
fn verify_valid_and_invalid_with_hints_never_prints_the_secret() {
    let body = b"{\"event\":\"run.completed\",\"x\":1}\n";
    let valid = capture(SECRET.as_bytes(), body);
    let other = capture(b"another-key", body);
    // Signed without the trailing newline: a body hint.
    let newline = capture(SECRET.as_bytes(), &body[..body.len() - 1]);
    for file in [&valid, &other, &newline] {
        for mode in [&[][..], &["-v"][..], &["--json"][..]] {
            with_each_source(
                || {
                    let mut c = vq();
                    c.arg("verify").arg(file.path()).args(mode);
                    c
                },
                |mut c, src| {
                    let (code, _, _) = run_clean(&mut c, &format!("verify ({src})"));
                    assert!(matches!(code, Some(0 | 1)), "verify ({src})");
                },
            );
        }
    }
    // With --signature, the body alone.
    let sig = common::sign("another", body);
    with_each_source(
        || {
            let mut c = vq();
            c.args(["verify", "--json", "--signature", &sig])
                .write_stdin(&body[..]);
            c
        },
        |mut c, src| {
            assert_eq!(run_clean(&mut c, src).0, Some(1));
        },
    );
}

#[test]
fn secret_hints_name_the_repair_not_the_secret() {
    let body = b"{\"event\":\"run.started\"}";
    let signed = capture(SECRET.as_bytes(), body);
    let b64 = base64::engine::general_purpose::STANDARD.encode(SECRET);
    // Files holding the secret with a mistake a hint can explain.
    let contents = [
        format!("  {SECRET}  \n"),
        format!("\"{SECRET}\"\n"),
        format!("'{SECRET}'"),
        format!("whsec_{b64}\n"),
    ];
    for content in &contents {
        let file = secret_file(content.as_bytes());
        for mode in [&[][..], &["--json"][..], &["-v"][..]] {
            let mut c = vq();
            c.arg("verify")
                .arg(signed.path())
                .arg("--secret-file")
                .arg(file.path())
                .args(mode);
            let (code, out, _) = run_clean(&mut c, &format!("verify, secret file {content:?}"));
            assert_eq!(code, Some(1), "{content:?}: {out}");
            assert!(
                !out.contains(content.trim()) && !out.contains(&b64),
                "the mistaken secret leaked: {out}"
            );
        }
        // The same mistakes through the flag and the environment.
        let mut c = vq();
        c.args(["verify", "--secret", content.trim_end()])
            .arg(signed.path());
        assert_eq!(run_clean(&mut c, "verify --secret variant").0, Some(1));
        let mut c = vq();
        c.arg("verify")
            .arg(signed.path())
            .env("VQ_HOOK_SECRET", content);
        assert_eq!(run_clean(&mut c, "verify env variant").0, Some(1));
    }
}

#[test]
fn secret_file_errors_name_the_path_not_the_content() {
    let dir = tempfile::tempdir().unwrap();
    // A directory and a missing file: the path is named.
    for path in [dir.path().to_path_buf(), dir.path().join("missing.key")] {
        for args in [
            vec!["sign"],
            vec!["verify", "-"],
            vec![
                "send",
                "run.started",
                "--url",
                "http://127.0.0.1:1/",
                "--dry-run",
            ],
            vec!["listen", "--port", "0"],
            vec!["replay", "-", "--url", "http://127.0.0.1:1/"],
        ] {
            let mut c = vq();
            c.args(&args)
                .arg("--secret-file")
                .arg(&path)
                .write_stdin(common::signed("x", "d", b"{}"));
            let (code, _, err) = run_clean(&mut c, "a --secret-file error");
            assert_eq!(code, Some(2));
            let name = path.file_name().unwrap().to_string_lossy();
            assert!(err.contains(&*name), "{err}");
        }
    }
    // A file that holds the secret, in a command that then fails for
    // another reason: the error may name the file, never what it holds.
    let file = secret_file(format!("{SECRET}\n").as_bytes());
    let failures: Vec<Vec<&str>> = vec![
        vec!["verify", "/no/such/capture"],
        vec!["send", "no.such.event", "--url", "http://127.0.0.1:1/"],
        vec!["send", "run.started", "--url", "ftp://h/x"],
        vec!["listen", "--port", "0", "--host", "no such host"],
        vec!["replay", "/no/such/capture", "--url", "http://127.0.0.1:1/"],
    ];
    for args in failures {
        let mut c = vq();
        c.args(&args).arg("--secret-file").arg(file.path());
        assert_eq!(run_clean(&mut c, &format!("{args:?}")).0, Some(2));
    }
    // The secret file given where a payload or capture is expected: the
    // content is not a secret to vq-hook then, but it must not be echoed
    // when JSON parsing fails.
    let mut c = vq();
    c.args(["sample", "--payload"]).arg(file.path());
    assert_eq!(run_clean(&mut c, "sample --payload SECRETFILE").0, Some(2));
}

fn listen_and_deliver(args: &[&str], dir: &Path) -> (String, Vec<String>) {
    let mut all = vec!["--save", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let l = Listening::start(&all);
    let body = br#"{"event":"run.completed","runId":"r1"}"#;
    // Valid, invalid and missing signatures.
    let valid = common::signed(SECRET, "d-valid", body);
    let invalid = common::signed("wrong", "d-invalid", body);
    let missing = raw_post("/hook", &[("X-VisualQ-Event", "run.completed")], body);
    for req in [&valid, &invalid, &missing] {
        exchange(l.connect(), req);
    }
    let lines = l.lines_for(Duration::from_millis(500));
    let stdout = format!("{}\n{}", l.ready, lines.join("\n"));
    let (_, stderr) = l.stop();
    (stdout, vec![stderr])
}

#[test]
fn listen_with_save_never_writes_the_secret() {
    let file = secret_file(format!("{SECRET}\n").as_bytes());
    let path = file.path().to_str().unwrap().to_string();
    let sources: Vec<Vec<&str>> = vec![vec!["--secret", SECRET], vec!["--secret-file", &path]];
    for source in sources {
        for mode in [&[][..], &["-v"][..], &["--json"][..]] {
            let dir = tempfile::tempdir().unwrap();
            let mut args = source.clone();
            args.extend_from_slice(mode);
            let (stdout, stderr) = listen_and_deliver(&args, dir.path());
            assert_clean(stdout.as_bytes(), &format!("listen {args:?} stdout"));
            assert_clean(stderr[0].as_bytes(), &format!("listen {args:?} stderr"));
            let saved: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
            assert_eq!(saved.len(), 3, "every request saved");
            for entry in saved {
                let bytes = std::fs::read(entry.path()).unwrap();
                assert_clean(&bytes, &format!("saved file {}", entry.path().display()));
            }
        }
    }
}

#[test]
fn listen_from_the_environment_never_prints_the_secret() {
    // `Listening` clears VQ_HOOK_*, so run the binary directly.
    let dir = tempfile::tempdir().unwrap();
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("vq-hook"));
    c.env("VQ_HOOK_SECRET", SECRET)
        .env("NO_COLOR", "1")
        .args(["listen", "--port", "0", "-v", "--save"])
        .arg(dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut ready = String::new();
    std::io::BufRead::read_line(&mut reader, &mut ready).unwrap();
    assert!(ready.contains("signatures checked"), "{ready}");
    let addr = ready
        .split("http://")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let body = br#"{"event":"run.started"}"#;
    let answer = exchange(
        std::net::TcpStream::connect(&addr).unwrap(),
        &common::signed(SECRET, "d-env", body),
    );
    assert_eq!(answer.status, 200);
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let out = child.wait_with_output().unwrap();
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut rest).unwrap();
    assert_clean(ready.as_bytes(), "listen ready line");
    assert_clean(&rest, "listen stdout");
    assert_clean(&out.stderr, "listen stderr");
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        assert_clean(&std::fs::read(entry.path()).unwrap(), "a saved file");
    }
}

#[test]
fn replay_never_prints_the_secret() {
    let ok = TestServer::start(vec![Reply::status(200)]);
    let failing = TestServer::start(vec![Reply::status(503)]);
    let body = br#"{"event":"run.started"}"#;
    let saved = secret_file(&common::signed("old", "d-r", body));
    for server in [&ok, &failing] {
        for mode in [&["-v"][..], &["--json"][..]] {
            // Re-signed with the secret (flag and file); the environment
            // variable does not re-sign but must not leak either.
            with_each_source(
                || {
                    let mut c = vq();
                    c.arg("replay")
                        .arg(saved.path())
                        .args(["--url", &server.url(), "--retry-delay", "10ms"])
                        .args(mode);
                    c
                },
                |mut c, src| {
                    let (code, _, _) = run_clean(&mut c, &format!("replay ({src})"));
                    assert!(matches!(code, Some(0 | 1)));
                },
            );
        }
    }
    for req in ok.requests().iter().chain(failing.requests().iter()) {
        assert_clean(&req.raw, "the replayed request");
    }
}
