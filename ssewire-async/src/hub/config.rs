//! The hub's settings.

use std::time::Duration;

use super::Hub;
#[cfg(doc)]
use super::{Start, Subscription};
use crate::KeepAlive;

/// What a subscriber gets when its `Last-Event-ID` names no event the hub
/// keeps: evicted from the history, from before a restart, or never sent.
/// The events it missed are then lost to it either way; the policy chooses
/// between more events than it missed and fewer. The subscription reports
/// [`Start::Unknown`], so the application can tell the client
/// ([`Subscription::notice`]) or refuse the stream (answering `204 No
/// Content` stops an `EventSource`).
///
/// ```
/// use ssewire::Message;
/// use ssewire_async::hub::{Hub, Start, UnknownId};
///
/// let hub = Hub::builder().unknown_id(UnknownId::Live).build();
/// hub.publish(Message::new("kept"))?;
/// assert_eq!(hub.subscribe(Some("no such id")).start(), Start::Unknown);
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnknownId {
    /// Every event kept, from the oldest: the client may see again some
    /// events it already had, and misses none of those kept. The default.
    #[default]
    Oldest,
    /// Live events only, as for a client with no `Last-Event-ID`.
    Live,
}

/// Settings for a [`Hub`]; [`Hub::builder`] starts from the defaults.
///
/// ```
/// use std::time::Duration;
/// use ssewire_async::hub::{Hub, UnknownId};
///
/// let hub = Hub::builder()
///     .history(1000)
///     .history_bytes(4 << 20)
///     .queue(64)
///     .unknown_id(UnknownId::Oldest)
///     .priming(Some(Duration::from_secs(3)))
///     .build();
/// assert_eq!(hub.stats().subscribers, 0);
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct HubBuilder {
    pub(crate) config: Config,
}

#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) history: usize,
    pub(crate) history_bytes: usize,
    pub(crate) queue: usize,
    pub(crate) unknown_id: UnknownId,
    pub(crate) priming: Option<Duration>,
    pub(crate) keep_alive: Option<KeepAlive>,
}

impl HubBuilder {
    /// How many recent events are kept for replay; 256 by default. The hub
    /// keeps at least [`HubBuilder::queue`] events whatever this is, since
    /// live subscribers read them from the same buffer.
    pub fn history(mut self, events: usize) -> HubBuilder {
        self.config.history = events;
        self
    }

    /// How many encoded bytes of recent events are kept; 8 MiB by default.
    /// The newest event is kept however large it is, so that live
    /// subscribers get it.
    pub fn history_bytes(mut self, bytes: usize) -> HubBuilder {
        self.config.history_bytes = bytes;
        self
    }

    /// How many events published since a subscriber subscribed it may have
    /// left to send before it is disconnected; 256 by default (at least 1).
    /// Events replayed from the history do not count.
    pub fn queue(mut self, events: usize) -> HubBuilder {
        self.config.queue = events.max(1);
        self
    }

    /// What to send a subscriber whose `Last-Event-ID` is unknown; see
    /// [`UnknownId`].
    pub fn unknown_id(mut self, policy: UnknownId) -> HubBuilder {
        self.config.unknown_id = policy;
        self
    }

    /// With `Some(retry)`, every subscription starts with a priming event:
    /// the id of its starting point, an empty `data` field, and `retry`, as
    /// the Model Context Protocol asks. Receivers take its id as their last
    /// event ID, and dispatch it as a `message` event with empty data (a
    /// `data` field, even empty, makes an event), which MCP clients ignore.
    /// Off by default.
    pub fn priming(mut self, retry: Option<Duration>) -> HubBuilder {
        self.config.priming = retry;
        self
    }

    /// The keep-alive comments of [`Subscription::into_body`] (and of the
    /// axum response); [`KeepAlive::new`] (15 s) by default, `None` for none.
    pub fn keep_alive(mut self, keep_alive: Option<KeepAlive>) -> HubBuilder {
        self.config.keep_alive = keep_alive;
        self
    }

    /// The hub.
    pub fn build(self) -> Hub {
        Hub::with_config(self.config)
    }
}
