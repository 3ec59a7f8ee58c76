//! The hub on a Redis stream (feature `redis`); see [`RedisHub`].

use core::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{Client, RedisError, Value, cmd};
use ssewire::Message;
use tokio::sync::watch;

use super::{Backend, EventId, Hub, HubBuilder, Subscription, UnknownId};
use connection::Link;
use entry::StreamId;
use reader::{Counters, Reader, range};

mod connection;
mod entry;
mod error;
mod reader;
mod resume;

pub use error::RedisHubError;
pub use reader::RedisStats;

impl HubBuilder {
    /// Settings for a hub on the Redis stream named `stream`, with these
    /// hub settings (feature `redis`); see [`RedisHub`].
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
    /// use ssewire_async::hub::Hub;
    /// let hub = Hub::builder().history(1000).redis("events").connect("redis://127.0.0.1/").await?;
    /// # Ok(()) }
    /// ```
    pub fn redis(self, stream: &str) -> RedisHubBuilder {
        RedisHubBuilder {
            hub: self,
            stream: stream.to_owned(),
            timeout: Duration::from_secs(2),
            exact_trim: false,
        }
    }
}

/// Settings for a [`RedisHub`], from [`HubBuilder::redis`].
///
/// ```no_run
/// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
/// use std::time::Duration;
/// use ssewire_async::hub::Hub;
///
/// let hub = Hub::builder()
///     .history(10_000)
///     .redis("prices")
///     .timeout(Duration::from_secs(1))
///     .exact_trim(true)
///     .connect("redis://127.0.0.1:6379/")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct RedisHubBuilder {
    hub: HubBuilder,
    stream: String,
    timeout: Duration,
    exact_trim: bool,
}

impl RedisHubBuilder {
    /// How long connecting to Redis, and each answer from it, may take;
    /// 2 s by default.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
    /// use std::time::Duration;
    /// let builder = ssewire_async::hub::Hub::builder().redis("events").timeout(Duration::from_millis(500));
    /// let hub = builder.connect("redis://127.0.0.1/").await?; // an error after 0.5 s if Redis is silent
    /// # Ok(()) }
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> RedisHubBuilder {
        self.timeout = timeout;
        self
    }

    /// Trims the stream to exactly [`HubBuilder::history`] entries on each
    /// `XADD` (`MAXLEN`), rather than to at least that many (`MAXLEN ~`,
    /// the default, which Redis does in whole nodes, cheaply).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
    /// let builder = ssewire_async::hub::Hub::builder().history(100).redis("events");
    /// let hub = builder.exact_trim(true).connect("redis://127.0.0.1/").await?;
    /// # Ok(()) }
    /// ```
    pub fn exact_trim(mut self, exact: bool) -> RedisHubBuilder {
        self.exact_trim = exact;
        self
    }

    /// Connects to Redis at `url` (`redis://HOST:PORT/DB`), starts this
    /// server's reading task on the current tokio runtime, and returns the
    /// hub. Reading starts at the stream's newest entry; older ones are
    /// read from Redis when a client resumes. Each step (the connection,
    /// Redis's first answer) is bounded by the timeout, so an address where
    /// nothing answers is an error, never a hang.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
    /// let hub = ssewire_async::hub::Hub::builder().redis("events").connect("redis://127.0.0.1:6379/0").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(self, url: &str) -> Result<RedisHub, RedisHubError> {
        let link = Arc::new(Link {
            client: Client::open(url)?,
            timeout: self.timeout,
        });
        let mut publisher = link.connect(self.timeout).await?;
        let reading = link.connect(link.read_timeout()).await?;
        let newest: Value = range("XREVRANGE", &self.stream, "+", "-", Some(1))
            .query_async(&mut publisher)
            .await?;
        let start = entry::range(&newest)
            .first()
            .map_or(StreamId::ZERO, |e| e.id);
        let (position, positions) = watch::channel(start);
        let config = self.hub.config;
        // Priming ids and unknown ids are this module's to decide; the
        // in-memory hub reports an unknown id with a subscription at its
        // newest event, the point from which Redis fills in.
        let hub = HubBuilder {
            config: super::Config {
                unknown_id: UnknownId::Live,
                priming: None,
                ..config.clone()
            },
        }
        .build();
        let counters = Arc::new(Counters::default());
        let reader = Reader {
            hub: hub.clone(),
            link: link.clone(),
            stream: self.stream.clone(),
            position,
            counters: counters.clone(),
            batch: config.queue.clamp(1, 1024),
        };
        let reader = tokio::spawn(reader.run(reading)).abort_handle();
        Ok(RedisHub {
            inner: Arc::new(Inner {
                hub,
                link,
                publisher: Mutex::new(Some(publisher)),
                stream: self.stream,
                history: config.history.max(1),
                history_bytes: config.history_bytes,
                exact_trim: self.exact_trim,
                unknown_id: config.unknown_id,
                priming: config.priming,
                position: positions,
                counters,
                reader,
            }),
        })
    }
}

