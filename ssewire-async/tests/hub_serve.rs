//! The hub served by axum on loopback: a handler returns the subscription
//! as it is; the companion's reconnecting `EventSource` resumes through it
//! without a gap or a duplicate; a client that goes away leaves no
//! subscription and no task behind.

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::serve::ListenerExt;
use futures_util::StreamExt;
use ssewire::Message;
use ssewire::client::Client;
use ssewire_async::Item;
use ssewire_async::client::{EventSource, Update};
use ssewire_async::hub::{Hub, Start, Subscription, last_event_id, write_timeout};
use support::hyper_connect;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// What the server saw of each `GET /events`: the `Last-Event-ID` and how
/// the subscription started.
type Seen = Arc<Mutex<Vec<(Option<String>, Start)>>>;

/// Serves `hub` at `/events` on 127.0.0.1; the handler returns the
/// subscription itself.
async fn serve(hub: Hub) -> (SocketAddr, Seen) {
    let seen = Seen::default();
    let log = seen.clone();
    let events = move |State(hub): State<Hub>, headers: HeaderMap| async move {
        let last = last_event_id(&headers);
        let subscription: Subscription = hub.subscribe(last);
        let entry = (last.map(str::to_owned), subscription.start());
        log.lock().unwrap().push(entry);
        subscription
    };
    let app = Router::new().route("/events", get(events)).with_state(hub);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, seen)
}

/// Reads from a raw connection until `needle` has arrived; returns all read.
async fn read_until(socket: &mut TcpStream, needle: &str) -> String {
    let mut got = Vec::new();
    support::raw::read_until(socket, &mut got, needle).await;
    String::from_utf8(got).unwrap()
}

#[tokio::test]
async fn an_axum_handler_returns_the_subscription_with_the_event_stream_headers() {
    let hub = Hub::new();
    let (address, _) = serve(hub.clone()).await;
    let mut socket = TcpStream::connect(address).await.unwrap();
    socket
        .write_all(b"GET /events HTTP/1.1\r\nHost: hub\r\n\r\n")
        .await
        .unwrap();
    let head = read_until(&mut socket, "\r\n\r\n")
        .await
        .to_ascii_lowercase();
    for header in [
        "content-type: text/event-stream",
        "cache-control: no-cache, no-transform",
        "x-accel-buffering: no",
    ] {
        assert!(head.contains(header), "no {header} in\n{head}");
    }
    hub.publish(Message::new("hello").event("greeting"))
        .unwrap();
    read_until(&mut socket, "event: greeting\nid: 1\ndata: hello\n\n").await;
}

/// The companion's `EventSource`, over a hyper client, follows the hub
/// across a cut. Events 3 and 4 are published and every stream is ended in
/// one synchronous step: on this single-threaded runtime the server cannot
/// send them in between, so they reach the client only from the history,
/// after it reconnects with `Last-Event-ID: 2`.
#[tokio::test]
async fn the_companions_event_source_resumes_through_the_hub() {
    let hub = Hub::builder()
        .priming(Some(Duration::from_millis(20)))
        .build();
    let (address, seen) = serve(hub.clone()).await;
    let client = Client::builder()
        .min_reconnection_time(Duration::ZERO)
        .build();
    let mut source = EventSource::with_client(hyper_connect(address, "GET", ""), client);
    let mut events = Vec::new();
    let mut opens = 0;
    let mut next_event = async || loop {
        match source.next().await.expect("the stream goes on").unwrap() {
            Update::Item(Item::Event(event)) => {
                return (event.last_event_id.to_string(), event.data.to_string());
            }
            Update::Open { .. } => opens += 1,
            _ => {}
        }
    };
    hub.publish(Message::new("before")).unwrap(); // before it connects: not sent
    // The first event waits for the subscription, then comes live.
    let publisher = hub.clone();
    tokio::spawn(async move {
        while publisher.stats().subscribers == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        publisher.publish(Message::new("one")).unwrap();
        publisher.publish(Message::new("two\nlines")).unwrap();
    });
    // Each connection starts with its priming event (an id and empty data,
    // which receivers dispatch as an empty message).
    for _ in 0..3 {
        events.push(next_event().await);
    }
    hub.publish(Message::new("three")).unwrap();
    hub.publish(Message::new("four")).unwrap();
    hub.disconnect_all();
    for _ in 0..3 {
        events.push(next_event().await);
    }
    hub.publish(Message::new("five")).unwrap();
    events.push(next_event().await);

    let expected: Vec<(String, String)> = [
        ("1", ""),
        ("2", "one"),
        ("3", "two\nlines"),
        ("3", ""),
        ("4", "three"),
        ("5", "four"),
        ("6", "five"),
    ]
    .iter()
    .map(|(id, data)| ((*id).to_owned(), (*data).to_owned()))
    .collect();
    assert_eq!(events, expected);
    assert_eq!(opens, 2);
    assert_eq!(
        *seen.lock().unwrap(),
        [(None, Start::New), (Some("3".to_owned()), Start::Resumed)]
    );
}

