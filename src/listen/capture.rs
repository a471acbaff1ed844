//! The bytes of each request as they came off the wire.
//!
//! hyper hands the service a `HeaderMap`, which lower-cases names and groups
//! repeated headers. A saved request should show the head as it was sent,
//! so every connection's socket is wrapped in a [`Recorder`] that keeps what
//! hyper reads; the handler parses the head from that log and then drops
//! the request's bytes. When the log cannot be trusted (a body whose end is
//! unknown was left unread) recording stops and the handler falls back to
//! hyper's view of the headers.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// The unconsumed bytes read on one connection.
#[derive(Default)]
struct Log {
    buf: Vec<u8>,
    /// Bytes still to arrive that belong to a request already handled.
    skip: u64,
    /// False once the log lost track of request boundaries.
    synced: bool,
}

#[derive(Clone)]
pub struct ConnLog(Arc<Mutex<Log>>);

/// A request head parsed from the raw bytes.
pub struct RawHead {
    pub target: String,
    pub version: u8,
    /// Names and values exactly as sent, in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Length of the head including the blank line.
    pub len: usize,
}

impl ConnLog {
    pub fn new() -> Self {
        ConnLog(Arc::new(Mutex::new(Log {
            synced: true,
            ..Log::default()
        })))
    }

    fn append(&self, bytes: &[u8]) {
        let Ok(mut log) = self.0.lock() else { return };
        if !log.synced {
            return;
        }
        let skipped = (log.skip.min(bytes.len() as u64)) as usize;
        log.skip -= skipped as u64;
        log.buf.extend_from_slice(&bytes[skipped..]);
    }

    /// The head at the start of the log, if it parses and is the request
    /// hyper is handling (same method and target).
    pub fn head(&self, method: &str, target: &str) -> Option<RawHead> {
        let log = self.0.lock().ok()?;
        if !log.synced {
            return None;
        }
        let head = crate::capture::try_parse(&log.buf).ok()??;
        if head.method != method || head.target != target {
            return None;
        }
        Some(RawHead {
            target: head.target,
            version: head.version,
            headers: head.headers,
            len: head.len,
        })
    }

    /// Drops a handled request: its head and a body of `body_len` raw
    /// bytes, some of which may not have arrived yet.
    pub fn consume(&self, head_len: usize, body_len: u64) {
        let Ok(mut log) = self.0.lock() else { return };
        let total = head_len as u64 + body_len;
        let have = log.buf.len() as u64;
        if total <= have {
            log.buf.drain(..total as usize);
        } else {
            log.buf.clear();
            log.skip = total - have;
        }
    }

    /// Drops a chunked request whose body was read whole: finds the end of
    /// the chunked framing in the log.
    pub fn consume_chunked(&self, head_len: usize) {
        let Ok(mut log) = self.0.lock() else { return };
        match chunked_len(log.buf.get(head_len..).unwrap_or_default()) {
            Some(n) => {
                log.buf.drain(..head_len + n);
            }
            None => log.desync(),
        }
    }

    /// Stops recording: the next request's start is no longer known.
    pub fn desync(&self) {
        if let Ok(mut log) = self.0.lock() {
            log.desync();
        }
    }
}

impl Log {
    fn desync(&mut self) {
        self.synced = false;
        self.buf = Vec::new();
    }
}

/// Length of a complete chunked body (chunks, last chunk, trailers).
fn chunked_len(buf: &[u8]) -> Option<usize> {
    let mut pos = 0;
    loop {
        let (after, size) = match httparse::parse_chunk_size(buf.get(pos..)?) {
            Ok(httparse::Status::Complete(x)) => x,
            _ => return None,
        };
        pos += after;
        if size == 0 {
            break;
        }
        pos = pos
            .checked_add(usize::try_from(size).ok()?)?
            .checked_add(2)?;
    }
    // Trailer fields, then the blank line that ends the message.
    loop {
        let rest = buf.get(pos..)?;
        let end = rest.iter().position(|&b| b == b'\n')?;
        pos += end + 1;
        if rest[..end].iter().all(|&b| b == b'\r') {
            return Some(pos);
        }
    }
}

/// A TCP stream that copies every byte it reads into a [`ConnLog`].
pub struct Recorder {
    inner: TcpStream,
    log: ConnLog,
}

impl Recorder {
    pub fn new(inner: TcpStream, log: ConnLog) -> Self {
        Recorder { inner, log }
    }
}

impl AsyncRead for Recorder {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let me = &mut *self;
        let polled = Pin::new(&mut me.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &polled {
            me.log.append(&buf.filled()[before..]);
        }
        polled
    }
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_framing() {
        assert_eq!(chunked_len(b"3\r\nabc\r\n0\r\n\r\nNEXT"), Some(13));
        assert_eq!(chunked_len(b"3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n"), Some(23));
        assert_eq!(chunked_len(b"3\r\nabc\r\n0\r\n"), None);
        assert_eq!(chunked_len(b"zz\r\n"), None);
    }

    #[test]
    fn log_tracks_requests() {
        let log = ConnLog::new();
        log.append(b"POST /a HTTP/1.1\r\nX-One: 1\r\nContent-Length: 2\r\n\r\nhi");
        log.append(b"GET /b HTTP/1.1\r\n\r\n");
        let head = log.head("POST", "/a").expect("first head");
        assert_eq!(head.headers[0], ("X-One".to_string(), b"1".to_vec()));
        assert!(log.head("GET", "/a").is_none());
        log.consume(head.len, 2);
        assert_eq!(log.head("GET", "/b").map(|h| h.len), Some(19));
        log.consume(19, 5);
        log.append(b"12345PUT /c HTTP/1.1\r\n\r\n");
        assert!(log.head("PUT", "/c").is_some());
    }
}
