//! Sending through a proxy, and sending-side faults around it: `send` and
//! `replay` honour `HTTP_PROXY`/`http_proxy`/`ALL_PROXY` and `NO_PROXY` as
//! reqwest 0.12 (hyper-util's matcher) reads them. The proxy is a loopback
//! `TestServer` that records the absolute-form request and answers itself.
//!
//! What reqwest really does, read from its source and pinned here:
//! - loopback targets are NOT exempt: `HTTP_PROXY` applies to 127.0.0.1;
//! - `NO_PROXY` entries are IPs/networks or domains; an IP host is only
//!   matched against IP entries, so `NO_PROXY=*` bypasses `localhost` but
//!   not `127.0.0.1` (unlike curl);
//! - `HTTPS_PROXY` does not apply to http:// URLs;
//! - with `REQUEST_METHOD` set (a CGI environment) every proxy variable is
//!   ignored (the "httpoxy" guard).

mod common;

use common::{output_text, vq, Recorded, Reply, TestServer};

const SECRET: &str = "proxy-secret";

fn proxy_url(proxy: &TestServer) -> String {
    format!("http://127.0.0.1:{}", proxy.port)
}

/// `send run.completed` to `target`, with `env` set after `vq()` cleared
/// the proxy variables.
fn send(target: &str, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = vq();
    cmd.args(["send", "run.completed", "--url", target, "--secret", SECRET]);
    cmd.args(["--retry-delay", "10ms", "--timeout", "3s"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let (stdout, stderr) = output_text(&out);
    (out.status.code(), format!("{stdout}{stderr}"))
}

/// Checks `req` is a correctly signed delivery in absolute form for `url`.
fn assert_proxied(req: &Recorded, url: &str) {
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, url, "absolute-form request target");
    let sig = req
        .header("x-visualq-signature")
        .expect("a signature header");
    assert_eq!(sig, common::sign(SECRET, &req.body));
    assert_eq!(req.header("x-visualq-event"), Some("run.completed"));
    assert!(req.header("x-visualq-delivery").is_some());
}

#[test]
fn http_proxy_carries_the_signed_delivery_even_to_loopback() {
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"] {
        let proxy = TestServer::start(vec![Reply::status(200).body("via proxy")]);
        let target = TestServer::start(vec![Reply::status(200)]);
        let (code, out) = send(&target.url(), &[(var, &proxy_url(&proxy))]);
        assert_eq!(code, Some(0), "{var}: {out}");
        let seen = proxy.requests();
        assert_eq!(seen.len(), 1, "{var}");
        assert_proxied(&seen[0], &target.url());
        assert!(target.requests().is_empty(), "{var}: went around the proxy");
    }
}

#[test]
fn no_proxy_with_the_ip_bypasses_the_proxy() {
    for no in [
        "127.0.0.1",
        "example.com, 127.0.0.1",
        "127.0.0.0/8",
        "no_proxy",
    ] {
        let proxy = TestServer::start(vec![Reply::status(200)]);
        let target = TestServer::start(vec![Reply::status(200)]);
        let env: Vec<(&str, &str)> = if no == "no_proxy" {
            // The lower-case spelling works too.
            vec![("no_proxy", "127.0.0.1")]
        } else {
            vec![("NO_PROXY", no)]
        };
        let purl = proxy_url(&proxy);
        let mut env = env;
        env.push(("HTTP_PROXY", &purl));
        let (code, out) = send(&target.url(), &env);
        assert_eq!(code, Some(0), "NO_PROXY={no}: {out}");
        assert!(proxy.requests().is_empty(), "NO_PROXY={no} was ignored");
        assert_eq!(target.requests().len(), 1);
        assert_eq!(target.requests()[0].path, "/hook");
    }
}

#[test]
fn no_proxy_naming_other_hosts_keeps_the_proxy() {
    let proxy = TestServer::start(vec![Reply::status(200)]);
    let target = TestServer::start(vec![Reply::status(200)]);
    let purl = proxy_url(&proxy);
    // `*` and `localhost` are domain entries: an IP host is not matched.
    for no in ["example.com", "localhost", "*", "10.0.0.0/8"] {
        let (code, out) = send(&target.url(), &[("HTTP_PROXY", &purl), ("NO_PROXY", no)]);
        assert_eq!(code, Some(0), "{out}");
    }
    assert_eq!(proxy.requests().len(), 4);
    assert!(target.requests().is_empty());
}

