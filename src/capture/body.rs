//! The body of a captured request as a `Read` stream: framing
//! (`Content-Length`, chunked) first, then optional decompression. Each
//! stage is a small reader that knows its absolute byte offset in the
//! capture, so a fault is reported where it sits in the file.

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

use super::{quote, Coding, Framing, Head};
use crate::error::{Error, Result};

/// A fault in the body's framing or encoding, carried inside an `io::Error`
/// so [`body_error`] can tell it from a failing disk or pipe.
#[derive(Debug)]
struct BadBody(String);

impl fmt::Display for BadBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadBody {}

fn bad(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, BadBody(msg))
}

fn is_bad(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<BadBody>())
}

/// Turns an error from reading a [`Body`] into the exit-2 error to show:
/// malformed input for framing and encoding faults, I/O otherwise. `name`
/// says which input it was (a path, "stdin").
pub fn body_error(e: io::Error, name: &str) -> Error {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<BadBody>())
    {
        Some(b) => Error::malformed(format!("{name}: {b}")),
        None => Error::io_on(name.to_string(), e),
    }
}

/// Byte counts shared between the stages and the [`Body`] that owns them.
#[derive(Default)]
struct Stats {
    received: Cell<u64>,
    extra: Cell<u64>,
}

/// A request body, read piece by piece: framed, and decompressed when asked.
pub struct Body<'a> {
    reader: Box<dyn Read + 'a>,
    stats: Rc<Stats>,
    framing: Framing,
    decoded: Vec<Coding>,
}

impl<'a> Body<'a> {
    /// The body that follows `head`; `rest` is the input right after the
    /// head's blank line. With `decode`, `Content-Encoding` is undone.
    pub fn new<R: Read + 'a>(head: &Head, rest: R, decode: bool) -> Result<Self> {
        let framing = head.framing()?;
        let decoded = if decode { head.codings()? } else { Vec::new() };
        let stats = Rc::new(Stats::default());
        let start = head.len as u64;
        let framed: Box<dyn Read + 'a> = match framing {
            Framing::Length(n) => Box::new(Length {
                inner: rest,
                remaining: n,
                declared: n,
                start,
                stats: Rc::clone(&stats),
                drained: false,
            }),
            Framing::Chunked => Box::new(Chunked {
                inner: BufReader::with_capacity(64 * 1024, rest),
                pos: start,
                state: State::Size,
                stats: Rc::clone(&stats),
            }),
            Framing::UntilEnd => Box::new(rest),
        };
        let mut reader: Box<dyn Read + 'a> = Box::new(Counted {
            inner: framed,
            stats: Rc::clone(&stats),
        });
        for coding in &decoded {
            reader = decoder(*coding, reader);
        }
        Ok(Body {
            reader,
            stats,
            framing,
            decoded,
        })
    }

    /// Input that is a body alone (no head): every byte, as is.
    pub fn whole<R: Read + 'a>(input: R) -> Self {
        let stats = Rc::new(Stats::default());
        let reader = Box::new(Counted {
            inner: input,
            stats: Rc::clone(&stats),
        });
        Body {
            reader,
            stats,
            framing: Framing::UntilEnd,
            decoded: Vec::new(),
        }
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// The content codings undone, outermost first (empty: not compressed).
    pub fn decompressed(&self) -> &[Coding] {
        &self.decoded
    }

    /// Bytes of the body as framed on the wire (before decompression).
    /// Final once the body has been read to its end.
    pub fn received_bytes(&self) -> u64 {
        self.stats.received.get()
    }

    /// Bytes after the body's end that were ignored. Final once the body
    /// has been read to its end.
    pub fn extra_bytes(&self) -> u64 {
        self.stats.extra.get()
    }
}

impl Read for Body<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

/// Counts what passes through (the framed body, before decompression).
struct Counted<R> {
    inner: R,
    stats: Rc<Stats>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.stats
            .received
            .set(self.stats.received.get() + n as u64);
        Ok(n)
    }
}

