//! Serving: the body under hyper and axum on loopback, read back by a hyper
//! client through the decoding adapter; keep-alive timing on tokio's paused
//! clock; fan-out sharing one encoding.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use ssewire::{EncodeError, Message};
use ssewire_async::{Encoded, Event, EventStreamExt, Item, SseBody, body_chunks, response};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

/// The messages every server here sends, and what a client decodes from them.
fn messages() -> Vec<Result<Encoded, EncodeError>> {
    vec![
        Encoded::new(&Message::default().retry(Duration::from_millis(250))),
        Encoded::new(&Message::new("line one\nline two").event("update").id("1")),
        Ok(Encoded::comment("a comment")),
        Encoded::new(&Message::new(" leading space, ünïcødé ✓").id("2")),
        Ok(Encoded::data("")),
    ]
}

fn expected() -> Vec<Item> {
    vec![
        Item::Retry(Duration::from_millis(250)),
        Item::Event(Event::new("update", "line one\nline two", "1").with_own_fields(true, true)),
        Item::Event(
            Event::new("message", " leading space, ünïcødé ✓", "2").with_own_fields(false, true),
        ),
        Item::Event(Event::new("message", "", "2")),
    ]
}

/// GET `/events` from `address` with a hyper client: the status, the
/// headers, and every item decoded from the body.
async fn get_items(address: SocketAddr) -> (http::StatusCode, http::HeaderMap, Vec<Item>) {
    let socket = TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(socket))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = http::Request::get("/events")
        .header("host", address.to_string())
        .header("accept", ssewire::MEDIA_TYPE)
        .body(Empty::<Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let mut items = Vec::new();
    let mut decoded = body_chunks(body).sse_events();
    while let Some(item) = decoded.next().await {
        items.push(item.unwrap());
    }
    assert_eq!(decoded.finish(), Some(ssewire::Finish::Clean));
    (parts.status, parts.headers, items)
}

fn assert_event_stream_headers(headers: &http::HeaderMap) {
    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache, no-transform");
    assert_eq!(headers["x-accel-buffering"], "no");
}

#[tokio::test]
async fn a_hyper_server_streams_the_body_to_a_hyper_client() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let service = hyper::service::service_fn(|_request: http::Request<Incoming>| async {
            Ok::<_, Infallible>(response(SseBody::new(stream::iter(messages()))))
        });
        hyper::server::conn::http1::Builder::new()
            .serve_connection(TokioIo::new(socket), service)
            .await
            .unwrap();
    });
    let (status, headers, items) = get_items(address).await;
    assert_eq!(status, 200);
    assert_event_stream_headers(&headers);
    assert_eq!(items, expected());
    server.await.unwrap();
}

#[tokio::test]
async fn an_axum_handler_serves_the_body() {
    async fn events() -> http::Response<axum::body::Body> {
        response(axum::body::Body::new(SseBody::new(
            stream::iter(messages()),
        )))
    }
    let app = axum::Router::new().route("/events", axum::routing::get(events));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let (status, headers, items) = get_items(address).await;
    assert_eq!(status, 200);
    assert_event_stream_headers(&headers);
    assert_eq!(items, expected());
    server.abort();
}

/// Frames of `body` with the time each arrived at, from `start`, in whole
/// seconds, until the body ends.
async fn timed_frames<B>(body: B, start: Instant) -> Vec<(u64, Bytes)>
where
    B: http_body::Body<Data = Bytes, Error = Infallible> + Unpin,
{
    let mut body = body;
    let mut frames = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame;
        let data = frame.into_data().unwrap();
        frames.push((start.elapsed().as_secs(), data));
    }
    frames
}

fn channel_stream(
    mut receiver: mpsc::Receiver<Encoded>,
) -> impl futures_util::Stream<Item = Result<Encoded, Infallible>> + Unpin {
    stream::poll_fn(move |cx| receiver.poll_recv(cx).map(|message| message.map(Ok)))
}

