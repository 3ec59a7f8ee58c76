//! Decoding time grows linearly with line length when a long line arrives in
//! small reads: the decoder must not rescan the buffered start of a line on
//! every chunk (which would make a 64 KiB line fed 64 bytes at a time cost
//! about a thousand rescans).
//!
//! Measured as a ratio within one run, never as an absolute time: a line of
//! N bytes and one of 8N bytes, each fed in 64-byte chunks, best of five
//! runs each. Linear work gives a ratio near 8; quadratic work would give
//! about 64. The bound, 24, leaves a threefold margin for a noisy machine.

use ssewire::{Decoded, Decoder};
use std::time::{Duration, Instant};

const CHUNK: usize = 64;

/// `event: big`, one data line of `len` bytes, a blank line.
fn stream(len: usize) -> Vec<u8> {
    let mut out = b"event: big\ndata: ".to_vec();
    out.extend(b"abcdefghijklmnopqrstuvwxyz".iter().cycle().take(len));
    out.extend_from_slice(b"\n\n");
    out
}

/// Best of five decodes of `bytes` in 64-byte chunks, checking the event.
fn best_time(bytes: &[u8], data_len: usize) -> Duration {
    (0..5)
        .map(|_| {
            let mut decoder = Decoder::new();
            let mut events = 0;
            let start = Instant::now();
            for chunk in bytes.chunks(CHUNK) {
                decoder.feed(chunk, |item| {
                    if let Decoded::Event(event) = item {
                        assert_eq!(event.data.len(), data_len);
                        events += 1;
                    }
                });
            }
            let elapsed = start.elapsed();
            assert_eq!(events, 1);
            elapsed
        })
        .min()
        .unwrap()
}

#[test]
fn long_line_in_small_chunks_is_linear() {
    const N: usize = 64 << 10;
    let small = stream(N);
    let large = stream(8 * N);
    // Warm the code and the allocator once.
    best_time(&small, N);
    let t_small = best_time(&small, N);
    let t_large = best_time(&large, 8 * N);
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-9);
    println!(
        "{N}-byte line: {t_small:?}; {}-byte line: {t_large:?}; ratio {ratio:.1} (linear: 8)",
        8 * N
    );
    assert!(ratio < 24.0, "8x longer line took {ratio:.1}x as long");
}
