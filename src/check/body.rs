//! The raw-bytes probe's body: a valid `run.completed` delivery written the
//! way no JSON serialiser writes it, so an endpoint that verifies the
//! signature over re-serialised JSON fails while one that hashes the bytes
//! it received passes.
//!
//! Each oddity defeats a family of serialisers; together they leave none
//! that reproduces the bytes:
//! - `\u00e9` as an escape: changed by serialisers that write UTF-8;
//! - a raw emoji: changed by ASCII-escaping serialisers (Python's default);
//! - `\/` and a bare `/`: the first is changed by most serialisers, the
//!   second by PHP's default `\/` escaping;
//! - one `": "` and one `", "` among compact separators: changed by compact
//!   and by spaced (Python's `json.dumps`) output alike;
//! - `zeta` before `alpha`: changed by sorted-keys output;
//! - `1.0`: changed by JavaScript-style number formatting.
//!
//! The odd fields are extra top-level fields, which the contract says
//! receivers must tolerate, so the documented ones stay as the sample has them.

use serde_json::Value;

/// The string whose JSON text re-serialising changes, as JSON text: `é` as
/// an escape, a raw rocket emoji, an escaped slash and a bare one.
const TRICKY_STRING: &str = "\"Caf\\u00e9 \u{1F680} release\\/main a/b\"";

/// Writes `payload` (a JSON object) with the oddities above. Values other
/// than the added fields are written compactly, as the platform does.
pub fn raw_bytes_body(payload: &Value) -> Vec<u8> {
    let mut entries: Vec<(String, String)> = Vec::new();
    if let Value::Object(map) = payload {
        for (key, value) in map {
            // The added fields win over a user's `--set zeta=...`.
            if key == "zeta" || key == "alpha" {
                continue;
            }
            entries.push((compact(&Value::String(key.clone())), compact(value)));
        }
    }
    entries.push(("\"zeta\"".into(), TRICKY_STRING.into()));
    entries.push(("\"alpha\"".into(), "1.0".into()));

    let mut out = String::from("{");
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(if i == 1 { ", " } else { "," });
        }
        out.push_str(key);
        out.push_str(if i == 0 { ": " } else { ":" });
        out.push_str(value);
    }
    out.push('}');
    out.into_bytes()
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events;
    use crate::payload::{Overrides, Payload};

    fn body() -> Vec<u8> {
        let event = events::find("run.completed").unwrap();
        let (payload, _) = Payload::from_sample(event, &Overrides::default()).unwrap();
        raw_bytes_body(&payload.value)
    }

    /// How one family of serialisers writes JSON.
    #[derive(Clone, Copy, Debug)]
    struct Style {
        sorted: bool,
        ascii: bool,
        spaced: bool,
        php_slashes: bool,
        js_numbers: bool,
    }

    fn render(v: &Value, s: Style, out: &mut String) {
        let (item_sep, key_sep) = if s.spaced { (", ", ": ") } else { (",", ":") };
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                if s.sorted {
                    keys.sort();
                }
                out.push('{');
                for (i, k) in keys.iter().enumerate() {
                    if i > 0 {
                        out.push_str(item_sep);
                    }
                    string(k, s, out);
                    out.push_str(key_sep);
                    render(&map[*k], s, out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(item_sep);
                    }
                    render(item, s, out);
                }
                out.push(']');
            }
            Value::String(text) => string(text, s, out),
            Value::Number(n) if s.js_numbers => match n.as_f64() {
                Some(f) if f.fract() == 0.0 => out.push_str(&format!("{}", f as i64)),
                _ => out.push_str(&n.to_string()),
            },
            other => out.push_str(&other.to_string()),
        }
    }

    fn string(text: &str, s: Style, out: &mut String) {
        out.push('"');
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '/' if s.php_slashes => out.push_str("\\/"),
                c if (c as u32) < 0x20 || (s.ascii && !c.is_ascii()) => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{u:04x}"));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    #[test]
    fn body_is_the_valid_sample_plus_extra_fields() {
        let raw = body();
        let value: Value = serde_json::from_slice(&raw).unwrap();
        let text = String::from_utf8(raw.clone()).unwrap();
        assert!(text.starts_with(r#"{"event": "run.completed", "projectId":"proj_xyz","#));
        assert!(
            text.ends_with("\"zeta\":\"Caf\\u00e9 \u{1F680} release\\/main a/b\",\"alpha\":1.0}")
        );
        assert_eq!(value["data"]["total"], 10);
        assert_eq!(value["zeta"], "Café 🚀 release/main a/b");
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys.first(), Some(&"event"));
        assert_eq!(&keys[keys.len() - 2..], ["zeta", "alpha"]);
    }

    #[test]
    fn serde_json_compact_and_pretty_change_the_bytes() {
        let raw = body();
        let value: Value = serde_json::from_slice(&raw).unwrap();
        assert_ne!(serde_json::to_vec(&value).unwrap(), raw);
        assert_ne!(serde_json::to_vec_pretty(&value).unwrap(), raw);
    }

    #[test]
    fn sorted_ascii_rendering_changes_the_bytes() {
        let raw = body();
        let value: Value = serde_json::from_slice(&raw).unwrap();
        let mut out = String::new();
        let style = Style {
            sorted: true,
            ascii: true,
            spaced: false,
            php_slashes: false,
            js_numbers: false,
        };
        render(&value, style, &mut out);
        assert_ne!(out.as_bytes(), raw);
    }

    #[test]
    fn every_common_serialiser_style_changes_the_bytes() {
        let raw = body();
        let value: Value = serde_json::from_slice(&raw).unwrap();
        for bits in 0..32u32 {
            let style = Style {
                sorted: bits & 1 != 0,
                ascii: bits & 2 != 0,
                spaced: bits & 4 != 0,
                php_slashes: bits & 8 != 0,
                js_numbers: bits & 16 != 0,
            };
            let mut out = String::new();
            render(&value, style, &mut out);
            assert_ne!(out.as_bytes(), raw, "{style:?} reproduced the bytes");
        }
    }

    #[test]
    fn a_users_zeta_is_replaced_not_doubled() {
        let value: Value = serde_json::from_str(r#"{"event":"x","zeta":1,"alpha":2}"#).unwrap();
        let text = String::from_utf8(raw_bytes_body(&value)).unwrap();
        assert_eq!(text.matches("\"zeta\"").count(), 1, "{text}");
        assert_eq!(text.matches("\"alpha\"").count(), 1, "{text}");
    }
}
