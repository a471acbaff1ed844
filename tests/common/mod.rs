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
        match &script[index] {
            Reply::Reset => {
                let _ = stream.shutdown(Shutdown::Both);
                return;
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
                if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body).is_err() {
                    return;
                }
            }
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
