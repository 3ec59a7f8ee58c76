//! Heap use of the decoder and encoder, measured with a counting global
//! allocator: the borrowed decoding path allocates nothing per event once
//! warm, the owned path one allocation per event, the encoder nothing when
//! writing into a reused `Vec`, and an idle decoder per connection stays
//! small.
//!
//! Heap use is counted by the shared counting allocator (`common/alloc.rs`),
//! per thread; every test also holds [`serial`] from its first line to its
//! last, so that the heavy set-ups of the others do not run beside it.

use ssewire::{Decoded, Decoder};

#[path = "common/alloc.rs"]
mod counting;

#[allow(dead_code, clippy::all, clippy::pedantic)]
#[rustfmt::skip]
#[path = "../benches/compare/src/workloads.rs"]
mod workloads;

#[path = "../benches/common/mod.rs"]
mod bench_common;

use counting::{measure, serial, signed};
use workloads::Kind;

/// Decodes `chunks` borrowed (`owned = false`) or with `into_owned` per
/// event, in the benches' loop; returns the number of events.
fn decode(decoder: &mut Decoder, chunks: &[&[u8]], owned: bool) -> u64 {
    bench_common::decode_events(decoder, chunks, |event| {
        if owned {
            std::hint::black_box(event.into_owned());
        } else {
            std::hint::black_box(event);
        }
    })
}

/// `small` split into a warm-up part (the first 64 KiB, whole events) and
/// the measured rest (about 1 MiB).
fn small_stream() -> (Vec<u8>, usize, u64) {
    let warm = workloads::generate(Kind::Small, 64 << 10);
    let all = workloads::generate(Kind::Small, (1 << 20) + (64 << 10));
    assert!(all.bytes.starts_with(&warm.bytes));
    let measured_events = all.events - warm.events;
    (all.bytes, warm.bytes.len(), measured_events)
}

#[test]
fn borrowed_path_allocates_nothing_per_event_once_warm() {
    // Held for the whole test: other tests allocate while they set up.
    let _serial = serial();
    let (bytes, warm_len, events) = small_stream();
    let (warm, rest) = bytes.split_at(warm_len);
    // Whole (one chunk each for the warm-up and the rest), then 64 B reads.
    for chunk_size in [rest.len(), 64] {
        let warm_chunks: Vec<&[u8]> = warm.chunks(chunk_size).collect();
        let rest_chunks: Vec<&[u8]> = rest.chunks(chunk_size).collect();
        let mut decoder = Decoder::new();
        decode(&mut decoder, &warm_chunks, false);
        let (events_seen, usage) = measure(|| decode(&mut decoder, &rest_chunks, false));
        let allocations = usage.allocations;
        println!(
            "borrowed, {chunk_size}-byte chunks: {allocations} allocations for {events_seen} events after warm-up"
        );
        assert_eq!(events_seen, events);
        assert_eq!(allocations, 0, "{chunk_size}-byte chunks");
    }
}

#[test]
fn owned_path_allocates_at_most_once_per_event() {
    // Held for the whole test: other tests allocate while they set up.
    let _serial = serial();
    let (bytes, warm_len, events) = small_stream();
    let (warm, rest) = bytes.split_at(warm_len);
    for chunk_size in [rest.len(), 64] {
        let warm_chunks: Vec<&[u8]> = warm.chunks(chunk_size).collect();
        let rest_chunks: Vec<&[u8]> = rest.chunks(chunk_size).collect();
        let mut decoder = Decoder::new();
        decode(&mut decoder, &warm_chunks, true);
        let (events_seen, usage) = measure(|| decode(&mut decoder, &rest_chunks, true));
        let allocations = usage.allocations;
        println!(
            "owned, {chunk_size}-byte chunks: {allocations} allocations for {events_seen} events after warm-up"
        );
        assert_eq!(events_seen, events);
        assert!(allocations <= events, "{allocations} for {events} events");
        // Each event is kept, so it costs exactly its one allocation.
        assert!(allocations >= events);
    }
}

#[test]
fn owned_events_from_feed_share_an_allocation_per_stretch() {
    // Held for the whole test: other tests allocate while they set up.
    let _serial = serial();
    let tokens = workloads::generate(Kind::Tokens, 1 << 20);
    let events = usize::try_from(tokens.events).expect("fits");
    for chunk_size in [tokens.bytes.len(), 4096] {
        let mut decoder = Decoder::new();
        let mut kept = Vec::with_capacity(events);
        let ((), usage) = measure(|| {
            for chunk in tokens.bytes.chunks(chunk_size) {
                decoder.feed(chunk, |item| {
                    if let Decoded::Event(event) = item {
                        kept.push(event.into_owned());
                    }
                });
            }
        });
        let allocations = usage.allocations;
        println!(
            "feed, owned, {chunk_size}-byte chunks: {allocations} allocations for {} events",
            kept.len()
        );
        assert_eq!(kept.len(), events);
        // One per stretch of a few KiB, a copy for each event that crosses
        // the end of one, and the decoder's buffers.
        assert!(
            allocations * 50 < tokens.events,
            "{allocations} for {events} events"
        );
    }
}

