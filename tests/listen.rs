//! `vq-hook listen` as a user runs it: a real child process on a free
//! loopback port, fed raw HTTP over `TcpStream`, stopped with SIGTERM.

mod common;

use std::io::{BufReader, Write};
use std::time::{Duration, Instant};

use common::Listening;
use common::{exchange, raw_post, read_response, saved_body, signed, unsigned, verify, vq};
use serde_json::Value;
use vq_hook::secret::Secret;
use vq_hook::signature::sign;

const SECRET: &str = "s3cret";

fn stopped_cleanly(l: Listening) -> String {
    let (code, stderr) = l.stop();
    assert_eq!(
        code,
        Some(0),
        "exit code (None: killed by a signal); stderr: {stderr}"
    );
    stderr
}

#[test]
fn signature_statuses_duplicates_and_json_lines() {
    let l = Listening::start(&["--secret", SECRET, "--json"]);
    let ready: Value = serde_json::from_str(&l.ready).expect("JSON ready line");
    assert_eq!(ready["listening"], Value::String(l.url.clone()));

    let body = br#"{"event":"run.completed","n":1}"#;
    let r = exchange(l.connect(), &signed(SECRET, "d-1", body));
    assert_eq!((r.status, r.text().as_str()), (200, r#"{"ok":true}"#));
    let e = l.entry();
    for key in [
        "event",
        "delivery",
        "signature",
        "duplicate",
        "status",
        "saved",
        "body",
    ] {
        assert!(e.get(key).is_some(), "missing {key} in {e}");
    }
    assert_eq!(e["event"], "run.completed");
    assert_eq!(e["delivery"], "d-1");
    assert_eq!(e["signature"], "valid");
    assert_eq!(e["duplicate"], false);
    assert_eq!(e["status"], 200);
    assert_eq!(e["saved"], Value::Null);
    assert_eq!(e["body"]["n"], 1);
    assert_eq!(
        (e["method"].as_str(), e["path"].as_str()),
        (Some("POST"), Some("/hook"))
    );
    assert!(e["time"].as_str().is_some_and(|t| t.ends_with('Z')));

    // The same delivery again is a duplicate, still accepted.
    let r = exchange(l.connect(), &signed(SECRET, "d-1", body));
    assert_eq!(r.status, 200);
    let e = l.entry();
    assert_eq!(
        (e["duplicate"].as_bool(), e["signature"].as_str()),
        (Some(true), Some("valid"))
    );

    let r = exchange(l.connect(), &signed("wrong", "d-2", body));
    assert_eq!(
        (r.status, r.text().as_str()),
        (401, r#"{"error":"invalid signature"}"#)
    );
    let e = l.entry();
    assert_eq!(
        (e["signature"].as_str(), e["status"].as_u64()),
        (Some("invalid"), Some(401))
    );

    let r = exchange(l.connect(), &unsigned("d-3", b"plain text"));
    assert_eq!(r.status, 401);
    let e = l.entry();
    assert_eq!(
        (e["signature"].as_str(), e["body"].as_str()),
        (Some("missing"), Some("plain text"))
    );

    let stderr = stopped_cleanly(l);
    let summary: Value = serde_json::from_str(stderr.trim()).expect("JSON summary on stderr");
    assert_eq!(summary["summary"]["requests"], 4);
    assert_eq!(summary["summary"]["duplicates"], 1);
}

#[test]
fn without_a_secret_signatures_are_unchecked() {
    let l = Listening::start(&["--json"]);
    assert_eq!(
        exchange(l.connect(), &signed("any", "u-1", b"{}")).status,
        200
    );
    assert_eq!(l.entry()["signature"], "unchecked");
    assert_eq!(exchange(l.connect(), &unsigned("u-2", b"{}")).status, 200);
    assert_eq!(l.entry()["signature"], "unchecked");
    stopped_cleanly(l);
}

#[test]
fn human_output_shows_each_request() {
    let l = Listening::start(&["--secret", SECRET]);
    assert!(
        l.ready.starts_with("Listening on http://127.0.0.1:"),
        "{}",
        l.ready
    );
    exchange(l.connect(), &signed(SECRET, "h-1", br#"{"a":[1,2]}"#));
    let lines = l.lines_for(Duration::from_millis(500)).join("\n");
    assert!(lines.contains("run.completed"), "{lines}");
    assert!(lines.contains("delivery h-1"), "{lines}");
    assert!(lines.contains("signature valid"), "{lines}");
    assert!(lines.contains("-> 200"), "{lines}");
    assert!(
        lines.contains("{\n  \"a\": [\n    1,"),
        "pretty body: {lines}"
    );
    let stderr = stopped_cleanly(l);
    assert!(stderr.contains("1 request(s)"), "{stderr}");
    assert!(!stderr.contains(SECRET) && !lines.contains(SECRET));
}

#[test]
fn status_list_cycles_and_bad_signatures_still_get_401() {
    let l = Listening::start(&["--secret", SECRET, "--status", "503,200", "--json"]);
    let mut got = Vec::new();
    for i in 0..4 {
        got.push(exchange(l.connect(), &signed(SECRET, &format!("c-{i}"), b"{}")).status);
        if i == 1 {
            got.push(exchange(l.connect(), &unsigned("c-x", b"{}")).status);
        }
    }
    assert_eq!(got, [503, 200, 401, 503, 200]);
    stopped_cleanly(l);
}

#[test]
fn delay_holds_the_answer() {
    let l = Listening::start(&["--delay", "300ms", "--json"]);
    let started = Instant::now();
    assert_eq!(exchange(l.connect(), &unsigned("w-1", b"{}")).status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    stopped_cleanly(l);
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let l = Listening::start(&["--delay", "700ms", "--json"]);
    let stream = l.connect();
    let sender = std::thread::spawn(move || exchange(stream, &unsigned("t-1", b"{}")));
    std::thread::sleep(Duration::from_millis(250));
    let (code, _) = l.stop();
    assert_eq!(code, Some(0));
    assert_eq!(sender.join().expect("sender thread").status, 200);
}

#[test]
fn max_body_413_and_the_server_keeps_running() {
    let l = Listening::start(&["--max-body", "64KiB", "--json"]);
    // Declared too large: refused before the body is read.
    let head = "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n";
    assert_eq!(exchange(l.connect(), head.as_bytes()).status, 413);
    assert_eq!(l.entry()["status"], 413);

    // Too large as it streams (chunked, no length up front).
    let chunk = vec![b'a'; 70 * 1024];
    let mut req = b"POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
    req.extend_from_slice(&chunk);
    req.extend_from_slice(b"\r\n0\r\n\r\n");
    assert_eq!(exchange(l.connect(), &req).status, 413);
    assert_eq!(l.entry()["status"], 413);

    let small = raw_post("/ok", &[], &vec![b'b'; 64 * 1024]);
    assert_eq!(exchange(l.connect(), &small).status, 200);
    assert_eq!(l.entry()["size"], 64 * 1024);
    stopped_cleanly(l);
}

#[test]
fn one_mib_delivery_is_captured_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().display().to_string();
    let l = Listening::start(&["--secret", SECRET, "--save", &save, "--json"]);
    let mut body = br#"{"blob":""#.to_vec();
    body.extend((0..1024 * 1024 - 11).map(|i| b"abcdefghij"[i % 10]));
    body.extend_from_slice(br#""}"#);
    assert_eq!(body.len(), 1024 * 1024);
    assert_eq!(
        exchange(l.connect(), &signed(SECRET, "big", &body)).status,
        200
    );
    let e = l.entry();
    assert_eq!(
        (e["signature"].as_str(), e["size"].as_u64()),
        (Some("valid"), Some(1 << 20))
    );
    let file = std::fs::read(e["saved"].as_str().unwrap()).unwrap();
    assert!(file.ends_with(&body));
    stopped_cleanly(l);
}

#[test]
fn save_writes_owner_only_files_that_verify_accepts() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("new").join("captures");
    let save = dir.display().to_string();
    let l = Listening::start(&["--secret", SECRET, "--save", &save, "--json"]);
    let body = "{\"caf\u{e9}\":\"\\u00e9 \u{1f600}\",\"n\":1.0}\n".as_bytes();
    assert_eq!(
        exchange(l.connect(), &signed(SECRET, "../../etc/x", body)).status,
        200
    );
    let path = l.entry()["saved"]
        .as_str()
        .expect("a saved path")
        .to_string();

    // Chunked on the wire, stored de-chunked with a length.
    let sig = sign(&Secret::from_flag(SECRET, 0), b"{\"a\":1}");
    let chunked = format!(
        "POST /c HTTP/1.1\r\nHost: x\r\nX-VisualQ-Signature: {sig}\r\n\
         Transfer-Encoding: chunked\r\n\r\n3\r\n{{\"a\r\n4\r\n\":1}}\r\n0\r\n\r\n"
    );
    assert_eq!(exchange(l.connect(), chunked.as_bytes()).status, 200);
    let chunked_path = l.entry()["saved"].as_str().unwrap().to_string();
    stopped_cleanly(l);

    assert_eq!(
        std::path::Path::new(&path).parent(),
        Some(dir.as_path()),
        "stays in DIR"
    );
    assert_eq!(saved_body(&path), body);
    let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    assert!(
        text.starts_with("POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent:"),
        "{text}"
    );
    let chunked_text = String::from_utf8(std::fs::read(&chunked_path).unwrap()).unwrap();
    assert!(
        chunked_text.ends_with("Content-Length: 7\r\n\r\n{\"a\":1}"),
        "{chunked_text}"
    );
    assert!(!chunked_text
        .to_ascii_lowercase()
        .contains("transfer-encoding"));
    #[cfg(unix)]
    {
        assert_eq!(common::mode(&dir), 0o700);
        assert_eq!(common::mode(std::path::Path::new(&path)), 0o600);
    }
    for p in [&path, &chunked_path] {
        if let Some(code) = verify(SECRET, p) {
            assert_eq!(code, 0, "verify {p}");
        }
    }
}

#[test]
fn three_hundred_concurrent_deliveries_are_all_saved() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().display().to_string();
    let l = Listening::start(&["--secret", SECRET, "--save", &save, "--json"]);
    let threads: Vec<_> = (0..300)
        .map(|i| {
            let stream = l.connect();
            // A third share one delivery id, as retries and replays would.
            let id = if i % 3 == 0 {
                "same-id".to_string()
            } else {
                format!("id-{i}")
            };
            std::thread::spawn(move || {
                let body = format!("{{\"n\":{i}}}");
                exchange(stream, &signed(SECRET, &id, body.as_bytes())).status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    let entries: Vec<Value> = (0..300).map(|_| l.entry()).collect();
    stopped_cleanly(l);

    let mut saved: Vec<String> = entries
        .iter()
        .map(|e| e["saved"].as_str().unwrap().to_string())
        .collect();
    saved.sort();
    saved.dedup();
    assert_eq!(saved.len(), 300, "distinct saved paths");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        300,
        "files in DIR"
    );
    let mut bodies: Vec<String> = saved
        .iter()
        .map(|p| String::from_utf8(saved_body(p)).unwrap())
        .collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 300, "every body kept, none overwritten");
    let duplicates = entries.iter().filter(|e| e["duplicate"] == true).count();
    assert_eq!(duplicates, 99);
}

/// Case 34, from the shared cases when present, else rebuilt identically.
fn case_34() -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = "34-listener-expect-100-continue.txt";
    for dir in ["tests/cases", "cases", "../shared/cases"] {
        if let Ok(bytes) = std::fs::read(root.join(dir).join(name)) {
            return bytes;
        }
    }
    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(2038));
    let sig = sign(&Secret::from_flag("test-secret", 0), body.as_bytes());
    format!(
        "POST /hooks/visualq HTTP/1.1\r\nHost: localhost:8080\r\n\
         User-Agent: VisualQ-Webhook/1.0\r\n\
         Content-Type: application/json\r\nX-VisualQ-Event: build.completed\r\n\
         X-VisualQ-Delivery: 6d1f3a52-0000-4000-8000-000000000034\r\n\
         X-VisualQ-Signature: {sig}\r\nExpect: 100-continue\r\nContent-Length: 2048\r\n\r\n{body}"
    )
    .into_bytes()
}

#[test]
fn case_34_listener_expect_100_continue() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().display().to_string();
    let l = Listening::start(&["--secret", "test-secret", "--save", &save, "--json"]);
    let request = case_34();
    let split = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let (head, body) = request.split_at(split);

    let stream = l.connect();
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    writer.write_all(head).unwrap();
    let mut reader = BufReader::new(stream);
    let mut interim = String::new();
    std::io::BufRead::read_line(&mut reader, &mut interim).expect("100 Continue within 2 s");
    assert!(interim.starts_with("HTTP/1.1 100"), "{interim:?}");
    let mut blank = String::new();
    std::io::BufRead::read_line(&mut reader, &mut blank).unwrap();
    assert_eq!(blank, "\r\n");
    writer.write_all(body).unwrap();
    assert_eq!(read_response(&mut reader).unwrap().status, 200);

    let e = l.entry();
    assert_eq!(
        (e["signature"].as_str(), e["size"].as_u64()),
        (Some("valid"), Some(2048))
    );
    assert_eq!(saved_body(e["saved"].as_str().unwrap()), body);
    stopped_cleanly(l);
}

#[test]
fn keep_alive_requests_are_captured_separately() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().display().to_string();
    let l = Listening::start(&["--secret", SECRET, "--save", &save, "--json"]);
    let stream = l.connect();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    for i in 0..3 {
        let body = format!("{{\"k\":{i}}}");
        writer
            .write_all(&signed(SECRET, &format!("k-{i}"), body.as_bytes()))
            .unwrap();
        assert_eq!(read_response(&mut reader).unwrap().status, 200);
    }
    let entries: Vec<Value> = (0..3).map(|_| l.entry()).collect();
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["delivery"], format!("k-{i}"));
        assert_eq!(e["signature"], "valid");
        let file = String::from_utf8(std::fs::read(e["saved"].as_str().unwrap()).unwrap()).unwrap();
        assert!(file.starts_with("POST /hook HTTP/1.1\r\n"), "{file}");
        assert!(file.ends_with(&format!("\r\n\r\n{{\"k\":{i}}}")), "{file}");
    }
    stopped_cleanly(l);
}

