//! `vq-hook listen`'s receiver: an HTTP/1.1 server on hyper that checks,
//! records, saves and optionally forwards every delivery it gets.
//!
//! The binary builds a [`Config`], calls [`bind`] (so it can print the
//! address before serving) and then [`Listener::serve`], which reports one
//! [`Entry`] per request on a channel and returns a [`Summary`] once the
//! shutdown future fires and the requests in flight are answered.

mod capture;
mod clock;
mod forward;
mod handle;
mod save;

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use serde::Serialize;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;

use crate::error::{Error, Result};
use crate::secret::Secret;

pub use forward::parse_forward_url;

/// How long a client may take to send a request head before the connection
/// is dropped, so a stalled client cannot hold a connection forever.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request's body may take to arrive once its head has (a
/// sender has 10 s for the whole delivery anyway).
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything the receiver needs; built by the binary from the flags.
#[derive(Clone, Debug)]
pub struct Config {
    /// Host name or IP literal to bind (brackets around IPv6 are accepted).
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    /// When set, signatures are checked and bad ones get `401`.
    pub secret: Option<Secret>,
    /// Answer these codes in turn for accepted requests (empty: `200`).
    pub statuses: Vec<u16>,
    /// Wait this long before every answer.
    pub delay: Option<Duration>,
    /// Write every request as a raw HTTP file here.
    pub save_dir: Option<PathBuf>,
    /// Relay accepted requests to this app and answer with its response.
    pub forward_to: Option<reqwest::Url>,
    /// Bodies larger than this get `413`.
    pub max_body: u64,
}

/// The signature status of one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureStatus {
    Valid,
    Invalid,
    Missing,
    /// No secret was configured.
    Unchecked,
}

impl SignatureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Invalid => "invalid",
            SignatureStatus::Missing => "missing",
            SignatureStatus::Unchecked => "unchecked",
        }
    }
}

/// What happened when a request was relayed to `--forward-to`.
#[derive(Clone, Debug, Serialize)]
pub struct Forwarded {
    pub url: String,
    /// The app's status, or null when it could not be reached.
    pub status: Option<u16>,
    /// Why the app could not be reached.
    pub error: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub body: Value,
    #[serde(skip)]
    pub raw_body: Vec<u8>,
}

/// One request as received and answered.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// UTC, RFC 3339 with milliseconds.
    pub time: String,
    pub method: String,
    pub path: String,
    pub event: Option<String>,
    pub delivery: Option<String>,
    pub signature: SignatureStatus,
    /// The delivery id was seen earlier in this run.
    pub duplicate: bool,
    /// The status answered.
    pub status: u16,
    /// Where the request was saved, if it was.
    pub saved: Option<String>,
    /// The body as parsed JSON, or a string when it is not JSON.
    pub body: Value,
    /// Body length in bytes.
    pub size: u64,
    /// The app's side, with `--forward-to` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward: Option<Forwarded>,
    /// Why the request was refused or not saved, when it was.
    pub error: Option<String>,
    /// Header names and values as received (shown with `-v`).
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
    #[serde(skip)]
    pub raw_body: Vec<u8>,
}

/// Counts printed at shutdown.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub requests: u64,
    pub valid: u64,
    pub invalid: u64,
    pub missing: u64,
    pub unchecked: u64,
    pub duplicates: u64,
    pub saved: u64,
    /// Answers by status code.
    pub statuses: BTreeMap<u16, u64>,
}

impl Summary {
    fn record(&mut self, e: &Entry) {
        self.requests += 1;
        match e.signature {
            SignatureStatus::Valid => self.valid += 1,
            SignatureStatus::Invalid => self.invalid += 1,
            SignatureStatus::Missing => self.missing += 1,
            SignatureStatus::Unchecked => self.unchecked += 1,
        }
        self.duplicates += u64::from(e.duplicate);
        self.saved += u64::from(e.saved.is_some());
        *self.statuses.entry(e.status).or_default() += 1;
    }
}

/// State shared by every connection of one run.
struct Shared {
    config: Config,
    /// Delivery ids seen so far, for the duplicate flag.
    seen: Mutex<HashSet<String>>,
    /// Position in `--status`, advanced once per accepted request.
    turn: AtomicU64,
    /// Makes saved file names unique within a millisecond.
    save_seq: AtomicU64,
    summary: Mutex<Summary>,
    /// Requests being handled, so shutdown need not wait for idle or
    /// half-open connections.
    in_flight: AtomicU64,
    client: Option<reqwest::Client>,
    events: UnboundedSender<Entry>,
}