/// Reads what is left of `inner` to count the bytes nobody wants.
fn drain(inner: &mut impl Read, stats: &Stats) -> io::Result<()> {
    let mut sink = [0u8; 8 * 1024];
    loop {
        match inner.read(&mut sink) {
            Ok(0) => return Ok(()),
            Ok(n) => stats.extra.set(stats.extra.get() + n as u64),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Exactly `Content-Length` bytes; fewer is a truncated capture.
struct Length<R> {
    inner: R,
    remaining: u64,
    declared: u64,
    start: u64,
    stats: Rc<Stats>,
    drained: bool,
}

impl<R: Read> Read for Length<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            if !self.drained {
                self.drained = true;
                drain(&mut self.inner, &self.stats)?;
            }
            return Ok(0);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let max = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        if n == 0 {
            let got = self.declared - self.remaining;
            return Err(bad(format!(
                "truncated body: Content-Length is {} bytes but only {got} bytes follow the \
                 head (the input ends at byte {})",
                self.declared,
                self.start + got
            )));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Size,
    Data(u64),
    DataEnd,
    Trailers,
    Done,
}

/// `Transfer-Encoding: chunked`, undone. `pos` is the absolute offset in
/// the capture of the next byte to read.
struct Chunked<R> {
    inner: BufReader<R>,
    pos: u64,
    state: State,
    stats: Rc<Stats>,
}

/// Longest chunk-size or trailer line accepted.
const LINE_LIMIT: u64 = 4096;

impl<R: Read> Chunked<R> {
    fn line(&mut self) -> io::Result<Vec<u8>> {
        let at = self.pos;
        let mut line = Vec::new();
        (&mut self.inner)
            .take(LINE_LIMIT)
            .read_until(b'\n', &mut line)?;
        self.pos += line.len() as u64;
        if line.len() as u64 == LINE_LIMIT && !line.ends_with(b"\n") {
            return Err(bad(format!(
                "bad chunked body: the line at byte {at} is longer than {LINE_LIMIT} bytes"
            )));
        }
        Ok(line)
    }

    fn size_line(&mut self) -> io::Result<State> {
        let at = self.pos;
        let mut line = self.line()?;
        if line.is_empty() {
            return Err(bad(format!(
                "bad chunked body: the input ends at byte {at}, before the last (zero-size) chunk"
            )));
        }
        // httparse wants CRLF; captures edited on Unix may carry bare LF.
        if line.ends_with(b"\n") && !line.ends_with(b"\r\n") {
            line.insert(line.len() - 1, b'\r');
        }
        match httparse::parse_chunk_size(&line) {
            Ok(httparse::Status::Complete((_, 0))) => Ok(State::Trailers),
            Ok(httparse::Status::Complete((_, n))) => Ok(State::Data(n)),
            _ => Err(bad(format!(
                "bad chunked body: invalid chunk size line at byte {at}: {}",
                quote(&line)
            ))),
        }
    }
}

impl<R: Read> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.state {
                State::Size => self.state = self.size_line()?,
                State::Data(remaining) => {
                    if buf.is_empty() {
                        return Ok(0);
                    }
                    let max = buf
                        .len()
                        .min(usize::try_from(remaining).unwrap_or(usize::MAX));
                    let n = self.inner.read(&mut buf[..max])?;
                    if n == 0 {
                        return Err(bad(format!(
                            "bad chunked body: the input ends at byte {} inside a chunk \
                             ({remaining} bytes missing)",
                            self.pos
                        )));
                    }
                    self.pos += n as u64;
                    let left = remaining - n as u64;
                    self.state = if left == 0 {
                        State::DataEnd
                    } else {
                        State::Data(left)
                    };
                    return Ok(n);
                }
                State::DataEnd => {
                    let at = self.pos;
                    let line = self.line()?;
                    if line != b"\r\n" && line != b"\n" {
                        return Err(bad(format!(
                            "bad chunked body: expected a line end after the chunk data at \
                             byte {at} (is the chunk size right?), found {}",
                            quote(&line)
                        )));
                    }
                    self.state = State::Size;
                }
                State::Trailers => {
                    // Trailer fields carry nothing verify needs; a capture
                    // that stops right after the zero chunk is accepted.
                    let line = self.line()?;
                    if line.is_empty() || line == b"\r\n" || line == b"\n" {
                        self.state = State::Done;
                    }
                }
                State::Done => {
                    drain(&mut self.inner, &self.stats)?;
                    return Ok(0);
                }
            }
        }
    }
}

fn decoder<'a>(coding: Coding, inner: Box<dyn Read + 'a>) -> Box<dyn Read + 'a> {
    match coding {
        Coding::Gzip => Box::new(Corrupt {
            inner: MultiGzDecoder::new(inner),
            coding,
        }),
        Coding::Deflate => Box::new(Corrupt {
            inner: Deflate::Pending(Some(inner)),
            coding,
        }),
    }
}

/// Labels decompression failures as a corrupt body (framing faults from
/// below pass through as they are).
struct Corrupt<R> {
    inner: R,
    coding: Coding,
}

impl<R: Read> Read for Corrupt<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if is_bad(&e) {
                e
            } else {
                bad(format!(
                    "corrupt {} body (Content-Encoding): {e}",
                    self.coding.name()
                ))
            }
        })
    }
}

/// "deflate" means zlib-wrapped data by the RFC, but servers have long
/// sent raw deflate too: the first two bytes tell which.
enum Deflate<'a> {
    Pending(Option<Box<dyn Read + 'a>>),
    Zlib(ZlibDecoder<Box<dyn Read + 'a>>),
    Raw(DeflateDecoder<Box<dyn Read + 'a>>),
}

fn is_zlib_header(peek: &[u8]) -> bool {
    match peek {
        [cmf, flg] => cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => false,
    }
}

impl<'a> Read for Deflate<'a> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Deflate::Pending(slot) = self {
            let Some(mut inner) = slot.take() else {
                return Ok(0);
            };
            let mut peek = Vec::with_capacity(2);
            (&mut inner).take(2).read_to_end(&mut peek)?;
            let zlib = is_zlib_header(&peek);
            let chained: Box<dyn Read + 'a> = Box::new(io::Cursor::new(peek).chain(inner));
            *self = if zlib {
                Deflate::Zlib(ZlibDecoder::new(chained))
            } else {
                Deflate::Raw(DeflateDecoder::new(chained))
            };
        }
        match self {
            Deflate::Zlib(d) => d.read(buf),
            Deflate::Raw(d) => d.read(buf),
            Deflate::Pending(_) => Ok(0),
        }
    }
}
