//! Why a client stops, and the standard's verdict on a response.

use core::fmt;

/// Why a [`Client`](super::Client) stopped. Once stopped it never
/// reconnects: every later call reports the same reason.
///
/// The first four are the standard's "fail the connection" verdicts on a
/// response; [`Stop::NoContent`] is how a server says "stop" on purpose.
///
/// ```
/// use ssewire::client::{check_response, Stop};
///
/// assert_eq!(check_response(204, Some("text/event-stream")), Err(Stop::NoContent));
/// assert_eq!(check_response(503, Some("text/html")), Err(Stop::Status(503)));
/// assert_eq!(check_response(200, Some("text/html")), Err(Stop::NotEventStream));
/// assert_eq!(check_response(200, None), Err(Stop::NoContentType));
/// assert!(Stop::NoContent.is_response());
/// assert!(!Stop::Closed.is_response());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stop {
    /// The server answered 204 No Content: it asks the client to stop
    /// reconnecting.
    NoContent,
    /// The server answered with a status other than 200 (and other than
    /// 204). Redirects should have been followed by the transport.
    Status(u16),
    /// The server answered 200 without a `Content-Type` header.
    NoContentType,
    /// The server answered 200 with a `Content-Type` other than
    /// `text/event-stream` (an error page, say), which must not be decoded.
    NotEventStream,
    /// The connection failed or ended without an event this many times in a
    /// row, the bound set by
    /// [`ClientBuilder::max_reconnects`](super::ClientBuilder::max_reconnects).
    GaveUp {
        /// The number of reconnections made since the last connection that
        /// delivered an event.
        reconnects: u32,
    },
    /// The caller called [`Client::close`](super::Client::close).
    Closed,
    /// The request has a body or a method that is not idempotent
    /// ([`ClientBuilder::request`](super::ClientBuilder::request)), so it
    /// is not sent again after its connection ended, failed or stalled:
    /// sending it again could repeat what it asked for (a paid completion,
    /// an order). Carries what the connection received.
    NotRepeated(super::Received),
}

impl Stop {
    /// Whether the stop is the verdict on a response (status or media type),
    /// rather than the caller's choice or the reconnection bound.
    ///
    /// ```
    /// use ssewire::client::Stop;
    ///
    /// assert!(Stop::Status(404).is_response());
    /// assert!(!Stop::GaveUp { reconnects: 3 }.is_response());
    /// ```
    pub const fn is_response(&self) -> bool {
        matches!(
            self,
            Stop::NoContent | Stop::Status(_) | Stop::NoContentType | Stop::NotEventStream
        )
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::NoContent => f.write_str("the server answered 204 No Content: not reconnecting"),
            Stop::Status(status) => write!(
                f,
                "the server answered HTTP {status}, not 200: not reconnecting"
            ),
            Stop::NoContentType => f.write_str(
                "the response has no Content-Type, not text/event-stream: not reconnecting",
            ),
            Stop::NotEventStream => f.write_str(
                "the response's Content-Type is not text/event-stream: not reconnecting",
            ),
            Stop::GaveUp { reconnects } => write!(
                f,
                "gave up after {reconnects} reconnections in a row without an event"
            ),
            Stop::Closed => f.write_str("the client was closed"),
            Stop::NotRepeated(received) => write!(
                f,
                "{received}; the request is not idempotent, so it is not sent again"
            ),
        }
    }
}

impl core::error::Error for Stop {}

/// The standard's verdict on a response, from its status and `Content-Type`
/// header alone: `Ok` for 200 with an event-stream media type (checked with
/// [`is_event_stream`](crate::is_event_stream): ASCII case and parameters do
/// not matter), otherwise the reason to fail the connection. The status is
/// checked first. [`Client::response`](super::Client::response) applies
/// this and updates its state.
///
/// ```
/// use ssewire::client::{check_response, Stop};
///
/// assert_eq!(check_response(200, Some("Text/Event-Stream; charset=utf-8")), Ok(()));
/// assert_eq!(check_response(200, Some("text/event-streams")), Err(Stop::NotEventStream));
/// assert_eq!(check_response(301, Some("text/event-stream")), Err(Stop::Status(301)));
/// ```
pub fn check_response(status: u16, content_type: Option<&str>) -> Result<(), Stop> {
    match (status, content_type) {
        (204, _) => Err(Stop::NoContent),
        (200, Some(media_type)) if crate::is_event_stream(media_type) => Ok(()),
        (200, Some(_)) => Err(Stop::NotEventStream),
        (200, None) => Err(Stop::NoContentType),
        (other, _) => Err(Stop::Status(other)),
    }
}
