//! The reconnection settings and the builder that sets them.

use core::time::Duration;

use super::{Client, DEFAULT_MIN_RECONNECTION_TIME, DEFAULT_RECONNECTION_TIME};
use crate::Decoder;

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
pub(super) struct Settings {
    pub(super) reconnection_time: Duration,
    pub(super) min_reconnection_time: Duration,
    pub(super) backoff_cap: Option<Duration>,
    pub(super) jitter_percent: u32,
    pub(super) max_reconnects: Option<u32>,
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
        Client::from_parts(self.decoder.unwrap_or_default(), self.settings)
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
