//! The reconnection settings and the builder that sets them.

use alloc::string::String;
use core::time::Duration;

use super::{
    Client, DEFAULT_MAX_RECONNECTION_TIME, DEFAULT_MIN_RECONNECTION_TIME, DEFAULT_READ_TIMEOUT,
    DEFAULT_RECONNECTION_TIME, DEFAULT_RESPONSE_TIMEOUT,
};
use crate::Decoder;

/// Builds a [`Client`] with non-default reconnection settings.
///
/// The defaults are the browser's, plus four guards a browser lacks, each
/// documented on its setting:
///
/// | setting | default | why |
/// |---|---|---|
/// | [`read_timeout`](ClientBuilder::read_timeout) | 60 s | a silent server or a half-open connection is left, not waited on for hours |
/// | [`response_timeout`](ClientBuilder::response_timeout) | 30 s | the same before the response headers |
/// | [`max_reconnection_time`](ClientBuilder::max_reconnection_time) | 30 s | `retry: 99999999999` does not wait 3.2 years |
/// | [`min_reconnection_time`](ClientBuilder::min_reconnection_time) | 100 ms | `retry: 0` does not spin; `retry: 300` waits 300 ms |
///
/// A request with a body or a method that is not idempotent is not sent
/// again unless [`repeat_request`](ClientBuilder::repeat_request) says so.
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
    /// Whether the request's method is idempotent and it has no body.
    safe_to_repeat: bool,
    repeat: Option<bool>,
    last_event_id: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Settings {
    pub(super) reconnection_time: Duration,
    pub(super) min_reconnection_time: Duration,
    pub(super) backoff_cap: Option<Duration>,
    pub(super) jitter_percent: u32,
    pub(super) max_reconnects: Option<u32>,
    pub(super) max_reconnection_time: Duration,
    pub(super) read_timeout: Option<Duration>,
    pub(super) response_timeout: Option<Duration>,
    pub(super) repeatable: bool,
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
    /// [`DEFAULT_MIN_RECONNECTION_TIME`], 100 ms. Whatever `retry` the server
    /// sends, and whatever [`ClientBuilder::reconnection_time`] says, the
    /// client waits at least this long, so a server cannot make it reconnect
    /// in a tight loop (`retry: 0` waits 100 ms: ten attempts a second at
    /// most). Any `retry` at or above the floor is honoured exactly
    /// (`retry: 300` waits 300 ms). `Duration::ZERO` honours every value, as
    /// browsers do. The floor wins over
    /// [`ClientBuilder::max_reconnection_time`] if the two cross.
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

    /// Sets the ceiling on the server's `retry`; default
    /// [`DEFAULT_MAX_RECONNECTION_TIME`], 30 s, as LaunchDarkly's SDKs. A
    /// larger `retry` waits this long instead: the standard sets no limit,
    /// and Chromium obeys `retry: 99999999999` (3.2 years). It bounds the
    /// server's value only; [`ClientBuilder::reconnection_time`] and
    /// [`ClientBuilder::backoff`] are yours. `Duration::MAX` obeys any value.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().max_reconnection_time(Duration::from_secs(10)).build();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"retry: 99999999999\n", |_| {});
    /// assert_eq!(client.reconnection_time(), Duration::from_secs(10));
    /// ```
    pub fn max_reconnection_time(mut self, ceiling: Duration) -> ClientBuilder {
        self.settings.max_reconnection_time = ceiling;
        self
    }

    /// Sets the longest silence on an open stream, or `None` for no limit;
    /// default [`DEFAULT_READ_TIMEOUT`], 60 s. Any body bytes reset it, a
    /// keep-alive comment included; when it passes with nothing read, the
    /// caller calls [`Client::timed_out`] and the client reconnects as after
    /// a network error (after the usual wait, with `Last-Event-ID`). The
    /// standard has no such timeout, nor has Chromium's `EventSource`: a
    /// half-open TCP connection holds it for hours. Set it above the
    /// server's keep-alive interval; a stream that may be silent for longer
    /// (a slow LLM answer with no keep-alives) needs a longer one.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().read_timeout(Some(Duration::from_secs(45))).build();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// assert_eq!(client.timeout(), Some(Duration::from_secs(45)));
    /// let client = Client::builder().read_timeout(None).build();
    /// # let _ = client;
    /// ```
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> ClientBuilder {
        self.settings.read_timeout = timeout;
        self
    }

    /// Sets the longest wait for a response after [`Client::connect`]
    /// (connecting, TLS, the request, the response headers), or `None` for
    /// no limit; default [`DEFAULT_RESPONSE_TIMEOUT`], 30 s. When it passes,
    /// the caller abandons the attempt and calls [`Client::timed_out`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().response_timeout(Some(Duration::from_secs(5))).build();
    /// let _ = client.connect();
    /// assert_eq!(client.timeout(), Some(Duration::from_secs(5)));
    /// ```
    pub fn response_timeout(mut self, timeout: Option<Duration>) -> ClientBuilder {
        self.settings.response_timeout = timeout;
        self
    }

    /// Says what the request is: its method and whether it has a body.
    /// Default `GET` without a body, which is sent again on each
    /// reconnection. A request with a body, or with a method that is not
    /// idempotent (RFC 9110 section 9.2.2: idempotent are `GET`, `HEAD`,
    /// `OPTIONS`, `TRACE`, `PUT` and `DELETE`), is made once: when its
    /// connection ends, fails or stalls, the client stops with
    /// [`Stop::NotRepeated`](super::Stop::NotRepeated) instead of waiting to
    /// send it again, since sending it again could repeat what it asked for
    /// (a billed LLM completion, say). [`ClientBuilder::repeat_request`]
    /// overrides this.
    ///
    /// ```
    /// use ssewire::client::{Client, Stop};
    ///
    /// let mut client = Client::builder().request("POST", true).build();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// assert!(matches!(client.stream_ended(), Err(Stop::NotRepeated(_))));
    /// ```
    pub fn request(mut self, method: &str, has_body: bool) -> ClientBuilder {
        let idempotent = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]
            .iter()
            .any(|safe| safe.eq_ignore_ascii_case(method));
        self.safe_to_repeat = idempotent && !has_body;
        self
    }

    /// Sends the request again on reconnection (`true`), or never (`false`),
    /// whatever [`ClientBuilder::request`] says: `true` for a `POST` that
    /// the server treats as a subscription (with `Last-Event-ID` to resume),
    /// `false` for a `GET` with an effect.
    ///
    /// ```
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().request("POST", true).repeat_request(true).build();
    /// let _ = client.connect();
    /// assert!(client.connect_failed().is_ok());
    /// ```
    pub fn repeat_request(mut self, repeat: bool) -> ClientBuilder {
        self.repeat = Some(repeat);
        self
    }

    /// Starts from this last event ID, as if the stream had already
    /// delivered an event with it: the first request sends it as
    /// `Last-Event-ID`, so a process that saved the ID (from
    /// [`Decoder::last_event_id`]) resumes after a restart. An ID containing
    /// CR, LF or NUL is ignored: no stream can set one (an `id` line ends at
    /// CR or LF, and the standard ignores an `id` with NUL). An ID longer
    /// than the decoder's line limit is ignored too.
    ///
    /// ```
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().last_event_id("1041").build();
    /// assert_eq!(client.connect()?.last_event_id(), Some("1041"));
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn last_event_id(mut self, id: &str) -> ClientBuilder {
        self.last_event_id = Some(id.into());
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
    /// drawn from the random number the caller gives
    /// [`Wait::delay`](super::Wait::delay); default 0. Jitter only ever
    /// lengthens a wait.
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

    /// Stops the client, with [`Stop::GaveUp`](super::Stop::GaveUp), instead
    /// of making a reconnection beyond the `limit`th in a row without an
    /// event. `0` never reconnects. Unbounded by default, as in browsers.
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

    /// Builds the client, in [`State::Idle`](super::State::Idle).
    ///
    /// ```
    /// let client = ssewire::client::Client::builder().build();
    /// assert_eq!(client.state(), ssewire::client::State::Idle);
    /// ```
    pub fn build(self) -> Client {
        let mut decoder = self.decoder.unwrap_or_default();
        if let Some(id) = self.last_event_id {
            if !id.contains(['\r', '\n', '\0']) {
                // The decoder learns an ID only from a stream; this is the
                // one an `id` line and a blank line would set.
                decoder.feed(b"id: ", |_| {});
                decoder.feed(id.as_bytes(), |_| {});
                decoder.feed(b"\n\n", |_| {});
                let _ = decoder.finish();
            }
        }
        let mut settings = self.settings;
        settings.repeatable = self.repeat.unwrap_or(self.safe_to_repeat);
        Client::from_parts(decoder, settings)
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
                max_reconnection_time: DEFAULT_MAX_RECONNECTION_TIME,
                read_timeout: Some(DEFAULT_READ_TIMEOUT),
                response_timeout: Some(DEFAULT_RESPONSE_TIMEOUT),
                repeatable: true,
            },
            safe_to_repeat: true,
            repeat: None,
            last_event_id: None,
        }
    }
}
