//! A resilient listener: clients that stall mid-head, hundreds of idle
//! connections, clients that vanish mid-body and bodies at and just over
//! `--max-body` never stop `vq-hook listen` from serving the others, and
//! `--save` keeps every completed delivery (files counted).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{exchange, raw_post, signed, Listening};
use serde_json::Value;

const SECRET: &str = "resilience-secret";

fn saved_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

fn start_saving(dir: &Path, extra: &[&str]) -> Listening {
    let save = dir.to_str().unwrap();
    let mut args = vec!["--secret", SECRET, "--json", "--save", save];
    args.extend_from_slice(extra);
    Listening::start(&args)
}

/// Delivers a valid request and checks it was answered 200 and saved.
fn deliver_ok(l: &Listening, id: &str) -> Value {
    let body = format!("{{\"event\":\"run.completed\",\"id\":\"{id}\"}}");
    let answer = exchange(l.connect(), &signed(SECRET, id, body.as_bytes()));
    assert_eq!(answer.status, 200, "{}", answer.text());
    let entry = entry_for(l, id);
    assert_eq!(entry["signature"], "valid");
    assert!(entry["saved"].is_string(), "{entry}");
    entry
}

/// The next entry for delivery `id`, skipping entries of other requests.
fn entry_for(l: &Listening, id: &str) -> Value {
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        let e = l.entry();
        if e["delivery"] == id {
            return e;
        }
    }
    panic!("no entry for {id}");
}

#[test]
fn a_stalled_head_does_not_block_others() {
    let dir = tempfile::tempdir().unwrap();
    let l = start_saving(dir.path(), &[]);
    let mut stalled = Vec::new();
    for i in 0..5 {
        let mut s = l.connect();
        s.write_all(format!("POST /slow-{i} HTTP/1.1\r\nHost: x\r\nX-Vis").as_bytes())
            .unwrap();
        stalled.push(s);
    }
    let started = Instant::now();
    for i in 0..5 {
        deliver_ok(&l, &format!("meanwhile-{i}"));
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "others were held up by the stalled clients: {:?}",
        started.elapsed()
    );
    assert_eq!(saved_files(dir.path()), 5);
    drop(stalled);
    let (code, _) = l.stop();
    assert_eq!(code, Some(0));
}

#[test]
fn a_stalled_head_is_dropped_after_the_read_timeout() {
    // The header read timeout is 10 s: this test waits for it (it runs
    // alongside the others, so the file stays about that long).
    let l = Listening::start(&["--json"]);
    let mut s = l.connect();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(b"POST /slow HTTP/1.1\r\nHost: x\r\nX-Vis")
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    // EOF (or a reset, or a 408 then EOF) once the listener gives up.
    let _ = s.read_to_end(&mut buf);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(8) && waited < Duration::from_secs(18),
        "dropped after {waited:?}"
    );
    // And it still serves.
    let answer = exchange(l.connect(), &common::unsigned("after-stall", b"{}"));
    assert_eq!(answer.status, 200);
}

#[test]
fn two_hundred_idle_connections_do_not_starve_a_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let l = start_saving(dir.path(), &[]);
    let idle: Vec<TcpStream> = (0..200).map(|_| l.connect()).collect();
    // Half of them also hold a partial head.
    for (i, s) in idle.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let mut s = s;
        s.write_all(format!("POST /idle-{i} HTTP/1.1\r\n").as_bytes())
            .unwrap();
    }
    let started = Instant::now();
    deliver_ok(&l, "through-the-crowd");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(saved_files(dir.path()), 1);
    drop(idle);
    deliver_ok(&l, "after-the-crowd");
    assert_eq!(saved_files(dir.path()), 2);
    let (code, _) = l.stop();
    assert_eq!(code, Some(0));
}

