//! Judging one probe's single attempt, and the timing probe over all of
//! them. A failure's detail says what the endpoint did wrong and what a
//! correct endpoint does, because that is what a CI log reader needs.

use std::time::Duration;

use crate::delivery::{Attempt, PLATFORM_TIMEOUT};
use crate::values::format_duration;

use super::{Expect, Kind, Plan, Probe, ProbeResult};

/// The timing probe's name. It stays the same whatever `--timeout` is, so
/// CI history lines up; only its expectation shows a tighter limit.
pub const TIMING_NAME: &str = "answers within 10s";

/// Judges the first (and only) answer to `probe`.
pub fn judge(probe: &Probe, attempt: &Attempt, timeout: Duration) -> ProbeResult {
    let detail = match (attempt.status, probe.expected) {
        (Some(s), Expect::Success) if (200..300).contains(&s) => None,
        (Some(s), Expect::Rejected) if (400..500).contains(&s) => None,
        (Some(s), Expect::Success) => Some(refused_valid(probe, s, attempt.location.as_deref())),
        (Some(s), Expect::Rejected) => Some(accepted_bad(probe.kind, s)),
        (None, _) if attempt.timed_out => Some(no_answer(probe.expected, timeout)),
        (None, _) => Some(unreachable(attempt.error.as_deref())),
    };
    ProbeResult {
        name: probe.name.clone(),
        expected: probe.expected.label().to_string(),
        status: attempt.status,
        passed: detail.is_none(),
        elapsed: attempt.elapsed,
        detail,
        timed_out: attempt.timed_out,
    }
}

/// A valid delivery that did not get a `2xx`.
fn refused_valid(probe: &Probe, status: u16, location: Option<&str>) -> String {
    if (300..400).contains(&status) {
        let to = location.map(|l| format!(" to {l}")).unwrap_or_default();
        return format!(
            "answered {status} (a redirect{to}): VisualQ does not follow redirects, so the \
             delivery fails; register the final URL"
        );
    }
    if status >= 500 || status == 429 {
        return format!(
            "answered {status}: VisualQ would retry once, then give up; a valid delivery \
             must get 2xx"
        );
    }
    match probe.kind {
        Kind::Valid { future: true } => format!(
            "rejected a valid, correctly signed {} delivery with {status}: VisualQ does not \
             send this event yet but will; answer 2xx to event types you do not handle",
            probe.request.event
        ),
        Kind::RawBytes => format!(
            "rejected a correctly signed body with {status}: the signature covers the raw \
             bytes (here with \\u00e9, \\/, an emoji, odd spacing and key order); compute the \
             HMAC over the body exactly as received, before parsing JSON"
        ),
        Kind::Repeat => format!(
            "rejected a repeated delivery (same X-VisualQ-Delivery, body and signature) with \
             {status}: VisualQ may deliver an event more than once; answer 2xx to a repeat \
             and skip the work already done"
        ),
        _ => format!(
            "rejected a valid, correctly signed {} delivery with {status}: use the same secret \
             as VisualQ, hash the raw body, and answer 2xx to event types you do not handle",
            probe.request.event
        ),
    }
}

/// A request that should have been refused but was not (or was refused
/// the wrong way).
fn accepted_bad(kind: Kind, status: u16) -> String {
    if (200..300).contains(&status) {
        return match kind {
            Kind::Tampered => "accepted a body changed after signing: verify the HMAC over \
                               the raw body before trusting it, and answer 401 on a mismatch"
                .to_string(),
            Kind::Unsigned => "accepted a delivery without X-VisualQ-Signature: refuse a \
                               request whose signature header is missing with 401"
                .to_string(),
            _ => "accepted a signature made with another secret: compute the HMAC with the \
                  shared secret, compare in constant time, and answer 401 on a mismatch"
                .to_string(),
        };
    }
    let what = match kind {
        Kind::Tampered => "a body changed after signing",
        Kind::Unsigned => "a delivery without a signature",
        _ => "a signature made with another secret",
    };
    if (300..400).contains(&status) {
        return format!("answered {what} with {status} (a redirect): refuse it with 401");
    }
    format!(
        "answered {what} with {status}: refuse it with 4xx (401); a 5xx or 429 makes VisualQ \
         send it again"
    )
}

