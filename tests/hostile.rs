//! Hostile input: endless lines, huge events, floods of tiny lines, absurd
//! field values. The decoder must report each limit once, keep its memory
//! within its [`Limits`], stay linear in the input, and decode the events
//! that follow.
//!
//! Memory is measured by the shared counting allocator (`common/alloc.rs`),
//! which counts per thread (only the allocations the measuring test's own
//! thread makes while it measures), so tests running in parallel do not
//! disturb each other. Tests that time work also take [`serial`], so that
//! two of them never compete for the CPU.
//!
//! The linearity checks read the thread's CPU clock through `clock_gettime`,
//! so this file allows `unsafe_code`; the crate's own sources forbid it.
#![allow(unsafe_code)]

use std::hint::black_box;
use std::time::Duration;

use ssewire::{DecodeError, Decoded, Decoder, Finish, Limits};

#[path = "common/alloc.rs"]
mod counting;

use counting::{live_now, measure, serial, signed};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;
/// About 64 KiB, a typical read size, but odd so that chunk boundaries fall at
/// every offset of a repeated pattern.
const CHUNK: usize = 65_531;

/// An endless repetition of `pattern`, fed to a decoder in chunks without
/// ever holding the whole stream: one buffer of about a chunk is reused.
struct Periodic {
    buf: Vec<u8>,
    period: usize,
    chunk: usize,
}

impl Periodic {
    fn new(pattern: &[u8], chunk: usize) -> Periodic {
        let mut buf = Vec::with_capacity(chunk + 2 * pattern.len());
        while buf.len() < chunk + pattern.len() {
            buf.extend_from_slice(pattern);
        }
        Periodic {
            buf,
            period: pattern.len(),
            chunk,
        }
    }

