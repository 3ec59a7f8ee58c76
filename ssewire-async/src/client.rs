//! A reconnecting client (feature `tokio`): [`EventSource`] follows an event
//! stream across connections the way a browser's `EventSource` does, driven
//! by the core crate's connection policy, [`ssewire::client::Client`].
//!
//! The request is the caller's: [`EventSource::new`] takes a function that
//! is given the headers the policy asks for (`Accept`, `Cache-Control`, and
//! `Last-Event-ID` on reconnections) and sends a request with them, with any
//! method, body and other headers, over any HTTP client whose response body
//! is an [`http_body::Body`]. With the `reqwest` feature, `reqwest()` does
//! this for a `reqwest::RequestBuilder`.
//!
//! [`EventSource`] is a [`Stream`] of [`Update`]s: [`Update::Open`] when a
//! response is accepted, [`Update::Item`] for each decoded item, and
//! [`Update::Reconnecting`] when a connection has ended and the next one
//! waits. Errors are typed ([`Error`]): a network error ([`Error::Connect`],
//! [`Error::Body`]) is followed by a reconnection; a status other than 200
//! ([`Error::Status`]) or a media type other than `text/event-stream`
//! ([`Error::MediaType`]) ends the stream, and carries the response, for
//! reading an error body. A `204 No Content` ends the stream with no error.
//!
//! [`EventSource`]'s documentation has a complete example; the crate's
//! README has a reqwest client and an LLM-style `POST` stream.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use core::time::Duration;
use std::hash::{BuildHasher, RandomState};

use bytes::{Buf, Bytes};
use futures_core::{FusedStream, Stream};
use http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use http_body::Body;
use ssewire::Finish;
use ssewire::client::{Client, Stop};
use tokio::time::Sleep;

use crate::event::{Item, Sharer};

/// What an [`EventSource`] reports, besides errors.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Update {
    /// A response was accepted: status 200 and `text/event-stream`.
    Open,
    /// An item decoded from the stream.
    Item(Item),
    /// The connection ended (its body ended, or failed, or it could not be
    /// made) and the next one is made after `delay`: the reconnection time
    /// (the server's `retry`, or the default), with the policy's backoff and
    /// jitter.
    Reconnecting {
        /// The wait before the next connection.
        delay: Duration,
        /// How the body ended, when it ended rather than failed:
        /// [`Finish::Truncated`] if an incomplete event was discarded.
        finish: Option<Finish>,
    },
}

/// Why an [`EventSource`] reports an error. After [`Error::Connect`] and
/// [`Error::Body`] it reconnects; after the others ([`Error::is_terminal`])
/// its stream ends.
///
/// `E` is the connect function's error; `B` the response body type.
#[non_exhaustive]
pub enum Error<E, B: Body> {
    /// The request could not be made or got no response (a network error).
    Connect(E),
    /// The response body failed while it was being read.
    Body(B::Error),
    /// The server answered with a status other than 200 and 204: the
    /// client does not reconnect. The response is here for its status,
    /// headers and body.
    Status(http::Response<B>),
    /// The server answered 200 with a `Content-Type` other than
    /// `text/event-stream`, or none: the client does not reconnect.
    MediaType(http::Response<B>),
    /// The policy's bound on reconnections in a row without an event
    /// ([`ssewire::client::ClientBuilder::max_reconnects`]) was reached.
    GaveUp {
        /// The reconnections made in a row.
        reconnects: u32,
    },
}

impl<E, B: Body> Error<E, B> {
    /// Whether the stream ends after this error (no reconnection).
    pub fn is_terminal(&self) -> bool {
        !matches!(self, Error::Connect(_) | Error::Body(_))
    }

    /// The response's status, for [`Error::Status`] and
    /// [`Error::MediaType`].
    pub fn status(&self) -> Option<http::StatusCode> {
        self.response().map(http::Response::status)
    }

