//! Heap use of the connection policy, measured with a counting global
//! allocator: once the decoder is warm, a whole reconnection cycle (request
//! headers, response verdict, a body with an event and a new id, the
//! timeout, end of stream or a stall, wait) allocates nothing. The only
//! per-connection state that may need heap memory is the last event ID,
//! kept by the decoder, and it reuses its capacity.
//!
//! One test, so that nothing else in this binary allocates on its thread
//! while it measures; counters are per thread.

#![allow(unsafe_code)] // the `GlobalAlloc` impl below, nothing else

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ssewire::Decoded;
use ssewire::client::Client;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter only observes calls, and touching it never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

/// One connection: returns the number of events and header bytes seen, so
/// the work cannot be optimised away.
fn cycle(client: &mut Client, body: &[u8], stall: bool) -> usize {
    let mut seen = 0;
    let request = client.connect().expect("never stops");
    for (name, value) in request.headers() {
        seen += name.len() + value.len();
    }
    client
        .response(200, Some("text/event-stream; charset=utf-8"))
        .expect("opens");
    client.feed(body, |item| {
        if let Decoded::Event(event) = item {
            seen += event.data.len();
        }
    });
    seen += usize::from(client.timeout().is_some());
    let wait = if stall {
        client.timed_out()
    } else {
        client.stream_ended()
    }
    .expect("never stops");
    seen + usize::from(wait.delay(12345) > wait.shortest())
}

#[test]
fn a_reconnection_cycle_allocates_nothing_once_warm() {
    let mut client = Client::builder()
        .backoff(std::time::Duration::from_secs(60))
        .jitter_percent(30)
        .build();
    let bodies: Vec<Vec<u8>> = (0..100)
        .map(|n| format!("retry: 1000\nid: {n:04}\ndata: event {n}\n\n").into_bytes())
        .collect();
    // Warm up: the decoder's id buffer takes its capacity.
    let mut seen = cycle(&mut client, &bodies[0], false);
    let before = allocations();
    // The counter works on this thread: building the bodies allocated.
    assert!(before >= 100);
    for (n, body) in bodies[1..].iter().enumerate() {
        seen += cycle(&mut client, body, n % 2 == 0);
    }
    let during = allocations() - before;
    assert!(seen > 0);
    assert_eq!(during, 0, "allocations in 99 reconnection cycles");
    assert_eq!(client.decoder().last_event_id(), "0099");
}
