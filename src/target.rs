//! Validating the endpoint URL before any network I/O: a scheme is
//! required, only http and https are spoken, and IPv6 literals need
//! brackets (otherwise `::1:8080` is ambiguous).

use reqwest::Url;

use crate::error::{Error, Result};

/// Parses and checks a target URL, with a suggestion when it can tell what
/// was meant.
pub fn parse_url(input: &str) -> Result<Url> {
    // Messages quote the input, so a password typed into it is masked
    // there too; the URL itself keeps it.
    let shown = mask_text(input.trim());
    let s = shown.as_str();
    if s.is_empty() {
        return Err(Error::usage("the URL is empty"));
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        // `http:/host` or `http:host`: the scheme is there, the slashes not.
        for scheme in ["https", "http"] {
            if let Some(rest) = s.strip_prefix(scheme).and_then(|r| r.strip_prefix(':')) {
                let fixed = format!("{scheme}://{}", rest.trim_start_matches('/'));
                return Err(Error::usage(format!(
                    "URL '{s}' needs two slashes after '{scheme}:': did you mean '{fixed}'?"
                )));
            }
        }
        return Err(no_scheme(s));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(Error::usage(format!(
            "URL '{s}' uses the scheme '{scheme}': only http:// and https:// are supported"
        )));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    if !host_port.starts_with('[') && host_port.matches(':').count() > 1 {
        return Err(Error::usage(format!(
            "URL '{s}' has an IPv6 address without brackets: put the address in brackets \
             and the port after them, e.g. {scheme}://{}",
            bracket_hint(host_port)
        )));
    }
    let url = Url::parse(input.trim())
        .map_err(|e| Error::usage(format!("URL '{s}' is not valid: {e}")))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::usage(format!("URL '{s}' has no host")));
    }
    Ok(url)
}

fn no_scheme(s: &str) -> Error {
    // `localhost:3000/hook` parses as scheme `localhost`, which is never
    // what a user means; suggest plain http for local hosts, https otherwise.
    let host = s.split(['/', ':']).next().unwrap_or("");
    let local = host == "localhost" || host.starts_with("127.") || host.starts_with('[');
    let scheme = if local || s.contains(':') {
        "http"
    } else {
        "https"
    };
    Error::usage(format!(
        "URL '{s}' has no scheme: did you mean '{scheme}://{s}'?"
    ))
}

/// `::1:8080` could be the address `::1:8080` or `::1` with port 8080; the
/// reading with a port is offered when what precedes it is an address on
/// its own, since that is what people type.
fn bracket_hint(host_port: &str) -> String {
    match host_port.rsplit_once(':') {
        Some((addr, port))
            if addr.parse::<std::net::Ipv6Addr>().is_ok()
                && !port.is_empty()
                && port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("[{addr}]:{port}")
        }
        _ => format!("[{host_port}]"),
    }
}

/// The URL as printed: a password in it is replaced by `***`.
pub fn display(url: &Url) -> String {
    if url.password().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    let _ = shown.set_password(Some("***"));
    shown.to_string()
}

/// `scheme://user:password@…` in free text, with the password masked; used
/// where a URL that did not parse is quoted.
pub fn mask_text(text: &str) -> String {
    let Some(start) = text.find("://").map(|i| i + 3) else {
        return text.to_string();
    };
    let authority_end = text[start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |i| start + i);
    let authority = &text[start..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].find(':') {
            Some(colon) => format!(
                "{}{}:***{}",
                &text[..start],
                &authority[..colon],
                &text[start + at..]
            ),
            None => text.to_string(),
        },
        None => text.to_string(),
    }
}

/// Whether the target needs TLS (so plain http can skip all TLS set-up).
pub fn is_https(url: &Url) -> bool {
    url.scheme() == "https"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_https_and_bracketed_ipv6() {
        for ok in [
            "http://127.0.0.1:8/x",
            "https://example.com",
            "http://[::1]:9/x?y=1",
        ] {
            assert!(parse_url(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn passwords_are_masked_in_messages() {
        let e = parse_url("http://u:pw123@:80/").unwrap_err().to_string();
        assert!(!e.contains("pw123") && e.contains("u:***@"), "{e}");
        let e = parse_url("ftp://u:pw123@h/").unwrap_err().to_string();
        assert!(!e.contains("pw123"), "{e}");
        assert_eq!(mask_text("no url here"), "no url here");
        assert_eq!(mask_text("http://h/a@b:c"), "http://h/a@b:c");
    }

    #[test]
    fn passwords_are_masked_for_display() {
        let u = parse_url("http://user:pa55@h:1/x").unwrap();
        assert_eq!(display(&u), "http://user:***@h:1/x");
        let u = parse_url("http://h/x").unwrap();
        assert_eq!(display(&u), "http://h/x");
    }

    #[test]
    fn rejects_with_a_suggestion() {
        let e = parse_url("localhost:3000/hook").unwrap_err().to_string();
        assert!(
            e.contains("did you mean 'http://localhost:3000/hook'"),
            "{e}"
        );
        let e = parse_url("example.com/hook").unwrap_err().to_string();
        assert!(e.contains("'https://example.com/hook'"), "{e}");
        let e = parse_url("http://::1:8080/x").unwrap_err().to_string();
        assert!(e.contains("without brackets"), "{e}");
        assert!(e.ends_with("e.g. http://[::1]:8080"), "{e}");
        let e = parse_url("http://fe80::1/x").unwrap_err().to_string();
        assert!(e.ends_with("e.g. http://[fe80::1]"), "{e}");
        let e = parse_url("ftp://h/x").unwrap_err().to_string();
        assert!(e.contains("only http:// and https://"), "{e}");
        assert!(parse_url("http://").is_err());
        let e = parse_url("http:/127.0.0.1:9/").unwrap_err().to_string();
        assert!(e.contains("did you mean 'http://127.0.0.1:9/'"), "{e}");
        assert!(parse_url("  ").is_err());
    }
}
