//! The `X-VisualQ-Signature` scheme: `sha256=` + hex HMAC-SHA256 of the raw
//! body, keyed with the shared secret.
//!
//! Signing is streamed ([`Signer`]) so a body of any size is hashed without
//! being held in memory. Received values are parsed strictly: anything but
//! `sha256=` followed by 64 hex digits is malformed, but the parse keeps
//! whatever digest can be salvaged so a hint can say "right digest, wrong
//! format" without ever accepting it.

use std::io::{self, Read};

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::secret::Secret;

/// The header that carries the signature.
pub const HEADER: &str = "X-VisualQ-Signature";
/// The only accepted scheme prefix.
pub const PREFIX: &str = "sha256=";
/// What a well-formed value looks like, for error messages.
pub const FORMAT: &str = "sha256=<64 hex digits>";

/// A raw HMAC-SHA256 output.
pub type Digest = [u8; 32];

type HmacSha256 = Hmac<Sha256>;

/// How much of a streamed body is read at a time.
pub const PIECE: usize = 64 * 1024;

/// Reads `input` to its end in [`PIECE`]-sized pieces, handing each to
/// `f`: the one read loop behind every streamed HMAC (`sign`, `verify`,
/// `replay`, `listen`). Interrupted reads are retried.
pub fn each_piece(
    input: &mut impl Read,
    mut f: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let mut buf = vec![0u8; PIECE];
    loop {
        match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => f(&buf[..n])?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Incremental HMAC over a body that arrives in pieces.
#[derive(Clone)]
pub struct Signer {
    mac: HmacSha256,
}

impl Signer {
    pub fn new(key: &[u8]) -> Self {
        // HMAC takes keys of any length, so this cannot fail.
        let mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
        Signer { mac }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.mac.update(bytes);
    }

    /// Feeds all of `input` to the HMAC.
    pub fn consume(&mut self, input: &mut impl Read) -> io::Result<()> {
        each_piece(input, |piece| {
            self.update(piece);
            Ok(())
        })
    }

    pub fn finish(self) -> Digest {
        self.mac.finalize().into_bytes().into()
    }
}

/// HMAC-SHA256 of `body` under `key`.
pub fn digest(key: &[u8], body: &[u8]) -> Digest {
    let mut s = Signer::new(key);
    s.update(body);
    s.finish()
}

/// The header value for `body` signed with `secret`: `sha256=<hex>`.
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    header_value(&digest(secret.expose(), body))
}

/// Formats a digest as a header value.
pub fn header_value(d: &Digest) -> String {
    format!("{PREFIX}{}", to_hex(d))
}

pub fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

/// Constant-time digest comparison.
pub fn digests_equal(a: &Digest, b: &Digest) -> bool {
    a.ct_eq(b).into()
}

/// One signature value found in a request, after parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The value as received, whitespace trimmed (safe to show: it is a
    /// digest, not the secret).
    pub raw: String,
    pub parsed: Parsed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// `sha256=` + 64 hex digits (either case).
    WellFormed(Digest),
    /// Anything else. `salvaged` is the digest the value seems to carry
    /// (hex without prefix, base64, ...), used only for hints.
    Malformed {
        problem: Malformed,
        salvaged: Option<Digest>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    Empty,
    NoPrefix,
    OtherAlgorithm,
    SpaceAfterPrefix,
    Base64,
    WrongLength,
    NotHex,
}

impl Malformed {
    pub fn describe(self) -> &'static str {
        match self {
            Malformed::Empty => "the value is empty",
            Malformed::NoPrefix => "the 'sha256=' prefix is missing",
            Malformed::OtherAlgorithm => "it names another algorithm than sha256",
            Malformed::SpaceAfterPrefix => "there is white space after 'sha256='",
            Malformed::Base64 => "the digest is base64, not hex",
            Malformed::WrongLength => "the digest is not 64 hex digits long",
            Malformed::NotHex => "the digest is not hexadecimal",
        }
    }
}

/// Parses every value of every signature header line. A line may hold
/// several comma-separated values; surrounding white space is ignored.
pub fn parse_values<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Vec<Received> {
    let mut out = Vec::new();
    for line in lines {
        let text = String::from_utf8_lossy(line);
        for part in text.split(',') {
            let raw = part.trim_matches(|c| c == ' ' || c == '\t');
            if raw.is_empty() && text.contains(',') {
                continue;
            }
            out.push(Received {
                raw: raw.to_string(),
                parsed: parse_one(raw),
            });
        }
    }
    out
}

