//! The phases of an [`EventSource`] and the moves between them: the timer
//! that enforces the policy's timeouts and waits, what a response, a stall
//! or the end of a body leads to.

use core::future::Future;
use core::pin::Pin;
use core::task::Context;
use core::time::Duration;
use std::hash::BuildHasher;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use ssewire::Finish;
use ssewire::client::{Stop, Wait};
use tokio::time::Instant;

use super::{Connect, Error, EventSource, Update};

/// What an [`EventSource`] yields.
pub(super) type Next<C> = Result<Update, Error<<C as Connect>::Error, <C as Connect>::Body>>;

/// Where an [`EventSource`] is.
pub(super) enum Phase<C: Connect> {
    Idle,
    Connecting(Pin<Box<C::Future>>),
    Open {
        body: Pin<Box<C::Body>>,
        chunk: Bytes,
        unread: usize,
    },
    Waiting,
    Done,
}

impl<C: Connect> EventSource<C> {
    /// Sets the timer to fire `after` from now.
    pub(super) fn arm(&mut self, after: Duration) {
        // As `tokio::time::sleep` does, a deadline past what `Instant` holds
        // is taken as "far in the future".
        let now = Instant::now();
        let deadline = now
            .checked_add(after)
            .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365 * 30));
        match &mut self.timer {
            Some(timer) => timer.as_mut().reset(deadline),
            None => self.timer = Some(Box::pin(tokio::time::sleep_until(deadline))),
        }
    }

    /// Arms the timer with the policy's timeout for the phase just entered.
    pub(super) fn watch(&mut self) {
        self.watching = self.client.timeout();
        if let Some(timeout) = self.watching {
            self.arm(timeout);
        }
    }

    /// Whether the timeout being watched has passed.
    pub(super) fn timed_out(&mut self, cx: &mut Context<'_>) -> bool {
        match (self.watching, &mut self.timer) {
            (Some(_), Some(timer)) => timer.as_mut().poll(cx).is_ready(),
            _ => false,
        }
    }

    /// After a connection ended, failed or stalled: queues the update that
    /// says what comes next (the wait, or the policy's stop).
    pub(super) fn after_cut(&mut self, wait: Result<Wait, Stop>, finish: Option<Finish>) {
        self.watching = None;
        match wait {
            Ok(wait) => {
                let delay = wait.delay(self.random.hash_one(wait.reconnect()));
                self.arm(delay);
                self.phase = Phase::Waiting;
                self.pending
                    .push_back(Ok(Update::Reconnecting { delay, finish }));
            }
            Err(stop) => {
                self.phase = Phase::Done;
                match stop {
                    Stop::GaveUp { reconnects } => {
                        self.pending.push_back(Err(Error::GaveUp { reconnects }));
                    }
                    Stop::NotRepeated(received) => {
                        self.pending.push_back(Err(Error::NotRepeated(received)));
                    }
                    _ => {}
                }
            }
        }
    }

    /// The timeout passed: the connection is dropped and handled as failed.
    pub(super) fn stalled(&mut self) -> Next<C> {
        let timeout = self.watching.unwrap_or_default();
        let responded = matches!(self.phase, Phase::Open { .. });
        self.phase = Phase::Idle;
        let finish = responded.then(|| self.client.finish());
        let wait = self.client.timed_out();
        self.after_cut(wait, finish);
        Err(Error::Stalled { timeout, responded })
    }

    /// The response came: the stream opens (with its headers), or ends with
    /// the refused response (or, after 204, with nothing).
    pub(super) fn answer(&mut self, response: http::Response<C::Body>) -> Option<Next<C>> {
        let (parts, body) = response.into_parts();
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .map(|value| value.to_str().unwrap_or("?"));
        match self.client.response(parts.status.as_u16(), content_type) {
            Ok(()) => {
                self.phase = Phase::Open {
                    body: Box::pin(body),
                    chunk: Bytes::new(),
                    unread: 0,
                };
                self.watch();
                Some(Ok(Update::Open {
                    headers: parts.headers,
                }))
            }
            Err(stop) => {
                self.phase = Phase::Done;
                self.watching = None;
                let response = http::Response::from_parts(parts, body);
                match stop {
                    Stop::Status(_) => Some(Err(Error::Status(response))),
                    Stop::NotEventStream | Stop::NoContentType => {
                        Some(Err(Error::MediaType(response)))
                    }
                    _ => None,
                }
            }
        }
    }

    /// The body ended: an unfinished event is delivered or discarded, and
    /// the reconnection (or stop) queued.
    pub(super) fn body_ended(&mut self) {
        let finish = if self.unfinished_event {
            let (pending, sharer) = (&mut self.pending, &mut self.sharer);
            self.client.finish_delivering(|item| {
                if let Some(item) = sharer.convert(item, &Bytes::new()) {
                    pending.push_back(Ok(Update::Item(item)));
                }
            })
        } else {
            self.client.finish()
        };
        let wait = self.client.stream_ended();
        self.after_cut(wait, Some(finish));
    }
}
