//! Encoder rows: serialize a generated event set (`small` / `large`, the same
//! events those workloads contain) to `text/event-stream` bytes.
//!
//! Each row is driven the fastest legitimate way its API allows: rows whose API
//! borrows (`&str` fields, `Display` of an event value) encode from the set
//! itself, or from their own event values built in [`SseEncoder::prepare`];
//! rows whose API consumes owned values get them from `prepare` too (the
//! `String`s an application would move in, no copy). `prepare` runs outside the
//! timed region, and whatever the row did not consume is dropped outside it, so
//! a row pays for freeing its input only where its API takes ownership and
//! frees it. Timed: everything from there to bytes in a [`Sink`]. Rows that
//! write into a buffer drain it into the sink whenever it passes [`FLUSH_AT`]
//! (as a socket write would), so the output stays cache-resident; rows whose
//! API returns one `Bytes` per event hand each one to the sink.
//!
//! To add a row: a unit struct implementing [`SseEncoder`], `mod` it below and
//! add it to [`all`].

mod async_sse_enc;
mod axum_enc;
mod baseline;
mod russe_enc;
mod sse_codec_enc;
mod sse_stream_enc;
mod ssewire_enc;

use crate::parsers::Kind;
use crate::workloads::GenEvent;
use std::any::Any;

/// What [`SseEncoder::prepare`] built for one encode (downcast by the row).
pub type Prepared = Option<Box<dyn Any>>;

/// Buffered rows drain their buffer into the sink once it holds this much.
pub const FLUSH_AT: usize = 64 << 10;

/// Where encoded bytes go: counted (timed runs) or also kept (the decode check).
pub struct Sink {
    keep: Option<Vec<u8>>,
    pub bytes: u64,
}

impl Sink {
    pub fn counting() -> Self {
        Sink {
            keep: None,
            bytes: 0,
        }
    }
    pub fn keeping() -> Self {
        Sink {
            keep: Some(Vec::new()),
            bytes: 0,
        }
    }
    #[inline]
    pub fn put(&mut self, b: &[u8]) {
        self.bytes += b.len() as u64;
        match &mut self.keep {
            Some(k) => k.extend_from_slice(b),
            None => {
                std::hint::black_box(b);
            }
        }
    }
    pub fn into_kept(self) -> Vec<u8> {
        self.keep.unwrap_or_default()
    }
}

pub trait SseEncoder {
    /// Row label in the table.
    fn name(&self) -> &'static str;
    /// Untimed: this row's own input for one encode (owned event values), if its
    /// API needs any; by default the row encodes straight from the set.
    fn prepare(&self, _set: &[GenEvent]) -> Prepared {
        None
    }
    /// Timed: encode every event of the set, in order, as one stream into
    /// `sink`, from `set` or from what `prepare` returned (`take` it to consume).
    fn encode(&self, set: &[GenEvent], prepared: &mut Prepared, sink: &mut Sink);
    /// Baselines and the new crate (`Kind::Ours`) are left out of the "best
    /// peer" pick, as for the parser rows.
    fn kind(&self) -> Kind {
        Kind::Peer
    }
    /// How the API was driven (shown under the table).
    fn note(&self) -> &'static str;
}

/// All encoder rows, in table order.
pub fn all() -> Vec<Box<dyn SseEncoder>> {
    vec![
        Box::new(baseline::Baseline),
        Box::new(sse_stream_enc::SseStreamEnc),
        Box::new(russe_enc::RusseEnc),
        Box::new(sse_codec_enc::SseCodecEnc),
        Box::new(async_sse_enc::AsyncSseEnc),
        Box::new(axum_enc::AxumEnc),
        Box::new(ssewire_enc::SsewireEnc),
    ]
}

/// What decoding an encoder's output with sse-core found, against the set.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DecodeCheck {
    pub events: u64,
    pub data_bytes: u64,
    /// Events whose type, last-event-id or data differ from the generated one.
    pub field_mismatches: u64,
}

/// Decode `bytes` with the spec-exact sse-core decoder and compare every event
/// (type, last event id, data) with the generated set.
pub fn check_output(bytes: &[u8], set: &[GenEvent]) -> DecodeCheck {
    use sse_core::{SseDecoder, SseEvent};
    let mut dec = SseDecoder::new();
    let mut buf = bytes;
    let mut out = DecodeCheck::default();
    let mut last_id: Option<&str> = None;
    let mut i = 0usize;
    while let Some(ev) = dec.next(&mut buf) {
        let SseEvent::Message(m) = ev.expect("sse-core: payload too large") else {
            continue;
        };
        out.events += 1;
        out.data_bytes += m.data.len() as u64;
        match set.get(i) {
            Some(g) => {
                if let Some(id) = &g.id {
                    last_id = Some(id);
                }
                let want_type = g.event.as_deref().unwrap_or("message");
                if m.event != want_type || m.last_event_id.as_deref() != last_id || m.data != g.data
                {
                    out.field_mismatches += 1;
                }
            }
            None => out.field_mismatches += 1,
        }
        i += 1;
    }
    out
}
