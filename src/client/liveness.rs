//! Liveness: how long a connection may stay silent, and what a stall means;
//! and the opt-in that delivers an unfinished last event.

use core::time::Duration;

use super::{Client, Cut, Received, State, Stop, Wait};
use crate::{Decoded, Finish};

impl Client {
    /// How long the caller's timer may run before the connection counts as
    /// stalled, or `None` when no timer is needed (idle, waiting, closed,
    /// or the timeout is off).
    ///
    /// - In [`State::Connecting`]: the
    ///   [response timeout](super::ClientBuilder::response_timeout), from
    ///   the moment the request is made until the response headers arrive.
    /// - In [`State::Open`]: the
    ///   [read timeout](super::ClientBuilder::read_timeout), counted from
    ///   the last body bytes read. Restart the timer whenever a read returns
    ///   bytes (any bytes: a keep-alive comment, half a line); with a
    ///   blocking socket this is exactly its read timeout
    ///   (`TcpStream::set_read_timeout`).
    ///
    /// When the timer fires, abandon the connection and call
    /// [`Client::timed_out`]. The client never reads a clock itself.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire::client::{Client, DEFAULT_READ_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT};
    ///
    /// let mut client = Client::new();
    /// assert_eq!(client.timeout(), None);
    /// let _ = client.connect();
    /// assert_eq!(client.timeout(), Some(DEFAULT_RESPONSE_TIMEOUT));
    /// let _ = client.response(200, Some("text/event-stream"));
    /// assert_eq!(client.timeout(), Some(DEFAULT_READ_TIMEOUT));
    /// let _ = client.stream_ended();
    /// assert_eq!(client.timeout(), None);
    /// ```
    pub fn timeout(&self) -> Option<Duration> {
        match self.state {
            State::Connecting => self.settings.response_timeout,
            State::Open { .. } => self.settings.read_timeout,
            State::Idle | State::Waiting(_) | State::Closed(_) => None,
        }
    }

    /// The configured read timeout (see
    /// [`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout)),
    /// for a transport whose timeouts are set once, before the request (a
    /// blocking client's per-read timeout). [`Client::timeout`] gives the
    /// one for the current state.
    ///
    /// ```
    /// let client = ssewire::client::Client::new();
    /// assert_eq!(client.read_timeout(), Some(ssewire::client::DEFAULT_READ_TIMEOUT));
    /// ```
    pub fn read_timeout(&self) -> Option<Duration> {
        self.settings.read_timeout
    }

    /// The configured response timeout (see
    /// [`ClientBuilder::response_timeout`](super::ClientBuilder::response_timeout)),
    /// for a transport whose timeouts are set once, before the request.
    ///
    /// ```
    /// let client = ssewire::client::Client::new();
    /// assert_eq!(client.response_timeout(), Some(ssewire::client::DEFAULT_RESPONSE_TIMEOUT));
    /// ```
    pub fn response_timeout(&self) -> Option<Duration> {
        self.settings.response_timeout
    }

    /// The timer of [`Client::timeout`] fired: no response, or no body
    /// bytes, within the timeout. The connection is handled as failed: an
    /// unfinished event is discarded, and the client reconnects after the
    /// usual wait (with `Last-Event-ID`), or stops as after any failure
    /// ([`Stop::GaveUp`], [`Stop::NotRepeated`]). The caller must drop the
    /// stalled connection.
    ///
    /// ```
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::new();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"id: 7\ndata: x\n\n: keep-alive\n", |_| {});
    /// // ... then a minute of silence.
    /// let wait = client.timed_out()?;
    /// assert_eq!(wait.delay(0), ssewire::client::DEFAULT_RECONNECTION_TIME);
    /// assert_eq!(client.connect()?.last_event_id(), Some("7"));
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn timed_out(&mut self) -> Result<Wait, Stop> {
        self.schedule_reconnect(Cut::Stalled)
    }

    /// What the current connection has received so far (or the last one,
    /// while waiting): whether it was answered, its events and body bytes,
    /// and whether an unfinished event was discarded (or, after
    /// [`Client::finish_delivering`], delivered) when it ended.
    /// [`Stop::NotRepeated`] carries the same, with how it ended.
    ///
    /// ```
    /// let mut client = ssewire::client::Client::new();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"data: a\n\n", |_| {});
    /// assert_eq!((client.received().events, client.received().bytes), (1, 9));
    /// ```
    pub fn received(&self) -> Received {
        self.received
    }

    /// Ends the open stream's decoding as [`Client::finish`] does, but
    /// dispatches an unfinished last event instead of discarding it, as if
    /// the body had ended with a blank line; returns [`Finish::Truncated`]
    /// when there was one. Opt-in, for servers known to omit the last blank
    /// line (openai-node does this for every stream); the standard discards
    /// such an event, and so do [`Client::finish`], [`Client::stream_ended`]
    /// and the others.
    ///
    /// The unfinished last line is taken as complete, so it counts even when
    /// the cut fell inside it: `data: hel` gives data `hel`, and a cut
    /// `id: 12` line (of `id: 123`) makes `12` the last event ID. Outside
    /// [`State::Open`] it delivers nothing. Call it when the body ends,
    /// before [`Client::stream_ended`].
    ///
    /// ```
    /// use ssewire::{Decoded, Finish};
    ///
    /// let mut client = ssewire::client::Client::new();
    /// let _ = client.connect();
    /// let _ = client.response(200, Some("text/event-stream"));
    /// let mut data = Vec::new();
    /// let mut keep = |item: Decoded<'_>| {
    ///     if let Decoded::Event(event) = item {
    ///         data.push(event.data.to_owned());
    ///     }
    /// };
    /// client.feed(b"data: a\n\ndata: {\"done\":true}", &mut keep);
    /// assert_eq!(client.finish_delivering(&mut keep), Finish::Truncated);
    /// assert_eq!(data, ["a", "{\"done\":true}"]);
    /// ```
    pub fn finish_delivering<F>(&mut self, mut on_item: F) -> Finish
    where
        F: FnMut(Decoded<'_>),
    {
        if !matches!(self.state, State::Open { .. }) {
            return self.finish();
        }
        let mut unfinished = self.decoder.buffered().total() > 0;
        // A blank line ends the last line (LF after a lone CR is taken as
        // its pair, so two are needed) and dispatches what was built.
        self.feed(b"\n\n", |item| {
            unfinished = true;
            on_item(item);
        });
        let _ = self.decoder.finish();
        let finish = if unfinished {
            Finish::Truncated
        } else {
            Finish::Clean
        };
        self.note_finish(finish);
        finish
    }
}
