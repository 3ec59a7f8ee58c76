//! Baseline: the `memchr-lines` scan plus `core::str::from_utf8` of every
//! line, a line cut by a chunk boundary copied into one reused buffer first.
//! A decoder that hands out `&str` in safe Rust must find every terminator
//! and validate every byte it lends out at least once, so this is the floor
//! for such a decoder (no field parsing, no events built).

use super::{Counts, Kind, SseParser};

pub struct ScanValidate;

impl SseParser for ScanValidate {
    fn name(&self) -> &'static str {
        "scan-validate"
    }
    fn kind(&self) -> Kind {
        Kind::Baseline
    }
    fn reports_data_bytes(&self) -> bool {
        false
    }
    fn counts_blocks(&self) -> bool {
        true
    }
    fn note(&self) -> Option<&'static str> {
        Some(
            "scan-validate (baseline): memchr2 over CR/LF as `memchr-lines`, plus `core::str::from_utf8` of every line (a line cut by a chunk boundary is gathered in one reused `Vec` and validated once, whole); counts blank lines like `memchr-lines`; the floor for a decoder that lends out `&str` in safe Rust",
        )
    }

    fn parse(&self, chunks: &[&[u8]]) -> Counts {
        let mut blank: u64 = 0;
        let mut valid_bytes: u64 = 0;
        // The start of the current line, seen in earlier chunks.
        let mut carry: Vec<u8> = Vec::new();
        let mut last_was_cr = false;
        for chunk in chunks {
            let mut line_start = 0usize;
            for pos in memchr::memchr2_iter(b'\r', b'\n', chunk) {
                let piece = &chunk[line_start..pos];
                if chunk[pos] == b'\n' && last_was_cr && piece.is_empty() && carry.is_empty() {
                    // LF completing a CRLF.
                    last_was_cr = false;
                    line_start = pos + 1;
                    continue;
                }
                let line_len = if carry.is_empty() {
                    valid_bytes += validated_len(piece);
                    piece.len()
                } else {
                    carry.extend_from_slice(piece);
                    valid_bytes += validated_len(&carry);
                    let n = carry.len();
                    carry.clear();
                    n
                };
                blank += u64::from(line_len == 0);
                last_was_cr = chunk[pos] == b'\r';
                line_start = pos + 1;
            }
            if line_start < chunk.len() {
                carry.extend_from_slice(&chunk[line_start..]);
                last_was_cr = false;
            }
        }
        std::hint::black_box(valid_bytes);
        Counts {
            events: blank,
            data_bytes: 0,
        }
    }
}

/// The line's length if it is UTF-8, else 0 (the workloads are all UTF-8;
/// `generator_is_prefix_stable_and_sized` checks that).
fn validated_len(line: &[u8]) -> u64 {
    match core::str::from_utf8(line) {
        Ok(s) => std::hint::black_box(s).len() as u64,
        Err(_) => 0,
    }
}
