//! `vq-hook send`: render, sign and deliver events with VisualQ's retry
//! policy; or print the request (`--dry-run`, `--curl`) without sending.

use vq_hook::delivery::{parse_header, Policy, Report, Request, Sender, Signing, Tls};
use vq_hook::events::{self, EVENTS};
use vq_hook::secret::Secret;
use vq_hook::{target, term, Error, Result};

use super::load::Load;
use super::{load_payload, prompt, report, Ui, NEGATIVE, SUCCESS};
use crate::cli::{DeliveryArgs, RetryArgs, SendArgs};

/// Where `--dry-run` and `--curl` aim when no URL is given: the default
/// address of `vq-hook listen`.
const DEFAULT_PREVIEW_URL: &str = "http://127.0.0.1:8787/";

pub fn run(args: &SendArgs, ui: Ui) -> Result<u8> {
    let preview = args.dry_run || args.curl;
    if args.repeat.is_some() && preview {
        return Err(Error::usage(
            "--repeat sends; it cannot be combined with --dry-run or --curl",
        ));
    }
    let (requests, secret) = build_requests(args, preview)?;

    if preview {
        let mut text = Vec::new();
        for r in &requests {
            if args.curl {
                text.extend(r.curl().into_bytes());
                text.push(b'\n');
            } else {
                text.extend(r.raw_http());
            }
        }
        report::emit(&String::from_utf8_lossy(&text));
        return Ok(SUCCESS);
    }

    let sender = sender(&args.delivery, &requests[0])?;
    let policy = policy(&args.delivery, &args.retry);
    if let Some(n) = args.repeat {
        if requests.len() > 1 {
            return Err(Error::usage(
                "--repeat fires one event; it cannot be used with --all",
            ));
        }
        let load = Load {
            template: &requests[0],
            secret,
            fresh_run_id: args.fresh_run_id,
            n,
            concurrency: args.concurrency,
            json: args.delivery.json,
        };
        return super::load::run(load, ui, &sender, &policy);
    }
    let reports = runtime()?.block_on(async {
        let mut reports = Vec::new();
        for r in &requests {
            reports.push(deliver(&sender, r, &policy, args.delivery.json, ui).await);
        }
        reports
    });
    Ok(if reports.iter().all(Report::delivered) {
        SUCCESS
    } else {
        NEGATIVE
    })
}

/// Every request this invocation sends, fully rendered and signed before
/// any network I/O, so a bad input never leaves half the work done.
fn build_requests(args: &SendArgs, preview: bool) -> Result<(Vec<Request>, Option<Secret>)> {
    let names: Vec<Option<String>> = if args.all {
        if args.overrides.payload.is_some() {
            return Err(Error::usage(
                "--all sends every sample; it cannot be used with --payload",
            ));
        }
        EVENTS.iter().map(|e| Some(e.name.to_string())).collect()
    } else if args.event.is_none() && args.overrides.payload.is_some() {
        vec![None]
    } else {
        vec![Some(prompt::event(args.event.as_deref())?)]
    };
    // An unknown event is reported before anything is asked for.
    for name in names.iter().flatten() {
        events::find(name)?;
    }
    let url_text = match (&args.delivery.url, preview) {
        (Some(u), _) => u.clone(),
        (None, true) => DEFAULT_PREVIEW_URL.to_string(),
        (None, false) => prompt::url(None)?,
    };
    let url = target::parse_url(&url_text)?;
    let extra = args
        .retry
        .headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>>>()?;

    if args.delivery_id.is_some() && names.len() > 1 {
        return Err(Error::usage(
            "--delivery-id names one delivery; it cannot be used with --all",
        ));
    }

    let secret: Option<Secret> = if args.unsigned || args.signature.is_some() {
        None
    } else {
        Some(prompt::secret(&args.secret)?)
    };
    let signing = match (&secret, &args.signature) {
        (Some(s), _) => Signing::Secret(s),
        (None, Some(v)) => Signing::Value(v.clone()),
        (None, None) => Signing::Unsigned,
    };

    let mut requests = Vec::new();
    for name in names {
        let payload = load_payload(name.as_deref(), &args.overrides)?;
        let event = header_event(name.as_deref(), payload.event())?;
        let r = Request::new(
            url.clone(),
            &event,
            payload.body(),
            &signing,
            args.delivery_id.clone(),
            &extra,
        )?;
        requests.push(r);
    }
    Ok((requests, secret))
}

/// The `X-VisualQ-Event` value: the EVENT argument wins over the payload's
/// `event` field, with a warning when they differ.
fn header_event(arg: Option<&str>, in_payload: Option<&str>) -> Result<String> {
    match (arg, in_payload) {
        (Some(a), Some(p)) if a != p => {
            term::warn(&format!(
                "the payload's \"event\" is '{}' but X-VisualQ-Event will say '{a}' \
                 (from the EVENT argument)",
                p.escape_debug()
            ));
            Ok(a.to_string())
        }
        (Some(a), _) => Ok(a.to_string()),
        (None, Some(p)) => {
            if events::lookup(p).is_none() {
                term::warn(&format!(
                    "the payload's event '{}' is not a VisualQ event type",
                    p.escape_debug()
                ));
            }
            Ok(p.to_string())
        }
        (None, None) => Err(Error::usage(
            "the payload has no \"event\" field: name the event, \
             e.g. 'vq-hook send run.completed --payload FILE'",
        )),
    }
}

pub fn sender(delivery: &DeliveryArgs, request: &Request) -> Result<Sender> {
    let tls = Tls {
        cacert: delivery.cacert.clone(),
        insecure: delivery.insecure,
    };
    if delivery.insecure && request.url.scheme() == "https" {
        term::warn("-k/--insecure: the endpoint's TLS certificate is not verified");
    }
    Sender::new(&request.url, &tls)
}

pub fn policy(delivery: &DeliveryArgs, retry: &RetryArgs) -> Policy {
    Policy {
        timeout: delivery.timeout,
        retry_delay: retry.retry_delay,
        max_attempts: if retry.no_retry { 1 } else { 2 },
    }
}

/// A single-threaded runtime: one delivery at a time needs no more, and it
/// starts faster than a thread pool.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io_on("the async runtime", e))
}

/// Delivers one request, printing attempts live (human) or one JSON line.
pub async fn deliver(
    sender: &Sender,
    request: &Request,
    policy: &Policy,
    json: bool,
    ui: Ui,
) -> Report {
    let live = !json && !ui.quiet;
    if live {
        report::emit(&report::header(request, ui));
    }
    let done = sender
        .deliver(request, policy, |a| {
            if live {
                report::emit(&report::attempt_line(request, a));
            }
        })
        .await;
    if json {
        report::emit(&format!("{}\n", done.to_json()));
    } else {
        report::emit(&report::footer(&done, ui));
    }
    done
}
