//! `vq-hook check` against endpoints started here on loopback, each wrong
//! in one known way: the probes that fail must be exactly the ones that
//! catch that fault, and the output (table, JSON, JUnit) must say so.

mod common;

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use common::{output_text, vq, Listening, Recorded, Reply, TestServer};
use serde_json::Value;
use vq_hook::signature::{self, Check};

const SECRET: &str = "chk-s3cr3t-distinctive-value";

const TAMPERED: &str = "body changed after signing";
const UNSIGNED: &str = "missing signature";
const WRONG_SECRET: &str = "signature with another secret";
const RAW: &str = "raw body bytes";
const REPEAT: &str = "repeated delivery";
const TIMING: &str = "answers within 10s";

/// Whether `body` carries a valid signature of `signed` (the bytes the
/// endpoint chose to hash).
fn verified(req: &Recorded, signed: &[u8]) -> bool {
    let Some(value) = req.header("x-visualq-signature") else {
        return false;
    };
    let expected = signature::digest(SECRET.as_bytes(), signed);
    let received = signature::parse_values([value.as_bytes()]);
    matches!(
        signature::check(&[expected], &received),
        Check::Valid { .. }
    )
}

/// What a correct endpoint does: HMAC over the raw body, 401 otherwise,
/// duplicates accepted.
fn correct(req: &Recorded) -> Reply {
    if verified(req, &req.body) {
        Reply::status(200).body("{\"ok\":true}")
    } else {
        Reply::status(401)
    }
}

/// Verifies the signature over `serde_json::to_vec` of the parsed body.
fn reserialising(req: &Recorded) -> Reply {
    let Ok(value) = serde_json::from_slice::<Value>(&req.body) else {
        return Reply::status(400);
    };
    if verified(req, &serde_json::to_vec(&value).unwrap()) {
        Reply::status(200)
    } else {
        Reply::status(401)
    }
}

