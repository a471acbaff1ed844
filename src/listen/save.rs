//! `--save DIR`: each request as a raw HTTP/1.1 file that `vq-hook verify`
//! and `replay` read back.
//!
//! Files are owner-only and appear whole: they are written under a hidden
//! temporary name and renamed. Names combine a timestamp, a run-wide
//! sequence number and the (sanitised) delivery id, so equal ids in the
//! same millisecond never overwrite each other.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Creates DIR (owner-only) when it is missing; refuses a non-directory.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if dir.exists() {
        return Err(Error::usage(format!(
            "--save {} is not a directory",
            dir.display()
        )));
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::usage(format!("cannot create --save {}: {e}", dir.display())))
}

/// The request to write: the head as received and the decoded body.
pub struct Request<'a> {
    pub method: &'a str,
    pub target: &'a str,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: &'a str,
    pub headers: &'a [(String, Vec<u8>)],
    pub body: &'a [u8],
}

/// The file's bytes. Framing headers are rewritten so the file stands on
/// its own: a chunked body is stored de-chunked with a `Content-Length`,
/// which otherwise keeps its place among the headers.
pub fn render(req: &Request<'_>) -> Vec<u8> {
    let is = |n: &str, want: &str| n.eq_ignore_ascii_case(want);
    let length = req.body.len().to_string();
    let mut out = Vec::with_capacity(req.body.len() + 1024);
    out.extend_from_slice(format!("{} {} {}\r\n", req.method, req.target, req.version).as_bytes());
    let mut has_length = false;
    for (name, value) in req.headers {
        if is(name, "transfer-encoding") || (has_length && is(name, "content-length")) {
            continue;
        }
        let value = if is(name, "content-length") {
            has_length = true;
            length.as_bytes()
        } else {
            value.as_slice()
        };
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    if !has_length {
        out.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(req.body);
    out
}

/// `<stamp>-<seq>-<delivery>.http`.
pub fn file_name(stamp: &str, seq: u64, delivery: Option<&str>) -> String {
    let id = delivery.map(sanitise).filter(|s| !s.is_empty());
    format!(
        "{stamp}-{seq:06}-{}.http",
        id.as_deref().unwrap_or("no-delivery-id")
    )
}

/// Keeps letters, digits, `-` and `_` of an attacker-controlled id, so it
/// cannot name another directory, a hidden file or `..`.
fn sanitise(id: &str) -> String {
    id.chars()
        .take(80)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes `bytes` as DIR/NAME, owner-only, via a temporary file.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.part"));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()))
        .and_then(|()| fs::rename(&tmp, &path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(&path, e));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe() {
        let n = file_name("20250101T000000.000Z", 7, Some("../../etc/passwd"));
        assert_eq!(n, "20250101T000000.000Z-000007-______etc_passwd.http");
        assert!(file_name("s", 1, Some("")).ends_with("no-delivery-id.http"));
        assert!(file_name("s", 1, None).ends_with("no-delivery-id.http"));
    }

    #[test]
    fn chunked_requests_are_stored_with_a_length() {
        let headers = vec![
            ("Host".to_string(), b"x".to_vec()),
            ("Transfer-Encoding".to_string(), b"chunked".to_vec()),
        ];
        let req = Request {
            method: "POST",
            target: "/h",
            version: "HTTP/1.1",
            headers: &headers,
            body: b"{}",
        };
        let text = render(&req);
        assert_eq!(
            text,
            b"POST /h HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".to_vec()
        );
    }
}
