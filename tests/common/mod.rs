//! Shared test parts: a `vq-hook` command with a clean environment, and a
//! small scripted HTTP/1.1 server on loopback that records every request
//! byte for byte.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use assert_cmd::Command;
use vq_hook::secret::Secret;
use vq_hook::signature;

/// The signature header value `secret` gives `body`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    signature::sign(&Secret::from_flag(secret, 0), body)
}

/// stdout and stderr of a finished command, as text.
pub fn output_text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The built binary with no `VQ_HOOK_*`, proxy or colour variables leaking
/// in from the environment, and colour off.
pub fn vq() -> Command {
    let mut cmd = Command::cargo_bin("vq-hook").expect("binary is built");
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy().to_ascii_uppercase();
        if k.starts_with("VQ_HOOK_") || k.ends_with("_PROXY") || k == "CLICOLOR_FORCE" {
            cmd.env_remove(&key);
        }
    }
    cmd.env("NO_COLOR", "1").timeout(Duration::from_secs(60));
    cmd
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answer with this status, extra headers and body, after `delay`.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        delay: Duration,
    },
    /// Read the request, then drop the connection without answering.
    Reset,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply::Respond {
            status,
            headers: vec![],
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    pub fn body(mut self, text: &str) -> Self {
        if let Reply::Respond { body, .. } = &mut self {
            *body = text.as_bytes().to_vec();
        }
        self
    }

    pub fn delay(mut self, d: Duration) -> Self {
        if let Reply::Respond { delay, .. } = &mut self {
            *delay = d;
        }
        self
    }
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names lower-cased, values as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The whole request as it arrived on the wire.
    pub raw: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A loopback server answering from a script: the n-th request gets the
/// n-th reply, and the last reply repeats.
pub struct TestServer {
    pub port: u16,
    host: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    pub fn start(script: Vec<Reply>) -> Self {
        Self::start_on("127.0.0.1", script)
    }

    pub fn start_on(host: &str, script: Vec<Reply>) -> Self {
        assert!(!script.is_empty(), "a server needs at least one reply");
        let bind = if host.contains(':') {
            format!("[{host}]:0")
        } else {
            format!("{host}:0")
        };
        let listener = TcpListener::bind(bind).expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let counter = Arc::new(Mutex::new(0usize));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (seen, script, counter) =
                    (Arc::clone(&seen), script.clone(), Arc::clone(&counter));
                thread::spawn(move || serve(stream, &script, &seen, &counter));
            }
        });
        TestServer {
            port,
            host: host.to_string(),
            requests,
        }
    }

    pub fn url(&self) -> String {
        self.url_path("/hook")
    }

    pub fn url_path(&self, path: &str) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}{path}", self.host, self.port)
        } else {
            format!("http://{}:{}{path}", self.host, self.port)
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, script: &[Reply], seen: &Mutex<Vec<Recorded>>, counter: &Mutex<usize>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let Some(req) = read_request(&mut reader) else {
            return;
        };
        let index = {
            let mut n = counter.lock().unwrap();
            *n += 1;
            (*n - 1).min(script.len() - 1)
        };
        seen.lock().unwrap().push(req);
        if !write_reply(&mut stream, &script[index]) {
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let mut raw = line.clone().into_bytes();
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        raw.extend_from_slice(h.as_bytes());
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    raw.extend_from_slice(&body);
    Some(Recorded {
        method,
        path,
        headers,
        body,
        raw,
    })
}

/// A `vq-hook listen` child process on a free port, its stdout read line by
/// line on a thread. Dropping it kills the process.
pub struct Listening {
    pub child: std::process::Child,
    pub url: String,
    pub port: u16,
    /// The first stdout line (the ready line).
    pub ready: String,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Listening {
    /// Starts `vq-hook listen --port 0 ARGS…` and waits for its ready line.
    pub fn start(args: &[&str]) -> Self {
        Self::try_start(args).unwrap_or_else(|e| panic!("listen did not start: {e}"))
    }

    /// Like `start`, but returns the stderr text when no ready line comes.
    pub fn try_start(args: &[&str]) -> Result<Self, String> {
        use std::process::{Command as Std, Stdio};
        let bin = assert_cmd::cargo::cargo_bin("vq-hook");
        let mut cmd = Std::new(bin);
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy().to_ascii_uppercase();
            if k.starts_with("VQ_HOOK_") || k.ends_with("_PROXY") || k == "CLICOLOR_FORCE" {
                cmd.env_remove(&key);
            }
        }
        cmd.env("NO_COLOR", "1")
            .arg("listen")
            .args(["--port", "0"])
            .args(args);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| e.to_string())?;
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let Ok(ready) = lines.recv_timeout(Duration::from_secs(20)) else {
            let _ = child.kill();
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).ok();
            return Err(err);
        };
        let start = ready
            .find("http://")
            .ok_or_else(|| format!("no URL in {ready:?}"))?;
        let url: String = ready[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '"')
            .collect();
        let port = url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port");
        Ok(Listening {
            child,
            url,
            port,
            ready,
            lines,
        })
    }

    /// The next stdout line, waiting up to 10 s.
    pub fn line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(10))
            .expect("an output line from listen")
    }

    /// The next stdout line parsed as JSON (for `--json`).
    pub fn entry(&self) -> serde_json::Value {
        let line = self.line();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// Every line printed within `wait` from now.
    pub fn lines_for(&self, wait: Duration) -> Vec<String> {
        let end = std::time::Instant::now() + wait;
        let mut out = Vec::new();
        while let Some(left) = end.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) => out.push(l),
                Err(_) => break,
            }
        }
        out
    }

    /// A connection to the listener (IPv4 or IPv6, as bound).
    pub fn connect(&self) -> TcpStream {
        let addr = self.url.trim_start_matches("http://");
        let s = TcpStream::connect(addr).expect("connect to listen");
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        s
    }

    /// Sends SIGTERM, waits for the exit and returns (exit code, stderr).
    pub fn stop(mut self) -> (Option<i32>, String) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let end = std::time::Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            assert!(
                std::time::Instant::now() < end,
                "listen did not stop on SIGTERM"
            );
            thread::sleep(Duration::from_millis(20));
        };
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .ok();
        (status.code(), err)
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response read off a raw connection.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one response (skipping `100 Continue`), body by Content-Length.
pub fn read_response(reader: &mut impl BufRead) -> std::io::Result<RawResponse> {
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h)?;
            let h = h.trim_end_matches(['\r', '\n']);
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        if status == 100 {
            continue;
        }
        let len = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        return Ok(RawResponse {
            status,
            headers,
            body,
        });
    }
}

