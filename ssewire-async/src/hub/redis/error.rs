//! Why a Redis hub failed.

use core::fmt;

use ::redis::RedisError;
use ssewire::EncodeError;

#[cfg(doc)]
use super::RedisHub;

/// Why a [`RedisHub`] could not publish, subscribe or connect.
///
/// ```
/// use ssewire_async::hub::RedisHubError;
/// let error = RedisHubError::from(ssewire::EncodeError::LineBreakInEventType);
/// assert!(error.to_string().starts_with("the event cannot be encoded"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum RedisHubError {
    /// The message cannot be encoded; nothing was published.
    Encode(EncodeError),
    /// Redis could not be reached within the timeout, or refused the
    /// command (an explicit id not above the stream's last, say).
    Redis(RedisError),
    /// The client's `Last-Event-ID` is in Redis, but this server's reader
    /// did not reach it within the timeout.
    Behind,
}

impl fmt::Display for RedisHubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedisHubError::Encode(error) => write!(f, "the event cannot be encoded: {error}"),
            RedisHubError::Redis(error) => write!(f, "redis: {error}"),
            RedisHubError::Behind => {
                f.write_str("this server has not read the client's last event yet")
            }
        }
    }
}

impl std::error::Error for RedisHubError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RedisHubError::Encode(error) => Some(error),
            RedisHubError::Redis(error) => Some(error),
            RedisHubError::Behind => None,
        }
    }
}

impl From<EncodeError> for RedisHubError {
    fn from(error: EncodeError) -> RedisHubError {
        RedisHubError::Encode(error)
    }
}

impl From<RedisError> for RedisHubError {
    fn from(error: RedisError) -> RedisHubError {
        RedisHubError::Redis(error)
    }
}
