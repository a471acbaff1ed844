//! `send` over HTTPS against a loopback server with a self-signed
//! certificate: refused by default, trusted with `--cacert`, accepted with
//! a warning under `-k`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::{send_to, sign, vq};
use predicates::prelude::*;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// (signature header, body) of each request that got past the handshake.
type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

struct TlsServer {
    port: u16,
    cert_pem: String,
    bodies: Seen,
}

impl TlsServer {
    fn start() -> Self {
        let names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
        let rcgen::CertifiedKey { cert, signing_key } =
            rcgen::generate_simple_self_signed(names).expect("a self-signed certificate");
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(signing_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(cert.der().to_vec())], key)
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bodies: Seen = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&bodies);
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (config, seen) = (Arc::clone(&config), Arc::clone(&seen));
                std::thread::spawn(move || {
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    let mut tls = rustls::StreamOwned::new(conn, tcp);
                    if let Some(req) = read_request(&mut tls) {
                        seen.lock().unwrap().push(req);
                        let _ = tls.write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                        );
                        let _ = tls.flush();
                        tls.conn.send_close_notify();
                        let _ = tls.flush();
                    }
                });
            }
        });
        TlsServer {
            port,
            cert_pem: cert.pem(),
            bodies,
        }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/hook", self.port)
    }
}

/// (signature header, body) of one request, or None when the handshake or
/// the read failed (as it does when the client refuses the certificate).
fn read_request(stream: &mut impl Read) -> Option<(String, Vec<u8>)> {
    let mut reader = BufReader::new(stream);
    let (mut length, mut signature) = (0usize, String::new());
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = v.trim().parse().ok()?,
                "x-visualq-signature" => signature = v.trim().to_string(),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((signature, body))
}

#[test]
fn an_untrusted_certificate_is_refused_and_said_so() {
    let server = TlsServer::start();
    send_to("run.started", &server.url(), "s")
        .args(["--retry-delay", "1ms"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("certificate").or(predicate::str::contains("Certificate")),
        );
    assert!(server.bodies.lock().unwrap().is_empty());
}

#[test]
fn cacert_trusts_the_server() {
    let server = TlsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &server.cert_pem).unwrap();
    send_to("run.completed", &server.url(), "tls-secret")
        .arg("--cacert")
        .arg(&ca)
        .assert()
        .success()
        .stderr("");
    let bodies = server.bodies.lock().unwrap();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0].0, sign("tls-secret", &bodies[0].1));
}

#[test]
fn insecure_skips_verification_with_a_warning() {
    let server = TlsServer::start();
    vq().args([
        "send",
        "run.started",
        "--url",
        &server.url(),
        "--secret",
        "s",
        "-k",
    ])
    .assert()
    .success()
    .stderr(predicate::str::contains("vq-hook: warning: -k/--insecure"));
    assert_eq!(server.bodies.lock().unwrap().len(), 1);
}

#[test]
fn a_bad_cacert_is_a_usage_error_before_any_request() {
    let server = TlsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    for (path, says) in [
        (junk, "not a PEM certificate"),
        (dir.path().join("none.pem"), "none.pem"),
    ] {
        vq().args([
            "send",
            "run.started",
            "--url",
            &server.url(),
            "--secret",
            "s",
            "--cacert",
        ])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(says));
    }
    assert!(server.bodies.lock().unwrap().is_empty());
}
