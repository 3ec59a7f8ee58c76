//! A resumable fan-out hub (feature `hub`): publish an event once, and every
//! subscriber gets it; a client that reconnects with `Last-Event-ID` gets
//! exactly the events it missed, then the live ones.
//!
//! The hub is a data structure before it is a server. [`Hub::publish`]
//! encodes an event once and appends it to one bounded buffer of recent
//! events; a [`Subscription`] is a position in that buffer, a `Stream` of
//! [`Encoded`] messages to serve through an [`SseBody`](crate::SseBody)
//! (or, with the `axum` feature, to return from a handler as it is).
//!
//! - **Resume without gap or duplicate.** [`Hub::subscribe`] finds the
//!   client's last event and starts after it, in the same critical section
//!   that publishing takes, so an event published meanwhile is sent exactly
//!   once: there is no separate replay ring and live channel to join.
//! - **Bounded memory.** The hub keeps the last [`HubBuilder::history`]
//!   events within [`HubBuilder::history_bytes`]. A subscriber that falls
//!   more than [`HubBuilder::queue`] events behind, or behind the oldest
//!   event kept, is disconnected: its stream ends, and its `EventSource`
//!   reconnects with `Last-Event-ID` and resumes. Publishing never waits for
//!   a subscriber.
//! - **Ids.** The hub numbers events 1, 2, 3... unless the publisher gives
//!   its own ids ([`Hub::publish_with_id`]). An id it does not know is
//!   handled by [`UnknownId`], and the subscription says so ([`Start`]).
//! - **Priming.** Optionally ([`HubBuilder::priming`]), each subscription
//!   starts with an event carrying only an id and a `retry` time, as the
//!   Model Context Protocol (2025-11-25) asks of resumable streams, so that
//!   a client that never received an event still resumes from the right
//!   place.
//! - **Several servers.** With the `redis` feature, `RedisHub` keeps the
//!   history in a Redis stream shared by several servers, each fanning out
//!   to its own subscribers through a hub like this one; handlers written
//!   over [`Backend`] serve either.
//!
//! ```
//! # futures_executor::block_on(async {
//! use futures_util::StreamExt;
//! use ssewire::Message;
//! use ssewire_async::hub::Hub;
//!
//! let hub = Hub::builder().history(100).build();
//! hub.publish(Message::new("first").event("update"))?;
//! let mut early = hub.subscribe(None); // live events only
//! let id = hub.publish(Message::new("second").event("update"))?;
//! assert_eq!(id.to_string(), "2");
//!
//! let sent = early.next().await.unwrap().unwrap();
//! assert_eq!(sent.as_bytes(), "event: update\nid: 2\ndata: second\n\n");
//! // A client that reconnects after event 1 gets event 2 from the history.
//! let mut resumed = hub.subscribe(Some("1"));
//! assert_eq!(resumed.next().await.unwrap().unwrap(), sent);
//! # Ok::<(), ssewire::EncodeError>(()) }).unwrap();
//! ```
//!
//! # Clients that stop reading
//!
//! A connection whose client stops reading fills its socket buffers; the
//! server then stops polling the response body, so nothing inside the body
//! can time it out. The hub's memory stays bounded all the same (a stalled
//! subscriber holds no events of its own), and [`write_timeout`] sets the
//! socket's `TCP_USER_TIMEOUT`, after which the kernel closes a connection
//! whose sent data stays unacknowledged or whose receive window stays shut.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Waker;

use bytes::Bytes;
use ssewire::{EncodeError, Message};

use crate::{Encoded, EventType, KeepAlive};

mod backend;
mod config;
#[cfg(feature = "redis")]
mod redis;
mod ring;
mod subscription;

pub use backend::{Backend, last_event_id, write_timeout};
pub use config::{HubBuilder, UnknownId};
#[cfg(feature = "redis")]
pub use redis::{RedisHub, RedisHubBuilder, RedisHubError, RedisStats};
pub use subscription::{End, Start, Subscription};

use config::Config;
use ring::{Entry, Found, Ring};

/// The longest id the hub writes, `u64::MAX`, to size an encoding before
/// the id is known.
const LONGEST_ID: &str = "18446744073709551615";

/// An event's id as the hub gave it out: its number, or the publisher's id.
///
/// ```
/// let hub = ssewire_async::hub::Hub::new();
/// let id = hub.publish(ssewire::Message::new("x"))?;
/// assert_eq!((id.to_string(), id.number()), ("1".to_owned(), Some(1)));
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EventId(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Seq(u64),
    Text(Arc<str>),
}

impl EventId {
    pub(crate) fn seq(seq: u64) -> EventId {
        EventId(Repr::Seq(seq))
    }

    pub(crate) fn text(text: Arc<str>) -> EventId {
        EventId(Repr::Text(text))
    }

