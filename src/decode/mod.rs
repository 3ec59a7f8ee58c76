//! Decoding: bytes in, events out, following the WHATWG "interpreting an
//! event stream" algorithm.
//!
//! # Advice for hackers
//!
//! The decoder is a push state machine, a pipeline of four steps, each in a
//! file of its own:
//!
//! 1. **bytes → lines** (`lines.rs`): the BOM, CR / LF / CR LF across chunk
//!    boundaries, a line cut by the end of a chunk (kept in the line buffer
//!    until its end arrives), and skipping to the end of a block after a
//!    limit error. The scan for line ends is `crate::scan`, the one place
//!    that touches every byte.
//! 2. **lines → fields** (`rules.rs`): which kind of line, where its value
//!    starts, which `retry` and `id` values count. Pure functions of a line.
//! 3. **fields → block** (`block.rs`): what each field does to the event
//!    being built, and dispatch at the blank line. Each rule of the
//!    standard is written once, over a value that lies either in the input
//!    or in the line buffer ([`store::Value`]).
//! 4. **block → event** (`mod.rs`, [`Decoder::decode`]): the one loop that
//!    drives the three, and hands out what it found as a [`Decoded`].
//!
//! `store.rs` is the storage layer under the rules: where values are and
//! which buffer holds them. `call.rs` holds what one call knows of its
//! input: the values taken from it, not yet validated, and what of it is
//! already known to be text. `utf8.rs` holds the lossy decoding they share.
//!
//! `docs/SPEC.md` lists the rules of the standard, and `tests/spec.rs` has a
//! test named after each. Where they live here:
//!
//! | rules | where |
//! | --- | --- |
//! | R1 lossy UTF-8 | `utf8.rs`, applied where values become text |
//! | R2 BOM, R3 line endings | `lines.rs`: `Lines::begin`, `Lines::next_line` |
//! | R4 end of stream | [`Decoder::finish`] |
//! | R5 to R9 line kinds, colon, space, names | `rules.rs`: `classify` |
//! | R10a `event`, R10b `data`, R10c `id` | `block.rs`: `Block::event_type`, `Block::data`, `Block::id` (NUL: `rules::id_is_valid`) |
//! | R10d `retry` | `machine.rs`: `interpret` (digits: `rules::retry_millis`) |
//! | R11 dispatch | `block.rs`: `Block::dispatch`, `Block::event` |
//! | C1 oversized `retry` | `rules::retry_millis` |
//! | C2 limits | `lines.rs` (line limit), `store.rs`: `Data::push` (event limit) |
//! | C4 comments | `machine.rs`: `interpret` |
//!
//! ## Three fast paths, in `call.rs` and `store.rs`
//!
//! - **Deferred validation.** A value that lies in the input is recorded as
//!   a range and validated as UTF-8 only at dispatch, all values of the
//!   event in one pass (`InCall::texts`), because a `from_utf8` call per
//!   6-byte value costs more than its bytes. Buffered data is likewise
//!   appended raw and validated once, at dispatch, while even its decoded
//!   form could not pass the event limit (`Data`). Every such check goes
//!   through `crate::proven::text`, which tests ASCII a word at a time
//!   before `from_utf8`'s byte-by-byte start on a short, unaligned value.
//! - **Validation ahead.** [`Decoder::try_feed`] (and so `feed`) makes many
//!   steps over one input, so the first short event validates the next few
//!   KiB with it, and the events after are handed out from that text
//!   (`Ahead`). A lone [`Decoder::decode`] call cannot: the input it is
//!   given next may be another buffer, so it validates only its event
//!   (`Unknown`). The step is generic over the two, so `decode` pays nothing
//!   for the other.
//! - **Adoption.** A long `data` line cut by a chunk boundary, first in its
//!   block, becomes the data buffer instead of being copied into it
//!   (`Data::adopt`): 64 KiB lines read in 4 KiB chunks would otherwise be
//!   copied twice.
//!
//! ## The lending rule
//!
//! [`Decoder::decode`] returns items that borrow from the input and from the
//! decoder, so the decoder cannot change while one is alive. It therefore
//! leaves in place what it lent and clears it at the start of the next call
//! ([`Lent`]): the buffers of a dispatched event, or the line buffer holding
//! a comment (or the decoded copy of invalid data). Nothing else may touch
//! those buffers until then.

