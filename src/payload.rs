//! Building the payload that is printed or sent: the documented sample or a
//! user's file, changed by overrides, serialised pretty or compact.
//!
//! The one rule that matters: with no override, the bytes are exactly the
//! ones documented or read, because a signature covers bytes, not values.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::events::EventType;

/// A dotted path into the payload, e.g. `data.failed`.
pub type Path = Vec<String>;

/// Every change a user asked for, in the order they apply.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Top-level fields set by the dedicated flags (`--project-id` ...),
    /// as (JSON key, value).
    pub fields: Vec<(&'static str, String)>,
    /// `--set` and `--unset`, applied in command-line order (so
    /// `--unset data --set data.a=1` leaves `data` holding only `a`).
    pub edits: Vec<Edit>,
}

/// One `--set PATH=VALUE` or `--unset PATH`.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    Set(Path, Value),
    Unset(Path),
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.edits.is_empty()
    }

    /// Applies every change to `value`; returns warnings for no-ops.
    pub fn apply(&self, value: &mut Value) -> Result<Vec<String>> {
        let mut warnings = Vec::new();
        let root = value
            .as_object_mut()
            .ok_or_else(|| Error::usage("overrides need a payload that is a JSON object"))?;
        for (key, v) in &self.fields {
            set_key(root, key, Value::String(v.clone()));
        }
        for edit in &self.edits {
            match edit {
                Edit::Set(path, v) => set_path(root, path, v.clone())?,
                Edit::Unset(path) => {
                    if !unset_path(root, path) {
                        warnings.push(format!(
                            "--unset {}: the payload has no such field",
                            path.join(".")
                        ));
                    }
                }
            }
        }
        Ok(warnings)
    }
}

/// Parses `PATH=VALUE`. VALUE is JSON when it parses as JSON, else a string.
pub fn parse_set(input: &str) -> Result<(Path, Value), String> {
    let (path, raw) = input
        .split_once('=')
        .ok_or_else(|| format!("'{input}' is not PATH=VALUE (e.g. data.failed=3)"))?;
    let path = parse_path(path)?;
    let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
    Ok((path, value))
}

/// Parses a dotted path; empty segments are refused.
pub fn parse_path(input: &str) -> Result<Path, String> {
    let parts: Path = input.split('.').map(str::to_string).collect();
    if parts.iter().any(String::is_empty) {
        return Err(format!("'{input}' is not a dotted path (e.g. data.failed)"));
    }
    Ok(parts)
}

fn set_key(obj: &mut Map<String, Value>, key: &str, value: Value) {
    // With `preserve_order`, replacing through `get_mut` keeps the key's
    // position, and `insert` of a new key appends it.
    match obj.get_mut(key) {
        Some(slot) => *slot = value,
        None => {
            obj.insert(key.to_string(), value);
        }
    }
}

fn set_path(root: &mut Map<String, Value>, path: &[String], value: Value) -> Result<()> {
    let (last, parents) = path.split_last().expect("paths have at least one segment");
    let mut current = root;
    for (depth, key) in parents.iter().enumerate() {
        let slot = current
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            return Err(Error::usage(format!(
                "--set {}: '{}' is {}, not an object",
                path.join("."),
                path[..=depth].join("."),
                kind(slot)
            )));
        }
        current = slot.as_object_mut().expect("checked above");
    }
    set_key(current, last, value);
    Ok(())
}

