//! Serving: encoded messages, a response body over a stream of them, the
//! response headers, and keep-alive comments.

use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use http_body::{Body, Frame, SizeHint};
use ssewire::{EncodeError, Message};

/// A message encoded for the wire, ready to send.
///
/// Cloning shares the bytes, so a message encoded once can go to any number
/// of clients (through a `tokio::sync::broadcast` channel, say) without being
/// encoded or copied again.
///
/// ```
/// use ssewire::Message;
/// use ssewire_async::Encoded;
///
/// let update = Encoded::new(&Message::new("{\"price\":1}").event("update").id("7"))?;
/// assert_eq!(update.as_bytes(), "event: update\nid: 7\ndata: {\"price\":1}\n\n");
/// let for_another_client = update.clone(); // no copy
/// assert_eq!(for_another_client.as_bytes().as_ptr(), update.as_bytes().as_ptr());
/// assert_eq!(Encoded::data("a\nb").as_bytes(), "data: a\ndata: b\n\n");
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Encoded {
    bytes: Bytes,
}

impl Encoded {
    /// Encodes `message`, in one allocation of its exact size; fails as
    /// [`Message::validate`] does.
    pub fn new(message: &Message<'_>) -> Result<Encoded, EncodeError> {
        let mut out = Vec::with_capacity(message.encoded_len()?);
        message.write_to_vec(&mut out)?;
        Ok(Encoded {
            bytes: Bytes::from(out),
        })
    }

    /// An event carrying `data` and nothing else; it cannot fail.
    pub fn data(data: &str) -> Encoded {
        Encoded::infallible(&Message::new(data))
    }

    /// A comment (`: text`, a line per line of `text`); it cannot fail.
    ///
    /// ```
    /// assert_eq!(ssewire_async::Encoded::comment("ping").as_bytes(), ": ping\n");
    /// ```
    pub fn comment(text: &str) -> Encoded {
        Encoded::infallible(&Message::default().comment(text))
    }

    /// For messages whose `event` and `id` are known to be valid.
    pub(crate) fn infallible(message: &Message<'_>) -> Encoded {
        Encoded::new(message).unwrap_or_else(|_| Encoded {
            bytes: Bytes::new(),
        })
    }

    /// Bytes the crate encoded itself.
    #[cfg(feature = "hub")]
    pub(crate) fn from_trusted(bytes: Bytes) -> Encoded {
        Encoded { bytes }
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The encoded bytes, without copying.
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }
}

impl TryFrom<Message<'_>> for Encoded {
    type Error = EncodeError;

    fn try_from(message: Message<'_>) -> Result<Encoded, EncodeError> {
        Encoded::new(&message)
    }
}

impl TryFrom<&Message<'_>> for Encoded {
    type Error = EncodeError;

    fn try_from(message: &Message<'_>) -> Result<Encoded, EncodeError> {
        Encoded::new(message)
    }
}

impl From<Encoded> for Bytes {
    fn from(message: Encoded) -> Bytes {
        message.bytes
    }
}

impl fmt::Debug for Encoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The encoder writes UTF-8 only, so this is exact.
        f.debug_tuple("Encoded")
            .field(&String::from_utf8_lossy(&self.bytes))
            .finish()
    }
}

/// The headers of an event-stream response: `Content-Type:
/// text/event-stream`, `Cache-Control: no-cache, no-transform` (`no-transform`
/// keeps compressing proxies from buffering the stream to compress it), and
/// `X-Accel-Buffering: no` (which stops nginx from buffering it).
///
/// ```
/// let headers = ssewire_async::headers();
/// assert_eq!(headers["content-type"], "text/event-stream");
/// assert_eq!(headers["cache-control"], "no-cache, no-transform");
/// assert_eq!(headers["x-accel-buffering"], "no");
/// ```
pub fn headers() -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(3);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(ssewire::MEDIA_TYPE));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-transform"),
    );
    headers.insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    headers
}

