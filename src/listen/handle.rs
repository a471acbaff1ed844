//! One request, from arrival to answer: read the body within `--max-body`,
//! check the signature, flag duplicates, decide the status (or relay to
//! `--forward-to`), save, wait `--delay`, answer and report the entry.

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::http::{HeaderMap, HeaderValue, Request, Response, StatusCode, Version};
use serde_json::{json, Value};

use super::capture::{ConnLog, RawHead};
use super::{clock, forward, next_status, save, Entry, Shared, SignatureStatus, BODY_READ_TIMEOUT};
use crate::secret::Secret;
use crate::signature::{self, Check};

type Answer = Response<Full<Bytes>>;

/// The service hyper calls for every request on every connection.
pub async fn handle(
    shared: Arc<Shared>,
    log: ConnLog,
    req: Request<Incoming>,
) -> Result<Answer, Infallible> {
    let _counted = super::InFlight::new(&shared);
    let millis = clock::now_millis();
    let (parts, body) = req.into_parts();
    let target = parts.uri.to_string();
    let raw = log.head(parts.method.as_str(), &target);
    let mut entry = new_entry(
        millis,
        &parts.method,
        &parts.uri,
        &parts.headers,
        raw.as_ref(),
    );
    let max = shared.config.max_body;

    // A declared length over the limit is refused before reading a byte,
    // which also means no `100 Continue` is sent for it.
    if content_length(&parts.headers).is_some_and(|n| n > max) {
        match &raw {
            Some(h) if !is_chunked(&parts.headers) => {
                log.consume(h.len, content_length(&parts.headers).unwrap_or(0))
            }
            _ => log.desync(),
        }
        return Ok(refuse_too_large(&shared, entry).await);
    }

    let limited = Limited::new(body, max.try_into().unwrap_or(usize::MAX)).collect();
    let Ok(collected) = tokio::time::timeout(BODY_READ_TIMEOUT, limited).await else {
        // A client that stops sending mid-body would otherwise hold its
        // connection (and delay shutdown) for as long as it likes.
        log.desync();
        entry.status = 408;
        entry.error = Some(format!(
            "the body did not arrive within {}s",
            BODY_READ_TIMEOUT.as_secs()
        ));
        shared.report(entry);
        let mut resp = json_answer(408, json!({"error": "body read timeout"}));
        resp.headers_mut()
            .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
        return Ok(resp);
    };
    let bytes = match collected {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            log.desync();
            if e.downcast_ref::<LengthLimitError>().is_some() {
                return Ok(refuse_too_large(&shared, entry).await);
            }
            // The client went away or broke the framing mid-body; the
            // answer will likely not arrive, but the entry says what happened.
            entry.status = 400;
            entry.error = Some(format!("the body could not be read: {e}"));
            shared.report(entry);
            return Ok(json_answer(400, json!({"error": "unreadable body"})));
        }
    };
    if let Some(h) = &raw {
        if is_chunked(&parts.headers) {
            log.consume_chunked(h.len);
        } else {
            log.consume(h.len, bytes.len() as u64);
        }
    }
    entry.size = bytes.len() as u64;
    let judged = signature_of(&shared, &parts.headers, &bytes).await;
    let payload = judged.payload.as_deref().unwrap_or(&bytes);
    entry.body = if payload.is_empty() {
        Value::Null
    } else {
        crate::term::body_as_json(payload)
    };
    entry.signature = judged.status;
    let undecodable = judged.error.is_some();
    if undecodable {
        entry.error = judged.error;
    }
    entry.duplicate = is_duplicate(&shared, entry.delivery.as_deref());

    if let Some(dir) = &shared.config.save_dir {
        save_request(
            &shared,
            millis,
            dir,
            &parts,
            raw.as_ref(),
            &bytes,
            &mut entry,
        )
        .await;
    }

    // A body that cannot be decompressed is malformed (as `verify` says,
    // exit 2), not a bad signature: 400, and never forwarded.
    let answer = if undecodable {
        entry.status = 400;
        json_answer(400, json!({"error": "the body cannot be decompressed"}))
    } else {
        decide(&shared, &parts, &bytes, &mut entry).await
    };
    entry.raw_body = judged.payload.unwrap_or_else(|| bytes.to_vec());
    if let Some(delay) = shared.config.delay {
        tokio::time::sleep(delay).await;
    }
    shared.report(entry);
    Ok(answer)
}

