//! Captured raw HTTP/1.x requests, as `listen --save` writes them and as
//! people paste them from proxies and logs: the head parsed with `httparse`,
//! the body read through a streaming [`Body`] adapter that applies the
//! message framing (`Content-Length`, `Transfer-Encoding: chunked`) and,
//! on request, undoes `Content-Encoding: gzip` / `deflate`.
//!
//! Two ways in:
//! - [`open`] for any size: it parses the head and returns a [`Body`] that
//!   yields the payload piece by piece (what `verify` hashes);
//! - [`load`] for a whole file in memory: a [`Capture`] with the body
//!   transfer-decoded but still content-encoded (what `replay` re-sends).
//!
//! Framing faults in the body (truncation, bad chunking, corrupt
//! compression) surface as `io::Error`s from [`Body`]; [`body_error`] turns
//! them into an exit-2 [`Error`] that says what was wrong and at which byte.

mod body;

use std::io::{self, Read};

pub use body::{body_error, Body};

use crate::error::{Error, Result};

/// The longest request head accepted; past it the input is not a request.
pub const HEAD_LIMIT: usize = 1024 * 1024;

/// The most header lines accepted.
const MAX_HEADERS: usize = 4096;

/// The request line and headers of a captured request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    /// The request target as written (`/hooks/visualq`).
    pub target: String,
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub version: u8,
    /// Headers in the order received: the name as written, the value bytes
    /// with surrounding white space removed.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Bytes taken by the head, blank line included: the body starts here.
    pub len: usize,
    /// The line number of the request line (1 unless blank lines precede it).
    request_line: usize,
}

/// How the body is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length` bytes; anything after them is not part of the body.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Neither header: everything after the blank line.
    UntilEnd,
}

/// A `Content-Encoding` this module can undo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Deflate,
}

impl Coding {
    pub fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
        }
    }
}

impl Head {
    /// Every value of the header `name` (any case), in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The first value of the header `name` (any case).
    pub fn value(&self, name: &str) -> Option<&[u8]> {
        let found = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_slice())
    }

    /// The first value of `name` as text (invalid UTF-8 replaced).
    pub fn text(&self, name: &str) -> Option<String> {
        self.value(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// The line number of the i-th header, for messages.
    pub fn line_of(&self, index: usize) -> usize {
        self.request_line + 1 + index
    }

    fn indexed<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (usize, String)> + 'a {
        self.headers
            .iter()
            .enumerate()
            .filter(move |(_, (n, _))| n.eq_ignore_ascii_case(name))
            .map(|(i, (_, v))| (i, String::from_utf8_lossy(v).into_owned()))
    }

    /// How the body is delimited. Chunked wins over `Content-Length`, as
    /// RFC 9112 says; a transfer coding other than chunked is refused.
    pub fn framing(&self) -> Result<Framing> {
        let mut codings = Vec::new();
        for (i, value) in self.indexed("transfer-encoding") {
            for c in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                codings.push((i, c.to_ascii_lowercase()));
            }
        }
        if let Some((i, c)) = codings
            .iter()
            .find(|(_, c)| c != "chunked" && c != "identity")
        {
            return Err(Error::malformed(format!(
                "unsupported Transfer-Encoding '{c}' on line {}: only chunked is understood",
                self.line_of(*i)
            )));
        }
        if codings.last().is_some_and(|(_, c)| c == "chunked") {
            return Ok(Framing::Chunked);
        }
        Ok(self.length()?.unwrap_or(Framing::UntilEnd))
    }

    fn length(&self) -> Result<Option<Framing>> {
        let mut found: Option<(usize, u64)> = None;
        for (i, value) in self.indexed("content-length") {
            let text = value.trim();
            let n = text
                .parse::<u64>()
                .ok()
                .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    Error::malformed(format!(
                        "Content-Length '{text}' on line {} is not a number of bytes",
                        self.line_of(i)
                    ))
                })?;
            match found {
                Some((j, m)) if m != n => {
                    return Err(Error::malformed(format!(
                        "conflicting Content-Length headers on lines {} ({m}) and {} ({n})",
                        self.line_of(j),
                        self.line_of(i)
                    )))
                }
                _ => found = Some((i, n)),
            }
        }
        Ok(found.map(|(_, n)| Framing::Length(n)))
    }

    /// The content codings to undo, outermost (last applied) first.
    /// `identity` is skipped; anything but gzip and deflate is refused.
    pub fn codings(&self) -> Result<Vec<Coding>> {
        let mut out = Vec::new();
        for (i, value) in self.indexed("content-encoding") {
            for c in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                match c.to_ascii_lowercase().as_str() {
                    "gzip" | "x-gzip" => out.push(Coding::Gzip),
                    "deflate" => out.push(Coding::Deflate),
                    "identity" => {}
                    _ => {
                        return Err(Error::malformed(format!(
                            "unsupported Content-Encoding '{c}' on line {}: \
                             vq-hook can decompress gzip and deflate",
                            self.line_of(i)
                        )))
                    }
                }
            }
        }
        out.reverse();
        Ok(out)
    }
}

