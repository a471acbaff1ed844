//! Why a signature failed, when it can be told: the usual ways a body or a
//! secret gets changed between signing and checking (a newline added, line
//! ends converted, JSON re-serialised, a secret pasted with quotes...).
//! Each guess is re-signed and compared with what was received; a hint is
//! given only when one matches. Hints never change the verdict.

use std::fmt::Write as _;

use base64::Engine;
use serde_json::Value;

use crate::secret::{Secret, SecretSource};
use crate::signature::{digest, digests_equal, Digest, Parsed, Received, FORMAT, HEADER};
use crate::verify::{Hashed, KEEP_LIMIT};

/// A repair of a secret that would explain a mismatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretFix {
    Trimmed,
    Unquoted,
    Base64,
}

impl SecretFix {
    fn explain(self, source: &SecretSource) -> String {
        match self {
            SecretFix::Trimmed => format!(
                "the signature matches {source} stripped of surrounding white space: \
                 remove the stray spaces or newlines from the secret"
            ),
            SecretFix::Unquoted => format!(
                "the secret is wrapped in quotes: the signature matches {source} without \
                 its surrounding quotes; remove them from the secret"
            ),
            SecretFix::Base64 => format!(
                "the signature matches {source} base64-decoded (after removing 'whsec_'): \
                 the sender keys the HMAC with the decoded bytes of a whsec_ secret"
            ),
        }
    }
}

/// The repaired forms of a secret worth trying, each different from it.
pub fn secret_variants(key: &[u8]) -> Vec<(SecretFix, Vec<u8>)> {
    let mut out: Vec<(SecretFix, Vec<u8>)> = Vec::new();
    let mut add = |fix, bytes: Vec<u8>| {
        if !bytes.is_empty() && bytes != key && !out.iter().any(|(_, b)| *b == bytes) {
            out.push((fix, bytes));
        }
    };
    let trimmed = key.trim_ascii().to_vec();
    add(SecretFix::Trimmed, trimmed.clone());
    for candidate in [key, &trimmed] {
        if let Some(inner) = unquote(candidate) {
            add(SecretFix::Unquoted, inner.to_vec());
        }
    }
    let bare = unquote(&trimmed).unwrap_or(&trimmed);
    if let Some(rest) = bare.strip_prefix(b"whsec_") {
        if let Some(decoded) = decode_base64(rest) {
            add(SecretFix::Base64, decoded);
        }
    }
    out
}

fn unquote(key: &[u8]) -> Option<&[u8]> {
    match key {
        [b'"', inner @ .., b'"'] | [b'\'', inner @ .., b'\''] => Some(inner),
        _ => None,
    }
}

fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|e| e.decode(text).ok())
        .filter(|d| !d.is_empty())
}

/// A change to the body that would explain a mismatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFix {
    NoTrailingLf,
    NoTrailingCrlf,
    AddedLf,
    CrlfToLf,
    LfToCrlf,
    NoBom,
    CompactJson,
    PrettyJson,
    PrettyJsonLf,
    EscapedJson,
}

impl BodyFix {
    fn explain(self) -> &'static str {
        match self {
            BodyFix::NoTrailingLf => {
                "the signature matches the body without its trailing newline (LF): \
                 a newline was added after signing"
            }
            BodyFix::NoTrailingCrlf => {
                "the signature matches the body without its trailing newline (CRLF): \
                 a line end was added after signing"
            }
            BodyFix::AddedLf => {
                "the signature matches the body with a trailing newline (LF) added: \
                 the newline was stripped after signing"
            }
            BodyFix::CrlfToLf => {
                "the signature matches the body with its CRLF line ends converted to LF: \
                 line ends were converted after signing"
            }
            BodyFix::LfToCrlf => {
                "the signature matches the body with its LF line ends converted to CRLF: \
                 line ends were converted after signing"
            }
            BodyFix::NoBom => {
                "the signature matches the body without its leading UTF-8 BOM: \
                 a byte order mark was added after signing"
            }
            BodyFix::CompactJson => {
                "the signature matches the body re-serialised as compact JSON: the JSON was \
                 re-formatted after signing; sign and verify the raw bytes"
            }
            BodyFix::PrettyJson => {
                "the signature matches the body re-serialised as pretty JSON (2-space \
                 indent): the JSON was re-formatted after signing; sign and verify the raw bytes"
            }
            BodyFix::PrettyJsonLf => {
                "the signature matches the body re-serialised as pretty JSON with a trailing \
                 newline: its newlines were stripped in transit (curl -d does this; use \
                 --data-binary)"
            }
            BodyFix::EscapedJson => {
                "the signature matches the body re-serialised as JSON with non-ASCII and '/' \
                 escaped (\\u00e9, \\/): the JSON was re-serialised after signing; verify the \
                 raw bytes"
            }
        }
    }
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// The changed bodies worth trying, each different from `body`.
pub fn body_variants(body: &[u8]) -> Vec<(BodyFix, Vec<u8>)> {
    let mut out: Vec<(BodyFix, Vec<u8>)> = Vec::new();
    let mut add = |fix, bytes: Vec<u8>| {
        if bytes != body && !out.iter().any(|(_, b)| *b == bytes) {
            out.push((fix, bytes));
        }
    };
    if let Some(rest) = body.strip_suffix(b"\r\n") {
        add(BodyFix::NoTrailingCrlf, rest.to_vec());
    } else if let Some(rest) = body.strip_suffix(b"\n") {
        add(BodyFix::NoTrailingLf, rest.to_vec());
    } else {
        add(BodyFix::AddedLf, [body, b"\n"].concat());
    }
    if body.windows(2).any(|w| w == b"\r\n") {
        add(BodyFix::CrlfToLf, replace(body, b"\r\n", b"\n"));
    }
    if body
        .iter()
        .enumerate()
        .any(|(i, b)| *b == b'\n' && (i == 0 || body[i - 1] != b'\r'))
    {
        let lf = replace(body, b"\r\n", b"\n");
        add(BodyFix::LfToCrlf, replace(&lf, b"\n", b"\r\n"));
    }
    if let Some(rest) = body.strip_prefix(BOM) {
        add(BodyFix::NoBom, rest.to_vec());
    }
    let json = body.strip_prefix(BOM).unwrap_or(body);
    if let Ok(value) = serde_json::from_slice::<Value>(json) {
        for (fix, text) in reserialised(&value) {
            add(fix, text.into_bytes());
        }
    }
    out
}

