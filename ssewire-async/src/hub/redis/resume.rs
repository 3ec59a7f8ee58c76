//! Subscribing on a Redis hub: from this server's memory where it has the
//! client's last event, else from Redis up to where its memory starts.

use std::collections::VecDeque;

use bytes::Bytes;
use ssewire::Message;

use super::entry::{self, StreamId};
use super::reader::range;
use super::{Inner, RedisHubError};
use crate::Encoded;
use crate::hub::{Start, Subscription, UnknownId};

impl Inner {
    /// A subscription registered in the local hub (after `last`, if the
    /// hub has it, else at its newest event), and the id of the last
    /// entry the hub has: taken together, so that no entry is pushed
    /// between.
    fn register(&self, last: Option<&str>) -> (Subscription, StreamId) {
        let position = self.position.borrow();
        (self.hub.subscribe(last), *position)
    }

    pub(super) async fn subscribe(
        &self,
        last: Option<&str>,
    ) -> Result<Subscription, RedisHubError> {
        let Some(last) = last else {
            let (subscription, position) = self.register(None);
            let priming = self.priming(&position.to_string());
            return Ok(subscription.resumed(Start::New, priming, VecDeque::new()));
        };
        let Some(last_id) = StreamId::parse(last) else {
            let (subscription, position) = self.register(None);
            return self.unknown(subscription, position).await;
        };
        let (subscription, position) = self.register(Some(last));
        if subscription.start() == Start::Resumed {
            return Ok(subscription.resumed(Start::Resumed, self.priming(last), VecDeque::new()));
        }
        let (subscription, position) = if last_id > position {
            // Not in memory, and newer than this server has read: the
            // client had it from a server ahead of this one. If Redis has
            // it, wait for the reader, then look again.
            drop(subscription);
            let kept = range("XRANGE", &self.stream, last, last, Some(1));
            if entry::range(&self.query(&kept, true).await?).is_empty() {
                let (subscription, position) = self.register(None);
                return self.unknown(subscription, position).await;
            }
            let mut position = self.position.clone();
            let reached = position.wait_for(|position| *position >= last_id);
            match tokio::time::timeout(self.link.timeout, reached).await {
                Ok(Ok(_)) => {}
                _ => return Err(RedisHubError::Behind),
            }
            let (subscription, position) = self.register(Some(last));
            if subscription.start() == Start::Resumed {
                return Ok(subscription.resumed(
                    Start::Resumed,
                    self.priming(last),
                    VecDeque::new(),
                ));
            }
            (subscription, position)
        } else {
            (subscription, position)
        };
        // At most the history after `last`, as the in-memory hub keeps: a
        // client further behind is unknown there too, and no subscriber
        // holds more than the history's bounds of its own.
        let missed = range(
            "XRANGE",
            &self.stream,
            last,
            &position.to_string(),
            Some(self.history.saturating_add(1)),
        );
        let missed = entry::range(&self.query(&missed, true).await?);
        let reaches = missed.last().is_some_and(|newest| newest.id == position);
        match missed.split_first() {
            Some((first, after)) if first.id == last_id && reaches => {
                let backlog = self.bounded(after.iter().rev());
                let events = after.iter().filter(|entry| entry.message.is_some());
                if backlog.len() == events.count() {
                    return Ok(subscription.resumed(Start::Resumed, self.priming(last), backlog));
                }
                self.unknown(subscription, position).await
            }
            _ => self.unknown(subscription, position).await,
        }
    }

    /// The messages of `newest_first`, oldest first, as many as fit in
    /// [`HubBuilder::history_bytes`](crate::hub::HubBuilder::history_bytes)
    /// (the newest always).
    fn bounded<'a>(
        &self,
        newest_first: impl Iterator<Item = &'a entry::Entry>,
    ) -> VecDeque<Encoded> {
        let mut backlog = VecDeque::new();
        let mut bytes = 0;
        for message in newest_first.filter_map(|entry| entry.message.as_ref()) {
            bytes += message.as_bytes().len();
            if bytes > self.history_bytes && !backlog.is_empty() {
                break;
            }
            backlog.push_front(message.clone());
        }
        backlog
    }

    /// The unknown-id policy, for a subscription registered at `position`.
    async fn unknown(
        &self,
        subscription: Subscription,
        position: StreamId,
    ) -> Result<Subscription, RedisHubError> {
        if self.unknown_id == UnknownId::Live {
            let priming = self.priming(&position.to_string());
            return Ok(subscription.resumed(Start::Unknown, priming, VecDeque::new()));
        }
        let kept = range(
            "XREVRANGE",
            &self.stream,
            &position.to_string(),
            "-",
            Some(self.history),
        );
        let kept = entry::range(&self.query(&kept, true).await?);
        let backlog = self.bounded(kept.iter());
        // `0-0` is before every entry: resuming from it is unknown again,
        // and gets the history again.
        Ok(subscription.resumed(Start::Unknown, self.priming("0-0"), backlog))
    }

    /// The priming event with `id`, if the hub sends one.
    fn priming(&self, id: &str) -> Option<Encoded> {
        let retry = self.priming?;
        let encoded = crate::hub::encode(Message::new("").id(id).retry(retry))?;
        Some(Encoded::from_trusted(Bytes::from(encoded)))
    }
}
