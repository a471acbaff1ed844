//! A finished check as data: the `--json` object and the JUnit XML report
//! that CI systems (GitHub Actions, GitLab, Jenkins) display as test cases.

use serde_json::{json, Value};

use super::{Outcome, ProbeResult, TIMING_NAME};

impl ProbeResult {
    pub fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX)
    }

    /// `name`, `expected`, `status`, `passed`, `elapsed_ms`, `detail`.
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "expected": self.expected,
            "status": self.status,
            "passed": self.passed,
            "elapsed_ms": self.elapsed_ms(),
            "detail": self.detail,
        })
    }

    /// What a CI summary line shows for a failure.
    fn failure_message(&self) -> String {
        let got = match self.status {
            Some(s) => s.to_string(),
            None if self.timed_out => "no answer in time".to_string(),
            None if self.name == TIMING_NAME => format!("{}ms", self.elapsed_ms()),
            None => "no answer".to_string(),
        };
        format!("expected {}, got {got}", self.expected)
    }
}

impl Outcome {
    /// `url`, `passed`, `probes`.
    pub fn to_json(&self) -> Value {
        json!({
            "url": self.url,
            "passed": self.passed(),
            "probes": self.results.iter().map(ProbeResult::to_json).collect::<Vec<_>>(),
        })
    }
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// The JUnit XML report: one `testcase` per probe, a `failure` with the
/// detail for each failed one.
pub fn junit_xml(outcome: &Outcome) -> String {
    let tests = outcome.results.len();
    let failures = tests - outcome.passed_count();
    // The timing probe's time is the slowest answer, already counted.
    let total_ms: u64 = outcome
        .results
        .iter()
        .filter(|r| r.name != TIMING_NAME)
        .map(ProbeResult::elapsed_ms)
        .sum();
    let time = seconds(total_ms);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"vq-hook check\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"0\" time=\"{time}\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"vq-hook check\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"0\" skipped=\"0\" time=\"{time}\">\n"
    ));
    out.push_str(&format!(
        "    <properties>\n      <property name=\"url\" value=\"{}\"/>\n    </properties>\n",
        xml_escape(&outcome.url)
    ));
    for r in &outcome.results {
        let open = format!(
            "    <testcase classname=\"vq-hook.check\" name=\"{}\" time=\"{}\"",
            xml_escape(&r.name),
            seconds(r.elapsed_ms())
        );
        if r.passed {
            out.push_str(&open);
            out.push_str("/>\n");
            continue;
        }
        out.push_str(&format!(
            "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            xml_escape(&r.failure_message()),
            xml_escape(&r.expected),
            xml_escape(r.detail.as_deref().unwrap_or(""))
        ));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Escapes text for XML content and attribute values. Characters XML 1.0
/// cannot carry at all (most control characters) are dropped.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn result(name: &str, passed: bool, status: Option<u16>, ms: u64) -> ProbeResult {
        ProbeResult {
            name: name.into(),
            expected: "4xx".into(),
            status,
            passed,
            elapsed: Duration::from_millis(ms),
            detail: (!passed).then(|| "accepted <it> & \"more\"\u{1}".into()),
            timed_out: false,
        }
    }

    #[test]
    fn junit_counts_escapes_and_times() {
        let outcome = Outcome {
            url: "http://127.0.0.1:1/a?b=1&c=2".into(),
            results: vec![
                result("ok", true, Some(401), 12),
                result("bad <one>", false, Some(200), 1500),
            ],
        };
        let xml = junit_xml(&outcome);
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(
            xml.contains("value=\"http://127.0.0.1:1/a?b=1&amp;c=2\""),
            "{xml}"
        );
        assert!(xml.contains("name=\"ok\" time=\"0.012\"/>"), "{xml}");
        assert!(
            xml.contains("name=\"bad &lt;one&gt;\" time=\"1.500\">"),
            "{xml}"
        );
        assert!(xml.contains("message=\"expected 4xx, got 200\""), "{xml}");
        assert!(
            xml.contains(">accepted &lt;it&gt; &amp; &quot;more&quot;</failure>"),
            "{xml}"
        );
        assert!(xml.contains("time=\"1.512\""), "{xml}");
    }

    #[test]
    fn json_fields() {
        let outcome = Outcome {
            url: "http://x/".into(),
            results: vec![result("a", false, None, 3)],
        };
        let v = outcome.to_json();
        assert_eq!(v["passed"], false);
        let p = &v["probes"][0];
        assert_eq!(p["status"], Value::Null);
        assert_eq!(p["elapsed_ms"], 3);
        assert_eq!(p["expected"], "4xx");
        assert!(p["detail"].as_str().unwrap().starts_with("accepted"));
    }
}