// The pipeline is split into files by concept, but its per-line path must
// still compile to one loop: the few functions on it are `inline(always)`.
#![allow(clippy::inline_always)]

mod block;
mod builder;
mod call;
mod lines;
mod machine;
mod rules;
mod store;
mod utf8;

use core::fmt;
use core::ops::ControlFlow;
use core::time::Duration;

pub use builder::DecoderBuilder;

use block::Block;
use builder::Caps;
use call::{Ahead, Unknown};
use lines::{LineBuf, Lines};
use machine::Lent;

use crate::event::{Buffered, Decoded, Finish};
use crate::limits::Limits;

/// Incremental `text/event-stream` decoder.
///
/// Feed it the stream's bytes in chunks of any size, split anywhere; it
/// yields exactly the events the whole stream holds. See the
/// [crate documentation](crate) for the format and a complete example.
///
/// Memory: a new decoder holds no heap memory. It keeps the last event ID,
/// and buffers only what spans a chunk boundary (a cut line, an event whose
/// lines arrived in several chunks, or data of several lines), bounded by its
/// [`Limits`]. Buffers keep their capacity for reuse;
/// [`Decoder::shrink_to_fit`] gives it back.
#[derive(Clone)]
pub struct Decoder {
    line: LineBuf,
    lines: Lines,
    block: Block,
    /// The reconnection time in milliseconds, from the last valid `retry`.
    retry: Option<u64>,
    caps: Caps,
    comments: bool,
    lent: Lent,
    /// Whether `try_feed` saw events made owned ([`Ahead`]).
    keeping: bool,
}

// One decoder per connection: keep it within 160 bytes (its four buffers
// take 96).
const _: () = assert!(core::mem::size_of::<Decoder>() <= 160);

impl Default for Decoder {
    fn default() -> Decoder {
        Decoder::new()
    }
}

impl Decoder {
    /// A decoder with [`Limits::default`] that skips comments.
    ///
    /// ```
    /// let decoder = ssewire::Decoder::new();
    /// assert_eq!(decoder.limits(), ssewire::Limits::default());
    /// ```
    pub fn new() -> Decoder {
        DecoderBuilder::default().build()
    }

    /// Starts building a decoder with other limits or with comments reported.
    ///
    /// ```
    /// let decoder = ssewire::Decoder::builder().comments(true).build();
    /// # let _ = decoder;
    /// ```
    pub fn builder() -> DecoderBuilder {
        DecoderBuilder::default()
    }

    /// The limits this decoder enforces.
    ///
    /// ```
    /// use ssewire::{Decoder, Limits};
    ///
    /// let limits = Limits::default().max_line_len(Some(4096));
    /// assert_eq!(Decoder::builder().limits(limits).build().limits(), limits);
    /// ```
    #[must_use]
    pub fn limits(&self) -> Limits {
        let cap = |n: usize| (n != usize::MAX).then_some(n);
        Limits::default()
            .max_line_len(cap(self.caps.line))
            .max_event_len(cap(self.caps.event))
    }

    /// The last event ID string: the ID committed by the most recent blank
    /// line. A reconnecting client sends it as the `Last-Event-ID` header.
    ///
    /// ```
    /// let mut decoder = ssewire::Decoder::new();
    /// decoder.feed(b"id: 41\n\nid: 42\n", |_| {});
    /// // `id: 42` has no blank line after it yet.
    /// assert_eq!(decoder.last_event_id(), "41");
    /// ```
    #[must_use]
    pub fn last_event_id(&self) -> &str {
        self.block.ids.last()
    }

    /// The reconnection time set by the last valid `retry` field, or `None`
    /// if there was none.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut decoder = ssewire::Decoder::new();
    /// decoder.feed(b"retry: 2500\n", |_| {});
    /// assert_eq!(decoder.retry(), Some(Duration::from_millis(2500)));
    /// ```
    #[must_use]
    pub fn retry(&self) -> Option<Duration> {
        self.retry.map(Duration::from_millis)
    }

