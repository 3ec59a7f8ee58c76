//! Tools for testing and fuzzing code that handles event streams: generated
//! streams that know what they must decode to, and a reference decoder.
//!
//! This module is for tests, fuzz targets and benchmarks, not for production
//! code: it exists only with the `testing` feature, which adds no dependency.
//! Enable it for tests alone:
//!
//! ```toml
//! [dev-dependencies]
//! ssewire = { version = "0.1", features = ["testing"] }
//! ```
//!
//! - [`Scenario::from_bytes`] turns any bytes (a fuzzer's input, or bytes
//!   from a seeded generator) into an event stream, the chunks to deliver it
//!   in, the limits and comment setting to decode it with, and the exact
//!   [`Outcome`] a decoder must produce. The outcome is computed from the
//!   scenario's own model of what each generated line means, never by
//!   running a decoder, so it is an independent oracle. The streams reach
//!   every decoding rule of the format (`docs/SPEC.md` R1 to R11e and the
//!   documented choices C1, C2, C4, C5); [`Scenario::rules`] says which ones
//!   a given scenario reaches.
//! - [`Scenario::messages`] gives the scenario's events as [`Message`]s, for
//!   harnesses of an encoder or of code that writes streams.
//! - [`reference_decode`] is a slow, literal transcription of the standard's
//!   parsing algorithm, sharing no code with [`Decoder`], for differential
//!   testing of any SSE implementation.
//! - [`decode_chunks`] runs a [`Decoder`] over chunks and collects an
//!   [`Outcome`] of the same shape, to compare with either.
//!
//! ```
//! use ssewire::testing::{Scenario, decode_chunks, reference_decode};
//!
//! // In a fuzz target these bytes come from the fuzzer.
//! let scenario = Scenario::from_bytes(b"any bytes at all: each one steers the generator");
//! let mut decoder = scenario.decoder();
//! let (outcome, finish) = decode_chunks(&mut decoder, scenario.chunks());
//! assert_eq!(&outcome, scenario.expected());
//! assert_eq!(finish, scenario.finish());
//!
//! // Without limits, the reference decoder agrees on events and retries.
//! let reference = reference_decode(scenario.stream());
//! let events_and_retries = ssewire::testing::without_comments_and_errors(scenario.expected_unlimited());
//! assert_eq!(reference, events_and_retries);
//! ```
//!
//! The recipes in the README show how to fuzz your own relay or handler with
//! these, under cargo-fuzz and under proptest.

mod build;
mod layout;
mod model;
mod reference;
mod rules;
mod scenario;
mod source;

pub use reference::reference_decode;
pub use rules::RULES;
pub use scenario::Scenario;

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use crate::{Decoded, Decoder, Finish, Message, OwnedDecoded};

/// What decoding a whole stream gives: every item in stream order, then the
/// last event ID and the reconnection time in force at its end.
///
/// [`Scenario::expected`] says what it must be, [`reference_decode`] what
/// the standard's algorithm gives, and [`decode_chunks`] what a [`Decoder`]
/// gave.
///
/// ```
/// use std::time::Duration;
/// use ssewire::OwnedDecoded;
/// use ssewire::testing::reference_decode;
///
/// let outcome = reference_decode(b"retry: 10\nid: 7\ndata: a\n\n");
/// assert_eq!(outcome.items.len(), 2);
/// assert_eq!(outcome.items[0], OwnedDecoded::Retry(Duration::from_millis(10)));
/// assert_eq!(outcome.last_event_id, "7");
/// assert_eq!(outcome.retry, Some(Duration::from_millis(10)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// Events, retries, comments (when reported) and limit errors, in order.
    pub items: Vec<OwnedDecoded>,
    /// The last event ID at the end of the stream (R11a).
    pub last_event_id: String,
    /// The reconnection time set by the last valid `retry` field, if any.
    pub retry: Option<Duration>,
}

/// Feeds `chunks` to `decoder` in order (with [`Decoder::feed`]), then ends
/// the stream with [`Decoder::finish`], and returns what it gave.
///
/// ```
/// use ssewire::{Decoder, Finish};
/// use ssewire::testing::decode_chunks;
///
/// let chunks: [&[u8]; 3] = [b"data: a\r", b"\n\r\n", b"data: cut"];
/// let (outcome, finish) = decode_chunks(&mut Decoder::new(), chunks);
/// assert_eq!(outcome.items.len(), 1);
/// assert_eq!(finish, Finish::Truncated);
/// ```
pub fn decode_chunks<'c, I>(decoder: &mut Decoder, chunks: I) -> (Outcome, Finish)
where
    I: IntoIterator<Item = &'c [u8]>,
{
    let mut items = Vec::new();
    for chunk in chunks {
        decoder.feed(chunk, |item: Decoded<'_>| items.push(item.into_owned()));
    }
    let finish = decoder.finish();
    let outcome = Outcome {
        items,
        last_event_id: String::from(decoder.last_event_id()),
        retry: decoder.retry(),
    };
    (outcome, finish)
}

/// The outcome with only its events and retries: what [`reference_decode`]
/// reports, which has no comments (R6) and no limits (C2).
///
/// ```
/// use ssewire::testing::{Scenario, reference_decode, without_comments_and_errors};
///
/// let scenario = Scenario::from_bytes(&[7; 64]);
/// let expected = without_comments_and_errors(scenario.expected_unlimited());
/// assert_eq!(reference_decode(scenario.stream()), expected);
/// ```
pub fn without_comments_and_errors(outcome: &Outcome) -> Outcome {
    let items = outcome
        .items
        .iter()
        .filter(|item| matches!(item, OwnedDecoded::Event(_) | OwnedDecoded::Retry(_)))
        .cloned()
        .collect();
    Outcome {
        items,
        last_event_id: outcome.last_event_id.clone(),
        retry: outcome.retry,
    }
}

/// Writes `messages` one after the other, as a server would send them.
///
/// ```
/// use ssewire::Message;
/// use ssewire::testing::encode_all;
///
/// let bytes = encode_all(&[Message::new("a"), Message::default().comment("ping")]);
/// assert_eq!(bytes, b"data: a\n\n: ping\n");
/// ```
///
/// # Panics
///
/// If a message is refused by the encoder; [`Scenario::messages`] gives
/// none such.
pub fn encode_all(messages: &[Message<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for message in messages {
        if let Err(error) = message.write_to_vec(&mut out) {
            panic!("encode_all: {message:?} refused: {error}");
        }
    }
    out
}
