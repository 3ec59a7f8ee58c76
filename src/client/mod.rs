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
//! Each difference keeps a client from hanging, spinning or repeating a
//! request; each is a setting of [`ClientBuilder`].
//!
//! - **Stalls.** A connection that gets no response within
//!   [`DEFAULT_RESPONSE_TIMEOUT`] (30 s), or no body bytes (a keep-alive
//!   comment counts) for [`DEFAULT_READ_TIMEOUT`] (60 s), counts as failed:
//!   [`Client::timeout`] says how long the caller's timer may run,
//!   [`Client::timed_out`] reconnects after the usual wait, with
//!   `Last-Event-ID`. Chromium's `EventSource` has no such timeout: a server
//!   that goes quiet, or a half-open TCP connection, holds it until the
//!   operating system gives up on the socket (hours).
//! - **A ceiling on `retry`.** The server's `retry` is honoured up to
//!   [`DEFAULT_MAX_RECONNECTION_TIME`] (30 s, as LaunchDarkly's SDKs):
//!   `retry: 99999999999` would otherwise wait 3.2 years. Chromium obeys any
//!   value.
//! - **A floor under `retry`.** Never less than
//!   [`DEFAULT_MIN_RECONNECTION_TIME`] (100 ms), so `retry: 0` cannot make a
//!   client spin (at most ten attempts a second); every `retry` of 100 ms or
//!   more is honoured exactly. Browsers honour any value.
//! - **Requests that must not be repeated.** A request with a body or a
//!   method that is not idempotent ([`ClientBuilder::request`]) is not sent
//!   again after its stream ends, fails or stalls:
//!   [`Stop::NotRepeated`] says what it received. A browser's `EventSource`
//!   only ever sends `GET`.
//! - **`Last-Event-ID` that no header can carry.** An ID with a control
//!   character, or with spaces or tabs at either end, cannot go into an HTTP
//!   header unchanged: [`Request::headers`] leaves the header out and
//!   [`Request::unsent_last_event_id`] says so, rather than sending an ID the
//!   server would read differently.
//! - Backoff, jitter and a bound on reconnections are available but off by
//!   default, as in browsers, which may add delay but do not say how much.
//! - Redirects are the transport's business: give [`Client::response`] the
//!   final response. A 3xx that reaches it fails the connection, like any
//!   status other than 200.

mod builder;
mod liveness;
mod machine;
mod received;
mod request;
mod stop;
mod wait;

pub use builder::ClientBuilder;
pub use machine::{Client, State};
pub use received::{Cut, Received};
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
/// (`retry: 0`, say) waits this long instead. 100 ms keeps a client from
/// spinning (ten attempts a second at most) and honours every `retry` a
/// real server sends (`retry: 300` waits 300 ms).
///
/// ```
/// assert_eq!(ssewire::client::DEFAULT_MIN_RECONNECTION_TIME.as_millis(), 100);
/// ```
pub const DEFAULT_MIN_RECONNECTION_TIME: Duration = Duration::from_millis(100);

/// The default ceiling on the server's `retry`: a larger value waits this
/// long instead. 30 s, as LaunchDarkly's SDKs cap it; without a ceiling
/// `retry: 99999999999` waits 3.2 years.
///
/// ```
/// assert_eq!(ssewire::client::DEFAULT_MAX_RECONNECTION_TIME.as_secs(), 30);
/// ```
pub const DEFAULT_MAX_RECONNECTION_TIME: Duration = Duration::from_secs(30);

/// The default longest silence on an open stream: no body bytes for this
/// long (a keep-alive comment counts as bytes) and the connection counts as
/// stalled. 60 s is four of the usual 15 s keep-alives (axum's and
/// `ssewire-async`'s) and two of the 30 s some servers use, so a lost
/// keep-alive or a slow proxy is tolerated; trusted clients use 10 s
/// (OkHttp) to 5 minutes (LaunchDarkly), the `EventSource` polyfill 45 s.
///
/// ```
/// assert_eq!(ssewire::client::DEFAULT_READ_TIMEOUT.as_secs(), 60);
/// ```
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The default longest wait for a response (connecting, TLS, and the
/// response headers) after a request is made: 30 s. Long enough for a slow
/// network's handshakes and a busy server's first byte; LaunchDarkly and
/// OkHttp use 10 s for the connection alone.
///
/// ```
/// assert_eq!(ssewire::client::DEFAULT_RESPONSE_TIMEOUT.as_secs(), 30);
/// ```
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