#[test]
fn garbage_and_vanished_clients_do_not_stop_the_server() {
    let l = Listening::start(&["--json"]);
    let mut s = l.connect();
    s.write_all(b"\x16\x03\x01\x02\x00garbage\r\n\r\n").unwrap();
    drop(s);
    let mut half = l.connect();
    half.write_all(b"POST /x HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"a\"")
        .unwrap();
    drop(half);
    // A slow client holding a half-sent head does not block anyone else.
    let mut slow = l.connect();
    slow.write_all(b"POST /slow HTTP/1.1\r\nX-Vis").unwrap();
    assert_eq!(exchange(l.connect(), &unsigned("g-1", b"{}")).status, 200);
    let lines = l.lines_for(Duration::from_millis(300));
    assert!(lines.iter().any(|x| x.contains("\"g-1\"")), "{lines:?}");
    stopped_cleanly(l);
    drop(slow);
}

#[test]
fn ipv6_loopback_listens_in_brackets() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: ::1 is not available on this machine");
        return;
    }
    let l = Listening::start(&["--host", "::1", "--json"]);
    assert!(l.url.starts_with("http://[::1]:"), "{}", l.url);
    assert_eq!(exchange(l.connect(), &unsigned("v6", b"{}")).status, 200);
    assert_eq!(l.entry()["delivery"], "v6");
    stopped_cleanly(l);
}

