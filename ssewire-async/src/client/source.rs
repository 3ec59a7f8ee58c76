//! [`EventSource`]: the connection policy driven by tokio's timer.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use core::time::Duration;
use std::collections::VecDeque;
use std::hash::RandomState;

use bytes::{Buf, Bytes};
use futures_core::{FusedStream, Stream};
use http_body::Body;
use ssewire::client::{Client, State, Stop};
use tokio::time::Sleep;

use super::connect::request_headers;
use super::{Connect, Error, Update};
use crate::event::Sharer;

use super::phase::{Next, Phase};

/// An event stream followed across connections; see the
/// [module documentation](super).
///
/// Dropping it closes the connection. Needs a tokio runtime with the timer,
/// which enforces the policy's timeouts and waits.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// use futures_util::StreamExt;
/// use http_body_util::Full;
/// use ssewire_async::client::{EventSource, Update};
/// use ssewire_async::{Event, Item};
///
/// // A stand-in for an HTTP client: one response, then 204 No Content.
/// let mut answers = vec![
///     http::Response::builder().status(204).body(Full::<bytes::Bytes>::default()),
///     http::Response::builder()
///         .header("content-type", "text/event-stream")
///         .body(Full::<bytes::Bytes>::from("id: 1\ndata: hello\n\n")),
/// ];
/// let mut source = EventSource::new(move |headers: http::HeaderMap| {
///     assert_eq!(headers["accept"], "text/event-stream");
///     std::future::ready(answers.pop().unwrap())
/// });
/// let updates: Vec<_> = (&mut source).map(Result::unwrap).collect().await;
/// assert!(matches!(&updates[0], Update::Open { headers } if headers["content-type"] == "text/event-stream"));
/// let hello = Event::new("message", "hello", "1").with_own_fields(false, true);
/// assert_eq!(updates[1], Update::Item(Item::Event(hello)));
/// assert!(matches!(updates[2], Update::Reconnecting { .. }));
/// assert_eq!(source.stopped(), Some(ssewire::client::Stop::NoContent));
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct EventSource<C: Connect> {
    pub(super) connect: C,
    pub(super) client: Client,
    pub(super) sharer: Sharer,
    pub(super) phase: Phase<C>,
    /// What comes next, before anything else is polled: the reconnection
    /// an error led to, an unfinished event delivered at the end of a body.
    pub(super) pending: VecDeque<Next<C>>,
    pub(super) random: RandomState,
    /// One timer for the whole life of the source, reset for each wait and
    /// each timeout; made at the first use, inside the runtime.
    pub(super) timer: Option<Pin<Box<Sleep>>>,
    /// The timeout the timer watches in `Connecting` and `Open`, if any.
    pub(super) watching: Option<Duration>,
    pub(super) unfinished_event: bool,
}

impl<C: Connect> fmt::Debug for EventSource<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = match self.phase {
            Phase::Idle => "idle",
            Phase::Connecting(_) => "connecting",
            Phase::Open { .. } => "open",
            Phase::Waiting => "waiting",
            Phase::Done => "done",
        };
        f.debug_struct("EventSource")
            .field("client", &self.client)
            .field("phase", &phase)
            .field("unfinished_event", &self.unfinished_event)
            .finish_non_exhaustive()
    }
}

impl<C: Connect> EventSource<C> {
    /// Follows the stream that `connect` requests, with the policy's
    /// defaults ([`Client::new`]: the browser's, with the timeouts, the
    /// floor and the ceiling on `retry`). The first request is made when
    /// the stream is first polled. The policy takes every request for a
    /// `GET`; for a `POST` with a body, use [`EventSource::with_client`]
    /// and [`ClientBuilder::request`](ssewire::client::ClientBuilder::request),
    /// so that it is not sent again.
    ///
    /// ```
    /// use http_body_util::Full;
    /// use ssewire_async::client::EventSource;
    ///
    /// let source = EventSource::new(|_headers: http::HeaderMap| {
    ///     std::future::ready(Ok::<_, std::io::Error>(http::Response::new(Full::<bytes::Bytes>::default())))
    /// });
    /// assert_eq!(source.stopped(), None);
    /// ```
    pub fn new(connect: C) -> EventSource<C> {
        EventSource::with_client(connect, Client::new())
    }

