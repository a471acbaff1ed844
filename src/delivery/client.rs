//! Making attempts: one HTTP client per run, one POST per attempt, and the
//! loop that applies the retry policy and records what happened.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Url};
use serde_json::{json, Value};

use super::request::Request;
use super::retry::{classify, parse_retry_after, Class, RetryAfter};
use crate::error::{Error, Result};
use crate::term::body_as_json;

/// VisualQ abandons an attempt after this long.
pub const PLATFORM_TIMEOUT: Duration = Duration::from_secs(10);
/// Answers slower than this are flagged: they are close to the limit.
pub const SLOW: Duration = Duration::from_secs(8);
/// How much of a response body is kept for display.
const KEEP_BODY: usize = 1 << 20;

/// TLS options; ignored for plain `http://`.
#[derive(Clone, Debug, Default)]
pub struct Tls {
    pub cacert: Option<PathBuf>,
    pub insecure: bool,
}

/// Attempts and waits for one delivery.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub timeout: Duration,
    pub retry_delay: Duration,
    /// 2 as documented, 1 with `--no-retry`.
    pub max_attempts: u32,
}

/// What one attempt saw.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub number: u32,
    pub status: Option<u16>,
    pub reason: String,
    /// A transport failure (timeout, refused, reset), when there was no status.
    pub error: Option<String>,
    pub timed_out: bool,
    pub elapsed: Duration,
    pub headers: Vec<(String, String)>,
    /// The body, at most 1 MiB of it; `body_len` is the full length.
    pub body: Vec<u8>,
    pub body_len: usize,
    pub location: Option<String>,
    /// Whether a retry follows, why (or why not), and after what wait.
    pub retried: bool,
    pub why: String,
    pub wait: Option<Duration>,
    /// A note about `Retry-After` (capped, ignored), when there was one.
    pub retry_after_note: Option<String>,
}

impl Attempt {
    /// Counts a piece of the response body and keeps it while the kept
    /// part is under [`KEEP_BODY`].
    pub(crate) fn add_body(&mut self, chunk: &[u8]) {
        self.body_len += chunk.len();
        let room = KEEP_BODY.saturating_sub(self.body.len());
        self.body.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }

    /// An attempt that has not seen anything yet.
    pub(crate) fn new(number: u32) -> Self {
        Attempt {
            number,
            status: None,
            reason: String::new(),
            error: None,
            timed_out: false,
            elapsed: Duration::ZERO,
            headers: Vec::new(),
            body: Vec::new(),
            body_len: 0,
            location: None,
            retried: false,
            why: String::new(),
            wait: None,
            retry_after_note: None,
        }
    }

    /// Records a response's status line and headers.
    pub(crate) fn set_head(&mut self, status: reqwest::StatusCode, headers: &HeaderMap) {
        self.status = Some(status.as_u16());
        self.reason = status.canonical_reason().unwrap_or("").to_string();
        self.headers = headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        self.location = headers
            .get("location")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    }

    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    pub fn slow(&self) -> bool {
        self.elapsed > SLOW
    }

    pub fn to_json(&self) -> Value {
        json!({
            "attempt": self.number,
            "status": self.status,
            "error": self.error,
            "elapsed_ms": self.elapsed.as_millis() as u64,
            "retried": self.retried,
            "why": self.why,
            "headers": self.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "body": if self.status.is_some() { body_as_json(&self.body) } else { Value::Null },
        })
    }
}

/// A finished delivery: the request and every attempt.
#[derive(Clone, Debug)]
pub struct Report {
    pub request: Request,
    pub attempts: Vec<Attempt>,
}

impl Report {
    pub fn delivered(&self) -> bool {
        self.attempts.last().is_some_and(Attempt::succeeded)
    }

    /// Whether an attempt ended without an answer, so the endpoint may have
    /// processed the delivery anyway.
    pub fn any_timeout(&self) -> bool {
        self.attempts.iter().any(|a| a.timed_out)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "event": (!self.request.event.is_empty()).then_some(&self.request.event),
            "url": crate::target::display(&self.request.url),
            "delivery": self.request.delivery_id,
            "signature": self.request.signature,
            "outcome": if self.delivered() { "delivered" } else { "failed" },
            "attempts": self.attempts.iter().map(Attempt::to_json).collect::<Vec<_>>(),
        })
    }
}