#[tokio::test(start_paused = true)]
async fn keep_alive_comments_fill_silences_but_not_a_flowing_stream() {
    let (sender, receiver) = mpsc::channel(4);
    let start = Instant::now();
    let body = SseBody::new(channel_stream(receiver)).keep_alive(
        ssewire_async::KeepAlive::new()
            .interval(Duration::from_secs(10))
            .text("ka"),
    );
    tokio::spawn(async move {
        // Messages every 3 s for 15 s: never 10 s of silence.
        for n in 1..=5 {
            tokio::time::sleep(Duration::from_secs(3)).await;
            sender.send(Encoded::data(&n.to_string())).await.unwrap();
        }
        // Then 25 s of silence, and the end.
        tokio::time::sleep(Duration::from_secs(25)).await;
    });
    let frames = timed_frames(body, start).await;
    let keep_alive = Bytes::from_static(b": ka\n");
    let data = |n: u8| Bytes::from(format!("data: {n}\n\n"));
    assert_eq!(
        frames,
        [
            (3, data(1)),
            (6, data(2)),
            (9, data(3)),
            (12, data(4)),
            (15, data(5)),
            (25, keep_alive.clone()),
            (35, keep_alive),
        ]
    );
    assert_eq!(start.elapsed(), Duration::from_secs(40));
}

#[tokio::test(start_paused = true)]
async fn the_first_keep_alive_comes_one_interval_after_the_start() {
    let (sender, receiver) = mpsc::channel(1);
    let start = Instant::now();
    let body = SseBody::new(channel_stream(receiver))
        .keep_alive(ssewire_async::KeepAlive::new().interval(Duration::from_secs(15)));
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(20)).await;
        sender.send(Encoded::data("late")).await.unwrap();
    });
    let frames = timed_frames(body, start).await;
    assert_eq!(
        frames,
        [
            (15, Bytes::from_static(b": \n")),
            (20, Bytes::from_static(b"data: late\n\n"))
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn without_keep_alive_a_silent_body_sends_nothing() {
    let (sender, receiver) = mpsc::channel::<Encoded>(1);
    let start = Instant::now();
    let body = SseBody::new(channel_stream(receiver));
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(100)).await;
        drop(sender);
    });
    assert_eq!(timed_frames(body, start).await, []);
    assert_eq!(start.elapsed(), Duration::from_secs(100));
}

#[tokio::test]
async fn one_encoding_fans_out_to_every_client_without_copies() {
    let (sender, _) = broadcast::channel::<Encoded>(8);
    let receivers: Vec<_> = (0..3).map(|_| sender.subscribe()).collect();
    let update = Encoded::new(&Message::new("{\"price\":1}").event("update")).unwrap();
    sender.send(update.clone()).unwrap();
    drop(sender);
    for receiver in receivers {
        let messages = stream::unfold(receiver, |mut receiver| async move {
            let message = receiver.recv().await.ok()?;
            Some((Ok::<_, Infallible>(message), receiver))
        });
        let mut body = SseBody::new(Box::pin(messages));
        let frame = body.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(frame, "event: update\ndata: {\"price\":1}\n\n");
        assert_eq!(frame.as_ptr(), update.as_bytes().as_ptr());
        assert!(body.frame().await.is_none());
    }
}

#[tokio::test]
async fn a_stream_error_is_the_bodys_error() {
    let messages = stream::iter([
        Ok(Encoded::data("a")),
        Encoded::new(&Message::new("b").id("bad\nid")),
    ]);
    let mut body = SseBody::new(messages);
    let first = body.frame().await.unwrap().unwrap();
    assert_eq!(first.into_data().unwrap(), "data: a\n\n");
    assert!(matches!(
        body.frame().await,
        Some(Err(EncodeError::LineBreakInId))
    ));
    assert!(body.frame().await.is_none());
    assert!(http_body::Body::is_end_stream(&body));
}

#[test]
fn a_body_with_keep_alive_can_be_built_outside_the_runtime() {
    let body = SseBody::new(stream::pending::<Result<Encoded, Infallible>>())
        .keep_alive(ssewire_async::KeepAlive::new().interval(Duration::from_secs(30)));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let (elapsed, frame) = runtime.block_on(async {
        let start = Instant::now();
        let mut body = body;
        let frame = body.frame().await.unwrap().unwrap().into_data().unwrap();
        (start.elapsed(), frame)
    });
    assert_eq!(
        (elapsed, frame),
        (Duration::from_secs(30), Bytes::from_static(b": \n"))
    );
}
