//! `vq-hook send` against real loopback servers: what the server received
//! (count, bytes, headers, signatures) and what the user was told.

mod common;

use std::time::{Duration, Instant};

use common::{output_text, send_to, sign, vq, Reply, TestServer};
use predicates::prelude::*;
use serde_json::Value;

const SECRET: &str = "s3cr3t-distinctive-value";

fn send(server: &TestServer, event: &str) -> assert_cmd::Command {
    let mut cmd = vq();
    cmd.args([
        "send",
        event,
        "--url",
        &server.url(),
        "--secret",
        SECRET,
        "--retry-delay",
        "10ms",
    ]);
    cmd
}

#[test]
fn done_when_500_then_200_shows_both_attempts_and_exits_0() {
    let server = TestServer::start(vec![
        Reply::status(500),
        Reply::status(200).body("{\"ok\":1}"),
    ]);
    let out = send(&server, "run.failed")
        .assert()
        .success()
        .get_output()
        .clone();
    let (stdout, _) = output_text(&out);
    assert!(
        stdout.contains(&format!(
            "attempt 1  POST {}  500 Internal Server Error",
            server.url()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("retrying in 10ms"), "{stdout}");
    assert!(
        stdout.contains(&format!("attempt 2  POST {}  200 OK", server.url())),
        "{stdout}"
    );
    assert!(stdout.contains("\"ok\": 1"), "{stdout}");
    assert!(stdout.contains("delivered: run.failed"), "{stdout}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn case_24_a_retry_is_byte_identical() {
    let server = TestServer::start(vec![Reply::status(503), Reply::status(204)]);
    send(&server, "run.completed").assert().success();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[0].raw, reqs[1].raw,
        "the retry must repeat the request byte for byte"
    );
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/hook");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("user-agent"), Some("VisualQ-Webhook/1.0"));
    assert_eq!(r.header("x-visualq-event"), Some("run.completed"));
    assert_eq!(
        r.header("x-visualq-signature").unwrap(),
        sign(SECRET, &r.body)
    );
    let id = r.header("x-visualq-delivery").unwrap();
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "delivery id {id} is a UUID"
    );
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["event"], "run.completed");
    // Compact like JSON.stringify: no spaces.
    assert!(!String::from_utf8_lossy(&r.body).contains(": "));
}

#[test]
fn case_23_final_codes_get_exactly_one_attempt() {
    for code in [400, 401, 404, 410, 422] {
        let server = TestServer::start(vec![Reply::status(code)]);
        send(&server, "run.started")
            .assert()
            .code(1)
            .stdout(predicate::str::contains("not retried"));
        assert_eq!(server.requests().len(), 1, "status {code}");
    }
}

#[test]
fn case_23_retryable_codes_get_exactly_two_attempts() {
    for code in [500, 502, 503, 504, 429] {
        let server = TestServer::start(vec![Reply::status(code)]);
        send(&server, "run.started")
            .assert()
            .code(1)
            .stdout(predicate::str::contains("no attempts left"));
        assert_eq!(server.requests().len(), 2, "status {code}");
    }
    let server = TestServer::start(vec![Reply::status(429), Reply::status(202)]);
    send(&server, "run.started").assert().success();
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn case_26_redirects_are_never_followed() {
    for code in [301, 302, 303, 307, 308] {
        let server = TestServer::start(vec![
            Reply::status(code).header("Location", "http://127.0.0.1:1/elsewhere"),
            Reply::status(200),
        ]);
        send(&server, "run.started")
            .assert()
            .code(1)
            .stdout(predicate::str::contains(
                "Location: http://127.0.0.1:1/elsewhere",
            ))
            .stdout(predicate::str::contains("redirects are not followed"));
        let reqs = server.requests();
        assert_eq!(reqs.len(), 1, "status {code}");
        assert_eq!(reqs[0].method, "POST");
    }
}

#[test]
fn case_29_ipv6_literal_urls() {
    let Ok(probe) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("skipped: ::1 is not available on this machine");
        return;
    };
    drop(probe);
    let server = TestServer::start_on("::1", vec![Reply::status(200)]);
    assert!(server.url().starts_with("http://[::1]:"));
    send(&server, "run.started").assert().success();
    assert_eq!(server.requests().len(), 1);
    send_to("run.started", "http://::1:8080/x", "s")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("without brackets"));
}