    /// The refused response, for [`Error::Status`] and [`Error::MediaType`].
    pub fn response(&self) -> Option<&http::Response<B>> {
        match self {
            Error::Status(response) | Error::MediaType(response) => Some(response),
            _ => None,
        }
    }

    /// The refused response, to read its body.
    pub fn into_response(self) -> Option<http::Response<B>> {
        match self {
            Error::Status(response) | Error::MediaType(response) => Some(response),
            _ => None,
        }
    }
}

impl<E: fmt::Debug, B: Body> fmt::Debug for Error<E, B>
where
    B::Error: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Connect(error) => f.debug_tuple("Connect").field(error).finish(),
            Error::Body(error) => f.debug_tuple("Body").field(error).finish(),
            Error::Status(response) => f.debug_tuple("Status").field(&response.status()).finish(),
            Error::MediaType(response) => f
                .debug_tuple("MediaType")
                .field(&response.headers().get(CONTENT_TYPE))
                .finish(),
            Error::GaveUp { reconnects } => f
                .debug_struct("GaveUp")
                .field("reconnects", reconnects)
                .finish(),
        }
    }
}

impl<E: fmt::Display, B: Body> fmt::Display for Error<E, B>
where
    B::Error: fmt::Display,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Connect(error) => write!(f, "connection failed: {error}"),
            Error::Body(error) => write!(f, "the response body failed: {error}"),
            Error::Status(response) => write!(
                f,
                "the server answered {}, not 200: not reconnecting",
                response.status()
            ),
            Error::MediaType(response) => {
                let content_type = response.headers().get(CONTENT_TYPE);
                match content_type.map(|value| String::from_utf8_lossy(value.as_bytes())) {
                    Some(value) => write!(
                        f,
                        "the response is {value:?}, not text/event-stream: not reconnecting"
                    ),
                    None => f.write_str(
                        "the response has no Content-Type, not text/event-stream: not reconnecting",
                    ),
                }
            }
            Error::GaveUp { reconnects } => write!(
                f,
                "gave up after {reconnects} reconnections in a row without an event"
            ),
        }
    }
}

impl<E, B: Body> std::error::Error for Error<E, B>
where
    E: fmt::Debug + fmt::Display,
    B::Error: fmt::Debug + fmt::Display,
{
}

/// Sends one request of an [`EventSource`]: given the headers the
/// connection policy asks for, returns the response. Implemented for every
/// `FnMut(HeaderMap) -> impl Future<Output = Result<http::Response<B>, E>>`.
pub trait Connect {
    /// The response body.
    type Body: Body;
    /// A network error.
    type Error;
    /// The response, when it comes.
    type Future: Future<Output = Result<http::Response<Self::Body>, Self::Error>>;

    /// Sends a request with `headers` added.
    fn connect(&mut self, headers: HeaderMap) -> Self::Future;
}

impl<F, Fut, B, E> Connect for F
where
    F: FnMut(HeaderMap) -> Fut,
    Fut: Future<Output = Result<http::Response<B>, E>>,
    B: Body,
{
    type Body = B;
    type Error = E;
    type Future = Fut;

    fn connect(&mut self, headers: HeaderMap) -> Fut {
        self(headers)
    }
}

/// An event stream followed across connections; see the
/// [module documentation](self).
///
/// Dropping it closes the connection. Needs a tokio runtime with the timer.
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
/// let hello = Event::new("message", "hello", "1").with_own_fields(false, true);
/// assert_eq!(updates[..2], [Update::Open, Update::Item(Item::Event(hello))]);
/// assert!(matches!(updates[2], Update::Reconnecting { .. }));
/// assert_eq!(source.stopped(), Some(ssewire::client::Stop::NoContent));
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct EventSource<C: Connect> {
    connect: C,
    client: Client,
    sharer: Sharer,
    phase: Phase<C>,
    /// What comes after an error just reported: the reconnection it led
    /// to, or the end of the policy's patience.
    next: Option<Next<C>>,
    random: RandomState,
}

