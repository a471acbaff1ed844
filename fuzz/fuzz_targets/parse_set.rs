//! Fuzz target: `vq_hook::payload::parse_set` / `parse_path` on arbitrary
//! text, and applying the result to a sample-shaped object.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vq_hook::payload::{parse_path, parse_set, Edit, Overrides};

fuzz_target!(|text: &str| {
    let _ = parse_path(text);
    if let Ok(set) = parse_set(text) {
        let mut doc = serde_json::json!({"event": "run.completed", "data": {"failed": 1}});
        let overrides = Overrides {
            edits: vec![Edit::Set(set.0, set.1)],
            ..Default::default()
        };
        let _ = overrides.apply(&mut doc);
    }
});