    /// The hub's number, when the hub numbered the event.
    pub fn number(&self) -> Option<u64> {
        match &self.0 {
            Repr::Seq(seq) => Some(*seq),
            Repr::Text(_) => None,
        }
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Seq(seq) => fmt::Display::fmt(seq, f),
            Repr::Text(text) => f.write_str(text),
        }
    }
}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventId({:?})", self.to_string())
    }
}

/// A resumable fan-out hub; see [the module](self). Clones share the hub.
///
/// ```
/// let hub = ssewire_async::hub::Hub::new();
/// let other_handle = hub.clone();
/// other_handle.publish(ssewire::Message::new("x"))?;
/// assert_eq!(hub.stats().events, 1);
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[derive(Clone)]
pub struct Hub {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    state: Mutex<State>,
    pub(crate) config: Config,
}

/// Everything publishing and subscribing change, under one lock.
pub(crate) struct State {
    pub(crate) ring: Ring,
    /// One slot per live subscription: its waker while it waits for an
    /// event. Indexes in `free` are unused.
    wakers: Vec<Option<Waker>>,
    free: Vec<usize>,
    /// Bumped by [`Hub::disconnect_all`]: subscriptions from an older epoch
    /// end.
    pub(crate) epoch: u64,
    subscribers: usize,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while the lock is held; a poisoned lock still holds
        // a consistent state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    pub(crate) fn park(&mut self, slot: usize, waker: &Waker) {
        if let Some(parked) = self.wakers.get_mut(slot) {
            match parked {
                Some(old) if old.will_wake(waker) => {}
                _ => *parked = Some(waker.clone()),
            }
        }
    }

    pub(crate) fn release(&mut self, slot: usize) {
        if let Some(parked) = self.wakers.get_mut(slot) {
            *parked = None;
            self.free.push(slot);
            self.subscribers -= 1;
        }
    }

    fn take_wakers(&mut self) -> Vec<Waker> {
        self.wakers.iter_mut().filter_map(Option::take).collect()
    }
}

/// Counts, for monitoring and tests; from [`Hub::stats`].
///
/// ```
/// let hub = ssewire_async::hub::Hub::builder().history(2).queue(1).build();
/// for data in ["a", "b", "c"] {
///     hub.publish(ssewire::Message::new(data))?;
/// }
/// let stats = hub.stats();
/// assert_eq!((stats.events, stats.oldest, stats.newest), (2, 2, 3));
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Events kept.
    pub events: usize,
    /// Their encoded size in bytes.
    pub bytes: usize,
    /// The sequence number of the oldest event kept (events are numbered
    /// from 1 in publication order, whoever gave their ids).
    pub oldest: u64,
    /// The sequence number of the newest event published (0 before any).
    pub newest: u64,
    /// Live subscriptions.
    pub subscribers: usize,
}

impl Default for Hub {
    fn default() -> Hub {
        Hub::new()
    }
}

impl Hub {
    /// A hub with the default settings ([`HubBuilder`]).
    pub fn new() -> Hub {
        Hub::builder().build()
    }