#[test]
fn case_30_url_without_scheme_suggests_one_and_sends_nothing() {
    send_to("run.started", "localhost:3000/hook", "s")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean 'http://localhost:3000/hook'",
        ));
    send_to("run.started", "ftp://127.0.0.1/x", "s")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only http:// and https://"));
}

/// The one test that runs the 10 s default timeout (twice: both attempts).
#[test]
fn case_31_an_endpoint_slower_than_10s_times_out_on_each_attempt() {
    let server = TestServer::start(vec![Reply::status(200).delay(Duration::from_secs(12))]);
    let start = Instant::now();
    let out = vq()
        .args([
            "send",
            "run.started",
            "--url",
            &server.url(),
            "--secret",
            SECRET,
        ])
        .args(["--retry-delay", "10ms"])
        .timeout(Duration::from_secs(40))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(20) && took < Duration::from_secs(30),
        "{took:?}"
    );
    let (stdout, _) = output_text(&out);
    assert_eq!(stdout.matches("timed out after 10s").count(), 3, "{stdout}");
    assert!(
        stdout.contains("may still have processed the delivery"),
        "{stdout}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn slow_answers_are_flagged_and_retry_after_is_capped() {
    let server = TestServer::start(vec![
        Reply::status(503)
            .header("Retry-After", "3600")
            .delay(Duration::from_millis(8300)),
        Reply::status(200),
    ]);
    let start = Instant::now();
    let out = vq()
        .args([
            "send",
            "run.started",
            "--url",
            &server.url(),
            "--secret",
            SECRET,
        ])
        .timeout(Duration::from_secs(40))
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        start.elapsed() >= Duration::from_millis(18_000),
        "waited the capped 10 s"
    );
    let (stdout, _) = output_text(&out);
    assert!(stdout.contains("slow:"), "{stdout}");
    assert!(
        stdout.contains("Retry-After asked for 3600s; capped at 10s"),
        "{stdout}"
    );
    assert!(stdout.contains("retrying in 10s"), "{stdout}");
}

#[test]
fn retry_after_wins_over_retry_delay_and_bad_values_are_ignored() {
    let server = TestServer::start(vec![
        Reply::status(429).header("Retry-After", "0"),
        Reply::status(200),
    ]);
    let start = Instant::now();
    send_to("run.started", &server.url(), SECRET)
        .args(["--retry-delay", "30s"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Retry-After: 0"));
    assert!(start.elapsed() < Duration::from_secs(10));

    let server = TestServer::start(vec![
        Reply::status(503).header("Retry-After", "soon-ish"),
        Reply::status(200),
    ]);
    let start = Instant::now();
    send(&server, "run.started")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "'soon-ish' is unreadable; ignored",
        ));
    assert!(start.elapsed() < Duration::from_secs(5));

    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let server = TestServer::start(vec![
        Reply::status(503).header("Retry-After", &date),
        Reply::status(200),
    ]);
    let start = Instant::now();
    send(&server, "run.started").assert().success();
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "an HTTP date sets the wait"
    );
}

#[test]
fn timeouts_and_resets_are_retried_like_5xx() {
    let server = TestServer::start(vec![Reply::status(200).delay(Duration::from_secs(3))]);
    send(&server, "run.started")
        .args(["--timeout", "200ms"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("timed out after 200ms"))
        .stdout(predicate::str::contains("a timeout is retried like a 5xx"));
    assert_eq!(server.requests().len(), 2);

    let server = TestServer::start(vec![Reply::Reset, Reply::status(200)]);
    send(&server, "run.started")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "a connection error is retried like a 5xx",
        ));
    assert_eq!(server.requests().len(), 2);

    send_to("run.started", "http://127.0.0.1:1/", "s")
        .args(["--retry-delay", "1ms"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("could not connect"));
}