fn unset_path(root: &mut Map<String, Value>, path: &[String]) -> bool {
    let (last, parents) = path.split_last().expect("paths have at least one segment");
    let mut current = root;
    for key in parents {
        match current.get_mut(key).and_then(Value::as_object_mut) {
            Some(next) => current = next,
            None => return false,
        }
    }
    current.shift_remove(last).is_some()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A payload ready to print or send.
#[derive(Clone, Debug)]
pub struct Payload {
    pub value: Value,
    /// The bytes to reproduce exactly, when no override touched them.
    verbatim: Option<Verbatim>,
}

#[derive(Clone, Debug)]
enum Verbatim {
    /// A documented sample: printed as documented, sent compact.
    Sample(&'static str),
    /// A user's file: printed and sent exactly as read.
    File(Vec<u8>),
}

impl Payload {
    /// The documented sample of `event`, with `overrides` applied.
    pub fn from_sample(event: &EventType, overrides: &Overrides) -> Result<(Self, Vec<String>)> {
        let mut value: Value =
            serde_json::from_str(event.sample).expect("embedded samples are valid JSON");
        Self::finish(&mut value, overrides, Verbatim::Sample(event.sample))
    }

    /// A payload read from a file or stdin (`name` is how to refer to it).
    pub fn from_bytes(
        bytes: Vec<u8>,
        name: &str,
        overrides: &Overrides,
    ) -> Result<(Self, Vec<String>)> {
        let mut value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::malformed(format!("{name} is not valid JSON: {e}")))?;
        Self::finish(&mut value, overrides, Verbatim::File(bytes))
    }

    fn finish(
        value: &mut Value,
        overrides: &Overrides,
        verbatim: Verbatim,
    ) -> Result<(Self, Vec<String>)> {
        let mut warnings = overrides.apply(value)?;
        warnings.extend(consistency_warnings(value));
        let payload = Payload {
            value: value.take(),
            verbatim: overrides.is_empty().then_some(verbatim),
        };
        Ok((payload, warnings))
    }

    /// Whether the bytes are a user's file kept exactly as read.
    pub fn is_verbatim_file(&self) -> bool {
        matches!(self.verbatim, Some(Verbatim::File(_)))
    }

    /// The `event` field, if the payload has one.
    pub fn event(&self) -> Option<&str> {
        self.value.get("event").and_then(Value::as_str)
    }

    /// The bytes to send: compact like `JSON.stringify`, or a file as read.
    pub fn body(&self) -> Vec<u8> {
        match &self.verbatim {
            Some(Verbatim::File(bytes)) => bytes.clone(),
            _ => serde_json::to_vec(&self.value).expect("a Value always serialises"),
        }
    }

    /// The bytes to print: two-space pretty with a final newline, the
    /// documented sample as documented, or a file as read.
    pub fn pretty(&self) -> Vec<u8> {
        match &self.verbatim {
            Some(Verbatim::Sample(text)) => text.as_bytes().to_vec(),
            Some(Verbatim::File(bytes)) => bytes.clone(),
            None => {
                let mut out = serde_json::to_vec_pretty(&self.value).expect("serialises");
                out.push(b'\n');
                out
            }
        }
    }
}

/// Numbers in a payload that the platform would never send together.
pub fn consistency_warnings(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let data = value.get("data");
    let num = |k: &str| data.and_then(|d| d.get(k)).and_then(Value::as_f64);
    if let (Some(total), Some(passed), Some(failed)) = (num("total"), num("passed"), num("failed"))
    {
        if passed + failed != total {
            out.push(format!(
                "data.passed + data.failed = {} but data.total = {}",
                fmt_num(passed + failed),
                fmt_num(total)
            ));
        }
    }
    let (prev, new, delta) = (num("previousScore"), num("newScore"), num("delta"));
    if let (Some(prev), Some(new), Some(delta)) = (prev, new, delta) {
        if (new - prev - delta).abs() > 1e-9 {
            out.push(format!(
                "data.delta = {} but data.newScore - data.previousScore = {}",
                fmt_num(delta),
                fmt_num(new - prev)
            ));
        }
    }
    let is_drop = value.get("event").and_then(Value::as_str) == Some("quality_score.dropped");
    if let (true, Some(delta)) = (is_drop, delta) {
        if delta > -5.0 {
            out.push(format!(
                "data.delta = {}: quality_score.dropped is only sent for a drop of 5 points \
                 or more",
                fmt_num(delta)
            ));
        }
    }
    out
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events;

    fn overrides(sets: &[&str], unsets: &[&str]) -> Overrides {
        Overrides {
            fields: vec![],
            edits: sets
                .iter()
                .map(|s| parse_set(s).unwrap())
                .map(|(p, v)| Edit::Set(p, v))
                .chain(unsets.iter().map(|s| Edit::Unset(parse_path(s).unwrap())))
                .collect(),
        }
    }

    #[test]
    fn samples_round_trip_byte_for_byte() {
        for e in events::EVENTS {
            let (p, w) = Payload::from_sample(e, &Overrides::default()).unwrap();
            assert_eq!(p.pretty(), e.sample.as_bytes());
            assert!(w.is_empty());
            // Re-serialising an untouched sample must also give the same text.
            let mut again = serde_json::to_vec_pretty(&p.value).unwrap();
            again.push(b'\n');
            assert_eq!(again, e.sample.as_bytes());
        }
    }

    #[test]
    fn set_keeps_position_and_types_values() {
        let e = events::find("run.completed").unwrap();
        let o = overrides(
            &["data.passed=7", "data.note=hi", "runId=\"3\"", "x.y.z=null"],
            &[],
        );
        let (p, w) = Payload::from_sample(e, &o).unwrap();
        let body = String::from_utf8(p.body()).unwrap();
        assert!(body.contains(r#""runId":"3","runType""#), "{body}");
        assert!(
            body.contains(r#""passed":7,"failed":2,"note":"hi"}"#),
            "{body}"
        );
        assert!(body.ends_with(r#","x":{"y":{"z":null}}}"#), "{body}");
        assert_eq!(w.len(), 1, "{w:?}");
    }

    #[test]
    fn edits_apply_in_order() {
        let e = events::find("run.completed").unwrap();
        let o = Overrides {
            fields: vec![],
            edits: vec![
                Edit::Unset(parse_path("data").unwrap()),
                Edit::Set(parse_path("data.passed").unwrap(), 1.into()),
            ],
        };
        let (p, _) = Payload::from_sample(e, &o).unwrap();
        assert_eq!(p.value["data"], serde_json::json!({"passed": 1}));
    }

    #[test]
    fn unset_and_errors() {
        let e = events::find("run.failed").unwrap();
        let (p, w) = Payload::from_sample(e, &overrides(&[], &["data.error", "nope"])).unwrap();
        assert_eq!(p.value["data"], serde_json::json!({}));
        assert_eq!(w, vec!["--unset nope: the payload has no such field"]);
        let err = Payload::from_sample(e, &overrides(&["runId.x=1"], &[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--set runId.x: 'runId' is a string, not an object"
        );
        assert!(parse_set("novalue").is_err());
        assert!(parse_set("a..b=1").is_err());
        assert_eq!(parse_set("a=").unwrap().1, Value::String(String::new()));
    }

    #[test]
    fn file_bytes_are_kept_without_overrides() {
        let raw = b"{ \"event\" : \"run.started\",\n \"a\": 1.0 }\n".to_vec();
        let (p, _) = Payload::from_bytes(raw.clone(), "f.json", &Overrides::default()).unwrap();
        assert_eq!(p.body(), raw);
        assert_eq!(p.event(), Some("run.started"));
        let err = Payload::from_bytes(b"{\n\"a\":}".to_vec(), "f.json", &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2 column 5"), "{err}");
    }

    #[test]
    fn inconsistent_numbers_warn() {
        let e = events::find("quality_score.dropped").unwrap();
        let (_, w) = Payload::from_sample(e, &overrides(&["data.delta=-2"], &[])).unwrap();
        assert_eq!(w.len(), 2, "{w:?}");
    }
}
