//! Fuzz target: the streaming capture reader with decoding on (the verify
//! path), behind heads that ask for chunked framing and gzip or deflate:
//! the first byte picks the head, the rest is the body as sent.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;

const HEADS: [&[u8]; 4] = [
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Encoding: deflate\r\n\r\n",
    b"POST / HTTP/1.1\r\nContent-Encoding: gzip, deflate\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let mut raw = HEADS[usize::from(pick) % HEADS.len()].to_vec();
    raw.extend_from_slice(body);
    if let Ok((_, mut reader)) = vq_hook::capture::open(&raw[..], true) {
        // Bounded: a decompression bomb must not be read without end here.
        let mut out = Vec::new();
        let _ = reader.by_ref().take(64 << 20).read_to_end(&mut out);
    }
    let _ = vq_hook::capture::load(&raw);
});