    /// Feeds `repeats` copies of the pattern, passing each item to `on_item`
    /// with the number of bytes fed so far (up to the end of the current
    /// chunk).
    fn feed(
        &self,
        decoder: &mut Decoder,
        repeats: usize,
        on_item: &mut impl FnMut(Decoded<'_>, usize),
    ) {
        let total = self.period * repeats;
        let mut fed = 0;
        while fed < total {
            let n = self.chunk.min(total - fed);
            let at = fed % self.period;
            fed += n;
            decoder.feed(&self.buf[at..at + n], |item| on_item(item, fed));
        }
    }
}

mod common;

use common::{Item, retry};

fn event(event_type: &str, data: &str, id: &str) -> Item {
    common::ev(event_type, data, id)
}

/// Decodes `input` in chunks of `chunk` bytes, then finishes.
fn decode_in_chunks(decoder: &mut Decoder, input: &[u8], chunk: usize) -> (Vec<Item>, Finish) {
    let mut items = Vec::new();
    for piece in input.chunks(chunk.max(1)) {
        decoder.feed(piece, |item| items.push(common::plain(item.into_owned())));
    }
    (items, decoder.finish())
}

fn limited(line: usize, event: usize) -> Decoder {
    Decoder::builder()
        .limits(
            Limits::default()
                .max_line_len(Some(line))
                .max_event_len(Some(event)),
        )
        .build()
}

fn unlimited() -> Decoder {
    Decoder::builder().limits(Limits::unlimited()).build()
}

// ---------------------------------------------------------------------------
// Linearity
//
// Time is never asserted on its own: the machine may be slow or busy.
// Instead the same work is timed at two sizes, `k` times apart, in one run,
// and only the ratio is checked. Linear work gives a ratio near `k`,
// quadratic work near `k * k`. The bound is `3 * k`, which is not flaky:
// - the clock is the thread's CPU time (on Linux), so other processes
//   competing for the CPU do not stretch the longer run;
// - noise can only add time, so each size takes the minimum of five runs,
//   interleaved so that a burst of interference hits both sizes alike;
// - the heavy tests of this file run one at a time (`serial`);
// - what is left (caches, allocator) is well under 3x, while quadratic work
//   would exceed the bound by a factor of `k / 3` (2.7x for k = 8, 5.3x for
//   k = 16).
// ---------------------------------------------------------------------------

const TIMED_RUNS: usize = 5;

/// A clock for timing work on this thread. On 64-bit Linux it is the
/// thread's CPU time, which time spent waiting for a busy CPU does not inflate;
/// elsewhere it is wall time.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn thread_clock() -> Duration {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut time = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is a valid, writable `struct timespec` (two 64-bit
    // fields on 64-bit Linux) and the clock id is Linux's constant.
    let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &raw mut time) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(
        u64::try_from(time.tv_sec).expect("non-negative"),
        u32::try_from(time.tv_nsec).expect("under a second"),
    )
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn thread_clock() -> Duration {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// Times `run(small)` and `run(large)` alternately and returns the minimum of
/// each.
fn min_times(small: usize, large: usize, run: &impl Fn(usize) -> u64) -> (Duration, Duration) {
    let mut best = [Duration::MAX; 2];
    for _ in 0..TIMED_RUNS {
        for (slot, size) in [small, large].into_iter().enumerate() {
            let start = thread_clock();
            black_box(run(black_box(size)));
            best[slot] = best[slot].min(thread_clock().saturating_sub(start));
        }
    }
    (best[0], best[1])
}

/// Checks that `run` (which decodes `size` units of hostile input and returns
/// a count of what it found) is linear in `size`: by time ratio, by bytes
/// allocated, and by its count.
fn assert_linear(name: &str, small: usize, factor: usize, run: impl Fn(usize) -> u64) {
    let large = small * factor;
    let (count_small, usage_small) = measure(|| run(small));
    let (count_large, usage_large) = measure(|| run(large));
    assert_eq!(
        count_large,
        count_small * factor as u64,
        "{name}: found {count_small} at size {small} but {count_large} at size {large}"
    );
    // Deterministic: allocation volume may grow at most linearly (plus the
    // buffers' own doubling), never with the square of the input.
    let bound = 3 * factor as u64 * usage_small.bytes + 64 * KIB as u64;
    assert!(
        usage_large.bytes <= bound,
        "{name}: allocated {} bytes at size {small} but {} at size {large}",
        usage_small.bytes,
        usage_large.bytes
    );
    let (t_small, t_large) = min_times(small, large, &run);
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-9);
    println!(
        "{name}: size {small} -> {t_small:?}, size {large} -> {t_large:?}, time ratio {ratio:.2} \
         (linear {factor}, bound {}); bytes allocated {} -> {}, peak live {} -> {}",
        3 * factor,
        usage_small.bytes,
        usage_large.bytes,
        usage_small.peak,
        usage_large.peak
    );
    #[allow(clippy::cast_precision_loss)]
    let limit = (3 * factor) as f64;
    assert!(
        ratio < limit,
        "{name}: {factor}x the input took {ratio:.1}x the time ({t_small:?} -> {t_large:?}); \
         linear is {factor}x, quadratic {}x",
        factor * factor
    );
}

