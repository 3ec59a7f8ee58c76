//! Every parser row of the bench lives behind [`SseParser`].
//!
//! To add a row (e.g. the new `ssewire` crate as a path dependency):
//! 1. `cargo add --path ../<crate>` (or edit Cargo.toml: `ssewire = { path = "..." }`);
//! 2. add `src/parsers/<name>.rs` with a unit struct implementing [`SseParser`]
//!    (feed `chunks` in order to one decoder, count dispatched events and the byte
//!    length of each event's `data` after dispatch);
//! 3. add `mod <name>;` below and one line to [`all`].
//!
//! The harness times `parse` only; chunk slicing and workload generation happen
//! outside the timed region.

mod async_sse_peer;
mod chunk_reader;
mod eventsource_stream_peer;
mod memchr_lines;
mod naive;
mod russe_peer;
mod scan_validate;
mod sse_codec_peer;
mod sse_core_peer;
mod sse_parse_peer;
mod sse_stream_peer;
mod sseer_peer;
mod ssewire_async_row;
mod ssewire_row;

pub use chunk_reader::ChunkReader;

/// What one full parse of a workload produced.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Dispatched events (WHATWG: blocks whose data buffer was non-empty).
    pub events: u64,
    /// Sum over events of the byte length of `data` after dispatch
    /// (lines joined with LF, final LF removed).
    pub data_bytes: u64,
}

pub trait SseParser {
    /// Row label in the table.
    fn name(&self) -> &'static str;
    /// Parse one whole stream delivered as `chunks`, in order, to a fresh decoder.
    fn parse(&self, chunks: &[&[u8]]) -> Counts;
    /// Baselines are not SSE parsers: they are shown for reference and are left
    /// out of the "best peer" anchor. `memchr-lines` does not compute data bytes.
    fn kind(&self) -> Kind {
        Kind::Peer
    }
    /// Whether `data_bytes` is meaningful (checked against the workload's truth).
    fn reports_data_bytes(&self) -> bool {
        true
    }
    /// Whether `events` counts every blank line (blocks, keep-alives included)
    /// rather than dispatched events; checked against the workload's `blocks`.
    fn counts_blocks(&self) -> bool {
        false
    }
    /// One-line caveat shown under the table (how the API was driven, etc.).
    fn note(&self) -> Option<&'static str> {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Lower bound / reference rows we wrote ourselves.
    Baseline,
    /// crates.io SSE parsers.
    Peer,
    /// The crate this bench anchors: ssewire.
    Ours,
}

/// All rows, in table order.
pub fn all() -> Vec<Box<dyn SseParser>> {
    vec![
        Box::new(memchr_lines::MemchrLines),
        Box::new(scan_validate::ScanValidate),
        Box::new(naive::Naive),
        Box::new(eventsource_stream_peer::EventsourceStream),
        Box::new(sse_stream_peer::SseStream),
        Box::new(sse_codec_peer::SseCodec),
        Box::new(async_sse_peer::AsyncSse),
        Box::new(sse_core_peer::SseCore),
        Box::new(sse_parse_peer::SseParse),
        Box::new(sseer_peer::Sseer),
        Box::new(russe_peer::Russe),
        Box::new(ssewire_row::Ssewire::<false, false>),
        Box::new(ssewire_row::Ssewire::<false, true>),
        Box::new(ssewire_row::Ssewire::<true, false>),
        Box::new(ssewire_row::Ssewire::<true, true>),
        Box::new(ssewire_async_row::SsewireAsyncStream),
    ]
}