/// The status and body: `401` for a bad signature when a secret is set,
/// the app's answer when forwarding, else the next `--status` code.
async fn decide(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    body: &Bytes,
    entry: &mut Entry,
) -> Answer {
    if matches!(
        entry.signature,
        SignatureStatus::Invalid | SignatureStatus::Missing
    ) {
        let mut why = format!("{} signature", entry.signature.as_str());
        if let Some(cause) = entry.error.take() {
            why = format!("{why} ({cause})");
        }
        entry.status = 401;
        entry.error = Some(why.clone());
        return json_answer(401, json!({ "error": why }));
    }
    if let (Some(client), Some(base)) = (&shared.client, &shared.config.forward_to) {
        let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let (result, forwarded) = forward::relay(
            client,
            base,
            &parts.method,
            pq,
            &parts.headers,
            body.to_vec(),
        )
        .await;
        entry.forward = Some(forwarded);
        return match result {
            Ok(app) => {
                entry.status = app.status;
                let mut resp = Response::new(Full::new(Bytes::from(app.body)));
                *resp.status_mut() = StatusCode::from_u16(app.status).unwrap_or(StatusCode::OK);
                for (k, v) in app.headers {
                    resp.headers_mut().append(k, v);
                }
                resp
            }
            Err(why) => {
                entry.status = 502;
                entry.error = Some(why.clone());
                json_answer(502, json!({ "error": why }))
            }
        };
    }
    let status = next_status(shared);
    entry.status = status;
    if (200..300).contains(&status) {
        json_answer(status, json!({"ok": true}))
    } else {
        json_answer(
            status,
            json!({"error": format!("status {status} set by --status")}),
        )
    }
}

