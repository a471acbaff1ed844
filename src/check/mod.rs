//! `check`: audit an endpoint the way VisualQ will treat it. A [`Plan`] is
//! every probe's request, built and signed before any network I/O; [`run`]
//! makes one attempt per probe (no retries: the first answer is judged) and
//! adds the timing probe; an [`Outcome`] renders as JSON or JUnit XML.
//! Printing a table is the binary's business, so `demo` can reuse all this.
//!
//! ```no_run
//! # async fn demo(url: reqwest::Url, secret: vq_hook::secret::Secret) -> vq_hook::Result<()> {
//! use vq_hook::check::{self, Plan};
//! use vq_hook::delivery::{Sender, Tls, PLATFORM_TIMEOUT};
//! use vq_hook::payload::Overrides;
//!
//! let (plan, _warnings) = Plan::new(url.clone(), &secret, &Overrides::default())?;
//! let sender = Sender::new(&url, &Tls::default())?;
//! let outcome = check::run(&sender, &plan, PLATFORM_TIMEOUT, |_result| {}).await;
//! println!("{}", outcome.verdict());
//! # Ok(()) }
//! ```

mod body;
mod judge;
mod report;

use std::time::Duration;

use reqwest::Url;

use crate::delivery::client::header_map;
use crate::delivery::{Request, Sender, Signing};
use crate::error::{Error, Result};
use crate::events::EVENTS;
use crate::payload::{Overrides, Payload};
use crate::secret::Secret;
use crate::signature;

pub use body::raw_bytes_body;
pub use judge::TIMING_NAME;
pub use report::{junit_xml, xml_escape};

/// The event whose delivery the later probes vary.
const BASE_EVENT: &str = "run.completed";

/// What a probe expects of the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A `2xx`.
    Success,
    /// A `4xx`.
    Rejected,
}

impl Expect {
    pub fn label(self) -> &'static str {
        match self {
            Expect::Success => "2xx",
            Expect::Rejected => "4xx",
        }
    }
}

/// What a probe tests, which decides how a failure is explained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A valid delivery of one event type; `future` when not emitted yet.
    Valid {
        future: bool,
    },
    RawBytes,
    Repeat,
    Tampered,
    Unsigned,
    WrongSecret,
}

/// One request and what its answer should be.
#[derive(Clone, Debug)]
pub struct Probe {
    pub name: String,
    pub kind: Kind,
    pub expected: Expect,
    pub request: Request,
}

/// Every probe of a check, in the order they are sent (the timing probe is
/// judged afterwards and has no request).
#[derive(Clone, Debug)]
pub struct Plan {
    /// The endpoint as shown in output: any password in it is masked.
    pub url: String,
    pub probes: Vec<Probe>,
}

impl Plan {
    /// Renders and signs every probe's request. Returns warnings about the
    /// payloads (from overrides), once each.
    pub fn new(url: Url, secret: &Secret, overrides: &Overrides) -> Result<(Plan, Vec<String>)> {
        let mut warnings: Vec<String> = Vec::new();
        let mut probes = Vec::new();
        let mut base = None;
        for event in EVENTS {
            let (payload, w) = Payload::from_sample(event, overrides)?;
            for w in w {
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
            let request = signed(&url, event.name, payload.body(), secret)?;
            if event.name == BASE_EVENT {
                base = Some((payload, request.clone()));
            }
            probes.push(Probe {
                name: format!("valid {}", event.name),
                kind: Kind::Valid {
                    future: !event.emitted,
                },
                expected: Expect::Success,
                request,
            });
        }
        // run.completed is one of EVENTS, so this is always there.
        let (payload, base_request) =
            base.ok_or_else(|| Error::malformed("the run.completed sample is missing"))?;

        let raw = signed(&url, BASE_EVENT, raw_bytes_body(&payload.value), secret)?;
        let body = payload.body();
        let tampered = Request::new(
            url.clone(),
            BASE_EVENT,
            altered(&payload),
            &Signing::Value(signature::sign(secret, &body)),
            None,
            &[],
        )?;
        let unsigned = Request::new(
            url.clone(),
            BASE_EVENT,
            body.clone(),
            &Signing::Unsigned,
            None,
            &[],
        )?;
        let other = another_secret(secret);
        let wrong = signed(&url, BASE_EVENT, body, &other)?;
        let more = [
            ("raw body bytes", Kind::RawBytes, Expect::Success, raw),
            (
                "repeated delivery",
                Kind::Repeat,
                Expect::Success,
                base_request,
            ),
            (
                "body changed after signing",
                Kind::Tampered,
                Expect::Rejected,
                tampered,
            ),
            (
                "missing signature",
                Kind::Unsigned,
                Expect::Rejected,
                unsigned,
            ),
            (
                "signature with another secret",
                Kind::WrongSecret,
                Expect::Rejected,
                wrong,
            ),
        ];
        for (name, kind, expected, request) in more {
            probes.push(Probe {
                name: name.to_string(),
                kind,
                expected,
                request,
            });
        }
        Ok((
            Plan {
                url: shown_url(&url),
                probes,
            },
            warnings,
        ))
    }

    /// Every result name, the timing probe's included, in report order.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.probes.iter().map(|p| p.name.clone()).collect();
        names.push(TIMING_NAME.to_string());
        names
    }
}