    /// Follows the stream with a policy configured by
    /// [`Client::builder`]: timeouts, the floor and ceiling on `retry`, a
    /// request that must not be repeated, a saved last event ID, backoff,
    /// jitter, a bound on reconnections, a decoder with other limits.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_body_util::Full;
    /// use ssewire::client::Client;
    /// use ssewire_async::client::EventSource;
    ///
    /// let policy = Client::builder().request("POST", true).read_timeout(Some(Duration::from_secs(120))).build();
    /// let source = EventSource::with_client(|_headers: http::HeaderMap| {
    ///     std::future::ready(Ok::<_, std::io::Error>(http::Response::new(Full::<bytes::Bytes>::default())))
    /// }, policy);
    /// # drop(source);
    /// ```
    pub fn with_client(connect: C, client: Client) -> EventSource<C> {
        EventSource {
            connect,
            client,
            sharer: Sharer::default(),
            phase: Phase::Idle,
            pending: VecDeque::new(),
            random: RandomState::new(),
            timer: None,
            watching: None,
            unfinished_event: false,
        }
    }

    /// Delivers an unfinished last event when a body ends without the
    /// blank line after it (`yes`), instead of discarding it as the
    /// standard says (the default). Some servers end every stream that way;
    /// openai-node always delivers such an event. Its last line is taken as
    /// complete, cut or not (see
    /// [`Client::finish_delivering`](ssewire::client::Client::finish_delivering)).
    /// Only a body that ended does so: after a body error or a stall, the
    /// unfinished event was cut by the network and is discarded, and
    /// [`Update::Reconnecting`]'s `finish` says so.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use futures_util::StreamExt;
    /// use http_body_util::Full;
    /// use ssewire_async::client::{EventSource, Update};
    /// use ssewire_async::Item;
    ///
    /// let mut answers = vec![
    ///     http::Response::builder().status(204).body(Full::<bytes::Bytes>::default()),
    ///     http::Response::builder()
    ///         .header("content-type", "text/event-stream")
    ///         .body(Full::<bytes::Bytes>::from("data: a\n\ndata: last")),
    /// ];
    /// let source = EventSource::new(move |_| std::future::ready(answers.pop().unwrap()))
    ///     .unfinished_event(true);
    /// let data: Vec<_> = source
    ///     .filter_map(|update| async move {
    ///         match update {
    ///             Ok(Update::Item(Item::Event(event))) => Some(event.data.to_string()),
    ///             _ => None,
    ///         }
    ///     })
    ///     .collect()
    ///     .await;
    /// assert_eq!(data, ["a", "last"]);
    /// # }
    /// ```
    pub fn unfinished_event(mut self, yes: bool) -> EventSource<C> {
        self.unfinished_event = yes;
        self
    }

    /// The connection policy and its decoder: the state, the last event ID
    /// (to save for [`ClientBuilder::last_event_id`](ssewire::client::ClientBuilder::last_event_id)
    /// after a restart) and the reconnection time.
    ///
    /// ```
    /// # use http_body_util::Full;
    /// # let source = ssewire_async::client::EventSource::new(|_headers: http::HeaderMap| {
    /// #     std::future::ready(Ok::<_, std::io::Error>(http::Response::new(Full::<bytes::Bytes>::default())))
    /// # });
    /// assert_eq!(source.client().decoder().last_event_id(), "");
    /// ```
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Why the stream stopped, once it has: [`Stop::NoContent`] after a 204,
    /// for instance. `None` while it goes on.
    ///
    /// ```
    /// # use http_body_util::Full;
    /// # let mut source = ssewire_async::client::EventSource::new(|_headers: http::HeaderMap| {
    /// #     std::future::ready(Ok::<_, std::io::Error>(http::Response::new(Full::<bytes::Bytes>::default())))
    /// # });
    /// source.close();
    /// assert_eq!(source.stopped(), Some(ssewire::client::Stop::Closed));
    /// ```
    pub fn stopped(&self) -> Option<Stop> {
        match self.client.state() {
            State::Closed(stop) => Some(stop),
            _ => None,
        }
    }

