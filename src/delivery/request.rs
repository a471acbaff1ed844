//! The request a delivery sends: body, the five documented headers and any
//! extras, fixed once so every retry repeats it byte for byte. Also its two
//! printed forms, the raw HTTP request (`--dry-run`) and a curl command
//! (`--curl`).

use bytes::Bytes;
use reqwest::Url;

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::signature::{self, HEADER as SIGNATURE_HEADER};

/// What the platform sends as `User-Agent`.
pub const USER_AGENT: &str = "VisualQ-Webhook/1.0";
pub const EVENT_HEADER: &str = "X-VisualQ-Event";
pub const DELIVERY_HEADER: &str = "X-VisualQ-Delivery";

/// How the signature header is produced.
pub enum Signing<'a> {
    /// Sign the body with this secret (the normal case).
    Secret(&'a Secret),
    /// Send this value as is (`--signature`, for negative tests).
    Value(String),
    /// Send no signature header (`--unsigned`).
    Unsigned,
}

/// One delivery's request, identical on every attempt.
#[derive(Clone, Debug)]
pub struct Request {
    pub url: Url,
    pub event: String,
    pub delivery_id: String,
    /// The signature header value sent, if any (a digest, never the secret).
    pub signature: Option<String>,
    /// Every header in the order sent, except `Host` and `Content-Length`,
    /// which the HTTP layer writes.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Request {
    /// Builds the request: the documented headers first, then `extra`
    /// (`-H`), which may replace a documented header's value but not the
    /// signature unless the signature was given explicitly.
    pub fn new(
        url: Url,
        event: &str,
        body: Vec<u8>,
        signing: &Signing<'_>,
        delivery_id: Option<String>,
        extra: &[(String, String)],
    ) -> Result<Self> {
        let delivery_id = delivery_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let signature = match signing {
            Signing::Secret(s) => Some(signature::sign(s, &body)),
            Signing::Value(v) => Some(v.clone()),
            Signing::Unsigned => None,
        };
        let mut headers = vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("User-Agent".to_string(), USER_AGENT.to_string()),
        ];
        if let Some(sig) = &signature {
            headers.push((SIGNATURE_HEADER.to_string(), sig.clone()));
        }
        headers.push((EVENT_HEADER.to_string(), event.to_string()));
        headers.push((DELIVERY_HEADER.to_string(), delivery_id.clone()));
        // The HTTP client adds this when absent; listing it here keeps the
        // header list (and so `--dry-run`) exactly what goes on the wire.
        headers.push(("Accept".to_string(), "*/*".to_string()));

        // A CR or LF here would end the header early and smuggle the rest
        // in as headers of its own; the bytes on the wire must be the ones
        // shown, so such values are refused.
        for (name, value) in &headers {
            if let Some(bad) = value.chars().find(|c| c.is_control() && *c != '\t') {
                return Err(Error::usage(format!(
                    "the {name} value '{}' contains a control character ({}): \
                     a header value must be one line of text",
                    value.escape_debug(),
                    bad.escape_debug()
                )));
            }
        }
        if delivery_id.is_empty() {
            return Err(Error::usage("the delivery id is empty"));
        }

        let explicit_signature = matches!(signing, Signing::Value(_));
        for (name, value) in extra {
            let lower = name.to_ascii_lowercase();
            if lower == "content-length" || lower == "transfer-encoding" {
                return Err(Error::usage(format!(
                    "-H '{name}' cannot be set: vq-hook computes it from the body"
                )));
            }
            if lower == SIGNATURE_HEADER.to_ascii_lowercase() {
                if !explicit_signature {
                    return Err(Error::usage(format!(
                        "-H '{name}' would replace the real signature: use --signature VALUE \
                         to send another value"
                    )));
                }
                // With --signature, -H adds a second signature line.
                headers.push((name.clone(), value.clone()));
                continue;
            }
            match headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                Some(slot) => slot.1 = value.clone(),
                None => headers.push((name.clone(), value.clone())),
            }
        }
        // What the report says must be what went on the wire, even when
        // -H replaced the event or delivery header.
        let sent = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let event = sent(EVENT_HEADER).unwrap_or_else(|| event.to_string());
        let delivery_id = sent(DELIVERY_HEADER).unwrap_or(delivery_id);
        Ok(Request {
            url,
            event,
            delivery_id,
            signature,
            headers,
            body: Bytes::from(body),
        })
    }

    /// A new delivery of the same event: a fresh delivery id and, when
    /// `run_id` is given, that `runId` in the body, re-signed with `secret`.
    pub fn redelivery(&self, secret: Option<&Secret>, run_id: Option<&str>) -> Request {
        let mut r = self.clone();
        r.delivery_id = uuid::Uuid::new_v4().to_string();
        if let Some(id) = run_id {
            if let Ok(serde_json::Value::Object(mut map)) = serde_json::from_slice(&r.body) {
                map.insert("runId".into(), id.into());
                r.body = Bytes::from(serde_json::to_vec(&map).expect("a map serialises"));
                if let Some(s) = secret {
                    r.signature = Some(signature::sign(s, &r.body));
                }
            }
        }
        for (name, value) in &mut r.headers {
            if name.eq_ignore_ascii_case(DELIVERY_HEADER) {
                value.clone_from(&r.delivery_id);
            } else if name.eq_ignore_ascii_case(SIGNATURE_HEADER) && secret.is_some() {
                if let Some(sig) = &r.signature {
                    value.clone_from(sig);
                }
            }
        }
        r
    }

    /// `Host` as the HTTP layer writes it (port only when not the default).
    pub fn host(&self) -> String {
        let host = match self.url.host() {
            Some(url::Host::Ipv6(a)) => format!("[{a}]"),
            Some(h) => h.to_string(),
            None => String::new(),
        };
        match self.url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host,
        }
    }

    fn path_and_query(&self) -> String {
        match self.url.query() {
            Some(q) => format!("{}?{q}", self.url.path()),
            None => self.url.path().to_string(),
        }
    }

    /// The request exactly as it goes on the wire over HTTP/1.1.
    pub fn raw_http(&self) -> Vec<u8> {
        let mut head = format!("POST {} HTTP/1.1\r\n", self.path_and_query());
        let mut has_host = false;
        for (name, value) in &self.headers {
            has_host |= name.eq_ignore_ascii_case("host");
            head.push_str(&format!("{}: {value}\r\n", title_case(name)));
        }
        if !has_host {
            head.push_str(&format!("Host: {}\r\n", self.host()));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", self.body.len()));
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }

    /// A ready-to-run curl command that sends the same request.
    pub fn curl(&self) -> String {
        let mut parts = vec!["curl".to_string(), "--request POST".to_string()];
        parts.push(format!("--url {}", shell_quote(self.url.as_str())));
        for (name, value) in &self.headers {
            parts.push(format!(
                "--header {}",
                shell_quote(&format!("{name}: {value}"))
            ));
        }
        let body = String::from_utf8_lossy(&self.body);
        parts.push(format!("--data-binary {}", shell_quote(&body)));
        parts.join(" \\\n  ")
    }
}

