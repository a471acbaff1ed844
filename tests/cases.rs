//! One test per shared capture case in `tests/cases/` (copied from
//! `/work/shared/cases/`): each runs `vq-hook verify` on the capture and
//! asserts the outcome its `.expect` file requires (exit 0 valid, 1 invalid,
//! 2 error), the check that failed and the hint the reason names. A last
//! test runs every case through `--json`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::vq;
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

/// The outcome a case's `.expect` file asks for: `valid`, `invalid` or `error`.
fn expected(case: &str) -> String {
    let text = fs::read_to_string(dir().join(format!("{case}.expect"))).expect("expect file");
    text.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// `verify` on the case, with `--secret-file` when the case has a secret file.
fn verify(case: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = vq();
    cmd.current_dir(dir())
        .arg("verify")
        .arg(format!("{case}.txt"));
    let secret_file = format!("{case}.secret");
    if dir().join(&secret_file).exists() {
        cmd.args(["--secret-file", &secret_file]);
    } else {
        cmd.args(["--secret", "test-secret"]);
    }
    cmd.args(extra);
    cmd
}

/// Runs a case and checks its exit code, its verdict line, and that stdout
/// and stderr hold the given phrases (and never the secret).
fn check(case: &str, stdout_has: &[&str], stderr_has: &[&str]) {
    let want = expected(case);
    let code = match want.as_str() {
        "valid" => 0,
        "invalid" => 1,
        _ => 2,
    };
    let out = verify(case, &[]).assert().code(code).get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match want.as_str() {
        "valid" => assert!(
            stdout.starts_with("valid: signature matches"),
            "{case}: {stdout}"
        ),
        "invalid" => assert!(stdout.starts_with("invalid: "), "{case}: {stdout}"),
        _ => assert!(stderr.starts_with("vq-hook: error: "), "{case}: {stderr}"),
    }
    for needle in stdout_has {
        assert!(
            stdout.contains(needle),
            "{case}: stdout lacks {needle:?}:\n{stdout}"
        );
    }
    for needle in stderr_has {
        assert!(
            stderr.contains(needle),
            "{case}: stderr lacks {needle:?}:\n{stderr}"
        );
    }
    for text in [&stdout, &stderr] {
        assert!(
            !text.contains("test-secret"),
            "{case}: the secret leaked:\n{text}"
        );
    }
}

#[test]
fn case_01a_reserialized_json_raw() {
    check("01a-reserialized-json-raw", &[], &[]);
}

#[test]
fn case_01b_reserialized_json_reserialized() {
    check(
        "01b-reserialized-json-reserialized",
        &["signature does not match", "re-serialised"],
        &[],
    );
}

#[test]
fn case_02a_json_unicode_escapes_escaped() {
    check(
        "02a-json-unicode-escapes-escaped",
        &["\"user\": \"José\""],
        &[],
    );
}

#[test]
fn case_02b_json_unicode_escapes_unescaped() {
    check(
        "02b-json-unicode-escapes-unescaped",
        &["signature does not match", "escaped (\\u00e9, \\/)"],
        &[],
    );
}

#[test]
fn case_03_utf8_emoji() {
    check("03-utf8-emoji", &["Gold 🎉", "café"], &[]);
}

#[test]
fn case_05_curl_d_stripped_newlines() {
    check(
        "05-curl-d-stripped-newlines",
        &["signature does not match", "newlines were stripped"],
        &[],
    );
}

#[test]
fn case_06a_trailing_crlf_body_ends_crlf() {
    check("06a-trailing-crlf-body-ends-crlf", &["32 bytes"], &[]);
}

#[test]
fn case_06b_trailing_crlf_extra_lf_after_content_length() {
    check(
        "06b-trailing-crlf-extra-lf-after-content-length",
        &["32 bytes"],
        &["ignored 1 extra byte"],
    );
}

#[test]
fn case_07a_crlf_vs_lf_lf_only_header_lines() {
    check("07a-crlf-vs-lf-lf-only-header-lines", &["48 bytes"], &[]);
}

#[test]
fn case_07b_crlf_vs_lf_body_converted_to_crlf() {
    check(
        "07b-crlf-vs-lf-body-converted-to-crlf",
        &["signature does not match", "CRLF line ends converted to LF"],
        &[],
    );
}

#[test]
fn case_08a_utf8_bom_bom_signed() {
    check("08a-utf8-bom-bom-signed", &["17 bytes"], &[]);
}

#[test]
fn case_09a_header_whitespace_ows_around_value() {
    check("09a-header-whitespace-ows-around-value", &[], &[]);
}

#[test]
fn case_09b_header_whitespace_space_after_prefix() {
    check(
        "09b-header-whitespace-space-after-prefix",
        &[
            "malformed X-VisualQ-Signature header",
            "white space after 'sha256='",
            "only the format is wrong",
        ],
        &[],
    );
}

#[test]
fn case_10_uppercase_hex() {
    check("10-uppercase-hex", &[], &[]);
}

#[test]
fn case_11a_malformed_prefix_no_prefix() {
    check(
        "11a-malformed-prefix-no-prefix",
        &[
            "malformed X-VisualQ-Signature header",
            "sha256=<64 hex digits>",
            "the 'sha256=' prefix is missing",
            "the digest itself matches; only the format is wrong",
        ],
        &[],
    );
}

#[test]
fn case_11c_malformed_prefix_garbage() {
    check(
        "11c-malformed-prefix-garbage",
        &[
            "malformed X-VisualQ-Signature header",
            "sha256=<64 hex digits>",
            "'garbage'",
        ],
        &[],
    );
}

#[test]
fn case_12_lowercase_header_names() {
    check(
        "12-lowercase-header-names",
        &["6d1f3a52-0000-4000-8000-000000000012"],
        &[],
    );
}

#[test]
fn case_13a_duplicate_signature_headers_two_lines() {
    check(
        "13a-duplicate-signature-headers-two-lines",
        &["secret: --secret)"],
        &[],
    );
}

#[test]
fn case_14_missing_signature_header() {
    check(
        "14-missing-signature-header",
        &["missing X-VisualQ-Signature header"],
        &[],
    );
}

#[test]
fn case_15_chunked_capture() {
    check(
        "15-chunked-capture",
        &["25 bytes", "\"event\": \"chunked\""],
        &[],
    );
}

#[test]
fn case_16_gzip_capture() {
    check("16-gzip-capture", &["decompressed from gzip"], &[]);
}

#[test]
fn case_18_base64_digest() {
    check(
        "18-base64-digest",
        &[
            "malformed X-VisualQ-Signature header",
            "the digest is base64, not hex",
            "the digest itself matches",
        ],
        &[],
    );
}

#[test]
fn case_19_secret_trailing_newline() {
    check(
        "19-secret-trailing-newline",
        &["secret: --secret-file"],
        &[],
    );
}

#[test]
fn case_20_secret_quoted() {
    check(
        "20-secret-quoted",
        &["signature does not match", "secret is wrapped in quotes"],
        &[],
    );
}

#[test]
fn case_34_listener_expect_100_continue() {
    check("34-listener-expect-100-continue", &["2048 bytes"], &[]);
}

#[test]
fn unknown_event_in_cases_is_a_warning_only() {
    let out = verify("01a-reserialized-json-raw", &[])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("vq-hook: warning:") && stderr.contains("build.completed"),
        "{stderr}"
    );
}

