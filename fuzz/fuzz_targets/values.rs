//! Fuzz target: `vq_hook::values::parse_duration` and `parse_size` on
//! arbitrary text: never a panic, and accepted values stay in range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vq_hook::values::{parse_duration, parse_size};

fuzz_target!(|text: &str| {
    if let Ok(d) = parse_duration(text) {
        assert!(d.as_secs() <= 86_400);
    }
    if let Ok(n) = parse_size(text) {
        assert!(n <= 1 << 50);
    }
});
