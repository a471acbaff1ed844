//! Bad input, every command: empty, huge and binary stdin; missing,
//! unreadable and directory paths; invalid UTF-8 arguments; bad URLs,
//! durations and sizes; conflicting flags; missing secrets. Each must end
//! with exit 2 and exactly one `vq-hook: error: ` line on stderr, never a
//! panic, and must write nothing (no stdout, no request, no `--save` dir).

mod common;

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{output_text, vq};
use predicates::prelude::*;

/// Runs `cmd` and checks the contract for bad input; returns stderr.
fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run vq-hook");
    // Formatted only on failure: with a big stdin, `{cmd:?}` is huge.
    check_failed(&out, || {
        let mut c = format!("{cmd:?}");
        c.truncate(1000);
        c
    })
}

/// The bad-input contract on a finished run: exit 2, one error line, no
/// panic, nothing on stdout.
fn check_failed(out: &std::process::Output, what: impl Fn() -> String) -> String {
    let (stdout, stderr) = output_text(out);
    let shown = || format!("{}\nstderr: {stderr}", what());
    assert_eq!(out.status.code(), Some(2), "exit code of {}", shown());
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "a panic: {}",
        shown()
    );
    assert!(
        stderr.starts_with("vq-hook: error: "),
        "no error line: {}",
        shown()
    );
    assert_eq!(
        stderr.trim_end_matches('\n').lines().count(),
        1,
        "more than one line: {}",
        shown()
    );
    assert!(
        stdout.is_empty(),
        "stdout written: {}\nstdout: {stdout}",
        shown()
    );
    stderr
}

/// Runs the binary (clean environment, as `vq()`) with a file as stdin,
/// handed over as a file descriptor rather than copied through a pipe.
fn run_with_stdin_file(args: &[String], stdin: &Path) -> std::process::Output {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("vq-hook"));
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy().to_ascii_uppercase();
        if k.starts_with("VQ_HOOK_") || k.ends_with("_PROXY") || k == "CLICOLOR_FORCE" {
            cmd.env_remove(&key);
        }
    }
    cmd.env("NO_COLOR", "1").args(args);
    cmd.stdin(std::fs::File::open(stdin).unwrap());
    cmd.output().expect("run vq-hook")
}

/// `vq-hook ARGS…` expected to fail as bad input.
fn fails_with(args: &[&OsStr]) -> String {
    fails(vq().args(args))
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

/// A loopback port nobody answers on, plus a way to check nobody called.
struct Trap(TcpListener);

impl Trap {
    fn new() -> Self {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        Trap(l)
    }

    fn port(&self) -> u16 {
        self.0.local_addr().unwrap().port()
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port())
    }

    fn assert_untouched(&self) {
        match self.0.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => panic!("a connection was made: {other:?}"),
        }
    }
}

fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

/// Every command that reads a body or a capture from stdin, with what it
/// needs besides stdin.
fn stdin_readers(trap: &Trap) -> Vec<Vec<String>> {
    let url = trap.url();
    let strings = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        strings(&["verify", "--secret", "s"]),
        strings(&["verify", "--secret", "s", "-"]),
        strings(&["sample", "--payload", "-"]),
        strings(&["sample", "--payload", "-", "--set", "a=1"]),
        strings(&["send", "--payload", "-", "--url", &url, "--secret", "s"]),
        strings(&[
            "send",
            "--payload",
            "-",
            "--url",
            &url,
            "--secret",
            "s",
            "--dry-run",
        ]),
        strings(&[
            "send",
            "run.started",
            "--payload",
            "-",
            "--url",
            &url,
            "--secret",
            "s",
        ]),
        strings(&["replay", "-", "--url", &url]),
    ]
}

#[test]
fn empty_stdin_is_an_input_error() {
    let trap = Trap::new();
    for args in stdin_readers(&trap) {
        fails(vq().args(&args).write_stdin(""));
    }
    trap.assert_untouched();
}