#[test]
fn every_case_through_json() {
    let mut seen = 0;
    for entry in fs::read_dir(dir()).expect("cases dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "expect") {
            continue;
        }
        let case = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("name")
            .to_string();
        let want = expected(&case);
        let code = if want == "valid" {
            0
        } else if want == "invalid" {
            1
        } else {
            2
        };
        let out = verify(&case, &["--json"])
            .assert()
            .code(code)
            .get_output()
            .clone();
        seen += 1;
        if code == 2 {
            continue;
        }
        let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
        assert_eq!(v["valid"], Value::Bool(want == "valid"), "{case}: {v}");
        for key in ["event", "delivery", "expected", "received", "secret"] {
            assert!(v.get(key).is_some(), "{case}: no {key}");
        }
        for key in ["signatures", "hints", "warnings"] {
            assert!(v[key].is_array(), "{case}: {key} is not an array");
        }
        assert!(
            v["expected"]
                .as_str()
                .is_some_and(|e| e.starts_with("sha256=")),
            "{case}"
        );
        assert_eq!(v["valid"], Value::Bool(v["secret"].is_string()), "{case}");
        if want == "invalid" && case.starts_with("14-") {
            assert!(v["received"].is_null() && v["signatures"] == serde_json::json!([]));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("test-secret"), "{case}: the secret leaked");
    }
    assert_eq!(seen, 25, "every shared case was run");
}