/// Parses `-H 'Name: value'`.
pub fn parse_header(input: &str) -> Result<(String, String)> {
    let bad = || {
        Error::usage(format!(
            "-H '{}' is not 'Name: value'",
            input.escape_debug()
        ))
    };
    let (name, value) = input.split_once(':').ok_or_else(bad)?;
    let name = name.trim();
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if let Some(c) = input.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(Error::usage(format!(
            "-H '{}' contains a control character ({}): a header must be one line of text",
            input.escape_debug(),
            c.escape_debug()
        )));
    }
    if !valid_name {
        return Err(bad());
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// The header-name casing the HTTP layer writes (`x-visualq-event` →
/// `X-Visualq-Event`), so `--dry-run` shows the bytes really sent.
pub fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        });
        upper = c == '-';
    }
    out
}

/// Single-quotes a string for POSIX shells.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("http://127.0.0.1:9/h?x=1").unwrap()
    }

    #[test]
    fn headers_in_documented_order() {
        let s = Secret::from_flag("s", 0);
        let r = Request::new(
            url(),
            "run.started",
            b"{}".to_vec(),
            &Signing::Secret(&s),
            None,
            &[],
        )
        .unwrap();
        let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "User-Agent",
                "X-VisualQ-Signature",
                "X-VisualQ-Event",
                "X-VisualQ-Delivery",
                "Accept"
            ]
        );
        assert_eq!(r.delivery_id.len(), 36);
        let raw = String::from_utf8(r.raw_http()).unwrap();
        assert!(raw.starts_with("POST /h?x=1 HTTP/1.1\r\nContent-Type: application/json\r\n"));
        assert!(
            raw.ends_with("Host: 127.0.0.1:9\r\nContent-Length: 2\r\n\r\n{}"),
            "{raw}"
        );
    }

    #[test]
    fn extra_headers() {
        let s = Secret::from_flag("s", 0);
        let extra = vec![
            parse_header("user-agent: me").unwrap(),
            parse_header("X-A: b").unwrap(),
        ];
        let r = Request::new(url(), "e", vec![], &Signing::Secret(&s), None, &extra).unwrap();
        assert_eq!(r.headers[1], ("User-Agent".into(), "me".into()));
        assert_eq!(r.headers.last().unwrap().0, "X-A");
        let own = vec![
            parse_header("x-visualq-delivery: mine").unwrap(),
            parse_header("X-VisualQ-Event: run.failed").unwrap(),
        ];
        let r = Request::new(url(), "e", vec![], &Signing::Unsigned, None, &own).unwrap();
        assert_eq!(
            (r.event.as_str(), r.delivery_id.as_str()),
            ("run.failed", "mine")
        );
        assert!(parse_header("X-A\n: b").is_err());
        let sig = vec![parse_header("X-VisualQ-Signature: sha256=0").unwrap()];
        assert!(Request::new(url(), "e", vec![], &Signing::Secret(&s), None, &sig).is_err());
        let explicit = Signing::Value("sha256=1".into());
        let r = Request::new(url(), "e", vec![], &explicit, None, &sig).unwrap();
        assert_eq!(
            r.headers
                .iter()
                .filter(|h| h.0.contains("Signature"))
                .count(),
            2
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
        for value in ["a\r\nX-Evil: 1", "a\nb", "a\u{0}"] {
            let id = Some(value.to_string());
            let err = Request::new(url(), "e", vec![], &Signing::Unsigned, id, &[]).unwrap_err();
            assert!(err.to_string().contains("control character"), "{err}");
            let sig = Signing::Value(value.to_string());
            assert!(Request::new(url(), "e", vec![], &sig, None, &[]).is_err());
            assert!(Request::new(url(), value, vec![], &Signing::Unsigned, None, &[]).is_err());
        }
        let empty = Some(String::new());
        assert!(Request::new(url(), "e", vec![], &Signing::Unsigned, empty, &[]).is_err());
        let cl = vec![parse_header("Content-Length: 5").unwrap()];
        assert!(Request::new(url(), "e", vec![], &Signing::Unsigned, None, &cl).is_err());
    }

    #[test]
    fn curl_quotes() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(title_case("x-visualq-event"), "X-Visualq-Event");
    }
}