fn reserialised(value: &Value) -> Vec<(BodyFix, String)> {
    let mut out = Vec::new();
    if let Ok(compact) = serde_json::to_string(value) {
        out.push((BodyFix::CompactJson, compact));
    }
    if let Ok(pretty) = serde_json::to_string_pretty(value) {
        out.push((BodyFix::PrettyJsonLf, format!("{pretty}\n")));
        out.push((BodyFix::PrettyJson, pretty));
    }
    let mut escaped = String::new();
    write_escaped(value, &mut escaped);
    out.push((BodyFix::EscapedJson, escaped));
    out
}

/// Compact JSON the way PHP's `json_encode` and some other serialisers
/// write it: non-ASCII as `\u` escapes (four hex digits) and `/` as `\/`.
fn write_escaped(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '/' => out.push_str("\\/"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
                    c => {
                        for unit in c.encode_utf16(&mut [0; 2]) {
                            let _ = write!(out, "\\u{unit:04x}");
                        }
                    }
                }
            }
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_escaped(v, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_escaped(&Value::String(k.clone()), out);
                out.push(':');
                write_escaped(v, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len() + haystack.len() / 16);
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// A received value for a message: long junk is cut short.
fn shown(raw: &str) -> String {
    let mut s: String = raw.chars().take(80).flat_map(char::escape_debug).collect();
    if raw.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// Explains a failed check: what is wrong with malformed values, then any
/// change to the secret or the body under which a received digest matches.
pub fn explain(secrets: &[Secret], hashed: &Hashed, received: &[Received]) -> Vec<String> {
    let mut hints = Vec::new();
    if received.is_empty() {
        hints.push(format!(
            "the request has no {HEADER} header: it was sent unsigned, or a proxy dropped it"
        ));
        return hints;
    }
    let expected = |d: &Digest| hashed.expected.iter().any(|e| digests_equal(e, d));
    let mut candidates: Vec<Digest> = Vec::new();
    for r in received {
        match &r.parsed {
            Parsed::WellFormed(d) => candidates.push(*d),
            Parsed::Malformed { problem, salvaged } => {
                let mut hint = format!(
                    "malformed signature header value '{}': the expected format is {FORMAT}, \
                     but {}",
                    shown(&r.raw),
                    problem.describe()
                );
                if salvaged.as_ref().is_some_and(expected) {
                    hint.push_str("; the digest itself matches; only the format is wrong");
                }
                hints.push(hint);
                candidates.extend(salvaged);
            }
        }
    }
    let matches = |d: &Digest| candidates.iter().any(|c| digests_equal(c, d));

    for (i, fix, d) in &hashed.secret_variants {
        if matches(d) {
            if let Some(s) = secrets.get(*i) {
                hints.push(fix.explain(s.source()));
            }
        }
    }
    if !hashed.complete() {
        hints.push(format!(
            "the body is larger than {} MiB: hints that need the whole body (newlines, BOM, \
             JSON re-serialisation) were skipped",
            KEEP_LIMIT / (1024 * 1024)
        ));
        return hints;
    }
    for (fix, body) in body_variants(&hashed.kept) {
        if secrets.iter().any(|s| matches(&digest(s.expose(), &body))) {
            hints.push(fix.explain().to_string());
        }
    }
    let well_formed = received
        .iter()
        .any(|r| matches!(r.parsed, Parsed::WellFormed(_)));
    if hints.is_empty() && well_formed {
        hints.push(fallback(&hashed.kept));
    }
    hints
}

/// When no single change explains it: the likeliest causes, in words.
fn fallback(body: &[u8]) -> String {
    let compact = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string(&v).ok())
        .is_some_and(|c| c.as_bytes() == body);
    if compact {
        "no common change explains it: either the secret differs from the sender's, or the \
         body was parsed and re-serialised after signing (it is exactly what a JSON \
         serialiser writes, so spacing, key order or escapes may have changed): compare \
         the secrets, and verify the raw bytes as received"
            .to_string()
    } else {
        "no common change explains it: the body was changed after signing, or it was signed \
         with another secret"
            .to_string()
    }
}

#[cfg(test)]
mod tests;
