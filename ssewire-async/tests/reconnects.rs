//! 10,000 reconnections in a row through `EventSource` on the paused clock,
//! with a counting allocator: the heap held by the source stays flat (no
//! queue, timer, buffer or per-connection state that grows), whatever
//! mix of ended, truncated and failed connections it follows.
//!
//! One test, so that nothing else in this binary allocates on its thread
//! while it measures; the counter is per thread, and a current-thread
//! runtime keeps every allocation of the source on this one.

#![allow(unsafe_code)] // the `GlobalAlloc` impl below, nothing else

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::Full;
use ssewire::client::Client;
use ssewire_async::client::{EventSource, Update};

struct Counting;

thread_local! {
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

fn add(bytes: usize, sign: i64) {
    let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
    let _ = LIVE.try_with(|live| live.set(live.get() + sign * bytes));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter only observes calls, and touching it never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size(), 1);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(layout.size(), -1);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(layout.size(), -1);
        add(new_size, 1);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live() -> i64 {
    LIVE.with(Cell::get)
}

const BODIES: [&str; 4] = [
    "id: 1\ndata: a\n\n",
    ": keep-alive\n\nretry: 250\nid: 2\ndata: b\n\ndata: cut",
    "data: c\n\n",
    "",
];

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn ten_thousand_reconnections_hold_flat_memory() {
    let mut n = 0u64;
    let connect = move |_headers: http::HeaderMap| {
        n += 1;
        let answer = if n % 7 == 0 {
            Err("connection refused")
        } else {
            let body = BODIES[usize::try_from(n % 4).unwrap()];
            Ok(http::Response::builder()
                .header("content-type", "text/event-stream")
                .body(Full::new(Bytes::from_static(body.as_bytes())))
                .unwrap())
        };
        std::future::ready(answer)
    };
    let policy = Client::builder()
        .backoff(std::time::Duration::from_secs(60))
        .build();
    let mut source = EventSource::with_client(connect, policy);
    let (mut reconnections, mut events) = (0u32, 0u32);
    let mut warm = None;
    while let Some(update) = source.next().await {
        match update {
            Ok(Update::Reconnecting { .. }) => reconnections += 1,
            Ok(Update::Item(item)) if item.event().is_some() => events += 1,
            Ok(_) | Err(_) => {}
        }
        if reconnections == 1_000 && warm.is_none() {
            warm = Some(live());
        }
        if reconnections == 10_000 {
            break;
        }
    }
    let warm = warm.expect("1,000 reconnections");
    let grown = live() - warm;
    assert!(events > 5_000, "{events}");
    // 9,000 reconnections later: any state kept per connection would have
    // grown by kilobytes. A few hundred bytes of slack for a buffer whose
    // capacity settles late.
    assert!(
        grown.abs() < 1_024,
        "{grown} bytes more after 9,000 reconnections"
    );
    eprintln!("live heap: {warm} bytes after 1,000 reconnections, {grown:+} after 10,000");
}
