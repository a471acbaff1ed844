//! `vq-hook verify` end to end: known-answer vectors, every input route
//! (file, stdin, `--signature`), secret rotation and sources, framing and
//! decoding, exit-2 input errors, the hints, a large streamed body, and
//! that no secret ever reaches stdout or stderr.

mod common;

use std::io::Write;

use common::vq;
use serde_json::Value;
use vq_hook::secret::Secret;
use vq_hook::signature::sign;

const SECRET: &str = "test-secret";

fn sig(secret: &str, body: &[u8]) -> String {
    sign(&Secret::from_flag(secret, 0), body)
}

/// A raw request with the given extra headers and a Content-Length.
fn request(headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = b"POST /hooks/visualq HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// A request carrying `signature` for `body` and a real event name.
fn signed(signature: &str, body: &[u8]) -> Vec<u8> {
    request(
        &[
            ("X-VisualQ-Event", "run.completed"),
            ("X-VisualQ-Delivery", "d-1"),
            ("X-VisualQ-Signature", signature),
        ],
        body,
    )
}

/// Runs `verify ARGS` on `stdin`, checks the exit code, and returns stdout
/// and stderr after checking that none of `secrets` appears in either.
fn run(args: &[&str], stdin: &[u8], code: i32, secrets: &[&str]) -> (String, String) {
    let out = vq()
        .arg("verify")
        .args(args)
        .write_stdin(stdin.to_vec())
        .assert()
        .code(code)
        .get_output()
        .clone();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    for s in secrets.iter().chain([&SECRET]) {
        assert!(
            !stdout.contains(s) && !stderr.contains(s),
            "secret {s:?} leaked"
        );
    }
    (stdout, stderr)
}

#[test]
fn github_known_answer_vector() {
    let key = "It's a Secret to Everybody";
    let good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let (out, _) = run(
        &["--signature", good, "--secret", key],
        b"Hello, World!",
        0,
        &[key],
    );
    assert!(
        out.starts_with("valid: signature matches (secret: --secret)"),
        "{out}"
    );
    let bad = good.replace("757", "000");
    let (out, _) = run(
        &["--signature", &bad, "--secret", key],
        b"Hello, World!",
        1,
        &[key],
    );
    assert!(
        out.contains("does not match") && out.contains(good),
        "{out}"
    );
}

#[test]
fn capture_on_stdin_and_dash() {
    let body = br#"{"event":"run.completed"}"#;
    let req = signed(&sig(SECRET, body), body);
    let (out, _) = run(&["--secret", SECRET], &req, 0, &[]);
    assert!(
        out.contains("event:    run.completed") && out.contains("delivery: d-1"),
        "{out}"
    );
    run(&["-", "--secret", SECRET], &req, 0, &[]);
}

#[test]
fn rotation_says_which_secret_matched() {
    let body = b"{}";
    let req = signed(&sig("new-one", body), body);
    let args = ["--secret", "old-one", "--secret", "new-one"];
    let (out, _) = run(&args, &req, 0, &["old-one", "new-one"]);
    assert!(out.contains("(secret: --secret #2)"), "{out}");
    let (json, _) = run(
        &[&args[..], &["--json"]].concat(),
        &req,
        0,
        &["old-one", "new-one"],
    );
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["secret"], "--secret #2");
    assert_eq!(v["expected"], sig("new-one", body));
}

#[test]
fn comma_separated_values() {
    let body = b"{}";
    let value = format!("sha256={}, {}", "0".repeat(64), sig(SECRET, body));
    let (json, _) = run(
        &["--secret", SECRET, "--json"],
        &signed(&value, body),
        0,
        &[],
    );
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["valid"], true);
    assert_eq!(v["signatures"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["received"], sig(SECRET, body));
}

#[test]
fn deflate_body_is_decompressed_before_hashing() {
    let body = br#"{"event":"run.completed","n":1}"#;
    for zlib in [true, false] {
        let compressed = if zlib {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(body).unwrap();
            e.finish().unwrap()
        } else {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(body).unwrap();
            e.finish().unwrap()
        };
        let req = request(
            &[
                ("Content-Encoding", "deflate"),
                ("X-VisualQ-Signature", &sig(SECRET, body)),
            ],
            &compressed,
        );
        let (out, _) = run(&["--secret", SECRET], &req, 0, &[]);
        assert!(out.contains("decompressed from deflate"), "{out}");
    }
}