#[test]
fn no_proxy_star_bypasses_a_named_host() {
    let proxy = TestServer::start(vec![Reply::status(200)]);
    let target = TestServer::start(vec![Reply::status(200)]);
    let url = format!("http://localhost:{}/hook", target.port);
    let purl = proxy_url(&proxy);
    for no in ["*", "localhost"] {
        let (code, out) = send(&url, &[("HTTP_PROXY", &purl), ("NO_PROXY", no)]);
        assert_eq!(code, Some(0), "{out}");
    }
    assert!(proxy.requests().is_empty());
    assert_eq!(target.requests().len(), 2);
}

#[test]
fn https_proxy_does_not_apply_to_http_urls() {
    let proxy = TestServer::start(vec![Reply::status(200)]);
    let target = TestServer::start(vec![Reply::status(200)]);
    let purl = proxy_url(&proxy);
    let (code, out) = send(&target.url(), &[("HTTPS_PROXY", &purl)]);
    assert_eq!(code, Some(0), "{out}");
    assert!(proxy.requests().is_empty());
    assert_eq!(target.requests().len(), 1);
}

#[test]
fn a_cgi_environment_ignores_proxy_variables() {
    let proxy = TestServer::start(vec![Reply::status(200)]);
    let target = TestServer::start(vec![Reply::status(200)]);
    let purl = proxy_url(&proxy);
    let env = [("HTTP_PROXY", purl.as_str()), ("REQUEST_METHOD", "POST")];
    let (code, out) = send(&target.url(), &env);
    assert_eq!(code, Some(0), "{out}");
    assert!(proxy.requests().is_empty());
    assert_eq!(target.requests().len(), 1);
}

#[test]
fn a_proxy_5xx_is_retried_byte_identically_through_the_proxy() {
    let proxy = TestServer::start(vec![Reply::status(502), Reply::status(200)]);
    let target = TestServer::start(vec![Reply::status(200)]);
    let (code, out) = send(&target.url(), &[("HTTP_PROXY", &proxy_url(&proxy))]);
    assert_eq!(code, Some(0), "{out}");
    let seen = proxy.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].raw, seen[1].raw, "the retry repeats the request");
    assert_proxied(&seen[1], &target.url());
    assert!(target.requests().is_empty());
}

#[test]
fn a_proxy_that_drops_the_connection_fails_after_one_retry() {
    let proxy = TestServer::start(vec![Reply::Reset]);
    let target = TestServer::start(vec![Reply::status(200)]);
    let (code, out) = send(&target.url(), &[("HTTP_PROXY", &proxy_url(&proxy))]);
    assert_eq!(code, Some(1), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    assert_eq!(proxy.requests().len(), 2, "one attempt and one retry");
    assert!(target.requests().is_empty());
}

#[test]
fn a_proxy_that_is_down_is_a_failed_delivery_not_a_usage_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let purl = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let target = TestServer::start(vec![Reply::status(200)]);
    let (code, out) = send(&target.url(), &[("HTTP_PROXY", &purl)]);
    assert_eq!(code, Some(1), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    assert!(target.requests().is_empty());
}

#[test]
fn replay_goes_through_the_proxy_too() {
    let proxy = TestServer::start(vec![Reply::status(200)]);
    let target = TestServer::start(vec![Reply::status(200)]);
    let body = br#"{"event":"run.completed"}"#;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, &common::signed(SECRET, "rp-1", body)).unwrap();
    let out = vq()
        .arg("replay")
        .arg(file.path())
        .args(["--url", &target.url()])
        .env("HTTP_PROXY", proxy_url(&proxy))
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1);
    assert_proxied(&seen[0], &target.url());
    assert_eq!(seen[0].body, body);
    assert!(target.requests().is_empty());
}

/// Review B3: a proxy that is down must not read like a dead endpoint.
#[test]
fn a_dead_proxy_is_named_in_the_error() {
    let endpoint = TestServer::start(vec![Reply::status(200)]);
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://127.0.0.1:{}", dead.local_addr().unwrap().port());
    drop(dead);
    let (code, stdout) = send(&endpoint.url(), &[("HTTP_PROXY", &proxy)]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("a proxy is set: HTTP_PROXY={proxy}")),
        "{stdout}"
    );
    assert!(endpoint.requests().is_empty());
}
