//! A scripted event-stream server on loopback for the client tests: each
//! connection gets the next answer of its script, and every request is
//! recorded.

#![allow(dead_code)]

pub mod memory;
pub mod raw;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body::Frame;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: &'static str,
    /// After the body, keep the connection open and send nothing more.
    pub hang: bool,
    /// Never answer, keeping the connection open.
    pub silent: bool,
}

impl Answer {
    pub fn events(body: &'static str) -> Answer {
        Answer {
            status: 200,
            content_type: Some("text/event-stream"),
            body,
            hang: false,
            silent: false,
        }
    }

    /// `body`, then silence on a connection held open.
    pub fn hang_after(body: &'static str) -> Answer {
        Answer {
            hang: true,
            ..Answer::events(body)
        }
    }

    /// No response, on a connection held open.
    pub fn silent() -> Answer {
        Answer {
            silent: true,
            ..Answer::events("")
        }
    }

    pub fn status(status: u16, content_type: &'static str, body: &'static str) -> Answer {
        Answer {
            status,
            content_type: Some(content_type),
            ..Answer::events(body)
        }
    }
}

/// What a request carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub last_event_id: Option<String>,
    pub accept: Option<String>,
    pub authorization: Option<String>,
    pub body: String,
}

/// Serves `script` on 127.0.0.1, one answer per connection, each body sent
/// whole and the connection closed; past the script's end, 204. Returns the
/// address and the requests seen so far.
pub async fn serve(script: Vec<Answer>) -> (SocketAddr, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let requests = seen.clone();
    tokio::spawn(async move {
        for n in 0.. {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let answer = script.get(n).cloned().unwrap_or(Answer {
                status: 204,
                content_type: None,
                ..Answer::events("")
            });
            let requests = requests.clone();
            let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
                let answer = answer.clone();
                let requests = requests.clone();
                async move {
                    let header = |name: &str| {
                        request
                            .headers()
                            .get(name)
                            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
                    };
                    let mut seen = Seen {
                        method: request.method().to_string(),
                        last_event_id: header("last-event-id"),
                        accept: header("accept"),
                        authorization: header("authorization"),
                        body: String::new(),
                    };
                    let body = request.into_body().collect().await.unwrap().to_bytes();
                    seen.body = String::from_utf8_lossy(&body).into_owned();
                    requests.lock().unwrap().push(seen);
                    if answer.silent {
                        std::future::pending::<()>().await;
                    }
                    let mut response = http::Response::builder()
                        .status(answer.status)
                        .header("connection", "close");
                    if let Some(content_type) = answer.content_type {
                        response = response.header("content-type", content_type);
                    }
                    let first = Frame::data(Bytes::from_static(answer.body.as_bytes()));
                    let frames =
                        futures_util::stream::once(async move { Ok::<_, Infallible>(first) });
                    let body: BoxBody<Bytes, Infallible> = if answer.hang {
                        let held = futures_util::stream::pending();
                        BodyExt::boxed(StreamBody::new(frames.chain(held)))
                    } else {
                        BodyExt::boxed(StreamBody::new(frames))
                    };
                    Ok::<_, Infallible>(response.body(body).unwrap())
                }
            });
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    (address, seen)
}

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A response on its way.
pub type Connecting =
    std::pin::Pin<Box<dyn Future<Output = Result<http::Response<Incoming>, BoxError>> + Send>>;

/// A connect function for `EventSource` over a hyper client: `method` with
/// `body` to `address`, plus the policy's headers.
pub fn hyper_connect(
    address: SocketAddr,
    method: &'static str,
    body: &'static str,
) -> impl FnMut(http::HeaderMap) -> Connecting {
    move |headers| {
        Box::pin(async move {
            let socket = TcpStream::connect(address).await?;
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(socket)).await?;
            tokio::spawn(connection);
            let mut request = http::Request::builder()
                .method(method)
                .uri("/events")
                .header("host", address.to_string());
            if let Some(map) = request.headers_mut() {
                map.extend(headers);
            }
            let request = request.body(Full::new(Bytes::from_static(body.as_bytes())))?;
            Ok(sender.send_request(request).await?)
        })
    }
}