    /// Closes the connection and ends the stream; it never reconnects.
    ///
    /// ```
    /// # use http_body_util::Full;
    /// # let mut source = ssewire_async::client::EventSource::new(|_headers: http::HeaderMap| {
    /// #     std::future::ready(Ok::<_, std::io::Error>(http::Response::new(Full::<bytes::Bytes>::default())))
    /// # });
    /// source.close();
    /// assert!(futures_core::FusedStream::is_terminated(&source));
    /// ```
    pub fn close(&mut self) {
        self.client.close();
        self.phase = Phase::Done;
        self.pending.clear();
        self.watching = None;
    }
}

impl<C: Connect> Unpin for EventSource<C> {}

impl<C: Connect> Stream for EventSource<C> {
    type Item = Next<C>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(next) = this.pending.pop_front() {
                return Poll::Ready(Some(next));
            }
            match &mut this.phase {
                Phase::Idle => match this.client.connect() {
                    Ok(request) => {
                        let unsent = request.unsent_last_event_id().map(str::to_owned);
                        let future = this.connect.connect(request_headers(request));
                        this.phase = Phase::Connecting(Box::pin(future));
                        this.watch();
                        if let Some(id) = unsent {
                            return Poll::Ready(Some(Ok(Update::LastEventIdNotSent { id })));
                        }
                    }
                    Err(_) => this.phase = Phase::Done,
                },
                Phase::Connecting(future) => match future.as_mut().poll(cx) {
                    Poll::Ready(Ok(response)) => return Poll::Ready(this.answer(response)),
                    Poll::Ready(Err(error)) => {
                        this.phase = Phase::Idle;
                        let wait = this.client.connect_failed();
                        this.after_cut(wait, None);
                        return Poll::Ready(Some(Err(Error::Connect(error))));
                    }
                    Poll::Pending if this.timed_out(cx) => {
                        return Poll::Ready(Some(this.stalled()));
                    }
                    Poll::Pending => return Poll::Pending,
                },
                Phase::Open {
                    body,
                    chunk,
                    unread,
                } => {
                    while *unread < chunk.len() {
                        let rest = chunk.get(*unread..).unwrap_or_default();
                        let (item, consumed) = this.client.decode(rest);
                        let item = item.and_then(|item| this.sharer.convert(item, chunk));
                        *unread += consumed;
                        if *unread >= chunk.len() {
                            *chunk = Bytes::new();
                            *unread = 0;
                            this.sharer.chunk_done();
                        }
                        if let Some(item) = item {
                            return Poll::Ready(Some(Ok(Update::Item(item))));
                        }
                    }
                    match body.as_mut().poll_frame(cx) {
                        Poll::Ready(Some(Ok(frame))) => {
                            if let Ok(mut data) = frame.into_data() {
                                let len = data.remaining();
                                *chunk = data.copy_to_bytes(len);
                                *unread = 0;
                                // Any bytes are a sign of life: a keep-alive
                                // comment, half a line.
                                if let (Some(timeout), true) = (this.watching, len > 0) {
                                    this.arm(timeout);
                                }
                            }
                        }
                        Poll::Ready(Some(Err(error))) => {
                            this.phase = Phase::Idle;
                            let finish = this.client.finish();
                            let wait = this.client.stream_ended();
                            this.after_cut(wait, Some(finish));
                            return Poll::Ready(Some(Err(Error::Body(error))));
                        }
                        Poll::Ready(None) => {
                            this.phase = Phase::Idle;
                            this.body_ended();
                        }
                        Poll::Pending if this.timed_out(cx) => {
                            return Poll::Ready(Some(this.stalled()));
                        }
                        Poll::Pending => return Poll::Pending,
                    }
                }
                Phase::Waiting => {
                    if let Some(timer) = &mut this.timer {
                        ready!(timer.as_mut().poll(cx));
                    }
                    this.phase = Phase::Idle;
                }
                Phase::Done => return Poll::Ready(None),
            }
        }
    }
}

impl<C: Connect> FusedStream for EventSource<C> {
    fn is_terminated(&self) -> bool {
        matches!(self.phase, Phase::Done) && self.pending.is_empty()
    }
}
