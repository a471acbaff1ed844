//! Fuzz target: `vq_hook::capture::load` on arbitrary bytes (the replay
//! path: head parsing, Content-Length and chunked framing).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = vq_hook::capture::load(data) {
        // What load returns must be consistent with what it read.
        assert!(c.body.len() <= data.len());
    }
});
