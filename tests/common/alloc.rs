//! A counting global allocator, for the tests that measure heap use
//! (`tests/alloc.rs`, `tests/hostile.rs`). Include it with
//! `#[path = "common/alloc.rs"] mod counting;`: it installs itself as the
//! binary's `#[global_allocator]`, so it is not part of `common/mod.rs`,
//! which every test binary includes.
//!
//! Counts are per thread, and only while the thread is inside [`measure`]:
//! tests of one binary run on parallel threads, and the harness's own threads
//! allocate (to report results) while a test measures.
//!
//! Implementing `GlobalAlloc` needs `unsafe`; nothing else here does. The
//! crate's own sources forbid it.
#![allow(unsafe_code, dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Heap use seen by one thread while it measures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// Live bytes now, relative to the start of the measurement (negative if
    /// memory allocated before it was freed).
    pub live: isize,
    /// Highest `live` reached.
    pub peak: isize,
    /// Allocations and reallocations made.
    pub allocations: u64,
    /// Bytes requested by those allocations and reallocations (a
    /// reallocation counts its new size).
    pub bytes: u64,
}

thread_local! {
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static USAGE: Cell<Usage> = const {
        Cell::new(Usage { live: 0, peak: 0, allocations: 0, bytes: 0 })
    };
}

/// Records one allocation event on the current thread, if it is measuring.
/// `try_with` because the allocator also runs while thread-locals are torn
/// down; the cells are `const`-initialised and have no destructor, so reading
/// them never allocates.
fn record(grow: isize, requested: usize, is_allocation: bool) {
    if MEASURING.try_with(Cell::get) != Ok(true) {
        return;
    }
    let _ = USAGE.try_with(|cell| {
        let mut usage = cell.get();
        usage.live += grow;
        usage.peak = usage.peak.max(usage.live);
        if is_allocation {
            usage.allocations += 1;
            usage.bytes += requested as u64;
        }
        cell.set(usage);
    });
}

/// `n` as a signed byte count.
pub fn signed(n: usize) -> isize {
    isize::try_from(n).expect("allocation sizes fit in isize")
}

/// The system allocator, with per-thread counting.
struct Counting;

// SAFETY: every method forwards to `System` with the same arguments, and the
// bookkeeping only touches `const`-initialised thread-local cells.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            record(signed(layout.size()), layout.size(), true);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record(signed(layout.size()), layout.size(), true);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) };
        record(-signed(layout.size()), 0, false);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as ours.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            // Counted as the old block becoming the new one: live bytes
            // change by the difference.
            record(signed(new_size) - signed(layout.size()), new_size, true);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `work` while counting this thread's allocations.
pub fn measure<R>(work: impl FnOnce() -> R) -> (R, Usage) {
    USAGE.with(|cell| cell.set(Usage::default()));
    MEASURING.with(|flag| flag.set(true));
    let result = work();
    MEASURING.with(|flag| flag.set(false));
    (result, USAGE.with(Cell::get))
}

/// Live bytes now, relative to the start of the current measurement.
pub fn live_now() -> isize {
    USAGE.with(Cell::get).live
}

/// Serialises the heavy and timed tests of a binary, so that two of them
/// never compete for the CPU; held from a test's first line to its last.
pub fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}
