//! Unit tests of the hints: each common change is recognised, and a hint
//! never appears for a signature that simply belongs to something else.

use super::*;
use crate::signature::{parse_values, sign};
use crate::verify::{judge, Hasher};

fn hints_for(secret: &str, body: &[u8], signed_body: &[u8], signed_with: &str) -> Vec<String> {
    let value = sign(&Secret::from_flag(signed_with, 0), signed_body);
    hints_for_value(secret, body, &value)
}

fn hints_for_value(secret: &str, body: &[u8], value: &str) -> Vec<String> {
    let secrets = [Secret::from_flag(secret, 0)];
    let mut h = Hasher::new(&secrets);
    h.update(body);
    let v = judge(&secrets, &h.finish(), parse_values([value.as_bytes()]));
    assert!(!v.valid(), "a hint case must stay invalid");
    v.hints
}

fn has(hints: &[String], needle: &str) -> bool {
    hints.iter().any(|h| h.contains(needle))
}

#[test]
fn body_changes() {
    let k = "k";
    let cases: [(&[u8], &[u8], &str); 8] = [
        (b"{}\n", b"{}", "without its trailing newline (LF)"),
        (b"{}\r\n", b"{}", "without its trailing newline (CRLF)"),
        (b"{}", b"{}\n", "trailing newline (LF) added"),
        (b"a\r\nb", b"a\nb", "CRLF line ends converted to LF"),
        (b"a\nb", b"a\r\nb", "LF line ends converted to CRLF"),
        (b"\xef\xbb\xbf{}", b"{}", "without its leading UTF-8 BOM"),
        (b"{ \"a\": 1 }", b"{\"a\":1}", "compact JSON"),
        (b"{\"a\":1}", b"{\n  \"a\": 1\n}", "pretty JSON (2-space"),
    ];
    for (body, signed, needle) in cases {
        let hints = hints_for(k, body, signed, k);
        assert!(has(&hints, needle), "{needle}: {hints:?}");
    }
}

#[test]
fn escaped_json_and_stripped_newlines() {
    let hints = hints_for(
        "k",
        "{\"u\":\"é/\"}".as_bytes(),
        br#"{"u":"\u00e9\/"}"#,
        "k",
    );
    assert!(has(&hints, "escaped"), "{hints:?}");
    let hints = hints_for("k", br#"{  "a": 1}"#, b"{\n  \"a\": 1\n}\n", "k");
    assert!(has(&hints, "curl -d"), "{hints:?}");
}

#[test]
fn secret_repairs() {
    let hints = hints_for(" k\n", b"x", b"x", "k");
    assert!(has(&hints, "white space"), "{hints:?}");
    let hints = hints_for("\"k\"", b"x", b"x", "k");
    assert!(has(&hints, "wrapped in quotes"), "{hints:?}");
    let hints = hints_for("'k'", b"x", b"x", "k");
    assert!(has(&hints, "wrapped in quotes"), "{hints:?}");
    // whsec_ + base64("secret-bytes")
    let hints = hints_for("whsec_c2VjcmV0LWJ5dGVz", b"x", b"x", "secret-bytes");
    assert!(has(&hints, "base64-decoded"), "{hints:?}");
    assert!(hints
        .iter()
        .all(|h| !h.contains("secret-bytes") && !h.contains("c2VjcmV0")));
}

#[test]
fn malformed_values() {
    let good = sign(&Secret::from_flag("k", 0), b"x");
    let hex = good.trim_start_matches("sha256=");
    let hints = hints_for_value("k", b"x", hex);
    assert!(has(&hints, "sha256=<64 hex digits>"), "{hints:?}");
    assert!(
        has(
            &hints,
            "the digest itself matches; only the format is wrong"
        ),
        "{hints:?}"
    );
    let hints = hints_for_value("k", b"x", "garbage");
    assert!(
        has(&hints, "prefix is missing") && !has(&hints, "itself matches"),
        "{hints:?}"
    );
}

#[test]
fn unrelated_signature_gets_no_false_hint() {
    let hints = hints_for("k", b"{\"a\":1}\n", b"something else", "k");
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(has(&hints, "no common change"), "{hints:?}");
    let hints = hints_for("k", b"x", b"x", "other");
    assert!(has(&hints, "no common change"), "{hints:?}");
}

#[test]
fn variants_differ_from_the_original() {
    assert!(secret_variants(b"plain").is_empty());
    for (_, v) in body_variants(b"{\"a\":1}") {
        assert_ne!(v, b"{\"a\":1}");
    }
}