fn no_answer(expected: Expect, timeout: Duration) -> String {
    let limit = format_duration(timeout);
    let retry = match expected {
        Expect::Success => ", and retries once",
        Expect::Rejected => "",
    };
    if timeout < PLATFORM_TIMEOUT {
        format!(
            "no answer within {limit} (--timeout); VisualQ gives up at 10s{retry}: answer \
             first, then do slow work in the background"
        )
    } else {
        format!(
            "no answer within {limit}: VisualQ gives up at 10s{retry}: answer first, then do \
             slow work in the background"
        )
    }
}

fn unreachable(error: Option<&str>) -> String {
    let error = error.unwrap_or("no answer");
    format!("{error}: is the endpoint running at this URL? VisualQ counts this as a failure")
}

/// A repeat refused like its first delivery says nothing about
/// idempotency: point at the first failure instead of blaming the repeat.
pub fn blame_first_delivery(repeat: &mut ProbeResult, plan: &Plan, earlier: &[ProbeResult]) {
    if repeat.passed {
        return;
    }
    let Some(id) = plan
        .probes
        .iter()
        .find(|p| p.kind == Kind::Repeat)
        .map(|p| &p.request.delivery_id)
    else {
        return;
    };
    let first = plan
        .probes
        .iter()
        .zip(earlier)
        .find(|(p, r)| p.kind != Kind::Repeat && &p.request.delivery_id == id && !r.passed);
    if let Some((_, r)) = first {
        repeat.detail = Some(format!(
            "the first delivery of it ({}) failed too, so idempotency could not be judged: \
             fix that probe first",
            r.name
        ));
    }
}

