//! Two servers on one Redis stream, over HTTP (features `redis` and
//! `axum`): an event published on server A reaches a client that resumes
//! on server B with `Last-Event-ID`, exactly the events it missed, then the
//! live ones. Once with two hubs in this process behind a handler generic
//! over the hub's `Backend`, once with two `examples/sse_hub` processes
//! (`--redis URL --stream NAME`), which `cargo test --workspace
//! --all-features` builds (or `cargo build -p ssewire-async --features
//! axum,redis --example sse_hub`).
//!
//! Real sockets and a real server: the real clock, each wait bounded.

mod example_program;
#[path = "support/raw.rs"]
mod raw;
#[path = "support/redis.rs"]
mod redis_server;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ssewire::Message;
use ssewire_async::hub::{Backend, Hub, last_event_id};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn events<B: Backend>(State(hub): State<Arc<B>>, headers: HeaderMap) -> Response {
    match hub.subscribe(last_event_id(&headers)).await {
        Ok(subscription) => subscription.into_response(),
        Err(error) => (http::StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response(),
    }
}

async fn serve<B: Backend + 'static>(hub: B) -> SocketAddr {
    let app = Router::new()
        .route("/events", get(events::<B>))
        .with_state(Arc::new(hub));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// The `id` and `data` lines of a chunked response's body.
fn event_lines(response: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(response);
    let body = text.split_once("\r\n\r\n").unwrap().1;
    body.split("\r\n")
        .flat_map(|chunk| chunk.split('\n'))
        .filter(|line| line.starts_with("id: ") || line.starts_with("data: "))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_resumes_on_the_other_server_with_what_it_missed_then_live_events() {
    let Some((url, _server)) = redis_server::url() else {
        return;
    };
    let stream = format!("serve-{}", std::process::id());
    let a = Hub::builder().redis(&stream).connect(&url).await.unwrap();
    let b = Hub::builder().redis(&stream).connect(&url).await.unwrap();
    let address_b = serve(b).await;
    let _address_a = serve(a.clone()).await;
    let mut ids = Vec::new();
    for data in ["one", "two", "three"] {
        ids.push(
            a.publish(Message::new(data).event("note"))
                .await
                .unwrap()
                .to_string(),
        );
    }
    let mut socket = TcpStream::connect(address_b).await.unwrap();
    let request = format!(
        "GET /events HTTP/1.1\r\nHost: b\r\nLast-Event-ID: {}\r\n\r\n",
        ids[0]
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    raw::read_until(&mut socket, &mut got, "data: three\n").await;
    let live = a.publish(Message::new("four")).await.unwrap().to_string();
    raw::read_until(&mut socket, &mut got, "data: four\n").await;
    assert_eq!(
        event_lines(&got),
        [
            format!("id: {}", ids[1]),
            "data: two".to_owned(),
            format!("id: {}", ids[2]),
            "data: three".to_owned(),
            format!("id: {live}"),
            "data: four".to_owned(),
        ],
        "the two missed events, then the live one"
    );
}

/// `examples/sse_hub` on `url`'s stream `stream`, and its address; killed
/// when dropped; built with the `redis` feature, whose usage names
/// `--redis`.
fn sse_hub(url: &str, stream: &str) -> (Node, SocketAddr) {
    let mut child = example_program::example("sse_hub", "axum,redis", "--redis")
        .args([
            "--listen",
            "127.0.0.1:0",
            "--redis",
            url,
            "--stream",
            stream,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let stdout = child.stdout.take().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut first).unwrap();
    let node = Node(child);
    let address = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("sse_hub said {first:?} (built without --features redis?)"));
    (node, address.parse().unwrap())
}

/// A process, killed when dropped.
struct Node(std::process::Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `POST /publish` of `data` to `address`; the id it answers.
async fn post(address: SocketAddr, data: &str) -> String {
    let mut socket = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST /publish HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{data}",
        data.len()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        socket.read_to_string(&mut response),
    )
    .await
    .expect("an answer within 10 s")
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response.split_once("\r\n\r\n").unwrap().1.to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sse_hub_processes_share_a_stream() {
    let Some((url, _server)) = redis_server::url() else {
        return;
    };
    let stream = format!("sse_hub-{}", std::process::id());
    let (_a, address_a) = sse_hub(&url, &stream);
    let (_b, address_b) = sse_hub(&url, &stream);
    let mut ids = Vec::new();
    for data in ["one", "two", "three"] {
        ids.push(post(address_a, data).await);
    }
    let mut socket = TcpStream::connect(address_b).await.unwrap();
    let request = format!(
        "GET /events HTTP/1.1\r\nHost: b\r\nLast-Event-ID: {}\r\n\r\n",
        ids[0]
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    raw::read_until(&mut socket, &mut got, "data: three\n").await;
    let live = post(address_a, "four").await;
    raw::read_until(&mut socket, &mut got, "data: four\n").await;
    assert_eq!(
        event_lines(&got),
        [
            // sse_hub primes each stream with the client's last id.
            format!("id: {}", ids[0]),
            "data: ".to_owned(),
            format!("id: {}", ids[1]),
            "data: two".to_owned(),
            format!("id: {}", ids[2]),
            "data: three".to_owned(),
            format!("id: {live}"),
            "data: four".to_owned(),
        ],
    );
}