async fn refuse_too_large(shared: &Shared, mut entry: Entry) -> Answer {
    let why = format!(
        "body larger than --max-body ({} bytes)",
        shared.config.max_body
    );
    entry.status = 413;
    entry.error = Some(why.clone());
    if let Some(delay) = shared.config.delay {
        tokio::time::sleep(delay).await;
    }
    shared.report(entry);
    let mut resp = json_answer(413, json!({ "error": why }));
    // The unread body makes the connection unusable for another request.
    resp.headers_mut()
        .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

fn json_answer(status: u16, body: Value) -> Answer {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// What the listener makes of a body's signature.
struct Judged {
    status: SignatureStatus,
    /// The decompressed payload (at most the body limit of it), when the
    /// body was compressed.
    payload: Option<Vec<u8>>,
    /// Why the body could not be decompressed, when it could not.
    error: Option<String>,
}

/// Judges the signature like `verify` judges a capture: over the payload
/// after `Content-Encoding` is undone, streamed through the HMAC.
fn judge_signature(
    secret: Option<&Secret>,
    encodings: &[Vec<u8>],
    signatures: &[Vec<u8>],
    body: &[u8],
    keep: usize,
) -> Judged {
    let mut signer = secret.map(|s| signature::Signer::new(s.expose()));
    let mut payload = None;
    if encodings.is_empty() {
        if let Some(s) = signer.as_mut() {
            s.update(body);
        }
    } else {
        let codings: Vec<&[u8]> = encodings.iter().map(Vec::as_slice).collect();
        let mut kept = Vec::new();
        let streamed = crate::capture::decoded(&codings, body).and_then(|(mut reader, _)| {
            let fed = signature::each_piece(&mut reader, |piece| {
                if let Some(s) = signer.as_mut() {
                    s.update(piece);
                }
                // --max-body bounds the payload too: a small compressed
                // body must not expand without limit.
                if kept.len() + piece.len() > keep {
                    return Err(std::io::Error::other(format!(
                        "the decompressed body is larger than --max-body ({keep} bytes)"
                    )));
                }
                kept.extend_from_slice(piece);
                Ok(())
            });
            fed.map_err(|e| crate::capture::body_error(e, "the body"))
        });
        if let Err(e) = streamed {
            let status = match signer {
                Some(_) => SignatureStatus::Invalid,
                None => SignatureStatus::Unchecked,
            };
            let error = Some(format!("cannot decompress: {e}"));
            return Judged {
                status,
                payload: None,
                error,
            };
        }
        payload = Some(kept);
    }
    let status = match signer {
        None => SignatureStatus::Unchecked,
        Some(signer) => {
            let values = signature::parse_values(signatures.iter().map(Vec::as_slice));
            match signature::check(&[signer.finish()], &values) {
                Check::Valid { .. } => SignatureStatus::Valid,
                Check::Invalid => SignatureStatus::Invalid,
                Check::Missing => SignatureStatus::Missing,
            }
        }
    };
    Judged {
        status,
        payload,
        error: None,
    }
}

/// [`judge_signature`] for a request; a compressed body is decompressed on
/// the blocking pool, since it may expand far beyond what arrived.
async fn signature_of(shared: &Shared, headers: &HeaderMap, body: &Bytes) -> Judged {
    let values = |name| -> Vec<Vec<u8>> {
        headers
            .get_all(name)
            .iter()
            .map(|v| v.as_bytes().to_vec())
            .collect()
    };
    let encodings = values(hyper::header::CONTENT_ENCODING.as_str());
    let signatures = values(signature::HEADER);
    let keep = usize::try_from(shared.config.max_body).unwrap_or(usize::MAX);
    if encodings.is_empty() {
        return judge_signature(shared.config.secret.as_ref(), &[], &signatures, body, keep);
    }
    let (secret, body) = (shared.config.secret.clone(), body.clone());
    tokio::task::spawn_blocking(move || {
        judge_signature(secret.as_ref(), &encodings, &signatures, &body, keep)
    })
    .await
    .unwrap_or_else(|e| Judged {
        status: SignatureStatus::Invalid,
        payload: None,
        error: Some(format!("cannot decompress: {e}")),
    })
}

fn is_duplicate(shared: &Shared, delivery: Option<&str>) -> bool {
    let Some(id) = delivery else { return false };
    match shared.seen.lock() {
        Ok(mut seen) => !seen.insert(id.to_string()),
        Err(_) => false,
    }
}

async fn save_request(
    shared: &Shared,
    millis: u64,
    dir: &std::path::Path,
    parts: &hyper::http::request::Parts,
    raw: Option<&RawHead>,
    body: &Bytes,
    entry: &mut Entry,
) {
    let headers: Vec<(String, Vec<u8>)> = match raw {
        Some(h) => h.headers.clone(),
        None => parts
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect(),
    };
    let version = match raw.map(|h| h.version) {
        Some(0) => "HTTP/1.0",
        Some(_) => "HTTP/1.1",
        None if parts.version == Version::HTTP_10 => "HTTP/1.0",
        None => "HTTP/1.1",
    };
    let bytes = save::render(&save::Request {
        method: parts.method.as_str(),
        target: raw.map_or(entry.path.as_str(), |h| h.target.as_str()),
        version,
        headers: &headers,
        body,
    });
    let seq = shared.save_seq.fetch_add(1, Ordering::Relaxed);
    let stamp = clock::compact(millis);
    let name = save::file_name(&stamp, seq, entry.delivery.as_deref());
    let dir = dir.to_path_buf();
    let written = tokio::task::spawn_blocking(move || save::write(&dir, &name, &bytes)).await;
    match written {
        Ok(Ok(path)) => entry.saved = Some(path.display().to_string()),
        Ok(Err(e)) => entry.error = Some(format!("not saved: {e}")),
        Err(e) => entry.error = Some(format!("not saved: {e}")),
    }
}

fn new_entry(
    millis: u64,
    method: &hyper::Method,
    uri: &hyper::Uri,
    headers: &HeaderMap,
    raw: Option<&RawHead>,
) -> Entry {
    let text = |name: &str| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
    };
    let shown: Vec<(String, String)> = match raw {
        Some(h) => h
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect(),
        None => headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
    };
    Entry {
        time: clock::rfc3339(millis),
        method: method.to_string(),
        path: uri
            .path_and_query()
            .map_or_else(|| uri.to_string(), |p| p.to_string()),
        event: text("x-visualq-event"),
        delivery: text("x-visualq-delivery"),
        signature: SignatureStatus::Unchecked,
        duplicate: false,
        status: 0,
        saved: None,
        body: Value::Null,
        size: 0,
        forward: None,
        error: None,
        headers: shown,
        raw_body: Vec::new(),
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

fn is_chunked(headers: &HeaderMap) -> bool {
    headers
        .get_all(hyper::header::TRANSFER_ENCODING)
        .iter()
        .any(|v| {
            v.to_str()
                .is_ok_and(|s| s.to_ascii_lowercase().contains("chunked"))
        })
}
