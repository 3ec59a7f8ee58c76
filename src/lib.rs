//! A spec-exact, incremental, zero-dependency codec for the Server-Sent Events
//! wire format (`text/event-stream`).
//!
//! ssewire turns the bytes of an event stream into events and events into
//! bytes. It does no I/O: hand it chunks from hyper, reqwest, tokio, `std::net`
//! or an embedded stack, in any sizes, and take out events. It follows the
//! WHATWG HTML standard's "interpreting an event stream" algorithm to the
//! letter, never panics on any input, and keeps its memory within
//! [`Limits`] whatever a peer sends.
//!
//! # The format in one screen
//!
//! ```text
//! : a comment, often sent as a keep-alive
//! retry: 3000
//! event: update
//! id: 42
//! data: {"price": 1}
//! data: second line
//!
//! data: next event
//!
//! ```
//!
//! - The stream is UTF-8 (invalid bytes become U+FFFD); one BOM at its very
//!   start is dropped. Lines end with CR LF, LF or CR.
//! - A line `name: value` is a field; one space after the colon is dropped.
//!   A line without a colon is a field with an empty value. A line starting
//!   with `:` is a comment.
//! - `data` appends its value and a LF to the event's data; `event` sets its
//!   type; `id` sets the last event ID, which persists across events; `retry`
//!   sets the reconnection time, in milliseconds, at once. Other names are
//!   ignored; names are case-sensitive.
//! - A blank line dispatches the event: its type (`message` if unset), its
//!   data without the final LF, and the last event ID. A block without `data`
//!   dispatches nothing. An event not followed by a blank line when the
//!   stream ends is discarded.
//!
//! # Decoding
//!
//! [`Decoder::decode`] takes a chunk and returns the next [`Decoded`] item
//! and how many bytes it consumed; [`Decoder::feed`] wraps that loop in a
//! closure. Events borrow from the chunk when they lie inside it, so the
//! common case copies nothing.
//!
//! ```
//! use ssewire::{Decoded, Decoder, Finish};
//!
//! let stream = b"retry: 3000\nevent: update\nid: 42\ndata: {\"price\": 1}\n\ndata: next\r\n\r\n";
//! let mut decoder = Decoder::new();
//! let mut seen = Vec::new();
//! // Chunks can be split anywhere: mid-line, between CR and LF, mid-character.
//! for chunk in stream.chunks(5) {
//!     decoder.feed(chunk, |item| match item {
//!         Decoded::Event(event) => {
//!             seen.push(format!("{} {} {}", event.event_type, event.data, event.last_event_id))
//!         }
//!         Decoded::Retry(time) => seen.push(format!("retry {}", time.as_millis())),
//!         Decoded::Error(error) => eprintln!("skipped an event: {error}"),
//!         _ => {}
//!     });
//! }
//! assert_eq!(decoder.finish(), Finish::Clean);
//! assert_eq!(seen, ["retry 3000", "update {\"price\": 1} 42", "message next 42"]);
//! assert_eq!(decoder.last_event_id(), "42");
//! ```
//!
//! # Encoding
//!
//! [`Message`] writes an event, comment or `retry` field, splitting data at
//! line breaks and refusing `event` and `id` values that would inject fields.
//!
//! ```
//! use ssewire::Message;
//!
//! let mut body = Vec::new();
//! Message::new("hello\nworld").event("greeting").id("1").write_to_vec(&mut body)?;
//! assert_eq!(body, b"event: greeting\nid: 1\ndata: hello\ndata: world\n\n");
//! assert!(Message::new("x").event("a\nb").write_to_vec(&mut body).is_err());
//! # Ok::<(), ssewire::EncodeError>(())
//! ```
//!
//! # Connecting
//!
//! [`client`] holds the `EventSource` connection rules as a sans-IO state
//! machine: the request headers, the verdict on a response, and when to
//! reconnect. Your transport does the I/O. It adds guards a browser lacks,
//! each on by default: read and response timeouts (a stall is a failed
//! connection), a ceiling and a floor on the server's `retry`, and a request
//! with a body that is never sent twice.
//!
//! # `unsafe`
//!
//! The crate says `#![deny(unsafe_code)]` and allows `unsafe` in one small
//! private module, where bytes proven to be UTF-8 (ASCII, tested a word at
//! a time, joined to what `core::str::from_utf8` passed) become `str`
//! without a second validation. Its proofs are checked against `from_utf8`
//! in every test build, on arbitrary bytes, and under Miri in CI.
//!
//! # Crate features
//!
//! - `std` (default): [`std::io`] support: `Message::write_to_io`,
//!   `Message::stream_to_io`, `Reader` (an iterator over a blocking
//!   `std::io::Read`) and `From<EncodeError> for std::io::Error`. Without it
//!   the crate is `#![no_std]` and needs only `alloc`.
//! - `testing`: [`testing`], for tests and fuzz targets: generated streams
//!   that know what they must decode to ([`testing::Scenario`]) and a
//!   reference decoder transcribed from the standard
//!   ([`testing::reference_decode`]). No dependencies.
//!
//! # Conformance
//!
//! Exact to the standard, including: a BOM split across chunks, a CR at the
//! end of one chunk and LF at the start of the next (one line ending), a
//! code point split across chunks, `id` values containing NUL (ignored), and
//! `retry` values that are not all ASCII digits (ignored). `docs/SPEC.md` in
//! the repository lists every rule. Documented choices where the standard is
//! silent:
//!
//! - A `retry` value of digits too large for `u64` is ignored (C1).
//! - [`Limits`] bound line length and event size (the standard has none; use
//!   [`Limits::unlimited`] for none). An event that exceeds one is discarded
//!   whole, its `id` included, and reported as [`Decoded::Error`] (C2).
#![no_std]
#![deny(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod client;
mod decode;
mod encode;
mod error;
mod event;
mod limits;
mod proven;
#[cfg(feature = "std")]
mod read;
mod scan;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use decode::{Decoder, DecoderBuilder};
pub use encode::Message;
pub use error::{DecodeError, EncodeError};
pub use event::{Buffered, Decoded, Event, Finish, OwnedDecoded, OwnedEvent};
pub use limits::Limits;

pub use encode::FmtDataWriter;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use encode::IoDataWriter;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use read::Reader;

/// The media type of an event stream, for the `Content-Type` header. The
/// stream is always UTF-8, so no `charset` parameter is needed.
pub const MEDIA_TYPE: &str = "text/event-stream";

/// Whether a `Content-Type` header value names an event stream: the media
/// type is compared without regard to ASCII case, and parameters such as
/// `; charset=utf-8` are ignored. A client should not decode a response that
/// fails this check (an error page, say), nor reconnect to it.
///
/// ```
/// assert!(ssewire::is_event_stream("text/event-stream"));
/// assert!(ssewire::is_event_stream("Text/Event-Stream; charset=utf-8"));
/// assert!(!ssewire::is_event_stream("text/html"));
/// assert!(!ssewire::is_event_stream("text/event-streams"));
/// ```
#[must_use]
pub fn is_event_stream(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default();
    essence
        .trim_matches(|c: char| c == ' ' || c == '\t')
        .eq_ignore_ascii_case(MEDIA_TYPE)
}

/// The README's examples, compiled and run as doc tests so they cannot drift.
/// Compiled with `std` only: the README shows `std::io` use too.
#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
