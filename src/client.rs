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
//! The client owns the [`Decoder`] of its stream, so the last event ID it
//! sends and the `retry` time it waits are the decoder's own: there is no
//! second copy that could disagree.
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

use core::fmt;
use core::time::Duration;

use crate::{Decoded, Decoder, Finish};

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

/// Why a [`Client`] stopped. Once stopped it never reconnects: every later
/// call reports the same reason.
///
/// The first four are the standard's "fail the connection" verdicts on a
/// response; [`Stop::NoContent`] is how a server says "stop" on purpose.
///
/// ```
/// use ssewire::client::{check_response, Stop};
///
/// assert_eq!(check_response(204, Some("text/event-stream")), Err(Stop::NoContent));
/// assert_eq!(check_response(503, Some("text/html")), Err(Stop::Status(503)));
/// assert_eq!(check_response(200, Some("text/html")), Err(Stop::NotEventStream));
/// assert_eq!(check_response(200, None), Err(Stop::NoContentType));
/// assert!(Stop::NoContent.is_response());
/// assert!(!Stop::Closed.is_response());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stop {
    /// The server answered 204 No Content: it asks the client to stop
    /// reconnecting.
    NoContent,
    /// The server answered with a status other than 200 (and other than
    /// 204). Redirects should have been followed by the transport.
    Status(u16),
    /// The server answered 200 without a `Content-Type` header.
    NoContentType,
    /// The server answered 200 with a `Content-Type` other than
    /// `text/event-stream` (an error page, say), which must not be decoded.
    NotEventStream,
    /// The connection failed or ended without an event this many times in a
    /// row, the bound set by [`ClientBuilder::max_reconnects`].
    GaveUp {
        /// The number of reconnections made since the last connection that
        /// delivered an event.
        reconnects: u32,
    },
    /// The caller called [`Client::close`].
    Closed,
}

impl Stop {
    /// Whether the stop is the verdict on a response (status or media type),
    /// rather than the caller's choice or the reconnection bound.
    ///
    /// ```
    /// use ssewire::client::Stop;
    ///
    /// assert!(Stop::Status(404).is_response());
    /// assert!(!Stop::GaveUp { reconnects: 3 }.is_response());
    /// ```
    pub const fn is_response(&self) -> bool {
        matches!(
            self,
            Stop::NoContent | Stop::Status(_) | Stop::NoContentType | Stop::NotEventStream
        )
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::NoContent => f.write_str("the server answered 204 No Content: not reconnecting"),
            Stop::Status(status) => write!(
                f,
                "the server answered HTTP {status}, not 200: not reconnecting"
            ),
            Stop::NoContentType => f.write_str(
                "the response has no Content-Type, not text/event-stream: not reconnecting",
            ),
            Stop::NotEventStream => f.write_str(
                "the response's Content-Type is not text/event-stream: not reconnecting",
            ),
            Stop::GaveUp { reconnects } => write!(
                f,
                "gave up after {reconnects} reconnections in a row without an event"
            ),
            Stop::Closed => f.write_str("the client was closed"),
        }
    }
}

impl core::error::Error for Stop {}

/// The standard's verdict on a response, from its status and `Content-Type`
/// header alone: `Ok` for 200 with an event-stream media type (checked with
/// [`is_event_stream`](crate::is_event_stream): ASCII case and parameters do
/// not matter), otherwise the reason to fail the connection. The status is
/// checked first. [`Client::response`] applies this and updates its state.
///
/// ```
/// use ssewire::client::{check_response, Stop};
///
/// assert_eq!(check_response(200, Some("Text/Event-Stream; charset=utf-8")), Ok(()));
/// assert_eq!(check_response(200, Some("text/event-streams")), Err(Stop::NotEventStream));
/// assert_eq!(check_response(301, Some("text/event-stream")), Err(Stop::Status(301)));
/// ```
pub fn check_response(status: u16, content_type: Option<&str>) -> Result<(), Stop> {
    match (status, content_type) {
        (204, _) => Err(Stop::NoContent),
        (200, Some(media_type)) if crate::is_event_stream(media_type) => Ok(()),
        (200, Some(_)) => Err(Stop::NotEventStream),
        (200, None) => Err(Stop::NoContentType),
        (other, _) => Err(Stop::Status(other)),
    }
}

