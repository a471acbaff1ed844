//! Turning a saved raw request back into a delivery: same body, same
//! headers and signature, re-framed for the new connection (fresh `Host`,
//! `Content-Length` recomputed), and re-signed only when asked to.

use bytes::Bytes;
use reqwest::Url;

use super::request::{parse_header, DELIVERY_HEADER, EVENT_HEADER};
use crate::capture::Capture;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::signature::{self, HEADER as SIGNATURE_HEADER};

use super::Request;

/// Headers that describe one connection or one framing of the body, so
/// they are not carried over to a new one.
const NOT_CARRIED: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "expect",
];

/// Builds the request that re-sends `capture` to `url`. With `resign`, the
/// body is signed again and every received signature line is replaced by
/// that one; otherwise the signatures are sent as captured.
pub fn from_capture(
    capture: &Capture,
    url: Url,
    resign: Option<&Secret>,
    extra: &[String],
) -> Result<Request> {
    if !capture.method.eq_ignore_ascii_case("POST") {
        return Err(Error::usage(format!(
            "the capture is a {} request; VisualQ deliveries are POSTs",
            capture.method
        )));
    }
    let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    let new_signature = resign.map(|s| sign_payload(s, capture)).transpose()?;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut signature_written = false;
    for (name, value) in &capture.headers {
        let lower = name.to_ascii_lowercase();
        if NOT_CARRIED.contains(&lower.as_str()) {
            continue;
        }
        if lower == SIGNATURE_HEADER.to_ascii_lowercase() {
            if let Some(sig) = &new_signature {
                if !signature_written {
                    headers.push((name.clone(), sig.clone()));
                    signature_written = true;
                }
                continue;
            }
        }
        headers.push((name.clone(), text(value)));
    }
    if let (Some(sig), false) = (&new_signature, signature_written) {
        headers.push((SIGNATURE_HEADER.to_string(), sig.clone()));
    }

    for h in extra {
        let (name, value) = parse_header(h)?;
        let lower = name.to_ascii_lowercase();
        if lower == SIGNATURE_HEADER.to_ascii_lowercase() {
            return Err(Error::usage(format!(
                "-H '{name}' would replace the captured signature: use --secret to re-sign"
            )));
        }
        if NOT_CARRIED.contains(&lower.as_str()) && lower != "host" {
            return Err(Error::usage(format!(
                "-H '{name}' cannot be set on a replay: it describes the connection"
            )));
        }
        match headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        {
            Some(slot) => slot.1 = value,
            None => headers.push((name, value)),
        }
    }

    let event = capture.header(EVENT_HEADER).map(text).unwrap_or_default();
    let delivery_id = capture
        .header(DELIVERY_HEADER)
        .map(text)
        .unwrap_or_default();
    let signature = new_signature.or_else(|| capture.header(SIGNATURE_HEADER).map(text));
    Ok(Request {
        url,
        event,
        delivery_id,
        signature,
        headers,
        body: Bytes::from(capture.body.clone()),
    })
}

/// The signature of the payload as produced: for a compressed capture that
/// is the decompressed body (what `verify` and `listen` check), not the
/// bytes on the wire.
fn sign_payload(secret: &Secret, capture: &Capture) -> Result<String> {
    let encodings: Vec<&[u8]> = capture.header_values("Content-Encoding").collect();
    if encodings.is_empty() {
        return Ok(signature::sign(secret, &capture.body));
    }
    let (mut payload, _) = crate::capture::decoded(&encodings, &capture.body)?;
    let mut signer = signature::Signer::new(secret.expose());
    signer
        .consume(&mut payload)
        .map_err(|e| crate::capture::body_error(e, "the capture's body"))?;
    Ok(signature::header_value(&signer.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture;

    const RAW: &[u8] = b"POST /hooks HTTP/1.1\r\nHost: old:1\r\nx-visualq-event: run.started\r\n\
        X-VisualQ-Delivery: d-1\r\nX-VisualQ-Signature: sha256=aa\r\n\
        X-VisualQ-Signature: sha256=bb\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\
        \r\n2\r\n{}\r\n0\r\n\r\n";

    fn url() -> Url {
        Url::parse("http://127.0.0.1:9/x").unwrap()
    }

    #[test]
    fn keeps_headers_and_signatures_but_not_framing() {
        let cap = capture::load(RAW).unwrap();
        let r = from_capture(&cap, url(), None, &[]).unwrap();
        let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "x-visualq-event",
                "X-VisualQ-Delivery",
                "X-VisualQ-Signature",
                "X-VisualQ-Signature"
            ]
        );
        assert_eq!(&r.body[..], b"{}");
        assert_eq!(
            (r.event.as_str(), r.delivery_id.as_str()),
            ("run.started", "d-1")
        );
        assert_eq!(r.signature.as_deref(), Some("sha256=aa"));
    }

    #[test]
    fn resigning_replaces_every_signature_line() {
        let cap = capture::load(RAW).unwrap();
        let s = Secret::from_flag("k", 0);
        let r = from_capture(&cap, url(), Some(&s), &["X-More: 1".into()]).unwrap();
        let sigs: Vec<&str> = r
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(SIGNATURE_HEADER))
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(sigs, [signature::sign(&s, b"{}")]);
        assert_eq!(r.headers.last().unwrap().0, "X-More");
        let bad = from_capture(&cap, url(), None, &["X-VisualQ-Signature: x".into()]);
        assert!(bad.is_err());
    }
}
