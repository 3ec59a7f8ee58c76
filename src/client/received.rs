//! What a connection received before it was cut, for a request that is not
//! sent again.

use core::fmt;

use crate::Finish;

/// How a connection ended without the server's say-so: the reason a
/// reconnection would have been made.
///
/// ```
/// use ssewire::client::{Client, Cut, Stop};
///
/// let mut client = Client::builder().request("POST", true).build();
/// let _ = client.connect();
/// let Err(Stop::NotRepeated(received)) = client.connect_failed() else { unreachable!() };
/// assert_eq!(received.cut, Cut::Failed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cut {
    /// The response body ended (the server closed it, or the network
    /// dropped it): [`Client::stream_ended`](super::Client::stream_ended).
    Ended,
    /// No response came: [`Client::connect_failed`](super::Client::connect_failed).
    Failed,
    /// Nothing arrived within the timeout:
    /// [`Client::timed_out`](super::Client::timed_out).
    Stalled,
}

/// What the last connection received before it was cut, carried by
/// [`Stop::NotRepeated`](super::Stop::NotRepeated).
///
/// ```
/// use ssewire::Finish;
/// use ssewire::client::{Client, Cut, Stop};
///
/// let mut client = Client::builder().request("POST", true).build();
/// let _ = client.connect();
/// let _ = client.response(200, Some("text/event-stream"));
/// client.feed(b"data: {\"token\":\"Hel\"}\n\ndata: {\"tok", |_| {});
/// let Err(Stop::NotRepeated(received)) = client.stream_ended() else { unreachable!() };
/// assert_eq!((received.events, received.bytes), (1, 34));
/// assert_eq!((received.cut, received.finish), (Cut::Ended, Finish::Truncated));
/// assert!(received.responded);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Received {
    /// Whether a response was accepted (status 200, `text/event-stream`).
    pub responded: bool,
    /// The events dispatched from its body.
    pub events: u64,
    /// The body bytes decoded.
    pub bytes: u64,
    /// Whether an unfinished event was discarded at the cut.
    pub finish: Finish,
    /// How the connection ended.
    pub cut: Cut,
}

impl Received {
    /// Nothing yet: a request was just made.
    pub(super) const NOTHING: Received = Received {
        responded: false,
        events: 0,
        bytes: 0,
        finish: Finish::Clean,
        cut: Cut::Ended,
    };
}

impl fmt::Display for Received {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.cut {
            Cut::Ended => "the stream ended",
            Cut::Failed => "the connection failed",
            Cut::Stalled => "the connection stalled",
        };
        if !self.responded {
            return write!(f, "{how} before a response");
        }
        write!(
            f,
            "{how} after {} event(s) in {} byte(s)",
            self.events, self.bytes
        )?;
        if self.finish == Finish::Truncated {
            f.write_str(", inside an unfinished event, which was discarded")?;
        }
        Ok(())
    }
}