/// How long to wait before the next connection attempt, from
/// [`Client::stream_ended`] or [`Client::connect_failed`].
///
/// The wait is the backoff delay (the reconnection time when backoff is off)
/// plus a jitter of up to [`Wait::longest`] minus [`Wait::shortest`]. The
/// caller supplies the randomness to [`Wait::delay`]; whatever it supplies,
/// the delay is never shorter than the reconnection time.
///
/// ```
/// use std::time::Duration;
/// use ssewire::client::Client;
///
/// let mut client = Client::builder().jitter_percent(50).build();
/// let _ = client.connect()?;
/// let wait = client.connect_failed()?;
/// assert_eq!(wait.shortest(), Duration::from_secs(3));
/// assert_eq!(wait.longest(), Duration::from_millis(4500));
/// assert_eq!(wait.delay(0), wait.shortest());
/// assert_eq!(wait.delay(u64::MAX / 2 + 1), Duration::from_millis(3750));
/// assert_eq!(wait.reconnect(), 1);
/// # Ok::<(), ssewire::client::Stop>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Wait {
    base: Duration,
    jitter: Duration,
    reconnect: u32,
}

impl Wait {
    /// The delay to wait, given a uniformly random `random` (for example
    /// `rand::random()` or `fastrand::u64(..)`): `shortest()` plus
    /// `random / 2^64` of the jitter range. Pass `0` for no jitter.
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// let wait = client.connect_failed()?;
    /// assert!(wait.delay(12345) >= wait.shortest() && wait.delay(u64::MAX) <= wait.longest());
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    #[must_use]
    pub fn delay(&self, random: u64) -> Duration {
        // `jitter * random / 2^64`, in two halves so that no product
        // overflows.
        let jitter = self.jitter.as_nanos();
        let random = u128::from(random);
        let high = (jitter >> 64) * random;
        let low = ((jitter & u128::from(u64::MAX)) * random) >> 64;
        self.base
            .saturating_add(duration_from_nanos(high.saturating_add(low)))
    }

    /// The shortest delay: the reconnection time, or the backoff delay when
    /// that is longer.
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// let wait = client.connect_failed()?;
    /// assert_eq!(wait.shortest(), ssewire::client::DEFAULT_RECONNECTION_TIME);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    #[must_use]
    pub const fn shortest(&self) -> Duration {
        self.base
    }

    /// The longest delay: [`Wait::shortest`] plus the whole jitter range.
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// let wait = client.connect_failed()?;
    /// // No jitter configured.
    /// assert_eq!(wait.longest(), wait.shortest());
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    #[must_use]
    pub fn longest(&self) -> Duration {
        self.base.saturating_add(self.jitter)
    }

    /// Which reconnection in a row this wait precedes, counting from 1 after
    /// a connection that delivered an event (or after the first attempt).
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// assert_eq!(client.connect_failed()?.reconnect(), 1);
    /// # let _ = client.connect();
    /// assert_eq!(client.connect_failed()?.reconnect(), 2);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    #[must_use]
    pub const fn reconnect(&self) -> u32 {
        self.reconnect
    }
}

/// Saturates at `u64::MAX` seconds, which no reconnection time reaches.
fn duration_from_nanos(nanos: u128) -> Duration {
    const PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / PER_SEC).unwrap_or(u64::MAX);
    #[allow(clippy::cast_possible_truncation)] // a remainder below 10^9
    let sub = (nanos % PER_SEC) as u32;
    Duration::new(secs, sub)
}

/// The request headers for one connection attempt, from [`Client::connect`].
///
/// Borrows the last event ID from the client's decoder, so building it
/// allocates nothing. Header names are lowercase (as HTTP/2 and the `http`
/// crate's `HeaderName::from_static` require); HTTP/1.1 names are
/// case-insensitive.
///
/// ```
/// use ssewire::client::Client;
///
/// let mut client = Client::new();
/// let request = client.connect()?;
/// let headers: Vec<_> = request.headers().collect();
/// assert_eq!(headers, [("accept", "text/event-stream"), ("cache-control", "no-cache")]);
/// # Ok::<(), ssewire::client::Stop>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Request<'a> {
    last_event_id: &'a str,
}

