//! The client's state machine: one event stream followed across connections.

use core::time::Duration;

use super::builder::{ClientBuilder, Settings};
use super::{Cut, Received, Request, Stop, Wait, check_response};
use crate::{Decoded, Decoder, Finish};

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

/// One event stream followed across connections: the decoder and the
/// connection rules of the `EventSource` processing model. See the
/// [module documentation](super) for the states and a complete example.
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
    pub(super) decoder: Decoder,
    pub(super) settings: Settings,
    pub(super) state: State,
    /// Reconnections scheduled since the last connection that delivered an
    /// event: the backoff exponent and what the bound counts.
    reconnects: u32,
    /// What the current (or last) connection received.
    pub(super) received: Received,
}

impl Default for Client {
    fn default() -> Client {
        Client::new()
    }
}

impl Client {
    /// A client in [`State::Idle`] with the builder's parts.
    pub(super) fn from_parts(decoder: Decoder, settings: Settings) -> Client {
        Client {
            decoder,
            settings,
            state: State::Idle,
            reconnects: 0,
            received: Received::NOTHING,
        }
    }

    /// A client with the browser's defaults, plus the
    /// [minimum reconnection time](super::DEFAULT_MIN_RECONNECTION_TIME).
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

    /// The reconnection time now in force: the decoder's last `retry` time
    /// up to the configured maximum, else the configured default, and never
    /// less than the configured minimum. It is read from the decoder each
    /// time, so a `retry` field mid-stream takes effect for the next wait.
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
        match self.decoder.retry() {
            Some(retry) => retry.min(self.settings.max_reconnection_time),
            None => self.settings.reconnection_time,
        }
        .max(self.settings.min_reconnection_time)
    }

    /// Starts a connection attempt and returns the headers to send, or the
    /// reason the client stopped. A request that is made once
    /// ([`ClientBuilder::request`]) is refused a second attempt with
    /// [`Stop::NotRepeated`], even if its first connection was not reported
    /// ended. Call it first, and after each [`Wait`]
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
        if !self.settings.repeatable && matches!(self.state, State::Connecting | State::Open { .. })
        {
            // A request made once is not made again, even when the caller
            // skips telling how its connection ended.
            let _ = self.finish();
            return Err(self.not_repeated(Cut::Ended));
        }
        if matches!(self.state, State::Open { .. }) {
            // A new attempt abandons the open stream's unfinished event.
            let _ = self.decoder.finish();
        }
        self.state = State::Connecting;
        self.received = Received::NOTHING;
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
                self.received.responded = true;
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
            self.received.events = self.received.events.saturating_add(1);
        }
        let consumed_bytes = u64::try_from(consumed).unwrap_or(u64::MAX);
        self.received.bytes = self.received.bytes.saturating_add(consumed_bytes);
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
        let finish = self.decoder.finish();
        self.note_finish(finish);
        finish
    }

    /// Keeps a truncation in [`Client::received`] until the next
    /// connection, whichever call found it.
    pub(super) fn note_finish(&mut self, finish: Finish) {
        if finish == Finish::Truncated {
            self.received.finish = Finish::Truncated;
        }
    }

    /// The open stream ended (end of body, or a network error while reading
    /// it): the standard says to reestablish the connection. Returns how
    /// long to wait before [`Client::connect`], or why the client stops
    /// ([`Stop::GaveUp`] past the bound, [`Stop::NotRepeated`] for a request
    /// that is made once).
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
        self.schedule_reconnect(Cut::Ended)
    }

    /// The connection attempt failed at the network level (no response: DNS,
    /// refused, reset, timed out). The standard says to reestablish the
    /// connection, as after a stream ends. Returns how long to wait before
    /// [`Client::connect`], or why the client stops ([`Stop::GaveUp`],
    /// [`Stop::NotRepeated`]). Where the caller knows
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
        self.schedule_reconnect(Cut::Failed)
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

    pub(super) fn schedule_reconnect(&mut self, cut: Cut) -> Result<Wait, Stop> {
        let delivered = match self.state {
            State::Closed(stop) => return Err(stop),
            State::Waiting(wait) => return Ok(wait),
            State::Open { delivered_event } => delivered_event,
            State::Idle | State::Connecting => false,
        };
        let finish = self.decoder.finish();
        self.note_finish(finish);
        if !self.settings.repeatable {
            return Err(self.not_repeated(cut));
        }
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
        let wait =
            Wait::before_reconnect(self.reconnection_time(), &self.settings, self.reconnects);
        self.state = State::Waiting(wait);
        Ok(wait)
    }

    /// Stops for good a request that is not repeated, with what its
    /// connection received.
    fn not_repeated(&mut self, cut: Cut) -> Stop {
        let stop = Stop::NotRepeated(Received {
            cut,
            ..self.received
        });
        self.state = State::Closed(stop);
        stop
    }
}
