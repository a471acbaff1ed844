//! Load mode's HTTP path for plain `http://` targets at an IP address: each
//! worker owns one HTTP/1.1 connection (hyper's client connection over a
//! tokio `TcpStream`) and sends its deliveries on it one after another,
//! reconnecting when the server closes it. This skips reqwest's per-request
//! layers (URL conversion, redirect and pool machinery, a timer per
//! request), which cost as much CPU as building the delivery.
//!
//! It keeps reqwest's behaviour: the same bytes on the wire (the header map
//! in order, title-cased, then `Host` when absent and `Content-Length`,
//! both written the way hyper-util and hyper write them), a request resent
//! on a new connection only when a reused one closed before it was written,
//! one timeout over the whole attempt including the body, and errors
//! described with the same words (`super::client::describe`).
//!
//! [`Direct::for_target`] says when this path is used; otherwise load mode
//! stays on reqwest: https, a host name (reqwest's resolver decides the
//! address order), a user name or password in the URL (reqwest turns it
//! into an `Authorization` header) and any proxy variable in the
//! environment (reqwest's proxy rules, covered by tests/proxy.rs).

use std::error::Error as StdError;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Method, Uri};
use hyper_util::rt::TokioIo;
use reqwest::header::{HeaderMap, HeaderValue, HOST};
use reqwest::Url;
use tokio::net::TcpStream;

use super::client::{conclude, describe, Attempt, Policy};
use super::request::Request;

/// The proxy variables reqwest reads for `http://` URLs.
const PROXY_VARS: [&str; 4] = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

/// A plain-HTTP target reached without reqwest.
#[derive(Clone, Debug)]
pub struct Direct {
    addr: SocketAddr,
    uri: Uri,
    /// What hyper-util adds as `Host` when the request has none.
    host: HeaderValue,
}

/// One worker's connection, opened on first use.
#[derive(Default)]
pub struct Conn {
    sender: Option<SendRequest<Full<Bytes>>>,
}

/// Why an attempt ended without a response.
enum Failure {
    Connect(std::io::Error),
    Http(hyper::Error),
}

impl Direct {
    /// The direct path for `template`'s target, or `None` when reqwest
    /// must be used (see the module notes).
    pub fn for_target(template: &Request) -> Option<Direct> {
        Self::for_target_in(template, |k| std::env::var_os(k).is_some())
    }

    fn for_target_in(template: &Request, env_has: impl Fn(&str) -> bool) -> Option<Direct> {
        let url: &Url = &template.url;
        if url.scheme() != "http" || !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        // A proxy variable, even one reqwest would end up not applying
        // (NO_PROXY): reqwest's own rules then decide, as for `send`.
        if PROXY_VARS.iter().any(|k| env_has(k)) {
            return None;
        }
        let ip = match url.host()? {
            url::Host::Ipv4(a) => std::net::IpAddr::V4(a),
            url::Host::Ipv6(a) => std::net::IpAddr::V6(a),
            url::Host::Domain(_) => return None,
        };
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        Some(Direct {
            addr: SocketAddr::new(ip, url.port_or_known_default()?),
            uri: path.parse().ok()?,
            host: HeaderValue::from_str(&template.host()).ok()?,
        })
    }

    /// Runs a whole delivery with the retry policy, as `Sender::deliver`.
    pub async fn deliver(
        &self,
        conn: &mut Conn,
        headers: impl Fn() -> HeaderMap,
        body: &Bytes,
        policy: &Policy,
    ) -> Vec<Attempt> {
        let mut attempts = Vec::with_capacity(1);
        for number in 1..=policy.max_attempts {
            let attempt = self
                .attempt(conn, headers(), body, number, policy.timeout)
                .await;
            if !conclude(attempt, policy, &mut attempts, &mut |_| {}).await {
                break;
            }
        }
        attempts
    }

    /// One POST, under one timeout for connecting, sending and reading.
    async fn attempt(
        &self,
        conn: &mut Conn,
        headers: HeaderMap,
        body: &Bytes,
        number: u32,
        timeout: Duration,
    ) -> Attempt {
        let start = Instant::now();
        let deadline = tokio::time::Instant::from_std(start) + timeout;
        let mut attempt = Attempt::new(number);
        let request = self.request(headers, body);
        match tokio::time::timeout_at(deadline, self.send(conn, request)).await {
            Err(_) => {
                conn.sender = None;
                attempt.timed_out = true;
                attempt.error = Some(describe(true, false, "", timeout));
            }
            Ok(Err(failure)) => {
                conn.sender = None;
                let (timed_out, text) = match &failure {
                    Failure::Connect(e) => explain(e, true, timeout),
                    Failure::Http(e) => explain(e, false, timeout),
                };
                attempt.timed_out = timed_out;
                attempt.error = Some(text);
            }
            Ok(Ok(response)) => {
                let (parts, mut incoming) = response.into_parts();
                attempt.set_head(parts.status, &parts.headers);
                loop {
                    match tokio::time::timeout_at(deadline, incoming.frame()).await {
                        Ok(Some(Ok(frame))) => {
                            if let Ok(chunk) = frame.into_data() {
                                attempt.add_body(&chunk);
                            }
                        }
                        Ok(None) => break,
                        Ok(Some(Err(e))) => {
                            conn.sender = None;
                            let (timed_out, text) = explain(&e, false, timeout);
                            attempt.timed_out = timed_out;
                            attempt.error = Some(format!("reading the body: {text}"));
                            break;
                        }
                        Err(_) => {
                            conn.sender = None;
                            attempt.timed_out = true;
                            let text = describe(true, false, "", timeout);
                            attempt.error = Some(format!("reading the body: {text}"));
                            break;
                        }
                    }
                }
            }
        }
        attempt.elapsed = start.elapsed();
        attempt
    }

