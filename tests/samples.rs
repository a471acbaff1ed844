//! `events`, `sample` and `sign`: the catalogue and its samples, pinned
//! byte for byte against the reference text, and the signing primitive.

mod common;

use common::vq;
use predicates::prelude::*;
use serde_json::Value;

const NAMES: [&str; 7] = [
    "run.started",
    "run.completed",
    "run.failed",
    "diff.detected",
    "scenario.approved",
    "ai.analysis.completed",
    "quality_score.dropped",
];

/// The JSON blocks of the reference page, in order.
fn reference_samples() -> Vec<String> {
    let text = include_str!("../fixtures/visualq-webhook-events.txt");
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line == "{" {
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
            if line == "}" {
                out.push(current.take().unwrap());
            }
        }
    }
    out
}

#[test]
fn fixtures_and_sample_output_match_the_reference_byte_for_byte() {
    let samples = reference_samples();
    assert_eq!(samples.len(), 7);
    for (name, documented) in NAMES.iter().zip(&samples) {
        let fixture = std::fs::read_to_string(format!("fixtures/{name}.json")).unwrap();
        assert_eq!(&fixture, documented, "fixtures/{name}.json");
        vq().args(["sample", name])
            .assert()
            .success()
            .stdout(documented.clone());
    }
    let all = vq()
        .args(["sample", "--all"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(all).unwrap(), samples.concat());
}

#[test]
fn compact_is_one_line_per_event() {
    let out = vq()
        .args(["sample", "--all", "--compact"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7);
    for (line, name) in lines.iter().zip(NAMES) {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["event"], name);
        assert!(!line.contains(": "));
    }
    vq().args(["sample", "run.started", "--compact"])
        .assert()
        .success()
        .stdout(
            "{\"event\":\"run.started\",\"projectId\":\"proj_xyz\",\"projectName\":\"My Website\",\
         \"projectSlug\":\"my-website\",\"runId\":\"run_abc123\",\"runType\":\"vrt-test\"}\n",
        );
}

#[test]
fn overrides_keep_order_and_type_values() {
    let out = vq()
        .args([
            "sample",
            "run.completed",
            "--compact",
            "--project-id",
            "p1",
            "--project-name",
            "N",
        ])
        .args([
            "--project-slug",
            "n",
            "--run-id",
            "r9",
            "--run-type",
            "seo-test",
        ])
        .args([
            "--set",
            "data.passed=9",
            "--set",
            "data.failed=1",
            "--set",
            "ci.branch=main",
        ])
        .args([
            "--set",
            "data.note=\"3\"",
            "--set",
            "data.flag=true",
            "--unset",
            "data.status",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        concat!(
            r#"{"event":"run.completed","projectId":"p1","projectName":"N","projectSlug":"n","#,
            r#""runId":"r9","runType":"seo-test","data":{"total":10,"passed":9,"failed":1,"#,
            r#""note":"3","flag":true},"ci":{"branch":"main"}}"#,
            "\n"
        )
    );
    // scenario.approved has no runType: --run-type adds it last.
    vq().args([
        "sample",
        "scenario.approved",
        "--compact",
        "--run-type",
        "baseline",
    ])
    .assert()
    .success()
    .stdout(predicate::str::ends_with(
        "\"data\":{\"scenarioLabel\":\"Homepage\"},\"runType\":\"baseline\"}\n",
    ));
    // Pretty output after an override is still two-space JSON.
    vq().args(["sample", "run.failed", "--set", "data.error=boom"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "  \"data\": {\n    \"error\": \"boom\"\n  }\n}\n",
        ));
}

#[test]
fn inconsistent_numbers_warn_but_print() {
    vq().args(["sample", "run.completed", "--set", "data.failed=5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"failed\": 5"))
        .stderr(predicate::str::contains(
            "vq-hook: warning: data.passed + data.failed = 13 but data.total = 10",
        ));
    vq().args([
        "sample",
        "quality_score.dropped",
        "--set",
        "data.newScore=90",
    ])
    .assert()
    .success()
    .stderr(predicate::str::contains(
        "data.delta = -7 but data.newScore - data.previousScore = -2",
    ));
    vq().args([
        "sample",
        "quality_score.dropped",
        "--set",
        "data.delta=-3",
        "--set",
        "data.newScore=89",
    ])
    .assert()
    .success()
    .stderr(predicate::str::contains(
        "only sent for a drop of 5 points or more",
    ));
    vq().args(["sample", "diff.detected"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn payload_files_and_stdin() {
    let raw = "{\"event\": \"run.started\",  \"x\": [1, 2]}";
    vq().args(["sample", "--payload", "-"])
        .write_stdin(raw)
        .assert()
        .success()
        .stdout(raw);
    vq().args(["sample", "--payload", "-", "--compact"])
        .write_stdin(raw)
        .assert()
        .success()
        .stdout("{\"event\":\"run.started\",\"x\":[1,2]}\n");
    vq().args(["sample", "--payload", "-", "--set", "x=0"])
        .write_stdin("[1]")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a JSON object"));
    vq().args(["sample", "--payload", "-"])
        .write_stdin("{\"a\":\n  tru}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stdin is not valid JSON"))
        .stderr(predicate::str::contains("line 2 column"));
    vq().args(["sample", "--payload", "/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("directory"));
}

#[test]
fn unknown_events_and_bad_overrides_are_usage_errors() {
    vq().args(["sample", "diff.detect"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown event 'diff.detect': did you mean 'diff.detected'?",
        ))
        .stderr(predicate::str::contains("known events: run.started"));
    vq().args(["sample", "run.failed", "--run-type", "unit-test"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected one of vrt-test, perf-test",
        ));
    vq().args(["sample", "run.failed", "--set", "runId.x=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'runId' is a string, not an object",
        ));
    vq().args(["sample", "run.failed", "--unset", "a..b"])
        .assert()
        .code(2);
    vq().args(["sample"]).assert().code(2);
    vq().args(["sample", "run.failed", "--unset", "nothere"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "--unset nothere: the payload has no such field",
        ));
}

#[test]
fn events_table_and_json() {
    vq().args(["events"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "scenario.approved      no       yes",
        ))
        .stdout(predicate::str::contains(
            "ai.analysis.completed  yes      no",
        ));
    let out = vq()
        .args(["events", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Vec<Value> = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.len(), 7);
    for (item, name) in v.iter().zip(NAMES) {
        assert_eq!(item["name"], name);
        assert!(item["description"].is_string());
        assert_eq!(item["sample"]["event"], name);
    }
    assert_eq!(v[4]["emitted"], false);
    assert_eq!(v[5]["selectable"], false);
    assert_eq!(v[6]["selectable"], false);
}

#[test]
fn sign_matches_the_published_vector_and_reads_bytes_exactly() {
    let want = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17\n";
    vq().args(["sign", "--secret", "It's a Secret to Everybody"])
        .write_stdin("Hello, World!")
        .assert()
        .success()
        .stdout(want);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body");
    std::fs::write(&file, "Hello, World!").unwrap();
    vq().arg("sign")
        .arg(&file)
        .env("VQ_HOOK_SECRET", "It's a Secret to Everybody\n")
        .assert()
        .success()
        .stdout(want);
    // A trailing newline is part of the body.
    vq().args(["sign", "--secret", "It's a Secret to Everybody"])
        .write_stdin("Hello, World!\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("757107ea").not());
    vq().args(["sign"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("VQ_HOOK_SECRET"));
    vq().args(["sign", "--secret", "s", "/nonexistent/file"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/file"));
    vq().args(["sign", "--secret", ""])
        .write_stdin("x")
        .assert()
        .code(2);
}

#[test]
fn version_help_and_unknown_flags() {
    vq().arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("vq-hook "));
    vq().arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("send"));
    vq().args(["send", "--bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "vq-hook: error: unexpected argument '--bogus'",
        ))
        .stderr(predicate::function(|s: &str| s.lines().count() == 1));
    vq().assert().code(2);
}

#[test]
fn color_flag_and_environment() {
    let colored = |cmd: &mut assert_cmd::Command| {
        let out = cmd
            .args(["sample", "run.started", "--set", "a=1"])
            .output()
            .unwrap();
        let err = cmd.output().unwrap();
        drop(err);
        String::from_utf8_lossy(&out.stdout).contains('\u{1b}')
    };
    assert!(!colored(vq().arg("--color=auto")));
    assert!(colored(
        vq().env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1")
    ));
    assert!(
        !colored(vq().env("CLICOLOR_FORCE", "1")),
        "NO_COLOR wins over CLICOLOR_FORCE"
    );
    assert!(colored(vq().arg("--color=always")));
    assert!(!colored(
        vq().env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .arg("--color=never")
    ));
    vq().args(["--color", "sometimes", "events"])
        .assert()
        .code(2);
}

#[test]
fn set_and_unset_apply_in_command_line_order() {
    let run = |args: &[&str]| {
        let out = vq()
            .args(["sample", "run.completed", "--compact"])
            .args(args)
            .assert()
            .success();
        let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        v
    };
    let v = run(&["--unset", "data", "--set", "data.passed=1"]);
    assert_eq!(v["data"], serde_json::json!({"passed": 1}));
    let v = run(&["--set", "data.passed=1", "--unset", "data"]);
    assert!(v.get("data").is_none());
    // Unset then set moves a key to the end.
    let v = run(&["--unset", "data.status", "--set", "data.status=\"done\""]);
    let keys: Vec<&String> = v["data"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["total", "passed", "failed", "status"]);
}