#[test]
fn corrupt_gzip_is_exit_2() {
    let req = request(
        &[("Content-Encoding", "gzip"), ("X-VisualQ-Signature", "x")],
        b"nope!",
    );
    let (_, err) = run(&["--secret", SECRET], &req, 2, &[]);
    assert!(
        err.starts_with("vq-hook: error: stdin:") && err.contains("corrupt gzip"),
        "{err}"
    );
}

#[test]
fn bad_chunking_is_exit_2_with_the_byte() {
    let head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-VisualQ-Signature: x\r\n\r\n";
    let req = format!("{head}5\r\nabc\r\n0\r\n\r\n");
    let (_, err) = run(&["--secret", SECRET], req.as_bytes(), 2, &[]);
    assert!(err.contains("chunk") && err.contains("byte"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let req = format!("{head}xyz\r\nabc\r\n0\r\n\r\n");
    let (_, err) = run(&["--secret", SECRET], req.as_bytes(), 2, &[]);
    assert!(err.contains(&format!("byte {}", head.len())), "{err}");
}

#[test]
fn truncated_body_is_exit_2() {
    let mut req = signed("sha256=00", b"0123456789");
    req.truncate(req.len() - 4);
    let (_, err) = run(&["--secret", SECRET], &req, 2, &[]);
    assert!(err.contains("truncated body") && err.contains("10 bytes") && err.contains("only 6"));
}

#[test]
fn not_a_request_is_exit_2_naming_the_line() {
    let (_, err) = run(&["--secret", SECRET], b"{\"just\": \"json\"}\n", 2, &[]);
    assert!(
        err.contains("line 1") && err.contains("request line"),
        "{err}"
    );
    let (_, err) = run(
        &["--secret", SECRET],
        b"POST / HTTP/1.1\r\nno colon\r\n\r\n",
        2,
        &[],
    );
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn empty_stdin() {
    let (_, err) = run(&["--secret", SECRET], b"", 2, &[]);
    assert!(err.contains("empty input"), "{err}");
    // A bare empty body is a body like any other.
    let empty = sig(SECRET, b"");
    run(&["--secret", SECRET, "--signature", &empty], b"", 0, &[]);
}

#[test]
fn directory_and_missing_file_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    let (_, err) = run(&[path, "--secret", SECRET], b"", 2, &[]);
    assert!(err.contains("is a directory"), "{err}");
    let missing = dir.path().join("nope.txt");
    let (_, err) = run(
        &[missing.to_str().unwrap(), "--secret", SECRET],
        b"",
        2,
        &[],
    );
    assert!(err.contains("nope.txt"), "{err}");
}

#[test]
fn missing_secret_names_the_flag_and_variable() {
    let (_, err) = run(&[], &signed("sha256=00", b"{}"), 2, &[]);
    assert!(
        err.contains("--secret") && err.contains("VQ_HOOK_SECRET"),
        "{err}"
    );
}

#[test]
fn secret_from_the_environment_loses_one_newline() {
    let body = b"{}";
    let out = vq()
        .arg("verify")
        .env("VQ_HOOK_SECRET", "env-secret\n")
        .write_stdin(signed(&sig("env-secret", body), body))
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("(secret: VQ_HOOK_SECRET)"), "{stdout}");
    assert!(
        !stdout.contains("env-secret")
            && !String::from_utf8_lossy(&out.stderr).contains("env-secret")
    );
}

#[test]
fn quiet_prints_only_the_verdict() {
    let body = b"{}";
    let out = vq()
        .args(["-q", "verify", "--secret", SECRET])
        .write_stdin(signed(&sig(SECRET, body), body))
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "valid: signature matches (secret: --secret)\n"
    );
}

#[test]
fn large_body_is_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    let piece: Vec<u8> = (0..=255u8).cycle().take(1024 * 1024).collect();
    let total = 64 * piece.len();
    let mut signer = vq_hook::signature::Signer::new(SECRET.as_bytes());
    for _ in 0..64 {
        signer.update(&piece);
    }
    let value = vq_hook::signature::header_value(&signer.finish());
    let mut f = std::fs::File::create(&path).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nX-VisualQ-Signature: {value}\r\nContent-Length: {total}\r\n\r\n"
    );
    f.write_all(head.as_bytes()).unwrap();
    for _ in 0..64 {
        f.write_all(&piece).unwrap();
    }
    drop(f);
    let (out, _) = run(&[path.to_str().unwrap(), "--secret", SECRET], b"", 0, &[]);
    assert!(
        out.contains(&format!("{total} bytes")) && out.contains("not printed"),
        "{out}"
    );
}

