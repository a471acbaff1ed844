//! `vq-hook verify`: is a captured request (or, with `--signature`, a bare
//! body) authentically signed? Streams the input through the HMACs, then
//! prints the verdict, the hints and the payload, or the same as one JSON
//! object. Exit 0 valid, 1 invalid or missing, 2 unreadable or malformed.

use std::io::Write;

use serde_json::{json, Value};
use vq_hook::capture::{self, Body, Framing, Head};
use vq_hook::secret::{self, Secret};
use vq_hook::signature::{parse_values, Check, FORMAT, HEADER};
use vq_hook::verify::{judge, Hashed, Hasher, Verdict, KEEP_LIMIT};
use vq_hook::{events, term, Error, Result};

use super::{open_input, prompt, Ui, NEGATIVE, SUCCESS};
use crate::cli::{SecretArgs, VerifyArgs};

/// Everything the report shows, gathered before anything is printed.
struct Report {
    verdict: Verdict,
    secrets: Vec<String>,
    event: Option<String>,
    delivery: Option<String>,
    decompressed: Option<String>,
    received_bytes: u64,
    hashed: Hashed,
    warnings: Vec<String>,
}

pub fn run(args: &VerifyArgs, ui: Ui) -> Result<u8> {
    let secrets = secrets(args)?;
    let (input, name) = open_input(args.file.as_deref())?;

    let (head, mut body) = match &args.signature {
        Some(_) => (None, Body::whole(input)),
        None => {
            let (head, body) = capture::open(input, true).map_err(|e| located(e, &name))?;
            (Some(head), body)
        }
    };
    let hashed = Hasher::new(&secrets)
        .consume(&mut body)
        .map_err(|e| capture::body_error(e, &name))?;

    let received = match (&args.signature, &head) {
        (Some(value), _) => parse_values([value.as_bytes()]),
        (None, Some(head)) => parse_values(head.values(HEADER)),
        (None, None) => Vec::new(),
    };
    let verdict = judge(&secrets, &hashed, received);
    let report = report(verdict, &secrets, head.as_ref(), &body, hashed);

    if !ui.quiet {
        for w in &report.warnings {
            term::warn(w);
        }
    }
    let text = if args.json {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&to_json(&report)).unwrap_or_default()
        )
    } else {
        human(&report, ui)
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| Error::io_on("stdout", e))?;
    Ok(if report.verdict.valid() {
        SUCCESS
    } else {
        NEGATIVE
    })
}

/// The secrets in precedence order; asked for on a terminal, else an error.
fn secrets(args: &VerifyArgs) -> Result<Vec<Secret>> {
    // Rotation may mix sources (the old secret typed, the new one in a
    // file), so every flag counts; the environment only when neither is given.
    if !args.secret.is_empty() || !args.secret_file.is_empty() {
        let mut found = Vec::new();
        if !args.secret.is_empty() {
            found.extend(secret::resolve(&args.secret, &[])?);
        }
        if !args.secret_file.is_empty() {
            found.extend(secret::resolve(&[], &args.secret_file)?);
        }
        return Ok(found);
    }
    let found = secret::resolve(&[], &[])?;
    if !found.is_empty() {
        return Ok(found);
    }
    Ok(vec![prompt::secret(&SecretArgs::default())?])
}

/// Prefixes a malformed-input error with the input's name.
fn located(e: Error, name: &str) -> Error {
    match e {
        Error::Malformed(msg) => Error::malformed(format!("{name}: {msg}")),
        other => other,
    }
}