    fn request(&self, headers: HeaderMap, body: &Bytes) -> hyper::Request<Full<Bytes>> {
        let mut request = hyper::Request::new(Full::new(body.clone()));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.uri.clone();
        let map = request.headers_mut();
        *map = headers;
        // As hyper-util's client: appended last, only when absent.
        map.entry(HOST).or_insert_with(|| self.host.clone());
        request
    }

    /// Sends on the worker's connection, opening one when there is none or
    /// it was closed. A reused connection that turns out closed before the
    /// request was written gets the request again on a new one, as
    /// hyper-util's pool does.
    async fn send(
        &self,
        conn: &mut Conn,
        mut request: hyper::Request<Full<Bytes>>,
    ) -> Result<hyper::Response<hyper::body::Incoming>, Failure> {
        loop {
            let mut reused = false;
            if let Some(s) = conn.sender.as_mut() {
                reused = s.ready().await.is_ok();
            }
            if !reused {
                conn.sender = Some(self.connect().await?);
            }
            let sender = conn.sender.as_mut().expect("just set");
            match sender.try_send_request(request).await {
                Ok(response) => return Ok(response),
                Err(mut e) => match e.take_message() {
                    Some(again) if reused => {
                        conn.sender = None;
                        request = again;
                    }
                    _ => return Err(Failure::Http(e.into_error())),
                },
            }
        }
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, Failure> {
        let stream = TcpStream::connect(self.addr)
            .await
            .map_err(Failure::Connect)?;
        // reqwest's default.
        let _ = stream.set_nodelay(true);
        let (sender, connection) = http1::Builder::new()
            .title_case_headers(true)
            .handshake(TokioIo::new(stream))
            .await
            .map_err(Failure::Http)?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }
}

/// Reads an error chain the way reqwest's `is_timeout` does and describes
/// it by its innermost cause.
fn explain(e: &(dyn StdError + 'static), connect: bool, timeout: Duration) -> (bool, String) {
    let mut timed_out = false;
    let mut root: &(dyn StdError + 'static) = e;
    loop {
        if let Some(h) = root.downcast_ref::<hyper::Error>() {
            timed_out |= h.is_timeout();
        }
        if let Some(io) = root.downcast_ref::<std::io::Error>() {
            timed_out |= io.kind() == std::io::ErrorKind::TimedOut;
        }
        match root.source() {
            Some(next) => root = next,
            None => break,
        }
    }
    let text = describe(timed_out, connect, &root.to_string(), timeout);
    (timed_out, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::Signing;

    fn target(url: &str, env: &[&str]) -> Option<Direct> {
        let url = Url::parse(url).unwrap();
        let r = Request::new(url, "e", vec![], &Signing::Unsigned, None, &[]).unwrap();
        Direct::for_target_in(&r, |k| env.contains(&k))
    }

    #[test]
    fn only_plain_http_to_an_ip_without_proxies() {
        let d = target("http://127.0.0.1:8080/a/b?c=d#f", &[]).unwrap();
        assert_eq!(d.uri, "/a/b?c=d");
        assert_eq!(d.host, "127.0.0.1:8080");
        let d = target("http://[::1]/", &[]).unwrap();
        assert_eq!(
            (d.uri.to_string().as_str(), d.host.to_str().unwrap()),
            ("/", "[::1]")
        );
        assert_eq!(d.addr.port(), 80);
        assert!(target("https://127.0.0.1/", &[]).is_none());
        assert!(target("http://localhost:1/", &[]).is_none());
        assert!(target("http://u:p@127.0.0.1/", &[]).is_none());
        for var in PROXY_VARS {
            assert!(target("http://127.0.0.1/", &[var]).is_none(), "{var}");
        }
        assert!(target("http://127.0.0.1/", &["HTTPS_PROXY", "NO_PROXY"]).is_some());
    }
}
