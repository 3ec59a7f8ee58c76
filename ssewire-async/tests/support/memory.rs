//! A scripted server in memory, for tests on tokio's paused clock: each
//! request gets the next reply of the script, played with tokio's timer
//! (waits, silences, a connection held open with nothing sent), and every
//! request is recorded with the (paused) time it was made at.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::channel::Channel;
use tokio::time::Instant;

/// One step of a response body.
#[derive(Clone, Debug)]
pub enum Step {
    /// Send these bytes.
    Send(&'static str),
    /// Send nothing for this long.
    Sleep(Duration),
    /// Send nothing ever again, keeping the connection open: a stalled
    /// server, or, as the client sees it, a half-open connection.
    Hang,
    /// Fail the body (a reset connection).
    Fail,
}

/// How one request is answered.
#[derive(Clone, Debug)]
pub enum Reply {
    /// No response: the connection is refused.
    Refuse,
    /// No response ever, the connection kept open.
    Silent,
    /// 200 `text/event-stream`, the body played step by step, then ended
    /// (unless it hangs or fails).
    Stream(Vec<Step>),
}

/// What a request carried, and when it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub last_event_id: Option<String>,
    pub at: Duration,
}

pub type Body = Channel<Bytes, io::Error>;
pub type Responding = Pin<Box<dyn Future<Output = io::Result<http::Response<Body>>> + Send>>;

/// A connect function that answers from `script` (past its end: 204), and
/// the requests seen.
pub fn memory(
    script: Vec<Reply>,
) -> (
    impl FnMut(http::HeaderMap) -> Responding,
    Arc<Mutex<Vec<Request>>>,
) {
    let start = Instant::now();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let requests = seen.clone();
    let mut script = script.into_iter();
    let connect = move |headers: http::HeaderMap| -> Responding {
        requests.lock().unwrap().push(Request {
            last_event_id: headers
                .get("last-event-id")
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()),
            at: start.elapsed(),
        });
        let reply = script.next();
        Box::pin(async move {
            let steps = match reply {
                None => {
                    let (_, body) = Channel::new(1);
                    return Ok(http::Response::builder().status(204).body(body).unwrap());
                }
                Some(Reply::Refuse) => return Err(io::Error::other("connection refused")),
                Some(Reply::Silent) => std::future::pending().await,
                Some(Reply::Stream(steps)) => steps,
            };
            let (mut sender, body) = Channel::new(16);
            tokio::spawn(async move {
                for step in steps {
                    match step {
                        Step::Send(text) => {
                            if sender
                                .send_data(Bytes::from_static(text.as_bytes()))
                                .await
                                .is_err()
                            {
                                return;
                            }
                        }
                        Step::Sleep(time) => tokio::time::sleep(time).await,
                        Step::Hang => {
                            std::future::pending::<()>().await;
                        }
                        Step::Fail => {
                            sender.abort(io::Error::other("connection reset"));
                            return;
                        }
                    }
                }
            });
            Ok(http::Response::builder()
                .header("content-type", "text/event-stream")
                .body(body)
                .unwrap())
        })
    };
    (connect, seen)
}