#[test]
fn binary_stdin_is_an_input_error() {
    let trap = Trap::new();
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    for args in stdin_readers(&trap) {
        let err = fails(vq().args(&args).write_stdin(binary.clone()));
        assert!(err.len() < 400, "the error quotes too much: {err}");
    }
    trap.assert_untouched();
}

#[test]
fn huge_stdin_is_an_input_error_not_a_hang_or_a_crash() {
    let trap = Trap::new();
    // 50 MiB with no blank line and no valid JSON anywhere.
    let junk = temp_file(&vec![b'x'; 50 << 20]);
    // Run side by side: each one takes a while in a debug build.
    std::thread::scope(|scope| {
        for args in stdin_readers(&trap) {
            let junk = junk.path();
            scope.spawn(move || {
                let out = run_with_stdin_file(&args, junk);
                check_failed(&out, || format!("{args:?} < 50 MiB of 'x'"));
            });
        }
    });
    // A head promising more than the 50 MiB that follow: a truncated body.
    let mut req = b"POST /h HTTP/1.1\r\nContent-Length: 60000000\r\n\r\n".to_vec();
    req.resize(req.len() + (50 << 20), b'{');
    let truncated = temp_file(&req);
    let url = trap.url();
    for args in [
        vec!["verify", "-", "--secret", "s"],
        vec!["replay", "-", "--url", &url],
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let out = run_with_stdin_file(&args, truncated.path());
        let err = check_failed(&out, || format!("{args:?} < truncated body"));
        assert!(err.contains("60000000") || err.contains("trunc"), "{err}");
    }
    trap.assert_untouched();
}

