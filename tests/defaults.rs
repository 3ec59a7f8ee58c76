//! The default limits, as a new user meets them: a 16 MiB event decodes
//! whether it is one `data` line or many, whole or in 64 KiB reads, and the
//! decoder's memory stays within what [`Limits`] documents.
//!
//! Memory is measured by the shared counting allocator (`common/alloc.rs`),
//! per thread; the tests also take [`serial`], so that no two of them hold
//! hundreds of MiB at once.

#[path = "common/alloc.rs"]
mod counting;

use counting::serial;
use ssewire::{DecodeError, Decoded, Decoder, Finish, Limits};

/// Runs `work` while counting this thread's heap; returns its result and the
/// peak of live bytes above the start.
fn peak_heap<R>(work: impl FnOnce() -> R) -> (R, usize) {
    let (result, usage) = counting::measure(work);
    (
        result,
        usize::try_from(usage.peak).expect("a peak is never negative"),
    )
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;
const EVENT_LIMIT: usize = Limits::DEFAULT_MAX_EVENT_LEN;
const LINE_LIMIT: usize = Limits::DEFAULT_MAX_LINE_LEN;
/// A typical read size.
const READ: usize = 64 * KIB;
/// Feeding everything in one call, and in 64 KiB reads.
const CHUNKINGS: [usize; 2] = [usize::MAX, READ];
/// Heap a decoder may use beyond its buffers' contents: the separators and
/// rounding of small allocations, nowhere near a buffer's size.
const SLACK: usize = 4 * KIB;

/// `len` bytes of base64 text, like an image sent in one event.
fn base64_text(len: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..len).map(|i| ALPHABET[(i * 7 + i / 64) % 64]).collect()
}

/// What one decode run saw.
#[derive(Debug, Default)]
struct Seen {
    /// Data of each event, compared by length and content hash to keep the
    /// assertions' output short.
    events: Vec<(usize, u64)>,
    errors: Vec<DecodeError>,
    finish: Option<Finish>,
}

fn fingerprint(text: &[u8]) -> (usize, u64) {
    // FNV-1a: enough to tell two 16 MiB strings apart in a test.
    let hash = text.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (text.len(), hash)
}

/// Decodes `input` with a default decoder in chunks of `chunk` bytes, then
/// finishes; returns what it saw and the decoder's peak heap.
fn decode_with_defaults(input: &[u8], chunk: usize) -> (Seen, usize) {
    let mut seen = Seen::default();
    let ((), peak) = peak_heap(|| {
        let mut decoder = Decoder::new();
        for piece in input.chunks(chunk.min(input.len())) {
            decoder.feed(piece, |item| match item {
                Decoded::Event(event) => seen.events.push(fingerprint(event.data.as_bytes())),
                Decoded::Error(error) => seen.errors.push(error),
                other => panic!("unexpected item {other:?}"),
            });
        }
        seen.finish = Some(decoder.finish());
    });
    (seen, peak)
}

// ---------------------------------------------------------------------------
// 16 MiB events with the defaults
// ---------------------------------------------------------------------------

#[test]
fn defaults_are_at_least_16_mib_and_lines_fit_a_whole_data_line() {
    const { assert!(EVENT_LIMIT >= 16 * MIB) };
    assert_eq!(Limits::default().max_event_len, Some(EVENT_LIMIT));
    assert_eq!(Limits::default().max_line_len, Some(LINE_LIMIT));
    assert_eq!(Decoder::new().limits(), Limits::default());
    // The longest line that carries `max_event_len` bytes of data.
    const { assert!(LINE_LIMIT >= "data: ".len() + EVENT_LIMIT) };
}

#[test]
fn a_16_mib_single_line_event_decodes_with_the_defaults() {
    let _serial = serial();
    let data = base64_text(EVENT_LIMIT);
    let mut input = b"data: ".to_vec();
    input.extend_from_slice(&data);
    input.extend_from_slice(b"\n\n");
    for chunk in CHUNKINGS {
        let (seen, peak) = decode_with_defaults(&input, chunk);
        println!("one 16 MiB line, chunk {chunk}: peak heap {peak} bytes");
        assert_eq!(seen.errors, [], "chunk {chunk}");
        assert_eq!(seen.events, [fingerprint(&data)], "chunk {chunk}");
        assert_eq!(seen.finish, Some(Finish::Clean));
        // A line cut by reads is held in the line buffer, then its value in
        // the data buffer; whole, the event is borrowed from the input.
        let bound = if chunk < input.len() {
            LINE_LIMIT + EVENT_LIMIT
        } else {
            0
        };
        assert!(
            peak <= bound + SLACK,
            "chunk {chunk}: peak heap {peak} bytes, over {bound} + {SLACK}"
        );
    }
}

