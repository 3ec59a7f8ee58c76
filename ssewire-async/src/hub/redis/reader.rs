//! The one task per server that reads the stream and fans out to the
//! server's own subscribers, and what it counts.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{Cmd, RedisError, Value, cmd};
use tokio::sync::watch;

#[cfg(doc)]
use super::RedisHub;
use super::connection::Link;
use super::entry::{self, StreamId};
use crate::hub::{Hub, Stats};

/// How long one `XREAD` waits for entries before it is sent again. An
/// idle server sends one command per period; a connection that dies
/// silently is noticed within this plus the timeout.
pub(super) const BLOCK: Duration = Duration::from_secs(2);

/// Reconnection attempts back off from the first to the last.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(50), Duration::from_secs(1));

/// What the reader has seen, for [`RedisStats`](super::RedisStats).
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) reconnects: AtomicU64,
    pub(super) history_lost: AtomicU64,
    pub(super) skipped: AtomicU64,
}

/// A [`RedisHub`]'s counts, from [`RedisHub::stats`].
///
/// ```no_run
/// # async fn run(hub: ssewire_async::hub::RedisHub) {
/// let stats = hub.stats();
/// println!("{} subscribers here, read up to {}", stats.local.subscribers, stats.position);
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedisStats {
    /// This server's in-memory hub: the events it read, its subscribers.
    pub local: Stats,
    /// The id of the last entry this server read (`0-0` before any).
    pub position: String,
    /// How many times the reader reconnected to Redis.
    pub reconnects: u64,
    /// How many times, after reconnecting, Redis no longer had the last
    /// entry read, and the subscribers were told to resume.
    pub history_lost: u64,
    /// Entries in the stream that no hub wrote, skipped.
    pub skipped: u64,
}

/// The reading task's state.
pub(super) struct Reader {
    pub(super) hub: Hub,
    pub(super) link: Arc<Link>,
    pub(super) stream: String,
    /// The id of the last entry read (pushed into `hub`), changed only with
    /// the pushes, so that a subscriber registered in the hub can tell
    /// which entries it will get from there.
    pub(super) position: watch::Sender<StreamId>,
    pub(super) counters: Arc<Counters>,
    /// The most entries one `XREAD` returns: the hub's queue bound (at
    /// most 1024), so that one batch never puts a subscriber that keeps up
    /// past its bound.
    pub(super) batch: usize,
}

impl Reader {
    /// Reads for as long as the hub lives, reconnecting after any error.
    pub(super) async fn run(self, mut connection: MultiplexedConnection) {
        let mut reconnected = false;
        loop {
            if !reconnected || self.recover(&mut connection).await.is_ok() {
                // Returns only on an error, after which the connection is
                // replaced whatever the error was.
                let _ = self.follow(&mut connection).await;
            }
            let mut backoff = BACKOFF.0;
            connection = loop {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(BACKOFF.1);
                if let Ok(connection) = self.link.connect(self.link.read_timeout()).await {
                    break connection;
                }
            };
            reconnected = true;
            self.counters.reconnects.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `XREAD BLOCK` from the position, forever. The entries go into the
    /// hub, which never waits for a subscriber: a slow one is disconnected
    /// by its queue bound, and the next `XREAD` goes out at once.
    async fn follow(&self, connection: &mut MultiplexedConnection) -> Result<(), RedisError> {
        loop {
            let from = self.position.borrow().to_string();
            let mut command = cmd("XREAD");
            command
                .arg("COUNT")
                .arg(self.batch)
                .arg("BLOCK")
                .arg(u64::try_from(BLOCK.as_millis()).unwrap_or(u64::MAX))
                .arg("STREAMS")
                .arg(&self.stream)
                .arg(from);
            let reply: Value = command.query_async(connection).await?;
            let entries = entry::read(&reply);
            let Some(last) = entries.last().map(|entry| entry.id) else {
                continue;
            };
            let skipped = entries
                .iter()
                .filter(|entry| entry.message.is_none())
                .count();
            self.counters
                .skipped
                .fetch_add(skipped as u64, Ordering::Relaxed);
            self.position.send_modify(|position| {
                let events = entries
                    .into_iter()
                    .filter_map(|entry| Some((entry.text, entry.message?)));
                self.hub.push_encoded(events);
                *position = last;
            });
        }
    }

    /// After a reconnection: if Redis still has the last entry read,
    /// nothing was lost and reading goes on from it, the subscribers none
    /// the wiser. If not, Redis lost history (a restart without
    /// persistence, or trimming while this server was away): every
    /// subscriber is disconnected, to resume from Redis with its
    /// `Last-Event-ID`, and reading starts over from the stream's start if
    /// the stream now ends before the position.
    async fn recover(&self, connection: &mut MultiplexedConnection) -> Result<(), RedisError> {
        let position = *self.position.borrow();
        if position == StreamId::ZERO {
            return Ok(());
        }
        let id = position.to_string();
        let kept: Value = range("XRANGE", &self.stream, &id, &id, Some(1))
            .query_async(connection)
            .await?;
        if !entry::range(&kept).is_empty() {
            return Ok(());
        }
        self.counters.history_lost.fetch_add(1, Ordering::Relaxed);
        self.hub.disconnect_all();
        let newest: Value = range("XREVRANGE", &self.stream, "+", "-", Some(1))
            .query_async(connection)
            .await?;
        let newest = entry::range(&newest).first().map(|entry| entry.id);
        if newest.is_none_or(|newest| newest < position) {
            self.position
                .send_modify(|position| *position = StreamId::ZERO);
        }
        Ok(())
    }
}

/// `XRANGE` or `XREVRANGE` of `stream` from `start` to `end`, `count` at
/// most if given.
pub(super) fn range(
    command: &str,
    stream: &str,
    start: &str,
    end: &str,
    count: Option<usize>,
) -> Cmd {
    let mut range = cmd(command);
    range.arg(stream).arg(start).arg(end);
    if let Some(count) = count {
        range.arg("COUNT").arg(count);
    }
    range
}