/// The last probe: every earlier answer arrived within 10 s and within
/// `--timeout`. Its time is the slowest answer's.
pub fn timing(results: &[ProbeResult], timeout: Duration) -> ProbeResult {
    let limit = timeout.min(PLATFORM_TIMEOUT);
    let slowest = results.iter().max_by_key(|r| r.elapsed);
    let late: Vec<&ProbeResult> = results
        .iter()
        .filter(|r| r.timed_out || r.elapsed >= limit)
        .collect();
    let slowest_text = slowest
        .map(|r| format!("slowest: {} in {}", r.name, format_duration(r.elapsed)))
        .unwrap_or_else(|| "no probes ran".to_string());
    let answered = results.iter().any(|r| r.status.is_some());
    let detail = if !answered {
        // Nothing to time: passing would claim more than was measured.
        "no probe got an answer, so no answer time could be measured".to_string()
    } else if late.is_empty() {
        slowest_text
    } else {
        let by = if limit < PLATFORM_TIMEOUT {
            format!("{} (--timeout)", format_duration(limit))
        } else {
            "10s".to_string()
        };
        format!(
            "{} of {} answers took {by} or more ({slowest_text}): VisualQ gives up at 10s; \
             answer 2xx first and do slow work afterwards (a queue or background job)",
            late.len(),
            results.len()
        )
    };
    ProbeResult {
        name: TIMING_NAME.to_string(),
        expected: format!("< {}", format_duration(limit)),
        status: None,
        passed: answered && late.is_empty(),
        elapsed: slowest.map(|r| r.elapsed).unwrap_or_default(),
        detail: Some(detail),
        timed_out: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::Overrides;
    use crate::secret::Secret;

    fn plan() -> Plan {
        let url = crate::target::parse_url("http://127.0.0.1:9/hook").unwrap();
        Plan::new(url, &Secret::from_flag("k", 0), &Overrides::default())
            .unwrap()
            .0
    }

    fn attempt(status: Option<u16>, ms: u64, timed_out: bool) -> Attempt {
        Attempt {
            number: 1,
            status,
            reason: String::new(),
            error: (status.is_none() && !timed_out).then(|| "could not connect: refused".into()),
            timed_out,
            elapsed: Duration::from_millis(ms),
            headers: vec![],
            body: vec![],
            body_len: 0,
            location: Some("https://example.test/new".into()),
            retried: false,
            why: String::new(),
            wait: None,
            retry_after_note: None,
        }
    }

    fn probe<'a>(plan: &'a Plan, name: &str) -> &'a Probe {
        plan.probes.iter().find(|p| p.name == name).unwrap()
    }

    #[test]
    fn details_say_what_is_wrong_and_what_to_do() {
        let plan = plan();
        let t = Duration::from_secs(10);
        let valid = probe(&plan, "valid run.started");
        assert!(judge(valid, &attempt(Some(204), 5, false), t).passed);
        let d = |p: &Probe, a: Attempt| judge(p, &a, t).detail.unwrap();
        assert!(d(valid, attempt(Some(503), 5, false)).contains("retry once, then give up"));
        let redirect = d(valid, attempt(Some(301), 5, false));
        assert!(redirect.contains("does not follow redirects"), "{redirect}");
        assert!(redirect.contains("https://example.test/new"), "{redirect}");
        assert!(d(valid, attempt(None, 10_000, true)).contains("gives up at 10s"));
        let future = probe(&plan, "valid scenario.approved");
        assert!(d(future, attempt(Some(400), 5, false)).contains("does not send this event yet"));

        let tampered = probe(&plan, "body changed after signing");
        assert!(judge(tampered, &attempt(Some(401), 5, false), t).passed);
        assert!(d(tampered, attempt(Some(200), 5, false))
            .starts_with("accepted a body changed after signing: verify the HMAC"));
        assert!(d(tampered, attempt(Some(500), 5, false)).contains("refuse it with 4xx"));
        let unsigned = probe(&plan, "missing signature");
        assert!(d(unsigned, attempt(None, 5, false)).contains("could not connect"));
        let repeat = probe(&plan, "repeated delivery");
        assert!(d(repeat, attempt(Some(409), 5, false)).contains("more than once"));
    }

    #[test]
    fn a_repeat_of_a_refused_delivery_blames_the_first() {
        let plan = plan();
        let t = Duration::from_secs(10);
        let earlier: Vec<ProbeResult> = plan.probes[..8]
            .iter()
            .map(|p| judge(p, &attempt(Some(401), 1, false), t))
            .collect();
        let repeat = probe(&plan, "repeated delivery");
        let mut r = judge(repeat, &attempt(Some(401), 1, false), t);
        blame_first_delivery(&mut r, &plan, &earlier);
        assert!(!r.passed);
        let detail = r.detail.unwrap();
        assert!(
            detail.starts_with("the first delivery of it (valid run.completed)"),
            "{detail}"
        );
    }

    #[test]
    fn timing_reports_the_slowest_and_the_late() {
        let plan = plan();
        let t = Duration::from_secs(10);
        let results = vec![
            judge(&plan.probes[0], &attempt(Some(200), 30, false), t),
            judge(&plan.probes[1], &attempt(Some(200), 70, false), t),
        ];
        let ok = timing(&results, t);
        assert!(ok.passed);
        assert_eq!(ok.expected, "< 10s");
        assert_eq!(ok.elapsed, Duration::from_millis(70));
        assert_eq!(
            ok.detail.as_deref(),
            Some("slowest: valid run.completed in 70ms")
        );

        let refused = vec![judge(&plan.probes[0], &attempt(None, 1, false), t)];
        assert!(!timing(&refused, t).passed);

        let tight = timing(&results, Duration::from_millis(50));
        assert!(!tight.passed);
        assert_eq!(tight.expected, "< 50ms");
        assert!(tight
            .detail
            .unwrap()
            .starts_with("1 of 2 answers took 50ms (--timeout)"));
    }
}