/// An HTTP client set up for one target.
#[derive(Clone)]
pub struct Sender {
    client: Client,
}

impl Sender {
    /// Builds the client. For `http://` no TLS roots are loaded at all:
    /// that keeps a local delivery fast.
    pub fn new(url: &Url, tls: &Tls) -> Result<Self> {
        let mut builder = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .http1_title_case_headers()
            .http1_only();
        if url.scheme() == "https" {
            if let Some(path) = &tls.cacert {
                let pem = std::fs::read(path).map_err(|e| {
                    Error::usage(format!("cannot read --cacert {}: {e}", path.display()))
                })?;
                // A file without a single certificate block parses as an
                // empty bundle; that is a mistake worth stopping on.
                let certs = reqwest::Certificate::from_pem_bundle(&pem)
                    .ok()
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| {
                        Error::usage(format!(
                            "--cacert {} is not a PEM certificate",
                            path.display()
                        ))
                    })?;
                for cert in certs {
                    builder = builder.add_root_certificate(cert);
                }
            }
            builder = builder.danger_accept_invalid_certs(tls.insecure);
        } else {
            builder = builder.tls_built_in_root_certs(false);
        }
        let client = builder
            .build()
            .map_err(|e| Error::usage(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Sender { client })
    }

    /// Runs the whole delivery, calling `on_attempt` as each attempt ends
    /// (before any wait), so output can be live.
    pub async fn deliver(
        &self,
        request: &Request,
        policy: &Policy,
        mut on_attempt: impl FnMut(&Attempt),
    ) -> Report {
        let headers = header_map(request);
        let attempts = self
            .deliver_parts(
                &request.url,
                &headers,
                &request.body,
                policy,
                &mut on_attempt,
            )
            .await;
        Report {
            request: request.clone(),
            attempts,
        }
    }

    /// The attempts of one delivery given as its parts (load mode keeps
    /// them apart from a full [`Request`]).
    pub async fn deliver_parts(
        &self,
        url: &Url,
        headers: &HeaderMap,
        body: &Bytes,
        policy: &Policy,
        mut on_attempt: impl FnMut(&Attempt),
    ) -> Vec<Attempt> {
        let mut attempts = Vec::with_capacity(1);
        for number in 1..=policy.max_attempts {
            let attempt = self
                .attempt_parts(url, headers, body, number, policy.timeout)
                .await;
            if !conclude(attempt, policy, &mut attempts, &mut on_attempt).await {
                break;
            }
        }
        attempts
    }

    /// One POST, judged on its own.
    pub async fn attempt(
        &self,
        request: &Request,
        headers: &HeaderMap,
        number: u32,
        timeout: Duration,
    ) -> Attempt {
        self.attempt_parts(&request.url, headers, &request.body, number, timeout)
            .await
    }

    async fn attempt_parts(
        &self,
        url: &Url,
        headers: &HeaderMap,
        body: &Bytes,
        number: u32,
        timeout: Duration,
    ) -> Attempt {
        let start = Instant::now();
        let sent = self
            .client
            .post(url.clone())
            .headers(headers.clone())
            .body(body.clone())
            .timeout(timeout)
            .send()
            .await;
        let mut attempt = Attempt::new(number);
        match sent {
            Ok(response) => read_response(response, &mut attempt, timeout).await,
            Err(e) => {
                attempt.timed_out = e.is_timeout();
                attempt.error = Some(describe_error(&e, timeout));
            }
        }
        attempt.elapsed = start.elapsed();
        attempt
    }
}

/// The request's headers as the client sends them, in order.
pub fn header_map(request: &Request) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in &request.headers {
        // Names and values were validated when the request was built.
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(value),
        ) {
            map.append(n, v);
        }
    }
    map
}

async fn read_response(mut response: reqwest::Response, attempt: &mut Attempt, timeout: Duration) {
    attempt.set_head(response.status(), response.headers());
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => attempt.add_body(&chunk),
            Ok(None) => break,
            Err(e) => {
                // The status already arrived; a broken body does not change
                // how the attempt is judged, but it is worth saying.
                attempt.timed_out = e.is_timeout();
                attempt.error = Some(format!("reading the body: {}", describe_error(&e, timeout)));
                break;
            }
        }
    }
}