/// Feeds `repeats` copies of `source`'s pattern to `decoder` and returns how
/// many items satisfied `count`; any other item fails the test.
fn periodic_run(
    decoder: &mut Decoder,
    source: &Periodic,
    repeats: usize,
    count: impl Fn(&Decoded<'_>) -> bool,
) -> u64 {
    let mut counted = 0;
    source.feed(decoder, repeats, &mut |item, _| {
        if count(&item) {
            counted += 1;
        } else {
            panic!("unexpected item {item:?}");
        }
    });
    counted
}

#[test]
fn millions_of_blank_lines_are_linear() {
    let _serial = serial();
    // CR LF, LF, and a lone CR (followed by the next CR LF): every line
    // ending, cut by chunk boundaries at every offset.
    let source = Periodic::new(b"\r\n\n\r", CHUNK);
    assert_linear("blank lines", 500_000, 8, |repeats| {
        let mut decoder = Decoder::new();
        let count = periodic_run(&mut decoder, &source, repeats, |_| false);
        let mut tail = Vec::new();
        decoder.feed(b"\ndata: end\n\n", |item| {
            tail.push(common::plain(item.into_owned()));
        });
        assert_eq!(tail, [event("message", "end", "")]);
        count
    });
}

#[test]
fn millions_of_comment_lines_are_linear() {
    let _serial = serial();
    let source = Periodic::new(b": c\n", CHUNK);
    assert_linear("comment lines, skipped", 1_000_000, 8, |repeats| {
        let mut decoder = Decoder::new();
        let count = periodic_run(&mut decoder, &source, repeats, |_| false);
        let mut tail = Vec::new();
        decoder.feed(b"data: end\n\n", |item| {
            tail.push(common::plain(item.into_owned()));
        });
        assert_eq!(tail, [event("message", "end", "")]);
        count
    });
    assert_linear("comment lines, reported", 500_000, 8, |repeats| {
        let mut decoder = Decoder::builder().comments(true).build();
        periodic_run(&mut decoder, &source, repeats, |item| {
            *item == Decoded::Comment("c")
        })
    });
}

#[test]
fn millions_of_id_lines_are_linear() {
    let _serial = serial();
    // Two ids per block, one overridden, each block committing its id.
    let source = Periodic::new(b"id: 1\nid: 22\n\n", CHUNK);
    let one_block = Periodic::new(b"id: 333\n", CHUNK);
    assert_linear("id lines", 250_000, 8, |repeats| {
        let mut decoder = Decoder::new();
        let count = periodic_run(&mut decoder, &source, repeats, |_| false);
        assert_eq!(decoder.last_event_id(), "22");
        // The same within one block that never ends.
        let mut decoder = Decoder::new();
        periodic_run(&mut decoder, &one_block, repeats, |_| false);
        let mut tail = Vec::new();
        decoder.feed(b"data: end\n\n", |item| {
            tail.push(common::plain(item.into_owned()));
        });
        assert_eq!(tail, [event("message", "end", "333")]);
        count
    });
}

/// Two `retry` lines of `digits` digits: one too large for `u64` (ignored),
/// one with leading zeros (valid, 7).
fn retry_pattern(digits: usize) -> Vec<u8> {
    let mut pattern = b"retry: ".to_vec();
    pattern.extend(std::iter::repeat_n(b'9', digits));
    pattern.extend_from_slice(b"\nretry: ");
    pattern.extend(std::iter::repeat_n(b'0', digits - 1));
    pattern.extend_from_slice(b"7\n");
    pattern
}

#[test]
fn retry_lines_with_10_000_digits_are_linear() {
    let _serial = serial();
    let source = Periodic::new(&retry_pattern(10_000), CHUNK);
    assert_linear("10 000-digit retry lines", 50, 8, |repeats| {
        let mut decoder = Decoder::new();
        let count = periodic_run(&mut decoder, &source, repeats, |item| {
            *item == Decoded::Retry(Duration::from_millis(7))
        });
        assert_eq!(decoder.retry(), Some(Duration::from_millis(7)));
        count
    });
    // Longer values, same number of lines: linear in the length of a value.
    // Chunks shorter than either value, so that every line takes the same
    // path (cut across chunks) at both sizes.
    let short = Periodic::new(&retry_pattern(10_000), 4 * KIB);
    let long = Periodic::new(&retry_pattern(80_000), 4 * KIB);
    assert_linear("retry value length", 1, 8, |digits| {
        let source = if digits == 1 { &short } else { &long };
        let mut decoder = Decoder::new();
        periodic_run(&mut decoder, source, 50, |item| {
            *item == Decoded::Retry(Duration::from_millis(7))
        }) * digits as u64
    });
}

/// `event: big`, one `data` line, then a blank line, fed `piece` bytes at a
/// time to `decoder`; checks that it gives exactly one event, of type `big`,
/// and returns its data length.
fn long_line_in_small_pieces(mut decoder: Decoder, input: &[u8], piece: usize) -> u64 {
    let mut data_len = 0;
    let mut events = 0;
    for chunk in input.chunks(piece) {
        decoder.feed(chunk, |item| match item {
            Decoded::Event(event) => {
                assert_eq!(event.event_type, "big");
                data_len = event.data.len() as u64;
                events += 1;
            }
            other => panic!("unexpected item {other:?}"),
        });
    }
    assert_eq!(events, 1, "one event expected");
    data_len
}

/// The decoder must not rescan the buffered start of a line on every chunk,
/// which would make a long line fed in small reads cost time quadratic in its
/// length. Run with no limits and with limits that the line stays under, so
/// that the limit checks on a growing line are timed too.
#[test]
fn long_data_line_in_64_byte_pieces_is_linear() {
    let _serial = serial();
    let make = |len: usize| {
        let mut input = b"event: big\ndata: ".to_vec();
        input.extend(b"abcdefghijklmnopqrstuvwxyz".iter().cycle().take(len));
        input.extend_from_slice(b"\n\n");
        input
    };
    let small = make(64 * KIB);
    let large = make(MIB);
    let limited = || {
        Decoder::builder()
            .limits(Limits::default().max_line_len(Some(2 * MIB)))
            .build()
    };
    assert_linear(
        "one data line fed 64 bytes at a time",
        64 * KIB,
        16,
        |len| {
            let input = if len == 64 * KIB { &small } else { &large };
            let decoded = long_line_in_small_pieces(unlimited(), input, 64);
            assert_eq!(decoded, len as u64);
            assert_eq!(long_line_in_small_pieces(limited(), input, 64), decoded);
            decoded
        },
    );
}

#[test]
fn many_data_lines_in_64_byte_pieces_are_linear() {
    let _serial = serial();
    let source = Periodic::new(b"data: 123456789\n", 64);
    assert_linear(
        "data lines of one event fed 64 bytes at a time",
        16_384,
        8,
        |lines| {
            let mut decoder = unlimited();
            periodic_run(&mut decoder, &source, lines, |_| false);
            let mut data_len = 0;
            decoder.feed(b"\n", |item| match item {
                Decoded::Event(event) => data_len = event.data.len(),
                other => panic!("unexpected item {other:?}"),
            });
            assert_eq!(data_len, lines * 10 - 1);
            data_len as u64 + 1
        },
    );
}

// ---------------------------------------------------------------------------
// Bounded memory
// ---------------------------------------------------------------------------

#[test]
fn gib_line_without_newline_is_one_error_in_bounded_memory() {
    const LIMIT: usize = MIB;
    const PIECE: usize = 64 * KIB;
    const TOTAL: usize = 1 << 30;
    let _serial = serial();
    let mut decoder = Decoder::builder()
        .limits(Limits::default().max_line_len(Some(LIMIT)))
        .build();
    let mut first = vec![b'x'; PIECE];
    first[..6].copy_from_slice(b"data: ");
    let rest = vec![b'x'; PIECE];
    let mut errors = 0;
    let mut error_after = 0;
    let (fed, usage) = measure(|| {
        let mut fed = 0;
        while fed < TOTAL {
            let chunk = if fed == 0 { &first } else { &rest };
            fed += chunk.len();
            decoder.feed(chunk, |item| match item {
                Decoded::Error(DecodeError::LineTooLong { limit: LIMIT }) => {
                    errors += 1;
                    error_after = fed;
                }
                other => panic!("unexpected item {other:?}"),
            });
        }
        fed
    });
    println!(
        "1 GiB line: peak live heap {} bytes, {} allocations, {} bytes allocated; error after {} bytes",
        usage.peak, usage.allocations, usage.bytes, error_after
    );
    assert_eq!(fed, TOTAL);
    assert_eq!(errors, 1, "exactly one LineTooLong");
    assert!(
        error_after <= LIMIT + PIECE,
        "reported only after {error_after} bytes"
    );
    assert!(
        usage.peak < signed(4 * MIB),
        "decoder heap peaked at {} bytes",
        usage.peak
    );
    let (items, finish) = decode_in_chunks(&mut decoder, b"\n\ndata: ok\n\n", 5);
    assert_eq!(items, [event("message", "ok", "")]);
    assert_eq!(finish, Finish::Clean);
}

#[test]
fn ten_million_data_lines_are_one_error_in_bounded_memory() {
    const LINES: usize = 10_000_000;
    const LIMIT: usize = Limits::DEFAULT_MAX_EVENT_LEN;
    let _serial = serial();
    let source = Periodic::new(b"data: x\n", CHUNK);
    let mut decoder = Decoder::new();
    let mut errors = 0;
    let mut error_after = 0;
    let ((), usage) = measure(|| {
        source.feed(&mut decoder, LINES, &mut |item, fed| match item {
            Decoded::Error(DecodeError::EventTooLarge { limit: LIMIT }) => {
                errors += 1;
                error_after = fed;
            }
            other => panic!("unexpected item {other:?}"),
        });
    });
    println!(
        "10M data lines: peak live heap {} bytes (limit {LIMIT}), {} allocations, {} bytes \
         allocated; error after {error_after} bytes",
        usage.peak, usage.allocations, usage.bytes
    );
    assert_eq!(errors, 1, "exactly one EventTooLarge");
    // Each line adds 2 bytes of data ("x" and the LF joining it).
    assert!(error_after <= (LIMIT / 2 + 1) * 8 + CHUNK);
    assert!(
        usage.peak <= signed(LIMIT + 256 * KIB),
        "decoder heap peaked at {} bytes for a {LIMIT}-byte event limit",
        usage.peak
    );
    let (items, finish) = decode_in_chunks(&mut decoder, b"\ndata: next\n\n", 3);
    assert_eq!(items, [event("message", "next", "")]);
    assert_eq!(finish, Finish::Clean);
}

#[test]
fn many_event_lines_in_one_block_stay_small() {
    let _serial = serial();
    let source = Periodic::new(
        b"event: a-rather-long-event-type-name-that-gets-replaced-again-and-again\n",
        CHUNK,
    );
    let run = |lines: usize| {
        let mut decoder = Decoder::new();
        let ((), usage) = measure(|| {
            source.feed(&mut decoder, lines, &mut |item, _| {
                panic!("unexpected item {item:?}")
            });
        });
        let (items, _) = decode_in_chunks(&mut decoder, b"event: last\ndata: x\n\n", 4);
        assert_eq!(items, [event("last", "x", "")]);
        usage
    };
    let small = run(100_000);
    let large = run(1_000_000);
    println!(
        "event lines: peak live {} bytes for 100k lines, {} for 1M",
        small.peak, large.peak
    );
    assert!(
        large.peak <= small.peak,
        "memory grew with the number of lines"
    );
    assert!(large.peak < signed(4 * KIB), "peak {} bytes", large.peak);
}

#[test]
fn huge_id_repeated_across_events_stays_bounded() {
    const ID_LEN: usize = 500_000;
    const EVENTS: usize = 200;
    let _serial = serial();
    // "id: " + 8 digits of the event number + 'i' padding, "data: x", blank.
    let mut block = b"id: ".to_vec();
    block.extend(std::iter::repeat_n(b'i', ID_LEN));
    block.extend_from_slice(b"\ndata: x\n\n");
    let id_matches = |id: &str, n: usize| {
        let digits = format!("{n:08}");
        id.len() == ID_LEN
            && id.as_bytes()[..8] == *digits.as_bytes()
            && id.bytes().skip(8).all(|b| b == b'i')
    };
    let mut decoder = Decoder::new();
    let mut digits = [0u8; 8];
    let mut live_after = Vec::with_capacity(EVENTS);
    let mut seen = 0;
    let ((), usage) = measure(|| {
        for n in 0..EVENTS {
            let mut k = n;
            for digit in digits.iter_mut().rev() {
                *digit = b'0' + u8::try_from(k % 10).expect("a digit");
                k /= 10;
            }
            block[4..12].copy_from_slice(&digits);
            // A different chunk size for each event, so that the id line is
            // cut at different places.
            let chunk = 40_000 + (n * 7_919) % 60_000;
            for piece in block.chunks(chunk) {
                decoder.feed(piece, |item| match item {
                    Decoded::Event(event) => {
                        assert!(id_matches(event.last_event_id, n), "wrong id in event {n}");
                        assert_eq!(event.data, "x");
                        seen += 1;
                    }
                    other => panic!("unexpected item {other:?}"),
                });
            }
            live_after.push(live_now());
        }
    });
    assert_eq!(seen, EVENTS);
    assert!(id_matches(decoder.last_event_id(), EVENTS - 1));
    println!(
        "huge id: peak live {} bytes, live after event 10: {}, after event {EVENTS}: {}",
        usage.peak,
        live_after[9],
        live_after[EVENTS - 1]
    );
    let settled = live_after[9];
    assert!(
        live_after[10..].iter().all(|&live| live <= settled),
        "memory grew from event to event: {live_after:?}"
    );
    // The line being read (up to 2x its length with buffer doubling) and the
    // last plus the pending id (up to 2x their length).
    assert!(
        usage.peak <= signed(8 * ID_LEN),
        "peak {} bytes for a {ID_LEN}-byte id",
        usage.peak
    );
}

// ---------------------------------------------------------------------------
// Limit behaviour
// ---------------------------------------------------------------------------

#[test]
fn events_around_an_error_are_delivered() {
    let input = b"data: before\n\ndata: 0123456789012345678901234567890\ndata: rest\n\
                  \ndata: after\n\n";
    for chunk in [1, 2, 7, input.len()] {
        let mut decoder = limited(16, 1 << 10);
        let (items, finish) = decode_in_chunks(&mut decoder, input, chunk);
        assert_eq!(
            items,
            [
                event("message", "before", ""),
                Item::Error(DecodeError::LineTooLong { limit: 16 }),
                event("message", "after", ""),
            ],
            "chunk {chunk}"
        );
        assert_eq!(finish, Finish::Clean);
    }
}

#[test]
fn the_erroring_blocks_id_is_discarded() {
    // The id before the error and the one after it in the same block are both
    // dropped with the event (the crate's documented choice); the next event
    // carries the id committed before.
    let input = b"id: 1\ndata: a\n\nid: 2\ndata: 0123456789\ndata: 0123456789\nid: 3\n\
                  \ndata: b\n\n";
    for chunk in [1, 3, input.len()] {
        let mut decoder = limited(64, 16);
        let (items, _) = decode_in_chunks(&mut decoder, input, chunk);
        assert_eq!(
            items,
            [
                event("message", "a", "1"),
                Item::Error(DecodeError::EventTooLarge { limit: 16 }),
                event("message", "b", "1"),
            ],
            "chunk {chunk}"
        );
        assert_eq!(decoder.last_event_id(), "1");
    }
    // Likewise for a line that is too long, and at the end of the stream.
    for input in [
        &b"id: 1\n\nid: 2\nevent: far-too-long\n"[..],
        b"id: 1\n\nid: 2\nevent: far-too-long\n\n",
        b"id: 1\n\nid: 2\nevent: far-too-long",
    ] {
        let mut decoder = limited(8, 64);
        let (items, _) = decode_in_chunks(&mut decoder, input, 4);
        assert_eq!(items, [Item::Error(DecodeError::LineTooLong { limit: 8 })]);
        assert_eq!(decoder.last_event_id(), "1");
    }
}

#[test]
fn a_retry_before_the_error_keeps_its_effect() {
    let input = b"retry: 500\ndata: 0123456789abcdef0123\nretry: 600\n\ndata: x\n\n";
    for chunk in [1, 5, input.len()] {
        let mut decoder = limited(16, 64);
        let (items, _) = decode_in_chunks(&mut decoder, input, chunk);
        // The retry after the error is in the skipped block: no effect.
        assert_eq!(
            items,
            [
                retry(500),
                Item::Error(DecodeError::LineTooLong { limit: 16 }),
                event("message", "x", ""),
            ],
            "chunk {chunk}"
        );
        assert_eq!(decoder.retry(), Some(Duration::from_millis(500)));
    }
}

#[test]
fn lines_and_events_exactly_at_the_limits_are_accepted() {
    // Line limit 12: "data: 123456" is exactly 12 bytes; one more is too long.
    // Event limit 9: "1234\n1234" is exactly 9 bytes of data.
    let input = b"data: 123456\n\ndata: 1234567\n\ndata: 1234\ndata: 1234\n\n\
                  data: 1234\ndata: 12345\n\n:23456789012\n\n";
    for chunk in 1..=input.len() {
        let mut decoder = limited(12, 9);
        let (items, finish) = decode_in_chunks(&mut decoder, input, chunk);
        assert_eq!(
            items,
            [
                event("message", "123456", ""),
                Item::Error(DecodeError::LineTooLong { limit: 12 }),
                event("message", "1234\n1234", ""),
                Item::Error(DecodeError::EventTooLarge { limit: 9 }),
            ],
            "chunk {chunk}"
        );
        assert_eq!(finish, Finish::Clean);
    }
}

/// Streams with limit errors, each with its limits; decoded whole and at every
/// chunk size 1..=17, they must give identical items, errors included.
const LIMITED_STREAMS: &[(&str, &[u8], usize, usize)] = &[
    (
        "mixed",
        b"\xEF\xBB\xBFretry: 10\r\nid: 1\r\ndata: a\r\n\r\n: a comment that is too long\r\n\
          data: b\r\n\r\nid: 2\rdata: 0123456789abcdef012\rretry: 20\r\rdata: c\r\r\
          event: e\ndata: 0123456789\ndata: 0123456789\ndata: 0123456789\n\nid: 3\n\
          data: d\n\n\n\ndata: 0123456789abcdef\n\ndata: e\n\n",
        24,
        24,
    ),
    (
        "errors back to back",
        b"data: 0123456789abcdef0123456789\n\ndata: 0123456789abcdef0123456789\n\
          \ndata: x\ndata: 0123456789\ndata: 0123456789\n\ndata: ok\n\n",
        24,
        16,
    ),
    (
        "error at the end",
        b"data: ok\n\ndata: 0123456789abcdef0123456789",
        24,
        16,
    ),
    (
        "comments and unknown fields count as lines",
        b":0123456789abcdef0123456789\ndata: a\n\nxyz: 0123456789abcdef0123456789\n\
          data: b\n\n",
        16,
        64,
    ),
    (
        "invalid UTF-8 in limited data",
        b"data: \xFF\xFF\ndata: abc\n\ndata: \xE2\x82\ndata: \xC0\xAF\n\ndata: 0123456789\n\n\
          data: ok\n\n",
        64,
        8,
    ),
];

#[test]
fn every_chunk_size_gives_identical_items_including_errors() {
    let mut failures = Vec::new();
    for &(name, input, line, event) in LIMITED_STREAMS {
        let whole = {
            let mut decoder = limited(line, event);
            let (items, finish) = decode_in_chunks(&mut decoder, input, input.len());
            (
                items,
                finish,
                decoder.last_event_id().to_owned(),
                decoder.retry(),
            )
        };
        assert!(
            whole.0.iter().any(|item| matches!(item, Item::Error(_))),
            "{name}: the stream should hit a limit"
        );
        for chunk in 1..=17 {
            let mut decoder = limited(line, event);
            let (items, finish) = decode_in_chunks(&mut decoder, input, chunk);
            let split = (
                items,
                finish,
                decoder.last_event_id().to_owned(),
                decoder.retry(),
            );
            if split != whole {
                failures.push(format!(
                    "{name}, chunk {chunk}:\n  whole: {whole:?}\n  split: {split:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn event_limit_counts_the_same_bytes_however_the_stream_is_split() {
    // Minimal form of the last stream above. Its raw data is 6 bytes
    // ("\xFF\xFF" LF "abc"), 10 once each invalid byte becomes U+FFFD.
    let input = b"data: \xFF\xFF\ndata: abc\n\n";
    let run = |pieces: &[&[u8]]| {
        let mut decoder = limited(64, 8);
        let mut items = Vec::new();
        for piece in pieces {
            decoder.feed(piece, |item| items.push(common::plain(item.into_owned())));
        }
        items
    };
    let whole = run(&[input]);
    for at in 1..input.len() {
        let split = run(&[&input[..at], &input[at..]]);
        assert_eq!(split, whole, "split at {at}");
    }
}
