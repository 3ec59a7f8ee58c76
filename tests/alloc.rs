//! Heap use of the decoder and encoder, measured with a counting global
//! allocator: the borrowed decoding path allocates nothing per event once
//! warm, the owned path one allocation per event, the encoder nothing when
//! writing into a reused `Vec`, and an idle decoder per connection stays
//! small.
//!
//! Tests of one binary run on parallel threads and share the allocator: the
//! counters are per thread, and every test also holds [`SERIAL`] from its
//! first line to its last.

#![allow(unsafe_code)] // the `GlobalAlloc` impl below, nothing else

use ssewire::{Decoded, Decoder, Message};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Mutex;

#[allow(dead_code, clippy::all, clippy::pedantic)]
#[rustfmt::skip]
#[path = "../benches/compare/src/workloads.rs"]
mod workloads;

use workloads::Kind;

struct Counting;

// Counted per thread: the test harness's own threads allocate (to report
// results) while a test measures.
thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static ALLOCATED: Cell<u64> = const { Cell::new(0) };
    static FREED: Cell<u64> = const { Cell::new(0) };
}

fn add(counter: &'static std::thread::LocalKey<Cell<u64>>, n: usize) {
    // `try_with`: a thread being torn down has no counters left.
    let _ = counter.try_with(|c| c.set(c.get() + n as u64));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters only observe sizes, and touching them never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(&ALLOCATIONS, 1);
        add(&ALLOCATED, layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(&FREED, layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(&ALLOCATIONS, 1);
        add(&ALLOCATED, new_size);
        add(&FREED, layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Held by every test while it measures.
static SERIAL: Mutex<()> = Mutex::new(());

#[derive(Debug, Clone, Copy)]
struct Snapshot {
    allocations: u64,
    live: i64,
}

fn snapshot() -> Snapshot {
    let allocated = ALLOCATED.with(Cell::get);
    let freed = FREED.with(Cell::get);
    Snapshot {
        allocations: ALLOCATIONS.with(Cell::get),
        live: i64::try_from(allocated).unwrap() - i64::try_from(freed).unwrap(),
    }
}

/// Allocations and net live bytes of `f`, measured under the lock.
fn measure<T>(f: impl FnOnce() -> T) -> (T, u64, i64) {
    let before = snapshot();
    let out = f();
    let after = snapshot();
    (
        out,
        after.allocations - before.allocations,
        after.live - before.live,
    )
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Decodes `chunks` borrowed (`owned = false`) or with `into_owned` per
/// event; returns the number of events.
fn decode(decoder: &mut Decoder, chunks: &[&[u8]], owned: bool) -> u64 {
    let mut events = 0;
    for chunk in chunks {
        let mut input: &[u8] = chunk;
        loop {
            let (item, used) = decoder.decode(input);
            input = &input[used..];
            match item {
                Some(Decoded::Event(event)) => {
                    events += 1;
                    if owned {
                        std::hint::black_box(event.into_owned());
                    } else {
                        std::hint::black_box(event);
                    }
                }
                Some(_) => {}
                None => break,
            }
        }
    }
    events
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
    let _serial = lock();
    let (bytes, warm_len, events) = small_stream();
    let (warm, rest) = bytes.split_at(warm_len);
    // Whole (one chunk each for the warm-up and the rest), then 64 B reads.
    for chunk_size in [rest.len(), 64] {
        let warm_chunks: Vec<&[u8]> = warm.chunks(chunk_size).collect();
        let rest_chunks: Vec<&[u8]> = rest.chunks(chunk_size).collect();
        let mut decoder = Decoder::new();
        decode(&mut decoder, &warm_chunks, false);
        let (events_seen, allocations, _) = measure(|| decode(&mut decoder, &rest_chunks, false));
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
    let _serial = lock();
    let (bytes, warm_len, events) = small_stream();
    let (warm, rest) = bytes.split_at(warm_len);
    for chunk_size in [rest.len(), 64] {
        let warm_chunks: Vec<&[u8]> = warm.chunks(chunk_size).collect();
        let rest_chunks: Vec<&[u8]> = rest.chunks(chunk_size).collect();
        let mut decoder = Decoder::new();
        decode(&mut decoder, &warm_chunks, true);
        let (events_seen, allocations, _) = measure(|| decode(&mut decoder, &rest_chunks, true));
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
fn encoding_into_a_reused_vec_allocates_nothing() {
    // Held for the whole test: other tests allocate while they set up.
    let _serial = lock();
    let (_, set) = workloads::generate_events(Kind::Small, 1 << 20);
    let encode = |out: &mut Vec<u8>| {
        for event in &set {
            let mut message = Message::new(&event.data);
            if let Some(event_type) = &event.event {
                message = message.event(event_type);
            }
            if let Some(id) = &event.id {
                message = message.id(id);
            }
            message.write_to_vec(out).unwrap();
        }
    };
    let mut out = Vec::new();
    encode(&mut out); // warm-up: the vector grows to the stream's size
    let size = out.len();
    out.clear();
    let ((), allocations, _) = measure(|| encode(&mut out));
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
    const LIMIT: i64 = 16 << 20;
    // Held for the whole test: other tests allocate while they set up.
    let _serial = lock();
    let stream = b"id: 0123456789\ndata: hello\n\n";
    let (decoders, allocations, live) = measure(|| {
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
    assert!(live >= i64::try_from(size * DECODERS).unwrap());
    drop(decoders);
}