/// A client that goes away: its subscription is dropped and the
/// connection's task ends.
#[tokio::test]
async fn a_client_that_disconnects_leaves_no_subscription_and_no_task() {
    let hub = Hub::new();
    let (address, _) = serve(hub.clone()).await;
    let metrics = tokio::runtime::Handle::current().metrics();
    let baseline = metrics.num_alive_tasks();
    for round in 0..3 {
        let mut sockets = Vec::new();
        for _ in 0..10 {
            let mut socket = TcpStream::connect(address).await.unwrap();
            socket
                .write_all(b"GET /events HTTP/1.1\r\nHost: hub\r\n\r\n")
                .await
                .unwrap();
            read_until(&mut socket, "\r\n\r\n").await;
            sockets.push(socket);
        }
        assert_eq!(hub.stats().subscribers, 10);
        hub.publish(Message::new(&format!("round {round}")))
            .unwrap();
        for socket in &mut sockets {
            read_until(socket, &format!("round {round}")).await;
        }
        drop(sockets);
        // Generous: the server notices the closed sockets at once here.
        for _ in 0..500 {
            if hub.stats().subscribers == 0 && metrics.num_alive_tasks() == baseline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(hub.stats().subscribers, 0, "round {round}");
        assert_eq!(metrics.num_alive_tasks(), baseline, "round {round}");
    }
}

/// A client that connects and never reads, against a server with or
/// without a write timeout: publishes 32 MiB (far more than loopback's
/// socket buffers hold) checking the hub's bounds, then waits up to `wait`
/// for the subscription to be dropped. Returns whether it was.
async fn stalled_client_dropped(timeout: Option<Duration>, wait: Duration) -> bool {
    const EVENT: usize = 64 * 1024;
    let hub = Hub::builder().history(8).queue(8).build();
    let app = Router::new()
        .route(
            "/events",
            get(|State(hub): State<Hub>, headers: HeaderMap| async move {
                hub.subscribe(last_event_id(&headers))
            }),
        )
        .with_state(hub.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let listener = listener.tap_io(move |socket| {
        if let Some(timeout) = timeout {
            write_timeout(socket, timeout).unwrap();
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });

    let mut stalled = TcpStream::connect(address).await.unwrap();
    stalled
        .write_all(b"GET /events HTTP/1.1\r\nHost: hub\r\n\r\n")
        .await
        .unwrap();
    while hub.stats().subscribers == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let data = "x".repeat(EVENT);
    for _ in 0..512 {
        hub.publish(Message::new(&data)).unwrap();
        assert!(hub.stats().bytes <= 8 * (EVENT + 32), "{:?}", hub.stats());
        tokio::task::yield_now().await;
    }
    let started = std::time::Instant::now();
    while hub.stats().subscribers > 0 && started.elapsed() < wait {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(stalled);
    hub.stats().subscribers == 0
}

/// Once a stalled client's socket buffers and hyper's are full, the server
/// stops polling its body, so nothing in the body (queue bound, timer) can
/// notice: without a write timeout the connection stays, though the hub's
/// memory stays within its bounds. With `write_timeout` (`TCP_USER_TIMEOUT`,
/// set through axum's `tap_io`) the kernel closes it, which drops the
/// subscription. Real time: the kernel's timer cannot be paused.
#[tokio::test]
async fn a_client_that_never_reads_is_closed_by_the_write_timeout() {
    assert!(!stalled_client_dropped(None, Duration::from_secs(1)).await);
    assert!(
        stalled_client_dropped(Some(Duration::from_millis(500)), Duration::from_secs(60)).await
    );
}
