//! A subscriber: a position in the hub's buffer, read as a `Stream`.

use core::convert::Infallible;
use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::collections::VecDeque;
use std::sync::Arc;

use futures_core::{FusedStream, Stream};

use super::Shared;
use crate::{Encoded, SseBody};

/// How a [`Subscription`] started, from its `Last-Event-ID`.
///
/// ```
/// use ssewire_async::hub::{Hub, Start};
///
/// let hub = Hub::new();
/// let id = hub.publish(ssewire::Message::new("x"))?.to_string();
/// assert_eq!(hub.subscribe(None).start(), Start::New);
/// assert_eq!(hub.subscribe(Some(&id)).start(), Start::Resumed);
/// assert_eq!(hub.subscribe(Some("42")).start(), Start::Unknown);
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Start {
    /// No `Last-Event-ID`: live events only.
    New,
    /// The id was found: every later event follows, exactly once.
    Resumed,
    /// The id names no event kept; [`UnknownId`](super::UnknownId) decided
    /// what follows.
    Unknown,
}

/// Why a [`Subscription`]'s stream ended.
///
/// ```
/// use futures_util::StreamExt;
/// use ssewire_async::hub::{End, Hub};
///
/// # futures_executor::block_on(async {
/// let hub = Hub::new();
/// let mut subscription = hub.subscribe(None);
/// hub.disconnect_all();
/// assert!(subscription.next().await.is_none());
/// assert_eq!(subscription.end(), Some(End::Disconnected));
/// # });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum End {
    /// The subscriber fell more than the queue's bound behind, or behind the
    /// oldest event kept.
    Lagged,
    /// [`Hub::disconnect_all`](super::Hub::disconnect_all) ended it.
    Disconnected,
}

/// One subscriber's events: a [`Stream`] of [`Encoded`] messages, from
/// [`Hub::subscribe`](super::Hub::subscribe), that never fails and ends
/// when the subscriber is disconnected ([`End`]). Serve it with
/// [`Subscription::into_body`] (with the hub's keep-alive), or, with the
/// `axum` feature, return it from a handler. Dropping it (the client went
/// away) unregisters it.
///
/// ```
/// # futures_executor::block_on(async {
/// use futures_util::StreamExt;
/// use ssewire_async::Encoded;
/// use ssewire_async::hub::{Hub, Start};
///
/// let hub = Hub::builder().priming(Some(std::time::Duration::from_secs(2))).build();
/// hub.publish(ssewire::Message::new("missed"))?;
/// let mut subscription = hub.subscribe(Some("evicted long ago"));
/// assert_eq!(subscription.start(), Start::Unknown);
/// let mut subscription = subscription.notice(Encoded::comment("some events were lost"));
/// let mut sent = Vec::new();
/// for _ in 0..3 {
///     sent.extend_from_slice(subscription.next().await.unwrap()?.as_bytes());
/// }
/// assert_eq!(
///     String::from_utf8(sent)?,
///     "id: 0\nretry: 2000\ndata: \n\n: some events were lost\nid: 1\ndata: missed\n\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
pub struct Subscription {
    hub: Arc<Shared>,
    slot: usize,
    /// The sequence number of the last event sent (or of the client's last
    /// event, before any is sent).
    sent: u64,
    /// The newest event when it subscribed: the queue bound counts the
    /// events after it only, so a long replay is not a lag.
    live_from: u64,
    epoch: u64,
    start: Start,
    priming: Option<Encoded>,
    notice: Option<Encoded>,
    /// Events from before the subscriber's position in the buffer, sent
    /// first: the history a shared store (Redis) had and this hub did not.
    backlog: VecDeque<Encoded>,
    end: Option<End>,
}

impl Subscription {
    pub(crate) fn new(
        hub: Arc<Shared>,
        slot: usize,
        after: u64,
        live_from: u64,
        epoch: u64,
        start: Start,
        priming: Option<Encoded>,
    ) -> Subscription {
        Subscription {
            hub,
            slot,
            sent: after,
            live_from,
            epoch,
            start,
            priming,
            notice: None,
            backlog: VecDeque::new(),
            end: None,
        }
    }

    /// The same subscription, reporting `start`, beginning with `priming`
    /// and sending `backlog` before the events after its position.
    #[cfg(feature = "redis")]
    pub(crate) fn resumed(
        mut self,
        start: Start,
        priming: Option<Encoded>,
        backlog: VecDeque<Encoded>,
    ) -> Subscription {
        self.start = start;
        self.priming = priming;
        self.backlog = backlog;
        self
    }

    /// How it started, from the client's `Last-Event-ID`.
    pub fn start(&self) -> Start {
        self.start
    }

    /// Why its stream ended, once it has.
    pub fn end(&self) -> Option<End> {
        self.end
    }

    /// Sends `message` first (after the priming event, if any): to tell a
    /// client that some events were lost ([`Start::Unknown`]), say.
    #[must_use]
    pub fn notice(mut self, message: Encoded) -> Subscription {
        self.notice = Some(message);
        self
    }

    /// A response body sending the subscription, with the hub's keep-alive
    /// comments ([`HubBuilder::keep_alive`](super::HubBuilder::keep_alive)).
    /// [`crate::response`] adds the headers.
    ///
    /// ```
    /// let hub = ssewire_async::hub::Hub::new();
    /// let response = ssewire_async::response(hub.subscribe(None).into_body());
    /// assert_eq!(response.headers()["content-type"], "text/event-stream");
    /// ```
    pub fn into_body(self) -> SseBody<Subscription> {
        let keep_alive = self.hub.config.keep_alive.clone();
        let body = SseBody::new(self);
        match keep_alive {
            Some(keep_alive) => body.keep_alive(keep_alive),
            None => body,
        }
    }
}

impl Stream for Subscription {
    type Item = Result<Encoded, Infallible>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(first) = this.priming.take().or_else(|| this.notice.take()) {
            return Poll::Ready(Some(Ok(first)));
        }
        if this.end.is_some() {
            return Poll::Ready(None);
        }
        let mut state = this.hub.lock();
        if state.epoch != this.epoch {
            this.end = Some(End::Disconnected);
            return Poll::Ready(None);
        }
        if let Some(first) = this.backlog.pop_front() {
            return Poll::Ready(Some(Ok(first)));
        }
        let next = this.sent + 1;
        let newest = state.ring.next() - 1;
        if next < state.ring.first()
            || newest - this.sent.max(this.live_from) > this.hub.config.queue as u64
        {
            this.end = Some(End::Lagged);
            return Poll::Ready(None);
        }
        match state.ring.get(next) {
            Some(entry) => {
                this.sent = next;
                Poll::Ready(Some(Ok(entry.message.clone())))
            }
            None => {
                state.park(this.slot, cx.waker());
                Poll::Pending
            }
        }
    }
}

impl FusedStream for Subscription {
    fn is_terminated(&self) -> bool {
        self.end.is_some()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.lock().release(self.slot);
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("sent", &self.sent)
            .field("start", &self.start)
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "axum")]
impl axum::response::IntoResponse for Subscription {
    /// `200 OK` with [`crate::headers`] and [`Subscription::into_body`].
    fn into_response(self) -> axum::response::Response {
        crate::response(axum::body::Body::new(self.into_body()))
    }
}