/// A `200 OK` response with [`headers`] and `body`: an [`SseBody`], or the
/// framework's own body type wrapping one.
///
/// ```
/// use futures_util::stream;
/// use ssewire_async::{Encoded, SseBody, response};
///
/// let messages = stream::iter([Ok::<_, std::convert::Infallible>(Encoded::data("hi"))]);
/// let response = response(SseBody::new(messages));
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.headers()["content-type"], "text/event-stream");
/// ```
pub fn response<B>(body: B) -> http::Response<B> {
    let mut response = http::Response::new(body);
    *response.headers_mut() = headers();
    response
}

pin_project_lite::pin_project! {
    /// An [`http_body::Body`] that sends a stream of [`Encoded`] messages as
    /// they come, one data frame each, ending when the stream does.
    ///
    /// It is a hyper response body as it is, and an axum one through
    /// `axum::body::Body::new`. An `Err` from the stream is the body's error:
    /// the server then aborts the response, and the client sees the
    /// connection end and reconnects. With the `tokio` feature,
    /// [`SseBody::keep_alive`] adds comments through stretches of silence.
    ///
    /// ```
    /// # futures_executor::block_on(async {
    /// use futures_util::stream;
    /// use http_body_util::BodyExt;
    /// use ssewire::Message;
    /// use ssewire_async::{Encoded, SseBody};
    ///
    /// let messages = stream::iter(["a", "b"]).map(|n| Encoded::new(&Message::new(n).id(n)));
    /// let body = SseBody::new(messages).collect().await?.to_bytes();
    /// assert_eq!(body, "id: a\ndata: a\n\nid: b\ndata: b\n\n");
    /// # Ok::<(), ssewire::EncodeError>(()) }).unwrap();
    /// # use futures_util::StreamExt;
    /// ```
    #[derive(Debug)]
    #[must_use = "a body does nothing unless polled"]
    pub struct SseBody<S> {
        #[pin]
        messages: S,
        keep_alive: Option<timer::Timer>,
        ended: bool,
    }
}

impl<S> SseBody<S> {
    /// A body sending `messages`.
    pub fn new(messages: S) -> SseBody<S> {
        SseBody {
            messages,
            keep_alive: None,
            ended: false,
        }
    }
}

impl<S, E> Body for SseBody<S>
where
    S: Stream<Item = Result<Encoded, E>>,
{
    type Data = Bytes;
    type Error = E;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, E>>> {
        let this = self.project();
        if *this.ended {
            return Poll::Ready(None);
        }
        match this.messages.poll_next(cx) {
            Poll::Ready(Some(Ok(message))) => {
                if let Some(keep_alive) = this.keep_alive {
                    keep_alive.restart();
                }
                Poll::Ready(Some(Ok(Frame::data(message.bytes))))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error))),
            Poll::Ready(None) => {
                *this.ended = true;
                Poll::Ready(None)
            }
            Poll::Pending => match this.keep_alive {
                Some(keep_alive) => keep_alive
                    .poll_comment(cx)
                    .map(|comment| Some(Ok(Frame::data(comment)))),
                None => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended
    }

    fn size_hint(&self) -> SizeHint {
        if self.ended {
            SizeHint::with_exact(0)
        } else {
            SizeHint::default()
        }
    }
}

#[cfg(feature = "tokio")]
pub use timer::KeepAlive;

#[cfg(feature = "tokio")]
mod timer {
    use core::pin::Pin;
    use core::task::{Context, Poll};
    use core::time::Duration;

    use bytes::Bytes;
    use tokio::time::{Instant, Sleep};

    use super::{Encoded, SseBody};