/// A raw POST with the given headers and a Content-Length.
pub fn raw_post(path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Writes `request` on a fresh connection and reads the answer.
pub fn exchange(stream: TcpStream, request: &[u8]) -> RawResponse {
    let mut writer = stream.try_clone().unwrap();
    writer.write_all(request).expect("send request");
    read_response(&mut BufReader::new(stream)).expect("a response")
}

/// A POST signed with `secret`, with the five VisualQ headers.
pub fn signed(secret: &str, id: &str, body: &[u8]) -> Vec<u8> {
    let sig = vq_hook::signature::sign(&vq_hook::secret::Secret::from_flag(secret, 0), body);
    raw_post(
        "/hook",
        &[
            ("User-Agent", "VisualQ-Webhook/1.0"),
            ("Content-Type", "application/json"),
            ("X-VisualQ-Event", "run.completed"),
            ("X-VisualQ-Delivery", id),
            ("X-VisualQ-Signature", &sig),
        ],
        body,
    )
}

/// A POST with an event and delivery id but no signature.
pub fn unsigned(id: &str, body: &[u8]) -> Vec<u8> {
    let headers = [
        ("X-VisualQ-Event", "run.started"),
        ("X-VisualQ-Delivery", id),
    ];
    raw_post("/hook", &headers, body)
}

/// The body of a saved raw request (after the blank line).
pub fn saved_body(path: &str) -> Vec<u8> {
    let file = std::fs::read(path).expect("saved file");
    let at = file
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a blank line")
        + 4;
    file[at..].to_vec()
}

/// `vq-hook verify --secret S FILE` on a saved file: Some(exit code), or
/// None while `verify` is not built on this branch.
pub fn verify(secret: &str, path: &str) -> Option<i32> {
    let out = vq()
        .args(["verify", "--secret", secret, path])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("not built yet") {
        return None;
    }
    out.status.code()
}

/// A file's permission bits.
#[cfg(unix)]
pub fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}
/// What a handler-driven server does with each request.
pub type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync + 'static;

impl TestServer {
    /// A loopback server whose answers come from `handler`, called once per
    /// request (with keep-alive connections served in turn).
    pub fn start_with(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let handler: Arc<Handler> = Arc::new(handler);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (seen, handler) = (Arc::clone(&seen), Arc::clone(&handler));
                thread::spawn(move || serve_with(stream, &*handler, &seen));
            }
        });
        TestServer {
            port,
            host: "127.0.0.1".to_string(),
            requests,
        }
    }
}

fn serve_with(stream: TcpStream, handler: &Handler, seen: &Mutex<Vec<Recorded>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    while let Some(req) = read_request(&mut reader) {
        // Record before answering, so a client that gives up early (a
        // timeout) still leaves a trace.
        seen.lock().unwrap().push(req.clone());
        let reply = handler(&req);
        if !write_reply(&mut stream, &reply) {
            return;
        }
    }
}

/// Sends one scripted reply; false when the connection is finished.
fn write_reply(stream: &mut TcpStream, reply: &Reply) -> bool {
    match reply {
        Reply::Reset => {
            let _ = stream.shutdown(Shutdown::Both);
            false
        }
        Reply::Respond {
            status,
            headers,
            body,
            delay,
        } => {
            thread::sleep(*delay);
            let mut head = format!(
                "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).is_ok() && stream.write_all(body).is_ok()
        }
    }
}

/// `vq-hook send EVENT --url URL --secret SECRET`, the call most tests
/// start from.
pub fn send_to(event: &str, url: &str, secret: &str) -> Command {
    let mut cmd = vq();
    cmd.args(["send", event, "--url", url, "--secret", secret]);
    cmd
}