/// A resumable fan-out hub on a Redis stream (feature `redis`), one per
/// server: several servers behind one address share one history, so a client
/// may reconnect to any of them. Clones share the hub; when the last clone
/// is dropped, the reading task stops and the subscriptions end. It is a [`Backend`], so it serves through
/// the same handlers as [`Hub`].
///
/// - **Publishing** appends the event to the stream with `XADD`, trimmed to
///   [`HubBuilder::history`] entries (`MAXLEN ~`: Redis trims whole nodes
///   of its radix tree, so it keeps at least that many and at most about
///   100 more; [`RedisHubBuilder::exact_trim`] trims exactly, at a cost).
///   The entry's id, such as `1700000000000-0`, is the event's id. Redis
///   trims by count only; [`HubBuilder::history_bytes`] bounds each
///   server's memory, as in the hub. The stream is the hub's own: an entry
///   that is not one event as a hub stored it is skipped
///   ([`RedisStats::skipped`]).
/// - **Every server** reads the stream in one task (`XREAD BLOCK`) into an
///   in-memory [`Hub`], which fans each event out to the
///   server's own subscribers. The task never waits for a subscriber: one
///   that falls behind its queue bound is disconnected, as in the hub. An
///   `XREAD` returns at most [`HubBuilder::queue`] entries (up to 1024),
///   so that one batch cannot put a subscriber that keeps up past it.
/// - **Resuming** after a `Last-Event-ID` that this server has in memory is
///   the hub's; otherwise the subscriber is registered at the server's
///   newest event and the events between its id and that one are read from
///   Redis with `XRANGE`: stream ids are ordered, so the two parts meet
///   without a gap or a duplicate, whoever publishes meanwhile. As in the
///   hub, a client is resumed only if what it missed fits in the history's
///   count and bytes (Redis may keep more, with `MAXLEN ~`); each one
///   resuming from Redis holds its own copy of that, and costs Redis one
///   `XRANGE`. A client
///   whose id is newer than this server has read (it came from a server
///   ahead of this one) waits for the reader, up to the timeout
///   ([`RedisHubError::Behind`]).
/// - **Unknown ids**: a `Last-Event-ID` that is not a stream id as Redis
///   writes it, or whose entry Redis no longer has, is handled by the
///   hub's [`UnknownId`] policy (`Oldest` reads the kept history from
///   Redis).
///
/// # Faults
///
/// - Redis unreachable at [`RedisHubBuilder::connect`]: an error, at once
///   when the connection is refused, and within the
///   [timeout](RedisHubBuilder::timeout) (2 s by default) for each step
///   when nothing answers; never a hang. Publishing and resuming from Redis fail the same way while it is
///   away; live subscribers keep their streams (and keep-alives).
/// - Redis restarting: the reader reconnects, backing off up to 1 s. If
///   Redis still has the last entry read (persistence, or a dropped
///   connection), reading goes on from there and subscribers miss nothing.
///   If not, Redis lost history: every subscriber's stream ends
///   ([`End::Disconnected`](super::End::Disconnected)), so its
///   `EventSource` reconnects with `Last-Event-ID` and gets whatever Redis
///   still has after it, or the unknown-id policy. A server that still has
///   the id in memory resumes from there, so only events that no server
///   had read are lost.
/// - A slow server slows down only its own reading: Redis serves each
///   `XREAD` on its own, and a server's subscribers that cannot keep up are
///   disconnected by their queue bound.
///
/// ```no_run
/// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
/// use ssewire::Message;
/// use ssewire_async::hub::{Hub, Start};
///
/// // Two servers on one stream.
/// let a = Hub::builder().redis("news").connect("redis://127.0.0.1/").await?;
/// let b = Hub::builder().redis("news").connect("redis://127.0.0.1/").await?;
/// let first = a.publish(Message::new("one")).await?;
/// a.publish(Message::new("two")).await?;
/// // A client that had the first event reconnects to the other server.
/// let resumed = b.subscribe(Some(&first.to_string())).await?;
/// assert_eq!(resumed.start(), Start::Resumed);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisHub {
    inner: Arc<Inner>,
}

struct Inner {
    hub: Hub,
    link: Arc<Link>,
    /// The connection for publishing and reading history, replaced after
    /// it breaks.
    publisher: Mutex<Option<MultiplexedConnection>>,
    stream: String,
    history: usize,
    history_bytes: usize,
    exact_trim: bool,
    unknown_id: UnknownId,
    priming: Option<Duration>,
    position: watch::Receiver<StreamId>,
    counters: Arc<Counters>,
    reader: tokio::task::AbortHandle,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.reader.abort();
        // No event will come: the clients had better resume elsewhere.
        self.hub.disconnect_all();
    }
}