#[test]
fn no_retry_makes_one_attempt() {
    let server = TestServer::start(vec![Reply::status(500)]);
    send(&server, "run.started")
        .arg("--no-retry")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("--no-retry"));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn json_lines_have_the_documented_fields() {
    let server = TestServer::start(vec![
        Reply::status(500).body("oops"),
        Reply::status(200).body("{\"a\":1}"),
    ]);
    let out = send(&server, "diff.detected")
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .clone();
    let (stdout, _) = output_text(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let v: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["event"], "diff.detected");
    assert_eq!(v["url"], server.url());
    assert_eq!(v["outcome"], "delivered");
    let req = &server.requests()[0];
    assert_eq!(v["delivery"], req.header("x-visualq-delivery").unwrap());
    assert_eq!(v["signature"], req.header("x-visualq-signature").unwrap());
    let attempts = v["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["attempt"], 1);
    assert_eq!(attempts[0]["status"], 500);
    assert_eq!(attempts[0]["retried"], true);
    assert_eq!(attempts[0]["body"], "oops");
    assert!(attempts[0]["error"].is_null());
    assert!(attempts[0]["elapsed_ms"].is_u64());
    assert!(attempts[0]["headers"].is_array());
    assert_eq!(attempts[1]["body"]["a"], 1);
    assert_eq!(attempts[1]["retried"], false);

    let out = vq()
        .args([
            "send",
            "run.started",
            "--url",
            "http://127.0.0.1:1/",
            "--secret",
            "s",
            "--json",
        ])
        .args(["--no-retry"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "failed");
    assert!(v["attempts"][0]["status"].is_null());
    assert!(v["attempts"][0]["error"]
        .as_str()
        .unwrap()
        .contains("could not connect"));
}

#[test]
fn all_sends_every_event_with_its_own_delivery_id() {
    let server = TestServer::start(vec![Reply::status(200)]);
    send(&server, "").args(["--all"]).arg("--json");
    let mut cmd = vq();
    cmd.args([
        "send",
        "--all",
        "--url",
        &server.url(),
        "--secret",
        SECRET,
        "--json",
    ]);
    let out = cmd.assert().success().get_output().clone();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 7);
    let reqs = server.requests();
    let events: Vec<&str> = reqs
        .iter()
        .map(|r| r.header("x-visualq-event").unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "run.started",
            "run.completed",
            "run.failed",
            "diff.detected",
            "scenario.approved",
            "ai.analysis.completed",
            "quality_score.dropped"
        ]
    );
    let mut ids: Vec<&str> = reqs
        .iter()
        .map(|r| r.header("x-visualq-delivery").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 7);
}

#[test]
fn dry_run_prints_the_exact_bytes_that_are_sent() {
    let server = TestServer::start(vec![Reply::status(200)]);
    let common = [
        "--url",
        &server.url(),
        "--secret",
        SECRET,
        "--delivery-id",
        "d-1",
        "-H",
        "X-Extra: 1",
    ];
    vq().args(["send", "run.completed"])
        .args(common)
        .assert()
        .success();
    let dry = vq()
        .args(["send", "run.completed", "--dry-run"])
        .args(common)
        .assert()
        .success();
    let wire = &server.requests()[0].raw;
    assert_eq!(&dry.get_output().stdout, wire);
    assert_eq!(server.requests().len(), 1, "--dry-run sends nothing");
}

#[test]
fn curl_prints_a_command_that_really_sends_the_same_request() {
    let server = TestServer::start(vec![Reply::status(200)]);
    let out = vq()
        .args([
            "send",
            "run.failed",
            "--curl",
            "--url",
            &server.url(),
            "--secret",
            SECRET,
        ])
        .args(["--set", "data.error=it's broken"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(server.requests().is_empty(), "--curl sends nothing");
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.starts_with("curl"));
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped running it: no curl on this machine");
        return;
    }
    let status = std::process::Command::new("sh")
        .args(["-c", &format!("{} -s -o /dev/null", script.trim())])
        .status()
        .unwrap();
    assert!(status.success());
    let r = &server.requests()[0];
    assert_eq!(
        r.header("x-visualq-signature").unwrap(),
        sign(SECRET, &r.body)
    );
    assert!(String::from_utf8_lossy(&r.body).contains("it's broken"));
}

