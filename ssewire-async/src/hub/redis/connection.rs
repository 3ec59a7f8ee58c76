//! The connections to Redis: how they are made, and the one kept for
//! publishing and reading history.

use std::sync::PoisonError;
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{AsyncConnectionConfig, Client, Cmd, RedisError, Value, cmd};

use super::reader::BLOCK;
use super::{Inner, RedisHubError};

/// Where Redis is, and how long to wait for it.
#[derive(Debug)]
pub(super) struct Link {
    pub(super) client: Client,
    pub(super) timeout: Duration,
}

impl Link {
    /// A connection on which Redis has answered a `PING`: connecting and
    /// the answer each take at most the timeout, so an address where
    /// nothing answers is an error, not a hang.
    pub(super) async fn connect(
        &self,
        response_timeout: Duration,
    ) -> Result<MultiplexedConnection, RedisError> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(response_timeout));
        let mut connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        cmd("PING").query_async::<Value>(&mut connection).await?;
        Ok(connection)
    }

    /// The response timeout of the reader's connection, on which each
    /// `XREAD` may block for [`BLOCK`].
    pub(super) fn read_timeout(&self) -> Duration {
        BLOCK + self.timeout
    }
}

/// Whether an error means the connection is gone.
pub(super) fn broken(error: &RedisError) -> bool {
    error.is_io_error()
        || error.is_connection_dropped()
        || error.is_timeout()
        || error.is_unrecoverable_error()
}

impl Inner {
    /// Runs `command` on the publishing connection, connecting first if it
    /// broke. A `read` is sent again, once, on a new connection when the
    /// one kept turns out broken (as it does once after Redis restarted); a
    /// write is not, since Redis may have done it before the break.
    pub(super) async fn query(&self, command: &Cmd, read: bool) -> Result<Value, RedisHubError> {
        let kept = self.kept();
        let fresh = kept.is_none();
        let mut connection = match kept {
            Some(connection) => connection,
            None => self.reconnect().await?,
        };
        match command.query_async(&mut connection).await {
            Err(error) if broken(&error) && read && !fresh => {
                self.keep(None);
                let mut connection = self.reconnect().await?;
                command
                    .query_async(&mut connection)
                    .await
                    .map_err(|error| self.failed(error))
            }
            result => result.map_err(|error| self.failed(error)),
        }
    }

    /// The publishing connection kept, if any.
    fn kept(&self) -> Option<MultiplexedConnection> {
        self.publisher
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Keeps `connection` (or none) for the next commands.
    fn keep(&self, connection: Option<MultiplexedConnection>) {
        *self
            .publisher
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = connection;
    }

    async fn reconnect(&self) -> Result<MultiplexedConnection, RedisHubError> {
        let connection = self.link.connect(self.link.timeout).await?;
        self.keep(Some(connection.clone()));
        Ok(connection)
    }

    /// `error`, after forgetting the connection if it broke.
    fn failed(&self, error: RedisError) -> RedisHubError {
        if broken(&error) {
            self.keep(None);
        }
        RedisHubError::Redis(error)
    }
}