#[test]
fn encoding_into_a_reused_vec_allocates_nothing() {
    // Held for the whole test: other tests allocate while they set up.
    let _serial = serial();
    let (_, set) = workloads::generate_events(Kind::Small, 1 << 20);
    let encode = |out: &mut Vec<u8>| {
        for event in &set {
            bench_common::message(event).write_to_vec(out).unwrap();
        }
    };
    let mut out = Vec::new();
    encode(&mut out); // warm-up: the vector grows to the stream's size
    let size = out.len();
    out.clear();
    let ((), usage) = measure(|| encode(&mut out));
    let allocations = usage.allocations;
    println!(
        "encoder: {allocations} allocations for {} events ({size} bytes) into a reused Vec",
        set.len()
    );
    assert_eq!(out.len(), size);
    assert_eq!(allocations, 0);
}

#[test]
fn idle_decoders_stay_small() {
    const DECODERS: usize = 100_000;
    const LIMIT: isize = 16 << 20;
    // Held for the whole test: other tests allocate while they set up.
    let _serial = serial();
    let stream = b"id: 0123456789\ndata: hello\n\n";
    let (decoders, usage) = measure(|| {
        let mut decoders = Vec::with_capacity(DECODERS);
        for _ in 0..DECODERS {
            let mut decoder = Decoder::new();
            let mut events = 0;
            decoder.feed(stream, |item| {
                if let Decoded::Event(event) = item {
                    assert_eq!(event.last_event_id, "0123456789");
                    events += 1;
                }
            });
            assert_eq!(events, 1);
            decoders.push(decoder);
        }
        decoders
    });
    let (allocations, live) = (usage.allocations, usage.live);
    let size = std::mem::size_of::<ssewire::Decoder>();
    #[allow(clippy::cast_precision_loss)]
    let per_decoder = live as f64 / DECODERS as f64;
    println!(
        "size_of::<Decoder>() = {size} bytes; {DECODERS} idle decoders hold {live} bytes \
         ({per_decoder:.1} bytes each, struct included; {allocations} allocations)"
    );
    assert!(decoders.iter().all(|d| d.last_event_id() == "0123456789"));
    assert!(live < LIMIT, "{live} bytes for {DECODERS} idle decoders");
    // The struct itself is in the count: the Vec holding them is measured.
    assert!(live >= signed(size * DECODERS));
    drop(decoders);
}

#[test]
fn owned_event_without_data_type_or_id_allocates_nothing() {
    let _serial = serial();
    let mut decoder = Decoder::new();
    let stream: &[u8] = b"data\n\ndata\n\n";
    decoder.feed(stream, |_| {}); // warm-up
    let (owned, usage) = measure(|| {
        let mut owned = Vec::with_capacity(2);
        decoder.feed(stream, |item| {
            if let Decoded::Event(event) = item {
                owned.push(event.into_owned());
            }
        });
        owned
    });
    assert_eq!(owned.len(), 2);
    assert_eq!(owned[0].event_type(), "message");
    assert_eq!(owned[0].data(), "");
    // The Vec's own allocation is the only one.
    assert_eq!(usage.allocations, 1);
}

#[test]
fn owned_event_equality_and_hash_follow_field_values() {
    use std::hash::{BuildHasher, RandomState};
    let hasher = RandomState::new();
    let pairs = [
        (
            ssewire::OwnedEvent::new("message", "ab", ""),
            ssewire::Event::new("message", "ab", ""),
        ),
        (
            ssewire::OwnedEvent::new("messag", "eab", ""),
            ssewire::Event::new("messag", "eab", ""),
        ),
        (
            ssewire::OwnedEvent::new("", "messageab", "7"),
            ssewire::Event::new("", "messageab", "7"),
        ),
    ];
    for (owned, event) in &pairs {
        assert_eq!(owned.as_event(), *event);
        assert_eq!(owned.event_type(), event.event_type);
        assert_eq!(hasher.hash_one(owned), hasher.hash_one(event));
    }
    assert_ne!(pairs[0].0, pairs[1].0);
    assert_ne!(pairs[1].0, pairs[2].0);
    assert_eq!(pairs[0].0, pairs[0].1.into_owned());
}
