//! What serving needs from a hub, as a trait, and the two pieces of HTTP
//! glue around it: the request's `Last-Event-ID`, and a write timeout.

use core::future::{Future, ready};
use std::time::Duration;

use http::HeaderMap;
use ssewire::{EncodeError, Message};

use super::{EventId, Hub, Subscription};

/// What a server needs from a hub: publish, and subscribe after a
/// `Last-Event-ID`. [`Hub`] is the in-memory implementation; a hub on a
/// shared store (several servers behind one address) implements the same
/// trait, with its own error, so that handlers are written once, generic
/// over it, as `examples/sse_hub.rs` is.
///
/// ```
/// # futures_executor::block_on(async {
/// use ssewire::Message;
/// use ssewire_async::hub::{Backend, Hub, Start};
///
/// async fn publish_twice<B: Backend>(hub: &B) -> Result<String, B::Error> {
///     hub.publish(None, Message::new("one")).await?;
///     Ok(hub.publish(None, Message::new("two")).await?.to_string())
/// }
/// let hub = Hub::new();
/// assert_eq!(publish_twice(&hub).await?, "2");
/// let subscription = Backend::subscribe(&hub, Some("1")).await?;
/// assert_eq!(subscription.start(), Start::Resumed);
/// # Ok::<(), ssewire::EncodeError>(()) }).unwrap();
/// ```
pub trait Backend: Send + Sync {
    /// Why publishing or subscribing failed.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Publishes `message` with the publisher's `id`, or with one the
    /// backend assigns (any id in `message` is replaced); returns the id.
    fn publish(
        &self,
        id: Option<&str>,
        message: Message<'_>,
    ) -> impl Future<Output = Result<EventId, Self::Error>> + Send;

    /// A subscription for a client whose last event was `last_event_id`:
    /// the events after it, then live ones, each exactly once.
    fn subscribe(
        &self,
        last_event_id: Option<&str>,
    ) -> impl Future<Output = Result<Subscription, Self::Error>> + Send;

    /// Ends this server's subscriptions, whose clients then resume; see
    /// [`Hub::disconnect_all`].
    fn disconnect_all(&self);
}

impl Backend for Hub {
    type Error = EncodeError;

    fn publish(
        &self,
        id: Option<&str>,
        message: Message<'_>,
    ) -> impl Future<Output = Result<EventId, EncodeError>> + Send {
        ready(self.append(id, message))
    }

    fn subscribe(
        &self,
        last_event_id: Option<&str>,
    ) -> impl Future<Output = Result<Subscription, EncodeError>> + Send {
        ready(Ok(Hub::subscribe(self, last_event_id)))
    }

    fn disconnect_all(&self) {
        Hub::disconnect_all(self);
    }
}

/// The request's `Last-Event-ID` header, when it is present, text and not
/// empty. Browsers send it, with the last id they received, when they
/// reconnect; an empty one is what a client says after an `id` line without a
/// value reset its last event ID (the standard's browsers then send none), so
/// it is read as a new client, not as an unknown id.
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// assert_eq!(ssewire_async::hub::last_event_id(&headers), None);
/// headers.insert("last-event-id", http::HeaderValue::from_static(""));
/// assert_eq!(ssewire_async::hub::last_event_id(&headers), None);
/// headers.insert("last-event-id", http::HeaderValue::from_static("41"));
/// assert_eq!(ssewire_async::hub::last_event_id(&headers), Some("41"));
/// ```
pub fn last_event_id(headers: &HeaderMap) -> Option<&str> {
    let id = headers.get("last-event-id")?.to_str().ok()?;
    (!id.is_empty()).then_some(id)
}

/// Sets `TCP_USER_TIMEOUT` on a connection (Linux and Android): the kernel
/// closes it when data it sent stays unacknowledged, or the client's
/// receive window stays shut, for longer than `timeout`. This is the write
/// timeout for a client that stops reading: the server stops polling a
/// response body that it cannot write, so a timer inside the body never
/// runs. Elsewhere it returns an [`std::io::ErrorKind::Unsupported`] error.
///
/// ```no_run
/// # async fn serve() -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let (socket, _) = listener.accept().await?;
/// ssewire_async::hub::write_timeout(&socket, std::time::Duration::from_secs(30))?;
/// # Ok(()) }
/// ```
pub fn write_timeout(socket: &tokio::net::TcpStream, timeout: Duration) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        socket2::SockRef::from(socket).set_tcp_user_timeout(Some(timeout))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (socket, timeout);
        Err(std::io::ErrorKind::Unsupported.into())
    }
}
