//! The `EventSource` connection rules as a sans-IO state machine: which
//! headers to send, which responses to accept, and when to reconnect.
//!
//! [`Client`] follows the WHATWG HTML `EventSource` processing model. It never
//! does I/O, never reads a clock and never draws a random number: the caller
//! tells it what happened (a response arrived, the body ended, the connection
//! could not be made) and it answers with what to do next, as data. Any
//! transport can drive it: a blocking socket, hyper, reqwest, an embedded
//! stack.
//!
//! ```text
//!  Idle ──connect()──▶ Connecting ──response(): 200, event stream──▶ Open ◀──┐ decode(),
//!                       ▲   │   │                                     │  └──┘ feed()
//!             connect() │   │   └──response(): anything else──▶ Closed │
//!                       │   ▼ connect_failed()                        │
//!                      Waiting ◀─────────── stream_ended() ───────────┘
//!
//!  close() leads to Closed from any state; so does a reconnection past max_reconnects.
//! ```
//!
//! The client owns the [`Decoder`](crate::Decoder) of its stream, so the
//! last event ID it sends and the `retry` time it waits are the decoder's
//! own: there is no second copy that could disagree.
//!
//! ```
//! use std::time::Duration;
//! use ssewire::client::{Client, Stop};
//! use ssewire::Decoded;
//!
//! let mut client = Client::new();
//! // First connection: no Last-Event-ID.
//! let request = client.connect()?;
//! assert_eq!(request.last_event_id(), None);
//! // The transport sent the request; the server answered 200 text/event-stream.
//! client.response(200, Some("text/event-stream"))?;
//! let mut seen = Vec::new();
//! client.feed(b"retry: 5000\nid: 7\ndata: hello\n\n", |item| {
//!     if let Decoded::Event(event) = item {
//!         seen.push(event.data.to_owned());
//!     }
//! });
//! // The body ended: reconnect after the server's `retry` time.
//! let wait = client.stream_ended()?;
//! assert_eq!(wait.delay(0), Duration::from_secs(5));
//! // The next request carries the last event ID.
//! assert_eq!(client.connect()?.last_event_id(), Some("7"));
//! // A 204 answer means "stop": the client never reconnects after it.
//! assert_eq!(client.response(204, None), Err(Stop::NoContent));
//! assert_eq!(seen, ["hello"]);
//! # Ok::<(), Stop>(())
//! ```
//!
//! # Where this differs from a browser
//!
//! - The reconnection time is never less than
//!   [`ClientBuilder::min_reconnection_time`] (default
//!   [`DEFAULT_MIN_RECONNECTION_TIME`]), so `retry: 0` cannot make a client
//!   spin. Browsers honour any value.
//! - Backoff, jitter and a bound on reconnections are available but off by
//!   default, as in browsers, which may add delay but do not say how much.
//! - Redirects are the transport's business: give [`Client::response`] the
//!   final response. A 3xx that reaches it fails the connection, like any
//!   status other than 200.

mod builder;
mod machine;
mod request;
mod stop;
mod wait;

pub use builder::ClientBuilder;
pub use machine::{Client, State};
pub use request::{Headers, Request};
pub use stop::{Stop, check_response};
pub use wait::Wait;

use core::time::Duration;

/// The reconnection time used until the server sends a `retry` field, as in
/// browsers.
///
/// ```
/// assert_eq!(ssewire::client::DEFAULT_RECONNECTION_TIME.as_secs(), 3);
/// ```
pub const DEFAULT_RECONNECTION_TIME: Duration = Duration::from_secs(3);

/// The default floor under the reconnection time: a `retry` value below it
/// (`retry: 0`, say) waits this long instead.
///
/// ```
/// assert_eq!(ssewire::client::DEFAULT_MIN_RECONNECTION_TIME.as_millis(), 500);
/// ```
pub const DEFAULT_MIN_RECONNECTION_TIME: Duration = Duration::from_millis(500);
