//! Unit tests of the capture parser: framing, line ends, decoding, and the
//! error messages that name a line or byte.

use std::io::{Read, Write};

use super::*;

fn body_of(raw: &[u8], decode: bool) -> Result<(Vec<u8>, u64)> {
    let (_, mut body) = open(raw, decode)?;
    let mut out = Vec::new();
    body.read_to_end(&mut out)
        .map_err(|e| body_error(e, "capture"))?;
    Ok((out, body.extra_bytes()))
}

fn err(raw: &[u8], decode: bool) -> String {
    match body_of(raw, decode) {
        Ok(b) => panic!("expected an error, got {b:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn crlf_and_bare_lf_heads() {
    for raw in [
        &b"POST /h HTTP/1.1\r\nContent-Length: 3\r\nX-A: 1\r\n\r\nabc"[..],
        b"POST /h HTTP/1.1\nContent-Length: 3\nX-A: 1\n\nabc",
    ] {
        let c = load(raw).unwrap();
        assert_eq!((c.method.as_str(), c.target.as_str()), ("POST", "/h"));
        assert_eq!(c.body, b"abc");
        assert_eq!(c.header("x-a"), Some(&b"1"[..]));
        assert_eq!(c.headers[0].0, "Content-Length");
    }
}

#[test]
fn header_values_are_trimmed_and_names_any_case() {
    let c = load(b"POST / HTTP/1.1\r\nx-visualq-signature: \t v \t\r\ncontent-length: 0\r\n\r\n")
        .unwrap();
    assert_eq!(c.header("X-VisualQ-Signature"), Some(&b"v"[..]));
}

#[test]
fn content_length_bounds_the_body() {
    let (body, extra) =
        body_of(b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nabc\n", true).unwrap();
    assert_eq!((body.as_slice(), extra), (&b"ab"[..], 2));
}

#[test]
fn truncated_body_names_the_counts() {
    let msg = err(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", true);
    assert!(
        msg.contains("truncated") && msg.contains("10") && msg.contains("only 3"),
        "{msg}"
    );
}

#[test]
fn chunked_bodies_are_joined() {
    let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
                3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
    assert_eq!(body_of(raw, true).unwrap().0, b"abcde");
    let lf = b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n";
    assert_eq!(body_of(lf, true).unwrap().0, b"abc");
}

#[test]
fn bad_chunking_names_the_byte() {
    let head = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    let at = head.len();
    let mut raw = head.to_vec();
    raw.extend_from_slice(b"zz\r\nabc\r\n0\r\n\r\n");
    let msg = err(&raw, true);
    assert!(
        msg.contains(&format!("byte {at}")) && msg.contains("chunk size"),
        "{msg}"
    );

    let mut long = head.to_vec();
    long.extend_from_slice(b"2\r\nabc\r\n0\r\n\r\n");
    let msg = err(&long, true);
    assert!(msg.contains(&format!("byte {}", at + 5)), "{msg}");

    let mut short = head.to_vec();
    short.extend_from_slice(b"9\r\nabc");
    assert!(err(&short, true).contains("inside a chunk"));

    let mut unended = head.to_vec();
    unended.extend_from_slice(b"3\r\nabc\r\n");
    assert!(err(&unended, true).contains("zero-size"));
}

#[test]
fn gzip_and_both_deflates_are_undone() {
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use flate2::Compression;
    let payload = b"{\"event\":\"x\"}".repeat(10);
    let gz = {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(&payload).unwrap();
        e.finish().unwrap()
    };
    let zlib = {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
        e.write_all(&payload).unwrap();
        e.finish().unwrap()
    };
    let raw = {
        let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
        e.write_all(&payload).unwrap();
        e.finish().unwrap()
    };
    for (coding, data) in [("gzip", &gz), ("deflate", &zlib), ("deflate", &raw)] {
        let mut req = format!(
            "POST / HTTP/1.1\r\nContent-Encoding: {coding}\r\nContent-Length: {}\r\n\r\n",
            data.len()
        )
        .into_bytes();
        req.extend_from_slice(data);
        assert_eq!(body_of(&req, true).unwrap().0, payload, "{coding}");
        // load() keeps the body as sent.
        assert_eq!(&load(&req).unwrap().body, data);
    }
}

#[test]
fn corrupt_compression_is_an_error() {
    let req = b"POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello";
    let msg = err(req, true);
    assert!(msg.contains("corrupt gzip"), "{msg}");
    let msg = err(b"POST / HTTP/1.1\r\nContent-Encoding: br\r\n\r\nx", true);
    assert!(
        msg.contains("unsupported Content-Encoding 'br' on line 2"),
        "{msg}"
    );
}

#[test]
fn not_a_request_names_the_line() {
    let msg = err(b"garbage", true);
    assert!(msg.contains("line 1") && msg.contains("garbage"), "{msg}");
    let msg = err(b"\x00\x01\x02binary\r\n\r\n", true);
    assert!(msg.contains("line 1"), "{msg}");
    let msg = err(
        b"POST / HTTP/1.1\r\nGood: 1\r\nbad header line\r\n\r\n",
        true,
    );
    assert!(
        msg.contains("line 3") && msg.contains("bad header line"),
        "{msg}"
    );
    let msg = err(b"", true);
    assert!(msg.contains("empty input"), "{msg}");
    let msg = err(b"POST / HTTP/1.1\r\nA: b\r\n", true);
    assert!(msg.contains("no blank line"), "{msg}");
    let msg = err(b"POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n", true);
    assert!(msg.contains("line 2") && msg.contains("ten"), "{msg}");
}

#[test]
fn no_framing_takes_the_rest() {
    let (body, extra) = body_of(b"POST / HTTP/1.1\r\nA: b\r\n\r\nrest\n", true).unwrap();
    assert_eq!((body.as_slice(), extra), (&b"rest\n"[..], 0));
}

#[test]
fn many_headers_are_fine() {
    let mut raw = b"POST / HTTP/1.1\r\n".to_vec();
    for i in 0..300 {
        raw.extend_from_slice(format!("X-{i}: {i}\r\n").as_bytes());
    }
    raw.extend_from_slice(b"Content-Length: 1\r\n\r\nz");
    let c = load(&raw).unwrap();
    assert_eq!((c.headers.len(), c.body.as_slice()), (301, &b"z"[..]));
}

#[test]
fn endless_or_oversized_heads_are_refused() {
    let msg = err(&vec![b'A'; HEAD_LIMIT + 10_000], true);
    assert!(msg.contains("line 1"), "{msg}");
    let mut raw = b"POST / HTTP/1.1\r\n".to_vec();
    for i in 0..5000 {
        raw.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    let msg = err(&raw, true);
    assert!(msg.contains("more than 4096 header lines"), "{msg}");
}