/// The end of every attempt, whichever HTTP path made it: the policy's
/// verdict, the report, the record, and the wait before a retry. Returns
/// whether another attempt follows.
pub(crate) async fn conclude(
    mut attempt: Attempt,
    policy: &Policy,
    attempts: &mut Vec<Attempt>,
    on_attempt: &mut impl FnMut(&Attempt),
) -> bool {
    let last = attempt.number == policy.max_attempts;
    decide(&mut attempt, policy, last);
    on_attempt(&attempt);
    let wait = attempt.wait.filter(|_| attempt.retried);
    attempts.push(attempt);
    match wait {
        Some(w) => {
            tokio::time::sleep(w).await;
            true
        }
        None => false,
    }
}

/// Applies the policy to a finished attempt: retried or not, why, and
/// how long to wait.
fn decide(attempt: &mut Attempt, policy: &Policy, last: bool) {
    let class = classify(attempt.status, attempt.timed_out);
    match class {
        Class::Success => attempt.why = "2xx: delivered".into(),
        Class::Final(reason) => attempt.why = format!("not retried: {reason}"),
        Class::Retryable(reason) if last => {
            attempt.why = if policy.max_attempts == 1 {
                format!("not retried: --no-retry ({reason})")
            } else {
                format!("not retried: no attempts left ({reason} once)")
            };
        }
        Class::Retryable(reason) => {
            let mut wait = policy.retry_delay;
            let header = attempt
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
                .map(|(_, v)| v.clone());
            if let Some(value) = header {
                match parse_retry_after(&value, SystemTime::now()) {
                    RetryAfter::Wait {
                        wait: w,
                        capped_from,
                    } => {
                        wait = w;
                        attempt.retry_after_note = Some(match capped_from {
                            Some(asked) => format!(
                                "Retry-After asked for {}s; capped at {}s",
                                asked.as_secs(),
                                w.as_secs()
                            ),
                            None => format!("Retry-After: {}", value.trim()),
                        });
                    }
                    RetryAfter::Unreadable(v) => {
                        attempt.retry_after_note =
                            Some(format!("Retry-After '{v}' is unreadable; ignored"));
                    }
                }
            }
            attempt.retried = true;
            attempt.wait = Some(wait);
            attempt.why = format!(
                "{reason}: retrying in {}",
                crate::values::format_duration(wait)
            );
        }
    }
}

/// A transport error in words: what happened, without the library's
/// nesting of "error sending request for url".
fn describe_error(e: &reqwest::Error, timeout: Duration) -> String {
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    let words = describe(e.is_timeout(), e.is_connect(), &root.to_string(), timeout);
    match (e.is_connect(), e.url().and_then(proxy_for)) {
        // "Connection refused" from a dead proxy reads like a dead endpoint.
        (true, Some((var, proxy))) => format!("{words} (a proxy is set: {var}={proxy})"),
        _ => words,
    }
}

/// The proxy variable that reqwest would read for this URL's scheme, if
/// one is set (NO_PROXY may still exempt the host; the note only says a
/// proxy was in play).
fn proxy_for(url: &Url) -> Option<(&'static str, String)> {
    let names: &[&'static str] = match url.scheme() {
        "https" => &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"],
        _ => &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"],
    };
    if bypassed(url) {
        return None;
    }
    names.iter().find_map(|n| {
        let value = std::env::var(n).ok().filter(|v| !v.trim().is_empty())?;
        // reqwest ignores a proxy value that is not a URL.
        let parsed = Url::parse(&value).ok()?;
        Some((*n, crate::target::display(&parsed)))
    })
}

/// Whether NO_PROXY names this host (exactly, as a domain suffix, or `*`),
/// so that no proxy was in play for it.
fn bypassed(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let list = std::env::var("NO_PROXY")
        .or_else(|_| std::env::var("no_proxy"))
        .unwrap_or_default();
    list.split(',').map(str::trim).any(|entry| {
        let entry = entry.trim_start_matches('.');
        !entry.is_empty() && (entry == "*" || host == entry || host.ends_with(&format!(".{entry}")))
    })
}

/// The words for a transport error: a timeout, else the innermost cause
/// (`root`) after "could not connect" or "connection failed".
pub(crate) fn describe(timed_out: bool, connect: bool, root: &str, timeout: Duration) -> String {
    if timed_out {
        return format!(
            "timed out after {} without an answer",
            crate::values::format_duration(timeout)
        );
    }
    if connect {
        format!("could not connect: {root}")
    } else {
        format!("connection failed: {root}")
    }
}