fn check(server: &TestServer, extra: &[&str]) -> (i32, String, String) {
    let mut cmd = vq();
    cmd.args(["check", "--url", &server.url(), "--secret", SECRET]);
    cmd.args(extra);
    let out = cmd.output().unwrap();
    let (stdout, stderr) = output_text(&out);
    assert!(
        !stdout.contains(SECRET),
        "secret leaked to stdout: {stdout}"
    );
    assert!(
        !stderr.contains(SECRET),
        "secret leaked to stderr: {stderr}"
    );
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

/// Runs with `--json` and returns the exit code, the object, and the names
/// of the failed probes.
fn check_json(server: &TestServer, extra: &[&str]) -> (i32, Value, Vec<String>) {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = check(server, &args);
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let failed = v["probes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["passed"] == false)
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert!(stderr.is_empty(), "{stderr}");
    (code, v, failed)
}

fn probe<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no probe {name} in {v}"))
}

#[test]
fn a_correct_endpoint_passes_every_probe() {
    let server = TestServer::start_with(correct);
    let (code, stdout, _) = check(&server, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("all 13 probes passed"), "{stdout}");
    assert_eq!(stdout.matches("PASS").count(), 13, "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");

    // One attempt per probe, no retries: 12 requests (timing sends none).
    let reqs = server.requests();
    assert_eq!(reqs.len(), 12);
    let events: HashSet<&str> = reqs
        .iter()
        .filter_map(|r| r.header("x-visualq-event"))
        .collect();
    assert_eq!(events.len(), 7, "{events:?}");

    // The repeat is the same delivery: id, signature and bytes.
    let id = |r: &Recorded| r.header("x-visualq-delivery").unwrap().to_string();
    let repeated: Vec<&Recorded> = reqs
        .iter()
        .filter(|r| reqs.iter().filter(|o| id(o) == id(r)).count() == 2)
        .collect();
    assert_eq!(repeated.len(), 2);
    assert_eq!(repeated[0].body, repeated[1].body);
    assert_eq!(
        repeated[0].header("x-visualq-signature"),
        repeated[1].header("x-visualq-signature")
    );

    // The raw-bytes body arrives with its escapes intact.
    let raw = reqs
        .iter()
        .find(|r| r.body.windows(6).any(|w| w == b"\\u00e9"))
        .expect("a body with a \\u00e9 escape");
    let text = String::from_utf8(raw.body.clone()).unwrap();
    assert!(text.contains("\\/") && text.contains('\u{1F680}'), "{text}");
}

#[test]
fn a_lax_endpoint_fails_exactly_the_three_signature_probes() {
    let server = TestServer::start_with(|_| Reply::status(200));
    let (code, v, failed) = check_json(&server, &[]);
    assert_eq!(code, 1);
    assert_eq!(failed, [TAMPERED, UNSIGNED, WRONG_SECRET]);
    assert_eq!(v["passed"], false);
    let tampered = probe(&v, TAMPERED);
    assert_eq!(tampered["status"], 200);
    assert_eq!(tampered["expected"], "4xx");
    let detail = tampered["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("accepted a body changed after signing: verify the HMAC"),
        "{detail}"
    );
}

#[test]
fn an_endpoint_that_verifies_reserialised_json_fails_only_raw_bytes() {
    let server = TestServer::start_with(reserialising);
    let (code, v, failed) = check_json(&server, &[]);
    assert_eq!(code, 1);
    assert_eq!(failed, [RAW]);
    let detail = probe(&v, RAW)["detail"].as_str().unwrap();
    assert!(detail.contains("body exactly as received"), "{detail}");
}

#[test]
fn a_non_idempotent_endpoint_fails_only_the_repeat() {
    let seen = Mutex::new(HashSet::new());
    let server = TestServer::start_with(move |req| {
        if !verified(req, &req.body) {
            return Reply::status(401);
        }
        let id = req.header("x-visualq-delivery").unwrap_or("").to_string();
        if seen.lock().unwrap().insert(id) {
            Reply::status(200)
        } else {
            Reply::status(409)
        }
    });
    let (code, v, failed) = check_json(&server, &[]);
    assert_eq!(code, 1);
    assert_eq!(failed, [REPEAT]);
    assert_eq!(probe(&v, REPEAT)["status"], 409);
}

#[test]
fn a_slow_endpoint_fails_with_a_timeout_detail() {
    let server = TestServer::start_with(|req| correct(req).delay(Duration::from_millis(500)));
    let (code, v, failed) = check_json(&server, &["--timeout", "200ms"]);
    assert_eq!(code, 1);
    assert_eq!(failed.len(), 13, "{failed:?}");
    let first = probe(&v, "valid run.started");
    assert_eq!(first["status"], Value::Null);
    let detail = first["detail"].as_str().unwrap();
    assert!(detail.contains("no answer within 200ms"), "{detail}");
    assert!(detail.contains("gives up at 10s"), "{detail}");
    let timing = probe(&v, TIMING);
    assert_eq!(timing["expected"], "< 200ms");
    assert!(timing["elapsed_ms"].as_u64().unwrap() >= 200);
}

#[test]
fn json_has_the_documented_fields() {
    let server = TestServer::start_with(correct);
    let (code, v, failed) = check_json(&server, &[]);
    assert_eq!(code, 0);
    assert!(failed.is_empty());
    assert_eq!(v["url"], server.url());
    assert_eq!(v["passed"], true);
    let probes = v["probes"].as_array().unwrap();
    let names: Vec<&str> = probes.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "valid run.started",
            "valid run.completed",
            "valid run.failed",
            "valid diff.detected",
            "valid scenario.approved",
            "valid ai.analysis.completed",
            "valid quality_score.dropped",
            RAW,
            REPEAT,
            TAMPERED,
            UNSIGNED,
            WRONG_SECRET,
            TIMING,
        ]
    );
    for p in probes {
        let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "detail",
                "elapsed_ms",
                "expected",
                "name",
                "passed",
                "status"
            ]
        );
        assert!(p["elapsed_ms"].is_u64());
    }
    assert_eq!(probe(&v, "valid run.failed")["status"], 200);
    assert_eq!(probe(&v, UNSIGNED)["status"], 401);
    assert_eq!(probe(&v, UNSIGNED)["detail"], Value::Null);
    assert_eq!(probe(&v, TIMING)["expected"], "< 10s");
    assert!(probe(&v, TIMING)["detail"]
        .as_str()
        .unwrap()
        .starts_with("slowest: "));
}