/// What an [`EventSource`] yields.
type Next<C> = Result<Update, Error<<C as Connect>::Error, <C as Connect>::Body>>;

enum Phase<C: Connect> {
    Idle,
    Connecting(Pin<Box<C::Future>>),
    Open {
        body: Pin<Box<C::Body>>,
        chunk: Bytes,
        unread: usize,
    },
    Waiting(Pin<Box<Sleep>>),
    Done,
}

impl<C: Connect> fmt::Debug for EventSource<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = match self.phase {
            Phase::Idle => "idle",
            Phase::Connecting(_) => "connecting",
            Phase::Open { .. } => "open",
            Phase::Waiting(_) => "waiting",
            Phase::Done => "done",
        };
        f.debug_struct("EventSource")
            .field("client", &self.client)
            .field("phase", &phase)
            .finish_non_exhaustive()
    }
}

impl<C: Connect> EventSource<C> {
    /// Follows the stream that `connect` requests, with the policy's
    /// defaults ([`Client::new`]: the browser's, with a floor under
    /// `retry`). The first request is made when the stream is first polled.
    pub fn new(connect: C) -> EventSource<C> {
        EventSource::with_client(connect, Client::new())
    }

    /// Follows the stream with a policy configured by
    /// [`Client::builder`]: backoff, jitter, a bound on reconnections, a
    /// decoder with other limits.
    pub fn with_client(connect: C, client: Client) -> EventSource<C> {
        EventSource {
            connect,
            client,
            sharer: Sharer::default(),
            phase: Phase::Idle,
            next: None,
            random: RandomState::new(),
        }
    }

    /// The connection policy and its decoder: the state, the last event ID
    /// and the reconnection time.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Why the stream stopped, once it has: [`Stop::NoContent`] after a 204,
    /// for instance. `None` while it goes on.
    pub fn stopped(&self) -> Option<Stop> {
        match self.client.state() {
            ssewire::client::State::Closed(stop) => Some(stop),
            _ => None,
        }
    }

    /// Closes the connection and ends the stream; it never reconnects.
    pub fn close(&mut self) {
        self.client.close();
        self.phase = Phase::Done;
        self.next = None;
    }

    fn wait(&mut self, delay: Duration) {
        self.phase = Phase::Waiting(Box::pin(tokio::time::sleep(delay)));
    }

    /// After a connection ended or failed: the update that says so, or the
    /// end of the stream.
    fn reconnect(
        &mut self,
        wait: Result<ssewire::client::Wait, Stop>,
        finish: Option<Finish>,
    ) -> Option<Next<C>> {
        match wait {
            Ok(wait) => {
                let delay = wait.delay(self.random.hash_one(wait.reconnect()));
                self.wait(delay);
                Some(Ok(Update::Reconnecting { delay, finish }))
            }
            Err(stop) => {
                self.phase = Phase::Done;
                match stop {
                    Stop::GaveUp { reconnects } => Some(Err(Error::GaveUp { reconnects })),
                    _ => None,
                }
            }
        }
    }
}

/// The policy's request headers as a `HeaderMap`. A last event ID that is
/// not a valid header value (control characters) is not sent.
fn request_headers(request: ssewire::client::Request<'_>) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(3);
    for (name, value) in request.headers() {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), value);
        } else if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
            // Non-ASCII UTF-8 is sent as its bytes, as browsers do.
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    headers
}

impl<C: Connect> Unpin for EventSource<C> {}

