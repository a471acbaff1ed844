//! `vq-hook demo` runs green on its own: no outside service, both sides of
//! every exchange printed.

mod common;

use common::{output_text, vq};

#[test]
fn demo_shows_a_retry_and_a_passing_audit() {
    let out = vq().arg("demo").assert().success().get_output().clone();
    let (stdout, stderr) = output_text(&out);
    assert!(
        stdout.contains("/webhooks  500 Internal Server Error"),
        "{stdout}"
    );
    assert!(
        stdout.contains("attempt 2  POST http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(stdout.contains("/webhooks  200 OK"), "{stdout}");
    assert!(stdout.contains("delivered: run.failed"), "{stdout}");
    assert!(
        stdout.contains("signature valid  duplicate  -> 200"),
        "the retry reuses the id"
    );
    assert!(stdout.contains("signature invalid  -> 401"), "{stdout}");
    assert!(stdout.contains("signature missing  -> 401"), "{stdout}");
    assert!(stdout.contains("all 13 probes passed"), "{stdout}");
    assert_eq!(
        stdout.matches("listen │").count(),
        14,
        "one listener line per request"
    );
    assert!(
        !stdout.contains("whsec_") && !stderr.contains("whsec_"),
        "the secret is never shown"
    );
}