    /// Keep-alive comments for an [`SseBody`]: one is sent after each
    /// stretch of `interval` with nothing sent, never while messages flow.
    /// Proxies and load balancers close connections that stay idle, and a
    /// client cannot tell a quiet stream from a dead one without them.
    ///
    /// The default sends an empty comment (`: ` and LF) after 15 s of silence. Needs a
    /// tokio runtime with the timer enabled, and the `tokio` feature.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire_async::KeepAlive;
    ///
    /// let keep_alive = KeepAlive::new().interval(Duration::from_secs(20)).text("ping");
    /// assert_eq!(keep_alive.comment().as_bytes(), ": ping\n");
    /// ```
    #[derive(Clone, Debug)]
    #[must_use]
    pub struct KeepAlive {
        interval: Duration,
        comment: Encoded,
    }

    impl Default for KeepAlive {
        fn default() -> KeepAlive {
            KeepAlive::new()
        }
    }

    impl KeepAlive {
        /// A comment with no text after 15 s of silence.
        pub fn new() -> KeepAlive {
            KeepAlive {
                interval: Duration::from_secs(15),
                comment: Encoded::comment(""),
            }
        }

        /// How long the body stays silent before a comment is sent.
        pub fn interval(mut self, interval: Duration) -> KeepAlive {
            self.interval = interval;
            self
        }

        /// The comment's text (`: text`).
        pub fn text(mut self, text: &str) -> KeepAlive {
            self.comment = Encoded::comment(text);
            self
        }

        /// The comment as sent.
        pub fn comment(&self) -> &Encoded {
            &self.comment
        }
    }

    impl<S> SseBody<S> {
        /// Sends keep-alive comments when the stream stays silent; see
        /// [`KeepAlive`]. The first stretch starts when the body is first
        /// polled, so the body can be built outside the runtime.
        ///
        /// ```
        /// # #[tokio::main(flavor = "current_thread")] async fn main() {
        /// use std::time::Duration;
        /// use futures_util::stream;
        /// use ssewire_async::{Encoded, KeepAlive, SseBody};
        ///
        /// let silent = stream::pending::<Result<Encoded, std::convert::Infallible>>();
        /// let body = SseBody::new(silent).keep_alive(KeepAlive::new().interval(Duration::from_millis(5)));
        /// let frame = http_body_util::BodyExt::frame(&mut Box::pin(body)).await;
        /// assert_eq!(frame.unwrap().unwrap().into_data().unwrap(), ": \n");
        /// # }
        /// ```
        pub fn keep_alive(mut self, keep_alive: KeepAlive) -> SseBody<S> {
            self.keep_alive = Some(Timer {
                sleep: None,
                interval: keep_alive.interval,
                comment: keep_alive.comment.bytes,
            });
            self
        }
    }

    /// A running [`KeepAlive`].
    #[derive(Debug)]
    pub(crate) struct Timer {
        /// Made at the first poll, inside the runtime. Boxed so that the
        /// body needs no pin projection through an option.
        sleep: Option<Pin<Box<Sleep>>>,
        interval: Duration,
        comment: Bytes,
    }

    impl Timer {
        /// Starts a new stretch of silence, now.
        pub(crate) fn restart(&mut self) {
            let deadline = Instant::now() + self.interval;
            match &mut self.sleep {
                Some(sleep) => sleep.as_mut().reset(deadline),
                None => self.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
            }
        }

        pub(crate) fn poll_comment(&mut self, cx: &mut Context<'_>) -> Poll<Bytes> {
            if self.sleep.is_none() {
                self.restart();
            }
            let Some(sleep) = &mut self.sleep else {
                return Poll::Pending;
            };
            match sleep.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.restart();
                    Poll::Ready(self.comment.clone())
                }
                Poll::Pending => Poll::Pending,
            }
        }
    }
}

#[cfg(not(feature = "tokio"))]
mod timer {
    use core::task::{Context, Poll};

    use bytes::Bytes;

    /// Without a timer there is no keep-alive; this is never built.
    #[derive(Debug)]
    pub(crate) enum Timer {}

    impl Timer {
        pub(crate) fn restart(&mut self) {
            match *self {}
        }

        pub(crate) fn poll_comment(&mut self, _: &mut Context<'_>) -> Poll<Bytes> {
            match *self {}
        }
    }
}
