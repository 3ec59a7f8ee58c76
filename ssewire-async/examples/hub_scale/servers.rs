//! The two servers: the usual code (axum `Sse`, a tokio `broadcast`
//! channel, a hand-written ring, an `Event` built per client) and the hub.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive as AxumKeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::{StreamExt, stream};
use http_body_util::BodyExt;
use ssewire::Message;
use ssewire_async::KeepAlive;
use ssewire_async::hub::{Hub, last_event_id};
use tokio::sync::broadcast;

use crate::{commands, cpu_ns, number, reply, rss_kib, runtime};

/// The usual code: a broadcast channel, a replay ring, and `Sse`.
#[derive(Clone)]
struct Usual {
    tx: broadcast::Sender<(u64, String)>,
    ring: Arc<Mutex<std::collections::VecDeque<(u64, String)>>>,
    next: Arc<AtomicU64>,
    keep_alive: Duration,
}

const RING: usize = 16;

impl Usual {
    fn publish(&self, text: String) {
        let mut ring = self.ring.lock().unwrap();
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        if ring.len() == RING {
            ring.pop_front();
        }
        ring.push_back((id, text.clone()));
        let _ = self.tx.send((id, text));
    }
}

async fn usual_events(State(usual): State<Usual>, headers: HeaderMap) -> impl IntoResponse {
    let after = last_event_id(&headers).and_then(|id| id.parse::<u64>().ok());
    let rx = usual.tx.subscribe();
    let backlog: Vec<_> = match after {
        Some(after) => usual
            .ring
            .lock()
            .unwrap()
            .iter()
            .filter(|(id, _)| *id > after)
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let seen = backlog.last().map(|(id, _)| *id).or(after).unwrap_or(0);
    let live = stream::unfold(
        rx,
        |mut rx| async move { Some((rx.recv().await.ok()?, rx)) },
    )
    .filter(move |(id, _)| std::future::ready(*id > seen));
    let events = stream::iter(backlog).chain(live).map(|(id, text)| {
        Ok::<_, Infallible>(Event::default().event("tick").id(id.to_string()).data(text))
    });
    Sse::new(events).keep_alive(AxumKeepAlive::new().interval(usual.keep_alive))
}

async fn hub_events(State(hub): State<Hub>, headers: HeaderMap) -> Response {
    hub.subscribe(last_event_id(&headers)).into_response()
}

/// One of the two servers.
#[derive(Clone)]
enum Server {
    Hub(Hub),
    Usual(Usual),
}

impl Server {
    fn new(implementation: &str, keep_alive: Duration, queue: usize) -> Server {
        if implementation == "hub" {
            Server::Hub(
                Hub::builder()
                    .history(RING)
                    .queue(queue)
                    .keep_alive(Some(KeepAlive::new().interval(keep_alive)))
                    .build(),
            )
        } else {
            Server::Usual(Usual {
                tx: broadcast::channel(queue).0,
                ring: Arc::default(),
                next: Arc::default(),
                keep_alive,
            })
        }
    }

    fn app(&self) -> Router {
        match self.clone() {
            Server::Hub(hub) => Router::new()
                .route("/events", get(hub_events))
                .with_state(hub),
            Server::Usual(usual) => Router::new()
                .route("/events", get(usual_events))
                .with_state(usual),
        }
    }

    fn publish(&self, text: String) {
        match self {
            Server::Hub(hub) => drop(hub.publish(Message::new(&text).event("tick")).unwrap()),
            Server::Usual(usual) => usual.publish(text),
        }
    }

    fn subscribers(&self) -> usize {
        match self {
            Server::Hub(hub) => hub.stats().subscribers,
            Server::Usual(usual) => usual.tx.receiver_count(),
        }
    }

    /// A `GET /events` response body, made as the handler makes it and
    /// polled once, without HTTP: a subscriber's own state, apart from
    /// hyper's connection.
    async fn hold(&self) -> axum::body::Body {
        let response = match self.clone() {
            Server::Hub(hub) => hub_events(State(hub), HeaderMap::new()).await,
            Server::Usual(usual) => usual_events(State(usual), HeaderMap::new())
                .await
                .into_response(),
        };
        let mut body = response.into_body();
        assert!(futures_util::FutureExt::now_or_never(body.frame()).is_none());
        body
    }
}

/// `hub_scale serve IMPL KEEP_ALIVE_MS QUEUE`: serves `/events`, then
/// answers `stats` (RSS KiB, CPU ns, subscribers), `publish K SIZE` and
/// `hold N` (RSS KiB taken by N bodies made without HTTP).
pub fn serve(implementation: &str, keep_alive: Duration, queue: usize) {
    runtime().block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = Server::new(implementation, keep_alive, queue);
        let app = server.app();
        tokio::spawn(async move { axum::serve(listener, app).await });
        reply(&format!("listening {address}"));
        let mut held = Vec::new();
        let mut commands = commands();
        while let Some(command) = commands.recv().await {
            let words: Vec<&str> = command.split_whitespace().collect();
            match words[..] {
                ["stats"] => reply(&format!(
                    "{} {} {}",
                    rss_kib(),
                    cpu_ns(),
                    server.subscribers()
                )),
                ["publish", count, size] => {
                    let payload = "x".repeat(number(size));
                    for _ in 0..number(count) {
                        server.publish(payload.clone());
                        tokio::task::yield_now().await;
                    }
                    reply("published");
                }
                ["hold", n] => {
                    let before = rss_kib();
                    for _ in 0..number(n) {
                        held.push(server.hold().await);
                    }
                    reply(&format!("{}", rss_kib() - before));
                }
                _ => return,
            }
        }
    });
}