impl<'a> Request<'a> {
    /// The `Accept` header, which the standard lets user agents send and
    /// browsers do.
    ///
    /// ```
    /// assert_eq!(ssewire::client::Request::ACCEPT, ("accept", "text/event-stream"));
    /// ```
    pub const ACCEPT: (&'static str, &'static str) = ("accept", crate::MEDIA_TYPE);

    /// The `Cache-Control` header browsers send; the standard asks for the
    /// fetch cache mode "no-store", which a plain HTTP client expresses this
    /// way.
    ///
    /// ```
    /// assert_eq!(ssewire::client::Request::CACHE_CONTROL.1, "no-cache");
    /// ```
    pub const CACHE_CONTROL: (&'static str, &'static str) = ("cache-control", "no-cache");

    /// The name of the header that carries the last event ID.
    ///
    /// ```
    /// assert!(ssewire::client::Request::LAST_EVENT_ID.eq_ignore_ascii_case("Last-Event-ID"));
    /// ```
    pub const LAST_EVENT_ID: &'static str = "last-event-id";

    /// The headers to send: [`Request::ACCEPT`], [`Request::CACHE_CONTROL`]
    /// and, when the last event ID is not empty, `last-event-id` with it.
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// # let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"id: 42\ndata: x\n\n", |_| {});
    /// # let _ = client.stream_ended();
    /// let request = client.connect()?;
    /// assert!(request.headers().any(|header| header == ("last-event-id", "42")));
    /// assert_eq!(request.headers().len(), 3);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn headers(&self) -> Headers<'a> {
        let count = if self.last_event_id.is_empty() { 2 } else { 3 };
        Headers {
            all: [
                Request::ACCEPT,
                Request::CACHE_CONTROL,
                (Request::LAST_EVENT_ID, self.last_event_id),
            ],
            next: 0,
            end: count,
        }
    }

    /// The `Last-Event-ID` value to send, if any: the decoder's last event
    /// ID when it is not empty. It never contains CR, LF or NUL, but may
    /// contain other control characters and any UTF-8, which some HTTP
    /// libraries refuse in a header value (send its UTF-8 bytes, as
    /// browsers do, where the library allows it).
    ///
    /// ```
    /// let mut client = ssewire::client::Client::new();
    /// assert_eq!(client.connect()?.last_event_id(), None);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn last_event_id(&self) -> Option<&'a str> {
        (!self.last_event_id.is_empty()).then_some(self.last_event_id)
    }
}

/// An iterator over the headers of a [`Request`], as `(name, value)` pairs.
///
/// ```
/// let mut client = ssewire::client::Client::new();
/// let mut headers = client.connect()?.headers();
/// assert_eq!(headers.next(), Some(("accept", "text/event-stream")));
/// # Ok::<(), ssewire::client::Stop>(())
/// ```
#[derive(Debug, Clone)]
pub struct Headers<'a> {
    all: [(&'static str, &'a str); 3],
    next: usize,
    end: usize,
}

impl<'a> Iterator for Headers<'a> {
    type Item = (&'static str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let header = *self.all.get(self.next..self.end)?.first()?;
        self.next += 1;
        Some(header)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end.saturating_sub(self.next);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Headers<'_> {}

/// Where a [`Client`] is in the connection's life, from [`Client::state`].
///
/// ```
/// use ssewire::client::{Client, State};
///
/// let mut client = Client::new();
/// assert_eq!(client.state(), State::Idle);
/// let _ = client.connect();
/// assert_eq!(client.state(), State::Connecting);
/// let _ = client.response(200, Some("text/event-stream"));
/// assert_eq!(client.state(), State::Open { delivered_event: false });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Built, no connection attempted yet.
    Idle,
    /// A request was made (after [`Client::connect`]); waiting for the
    /// response or a connection failure.
    Connecting,
    /// The response was accepted and its body is being decoded.
    Open {
        /// Whether this connection has dispatched an event yet; one that has
        /// resets the backoff when it ends.
        delivered_event: bool,
    },
    /// Waiting to reconnect, for the [`Wait`] given.
    Waiting(Wait),
    /// Stopped for good.
    Closed(Stop),
}

/// Builds a [`Client`] with non-default reconnection settings.
///
/// ```
/// use std::time::Duration;
/// use ssewire::client::Client;
///
/// let client = Client::builder()
///     .reconnection_time(Duration::from_secs(1))
///     .min_reconnection_time(Duration::from_millis(250))
///     .backoff(Duration::from_secs(60))
///     .jitter_percent(20)
///     .max_reconnects(10)
///     .build();
/// assert_eq!(client.reconnection_time(), Duration::from_secs(1));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    decoder: Option<Decoder>,
    settings: Settings,
}

