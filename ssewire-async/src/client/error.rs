//! Why an [`EventSource`](super::EventSource) reports an error.

use core::fmt;
use core::time::Duration;

use http::header::CONTENT_TYPE;
use http_body::Body;
use ssewire::client::Received;

/// Why an [`EventSource`](super::EventSource) reports an error. After
/// [`Error::Connect`], [`Error::Body`] and [`Error::Stalled`] it reconnects
/// (unless the request is not to be repeated: then [`Error::NotRepeated`]
/// follows); after the others ([`Error::is_terminal`]) its stream ends.
///
/// `E` is the connect function's error; `B` the response body type.
///
/// ```
/// use std::time::Duration;
/// use http_body_util::Full;
/// use ssewire_async::client::Error;
///
/// let stalled: Error<std::io::Error, Full<bytes::Bytes>> =
///     Error::Stalled { timeout: Duration::from_secs(60), responded: true };
/// assert!(!stalled.is_terminal());
/// assert_eq!(stalled.to_string(), "no bytes for 60 s: the connection stalled or is half-open");
/// ```
#[non_exhaustive]
pub enum Error<E, B: Body> {
    /// The request could not be made or got no response (a network error).
    Connect(E),
    /// The response body failed while it was being read.
    Body(B::Error),
    /// Nothing arrived within the policy's timeout
    /// ([`read_timeout`](ssewire::client::ClientBuilder::read_timeout) on an
    /// open stream, [`response_timeout`](ssewire::client::ClientBuilder::response_timeout)
    /// before the response): the connection was dropped.
    Stalled {
        /// The timeout that passed.
        timeout: Duration,
        /// Whether the response had been accepted (the stall came after the
        /// headers).
        responded: bool,
    },
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
    /// The request has a body or a method that is not idempotent, so it is
    /// not sent again after its connection ended, failed or stalled (an
    /// LLM completion would be billed twice). Carries what the connection
    /// received: the events were delivered before this error.
    NotRepeated(Received),
}

impl<E, B: Body> Error<E, B> {
    /// Whether the stream ends after this error (no reconnection).
    ///
    /// ```
    /// # use http_body_util::Full;
    /// use ssewire_async::client::Error;
    ///
    /// let error: Error<std::io::Error, Full<bytes::Bytes>> = Error::GaveUp { reconnects: 3 };
    /// assert!(error.is_terminal());
    /// ```
    pub fn is_terminal(&self) -> bool {
        !matches!(
            self,
            Error::Connect(_) | Error::Body(_) | Error::Stalled { .. }
        )
    }

    /// The response's status, for [`Error::Status`] and
    /// [`Error::MediaType`].
    ///
    /// ```
    /// # use http_body_util::Full;
    /// use ssewire_async::client::Error;
    ///
    /// let response = http::Response::builder().status(503).body(Full::<bytes::Bytes>::default())?;
    /// let error: Error<std::io::Error, _> = Error::Status(response);
    /// assert_eq!(error.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    /// # Ok::<(), http::Error>(())
    /// ```
    pub fn status(&self) -> Option<http::StatusCode> {
        self.response().map(http::Response::status)
    }

    /// The refused response, for [`Error::Status`] and [`Error::MediaType`].
    ///
    /// ```
    /// # use http_body_util::Full;
    /// use ssewire_async::client::Error;
    ///
    /// let error: Error<std::io::Error, Full<bytes::Bytes>> = Error::GaveUp { reconnects: 1 };
    /// assert!(error.response().is_none());
    /// ```
    pub fn response(&self) -> Option<&http::Response<B>> {
        match self {
            Error::Status(response) | Error::MediaType(response) => Some(response),
            _ => None,
        }
    }

    /// The refused response, to read its body.
    ///
    /// ```
    /// # use http_body_util::Full;
    /// use ssewire_async::client::Error;
    ///
    /// let response = http::Response::new(Full::new(bytes::Bytes::from("<p>login</p>")));
    /// let error: Error<std::io::Error, _> = Error::MediaType(response);
    /// assert!(error.into_response().is_some());
    /// ```
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
            Error::Stalled { timeout, responded } => f
                .debug_struct("Stalled")
                .field("timeout", timeout)
                .field("responded", responded)
                .finish(),
            Error::Status(response) => f.debug_tuple("Status").field(&response.status()).finish(),
            Error::MediaType(response) => f
                .debug_tuple("MediaType")
                .field(&response.headers().get(CONTENT_TYPE))
                .finish(),
            Error::GaveUp { reconnects } => f
                .debug_struct("GaveUp")
                .field("reconnects", reconnects)
                .finish(),
            Error::NotRepeated(received) => f.debug_tuple("NotRepeated").field(received).finish(),
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
            Error::Stalled {
                timeout,
                responded: true,
            } => write!(
                f,
                "no bytes for {} s: the connection stalled or is half-open",
                timeout.as_secs_f32()
            ),
            Error::Stalled {
                timeout,
                responded: false,
            } => write!(f, "no response within {} s", timeout.as_secs_f32()),
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
            Error::NotRepeated(received) => write!(
                f,
                "{received}; the request is not idempotent, so it is not sent again"
            ),
        }
    }
}

/// No `source()`: the transport's error is in the variant, and its own
/// `source()` chain leads to the cause (connection refused, timed out);
/// `examples/sse_follow.rs` prints it.
impl<E, B: Body> std::error::Error for Error<E, B>
where
    E: fmt::Debug + fmt::Display,
    B::Error: fmt::Debug + fmt::Display,
{
}