/// Each common mistake still fails (exit 1) but is named by a hint.
#[test]
fn hints_explain_but_never_validate() {
    let json = br#"{"a": 1}"#;
    let cases: [(&[u8], &[u8], &str, &str); 5] = [
        (
            b"{\"a\":1}\n",
            b"{\"a\":1}",
            SECRET,
            "without its trailing newline (LF)",
        ),
        (
            b"{\r\n\"a\":1\r\n}",
            b"{\n\"a\":1\n}",
            SECRET,
            "CRLF line ends converted to LF",
        ),
        (
            b"\xef\xbb\xbf{\"a\":1}",
            b"{\"a\":1}",
            SECRET,
            "without its leading UTF-8 BOM",
        ),
        (json, b"{\"a\":1}", SECRET, "re-serialised as compact JSON"),
        (
            json,
            b"{\n  \"a\": 1\n}",
            SECRET,
            "re-serialised as pretty JSON",
        ),
    ];
    for (body, signed_body, key, hint) in cases {
        let (out, _) = run(
            &["--secret", key],
            &signed(&sig(key, signed_body), body),
            1,
            &[],
        );
        assert!(out.contains(hint), "{hint}: {out}");
        let args = ["--secret", key, "--json"];
        let (json, _) = run(&args, &signed(&sig(key, signed_body), body), 1, &[]);
        let v: Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(v["valid"], false);
        assert!(v["hints"].to_string().contains(hint), "{hint}: {v}");
    }
}

#[test]
fn secret_hints() {
    let body = b"{}";
    let req = signed(&sig(SECRET, body), body);
    let padded = " test-secret ";
    let (out, _) = run(&["--secret", padded], &req, 1, &[padded]);
    assert!(out.contains("stripped of surrounding white space"), "{out}");

    // whsec_ + base64("raw-key-bytes"): the sender keys with the decoded bytes.
    let whsec = "whsec_cmF3LWtleS1ieXRlcw==";
    let req = signed(&sig("raw-key-bytes", body), body);
    let (out, _) = run(
        &["--secret", whsec],
        &req,
        1,
        &[whsec, "cmF3LWtleS1ieXRlcw", "raw-key"],
    );
    assert!(out.contains("base64-decoded"), "{out}");
}

#[test]
fn unknown_event_is_a_warning_not_a_failure() {
    let body = b"{}";
    let req = request(
        &[
            ("X-VisualQ-Event", "build.completed"),
            ("X-VisualQ-Signature", &sig(SECRET, body)),
        ],
        body,
    );
    let (_, err) = run(&["--secret", SECRET], &req, 0, &[]);
    assert!(
        err.contains("warning") && err.contains("build.completed"),
        "{err}"
    );
    let (_, err) = run(
        &["--secret", SECRET],
        &signed(&sig(SECRET, body), body),
        0,
        &[],
    );
    assert!(err.is_empty(), "{err}");
}

#[test]
fn missing_header_is_exit_1() {
    let req = request(&[], b"{}");
    let (out, _) = run(&["--secret", SECRET], &req, 1, &[]);
    assert!(
        out.starts_with("invalid: missing X-VisualQ-Signature header"),
        "{out}"
    );
}

#[test]
fn rotation_may_mix_flags_and_files_and_ignores_the_environment_then() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new-secret");
    std::fs::write(&file, "test-secret\n").unwrap();
    let case = "tests/cases/13a-duplicate-signature-headers-two-lines.txt";
    vq().args(["verify", "--secret", "unrelated", "--secret-file"])
        .arg(&file)
        .arg(case)
        .assert()
        .success()
        .stdout(predicates::str::contains("secret: --secret-file"));
    // With only a file given, VQ_HOOK_SECRET is not added to the list: the
    // capture is signed with the environment's secret, yet invalid.
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, "unrelated").unwrap();
    vq().args(["verify", "--secret-file"])
        .arg(&wrong)
        .arg("tests/cases/03-utf8-emoji.txt")
        .env("VQ_HOOK_SECRET", "test-secret")
        .assert()
        .code(1);
}