fn parse_one(raw: &str) -> Parsed {
    let malformed = |problem, salvaged| Parsed::Malformed { problem, salvaged };
    if raw.is_empty() {
        return malformed(Malformed::Empty, None);
    }
    let Some((scheme, rest)) = raw.split_once('=').filter(|(s, _)| is_scheme(s)) else {
        return malformed(Malformed::NoPrefix, salvage(raw));
    };
    if !scheme.eq_ignore_ascii_case("sha256") {
        return malformed(Malformed::OtherAlgorithm, None);
    }
    if scheme != "sha256" {
        // `SHA256=` is not what the platform sends; say so but keep the digest.
        return malformed(Malformed::NoPrefix, salvage(rest));
    }
    if rest.starts_with([' ', '\t']) {
        return malformed(Malformed::SpaceAfterPrefix, salvage(rest.trim()));
    }
    if let Some(d) = decode_hex(rest) {
        return Parsed::WellFormed(d);
    }
    if rest.len() == 44 && base64_digest(rest).is_some() {
        return malformed(Malformed::Base64, base64_digest(rest));
    }
    if rest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return malformed(Malformed::WrongLength, None);
    }
    malformed(Malformed::NotHex, None)
}

fn is_scheme(s: &str) -> bool {
    !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn salvage(s: &str) -> Option<Digest> {
    decode_hex(s).or_else(|| base64_digest(s))
}

fn base64_digest(s: &str) -> Option<Digest> {
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
    ];
    engines
        .iter()
        .find_map(|e| e.decode(s).ok())
        .and_then(|v| v.try_into().ok())
}

/// Decodes exactly 64 hex digits (either case).
pub fn decode_hex(s: &str) -> Option<Digest> {
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// The outcome of comparing the expected digests (one per secret) with the
/// values a request carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// `secret` (index into the expected digests) produced `value` (index
    /// into the received values).
    Valid { secret: usize, value: usize },
    /// Values were present but none matched (or none was well formed).
    Invalid,
    /// The request carried no signature value at all.
    Missing,
}

/// Compares every well-formed received value with every expected digest in
/// constant time. Malformed values never match, whatever they salvage.
pub fn check(expected: &[Digest], received: &[Received]) -> Check {
    if received.is_empty() {
        return Check::Missing;
    }
    let mut found = None;
    for (v, r) in received.iter().enumerate() {
        if let Parsed::WellFormed(d) = &r.parsed {
            for (s, e) in expected.iter().enumerate() {
                if digests_equal(e, d) && found.is_none() {
                    found = Some(Check::Valid {
                        secret: s,
                        value: v,
                    });
                }
            }
        }
    }
    found.unwrap_or(Check::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_published_vector() {
        let s = Secret::from_flag("It's a Secret to Everybody", 0);
        assert_eq!(
            sign(&s, b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    #[test]
    fn streaming_equals_one_shot() {
        let body = vec![7u8; 100_000];
        let mut s = Signer::new(b"k");
        for chunk in body.chunks(333) {
            s.update(chunk);
        }
        assert_eq!(s.finish(), digest(b"k", &body));
    }

    #[test]
    fn parses_values() {
        let d = digest(b"k", b"b");
        let hex = to_hex(&d);
        let line = format!(" sha256={} ,sha256={}", hex.to_uppercase(), "0".repeat(64));
        let got = parse_values([line.as_bytes()]);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].parsed, Parsed::WellFormed(d));

        let kind = |v: &str| match parse_values([v.as_bytes()]).remove(0).parsed {
            Parsed::Malformed { problem, .. } => Some(problem),
            Parsed::WellFormed(_) => None,
        };
        assert_eq!(kind(&hex), Some(Malformed::NoPrefix));
        assert_eq!(kind("garbage"), Some(Malformed::NoPrefix));
        assert_eq!(
            kind(&format!("sha1={hex}")),
            Some(Malformed::OtherAlgorithm)
        );
        assert_eq!(
            kind(&format!("sha256= {hex}")),
            Some(Malformed::SpaceAfterPrefix)
        );
        assert_eq!(kind("sha256=abc"), Some(Malformed::WrongLength));
        assert_eq!(
            kind(&format!("sha256={}", "z".repeat(64))),
            Some(Malformed::NotHex)
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(d);
        assert_eq!(kind(&format!("sha256={b64}")), Some(Malformed::Base64));
        assert_eq!(kind(""), Some(Malformed::Empty));
    }

    #[test]
    fn check_finds_any_match() {
        let (a, b) = (digest(b"old", b"x"), digest(b"new", b"x"));
        let vals = parse_values([format!("sha256={}", to_hex(&a)).as_bytes()]);
        assert_eq!(
            check(&[b, a], &vals),
            Check::Valid {
                secret: 1,
                value: 0
            }
        );
        assert_eq!(check(&[b], &vals), Check::Invalid);
        assert_eq!(check(&[b], &[]), Check::Missing);
        let no_prefix = parse_values([to_hex(&b).as_bytes()]);
        assert_eq!(check(&[b], &no_prefix), Check::Invalid);
    }
}