#[derive(Debug, Clone, Copy)]
struct Settings {
    reconnection_time: Duration,
    min_reconnection_time: Duration,
    backoff_cap: Option<Duration>,
    jitter_percent: u32,
    max_reconnects: Option<u32>,
}

impl ClientBuilder {
    /// Sets the reconnection time used until the server sends `retry`;
    /// default [`DEFAULT_RECONNECTION_TIME`] (3 s, as in browsers). The
    /// standard calls it "an implementation-defined value, probably in the
    /// region of a few seconds".
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().reconnection_time(Duration::from_secs(10)).build();
    /// let _ = client.connect();
    /// assert_eq!(client.connect_failed()?.delay(0), Duration::from_secs(10));
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn reconnection_time(mut self, time: Duration) -> ClientBuilder {
        self.settings.reconnection_time = time;
        self
    }

    /// Sets the floor under the reconnection time; default
    /// [`DEFAULT_MIN_RECONNECTION_TIME`]. Whatever `retry` the server sends,
    /// and whatever [`ClientBuilder::reconnection_time`] says, the client
    /// waits at least this long, so a server cannot make it reconnect in a
    /// tight loop. `Duration::ZERO` honours every value, as browsers do.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().min_reconnection_time(Duration::from_secs(1)).build();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"retry: 0\n", |_| {});
    /// assert_eq!(client.reconnection_time(), Duration::from_secs(1));
    /// ```
    pub fn min_reconnection_time(mut self, floor: Duration) -> ClientBuilder {
        self.settings.min_reconnection_time = floor;
        self
    }

    /// Turns on capped exponential backoff: the `n`th reconnection in a row
    /// without an event waits the reconnection time times `2^(n-1)`, but no
    /// more than `cap` (and never less than the reconnection time, even if
    /// `cap` is shorter). A connection that delivers an event resets the
    /// count. Off by default, as in browsers; the standard suggests it "if
    /// the previous attempt failed".
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().backoff(Duration::from_secs(10)).build();
    /// let mut waits = Vec::new();
    /// for _ in 0..4 {
    ///     let _ = client.connect();
    ///     waits.push(client.connect_failed()?.shortest().as_secs());
    /// }
    /// assert_eq!(waits, [3, 6, 10, 10]);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn backoff(mut self, cap: Duration) -> ClientBuilder {
        self.settings.backoff_cap = Some(cap);
        self
    }

    /// Adds jitter of up to `percent` percent of each delay (after backoff),
    /// drawn from the random number the caller gives [`Wait::delay`]; default
    /// 0. Jitter only ever lengthens a wait.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().jitter_percent(100).build();
    /// let _ = client.connect();
    /// let wait = client.connect_failed()?;
    /// assert_eq!((wait.shortest().as_secs(), wait.longest().as_secs()), (3, 6));
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn jitter_percent(mut self, percent: u32) -> ClientBuilder {
        self.settings.jitter_percent = percent;
        self
    }

    /// Stops the client, with [`Stop::GaveUp`], instead of making a
    /// reconnection beyond the `limit`th in a row without an event. `0`
    /// never reconnects. Unbounded by default, as in browsers.
    ///
    /// ```
    /// use ssewire::client::{Client, Stop};
    ///
    /// let mut client = Client::builder().max_reconnects(1).build();
    /// let _ = client.connect();
    /// assert!(client.connect_failed().is_ok());
    /// let _ = client.connect();
    /// assert_eq!(client.connect_failed(), Err(Stop::GaveUp { reconnects: 1 }));
    /// ```
    pub fn max_reconnects(mut self, limit: u32) -> ClientBuilder {
        self.settings.max_reconnects = Some(limit);
        self
    }

    /// Uses this decoder (for other [`Limits`](crate::Limits), or comments
    /// reported); default [`Decoder::new`]. A decoder that already holds a
    /// last event ID or `retry` time (one taken back with
    /// [`Client::into_decoder`], say) carries them into the new client.
    ///
    /// ```
    /// use ssewire::client::Client;
    /// use ssewire::Decoder;
    ///
    /// let mut decoder = Decoder::new();
    /// decoder.feed(b"id: 9\n\n", |_| {});
    /// let mut client = Client::builder().decoder(decoder).build();
    /// assert_eq!(client.connect()?.last_event_id(), Some("9"));
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn decoder(mut self, decoder: Decoder) -> ClientBuilder {
        self.decoder = Some(decoder);
        self
    }

    /// Builds the client, in [`State::Idle`].
    ///
    /// ```
    /// let client = ssewire::client::Client::builder().build();
    /// assert_eq!(client.state(), ssewire::client::State::Idle);
    /// ```
    pub fn build(self) -> Client {
        Client {
            decoder: self.decoder.unwrap_or_default(),
            settings: self.settings,
            state: State::Idle,
            reconnects: 0,
        }
    }
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder {
            decoder: None,
            settings: Settings {
                reconnection_time: DEFAULT_RECONNECTION_TIME,
                min_reconnection_time: DEFAULT_MIN_RECONNECTION_TIME,
                backoff_cap: None,
                jitter_percent: 0,
                max_reconnects: None,
            },
        }
    }
}