    /// How much the decoder holds for the line and the event in progress, as
    /// the next call will see it (an event or comment already handed out is
    /// not counted). Each part stays within the decoder's [`Limits`]; see
    /// [`Buffered`].
    ///
    /// ```
    /// let mut decoder = ssewire::Decoder::new();
    /// decoder.feed(b"event: add\nid: 7\ndata: 1\ndata: 2\n\ndata: 3\nda", |_| {});
    /// let held = decoder.buffered();
    /// assert_eq!((held.line, held.data, held.event_type, held.id), (2, 1, 0, 0));
    /// ```
    #[must_use]
    pub fn buffered(&self) -> Buffered {
        let (lent_event, lent_line) = match self.lent {
            Lent::Nothing => (false, false),
            Lent::Event => (true, true),
            Lent::Comment => (false, true),
        };
        Buffered {
            line: if lent_line { 0 } else { self.line.len() },
            data: if lent_event { 0 } else { self.block.data.len() },
            event_type: if lent_event {
                0
            } else {
                self.block.event_type.len()
            },
            id: self.block.ids.pending_len(),
        }
    }

    /// Decodes from `input` up to and including the next thing to report.
    ///
    /// Returns what was found and how many bytes of `input` were consumed.
    /// Call again with the rest of `input` (`&input[consumed..]`) until it
    /// returns `None`, which means all of `input` was consumed and the decoder
    /// needs the next chunk. Bytes of an unfinished line or event are kept by
    /// the decoder, so never pass consumed bytes again.
    ///
    /// ```
    /// use ssewire::{Decoded, Decoder};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut types = Vec::new();
    /// for chunk in [&b"event: a\ndata: 1\n\nda"[..], b"ta: 2\n\n"] {
    ///     let mut input = chunk;
    ///     loop {
    ///         let (item, consumed) = decoder.decode(input);
    ///         input = &input[consumed..];
    ///         match item {
    ///             Some(Decoded::Event(event)) => types.push(event.event_type.to_owned()),
    ///             Some(_) => {}
    ///             None => break,
    ///         }
    ///     }
    /// }
    /// assert_eq!(types, ["a", "message"]);
    /// ```
    #[must_use = "the decoder may have consumed only part of the input"]
    pub fn decode<'a>(&'a mut self, input: &'a [u8]) -> (Option<Decoded<'a>>, usize) {
        self.release_previous();
        let (emit, consumed) = self.step(input, Unknown);
        (self.assemble(emit, None), consumed)
    }

    /// Decodes all of `input`, calling `on_item` for each thing found.
    ///
    /// The items are those of a [`Decoder::decode`] loop over `input`, at
    /// less cost when events are short: `feed` validates the input's text
    /// across several events at once, where each `decode` call validates
    /// its own event. While most events are made owned
    /// ([`Event::into_owned`](crate::Event::into_owned)), those with no ID
    /// share a copy of that text instead of taking an allocation each.
    ///
    /// ```
    /// use ssewire::{Decoded, Decoder};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut data = Vec::new();
    /// decoder.feed(b"data: hello\n\ndata: wor", |item| {
    ///     if let Decoded::Event(event) = item {
    ///         data.push(event.data.to_owned());
    ///     }
    /// });
    /// decoder.feed(b"ld\n\n", |item| {
    ///     if let Decoded::Event(event) = item {
    ///         data.push(event.data.to_owned());
    ///     }
    /// });
    /// assert_eq!(data, ["hello", "world"]);
    /// ```
    pub fn feed<F>(&mut self, input: &[u8], mut on_item: F)
    where
        F: FnMut(Decoded<'_>),
    {
        let (ControlFlow::Continue(()), _) = self.try_feed(input, |item| {
            on_item(item);
            ControlFlow::<core::convert::Infallible>::Continue(())
        });
    }

    /// Decodes `input` as [`Decoder::feed`] does, until `on_item` returns
    /// [`ControlFlow::Break`]: then stops at once and returns that, with how
    /// many bytes of `input` were consumed, so the rest can be fed later
    /// (or dropped, say after a fatal item). Returns `Continue` when all of
    /// `input` was consumed.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use ssewire::{Decoded, Decoder};
    ///
    /// let input = b"data: 1\n\nevent: done\ndata: 2\n\ndata: 3\n\n";
    /// let mut decoder = Decoder::new();
    /// let (flow, consumed) = decoder.try_feed(input, |item| match item {
    ///     Decoded::Event(event) if event.event_type == "done" => {
    ///         ControlFlow::Break(event.data.to_owned())
    ///     }
    ///     _ => ControlFlow::Continue(()),
    /// });
    /// assert_eq!(flow, ControlFlow::Break("2".to_owned()));
    /// assert_eq!(&input[consumed..], b"data: 3\n\n");
    /// ```
    pub fn try_feed<B, F>(&mut self, input: &[u8], mut on_item: F) -> (ControlFlow<B>, usize)
    where
        F: FnMut(Decoded<'_>) -> ControlFlow<B>,
    {
        let mut ahead = Ahead::new(input, self.keeping);
        let mut consumed = 0;
        let flow = loop {
            self.release_previous();
            ahead.base = consumed;
            let (emit, used) = self.step(&input[consumed..], &mut ahead);
            consumed += used;
            let Some(item) = self.assemble(emit, ahead.shared()) else {
                break ControlFlow::Continue(());
            };
            if let ControlFlow::Break(value) = on_item(item) {
                break ControlFlow::Break(value);
            }
        };
        self.keeping = ahead.keeping();
        (flow, consumed)
    }

    /// Ends the stream: discards an incomplete event, as the standard
    /// requires, and says whether there was one.
    ///
    /// The decoder is then ready for a new stream (a reconnection): a BOM is
    /// stripped again at its start. The last event ID and the reconnection
    /// time are kept, since a reconnecting client needs both.
    ///
    /// ```
    /// use ssewire::{Decoder, Finish};
    ///
    /// let mut decoder = Decoder::new();
    /// decoder.feed(b"id: 1\ndata: a\n\ndata: cut off", |_| {});
    /// assert_eq!(decoder.finish(), Finish::Truncated);
    /// assert_eq!(decoder.last_event_id(), "1");
    /// ```
    pub fn finish(&mut self) -> Finish {
        self.release_previous();
        let truncated = self.lines.mid_line(&self.line) || self.block.in_progress();
        self.block.discard();
        self.lines.restart(&mut self.line);
        if truncated {
            Finish::Truncated
        } else {
            Finish::Clean
        }
    }

    /// Returns the decoder to its freshly built state, forgetting the last
    /// event ID and reconnection time too, but keeping its settings and
    /// buffer capacity (for reuse from a pool).
    ///
    /// ```
    /// let mut decoder = ssewire::Decoder::new();
    /// decoder.feed(b"retry: 10\nid: 1\n\n", |_| {});
    /// decoder.reset();
    /// assert_eq!((decoder.last_event_id(), decoder.retry()), ("", None));
    /// ```
    pub fn reset(&mut self) {
        let _ = self.finish();
        self.block.ids.forget();
        self.retry = None;
    }

    /// Frees buffer capacity not needed for the current state (an idle
    /// connection's decoder, say), keeping what is in progress.
    ///
    /// ```
    /// let mut decoder = ssewire::Decoder::new();
    /// decoder.feed(b"data: a long event, buffered\n", |_| {});
    /// decoder.shrink_to_fit();
    /// let mut data = String::new();
    /// decoder.feed(b"\n", |item| {
    ///     if let ssewire::Decoded::Event(event) = item {
    ///         data = event.data.to_owned();
    ///     }
    /// });
    /// assert_eq!(data, "a long event, buffered");
    /// ```
    pub fn shrink_to_fit(&mut self) {
        self.release_previous();
        self.line.shrink_to_fit();
        self.block.data.shrink_to_fit();
        self.block.event_type.shrink_to_fit();
        self.block.ids.shrink_to_fit();
    }
}
impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("last_event_id", &self.last_event_id())
            .field("retry", &self.retry())
            .field("limits", &self.limits())
            .field("comments", &self.comments)
            .field(
                "partial_line",
                &alloc::string::String::from_utf8_lossy(self.line.bytes()),
            )
            .field("data", &self.block.data.lossy())
            .field("event_type", &self.block.event_type)
            .finish_non_exhaustive()
    }
}
