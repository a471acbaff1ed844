//! `--forward-to URL`: relays an accepted request to a local app and brings
//! back the app's answer, so the sender sees what the app said.

use std::collections::BTreeMap;
use std::time::Duration;

use hyper::http::{HeaderMap, HeaderName, Method};

use super::Forwarded;
use crate::error::{Error, Result};

/// How long the app may take: longer than VisualQ's own 10 s, so a slow
/// app shows up as slow rather than as a relay failure.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Headers that describe one hop, not the message, and so are not relayed
/// (RFC 9110 section 7.6.1), plus those the client recomputes.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "expect",
];

/// Checks a `--forward-to` value: an absolute http:// or https:// URL.
pub fn parse_forward_url(raw: &str) -> Result<reqwest::Url> {
    let has_scheme = raw.contains("://");
    let url = reqwest::Url::parse(raw).ok().filter(|_| has_scheme);
    let shown = crate::target::mask_text(raw);
    let input = shown.as_str();
    match url {
        Some(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u),
        Some(u) => Err(Error::usage(format!(
            "--forward-to '{input}' uses {}://; use an http:// or https:// URL",
            u.scheme()
        ))),
        None if !has_scheme => Err(Error::usage(format!(
            "--forward-to '{input}' has no scheme; did you mean 'http://{input}'?"
        ))),
        None => Err(Error::usage(format!(
            "--forward-to '{input}' is not a valid URL"
        ))),
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // The app is local; a proxy from the environment would be wrong.
        .no_proxy()
        .timeout(TIMEOUT)
        .build()
        .unwrap_or_default()
}

/// Whether a header is relayed: not hop-by-hop, not named by `Connection`.
pub fn relayed(name: &HeaderName, headers: &HeaderMap) -> bool {
    let named_by_connection = headers
        .get_all(hyper::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(name.as_str()));
    !HOP_BY_HOP.contains(&name.as_str()) && !named_by_connection
}

/// The forward URL's path with the request's path and query appended.
fn target(base: &reqwest::Url, path_and_query: &str) -> reqwest::Url {
    let mut url = base.clone();
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
    url.set_path(if joined.is_empty() { "/" } else { &joined });
    url.set_query(query.or(base.query()));
    url
}

/// The app's answer: status, relayable headers and body, or why it failed.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(HeaderName, hyper::http::HeaderValue)>,
    pub body: Vec<u8>,
}

pub async fn relay(
    client: &reqwest::Client,
    base: &reqwest::Url,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: Vec<u8>,
) -> (std::result::Result<Answer, String>, Forwarded) {
    let url = target(base, path_and_query);
    let mut out = Forwarded {
        url: crate::target::display(&url),
        status: None,
        error: None,
        headers: BTreeMap::new(),
        body: serde_json::Value::Null,
        raw_body: Vec::new(),
    };
    let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or_default();
    let mut request = client.request(method, url).body(body);
    for (name, value) in headers.iter().filter(|(n, _)| relayed(n, headers)) {
        request = request.header(name.as_str(), value.as_bytes());
    }
    let answer = match request.send().await {
        Ok(resp) => read_answer(resp).await,
        Err(e) => Err(describe(&e)),
    };
    match &answer {
        Ok(a) => {
            out.status = Some(a.status);
            for (k, v) in &a.headers {
                out.headers.insert(
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                );
            }
            out.body = crate::term::body_as_json(&a.body);
            out.raw_body = a.body.clone();
        }
        Err(e) => out.error = Some(e.clone()),
    }
    (answer, out)
}

async fn read_answer(resp: reqwest::Response) -> std::result::Result<Answer, String> {
    let status = resp.status().as_u16();
    let mut headers = Vec::new();
    for (name, value) in resp.headers() {
        if relayed(name, resp.headers()) {
            headers.push((name.clone(), value.clone()));
        }
    }
    let body = resp.bytes().await.map_err(|e| describe(&e))?;
    Ok(Answer {
        status,
        headers,
        body: body.to_vec(),
    })
}

/// One line saying why the app could not be reached, without reqwest's
/// nested debug text.
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        format!("the app did not answer within {}s", TIMEOUT.as_secs())
    } else if e.is_connect() {
        "cannot connect to the app".to_string()
    } else {
        "the app's answer could not be read".to_string()
    };
    let mut source = std::error::Error::source(e);
    let mut last = None;
    while let Some(s) = source {
        last = Some(s.to_string());
        source = s.source();
    }
    if let Some(cause) = last {
        text.push_str(": ");
        text.push_str(&cause);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(parse_forward_url("http://127.0.0.1:3000/app").is_ok());
        let e = parse_forward_url("localhost:3000/hook")
            .unwrap_err()
            .to_string();
        assert!(e.contains("http://localhost:3000/hook"), "{e}");
        assert!(parse_forward_url("ftp://x/").is_err());
        assert!(parse_forward_url("http://").is_err());
    }

    #[test]
    fn joins_paths() {
        let base = reqwest::Url::parse("http://h:1/app/").unwrap();
        assert_eq!(
            target(&base, "/hook?a=1").as_str(),
            "http://h:1/app/hook?a=1"
        );
        let root = reqwest::Url::parse("http://h:1").unwrap();
        assert_eq!(target(&root, "/").as_str(), "http://h:1/");
    }
}