    fn with_config(config: Config) -> Hub {
        Hub {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    ring: Ring::new(config.history.max(config.queue), config.history_bytes),
                    wakers: Vec::new(),
                    free: Vec::new(),
                    epoch: 0,
                    subscribers: 0,
                }),
                config,
            }),
        }
    }

    /// Settings, from the defaults: 256 events and 8 MiB of history, a
    /// queue of 256, [`UnknownId::Oldest`], no priming, keep-alive every 15 s.
    pub fn builder() -> HubBuilder {
        HubBuilder {
            config: Config {
                history: 256,
                history_bytes: 8 << 20,
                queue: 256,
                unknown_id: UnknownId::Oldest,
                priming: None,
                keep_alive: Some(KeepAlive::new()),
            },
        }
    }

    /// Publishes `message` with the next number as its id (any id it has is
    /// replaced), and returns the id. Fails only on an event type that
    /// [`Message::validate`] refuses; nothing is published then.
    pub fn publish(&self, message: Message<'_>) -> Result<EventId, EncodeError> {
        self.append(None, message)
    }

    /// Publishes `data` as an event of a type checked beforehand, with the
    /// next number as its id; it cannot fail.
    ///
    /// ```
    /// use ssewire_async::EventType;
    ///
    /// const PRICE: EventType = EventType::from_static("price");
    /// let hub = ssewire_async::hub::Hub::new();
    /// assert_eq!(hub.publish_event(&PRICE, "{\"eur\":1}").to_string(), "1");
    /// ```
    pub fn publish_event(&self, event_type: &EventType, data: &str) -> EventId {
        match self.append(None, Message::new(data).event(event_type.as_str())) {
            Ok(id) => id,
            // An `EventType` holds no line break, and a hub-numbered id is
            // digits: `Message::validate` has nothing to refuse.
            Err(error) => unreachable!("{error}"),
        }
    }

    /// Publishes `message` with the publisher's `id` (which
    /// [`Message::validate`] checks). Resuming after a publisher's id scans
    /// the history, from the newest; ids need not be numbers, nor unique.
    ///
    /// ```
    /// use ssewire::Message;
    /// let hub = ssewire_async::hub::Hub::new();
    /// hub.publish_with_id("a1", Message::new("x"))?;
    /// assert_eq!(hub.subscribe(Some("a1")).start(), ssewire_async::hub::Start::Resumed);
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub fn publish_with_id(&self, id: &str, message: Message<'_>) -> Result<EventId, EncodeError> {
        self.append(Some(id), message)
    }

    fn append(&self, id: Option<&str>, message: Message<'_>) -> Result<EventId, EncodeError> {
        // Validated and sized outside the lock; only the copy happens inside.
        let mut out = Vec::with_capacity(message.id(id.unwrap_or(LONGEST_ID)).encoded_len()?);
        let text: Option<Arc<str>> = id.map(Arc::from);
        let mut digits = [0; LONGEST_ID.len()];
        let (seq, wakers) = {
            let mut state = self.shared.lock();
            let seq = state.ring.next();
            let id = id.unwrap_or_else(|| decimal(seq, &mut digits));
            message.id(id).write_to_vec(&mut out)?;
            let message = Encoded::from_trusted(Bytes::from(out));
            let id = text.clone();
            state.ring.push(Entry { id, message });
            (seq, state.take_wakers())
        };
        // Woken outside the lock, which every woken subscriber takes next.
        wakers.into_iter().for_each(Waker::wake);
        Ok(text.map_or(EventId::seq(seq), EventId::text))
    }

    /// Appends events already encoded with their ids (a shared store's), in
    /// order, waking the subscribers once.
    #[cfg(feature = "redis")]
    pub(crate) fn push_encoded(&self, events: impl IntoIterator<Item = (Arc<str>, Encoded)>) {
        let wakers = {
            let mut state = self.shared.lock();
            for (id, message) in events {
                state.ring.push(Entry {
                    id: Some(id),
                    message,
                });
            }
            state.take_wakers()
        };
        wakers.into_iter().for_each(Waker::wake);
    }

    /// A subscription for a client whose last event was `last_event_id`
    /// (the request's `Last-Event-ID` header; see [`last_event_id`]): every
    /// later event kept, then the live ones, each exactly once. With `None`,
    /// live events only. [`Subscription::start`] tells which case applied.
    pub fn subscribe(&self, last_event_id: Option<&str>) -> Subscription {
        let config = &self.shared.config;
        let mut state = self.shared.lock();
        let newest = state.ring.next() - 1;
        let (start, after) = match last_event_id.map(|id| state.ring.find(id)) {
            None => (Start::New, newest),
            Some(Found::After(seq)) => (Start::Resumed, seq),
            Some(Found::Unknown) => match config.unknown_id {
                UnknownId::Oldest => (Start::Unknown, state.ring.first() - 1),
                UnknownId::Live => (Start::Unknown, newest),
            },
        };
        let priming = config.priming.map(|retry| {
            let id = state.ring.id_at(after).to_string();
            Encoded::from_trusted(Bytes::from(
                encode(Message::new("").id(&id).retry(retry)).unwrap_or_default(),
            ))
        });
        let slot = state.free.pop().unwrap_or_else(|| {
            state.wakers.push(None);
            state.wakers.len() - 1
        });
        state.subscribers += 1;
        let epoch = state.epoch;
        drop(state);
        Subscription::new(
            self.shared.clone(),
            slot,
            after,
            newest,
            epoch,
            start,
            priming,
        )
    }

    /// Ends every subscription: each stream ends after the message it is
    /// sending, and clients reconnect with their `Last-Event-ID` (to this
    /// server, or to another one behind the same address). For a rolling
    /// restart, or a test.
    pub fn disconnect_all(&self) {
        let wakers = {
            let mut state = self.shared.lock();
            state.epoch += 1;
            state.take_wakers()
        };
        wakers.into_iter().for_each(Waker::wake);
    }

    /// The hub's counts.
    pub fn stats(&self) -> Stats {
        let state = self.shared.lock();
        Stats {
            events: state.ring.len(),
            bytes: state.ring.bytes(),
            oldest: state.ring.first(),
            newest: state.ring.next() - 1,
            subscribers: state.subscribers,
        }
    }
}

impl fmt::Debug for Hub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hub")
            .field("config", &self.shared.config)
            .field("stats", &self.stats())
            .finish()
    }
}

/// `message` encoded, for messages known to be valid.
fn encode(message: Message<'_>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(message.encoded_len().ok()?);
    message.write_to_vec(&mut out).ok()?;
    Some(out)
}

/// `n` in decimal, written into `buffer`.
fn decimal(mut n: u64, buffer: &mut [u8; LONGEST_ID.len()]) -> &str {
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    core::str::from_utf8(&buffer[start..]).unwrap_or("0")
}
