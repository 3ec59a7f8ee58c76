//! A reqwest client that follows an event stream the way `EventSource` does:
//! it decodes `bytes_stream()` with ssewire and, when the connection ends,
//! waits the `retry` delay and reconnects with `Last-Event-ID`.

use std::fmt;
use std::ops::ControlFlow;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use ssewire::{Decoded, Decoder, Finish};

/// How [`follow`] reconnects.
#[derive(Clone, Debug)]
pub struct Follow {
    /// The most connections to open, the first included. Always bounded, so a
    /// server that keeps failing cannot keep the client busy for ever.
    pub max_connections: usize,
    /// The reconnection delay until the stream sets one with `retry`.
    pub default_retry: Duration,
}

impl Default for Follow {
    fn default() -> Follow {
        Follow {
            max_connections: 20,
            default_retry: Duration::from_secs(3),
        }
    }
}

/// What happened on one connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Connection {
    /// The `Last-Event-ID` header sent, if any.
    pub last_event_id_sent: Option<String>,
    /// How many body chunks arrived.
    pub chunks: usize,
    /// How the stream ended, when it ended (not when the caller stopped).
    pub finish: Option<Finish>,
    /// The transport error that ended it, if any.
    pub error: Option<String>,
}

/// Why [`follow`] gave up.
#[derive(Debug)]
pub enum FollowError {
    /// The server answered with another status than 200 OK; per the
    /// standard the client does not reconnect (204 No Content is how a
    /// server says "stop").
    Status(u16),
    /// The response was not `text/event-stream`; the client does not
    /// reconnect either.
    NotAnEventStream(String),
    /// `max_connections` connections ended without the caller stopping.
    GaveUp(Vec<Connection>),
}

impl fmt::Display for FollowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FollowError::Status(status) => write!(f, "the server answered {status}, not 200"),
            FollowError::NotAnEventStream(kind) => {
                write!(f, "the response is {kind:?}, not an event stream")
            }
            FollowError::GaveUp(connections) => {
                write!(f, "gave up after {} connections", connections.len())
            }
        }
    }
}

impl std::error::Error for FollowError {}

/// Follows the event stream at `url`, calling `on_item` with every item
/// decoded, across reconnections, until it returns `ControlFlow::Break`.
/// Returns what happened on each connection.
pub async fn follow<F>(
    client: &reqwest::Client,
    url: &str,
    options: &Follow,
    mut on_item: F,
) -> Result<Vec<Connection>, FollowError>
where
    F: FnMut(Decoded<'_>) -> ControlFlow<()>,
{
    // One decoder for the whole session: after a dropped connection,
    // `finish` discards a half-received event but keeps the last event ID
    // and the reconnection time, which is what reconnecting needs.
    let mut decoder = Decoder::new();
    let mut connections = Vec::new();
    while connections.len() < options.max_connections {
        let mut connection = Connection::default();
        let mut request = client
            .get(url)
            .header(ACCEPT, ssewire::MEDIA_TYPE)
            .header(CACHE_CONTROL, "no-cache");
        let last_event_id = decoder.last_event_id();
        if !last_event_id.is_empty() {
            // Ids are UTF-8 and free of CR, LF and NUL (the decoder ignores
            // an id with NUL), so `from_bytes` accepts every one.
            if let Ok(value) = HeaderValue::from_bytes(last_event_id.as_bytes()) {
                request = request.header("last-event-id", value);
                connection.last_event_id_sent = Some(last_event_id.to_owned());
            }
        }
        match request.send().await {
            Ok(response) => {
                if response.status() != reqwest::StatusCode::OK {
                    return Err(FollowError::Status(response.status().as_u16()));
                }
                let content_type = response
                    .headers()
                    .get(CONTENT_TYPE)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .unwrap_or_default();
                let essence = content_type.split(';').next().unwrap_or("").trim();
                if !essence.eq_ignore_ascii_case(ssewire::MEDIA_TYPE) {
                    return Err(FollowError::NotAnEventStream(content_type));
                }
                let mut body = response.bytes_stream();
                let mut stop = false;
                while let Some(chunk) = body.next().await {
                    let chunk = match chunk {
                        Ok(chunk) => chunk,
                        Err(error) => {
                            connection.error = Some(error.to_string());
                            break;
                        }
                    };
                    connection.chunks += 1;
                    decoder.feed(&chunk, |item| {
                        if !stop && on_item(item).is_break() {
                            stop = true;
                        }
                    });
                    if stop {
                        connections.push(connection);
                        return Ok(connections);
                    }
                }
                connection.finish = Some(decoder.finish());
            }
            Err(error) => connection.error = Some(error.to_string()),
        }
        connections.push(connection);
        let delay = decoder.retry().unwrap_or(options.default_retry);
        tokio::time::sleep(delay).await;
    }
    Err(FollowError::GaveUp(connections))
}