fn report(
    verdict: Verdict,
    secrets: &[Secret],
    head: Option<&Head>,
    body: &Body,
    hashed: Hashed,
) -> Report {
    let mut warnings = Vec::new();
    let header = |name: &str| {
        head.and_then(|h| h.text(name))
            .map(|v| v.trim().to_string())
    };
    let event = header("X-VisualQ-Event");
    if let Some(e) = &event {
        if events::lookup(e).is_none() {
            warnings.push(format!(
                "X-VisualQ-Event '{e}' is not an event VisualQ sends (see 'vq-hook events'); \
                 the signature was checked all the same"
            ));
        }
    }
    let event = event.or_else(|| payload_event(&hashed));
    let extra = body.extra_bytes();
    if extra > 0 {
        let after = match body.framing() {
            Framing::Length(n) => format!("the {n} bytes of Content-Length"),
            _ => "the last chunk".to_string(),
        };
        warnings.push(format!(
            "ignored {extra} extra byte{} after {after}: they are not part of the signed body",
            if extra == 1 { "" } else { "s" }
        ));
    }
    if head.is_some() && body.framing() == Framing::UntilEnd && hashed.total > 0 {
        warnings.push(format!(
            "no Content-Length or Transfer-Encoding header: took all {} bytes after the \
             blank line as the body",
            hashed.total
        ));
    }
    let decompressed = (!body.decompressed().is_empty()).then(|| {
        let names: Vec<&str> = body.decompressed().iter().map(|c| c.name()).collect();
        names.join(", ")
    });
    Report {
        verdict,
        secrets: secrets.iter().map(|s| s.source().to_string()).collect(),
        event,
        delivery: header("X-VisualQ-Delivery"),
        decompressed,
        received_bytes: body.received_bytes(),
        hashed,
        warnings,
    }
}

/// The payload's own `event` field, when the body is JSON that has one.
fn payload_event(hashed: &Hashed) -> Option<String> {
    if !hashed.complete() {
        return None;
    }
    let value: Value = serde_json::from_slice(&hashed.kept).ok()?;
    value.get("event")?.as_str().map(str::to_string)
}

fn verdict_line(r: &Report) -> String {
    let v = &r.verdict;
    match v.check {
        Check::Valid { secret, .. } => {
            let source = r.secrets.get(secret).map_or("?", String::as_str);
            format!("valid: signature matches (secret: {source})")
        }
        Check::Missing => format!("invalid: missing {HEADER} header"),
        Check::Invalid if v.all_malformed() => {
            format!("invalid: malformed {HEADER} header (expected {FORMAT})")
        }
        Check::Invalid => {
            let (n, m) = (v.received.len(), r.secrets.len());
            format!(
                "invalid: signature does not match the body ({n} value{} checked against {m} \
                 secret{})",
                if n == 1 { "" } else { "s" },
                if m == 1 { "" } else { "s" }
            )
        }
    }
}

fn human(r: &Report, ui: Ui) -> String {
    let mut out = verdict_line(r);
    out.push('\n');
    if ui.quiet {
        return out;
    }
    let mut line = |label: &str, value: &str| out.push_str(&format!("{label:<10}{value}\n"));
    let v = &r.verdict;
    if !v.valid() {
        for (value, source) in v.expected.iter().zip(&r.secrets) {
            line("expected:", &format!("{value} ({source})"));
        }
        for value in &v.received {
            line("received:", &value.raw);
        }
        for hint in &v.hints {
            line("hint:", hint);
        }
    }
    line("event:", r.event.as_deref().unwrap_or("(none)"));
    line("delivery:", r.delivery.as_deref().unwrap_or("(none)"));
    let size = match &r.decompressed {
        Some(c) => format!(
            "{} bytes, decompressed from {c} ({} bytes received)",
            r.hashed.total, r.received_bytes
        ),
        None => format!("{} bytes", r.hashed.total),
    };
    line("body:", &size);
    if v.valid() || ui.verbose {
        if r.hashed.complete() {
            let rendered = term::render_body(&r.hashed.kept);
            if !rendered.is_empty() {
                out.push_str(&rendered);
                out.push('\n');
            }
        } else {
            out.push_str(&format!(
                "(not printed: larger than {} MiB)\n",
                KEEP_LIMIT / (1024 * 1024)
            ));
        }
    }
    out
}

fn to_json(r: &Report) -> Value {
    let v = &r.verdict;
    json!({
        "valid": v.valid(),
        "event": r.event,
        "delivery": r.delivery,
        "expected": v.expected_value(),
        "received": v.received_value(),
        "signatures": v.received.iter().map(|x| x.raw.as_str()).collect::<Vec<_>>(),
        "secret": v.secret().and_then(|i| r.secrets.get(i)),
        "hints": v.hints,
        "warnings": r.warnings,
        "decompressed": r.decompressed,
        "bytes": r.hashed.total,
    })
}