impl<C: Connect> Stream for EventSource<C> {
    type Item = Result<Update, Error<C::Error, C::Body>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(next) = this.next.take() {
            return Poll::Ready(Some(next));
        }
        loop {
            match &mut this.phase {
                Phase::Idle => match this.client.connect() {
                    Ok(request) => {
                        let future = this.connect.connect(request_headers(request));
                        this.phase = Phase::Connecting(Box::pin(future));
                    }
                    Err(_) => this.phase = Phase::Done,
                },
                Phase::Connecting(future) => match ready!(future.as_mut().poll(cx)) {
                    Ok(response) => {
                        let content_type = response
                            .headers()
                            .get(CONTENT_TYPE)
                            .map(|value| value.to_str().unwrap_or("?"));
                        match this
                            .client
                            .response(response.status().as_u16(), content_type)
                        {
                            Ok(()) => {
                                this.phase = Phase::Open {
                                    body: Box::pin(response.into_body()),
                                    chunk: Bytes::new(),
                                    unread: 0,
                                };
                                return Poll::Ready(Some(Ok(Update::Open)));
                            }
                            Err(stop) => {
                                this.phase = Phase::Done;
                                return Poll::Ready(match stop {
                                    Stop::Status(_) => Some(Err(Error::Status(response))),
                                    Stop::NotEventStream | Stop::NoContentType => {
                                        Some(Err(Error::MediaType(response)))
                                    }
                                    _ => None,
                                });
                            }
                        }
                    }
                    Err(error) => {
                        let wait = this.client.connect_failed();
                        this.next = this.reconnect(wait, None);
                        return Poll::Ready(Some(Err(Error::Connect(error))));
                    }
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
                    match ready!(body.as_mut().poll_frame(cx)) {
                        Some(Ok(frame)) => {
                            if let Ok(mut data) = frame.into_data() {
                                let len = data.remaining();
                                *chunk = data.copy_to_bytes(len);
                                *unread = 0;
                            }
                        }
                        Some(Err(error)) => {
                            let wait = this.client.stream_ended();
                            this.next = this.reconnect(wait, None);
                            return Poll::Ready(Some(Err(Error::Body(error))));
                        }
                        None => {
                            let finish = this.client.finish();
                            let wait = this.client.stream_ended();
                            return Poll::Ready(this.reconnect(wait, Some(finish)));
                        }
                    }
                }
                Phase::Waiting(sleep) => {
                    ready!(sleep.as_mut().poll(cx));
                    this.phase = Phase::Idle;
                }
                Phase::Done => return Poll::Ready(None),
            }
        }
    }
}

impl<C: Connect> FusedStream for EventSource<C> {
    fn is_terminated(&self) -> bool {
        matches!(self.phase, Phase::Done) && self.next.is_none()
    }
}

/// An [`EventSource`] over reqwest (feature `reqwest`): `request` builds
/// each request (method, URL, body, headers of your own), and the policy's
/// headers are added to it.
///
/// ```no_run
/// # async fn run() {
/// use futures_util::StreamExt;
///
/// let http = reqwest::Client::new();
/// let mut source = ssewire_async::client::reqwest(move || http.get("http://127.0.0.1:8080/events"));
/// while let Some(update) = source.next().await {
///     println!("{update:?}");
/// }
/// # }
/// ```
#[cfg(feature = "reqwest")]
pub fn reqwest<F>(
    mut request: F,
) -> EventSource<impl Connect<Body = ::reqwest::Body, Error = ::reqwest::Error>>
where
    F: FnMut() -> ::reqwest::RequestBuilder,
{
    EventSource::new(move |headers: HeaderMap| {
        let sent = request().headers(headers).send();
        async move { sent.await.map(http::Response::from) }
    })
}

/// [`reqwest()`](fn@reqwest) with a policy configured by [`Client::builder`].
#[cfg(feature = "reqwest")]
pub fn reqwest_with<F>(
    mut request: F,
    client: Client,
) -> EventSource<impl Connect<Body = ::reqwest::Body, Error = ::reqwest::Error>>
where
    F: FnMut() -> ::reqwest::RequestBuilder,
{
    EventSource::with_client(
        move |headers: HeaderMap| {
            let sent = request().headers(headers).send();
            async move { sent.await.map(http::Response::from) }
        },
        client,
    )
}
