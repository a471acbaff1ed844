//! Property tests (proptest) on the library: signing and verifying round
//! trip on arbitrary bytes through every framing `verify` reads; overrides
//! never disturb unrelated keys or their order; `send --dry-run`'s raw
//! request always verifies with its secret and never with another; the
//! duration and size parsers never panic. Case counts stay modest so the
//! file runs in a few seconds.

use std::io::{Read, Write};

use proptest::prelude::*;
use serde_json::{Map, Value};
use vq_hook::capture;
use vq_hook::delivery::request::{Request, Signing};
use vq_hook::payload::{parse_set, Edit, Overrides};
use vq_hook::secret::Secret;
use vq_hook::signature::{self, check, digest, parse_values, Check, HEADER};
use vq_hook::values::{parse_duration, parse_size};
use vq_hook::verify::{judge, Hasher};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn secret_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 1..64)
}

fn body_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..2048)
}

/// A raw request around `body`, framed by Content-Length.
fn framed(sig: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "POST /hook HTTP/1.1\r\nHost: x\r\n{HEADER}: {sig}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// The same request chunked at the given sizes (a 0 ends the list early).
fn chunked(sig: &str, body: &[u8], sizes: &[usize]) -> Vec<u8> {
    let mut out = format!(
        "POST /hook HTTP/1.1\r\nHost: x\r\n{HEADER}: {sig}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    let mut rest = body;
    let mut sizes = sizes.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap()).clamp(1, rest.len());
        out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        out.extend_from_slice(&rest[..n]);
        out.extend_from_slice(b"\r\n");
        rest = &rest[n..];
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// Verifies a raw capture the way `verify` does: streamed, decoded.
fn verifies(raw: &[u8], key: &[u8], piece: usize) -> bool {
    let (head, mut body) = capture::open(raw, true).expect("a well-formed capture");
    let secrets = [Secret::new(
        key.to_vec(),
        vq_hook::secret::SecretSource::Flag(0),
    )];
    let mut hasher = Hasher::new(&secrets);
    let mut buf = vec![0u8; piece];
    loop {
        let n = body.read(&mut buf).expect("a readable body");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let received = parse_values(head.values(HEADER));
    judge(&secrets, &hasher.finish(), received).valid()
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn sign_then_verify_round_trips(
        key in secret_bytes(),
        other in secret_bytes(),
        body in body_bytes(),
        sizes in proptest::collection::vec(1usize..300, 1..6),
        piece in 1usize..5000,
    ) {
        let sig = signature::header_value(&digest(&key, &body));
        prop_assert_eq!(&sig, &signature::sign(
            &Secret::new(key.clone(), vq_hook::secret::SecretSource::Flag(0)), &body));

        for raw in [framed(&sig, &body), chunked(&sig, &body, &sizes)] {
            let cap = capture::load(&raw).unwrap();
            prop_assert_eq!(&cap.body, &body);
            prop_assert_eq!(cap.extra_bytes, 0);
            let received = parse_values(cap.header_values(HEADER));
            let valid = matches!(check(&[digest(&key, &body)], &received), Check::Valid { .. });
            prop_assert!(valid);
            prop_assert!(verifies(&raw, &key, piece));
            if other != key {
                prop_assert_eq!(check(&[digest(&other, &body)], &received), Check::Invalid);
                prop_assert!(!verifies(&raw, &other, piece));
            }
        }
    }

    #[test]
    fn any_changed_byte_breaks_the_signature(
        key in secret_bytes(),
        body in proptest::collection::vec(any::<u8>(), 1..1024),
        at in any::<proptest::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let sig = signature::header_value(&digest(&key, &body));
        let mut changed = body.clone();
        let i = at.index(changed.len());
        changed[i] ^= flip;
        prop_assert!(!verifies(&framed(&sig, &changed), &key, 64));
    }

    #[test]
    fn gzip_bodies_verify_against_the_decompressed_payload(
        key in secret_bytes(),
        body in body_bytes(),
    ) {
        let sig = signature::header_value(&digest(&key, &body));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&body).unwrap();
        let gz = gz.finish().unwrap();
        let mut raw = format!(
            "POST /h HTTP/1.1\r\n{HEADER}: {sig}\r\nContent-Encoding: gzip\r\n\
             Content-Length: {}\r\n\r\n",
            gz.len()
        )
        .into_bytes();
        raw.extend_from_slice(&gz);
        prop_assert!(verifies(&raw, &key, 512));
        // `load` keeps the body as sent (still gzip): what replay re-sends.
        prop_assert_eq!(capture::load(&raw).unwrap().body, gz);
    }
}

/// A JSON object with distinct keys in a random order and scalar values.
fn object() -> impl Strategy<Value = Map<String, Value>> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
    ];
    proptest::collection::vec(("[a-zA-Z_][a-zA-Z0-9_]{0,8}", scalar), 0..12).prop_map(|pairs| {
        let mut map = Map::new();
        for (k, v) in pairs {
            map.entry(k).or_insert(v);
        }
        map
    })
}

