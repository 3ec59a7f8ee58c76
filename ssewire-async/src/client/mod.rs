//! A reconnecting client (feature `tokio`): [`EventSource`] follows an event
//! stream across connections the way a browser's `EventSource` does, driven
//! by the core crate's connection policy, [`ssewire::client::Client`].
//!
//! The request is the caller's: [`EventSource::new`] takes a function that
//! is given the headers the policy asks for (`Accept`, `Cache-Control`, and
//! `Last-Event-ID` on reconnections) and sends a request with them, with any
//! method, body and other headers, over any HTTP client whose response body
//! is an [`http_body::Body`]. With the `reqwest` feature, [`reqwest()`](fn@reqwest)
//! does this for a `reqwest::RequestBuilder`.
//!
//! [`EventSource`] is a [`Stream`](futures_core::Stream) of [`Update`]s:
//! [`Update::Open`] when a response is accepted (with its headers),
//! [`Update::Item`] for each decoded item, and [`Update::Reconnecting`] when
//! a connection has ended and the next one waits. Errors are typed
//! ([`Error`]): a network error ([`Error::Connect`], [`Error::Body`]) or a
//! stall ([`Error::Stalled`]) is followed by a reconnection; a status other
//! than 200 ([`Error::Status`]) or a media type other than
//! `text/event-stream` ([`Error::MediaType`]) ends the stream, and carries
//! the response, for reading an error body. A `204 No Content` ends the
//! stream with no error.
//!
//! # Guards a browser lacks
//!
//! The policy's guards ([`ssewire::client::ClientBuilder`]) are enforced
//! with tokio's timer:
//!
//! - **Stalls**: no response within 30 s, or no body bytes for 60 s (a
//!   keep-alive comment counts), and the connection is dropped and remade
//!   after the usual wait, with `Last-Event-ID` ([`Error::Stalled`]).
//!   Chromium's `EventSource` waits on a silent or half-open connection
//!   until the operating system gives up on it.
//! - **A ceiling on `retry`** (30 s) and a floor (100 ms).
//! - **Requests that must not be repeated**: a request with a body or a
//!   method that is not idempotent is made once; when its stream ends,
//!   fails or stalls, [`Error::NotRepeated`] says what it received.
//!   [`reqwest()`](fn@reqwest) tells the policy the request's method and
//!   body by itself; over another client, use
//!   [`ClientBuilder::request`](ssewire::client::ClientBuilder::request).
//! - **A last event ID no header can carry** (a control character) is never
//!   dropped silently: [`Update::LastEventIdNotSent`] comes before the
//!   request made without it.
//!
//! [`EventSource`]'s documentation has a complete example; the crate's
//! README has a reqwest client and an LLM-style `POST` stream.

mod connect;
mod error;
mod phase;
mod source;

use core::time::Duration;

use http::HeaderMap;
use ssewire::Finish;

pub use connect::Connect;
#[cfg(feature = "reqwest")]
pub use connect::{reqwest, reqwest_with};
pub use error::Error;
pub use source::EventSource;

use crate::event::Item;

/// What an [`EventSource`] reports, besides errors.
///
/// ```
/// use ssewire_async::client::Update;
///
/// let update = Update::Open { headers: http::HeaderMap::new() };
/// assert!(matches!(update, Update::Open { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Update {
    /// A response was accepted: status 200 and `text/event-stream`.
    Open {
        /// The response's headers (a session ID, rate limits, the
        /// `Content-Type`'s parameters).
        headers: HeaderMap,
    },
    /// An item decoded from the stream.
    Item(Item),
    /// The connection ended (its body ended, failed or stalled, or it could
    /// not be made) and the next one is made after `delay`: the
    /// reconnection time (the server's `retry` between the policy's floor
    /// and ceiling, or the default), with the policy's backoff and jitter.
    Reconnecting {
        /// The wait before the next connection.
        delay: Duration,
        /// How the body ended, when there was one (after an end of body, a
        /// body error or a stall): [`Finish::Truncated`] if an unfinished
        /// event was discarded (or, at an end of body with
        /// [`EventSource::unfinished_event`] on, delivered). `None` when no
        /// response came.
        finish: Option<Finish>,
    },
    /// The request about to be made carries no `Last-Event-ID`: the last
    /// event ID holds a character no HTTP header can carry unchanged (a
    /// control character, or a space or tab at either end; see
    /// [`Request::unsent_last_event_id`](ssewire::client::Request::unsent_last_event_id)),
    /// and altering it would make the server resume at another place. The
    /// server may replay the stream from its start; call
    /// [`EventSource::close`] to stop instead.
    LastEventIdNotSent {
        /// The ID that was not sent.
        id: String,
    },
}
