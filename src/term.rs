//! What the terminal gets: the colour decision (made once at start-up),
//! warnings on stderr, and readable renderings of JSON and other bodies.

use std::io::IsTerminal;

use colored::Colorize;
use serde_json::Value;

/// Decides once whether to colour output: `always` and `never` are final;
/// `auto` colours a terminal unless `NO_COLOR` is set, and `CLICOLOR_FORCE`
/// forces colour even when piped.
pub fn init_color(choice: Option<bool>) {
    let on = choice.unwrap_or_else(|| {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty() && v != "0");
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            false
        } else if set("CLICOLOR_FORCE") {
            true
        } else {
            std::io::stdout().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    });
    colored::control::set_override(on);
}

pub fn color_enabled() -> bool {
    colored::control::SHOULD_COLORIZE.should_colorize()
}

/// `vq-hook: warning: …` on stderr.
pub fn warn(msg: &str) {
    eprintln!("{} {msg}", "vq-hook: warning:".yellow().bold());
}

/// `vq-hook: error: …` on stderr.
pub fn error(msg: &str) {
    eprintln!("{} {msg}", "vq-hook: error:".red().bold());
}

/// Two-space pretty JSON, coloured when colour is on. With colour off the
/// text is exactly `serde_json::to_string_pretty`.
pub fn pretty_json(value: &Value) -> String {
    if !color_enabled() {
        return serde_json::to_string_pretty(value).expect("a Value always serialises");
    }
    let mut out = String::new();
    write_colored(value, 0, &mut out);
    out
}

fn write_colored(value: &Value, indent: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str("{\n");
            for (i, (k, v)) in map.iter().enumerate() {
                let key = serde_json::to_string(k).expect("strings serialise");
                out.push_str(&format!("{}{}: ", pad(indent + 1), key.blue().bold()));
                write_colored(v, indent + 1, out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&format!("{}}}", pad(indent)));
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, v) in items.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                write_colored(v, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&format!("{}]", pad(indent)));
        }
        other => {
            let text = serde_json::to_string(other).expect("a Value always serialises");
            let painted = match other {
                Value::String(_) => text.green(),
                Value::Number(_) => text.yellow(),
                Value::Bool(_) | Value::Null => text.magenta(),
                _ => text.normal(),
            };
            out.push_str(&painted.to_string());
        }
    }
}

/// A body as a person wants to read it: JSON pretty-printed, text as is,
/// binary summarised. Empty bodies give an empty string.
pub fn render_body(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return pretty_json(&value);
    }
    match std::str::from_utf8(body) {
        Ok(text) if !text.contains('\0') => printable(text.trim_end_matches(['\r', '\n'])),
        _ => format!("({} bytes of binary data)", body.len()),
    }
}

/// Text from the network made safe for a terminal: control characters
/// other than line breaks and tabs (an escape sequence could recolour or
/// rewrite the screen) are shown escaped.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// A body for JSON output: the parsed JSON, else the text, else a summary.
pub fn body_as_json(body: &[u8]) -> Value {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return value;
    }
    match std::str::from_utf8(body) {
        Ok(text) => Value::String(text.to_string()),
        Err(_) => Value::String(format!("({} bytes of binary data)", body.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coloured_json_has_the_plain_layout() {
        let v: Value = serde_json::from_str(r#"{"a":[1,{"b":null}],"c":{},"d":"x"}"#).unwrap();
        colored::control::set_override(true);
        let painted = pretty_json(&v);
        colored::control::set_override(false);
        let stripped: String = strip_ansi(&painted);
        assert_eq!(stripped, serde_json::to_string_pretty(&v).unwrap());
        assert_eq!(pretty_json(&v), serde_json::to_string_pretty(&v).unwrap());
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn bodies() {
        colored::control::set_override(false);
        assert_eq!(render_body(b"ok\n"), "ok");
        assert_eq!(render_body(&[0xff, 0, 1]), "(3 bytes of binary data)");
        assert_eq!(render_body(b""), "");
        assert_eq!(render_body(b"a\x1b[31mred\n"), "a\\u{1b}[31mred");
    }
}