impl Shared {
    fn report(&self, entry: Entry) {
        if let Ok(mut s) = self.summary.lock() {
            s.record(&entry);
        }
        // The receiver only goes away when the binary is exiting.
        let _ = self.events.send(entry);
    }
}

/// A bound, not yet serving, receiver.
pub struct Listener {
    config: Config,
    socket: TcpListener,
    addr: SocketAddr,
}

/// Binds the address and prepares `--save`'s directory. Either failing is
/// an input error naming the address or directory.
pub async fn bind(config: Config) -> Result<Listener> {
    let host = config
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let shown = if host.contains(':') {
        format!("[{host}]:{}", config.port)
    } else {
        format!("{host}:{}", config.port)
    };
    let socket = TcpListener::bind((host.as_str(), config.port))
        .await
        .map_err(|e| Error::usage(format!("cannot listen on {shown}: {e}")))?;
    let addr = socket
        .local_addr()
        .map_err(|e| Error::usage(format!("cannot listen on {shown}: {e}")))?;
    // Only once the address is ours: a failed bind must leave no directory.
    if let Some(dir) = &config.save_dir {
        save::prepare_dir(dir)?;
    }
    Ok(Listener {
        config,
        socket,
        addr,
    })
}

impl Listener {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`, with IPv6 literals in brackets.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves until `shutdown` completes, then stops accepting, lets the
    /// requests in flight finish (bounded by the delay plus a grace period)
    /// and returns the counts.
    pub async fn serve(
        self,
        events: UnboundedSender<Entry>,
        shutdown: impl Future<Output = ()>,
    ) -> Summary {
        let client = self.config.forward_to.as_ref().map(|_| forward::client());
        let grace = self.config.delay.unwrap_or_default() + Duration::from_secs(15);
        let shared = Arc::new(Shared {
            config: self.config,
            seen: Mutex::new(HashSet::new()),
            turn: AtomicU64::new(0),
            save_seq: AtomicU64::new(0),
            summary: Mutex::new(Summary::default()),
            in_flight: AtomicU64::new(0),
            client,
            events,
        });
        let graceful = GracefulShutdown::new();
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .keep_alive(true);

        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = self.socket.accept() => {
                    let Ok((stream, _peer)) = accepted else {
                        // Out of file descriptors and the like: back off
                        // briefly rather than spin, and keep serving.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    };
                    let log = capture::ConnLog::new();
                    let io = TokioIo::new(capture::Recorder::new(stream, log.clone()));
                    let shared = Arc::clone(&shared);
                    let service = hyper::service::service_fn(move |req| {
                        handle::handle(Arc::clone(&shared), log.clone(), req)
                    });
                    let conn = builder.serve_connection(io, service);
                    let conn = graceful.watch(conn);
                    tokio::spawn(async move {
                        // A client that sends garbage or vanishes only ends
                        // its own connection.
                        let _ = conn.await;
                    });
                }
                () = &mut shutdown => break,
            }
        }
        drop(self.socket);
        // Every connection is told to close after its current request; a
        // client stalled mid-head would hold that up until the header
        // timeout, so stop once no request is being handled either.
        let idle = async {
            while shared.in_flight.load(Ordering::Acquire) > 0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            // Time for the last answers to be written out.
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        let _ = tokio::time::timeout(grace, async {
            tokio::select! {
                () = graceful.shutdown() => {}
                () = idle => {}
            }
        })
        .await;
        let summary = shared.summary.lock().map(|s| s.clone()).unwrap_or_default();
        summary
    }
}

/// Counts a request as in flight for as long as it lives.
struct InFlight(Arc<Shared>);

impl InFlight {
    fn new(shared: &Arc<Shared>) -> Self {
        shared.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(Arc::clone(shared))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Which status the next accepted request gets.
fn next_status(shared: &Shared) -> u16 {
    let list = &shared.config.statuses;
    if list.is_empty() {
        return 200;
    }
    let n = shared.turn.fetch_add(1, Ordering::Relaxed);
    list[(n % list.len() as u64) as usize]
}
