//! The seven VisualQ event types and their documented sample payloads.
//!
//! The samples live in `fixtures/` as data and are embedded here, so the
//! binary needs no files beside itself.

use crate::error::{Error, Result};

/// One event type as the VisualQ reference documents it.
#[derive(Debug)]
pub struct EventType {
    pub name: &'static str,
    pub description: &'static str,
    /// Whether the platform sends it today.
    pub emitted: bool,
    /// Whether it can be picked in Settings → Integrations.
    pub selectable: bool,
    /// The documented sample, pretty-printed, with a trailing newline.
    pub sample: &'static str,
}

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../fixtures/", $name, ".json"))
    };
}

/// Every event type, in the order the reference lists them.
pub const EVENTS: &[EventType] = &[
    EventType {
        name: "run.started",
        description: "a test run begins",
        emitted: true,
        selectable: true,
        sample: fixture!("run.started"),
    },
    EventType {
        name: "run.completed",
        description: "a test run finishes successfully",
        emitted: true,
        selectable: true,
        sample: fixture!("run.completed"),
    },
    EventType {
        name: "run.failed",
        description: "a test run hits an error",
        emitted: true,
        selectable: true,
        sample: fixture!("run.failed"),
    },
    EventType {
        name: "diff.detected",
        description: "visual differences are found in a test run",
        emitted: true,
        selectable: true,
        sample: fixture!("diff.detected"),
    },
    EventType {
        name: "scenario.approved",
        description: "changes are approved (defined for a future release, not emitted yet)",
        emitted: false,
        selectable: true,
        sample: fixture!("scenario.approved"),
    },
    EventType {
        name: "ai.analysis.completed",
        description: "a Smart Diff AI analysis finishes",
        emitted: true,
        selectable: false,
        sample: fixture!("ai.analysis.completed"),
    },
    EventType {
        name: "quality_score.dropped",
        description: "a Full audit's Quality Score drops by 5 points or more",
        emitted: true,
        selectable: false,
        sample: fixture!("quality_score.dropped"),
    },
];

/// The five documented values of `runType`.
pub const RUN_TYPES: &[&str] = &[
    "vrt-test",
    "perf-test",
    "seo-test",
    "tracking-test",
    "baseline",
];

/// Looks an event up by name, or explains which names exist.
pub fn find(name: &str) -> Result<&'static EventType> {
    if let Some(e) = lookup(name) {
        return Ok(e);
    }
    let known: Vec<&str> = EVENTS.iter().map(|e| e.name).collect();
    let hint = nearest(name, &known)
        .map(|n| format!("did you mean '{n}'? "))
        .unwrap_or_default();
    Err(Error::usage(format!(
        "unknown event '{name}': {hint}known events: {}",
        known.join(", ")
    )))
}

/// The event with this exact name, if VisualQ has one.
pub fn lookup(name: &str) -> Option<&'static EventType> {
    EVENTS.iter().find(|e| e.name == name)
}

/// The candidate closest to `input`, when it is close enough to be a typo
/// (Jaro-Winkler similarity, the measure clap uses for its suggestions).
pub fn nearest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = input.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| {
            // A leg of the name ("completed") is as good as a typo.
            let partial = !lower.is_empty() && c.split('.').any(|part| part == lower);
            let score = if partial {
                1.0
            } else {
                strsim::jaro_winkler(&lower, c)
            };
            (score, *c)
        })
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Checks a `--run-type` value against the documented ones.
pub fn check_run_type(value: &str) -> Result<(), String> {
    if RUN_TYPES.contains(&value) {
        return Ok(());
    }
    let hint = nearest(value, RUN_TYPES)
        .map(|n| format!("did you mean '{n}'? "))
        .unwrap_or_default();
    Err(format!(
        "'{value}' is not a run type: {hint}expected one of {}",
        RUN_TYPES.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_names_its_event() {
        for e in EVENTS {
            let v: serde_json::Value = serde_json::from_str(e.sample).unwrap();
            assert_eq!(v["event"], e.name);
            assert!(e.sample.ends_with("}\n"));
        }
    }

    #[test]
    fn suggests_nearest() {
        let err = find("run.complete").unwrap_err().to_string();
        assert!(err.contains("did you mean 'run.completed'"), "{err}");
        assert!(err.contains("quality_score.dropped"), "{err}");
        assert!(find("zzz")
            .unwrap_err()
            .to_string()
            .starts_with("unknown event 'zzz': known"));
        assert_eq!(
            nearest("diff", &["diff.detected", "run.failed"]),
            Some("diff.detected")
        );
        assert!(check_run_type("vrt").unwrap_err().contains("vrt-test"));
    }
}