fn keys(map: &Map<String, Value>) -> Vec<&String> {
    map.keys().collect()
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn set_changes_one_key_and_keeps_every_other_in_place(
        map in object(),
        key in "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
        raw in "[ -~]{0,16}",
    ) {
        let (path, value) = parse_set(&format!("{key}={raw}")).unwrap();
        prop_assert_eq!(&path, &vec![key.clone()]);
        // VALUE is JSON when it parses, else the text itself.
        let want = serde_json::from_str::<Value>(&raw)
            .unwrap_or_else(|_| Value::String(raw.clone()));
        prop_assert_eq!(&value, &want);

        let mut doc = Value::Object(map.clone());
        let overrides = Overrides {
            edits: vec![Edit::Set(path, value.clone())],
            ..Default::default()
        };
        overrides.apply(&mut doc).unwrap();
        let after = doc.as_object().unwrap();

        let mut expected_keys = keys(&map);
        if !map.contains_key(&key) {
            expected_keys.push(&key);
        }
        prop_assert_eq!(keys(after), expected_keys);
        for (k, v) in &map {
            if *k != key {
                prop_assert_eq!(&after[k], v);
            }
        }
        prop_assert_eq!(&after[&key], &value);
    }

    #[test]
    fn nested_set_and_unset_leave_the_rest_alone(
        map in object(),
        inner in object(),
        outer in "[a-z]{1,6}",
        key in "[a-z]{1,6}",
        value in any::<i32>(),
    ) {
        let mut root = map.clone();
        root.insert(outer.clone(), Value::Object(inner.clone()));
        let before = root.clone();
        let mut doc = Value::Object(root);
        let (path, v) = parse_set(&format!("{outer}.{key}={value}")).unwrap();
        Overrides { edits: vec![Edit::Set(path.clone(), v)], ..Default::default() }
            .apply(&mut doc)
            .unwrap();
        let after = doc.as_object().unwrap();
        prop_assert_eq!(keys(after), keys(&before));
        for (k, v) in &before {
            if *k != outer {
                prop_assert_eq!(&after[k], v);
            }
        }
        let nested = after[&outer].as_object().unwrap();
        prop_assert_eq!(&nested[&key], &Value::from(value));
        for (k, v) in &inner {
            if *k != key {
                prop_assert_eq!(&nested[k], v);
            }
        }

        // Unsetting it again removes only that key.
        Overrides { edits: vec![Edit::Unset(path)], ..Default::default() }.apply(&mut doc).unwrap();
        let nested = doc[&outer].as_object().unwrap();
        prop_assert!(!nested.contains_key(&key));
        let remaining: Vec<&String> = inner.keys().filter(|k| **k != key).collect();
        prop_assert_eq!(keys(nested), remaining);
    }

    #[test]
    fn dedicated_fields_keep_their_position(
        map in object(),
        run_id in "[ -~]{0,20}",
    ) {
        let mut doc = Value::Object(map.clone());
        Overrides { fields: vec![("runId", run_id.clone())], ..Default::default() }
            .apply(&mut doc)
            .unwrap();
        let after = doc.as_object().unwrap();
        let mut expected = keys(&map);
        let run_key = "runId".to_string();
        if !map.contains_key("runId") {
            expected.push(&run_key);
        }
        prop_assert_eq!(keys(after), expected);
        prop_assert_eq!(&after["runId"], &Value::String(run_id));
    }
}

