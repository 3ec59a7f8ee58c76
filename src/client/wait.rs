//! How long to wait before reconnecting: the reconnection time, backoff and
//! jitter.

use core::time::Duration;

use super::builder::Settings;

/// How long to wait before the next connection attempt, from
/// [`Client::stream_ended`](super::Client::stream_ended) or
/// [`Client::connect_failed`](super::Client::connect_failed).
///
/// The wait is the backoff delay (the reconnection time when backoff is off)
/// plus a jitter of up to [`Wait::longest`] minus [`Wait::shortest`]. The
/// caller supplies the randomness to [`Wait::delay`]; whatever it supplies,
/// the delay is never shorter than the reconnection time.
///
/// ```
/// use std::time::Duration;
/// use ssewire::client::Client;
///
/// let mut client = Client::builder().jitter_percent(50).build();
/// let _ = client.connect()?;
/// let wait = client.connect_failed()?;
/// assert_eq!(wait.shortest(), Duration::from_secs(3));
/// assert_eq!(wait.longest(), Duration::from_millis(4500));
/// assert_eq!(wait.delay(0), wait.shortest());
/// assert_eq!(wait.delay(u64::MAX / 2 + 1), Duration::from_millis(3750));
/// assert_eq!(wait.reconnect(), 1);
/// # Ok::<(), ssewire::client::Stop>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Wait {
    base: Duration,
    jitter: Duration,
    reconnect: u32,
}

impl Wait {
    /// The wait before the `reconnect`th reconnection in a row, from the
    /// reconnection time now in force.
    pub(super) fn before_reconnect(time: Duration, settings: &Settings, reconnect: u32) -> Wait {
        let base = match settings.backoff_cap {
            Some(cap) => {
                let doublings = reconnect.saturating_sub(1).min(31);
                time.saturating_mul(1 << doublings).min(cap).max(time)
            }
            None => time,
        };
        let jitter =
            duration_from_nanos(base.as_nanos() * u128::from(settings.jitter_percent) / 100);
        Wait {
            base,
            jitter,
            reconnect,
        }
    }

    /// The delay to wait, given a uniformly random `random` (for example
    /// `rand::random()` or `fastrand::u64(..)`): `shortest()` plus
    /// `random / 2^64` of the jitter range. Pass `0` for no jitter.
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// let wait = client.connect_failed()?;
    /// assert!(wait.delay(12345) >= wait.shortest() && wait.delay(u64::MAX) <= wait.longest());
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    #[must_use]
    pub fn delay(&self, random: u64) -> Duration {
        // `jitter * random / 2^64`, in two halves so that no product
        // overflows.
        let jitter = self.jitter.as_nanos();
        let random = u128::from(random);
        let high = (jitter >> 64) * random;
        let low = ((jitter & u128::from(u64::MAX)) * random) >> 64;
        self.base
            .saturating_add(duration_from_nanos(high.saturating_add(low)))
    }

    /// The shortest delay: the reconnection time, or the backoff delay when
    /// that is longer.
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// let wait = client.connect_failed()?;
    /// assert_eq!(wait.shortest(), ssewire::client::DEFAULT_RECONNECTION_TIME);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    #[must_use]
    pub const fn shortest(&self) -> Duration {
        self.base
    }

    /// The longest delay: [`Wait::shortest`] plus the whole jitter range.
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// let wait = client.connect_failed()?;
    /// // No jitter configured.
    /// assert_eq!(wait.longest(), wait.shortest());
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    #[must_use]
    pub fn longest(&self) -> Duration {
        self.base.saturating_add(self.jitter)
    }

    /// Which reconnection in a row this wait precedes, counting from 1 after
    /// a connection that delivered an event (or after the first attempt).
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// assert_eq!(client.connect_failed()?.reconnect(), 1);
    /// # let _ = client.connect();
    /// assert_eq!(client.connect_failed()?.reconnect(), 2);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    #[must_use]
    pub const fn reconnect(&self) -> u32 {
        self.reconnect
    }
}

/// Saturates at `u64::MAX` seconds, which no reconnection time reaches.
fn duration_from_nanos(nanos: u128) -> Duration {
    const PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / PER_SEC).unwrap_or(u64::MAX);
    #[allow(clippy::cast_possible_truncation)] // a remainder below 10^9
    let sub = (nanos % PER_SEC) as u32;
    Duration::new(secs, sub)
}
