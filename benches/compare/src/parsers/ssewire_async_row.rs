//! ssewire-async (this repository, path dependency): the companion crate's
//! `Stream` adapter, `EventStreamExt::sse_events` over a `futures` stream of
//! `Result<Bytes, Infallible>` chunks, driven with `block_on`. Every event is
//! the adapter's owned `Event` (its `Str` fields share the chunk when the
//! event lies inside it, are copied or held inline otherwise), counted and
//! dropped; `retry` items are skipped.
//!
//! The chunks are `Bytes::from_static` views of the input, as the sseer row
//! gives sseer: zero-copy, no allocation, and the same input type an HTTP
//! client hands over. `SseParser::parse` receives `&[&[u8]]`, so the views
//! are made inside the measured call (a few instructions per chunk, no
//! allocation); a static `Bytes` is cloned and dropped without the atomic
//! reference count that a client's shared `Bytes` pays. See the SAFETY note
//! in `parse`.

use super::{Counts, Kind, SseParser};
use bytes::Bytes;
use futures::StreamExt;
use ssewire_async::{EventStreamExt, Item};
use std::convert::Infallible;

pub struct SsewireAsyncStream;

impl SseParser for SsewireAsyncStream {
    fn name(&self) -> &'static str {
        "ssewire-async (stream)"
    }
    fn kind(&self) -> Kind {
        Kind::Ours
    }
    fn note(&self) -> Option<&'static str> {
        Some(
            "ssewire-async (stream): `.sse_events()` over a stream of `Bytes` chunks (zero-copy `Bytes::from_static` views of the input, as the sseer row), `block_on`; owned `Event`s sharing the chunk when inside it, dropped after counting",
        )
    }

    fn parse(&self, chunks: &[&[u8]]) -> Counts {
        futures::executor::block_on(async {
            // SAFETY: the 'static `Bytes` views never outlive this call: the
            // input stream, the `Events` adapter (and the strings it keeps) and
            // every `Item` (whose `Str`s may share a chunk) are dropped before
            // `parse` returns, and `chunks` outlives the call.
            let input = futures::stream::iter(chunks.iter().map(|c| {
                let c: &'static [u8] = unsafe { std::mem::transmute::<&[u8], &'static [u8]>(c) };
                Ok::<Bytes, Infallible>(Bytes::from_static(c))
            }));
            let mut items = std::pin::pin!(input.sse_events());
            let mut out = Counts::default();
            while let Some(item) = items.next().await {
                let Ok(item) = item;
                if let Item::Event(ev) = item {
                    out.events += 1;
                    out.data_bytes += ev.data.len() as u64;
                    std::hint::black_box(&ev);
                }
            }
            out
        })
    }
}