fn signed(url: &Url, event: &str, body: Vec<u8>, secret: &Secret) -> Result<Request> {
    Request::new(
        url.clone(),
        event,
        body,
        &Signing::Secret(secret),
        None,
        &[],
    )
}

/// The payload with one value changed, as an attacker would: `runId` gets
/// a suffix (the numbers stay consistent, so only the signature can tell).
fn altered(payload: &Payload) -> Vec<u8> {
    let mut value = payload.value.clone();
    if let Some(map) = value.as_object_mut() {
        let run_id = match map.get("runId").and_then(|v| v.as_str()) {
            Some(id) => format!("{id}-altered"),
            None => "altered".to_string(),
        };
        map.insert("runId".to_string(), run_id.into());
    }
    serde_json::to_vec(&value).unwrap_or_default()
}

/// A random secret that differs from the user's.
fn another_secret(secret: &Secret) -> Secret {
    let other = Secret::generate();
    if other.expose() == secret.expose() {
        let mut bytes = other.expose().to_vec();
        bytes.push(b'x');
        return Secret::new(bytes, crate::secret::SecretSource::Generated);
    }
    other
}

/// The URL for output, with any password masked.
fn shown_url(url: &Url) -> String {
    crate::target::display(url)
}

/// How one probe went.
#[derive(Clone, Debug)]
pub struct ProbeResult {
    pub name: String,
    /// `2xx`, `4xx`, or `< 10s` for the timing probe.
    pub expected: String,
    pub status: Option<u16>,
    pub passed: bool,
    pub elapsed: Duration,
    /// For a failure: what is wrong and what a correct endpoint does. For
    /// the timing probe, always the slowest answer.
    pub detail: Option<String>,
    /// Whether the attempt ended without an answer in time (not in JSON;
    /// the timing probe reads it).
    pub timed_out: bool,
}

/// A finished check.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub url: String,
    pub results: Vec<ProbeResult>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.passed)
    }

    pub fn passed_count(&self) -> usize {
        self.results.iter().filter(|r| r.passed).count()
    }

    /// One line: `all 13 probes passed` or `7/13 probes passed`.
    pub fn verdict(&self) -> String {
        let total = self.results.len();
        if self.passed() {
            format!("all {total} probes passed")
        } else {
            format!("{}/{total} probes passed", self.passed_count())
        }
    }
}

/// Sends every probe of `plan`, one after another, one attempt each, then
/// judges the timing. `on_result` sees each result as soon as it is known,
/// so output can be live.
pub async fn run(
    sender: &Sender,
    plan: &Plan,
    timeout: Duration,
    mut on_result: impl FnMut(&ProbeResult),
) -> Outcome {
    let mut results = Vec::new();
    for probe in &plan.probes {
        let headers = header_map(&probe.request);
        let attempt = sender.attempt(&probe.request, &headers, 1, timeout).await;
        let mut result = judge::judge(probe, &attempt, timeout);
        if probe.kind == Kind::Repeat {
            judge::blame_first_delivery(&mut result, plan, &results);
        }
        on_result(&result);
        results.push(result);
    }
    let timing = judge::timing(&results, timeout);
    on_result(&timing);
    results.push(timing);
    Outcome {
        url: plan.url.clone(),
        results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_has_every_probe_in_order() {
        let url = crate::target::parse_url("http://u:pw@127.0.0.1:9/hook").unwrap();
        let secret = Secret::from_flag("k", 0);
        let (plan, warnings) = Plan::new(url, &secret, &Overrides::default()).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(plan.url, "http://u:***@127.0.0.1:9/hook");
        assert_eq!(plan.names().len(), EVENTS.len() + 6);
        assert_eq!(plan.names().last().unwrap(), TIMING_NAME);

        let find = |n: &str| plan.probes.iter().find(|p| p.name == n).unwrap();
        let base = &find("valid run.completed").request;
        let repeat = &find("repeated delivery").request;
        assert_eq!(
            (&base.delivery_id, &base.body, &base.signature),
            (&repeat.delivery_id, &repeat.body, &repeat.signature)
        );
        let tampered = &find("body changed after signing").request;
        assert_eq!(tampered.signature, base.signature);
        assert_ne!(tampered.body, base.body);
        assert!(find("missing signature").request.signature.is_none());
        let wrong = &find("signature with another secret").request;
        assert_eq!(wrong.body, base.body);
        assert_ne!(wrong.signature, base.signature);
        let raw = &find("raw body bytes").request;
        assert_eq!(raw.signature, Some(signature::sign(&secret, &raw.body)));

        let mut ids: Vec<&String> = plan.probes.iter().map(|p| &p.request.delivery_id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            plan.probes.len() - 1,
            "only the repeat shares an id"
        );
    }
}