fn header_name() -> impl Strategy<Value = String> {
    "X-[A-Za-z0-9-]{1,12}"
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn dry_run_request_verifies_with_its_secret_only(
        key in "[ -~]{1,40}",
        other in "[ -~]{1,40}",
        body in body_bytes(),
        event in "[a-z_]{1,12}\\.[a-z_]{1,12}",
        id in proptest::option::of("[A-Za-z0-9-]{1,36}"),
        extra in proptest::collection::vec((header_name(), "[!-~][ -~]{0,20}[!-~]"), 0..4),
        path in "/[a-z0-9/]{0,20}",
    ) {
        let secret = Secret::from_flag(&key, 0);
        let url = reqwest::Url::parse(&format!("http://127.0.0.1:9{path}")).unwrap();
        let extra: Vec<(String, String)> = extra
            .into_iter()
            .filter(|(n, _)| {
                let fixed = [HEADER, "X-VisualQ-Event", "X-VisualQ-Delivery"];
                !fixed.iter().any(|f| n.eq_ignore_ascii_case(f))
            })
            .collect();
        let req = Request::new(url, &event, body.clone(), &Signing::Secret(&secret), id, &extra)
            .unwrap();
        let raw = req.raw_http();

        let cap = capture::load(&raw).unwrap();
        prop_assert_eq!(&cap.body, &body);
        prop_assert_eq!(cap.extra_bytes, 0);
        prop_assert_eq!(cap.header("X-VisualQ-Event"), Some(event.as_bytes()));
        prop_assert_eq!(cap.header("X-VisualQ-Delivery"), Some(req.delivery_id.as_bytes()));
        let received = parse_values(cap.header_values(HEADER));
        prop_assert_eq!(received.len(), 1);
        let valid = matches!(
            check(&[digest(key.as_bytes(), &body)], &received),
            Check::Valid { .. }
        );
        prop_assert!(valid);
        if other != key {
            prop_assert_eq!(check(&[digest(other.as_bytes(), &body)], &received), Check::Invalid);
        }
        prop_assert!(verifies(&raw, key.as_bytes(), 100));
    }
}

/// Opens a capture with decoding and reads its body to the end, errors
/// ignored: only a panic would fail.
fn drain_decoded(raw: &[u8]) {
    let opened = capture::open(raw, true);
    if let Ok((_, mut body)) = opened {
        let mut out = Vec::new();
        let _ = body.read_to_end(&mut out);
    }
}

/// Strings shaped like values, including huge and odd numbers.
fn value_like() -> impl Strategy<Value = String> {
    let unit = prop_oneof![
        Just(""),
        Just("ms"),
        Just("s"),
        Just("m"),
        Just("h"),
        Just("sec"),
        Just("min"),
        Just("KiB"),
        Just("MiB"),
        Just("GiB"),
        Just("KB"),
        Just("GB"),
        Just("b"),
        Just("k"),
    ];
    (
        " {0,2}",
        "[0-9.]{0,40}",
        "[eE+-]{0,2}",
        "[0-9]{0,5}",
        unit,
        " {0,2}",
    )
        .prop_map(|(a, n, e, x, u, b)| format!("{a}{n}{e}{x}{u}{b}"))
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn duration_parser_never_panics(s in any::<String>(), v in value_like()) {
        for input in [s, v] {
            match parse_duration(&input) {
                Ok(d) => prop_assert!(d.as_secs() <= 86_400, "{input:?} -> {d:?}"),
                Err(e) => prop_assert!(e.contains(&format!("'{input}'")), "{e}"),
            }
        }
    }

    #[test]
    fn size_parser_never_panics(s in any::<String>(), v in value_like()) {
        for input in [s, v] {
            match parse_size(&input) {
                Ok(n) => prop_assert!(n <= 1 << 50, "{input:?} -> {n}"),
                Err(e) => prop_assert!(e.contains(&format!("'{input}'")), "{e}"),
            }
        }
    }

    #[test]
    fn parse_set_never_panics(s in any::<String>()) {
        if let Ok((path, _)) = parse_set(&s) {
            prop_assert!(!path.is_empty() && path.iter().all(|p| !p.is_empty()));
        }
    }

    #[test]
    fn capture_loader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = capture::load(&bytes);
        let mut head = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\
                         Content-Encoding: gzip\r\n\r\n".to_vec();
        head.extend_from_slice(&bytes);
        let _ = capture::load(&head);
        drain_decoded(&head);
    }
}