/// One event stream followed across connections: the decoder and the
/// connection rules of the `EventSource` processing model. See the
/// [module documentation](self) for the states and a complete example.
///
/// Every call has an answer in every state, never a panic: once
/// [`State::Closed`], every call reports the [`Stop`] again;
/// [`Client::stream_ended`] or [`Client::connect_failed`] while already
/// waiting returns the same wait; [`Client::decode`] outside
/// [`State::Open`] decodes nothing.
///
/// ```
/// use ssewire::client::{Client, State, Stop};
///
/// let mut client = Client::new();
/// let _ = client.connect();
/// assert_eq!(client.response(404, Some("text/html")), Err(Stop::Status(404)));
/// assert_eq!(client.state(), State::Closed(Stop::Status(404)));
/// // Failed: no further connection, whatever happens next.
/// assert_eq!(client.stream_ended(), Err(Stop::Status(404)));
/// assert!(client.connect().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    decoder: Decoder,
    settings: Settings,
    state: State,
    /// Reconnections scheduled since the last connection that delivered an
    /// event: the backoff exponent and what the bound counts.
    reconnects: u32,
}

impl Default for Client {
    fn default() -> Client {
        Client::new()
    }
}

impl Client {
    /// A client with the browser's defaults, plus the
    /// [minimum reconnection time](DEFAULT_MIN_RECONNECTION_TIME).
    ///
    /// ```
    /// let client = ssewire::client::Client::new();
    /// assert_eq!(client.reconnection_time(), ssewire::client::DEFAULT_RECONNECTION_TIME);
    /// ```
    pub fn new() -> Client {
        ClientBuilder::default().build()
    }

    /// Starts building a client with other reconnection settings.
    ///
    /// ```
    /// let client = ssewire::client::Client::builder().max_reconnects(3).build();
    /// # let _ = client;
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Where the client is; see [`State`].
    ///
    /// ```
    /// let client = ssewire::client::Client::new();
    /// assert_eq!(client.state(), ssewire::client::State::Idle);
    /// ```
    pub fn state(&self) -> State {
        self.state
    }

    /// The decoder, for its [`last_event_id`](Decoder::last_event_id),
    /// [`retry`](Decoder::retry) and [`limits`](Decoder::limits). Bytes are
    /// fed through [`Client::decode`] or [`Client::feed`], so that the
    /// client sees the events that reset its backoff.
    ///
    /// ```
    /// let client = ssewire::client::Client::new();
    /// assert_eq!(client.decoder().last_event_id(), "");
    /// ```
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// Gives the decoder back, with its last event ID and `retry` time.
    ///
    /// ```
    /// let mut client = ssewire::client::Client::new();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"id: 3\n\n", |_| {});
    /// assert_eq!(client.into_decoder().last_event_id(), "3");
    /// ```
    pub fn into_decoder(self) -> Decoder {
        self.decoder
    }