#[test]
fn forward_to_relays_and_answers_with_the_app() {
    let app = common::TestServer::start(vec![common::Reply::status(201)
        .header("X-App", "yes")
        .body(r#"{"app":"took it"}"#)]);
    let forward = app.url_path("/base");
    let l = Listening::start(&["--secret", SECRET, "--forward-to", &forward, "--json"]);
    let body = br#"{"event":"run.completed"}"#;
    let mut request = signed(SECRET, "f-1", body);
    request.splice(5..10, b"/hook?x=1".iter().copied());
    let r = exchange(l.connect(), &request);
    assert_eq!((r.status, r.text().as_str()), (201, r#"{"app":"took it"}"#));
    assert_eq!(r.header("x-app"), Some("yes"));
    let e = l.entry();
    assert_eq!(
        (e["status"].as_u64(), e["forward"]["status"].as_u64()),
        (Some(201), Some(201))
    );
    assert_eq!(e["forward"]["body"]["app"], "took it");

    // A bad signature never reaches the app.
    assert_eq!(
        exchange(l.connect(), &signed("nope", "f-2", body)).status,
        401
    );
    stopped_cleanly(l);

    let got = app.requests();
    assert_eq!(got.len(), 1, "only the valid delivery is relayed");
    assert_eq!(
        (got[0].method.as_str(), got[0].path.as_str()),
        ("POST", "/base/hook?x=1")
    );
    assert_eq!(got[0].body, body);
    let sig = sign(&Secret::from_flag(SECRET, 0), body);
    assert_eq!(got[0].header("x-visualq-signature"), Some(sig.as_str()));
    assert_eq!(got[0].header("x-visualq-delivery"), Some("f-1"));
    assert_eq!(got[0].header("user-agent"), Some("VisualQ-Webhook/1.0"));
}

#[test]
fn forward_to_an_app_that_is_down_answers_502() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let forward = format!("http://127.0.0.1:{port}/");
    let l = Listening::start(&["--forward-to", &forward, "--json"]);
    let r = exchange(l.connect(), &unsigned("down", b"{}"));
    assert_eq!(r.status, 502);
    assert!(r.text().contains("cannot connect"), "{}", r.text());
    let e = l.entry();
    assert_eq!(e["forward"]["status"], Value::Null);
    assert!(e["forward"]["error"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    stopped_cleanly(l);
}

fn one_line_usage_error(args: &[&str], mentions: &str) {
    let out = vq().arg("listen").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.starts_with("vq-hook: error:"), "{stderr}");
    assert!(stderr.contains(mentions), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_flags_exit_2_with_one_line() {
    one_line_usage_error(&["--status", "99"], "'99'");
    one_line_usage_error(&["--status", "200,abc"], "'abc'");
    one_line_usage_error(&["--max-body", "10XB"], "10XB");
    one_line_usage_error(&["--port", "70000"], "70000");
    one_line_usage_error(&["--delay", "soon"], "soon");
    one_line_usage_error(
        &["--port", "0", "--forward-to", "localhost:3000/app"],
        "http://",
    );
    one_line_usage_error(&["--port", "0", "--forward-to", "ftp://h/"], "ftp");
    // A documentation address (TEST-NET-1) is never local: bind fails offline.
    one_line_usage_error(&["--host", "192.0.2.1", "--port", "0"], "192.0.2.1:0");
}

#[test]
fn a_port_already_taken_exits_2_naming_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = vq().args(["listen", "--port", &port]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
}

#[test]
fn binding_beyond_loopback_warns() {
    let wide = Listening::start(&["--host", "0.0.0.0"]);
    let (code, stderr) = wide.stop();
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("vq-hook: warning: listening on 0.0.0.0"),
        "{stderr}"
    );
    let local = Listening::start(&[]);
    let (_, stderr) = local.stop();
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// The listener judges a compressed body as `verify` does: over the payload
/// after `Content-Encoding` is undone (shared case 16).
#[test]
fn compressed_bodies_are_judged_like_verify_judges_them() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().to_str().unwrap();
    let l = Listening::start(&["--secret", "test-secret", "--save", save, "--json"]);
    let capture = std::fs::read("tests/cases/16-gzip-capture.txt").unwrap();
    let answer = exchange(l.connect(), &capture);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let entry = l.entry();
    assert_eq!(entry["signature"], "valid");
    assert_eq!(
        entry["body"]["event"], "gzip",
        "the entry shows the payload: {entry}"
    );
    let saved = entry["saved"].as_str().unwrap().to_string();
    assert_eq!(
        verify("test-secret", &saved),
        Some(0),
        "the saved file verifies too"
    );

    // Signed over the compressed bytes instead: invalid, as verify says.
    let body = vq_hook::capture::load(&capture).unwrap().body;
    let sig = common::sign("test-secret", &body);
    let headers = [
        ("Content-Encoding", "gzip"),
        ("X-VisualQ-Signature", sig.as_str()),
    ];
    let answer = exchange(l.connect(), &raw_post("/hook", &headers, &body));
    assert_eq!(answer.status, 401);
    assert_eq!(l.entry()["signature"], "invalid");

    // A corrupt gzip body is refused and says why.
    let headers = [
        ("Content-Encoding", "gzip"),
        ("X-VisualQ-Signature", "sha256=00"),
    ];
    let answer = exchange(
        l.connect(),
        &raw_post("/hook", &headers, b"not gzip at all"),
    );
    assert_eq!(answer.status, 400, "malformed, as verify says (exit 2)");
    let entry = l.entry();
    assert!(
        entry["error"]
            .as_str()
            .unwrap()
            .contains("cannot decompress"),
        "{entry}"
    );
    let (code, _) = l.stop();
    assert_eq!(code, Some(0));
}

#[test]
fn a_second_signal_abandons_requests_in_flight() {
    let l = Listening::start(&["--delay", "20s"]);
    let stream = l.connect();
    let request = unsigned("slow-1", b"{}");
    let client = std::thread::spawn(move || {
        let mut w = stream.try_clone().unwrap();
        std::io::Write::write_all(&mut w, &request).unwrap();
        let _ = read_response(&mut std::io::BufReader::new(stream));
    });
    std::thread::sleep(Duration::from_millis(300));
    let pid = l.child.id() as i32;
    unsafe { libc::kill(pid, libc::SIGTERM) };
    std::thread::sleep(Duration::from_millis(300));
    let start = std::time::Instant::now();
    let (code, stderr) = l.stop();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "the second signal quits at once"
    );
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("Ctrl-C again to quit now"), "{stderr}");
    assert!(stderr.contains("abandoned"), "{stderr}");
    let _ = client.join();
}

#[test]
fn a_body_that_stalls_gets_408_and_frees_the_connection() {
    let l = Listening::start(&["--json"]);
    let mut s = l.connect();
    std::io::Write::write_all(
        &mut s,
        b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
    )
    .unwrap();
    let answer = read_response(&mut std::io::BufReader::new(s)).expect("an answer");
    assert_eq!(answer.status, 408);
    let entry = l.entry();
    assert!(
        entry["error"]
            .as_str()
            .unwrap()
            .contains("did not arrive within 10s"),
        "{entry}"
    );
}