#[test]
fn sign_accepts_any_stdin_so_these_are_not_errors() {
    // `sign` signs bytes: empty, binary and huge stdin are valid input.
    let big = temp_file(&vec![0xffu8; 50 << 20]);
    let binary: Vec<u8> = (0..=255u8).collect();
    for input in [Vec::new(), binary] {
        let want = common::sign("s", &input);
        let out = vq()
            .args(["sign", "--secret", "s"])
            .write_stdin(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{want}\n"));
    }
    let out = run_with_stdin_file(&["sign".into(), "--secret".into(), "s".into()], big.path());
    assert_eq!(out.status.code(), Some(0));
}

/// Commands that take a file path, given `path` in that place.
fn path_commands(path: &Path, trap: &Trap) -> Vec<Vec<OsString>> {
    let url = trap.url();
    let p = path.as_os_str().to_owned();
    let o = |s: &str| OsString::from(s);
    vec![
        vec![o("sign"), o("--secret"), o("s"), p.clone()],
        vec![o("verify"), o("--secret"), o("s"), p.clone()],
        vec![o("sample"), o("--payload"), p.clone()],
        vec![
            o("send"),
            o("--payload"),
            p.clone(),
            o("--url"),
            o(&url),
            o("--secret"),
            o("s"),
        ],
        vec![o("replay"), p.clone(), o("--url"), o(&url)],
        // --secret-file, wherever a secret is taken.
        vec![o("sign"), o("--secret-file"), p.clone()],
        vec![o("verify"), o("--secret-file"), p.clone(), o("-")],
        vec![
            o("send"),
            o("run.started"),
            o("--url"),
            o(&url),
            o("--secret-file"),
            p.clone(),
        ],
        vec![
            o("listen"),
            o("--port"),
            o("0"),
            o("--secret-file"),
            p.clone(),
        ],
        vec![
            o("replay"),
            o("-"),
            o("--url"),
            o(&url),
            o("--secret-file"),
            p.clone(),
        ],
        // --cacert on an https URL.
        vec![
            o("send"),
            o("run.started"),
            o("--url"),
            o("https://127.0.0.1:1/hook"),
            o("--secret"),
            o("s"),
            o("--cacert"),
            p.clone(),
        ],
    ]
}

fn saved_capture() -> tempfile::NamedTempFile {
    let body = b"{\"event\":\"run.started\"}";
    temp_file(&common::raw_post("/hook", &[], body))
}

#[test]
fn missing_paths_are_input_errors_naming_the_path() {
    let trap = Trap::new();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-file.json");
    let capture = saved_capture();
    for args in path_commands(&missing, &trap) {
        let err = fails(vq().args(&args).pipe_stdin(capture.path()).unwrap());
        assert!(err.contains("no-such-file.json"), "{err}");
    }
    trap.assert_untouched();
}

#[test]
fn directories_are_input_errors_naming_the_path() {
    let trap = Trap::new();
    let dir = tempfile::tempdir().unwrap();
    let capture = saved_capture();
    for args in path_commands(dir.path(), &trap) {
        let err = fails(vq().args(&args).pipe_stdin(capture.path()).unwrap());
        let name = dir.path().file_name().unwrap().to_string_lossy();
        assert!(err.contains(&*name), "{err}");
    }
    trap.assert_untouched();
}

#[test]
fn unreadable_files_are_input_errors() {
    // The tests may run as root, for whom mode 000 does not stop a read;
    // then a path through a regular file (`file/child`, ENOTDIR) stands in
    // for an unreadable path: it exists up to a point and cannot be opened.
    use std::os::unix::fs::PermissionsExt;
    let trap = Trap::new();
    let locked = temp_file(b"{}");
    std::fs::set_permissions(locked.path(), std::fs::Permissions::from_mode(0o000)).unwrap();
    let root = std::fs::File::open(locked.path()).is_ok();
    let path: PathBuf = if root {
        eprintln!("note: running as root, mode 000 is readable; using a path under a file");
        locked.path().join("child")
    } else {
        locked.path().to_path_buf()
    };
    let capture = saved_capture();
    for args in path_commands(&path, &trap) {
        fails(vq().args(&args).pipe_stdin(capture.path()).unwrap());
    }
    trap.assert_untouched();
}

#[test]
fn secret_file_that_is_empty_or_only_a_newline_is_an_error() {
    for content in [&b""[..], b"\n", b"\r\n"] {
        let f = temp_file(content);
        let p = f.path().as_os_str();
        fails_with(&[os("sign"), os("--secret-file"), p]);
        fails(
            vq().args([os("verify"), os("--secret-file"), p])
                .write_stdin("x"),
        );
        fails_with(&[os("listen"), os("--port"), os("0"), os("--secret-file"), p]);
    }
}

#[test]
fn invalid_utf8_in_arguments_is_an_input_error() {
    let trap = Trap::new();
    let bad = OsStr::from_bytes(b"bad-\xff\xfe");
    let url = trap.url();
    let url = os(&url);
    let cases: Vec<Vec<&OsStr>> = vec![
        vec![os("sample"), bad],
        vec![os("sample"), os("run.started"), os("--set"), bad],
        vec![os("sample"), os("run.started"), os("--unset"), bad],
        vec![os("sample"), os("run.started"), os("--project-id"), bad],
        vec![os("sign"), os("--secret"), bad],
        vec![os("send"), bad, os("--url"), url, os("--secret"), os("s")],
        vec![
            os("send"),
            os("run.started"),
            os("--url"),
            bad,
            os("--secret"),
            os("s"),
        ],
        vec![
            os("send"),
            os("run.started"),
            os("--url"),
            url,
            os("--secret"),
            bad,
        ],
        vec![
            os("send"),
            os("run.started"),
            os("--url"),
            url,
            os("--secret"),
            os("s"),
            os("-H"),
            bad,
        ],
        vec![
            os("send"),
            os("run.started"),
            os("--url"),
            url,
            os("--timeout"),
            bad,
        ],
        vec![os("verify"), os("--secret"), bad],
        vec![
            os("verify"),
            os("--secret"),
            os("s"),
            os("--signature"),
            bad,
        ],
        vec![os("listen"), os("--port"), os("0"), os("--host"), bad],
        vec![os("listen"), os("--port"), os("0"), os("--forward-to"), bad],
        vec![os("replay"), os("-"), os("--url"), bad],
        vec![os("completions"), bad],
        vec![os("events"), bad],
        vec![bad],
    ];
    for args in cases {
        fails(vq().args(&args).write_stdin(""));
    }
    // A path is bytes on Unix: a file name that is not UTF-8 is a missing
    // file, reported as such.
    let dir = tempfile::tempdir().unwrap();
    let mut p = dir.path().as_os_str().to_owned();
    p.push("/");
    p.push(bad);
    fails_with(&[os("sign"), os("--secret"), os("s"), &p]);
    fails_with(&[os("verify"), os("--secret"), os("s"), &p]);
    fails_with(&[os("replay"), &p, os("--url"), url]);
    trap.assert_untouched();
}

#[test]
fn bad_urls_are_refused_before_any_network_io() {
    let trap = Trap::new();
    let port = trap.port();
    let urls = [
        format!("127.0.0.1:{port}/hook"),
        format!("localhost:{port}/hook"),
        "http://::1:8080/hook".to_string(),
        "http://fe80::1/hook".to_string(),
        format!("ftp://127.0.0.1:{port}/hook"),
        "file:///etc/passwd".to_string(),
        "http://".to_string(),
        "   ".to_string(),
        "http://[::1/hook".to_string(),
    ];
    let capture = saved_capture();
    for url in &urls {
        fails(vq().args(["send", "run.started", "--secret", "s", "--url", url]));
        fails(vq().args([
            "send",
            "run.started",
            "--secret",
            "s",
            "--dry-run",
            "--url",
            url,
        ]));
        fails(vq().args([
            "send",
            "run.started",
            "--secret",
            "s",
            "--curl",
            "--url",
            url,
        ]));
        fails(
            vq().args(["send", "run.started", "--secret", "s"])
                .env("VQ_HOOK_URL", url),
        );
        let p = capture.path().to_str().unwrap();
        fails(vq().args(["replay", p, "--url", url]));
        fails(vq().args(["listen", "--port", "0", "--forward-to", url]));
    }
    let err = fails(vq().args(["send", "run.started", "--secret", "s", "--url", &urls[1]]));
    assert!(
        err.contains(&format!("http://localhost:{port}/hook")),
        "{err}"
    );
    trap.assert_untouched();
}

#[test]
fn missing_url_is_an_error_naming_flag_and_variable() {
    let capture = saved_capture();
    let err = fails(vq().args(["send", "run.started", "--secret", "s"]));
    assert!(
        err.contains("--url") && err.contains("VQ_HOOK_URL"),
        "{err}"
    );
    fails(vq().args(["replay", capture.path().to_str().unwrap()]));
    fails(vq().args(["send", "run.started", "--secret", "s", "--url", ""]));
}

const BAD_DURATIONS: &[&str] = &[
    "",
    "abc",
    "-1s",
    "1x",
    "1.2.3s",
    "ms",
    "99999999h",
    "nan",
    "inf",
    "1e3",
    "1 2s",
    "٣s",
    "10sec0",
    "0x10",
    "1h1m",
    "1.7976931348623157e308",
];

const BAD_SIZES: &[&str] = &[
    "",
    "ten",
    "-5",
    "5XB",
    "1e9",
    "nan",
    "99999999999GiB",
    "1.2.3MiB",
    "1 2",
    "Ⅻ",
    "0x10",
];

#[test]
fn bad_durations_are_input_errors_quoting_the_value() {
    let trap = Trap::new();
    let url = trap.url();
    let capture = saved_capture();
    let p = capture.path().to_str().unwrap();
    for bad in BAD_DURATIONS {
        let (timeout, retry) = (format!("--timeout={bad}"), format!("--retry-delay={bad}"));
        let delay = format!("--delay={bad}");
        let cmds: Vec<Vec<&str>> = vec![
            vec![
                "send",
                "run.started",
                "--url",
                &url,
                "--secret",
                "s",
                &timeout,
            ],
            vec![
                "send",
                "run.started",
                "--url",
                &url,
                "--secret",
                "s",
                &retry,
            ],
            vec!["replay", p, "--url", &url, &timeout],
            vec!["replay", p, "--url", &url, &retry],
            vec!["listen", "--port", "0", &delay],
        ];
        for args in cmds {
            let err = fails(vq().args(&args));
            assert!(err.contains(&format!("'{bad}'")), "{err}");
        }
    }
    trap.assert_untouched();
}

#[test]
fn bad_sizes_are_input_errors_quoting_the_value() {
    for bad in BAD_SIZES {
        let flag = format!("--max-body={bad}");
        let err = fails(vq().args(["listen", "--port", "0", &flag]));
        assert!(err.contains(&format!("'{bad}'")), "{err}");
    }
}

#[test]
fn conflicting_and_out_of_range_flags_are_input_errors() {
    let trap = Trap::new();
    let url = trap.url();
    let capture = saved_capture();
    let p = capture.path().to_str().unwrap();
    let f = capture.path().to_str().unwrap();
    let send = |extra: &[&str]| {
        let mut a = vec!["send", "--url", &url, "--secret", "s"];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let strings = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let cases = vec![
        send(&["run.started", "--dry-run", "--curl"]),
        send(&["run.started", "--unsigned", "--signature", "sha256=00"]),
        send(&["run.started", "--all"]),
        send(&["run.started", "--concurrency", "2"]),
        send(&["run.started", "--fresh-run-id"]),
        send(&["run.started", "--repeat", "0"]),
        send(&["run.started", "--repeat", "-1"]),
        send(&["run.started", "--repeat", "2", "--concurrency", "0"]),
        send(&["run.started", "--repeat", "2", "--concurrency", "10001"]),
        send(&["run.started", "--secret-file", f]),
        send(&["run.started", "-H", "X-VisualQ-Signature: sha256=00"]),
        send(&["run.started", "-H", "Content-Length: 3"]),
        send(&["run.started", "-H", "no colon"]),
        send(&["run.started", "-H", ": empty name"]),
        send(&["run.started", "--run-type", "not-a-type"]),
        send(&["run.started", "--set", "no-equals-sign"]),
        send(&["run.started", "--set", "a..b=1"]),
        send(&["run.started", "--set", "event.x=1"]),
        send(&["run.started", "--unset", ".x"]),
        send(&["no.such.event"]),
        send(&[]),
        strings(&[
            "send",
            "run.started",
            "--url",
            &url,
            "--secret",
            "s",
            "-q",
            "-v",
        ]),
        strings(&["sample", "run.started", "--all"]),
        strings(&["sample", "run.started", "--set", "event.x=1"]),
        strings(&["sample"]),
        strings(&["sample", "nope"]),
        strings(&["sign", "--secret", "s", "--secret-file", f]),
        strings(&["sign", "--secret", "s", "a", "b"]),
        // (verify combines --secret and --secret-file for rotation)
        strings(&["verify", "--secret", "s", "a", "b"]),
        strings(&[
            "listen",
            "--port",
            "0",
            "--status",
            "503",
            "--forward-to",
            &url,
        ]),
        strings(&["listen", "--port", "0", "--status", "999"]),
        strings(&["listen", "--port", "0", "--status", "abc"]),
        strings(&["listen", "--port", "70000"]),
        strings(&["listen", "--port", "0", "--secret", "s", "--secret-file", f]),
        strings(&[
            "replay",
            p,
            "--url",
            &url,
            "--secret",
            "s",
            "--secret-file",
            f,
        ]),
        strings(&["replay"]),
        strings(&["completions", "tcsh"]),
        strings(&["events", "--json", "extra"]),
        strings(&["--color", "sometimes", "events"]),
        strings(&["no-such-command"]),
    ];
    for args in cases {
        fails(vq().args(&args).write_stdin(""));
    }
    trap.assert_untouched();
}

#[test]
fn empty_secret_flag_is_an_error() {
    let trap = Trap::new();
    let url = trap.url();
    fails(vq().args(["sign", "--secret", ""]).write_stdin("x"));
    fails(
        vq().args(["verify", "--secret", "", "--signature", "sha256=00"])
            .write_stdin("x"),
    );
    fails(vq().args(["send", "run.started", "--url", &url, "--secret", ""]));
    fails(vq().args(["listen", "--port", "0", "--secret", ""]));
    trap.assert_untouched();
}

#[test]
fn missing_secret_is_an_error_naming_flags_and_variable() {
    let trap = Trap::new();
    let url = trap.url();
    let cmds: Vec<Vec<&str>> = vec![
        vec!["sign"],
        vec!["verify"],
        vec!["verify", "--signature", "sha256=00"],
        vec!["send", "run.started", "--url", &url],
        vec!["send", "run.started", "--url", &url, "--dry-run"],
        vec!["send", "run.started", "--url", &url, "--curl"],
    ];
    for args in cmds {
        let err = fails(vq().args(&args).write_stdin("x"));
        assert!(
            err.contains("--secret") && err.contains("VQ_HOOK_SECRET"),
            "{err}"
        );
    }
    // An empty VQ_HOOK_SECRET counts as none.
    fails(
        vq().args(["sign"])
            .env("VQ_HOOK_SECRET", "")
            .write_stdin("x"),
    );
    trap.assert_untouched();
}

/// `listen --save DIR` with flags that fail before serving.
fn listen_save_fails(extra: &[&str]) {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("saved");
    let mut args = vec!["listen", "--save", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    if !extra.contains(&"--port") {
        args.extend_from_slice(&["--port", "0"]);
    }
    fails(vq().args(&args));
    assert!(
        !dir.exists(),
        "listen {extra:?} created --save {}",
        dir.display()
    );
}

#[test]
fn listen_with_bad_flags_creates_no_save_dir() {
    listen_save_fails(&["--max-body", "lots"]);
    listen_save_fails(&["--delay", "soon"]);
    listen_save_fails(&["--status", "99"]);
    listen_save_fails(&["--secret", ""]);
    listen_save_fails(&["--secret-file", "/no/such/secret"]);
    listen_save_fails(&["--forward-to", "localhost:1/x"]);
    listen_save_fails(&["--forward-to", "http://127.0.0.1:1", "--status", "200"]);
}

#[test]
fn listen_that_cannot_bind_creates_no_save_dir() {
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    for args in [
        vec!["--host", "no such host name"],
        vec!["--host", "192.0.2.1"],
        vec!["--host", "127.0.0.1", "--port", &port],
    ] {
        listen_save_fails(&args);
    }
}

#[test]
fn save_path_that_is_a_file_is_an_error() {
    let f = temp_file(b"not a dir");
    fails(vq().args([
        "listen",
        "--port",
        "0",
        "--save",
        f.path().to_str().unwrap(),
    ]));
    assert_eq!(std::fs::read(f.path()).unwrap(), b"not a dir");
}

/// Review A3: a CR or LF in a header value would smuggle extra headers in
/// (and break "--dry-run prints the wire bytes"); it is refused instead.
#[test]
fn header_values_with_control_characters_are_refused() {
    for args in [
        &["--delivery-id", "a\r\nX-Evil: 1"][..],
        &["--delivery-id", "a\nb"],
        &["--signature", "sha256=x\r\nX-Evil: 1"],
        &["-H", "X-A: a\r\nX-Injected: 1"],
        &["--delivery-id", ""],
    ] {
        vq().args(["send", "run.started", "--dry-run", "--secret", "s"])
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with("vq-hook: error: "))
            .stderr(predicate::function(|s: &str| s.lines().count() == 1));
    }
    vq().args(["send", "--payload", "-", "--dry-run", "--secret", "s"])
        .write_stdin("{\"event\":\"run.started\\r\\nX: 1\"}")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("contains a control character"));
}
