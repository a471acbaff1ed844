//! Interop: vq-hook's signatures equal those of Python's `hmac` module (as
//! a receiver written in Python would compute them) on tricky bodies, and
//! `verify` accepts a capture whose signature Python computed. python3 is
//! required: when it is missing these tests fail with a message naming it,
//! rather than skip silently (CI machines have it).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command as Std;

use common::{output_text, raw_post, vq};

/// Signs every (key file, body file) pair given as arguments, one value a
/// line.
const PY_HMAC: &str = "import hmac, hashlib, sys\n\
a = sys.argv[1:]\n\
for k, b in zip(a[::2], a[1::2]): print('sha256=' + hmac.new(\
open(k, 'rb').read(), open(b, 'rb').read(), hashlib.sha256).hexdigest())\n";

fn temp(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

/// The signature header values Python's hmac computes for each (key, body),
/// in one python3 run; keys and bodies go through files so no byte is
/// re-encoded on the way.
fn python_sign_all(pairs: &[(&[u8], &[u8])]) -> Vec<String> {
    let files: Vec<_> = pairs.iter().map(|(k, b)| (temp(k), temp(b))).collect();
    let mut cmd = Std::new("python3");
    cmd.args(["-c", PY_HMAC]);
    for (k, b) in &files {
        cmd.arg(k.path()).arg(b.path());
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "python3 is required for the interop tests (CI machines have it) \
             but could not be run: {e}"
        )
    });
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        lines.len(),
        pairs.len(),
        "one signature per pair from python3"
    );
    lines
}

/// Every (key, body name, body, Python's signature) combination.
fn python_cases(keys: &[&'static str]) -> Vec<(&'static str, &'static str, Vec<u8>, String)> {
    let mut cases = Vec::new();
    for key in keys {
        for (name, body) in bodies() {
            cases.push((*key, name, body));
        }
    }
    let pairs: Vec<(&[u8], &[u8])> = cases
        .iter()
        .map(|(k, _, b)| (k.as_bytes(), b.as_slice()))
        .collect();
    let sigs = python_sign_all(&pairs);
    cases
        .into_iter()
        .zip(sigs)
        .map(|((k, n, b), s)| (k, n, b, s))
        .collect()
}

/// Bodies whose bytes re-serialising JSON would change, as the platform
/// might send them.
fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    let pretty = "{\n  \"event\": \"run.completed\",\n  \"data\": {\n    \"passed\": 3\n  }\n}\n";
    vec![
        (
            "utf8",
            "{\"projectName\":\"Café Müller ✓\"}".as_bytes().to_vec(),
        ),
        (
            "escaped",
            br#"{"projectName":"Caf\u00e9","url":"https:\/\/visualq.example\/r\/1"}"#.to_vec(),
        ),
        (
            "emoji",
            "{\"note\":\"🚀 shipped 👩‍💻\",\"flag\":\"🇫🇷\"}"
                .as_bytes()
                .to_vec(),
        ),
        ("bom", b"\xef\xbb\xbf{\"event\":\"run.started\"}".to_vec()),
        ("pretty", pretty.as_bytes().to_vec()),
        ("crlf", pretty.replace('\n', "\r\n").into_bytes()),
        ("empty", Vec::new()),
        ("binary", (0..=255u8).cycle().take(5000).collect()),
    ]
}

fn secrets() -> Vec<&'static str> {
    vec![
        "test-secret",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "clé-ü-🔑",
        " spaces around ",
    ]
}

#[test]
fn library_signatures_equal_python_hmac() {
    for (key, name, body, theirs) in python_cases(&secrets()) {
        assert_eq!(common::sign(key, &body), theirs, "body {name}, key {key:?}");
    }
}

#[test]
fn sign_command_equals_python_hmac() {
    for (key, name, body, theirs) in python_cases(&secrets()[..2]) {
        let file = temp(&body);
        let out = vq()
            .args(["sign", "--secret", key])
            .arg(file.path())
            .output()
            .unwrap();
        let (stdout, stderr) = output_text(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert_eq!(stdout.trim_end(), theirs, "body {name}, key {key:?}");
    }
}

fn verify_file(key: &str, path: &Path) -> (Option<i32>, String) {
    let out = vq()
        .args(["verify", "--secret", key])
        .arg(path)
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&out);
    (out.status.code(), format!("{stdout}{stderr}"))
}

#[test]
fn verify_accepts_captures_python_signed() {
    let keys = secrets();
    for (key, name, body, sig) in python_cases(&[keys[0], keys[2]]) {
        let raw = raw_post(
            "/hook",
            &[
                ("X-VisualQ-Event", "run.completed"),
                ("X-VisualQ-Delivery", "py-1"),
                ("X-VisualQ-Signature", &sig),
            ],
            &body,
        );
        let file = temp(&raw);
        let (code, text) = verify_file(key, file.path());
        assert_eq!(code, Some(0), "body {name}, key {key:?}: {text}");
        // And with a key Python did not use: invalid.
        let (code, text) = verify_file("not-the-key", file.path());
        assert_eq!(code, Some(1), "body {name}: {text}");
    }
}

#[test]
fn verify_signature_flag_accepts_python_digest_for_a_bare_body() {
    for (key, name, body, sig) in python_cases(&["test-secret"]) {
        let file = temp(&body);
        let out = vq()
            .args(["verify", "--secret", key, "--signature", &sig])
            .arg(file.path())
            .output()
            .unwrap();
        let (stdout, stderr) = output_text(&out);
        assert_eq!(out.status.code(), Some(0), "{name}: {stdout}{stderr}");
    }
}