#[test]
fn clients_vanishing_mid_body_lose_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let l = start_saving(dir.path(), &[]);
    for round in 0..10 {
        // Promise 1000 bytes, send 10, close.
        let mut s = l.connect();
        let head = format!(
            "POST /hook HTTP/1.1\r\nHost: x\r\nX-VisualQ-Delivery: vanished-{round}\r\n\
             Content-Length: 1000\r\n\r\n0123456789"
        );
        s.write_all(head.as_bytes()).unwrap();
        drop(s);
        // A chunked body cut inside a chunk.
        let mut s = l.connect();
        s.write_all(
            b"POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nabc",
        )
        .unwrap();
        drop(s);
        deliver_ok(&l, &format!("complete-{round}"));
    }
    // Let the listener notice every vanished client, then count.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        saved_files(dir.path()),
        10,
        "exactly the completed deliveries"
    );
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let path = entry.path();
        assert_eq!(
            common::verify(SECRET, path.to_str().unwrap()),
            Some(0),
            "{path:?}"
        );
    }
    let (code, _) = l.stop();
    assert_eq!(code, Some(0));
}

/// A body of exactly `len` bytes, JSON-shaped.
fn body_of(len: usize) -> Vec<u8> {
    let mut body = b"{\"pad\":\"".to_vec();
    body.resize(len - 2, b'p');
    body.extend_from_slice(b"\"}");
    assert_eq!(body.len(), len);
    body
}

fn chunked(id: &str, body: &[u8]) -> Vec<u8> {
    let sig = common::sign(SECRET, body);
    let mut req = format!(
        "POST /hook HTTP/1.1\r\nHost: x\r\nX-VisualQ-Delivery: {id}\r\n\
         X-VisualQ-Signature: {sig}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for piece in body.chunks(300) {
        req.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        req.extend_from_slice(piece);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    req
}

#[test]
fn bodies_at_and_one_byte_over_max_body() {
    let dir = tempfile::tempdir().unwrap();
    let l = start_saving(dir.path(), &["--max-body", "1KiB"]);
    let at = body_of(1024);
    let over = body_of(1025);

    // Content-Length framing.
    assert_eq!(
        exchange(l.connect(), &signed(SECRET, "at", &at)).status,
        200
    );
    let e = entry_for(&l, "at");
    assert_eq!(
        (e["status"].as_u64(), e["size"].as_u64()),
        (Some(200), Some(1024))
    );
    let saved = e["saved"].as_str().unwrap().to_string();
    assert_eq!(common::saved_body(&saved), at);

    assert_eq!(
        exchange(l.connect(), &signed(SECRET, "over", &over)).status,
        413
    );
    let e = entry_for(&l, "over");
    assert_eq!(
        (e["status"].as_u64(), e["saved"].as_str()),
        (Some(413), None)
    );

    // Chunked framing: the limit applies as the body streams in.
    assert_eq!(
        exchange(l.connect(), &chunked("at-chunked", &at)).status,
        200
    );
    assert_eq!(entry_for(&l, "at-chunked")["size"], 1024);
    assert_eq!(
        exchange(l.connect(), &chunked("over-chunked", &over)).status,
        413
    );
    assert_eq!(entry_for(&l, "over-chunked")["status"], 413);

    // Still serving, and only the accepted bodies were saved.
    deliver_ok(&l, "after-413");
    assert_eq!(saved_files(dir.path()), 3);
    let (code, _) = l.stop();
    assert_eq!(code, Some(0));
}

#[test]
fn concurrent_mixed_traffic_saves_every_completed_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let l = start_saving(dir.path(), &["--max-body", "4KiB"]);
    let addr = l.url.trim_start_matches("http://").to_string();
    let threads: Vec<_> = (0..40)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let connect = || {
                    let s = TcpStream::connect(&addr).unwrap();
                    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
                    s
                };
                // A vanishing client, a too-large body and a good delivery.
                let mut gone = connect();
                let _ = gone.write_all(b"POST /x HTTP/1.1\r\nContent-Length: 99\r\n\r\n{");
                drop(gone);
                let big = raw_post("/x", &[], &[b'x'; 5000]);
                assert_eq!(exchange(connect(), &big).status, 413);
                let body = format!("{{\"n\":{i}}}");
                let ok = signed(SECRET, &format!("mixed-{i}"), body.as_bytes());
                exchange(connect(), &ok).status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(saved_files(dir.path()), 40);
    let (code, _) = l.stop();
    assert_eq!(code, Some(0));
}