impl RedisHub {
    /// Appends `message` to the stream, with the id Redis gives it (any id
    /// in `message` is replaced), and returns that id. Every server's
    /// subscribers get it, this one's included, from the stream. When the
    /// connection has broken (Redis restarted), this call fails and the
    /// next one reconnects: it is not sent again by itself, since Redis may
    /// have appended the event before the break.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
    /// # let hub = ssewire_async::hub::Hub::builder().redis("events").connect("redis://127.0.0.1/").await?;
    /// let id = hub.publish(ssewire::Message::new("{\"price\":1}").event("price")).await?;
    /// assert!(id.to_string().contains('-')); // a stream id, 1700000000000-0 say
    /// # Ok(()) }
    /// ```
    pub async fn publish(&self, message: Message<'_>) -> Result<EventId, RedisHubError> {
        self.inner.append(None, message).await
    }

    /// Appends `message` with the publisher's stream `id` (`XADD` with an
    /// explicit id, which must be above the stream's last).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
    /// # let hub = ssewire_async::hub::Hub::builder().redis("events").connect("redis://127.0.0.1/").await?;
    /// let id = hub.publish_with_id("1700000000000-7", ssewire::Message::new("x")).await?;
    /// assert_eq!(id.to_string(), "1700000000000-7");
    /// # Ok(()) }
    /// ```
    pub async fn publish_with_id(
        &self,
        id: &str,
        message: Message<'_>,
    ) -> Result<EventId, RedisHubError> {
        self.inner.append(Some(id), message).await
    }

    /// A subscription for a client whose last event was `last_event_id`:
    /// the events after it, then live ones, each exactly once; see
    /// [`RedisHub`] for where they come from.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
    /// # let hub = ssewire_async::hub::Hub::builder().redis("events").connect("redis://127.0.0.1/").await?;
    /// let resumed = hub.subscribe(Some("1700000000000-0")).await?;
    /// println!("{:?}", resumed.start()); // Resumed, or Unknown if Redis trimmed it
    /// # Ok(()) }
    /// ```
    pub async fn subscribe(
        &self,
        last_event_id: Option<&str>,
    ) -> Result<Subscription, RedisHubError> {
        self.inner.subscribe(last_event_id).await
    }

    /// Ends this server's subscriptions; their clients resume, here or
    /// elsewhere.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
    /// # let hub = ssewire_async::hub::Hub::builder().redis("events").connect("redis://127.0.0.1/").await?;
    /// hub.disconnect_all(); // before this server stops, in a rolling restart
    /// # Ok(()) }
    /// ```
    pub fn disconnect_all(&self) {
        self.inner.hub.disconnect_all();
    }

    /// This server's counts.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), ssewire_async::hub::RedisHubError> {
    /// # let hub = ssewire_async::hub::Hub::builder().redis("events").connect("redis://127.0.0.1/").await?;
    /// assert_eq!(hub.stats().local.subscribers, 0);
    /// # Ok(()) }
    /// ```
    pub fn stats(&self) -> RedisStats {
        let counters = &self.inner.counters;
        let load = |counter: &std::sync::atomic::AtomicU64| {
            counter.load(std::sync::atomic::Ordering::Relaxed)
        };
        RedisStats {
            local: self.inner.hub.stats(),
            position: self.inner.position.borrow().to_string(),
            reconnects: load(&counters.reconnects),
            history_lost: load(&counters.history_lost),
            skipped: load(&counters.skipped),
        }
    }
}

impl Inner {
    async fn append(
        &self,
        id: Option<&str>,
        message: Message<'_>,
    ) -> Result<EventId, RedisHubError> {
        let stored = entry::stored(message)?;
        let mut add = cmd("XADD");
        add.arg(&self.stream).arg("MAXLEN");
        if !self.exact_trim {
            // Without `~` (or with `=`, which needs Redis 6.2) it is exact.
            add.arg("~");
        }
        add.arg(self.history)
            .arg(id.unwrap_or("*"))
            .arg(entry::FIELD)
            .arg(stored);
        let reply = self.query(&add, false).await?;
        let id = entry::added(&reply).ok_or_else(|| {
            RedisHubError::Redis(RedisError::from((
                ::redis::ErrorKind::UnexpectedReturnType,
                "XADD did not answer with an id",
            )))
        })?;
        Ok(EventId::text(Arc::from(id)))
    }
}

impl Backend for RedisHub {
    type Error = RedisHubError;

    fn publish(
        &self,
        id: Option<&str>,
        message: Message<'_>,
    ) -> impl Future<Output = Result<EventId, RedisHubError>> + Send {
        self.inner.append(id, message)
    }

    fn subscribe(
        &self,
        last_event_id: Option<&str>,
    ) -> impl Future<Output = Result<Subscription, RedisHubError>> + Send {
        self.inner.subscribe(last_event_id)
    }

    fn disconnect_all(&self) {
        self.inner.hub.disconnect_all();
    }
}

impl fmt::Debug for RedisHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisHub")
            .field("stream", &self.inner.stream)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}