#[test]
fn a_16_mib_event_of_many_lines_decodes_with_the_defaults() {
    let _serial = serial();
    // 16,384 lines of about 1 KiB whose values joined by LF are exactly the
    // event limit.
    let data = base64_text(EVENT_LIMIT);
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    assert_eq!(lines.len(), 1, "base64 text has no LF");
    let mut joined = Vec::with_capacity(EVENT_LIMIT);
    let mut input = Vec::with_capacity(EVENT_LIMIT + EVENT_LIMIT / 100);
    let mut rest = &data[..];
    while !rest.is_empty() {
        // Each line takes 1,023 bytes and the LF joining it to the next
        // stands for the 1,024th; the last line takes what is left.
        let take = if rest.len() <= 1024 { rest.len() } else { 1023 };
        let (value, tail) = rest.split_at(take);
        rest = tail.get(1..).unwrap_or_default();
        if !joined.is_empty() {
            joined.push(b'\n');
        }
        joined.extend_from_slice(value);
        input.extend_from_slice(b"data: ");
        input.extend_from_slice(value);
        input.push(b'\n');
    }
    input.push(b'\n');
    assert_eq!(joined.len(), EVENT_LIMIT);
    for chunk in CHUNKINGS {
        let (seen, peak) = decode_with_defaults(&input, chunk);
        println!("16 MiB of 1 KiB lines, chunk {chunk}: peak heap {peak} bytes");
        assert_eq!(seen.errors, [], "chunk {chunk}");
        assert_eq!(seen.events, [fingerprint(&joined)], "chunk {chunk}");
        assert_eq!(seen.finish, Some(Finish::Clean));
        // The data buffer, plus one cut line of about 1 KiB.
        assert!(
            peak <= EVENT_LIMIT + SLACK,
            "chunk {chunk}: peak heap {peak} bytes, over {EVENT_LIMIT} + {SLACK}"
        );
    }
}

#[test]
fn one_byte_over_the_event_limit_is_event_too_large_and_the_next_event_decodes() {
    let _serial = serial();
    // `data:` without its optional space, so that the line is only 5 bytes
    // longer than the value: the event limit, not the line limit, decides.
    let mut input = b"data:".to_vec();
    input.extend_from_slice(&base64_text(EVENT_LIMIT + 1));
    input.extend_from_slice(b"\n\ndata: next\n\n");
    for chunk in CHUNKINGS {
        let (seen, _) = decode_with_defaults(&input, chunk);
        assert_eq!(
            seen.errors,
            [DecodeError::EventTooLarge { limit: EVENT_LIMIT }],
            "chunk {chunk}"
        );
        assert_eq!(seen.events, [fingerprint(b"next")], "chunk {chunk}");
    }
}

// ---------------------------------------------------------------------------
// The worst case that `Limits` documents
// ---------------------------------------------------------------------------

/// A `name: ` line of exactly the line limit whose value is all invalid
/// UTF-8, so that it decodes to three times its length.
fn invalid_line(name: &str) -> Vec<u8> {
    let mut line = format!("{name}: ").into_bytes();
    line.resize(LINE_LIMIT, 0xFF);
    line.push(b'\n');
    line
}

#[test]
fn the_worst_case_of_the_defaults_stays_within_the_documented_bound() {
    let _serial = serial();
    // A committed last event ID, then a block with an event type, a pending
    // id and a full event's data, each as large as the limits allow, and a
    // line that never ends.
    let mut input = invalid_line("id");
    input.extend_from_slice(b"data: x\n\n");
    input.extend_from_slice(&invalid_line("event"));
    input.extend_from_slice(&invalid_line("id"));
    input.extend_from_slice(b"data: ");
    input.extend_from_slice(&base64_text(EVENT_LIMIT));
    input.push(b'\n');
    input.extend(std::iter::repeat_n(b'x', LINE_LIMIT));
    // `Limits` documents at most this much content, and at most twice that
    // in heap, since buffers grow by doubling.
    let documented = 2 * (EVENT_LIMIT + 10 * LINE_LIMIT);
    for chunk in CHUNKINGS {
        let (seen, peak) = decode_with_defaults(&input, chunk);
        println!(
            "worst case, chunk {chunk}: peak heap {peak} bytes ({} KiB), documented bound \
             {documented} bytes ({} KiB)",
            peak / KIB,
            documented / KIB,
        );
        assert_eq!(seen.errors, [], "chunk {chunk}");
        assert_eq!(seen.events, [fingerprint(b"x")], "chunk {chunk}");
        assert_eq!(seen.finish, Some(Finish::Truncated));
        assert!(
            peak <= documented + SLACK,
            "chunk {chunk}: peak heap {peak} bytes, over the documented {documented} + {SLACK}"
        );
    }
}