/// Reads and parses the head of a request. Returns it with the bytes read
/// past it (the start of the body), which the caller chains before `input`.
pub fn parse_head<R: Read>(input: &mut R) -> Result<(Head, Vec<u8>)> {
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut chunk = vec![0u8; 8 * 1024];
    loop {
        if let Some(head) = try_parse(&buf)? {
            let rest = buf.split_off(head.len);
            return Ok((head, rest));
        }
        if buf.len() > HEAD_LIMIT {
            return Err(incomplete(&buf).unwrap_or_else(|| {
                Error::malformed(format!(
                    "no blank line ends the request head within its first {} lines ({} bytes)",
                    count_lines(&buf),
                    buf.len()
                ))
            }));
        }
        let n = loop {
            match input.read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io_on("the request", e)),
            }
        };
        if n == 0 {
            return Err(incomplete(&buf).unwrap_or_else(|| {
                Error::malformed(format!(
                    "the request head has no blank line after its headers (input ends on line {})",
                    count_lines(&buf).max(1)
                ))
            }));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The head when `buf` holds all of it, `None` when more input is needed.
/// The listener uses it too, on the bytes a connection has delivered.
pub(crate) fn try_parse(buf: &[u8]) -> Result<Option<Head>> {
    let mut capacity = 64;
    loop {
        let mut headers = vec![httparse::EMPTY_HEADER; capacity];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(buf) {
            Ok(httparse::Status::Complete(len)) => {
                let leading = buf.iter().take_while(|b| **b == b'\r' || **b == b'\n');
                let request_line = 1 + leading.filter(|b| **b == b'\n').count();
                return Ok(Some(Head {
                    method: req.method.unwrap_or_default().to_string(),
                    target: req.path.unwrap_or_default().to_string(),
                    version: req.version.unwrap_or(1),
                    headers: req
                        .headers
                        .iter()
                        .map(|h| (h.name.to_string(), h.value.to_vec()))
                        .collect(),
                    len,
                    request_line,
                }));
            }
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(httparse::Error::TooManyHeaders) if capacity < MAX_HEADERS => capacity *= 8,
            Err(httparse::Error::TooManyHeaders) => {
                return Err(Error::malformed(format!(
                    "the request has more than {MAX_HEADERS} header lines"
                )))
            }
            Err(e) => return Err(locate(buf, e)),
        }
    }
}

/// The error for a head that never ended, when a bad line or an empty
/// input explains it; `None` when only the blank line is missing.
fn incomplete(buf: &[u8]) -> Option<Error> {
    if buf.iter().all(|b| b.is_ascii_whitespace()) {
        return Some(Error::malformed(
            "empty input: expected a raw HTTP request (request line, headers, blank line, body)",
        ));
    }
    // Closing the head ourselves tells a bad line from a missing blank line.
    let mut closed = buf.to_vec();
    closed.extend_from_slice(b"\r\n\r\n");
    try_parse(&closed).err()
}

/// Names the line httparse stopped at: the first prefix of whole lines that
/// fails to parse on its own ends with the culprit.
fn locate(buf: &[u8], err: httparse::Error) -> Error {
    let mut end = 0;
    let mut line_no = 0;
    let mut request_seen = false;
    while end < buf.len() {
        let next = buf[end..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(buf.len(), |p| end + p + 1);
        let line = &buf[end..next];
        line_no += 1;
        end = next;
        let blank = line == b"\n" || line == b"\r\n";
        if blank && !request_seen {
            continue;
        }
        let mut trial = buf[..end].to_vec();
        if !trial.ends_with(b"\n") {
            trial.extend_from_slice(b"\r\n");
        }
        trial.extend_from_slice(b"\r\n");
        let mut headers = vec![httparse::EMPTY_HEADER; MAX_HEADERS];
        if httparse::Request::new(&mut headers).parse(&trial).is_err() {
            let shown = quote(line);
            return Error::malformed(if request_seen {
                format!("line {line_no} is not a valid header line ({err}): {shown}")
            } else {
                format!("line {line_no} is not an HTTP/1.x request line ({err}): {shown}")
            });
        }
        request_seen = true;
    }
    Error::malformed(format!("the request head is not valid HTTP/1.x: {err}"))
}

/// A line for an error message: lossy text, control bytes escaped, capped.
fn quote(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let text = text.trim_end_matches(['\r', '\n']);
    let mut shown: String = text.chars().take(60).flat_map(char::escape_debug).collect();
    if text.chars().count() > 60 {
        shown.push('…');
    }
    format!("'{shown}'")
}

fn count_lines(buf: &[u8]) -> usize {
    buf.iter().filter(|b| **b == b'\n').count() + usize::from(!buf.ends_with(b"\n"))
}

/// Parses the head from `input` and returns a [`Body`] over the rest.
/// With `decode`, the body is also decompressed per `Content-Encoding`.
/// Nothing past the head is read until the body is.
pub fn open<'a, R: Read + 'a>(mut input: R, decode: bool) -> Result<(Head, Body<'a>)> {
    let (head, rest) = parse_head(&mut input)?;
    let body = Body::new(&head, io::Cursor::new(rest).chain(input), decode)?;
    Ok((head, body))
}

/// The payload inside a body that arrived already framed (the listener's
/// case): `Content-Encoding` undone as `verify` undoes it, so both judge a
/// signature over the same bytes. Returns the reader and whether anything
/// was decompressed.
pub fn decoded<'a>(content_encodings: &[&[u8]], body: &'a [u8]) -> Result<(Body<'a>, bool)> {
    let mut headers: Vec<(String, Vec<u8>)> = content_encodings
        .iter()
        .map(|v| ("Content-Encoding".to_string(), v.to_vec()))
        .collect();
    headers.push((
        "Content-Length".to_string(),
        body.len().to_string().into_bytes(),
    ));
    let head = Head {
        method: "POST".into(),
        target: "/".into(),
        version: 1,
        headers,
        len: 0,
        request_line: 1,
    };
    let reader = Body::new(&head, body, true)?;
    let compressed = !reader.decompressed().is_empty();
    Ok((reader, compressed))
}

/// A whole captured request held in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    pub method: String,
    /// The request target as written (`/hooks/visualq`).
    pub target: String,
    /// Headers in the order received: the name as written (case kept), the
    /// value bytes without surrounding white space. `Content-Length` and
    /// `Transfer-Encoding` describe the capture's framing, not [`body`]:
    /// re-frame when re-sending.
    ///
    /// [`body`]: Capture::body
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body after transfer decoding (de-chunked, cut at
    /// `Content-Length`) but NOT content decoding: a gzip body stays gzip,
    /// as it was sent and signed on the wire.
    pub body: Vec<u8>,
    /// Bytes after the end of the body that were ignored (a stray newline
    /// an editor added, say).
    pub extra_bytes: u64,
}

impl Capture {
    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        let found = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_slice())
    }

    /// Every value of the header `name` (any case), in order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// Parses a whole raw HTTP/1.x request: the replay path.
///
/// Accepts CRLF or bare-LF line ends and header names in any case. The body
/// is bounded by `Content-Length` (see [`Capture::extra_bytes`]) or
/// de-chunked; it is not decompressed. Errors are exit-2 [`Error`]s naming
/// the line or byte at fault (not a request, truncated, bad chunking).
pub fn load(bytes: &[u8]) -> Result<Capture> {
    load_named(bytes, "the request")
}

/// [`load`], with every error message opening with `name` (a file name).
pub fn load_named(bytes: &[u8], name: &str) -> Result<Capture> {
    let (head, mut body) = open(bytes, false).map_err(|e| match e {
        Error::Malformed(msg) => Error::malformed(format!("{name}: {msg}")),
        other => other,
    })?;
    let mut out = Vec::new();
    body.read_to_end(&mut out)
        .map_err(|e| body_error(e, name))?;
    Ok(Capture {
        method: head.method,
        target: head.target,
        headers: head.headers,
        body: out,
        extra_bytes: body.extra_bytes(),
    })
}

#[cfg(test)]
mod tests;