/// Checks that every tag is closed in order and every `&` starts an entity:
/// enough to catch broken escaping without an XML dependency.
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "bare & in {text}"
            );
        }
        let end = rest[start..].find('>').expect("unclosed tag") + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else if !tag.starts_with('?') && !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or("");
            stack.push(name.to_string());
        }
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn report_is_junit_xml_with_every_probe() {
    let server = TestServer::start_with(|_| Reply::status(200));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    let (code, stdout, _) = check(&server, &["--report", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("10/13 probes passed"), "{stdout}");

    let xml = std::fs::read_to_string(&path).unwrap();
    assert!(!xml.contains(SECRET));
    assert_well_formed(&xml);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    assert!(
        xml.contains("<testsuite name=\"vq-hook check\" tests=\"13\" failures=\"3\""),
        "{xml}"
    );
    assert_eq!(
        xml.matches("<testcase classname=\"vq-hook.check\" name=")
            .count(),
        13
    );
    assert_eq!(xml.matches("<failure message=").count(), 3, "{xml}");
    assert!(
        xml.contains(&format!("name=\"{TAMPERED}\" time=\"")),
        "{xml}"
    );
    assert!(xml.contains("name=\"valid scenario.approved\""), "{xml}");
    assert!(
        xml.contains("accepted a body changed after signing"),
        "{xml}"
    );

    // Written through a temporary file that is gone afterwards.
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "{files:?}");
}

#[test]
fn quiet_prints_only_the_verdict() {
    let server = TestServer::start_with(|_| Reply::status(200));
    let (code, stdout, stderr) = check(&server, &["-q"]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "10/13 probes passed\n");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn failures_are_explained_under_the_table() {
    let server = TestServer::start_with(|_| Reply::status(200));
    let (_, stdout, _) = check(&server, &[]);
    let table_end = stdout.find(TIMING).unwrap();
    let explained = stdout
        .find("missing signature: accepted a delivery without X-VisualQ-Signature")
        .expect(&stdout);
    assert!(explained > table_end, "{stdout}");
    assert!(
        stdout.trim_end().ends_with("10/13 probes passed"),
        "{stdout}"
    );
}

#[test]
fn url_and_secret_come_from_the_environment() {
    let server = TestServer::start_with(correct);
    let out = vq()
        .args(["check", "-q"])
        .env("VQ_HOOK_URL", server.url())
        .env("VQ_HOOK_SECRET", format!("{SECRET}\n"))
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, "all 13 probes passed\n");
}

#[test]
fn overrides_apply_to_every_probe_body() {
    let server = TestServer::start_with(correct);
    let (code, _, _) = check(&server, &["-q", "--project-id", "proj_custom"]);
    assert_eq!(code, 0);
    for r in server.requests() {
        let text = String::from_utf8(r.body).unwrap();
        assert!(text.contains("\"projectId\":\"proj_custom\""), "{text}");
    }
}

#[test]
fn missing_url_or_secret_is_a_usage_error() {
    let server = TestServer::start_with(correct);
    let out = vq().args(["check", "--secret", SECRET]).output().unwrap();
    let (_, stderr) = output_text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("--url") && stderr.contains("VQ_HOOK_URL"),
        "{stderr}"
    );

    let out = vq()
        .args(["check", "--url", &server.url()])
        .output()
        .unwrap();
    let (_, stderr) = output_text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("--secret"), "{stderr}");
    assert!(server.requests().is_empty());
}

#[test]
fn a_bad_report_path_is_a_usage_error_before_any_request() {
    let server = TestServer::start_with(correct);
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("junit.xml");
    let (code, _, stderr) = check(&server, &["--report", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("does not exist"), "{stderr}");

    let (code, _, stderr) = check(&server, &["--report", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is a directory"), "{stderr}");
    assert!(server.requests().is_empty());
}

#[test]
fn payload_files_and_bad_urls_are_refused() {
    let server = TestServer::start_with(correct);
    let (code, _, stderr) = check(&server, &["--payload", "-"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--payload"), "{stderr}");

    let out = vq()
        .args(["check", "--url", "localhost:3000/hook", "--secret", SECRET])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(server.requests().is_empty());
}

/// Issue 4's acceptance: `vq-hook listen` with a secret passes every probe;
/// without one it accepts anything, so the three signature probes fail.
#[test]
fn done_when_check_against_vq_hook_listen() {
    let strict = Listening::start(&["--secret", "s"]);
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("junit.xml");
    vq().args(["check", "--url", &strict.url, "--secret", "s", "--report"])
        .arg(&report)
        .assert()
        .success()
        .stdout(predicates::str::contains("all 13 probes passed"));
    let xml = std::fs::read_to_string(&report).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 13);
    assert!(!xml.contains("<failure"));

    let lax = Listening::start(&[]);
    let out = vq()
        .args(["check", "--url", &lax.url, "--secret", "s", "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let failed: Vec<&str> = v["probes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["passed"] == false)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        [
            "body changed after signing",
            "missing signature",
            "signature with another secret"
        ]
    );
}
