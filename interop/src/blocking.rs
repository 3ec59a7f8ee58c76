//! A blocking, std-only client: ureq does HTTP (the chunked transfer coding,
//! redirects, TLS with its `rustls` feature) and `ssewire::client` decides:
//! the headers, the verdict on each response, the decoding, the waits, and
//! when a silent connection counts as stalled.
//!
//! `ssewire::Reader` is the iterator to use for a stream read once (a file,
//! a single response); a stream followed across connections feeds the
//! policy's own decoder instead, so that the last event ID it sends is the
//! decoder's, never a copy.

use std::io::{self, Read};
use std::time::Duration;

use ssewire::Decoded;
use ssewire::client::{Client, Stop};

/// What [`follow`] reports as it goes.
#[derive(Debug)]
pub enum Seen<'a> {
    /// A decoded item.
    Item(Decoded<'a>),
    /// A connection failed, stalled or was cut: the error, with its cause.
    Error(String),
    /// The last event ID holds a character no header can carry: the next
    /// request goes without it.
    NotSent(&'a str),
    /// The wait before the next connection.
    Waiting(Duration),
}

/// Follows the event stream at `url` with `client`'s rules until it stops
/// (204, a refused response, or the policy's bounds), and returns why.
pub fn follow(url: &str, client: &mut Client, mut on: impl FnMut(Seen<'_>)) -> Stop {
    // The policy's timeouts, as ureq's: no response headers within one, or
    // no bytes within the other (restarted at every read), is a stall.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_recv_response(client.response_timeout())
        .timeout_per_read(client.read_timeout())
        .build()
        .into();
    let mut buf = vec![0; 8 * 1024];
    loop {
        let request = match client.connect() {
            Ok(request) => request,
            Err(stop) => return stop,
        };
        if let Some(id) = request.unsent_last_event_id() {
            on(Seen::NotSent(id));
        }
        let mut call = agent.get(url);
        for (name, value) in request.headers() {
            call = call.header(name, value);
        }
        let next = match call.call() {
            Err(error) => {
                on(Seen::Error(error.to_string()));
                if matches!(error, ureq::Error::Timeout(_)) {
                    client.timed_out()
                } else {
                    client.connect_failed()
                }
            }
            Ok(response) => {
                let content_type = response.headers().get("content-type");
                let content_type = content_type.and_then(|value| value.to_str().ok());
                if let Err(stop) = client.response(response.status().as_u16(), content_type) {
                    return stop;
                }
                let mut body = response.into_body().into_reader();
                loop {
                    match body.read(&mut buf) {
                        Ok(0) => break client.stream_ended(),
                        Ok(read) => client.feed(&buf[..read], |item| on(Seen::Item(item))),
                        Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                        Err(error) => {
                            on(Seen::Error(error.to_string()));
                            break if timed_out(&error) {
                                client.timed_out()
                            } else {
                                client.stream_ended()
                            };
                        }
                    }
                }
            }
        };
        match next {
            Ok(wait) => {
                let delay = wait.delay(0); // jitter, if configured: a random u64 here
                on(Seen::Waiting(delay));
                std::thread::sleep(delay);
            }
            Err(stop) => return stop,
        }
    }
}

/// Whether a body read failed for want of bytes within the read timeout.
fn timed_out(error: &io::Error) -> bool {
    let ureq_timeout = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ureq::Error>())
        .is_some_and(|inner| matches!(inner, ureq::Error::Timeout(_)));
    ureq_timeout
        || matches!(
            error.kind(),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
        )
}