    /// The reconnection time now in force: the decoder's last `retry` time,
    /// else the configured default, and never less than the configured
    /// minimum. It is read from the decoder each time, so a `retry` field
    /// mid-stream takes effect for the next wait.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut client = ssewire::client::Client::new();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"retry: 1500\n", |_| {});
    /// assert_eq!(client.reconnection_time(), Duration::from_millis(1500));
    /// ```
    pub fn reconnection_time(&self) -> Duration {
        self.decoder
            .retry()
            .unwrap_or(self.settings.reconnection_time)
            .max(self.settings.min_reconnection_time)
    }

    /// Starts a connection attempt and returns the headers to send, or the
    /// reason the client stopped. Call it first, and after each [`Wait`]
    /// (the client does not know the time: waiting is the caller's job).
    ///
    /// ```
    /// let mut client = ssewire::client::Client::new();
    /// let request = client.connect()?;
    /// assert_eq!(request.headers().count(), 2);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn connect(&mut self) -> Result<Request<'_>, Stop> {
        if let State::Closed(stop) = self.state {
            return Err(stop);
        }
        if matches!(self.state, State::Open { .. }) {
            // A new attempt abandons the open stream's unfinished event.
            let _ = self.decoder.finish();
        }
        self.state = State::Connecting;
        Ok(Request {
            last_event_id: self.decoder.last_event_id(),
        })
    }

    /// Takes the response's status and `Content-Type` header value
    /// (`None` when absent): `Ok` opens the stream, `Err` fails the
    /// connection for good (see [`check_response`]). Give it the final
    /// response, after any redirects the transport followed.
    ///
    /// ```
    /// use ssewire::client::{Client, Stop};
    ///
    /// let mut client = Client::new();
    /// let _ = client.connect();
    /// assert_eq!(client.response(200, Some("text/event-stream;charset=utf-8")), Ok(()));
    ///
    /// let mut client = Client::new();
    /// let _ = client.connect();
    /// assert_eq!(client.response(500, Some("text/event-stream")), Err(Stop::Status(500)));
    /// ```
    pub fn response(&mut self, status: u16, content_type: Option<&str>) -> Result<(), Stop> {
        if let State::Closed(stop) = self.state {
            return Err(stop);
        }
        if matches!(self.state, State::Open { .. }) {
            let _ = self.decoder.finish();
        }
        match check_response(status, content_type) {
            Ok(()) => {
                self.state = State::Open {
                    delivered_event: false,
                };
                Ok(())
            }
            Err(stop) => {
                self.state = State::Closed(stop);
                Err(stop)
            }
        }
    }

    /// Decodes body bytes of the open stream, as [`Decoder::decode`] does,
    /// noting dispatched events. Outside [`State::Open`] (before a response
    /// was accepted, or after it failed) the bytes are not decoded: it
    /// returns `(None, input.len())`, so an error page is never read as
    /// events.
    ///
    /// ```
    /// use ssewire::client::Client;
    /// use ssewire::Decoded;
    ///
    /// let mut client = Client::new();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// let (item, consumed) = client.decode(b"data: a\n\n");
    /// assert!(matches!(item, Some(Decoded::Event(event)) if event.data == "a"));
    /// assert_eq!(consumed, 9);
    /// ```
    #[must_use = "the decoder may have consumed only part of the input"]
    pub fn decode<'a>(&'a mut self, input: &'a [u8]) -> (Option<Decoded<'a>>, usize) {
        let State::Open { delivered_event } = &mut self.state else {
            return (None, input.len());
        };
        let (item, consumed) = self.decoder.decode(input);
        if matches!(item, Some(Decoded::Event(_))) {
            *delivered_event = true;
        }
        (item, consumed)
    }

    /// Decodes all of `input`, calling `on_item` for each thing found, as
    /// [`Decoder::feed`] does; see [`Client::decode`].
    ///
    /// ```
    /// use ssewire::client::{Client, State};
    ///
    /// let mut client = Client::new();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// let mut count = 0;
    /// client.feed(b"data: a\n\ndata: b\n\n", |_| count += 1);
    /// assert_eq!(count, 2);
    /// assert_eq!(client.state(), State::Open { delivered_event: true });
    /// ```
    pub fn feed<F>(&mut self, mut input: &[u8], mut on_item: F)
    where
        F: FnMut(Decoded<'_>),
    {
        loop {
            let (item, consumed) = self.decode(input);
            input = &input[consumed..];
            match item {
                Some(item) => on_item(item),
                None => return,
            }
        }
    }

    /// Ends the open stream's decoding, as [`Decoder::finish`] does, and
    /// says whether an incomplete event was discarded. [`Client::stream_ended`]
    /// and [`Client::connect_failed`] call it; call it first only to learn
    /// whether the stream was truncated (a second call returns
    /// [`Finish::Clean`]).
    ///
    /// ```
    /// use ssewire::Finish;
    ///
    /// let mut client = ssewire::client::Client::new();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"data: cut", |_| {});
    /// assert_eq!(client.finish(), Finish::Truncated);
    /// ```
    pub fn finish(&mut self) -> Finish {
        self.decoder.finish()
    }

    /// The open stream ended (end of body, or a network error while reading
    /// it): the standard says to reestablish the connection. Returns how
    /// long to wait before [`Client::connect`], or why the client stops.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut client = ssewire::client::Client::new();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"retry: 2000\ndata: x\n\n", |_| {});
    /// assert_eq!(client.stream_ended()?.delay(0), Duration::from_secs(2));
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn stream_ended(&mut self) -> Result<Wait, Stop> {
        self.schedule_reconnect()
    }

    /// The connection attempt failed at the network level (no response: DNS,
    /// refused, reset, timed out). The standard says to reestablish the
    /// connection, as after a stream ends. Returns how long to wait before
    /// [`Client::connect`], or why the client stops. Where the caller knows
    /// reconnecting is futile (the standard allows failing the connection
    /// then), it calls [`Client::close`] instead.
    ///
    /// ```
    /// let mut client = ssewire::client::Client::new();
    /// let _ = client.connect();
    /// let wait = client.connect_failed()?;
    /// assert_eq!(wait.delay(0), ssewire::client::DEFAULT_RECONNECTION_TIME);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn connect_failed(&mut self) -> Result<Wait, Stop> {
        self.schedule_reconnect()
    }

    /// Stops the client for good ([`Stop::Closed`]), as `EventSource.close()`
    /// does; an earlier stop keeps its reason. Call it too when the caller
    /// aborted the request itself (the standard fails the connection on an
    /// aborted fetch, rather than reconnecting).
    ///
    /// ```
    /// use ssewire::client::{Client, Stop};
    ///
    /// let mut client = Client::new();
    /// client.close();
    /// assert_eq!(client.connect().err(), Some(Stop::Closed));
    /// ```
    pub fn close(&mut self) {
        if !matches!(self.state, State::Closed(_)) {
            let _ = self.decoder.finish();
            self.state = State::Closed(Stop::Closed);
        }
    }

    fn schedule_reconnect(&mut self) -> Result<Wait, Stop> {
        let delivered = match self.state {
            State::Closed(stop) => return Err(stop),
            State::Waiting(wait) => return Ok(wait),
            State::Open { delivered_event } => delivered_event,
            State::Idle | State::Connecting => false,
        };
        let _ = self.decoder.finish();
        if delivered {
            self.reconnects = 0;
        }
        if let Some(limit) = self.settings.max_reconnects {
            if self.reconnects >= limit {
                let stop = Stop::GaveUp {
                    reconnects: self.reconnects,
                };
                self.state = State::Closed(stop);
                return Err(stop);
            }
        }
        self.reconnects = self.reconnects.saturating_add(1);
        let wait = self.wait_for(self.reconnects);
        self.state = State::Waiting(wait);
        Ok(wait)
    }

    /// The wait before the `reconnect`th reconnection in a row.
    fn wait_for(&self, reconnect: u32) -> Wait {
        let time = self.reconnection_time();
        let base = match self.settings.backoff_cap {
            Some(cap) => {
                let doublings = reconnect.saturating_sub(1).min(31);
                time.saturating_mul(1 << doublings).min(cap).max(time)
            }
            None => time,
        };
        let jitter =
            duration_from_nanos(base.as_nanos() * u128::from(self.settings.jitter_percent) / 100);
        Wait {
            base,
            jitter,
            reconnect,
        }
    }
}