#[test]
fn signature_flags() {
    let server = TestServer::start(vec![Reply::status(401)]);
    vq().args([
        "send",
        "run.started",
        "--url",
        &server.url(),
        "--signature",
        "sha256=abc",
        "--no-retry",
    ])
    .assert()
    .code(1);
    vq().args([
        "send",
        "run.started",
        "--url",
        &server.url(),
        "--unsigned",
        "--no-retry",
    ])
    .assert()
    .code(1);
    vq().args([
        "send",
        "run.started",
        "--url",
        &server.url(),
        "--signature",
        "sha256=abc",
    ])
    .args(["-H", "X-VisualQ-Signature: sha256=def", "--no-retry"])
    .assert()
    .code(1);
    let reqs = server.requests();
    assert_eq!(reqs[0].header("x-visualq-signature"), Some("sha256=abc"));
    assert_eq!(reqs[1].header("x-visualq-signature"), None);
    let sigs: Vec<_> = reqs[2]
        .headers
        .iter()
        .filter(|(k, _)| k == "x-visualq-signature")
        .collect();
    assert_eq!(sigs.len(), 2);

    send_to("run.started", &server.url(), "s")
        .args(["-H", "X-VisualQ-Signature: sha256=def"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use --signature"));
    vq().args([
        "send",
        "run.started",
        "--url",
        &server.url(),
        "--signature",
        "x",
        "--unsigned",
    ])
    .assert()
    .code(2);
    vq().args([
        "send",
        "run.started",
        "--url",
        &server.url(),
        "--secret",
        "s",
        "-H",
        "nocolon",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "-H 'nocolon' is not 'Name: value'",
    ));
    assert_eq!(server.requests().len(), 3, "usage errors send nothing");
}

#[test]
fn headers_and_delivery_id_flags() {
    let server = TestServer::start(vec![Reply::status(200).header("X-Answer", "42")]);
    send(&server, "run.started")
        .args([
            "-H",
            "X-Tenant: t1",
            "-H",
            "User-Agent: other",
            "--delivery-id",
            "my-id",
            "-v",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("< x-answer: 42"));
    let r = &server.requests()[0];
    assert_eq!(r.header("x-tenant"), Some("t1"));
    assert_eq!(r.header("user-agent"), Some("other"));
    assert_eq!(r.header("x-visualq-delivery"), Some("my-id"));
}

#[test]
fn missing_secret_or_url_is_a_usage_error_naming_flag_and_variable() {
    vq().args(["send", "run.started", "--url", "http://127.0.0.1:1/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--secret"))
        .stderr(predicate::str::contains("VQ_HOOK_SECRET"));
    vq().args(["send", "run.started", "--secret", "s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--url"))
        .stderr(predicate::str::contains("VQ_HOOK_URL"));
    vq().args(["send", "--secret", "s", "--url", "http://127.0.0.1:1/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no event given"));
}

#[test]
fn environment_supplies_url_and_secret() {
    let server = TestServer::start(vec![Reply::status(200)]);
    vq().args(["send", "run.started"])
        .env("VQ_HOOK_URL", server.url())
        .env("VQ_HOOK_SECRET", "env-secret\r\n")
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "file-secret\n").unwrap();
    vq().args(["send", "run.started", "--secret-file"])
        .arg(&file)
        .env("VQ_HOOK_URL", server.url())
        .env("VQ_HOOK_SECRET", "ignored")
        .assert()
        .success();
    send_to("run.started", &server.url(), "flag-secret")
        .env("VQ_HOOK_SECRET", "ignored")
        .assert()
        .success();
    let reqs = server.requests();
    for (r, key) in reqs
        .iter()
        .zip(["env-secret", "file-secret", "flag-secret"])
    {
        assert_eq!(
            r.header("x-visualq-signature").unwrap(),
            sign(key, &r.body),
            "{key}"
        );
    }
}

#[test]
fn payload_files_are_sent_byte_for_byte() {
    let server = TestServer::start(vec![Reply::status(200)]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    let raw = concat!(
        "{ \"event\": \"run.started\",\n",
        "  \"note\": \"caf\u{e9} \\u00e9 \u{1f389}\", \"n\": 1.0 }\n"
    );
    std::fs::write(&file, raw).unwrap();
    vq().args([
        "send",
        "--url",
        &server.url(),
        "--secret",
        SECRET,
        "--payload",
    ])
    .arg(&file)
    .assert()
    .success();
    let r = &server.requests()[0];
    assert_eq!(r.body, raw.as_bytes());
    assert_eq!(r.header("x-visualq-event"), Some("run.started"));

    // An EVENT that disagrees with the payload wins, with a warning.
    vq().args([
        "send",
        "run.failed",
        "--url",
        &server.url(),
        "--secret",
        SECRET,
        "--payload",
    ])
    .arg(&file)
    .assert()
    .success()
    .stderr(predicate::str::contains(
        "X-VisualQ-Event will say 'run.failed'",
    ));
    assert_eq!(
        server.requests()[1].header("x-visualq-event"),
        Some("run.failed")
    );

    std::fs::write(&file, "{\"a\": 1}").unwrap();
    vq().args(["send", "--url", &server.url(), "--secret", "s", "--payload"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no \"event\" field"));
    std::fs::write(&file, "{\n  \"a\": ,\n}").unwrap();
    vq().args(["send", "--url", &server.url(), "--secret", "s", "--payload"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 2 column"));
    vq().args([
        "send",
        "run.started",
        "--url",
        &server.url(),
        "--secret",
        "s",
        "--payload",
    ])
    .arg(dir.path().join("missing.json"))
    .assert()
    .code(2)
    .stderr(predicate::str::contains("missing.json"));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn bad_values_are_usage_errors() {
    for args in [
        &["--timeout", "abc"][..],
        &["--retry-delay", "-1s"],
        &["--run-type", "vrt"],
        &["--set", "nopath"],
        &["--repeat", "0"],
        &["--concurrency", "4"],
    ] {
        send_to("run.started", "http://127.0.0.1:1/", "s")
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("vq-hook: error: "))
            .stderr(predicate::function(|s: &str| s.lines().count() == 1));
    }
    send_to("run.finished", "http://127.0.0.1:1/", "s")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean 'run.failed'"));
}

#[test]
fn the_secret_never_appears_in_any_output() {
    let server = TestServer::start(vec![Reply::status(500), Reply::status(200)]);
    for extra in [
        &["-v"][..],
        &["--json"],
        &["--dry-run"],
        &["--curl"],
        &["--repeat", "3"],
    ] {
        let out = send(&server, "run.completed").args(extra).output().unwrap();
        let (stdout, stderr) = output_text(&out);
        assert!(
            !stdout.contains(SECRET) && !stderr.contains(SECRET),
            "{extra:?}"
        );
    }
}

#[test]
fn response_bodies_are_shown_readably() {
    let server = TestServer::start(vec![Reply::status(200).body("plain words\n")]);
    send(&server, "run.started")
        .assert()
        .success()
        .stdout(predicate::str::contains("  plain words"));
    let server = TestServer::start(vec![Reply::Respond {
        status: 200,
        headers: vec![],
        body: vec![0xff, 0x00, 0x10],
        delay: Duration::ZERO,
    }]);
    send(&server, "run.started")
        .assert()
        .success()
        .stdout(predicate::str::contains("(3 bytes of binary data)"));
}

#[test]
fn load_mode_sends_distinct_signed_deliveries() {
    let server = TestServer::start(vec![Reply::status(200)]);
    let out = send(&server, "run.completed")
        .args([
            "--repeat",
            "300",
            "--concurrency",
            "16",
            "--fresh-run-id",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 300);
    let mut ids = std::collections::HashSet::new();
    let mut runs = std::collections::HashSet::new();
    for r in &reqs {
        assert_eq!(
            r.header("x-visualq-signature").unwrap(),
            sign(SECRET, &r.body)
        );
        ids.insert(r.header("x-visualq-delivery").unwrap().to_string());
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        runs.insert(v["runId"].as_str().unwrap().to_string());
    }
    assert_eq!((ids.len(), runs.len()), (300, 300));
    let (stdout, _) = output_text(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 301);
    let summary: Value = serde_json::from_str(lines[300]).unwrap();
    let s = &summary["summary"];
    assert_eq!(s["deliveries"], 300);
    assert_eq!(s["delivered"], 300);
    assert_eq!(s["statuses"]["200"], 300);
    for k in ["p50", "p90", "p99", "max"] {
        assert!(s["latency_ms"][k].is_number(), "{k}");
    }
    assert!(s["per_second"].as_f64().unwrap() > 0.0);
}

#[test]
fn load_mode_counts_failures() {
    let server = TestServer::start(vec![Reply::status(200), Reply::status(500)]);
    let out = send(&server, "run.started")
        .args(["--repeat", "20", "--concurrency", "4", "--no-retry"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let (stdout, _) = output_text(&out);
    assert!(stdout.contains("delivered 1  failed 19"), "{stdout}");
    assert!(stdout.contains("500: 19"), "{stdout}");
    assert!(stdout.contains("latency  p50"), "{stdout}");
}

/// Load mode takes its own HTTP path for plain http:// to an IP address
/// (src/delivery/direct.rs); what it sends must still be what `--dry-run`
/// prints, apart from the delivery id (and, with `--fresh-run-id`, the
/// body and what depends on it).
#[test]
fn load_mode_sends_the_bytes_dry_run_shows() {
    let server = TestServer::start(vec![Reply::status(200)]);
    let url = format!("{}?q=1", server.url());
    let common = ["--url", &url, "--secret", SECRET, "-H", "X-Extra: 1"];
    let dry = vq()
        .args(["send", "run.completed", "--dry-run"])
        .args(common)
        .output()
        .unwrap()
        .stdout;
    let dry = String::from_utf8(dry).unwrap();
    let lines = |raw: &str, skip: &[&str]| -> Vec<String> {
        raw.split("\r\n")
            .filter(|l| !skip.iter().any(|s| l.starts_with(s)))
            .map(str::to_string)
            .collect()
    };
    vq().args([
        "send",
        "run.completed",
        "--repeat",
        "3",
        "--concurrency",
        "1",
    ])
    .args(common)
    .assert()
    .success();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        let wire = String::from_utf8(r.raw.clone()).unwrap();
        let skip = ["X-Visualq-Delivery: "];
        assert_eq!(
            lines(&wire, &skip),
            lines(&dry, &skip),
            "{wire}\n---\n{dry}"
        );
        assert_ne!(wire, dry);
    }

    let server = TestServer::start(vec![Reply::status(200)]);
    let url = server.url();
    let common = ["--url", &url, "--secret", SECRET];
    let dry = vq()
        .args(["send", "run.completed", "--dry-run"])
        .args(common)
        .output()
        .unwrap()
        .stdout;
    let dry = String::from_utf8(dry).unwrap();
    vq().args([
        "send",
        "run.completed",
        "--repeat",
        "2",
        "--concurrency",
        "2",
    ])
    .args(["--fresh-run-id"])
    .args(common)
    .assert()
    .success();
    for r in &server.requests() {
        let wire = String::from_utf8(r.raw.clone()).unwrap();
        let (head, body) = wire.split_once("\r\n\r\n").unwrap();
        let skip = [
            "X-Visualq-Delivery: ",
            "X-Visualq-Signature: ",
            "Content-Length: ",
        ];
        let dry_head = dry.split_once("\r\n\r\n").unwrap().0;
        assert_eq!(lines(head, &skip), lines(dry_head, &skip));
        assert!(head.ends_with(&format!("Content-Length: {}", body.len())));
        assert_eq!(
            r.header("x-visualq-signature").unwrap(),
            sign(SECRET, body.as_bytes())
        );
    }
}

/// Failed attempts read the same in load mode as in a single send.
#[test]
fn load_mode_describes_failures_as_send_does() {
    let attempts = |out: &[u8]| -> Vec<(Value, Value, Value)> {
        let text = String::from_utf8_lossy(out);
        let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        first["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["status"].clone(), a["error"].clone(), a["why"].clone()))
            .collect()
    };
    let slow = Reply::status(200).delay(Duration::from_millis(1500));
    let cases: Vec<(Option<Reply>, &str)> = vec![
        (None, "could not connect"),
        (Some(Reply::Reset), "connection failed"),
        (Some(slow), "timed out after 300ms"),
    ];
    for (reply, words) in cases {
        let server = reply.map(|r| TestServer::start(vec![r]));
        let url = server
            .as_ref()
            .map_or_else(|| "http://127.0.0.1:1/".to_string(), TestServer::url);
        let run = |extra: &[&str]| {
            let out = vq()
                .args(["send", "run.started", "--url", &url, "--secret", SECRET])
                .args(["--json", "--timeout", "300ms", "--retry-delay", "1ms"])
                .args(extra)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{extra:?}");
            attempts(&out.stdout)
        };
        let single = run(&[]);
        let load = run(&["--repeat", "1", "--concurrency", "1"]);
        assert_eq!(single.len(), 2);
        assert!(single[0].1.as_str().unwrap().contains(words), "{single:?}");
        assert_eq!(load, single);
    }
}

/// With a proxy variable set, load mode stays on reqwest and its proxy
/// rules (tests/proxy.rs), like a single send.
#[test]
fn load_mode_honours_http_proxy() {
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        let proxy = TestServer::start(vec![Reply::status(200)]);
        let target = TestServer::start(vec![Reply::status(200)]);
        send(&target, "run.completed")
            .args(["--repeat", "3", "--concurrency", "2", "--fresh-run-id"])
            .env(var, format!("http://127.0.0.1:{}", proxy.port))
            .assert()
            .success();
        let seen = proxy.requests();
        assert_eq!(seen.len(), 3, "{var}");
        assert_eq!(seen[0].path, target.url(), "{var}: absolute-form target");
        assert!(target.requests().is_empty(), "{var}: went around the proxy");
    }
}

/// Review B6: Ctrl-C in load mode stops issuing deliveries and still
/// prints the summary of what was done.
#[test]
fn load_mode_ctrl_c_prints_a_partial_summary() {
    let server = TestServer::start(vec![Reply::status(200)]);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("vq-hook"));
    cmd.args([
        "send",
        "run.started",
        "--url",
        &server.url(),
        "--secret",
        SECRET,
    ])
    .args(["--repeat", "100000000", "--concurrency", "2"])
    .env("NO_COLOR", "1")
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = output_text(&out);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted:"), "{stderr}");
    assert!(stdout.contains("at concurrency 2"), "{stdout}");
    assert!(stdout.contains("latency  p50"), "{stdout}");
    assert!(!server.requests().is_empty());
}

#[test]
fn load_mode_sigterm_ends_with_a_json_summary_saying_so() {
    let server = TestServer::start(vec![Reply::status(200)]);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("vq-hook"));
    cmd.args([
        "send",
        "run.started",
        "--url",
        &server.url(),
        "--secret",
        SECRET,
    ])
    .args(["--repeat", "100000000", "--json"])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let (stdout, _) = output_text(&out);
    let last: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["summary"]["interrupted"], true);
    assert_eq!(last["summary"]["requested"], 100_000_000u64);
}

#[test]
fn load_mode_quiet_prints_one_line() {
    let server = TestServer::start(vec![Reply::status(200)]);
    send(&server, "run.started")
        .args(["--repeat", "5", "-q"])
        .assert()
        .success()
        .stdout("delivered 5, failed 0 of 5 deliveries\n");
}
