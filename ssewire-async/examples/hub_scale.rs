//! The hub against the usual code, side by side in one run, on 127.0.0.1:
//! memory per idle subscriber and CPU per keep-alive at 10,000 subscribers,
//! fan-out from one publisher to 1,000 subscribers (deliveries per second
//! and server CPU per delivery), and one client that never reads while
//! 20 MB are published.
//!
//! "The usual code" is what a user writes today (the peer recipe): axum's
//! `Sse` over a tokio `broadcast` channel, a hand-written replay ring, and
//! an `Event` built per client. Each server runs in a process of its own
//! (`hub_scale serve ...`), so that its resident memory and CPU time are its
//! own (`/proc/self/status`, `/proc/self/task/*/schedstat`); the clients run
//! in another (`hub_scale clients ...`), over hyper.
//!
//! ```text
//! cargo run --release -p ssewire-async --features axum --example hub_scale -- [--idle N] [--fanout N] [--events K] [--rounds R]
//! ```

// Counts and figures become f64 for ratios; the counts are far below 2^52.
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive as AxumKeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use futures_util::{StreamExt, stream};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use ssewire::Message;
use ssewire_async::KeepAlive;
use ssewire_async::hub::{Hub, last_event_id};
use tokio::sync::broadcast;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1], millis(&args[2]), number(&args[3])),
        Some("clients") => clients(&args[1], number(&args[2])),
        _ => drive(&args),
    }
}

fn number(text: &str) -> usize {
    text.parse()
        .unwrap_or_else(|_| panic!("not a number: {text}"))
}

fn millis(text: &str) -> Duration {
    Duration::from_millis(number(text) as u64)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Lines from stdin, read on a thread of their own.
fn commands() -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                return;
            }
        }
    });
    rx
}

fn reply(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Resident memory in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU time of every thread of this process, in nanoseconds.
fn cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

// ---------------------------------------------------------------- servers

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
fn serve(implementation: &str, keep_alive: Duration, queue: usize) {
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

// ---------------------------------------------------------------- clients

/// `hub_scale clients ADDRESS N`: N subscribers that read and count; then
/// answers `count` (events, comments) and `wait EVENTS`.
fn clients(address: &str, n: usize) {
    let address: std::net::SocketAddr = address.parse().unwrap();
    runtime().block_on(async move {
        let events = Arc::new(AtomicU64::new(0));
        let comments = Arc::new(AtomicU64::new(0));
        let connecting = Arc::new(tokio::sync::Semaphore::new(256));
        let (opened, mut open) = tokio::sync::mpsc::unbounded_channel();
        for _ in 0..n {
            let (events, comments, opened) = (events.clone(), comments.clone(), opened.clone());
            let permit = connecting.clone().acquire_owned().await.unwrap();
            tokio::spawn(async move {
                let socket = tokio::net::TcpStream::connect(address).await.unwrap();
                let (mut sender, connection) =
                    hyper::client::conn::http1::handshake(TokioIo::new(socket))
                        .await
                        .unwrap();
                tokio::spawn(connection);
                let request = http::Request::get("/events")
                    .header("host", "hub")
                    .body(Empty::<Bytes>::new())
                    .unwrap();
                let mut body = sender.send_request(request).await.unwrap().into_body();
                drop(permit);
                let _ = opened.send(());
                let mut line_start = true;
                while let Some(Ok(frame)) = body.frame().await {
                    let Some(data) = frame.data_ref() else {
                        continue;
                    };
                    let (mut e, mut c) = (0, 0);
                    for &byte in data {
                        if line_start {
                            e += u64::from(byte == b'd');
                            c += u64::from(byte == b':');
                        }
                        line_start = byte == b'\n';
                    }
                    events.fetch_add(e, Ordering::Relaxed);
                    comments.fetch_add(c, Ordering::Relaxed);
                }
            });
        }
        for _ in 0..n {
            open.recv().await;
        }
        reply(&format!("connected {n}"));
        let mut commands = commands();
        while let Some(command) = commands.recv().await {
            let words: Vec<&str> = command.split_whitespace().collect();
            match words[..] {
                ["count"] => reply(&format!(
                    "{} {}",
                    events.load(Ordering::Relaxed),
                    comments.load(Ordering::Relaxed)
                )),
                ["wait", target] => {
                    let deadline = Instant::now() + Duration::from_secs(120);
                    while events.load(Ordering::Relaxed) < number(target) as u64
                        && Instant::now() < deadline
                    {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    reply(&format!("reached {}", events.load(Ordering::Relaxed)));
                }
                _ => return,
            }
        }
    });
}

// ---------------------------------------------------------------- driver

/// A child process spoken to by lines; killed when dropped.
struct Peer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Peer {
    /// Runs this program with `args`, with the open-files limit raised to
    /// the hard limit (10,000 sockets need more than the usual 1,024).
    fn start(args: &[String]) -> (Peer, String) {
        let program = std::env::current_exe().unwrap();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@""#)
            .arg(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut peer = Peer {
            child,
            stdin,
            stdout,
        };
        let first = peer.line();
        (peer, first)
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "the child process ended");
        line.trim().to_owned()
    }

    fn ask(&mut self, command: &str) -> Vec<u64> {
        writeln!(self.stdin, "{command}").unwrap();
        self.line()
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server(implementation: &str, keep_alive_ms: u64, queue: usize) -> (Peer, String) {
    let args = [
        "serve",
        implementation,
        &keep_alive_ms.to_string(),
        &queue.to_string(),
    ];
    let (peer, first) = Peer::start(&args.map(str::to_owned));
    let address = first
        .strip_prefix("listening ")
        .expect("the server's address")
        .to_owned();
    (peer, address)
}

fn subscribers(address: &str, n: usize) -> Peer {
    let (peer, first) = Peer::start(&["clients".to_owned(), address.to_owned(), n.to_string()]);
    assert_eq!(first, format!("connected {n}"));
    peer
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

const IMPLEMENTATIONS: [&str; 2] = ["usual", "hub"];

fn drive(args: &[String]) {
    let option = |name: &str, default: usize| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|at| args.get(at + 1))
            .map_or(default, |value| number(value))
    };
    let (idle, fanout, events, rounds) = (
        option("--idle", 10_000),
        option("--fanout", 1_000),
        option("--events", 2_000),
        option("--rounds", 3),
    );
    println!("hub_scale: usual = axum Sse + tokio broadcast + ring; hub = ssewire_async::hub");

    println!("\n{idle} idle subscribers, keep-alive every 1 s (medians of {rounds} rounds):");
    for implementation in IMPLEMENTATIONS {
        let (mut memory, mut cpu) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let (mut server, address) = server(implementation, 1000, 256);
            let before = server.ask("stats");
            let mut clients = subscribers(&address, idle);
            std::thread::sleep(Duration::from_secs(2));
            let (s1, c1) = (server.ask("stats"), clients.ask("count"));
            assert_eq!(s1[2] as usize, idle, "subscribers registered");
            std::thread::sleep(Duration::from_secs(4));
            let (s2, c2) = (server.ask("stats"), clients.ask("count"));
            memory.push((s1[0] - before[0]) as f64 / idle as f64);
            cpu.push((s2[1] - s1[1]) as f64 / (c2[1] - c1[1]).max(1) as f64);
        }
        let (mut server, _) = server(implementation, 1000, 256);
        let held = server.ask(&format!("hold {idle}"))[0] as f64 / idle as f64;
        println!(
            "  {implementation:>5}: {:6.2} KiB per subscriber ({held:.2} KiB of it without HTTP), {:6.0} ns CPU per keep-alive",
            median(memory),
            median(cpu)
        );
    }

    let deliveries = (events * fanout) as u64;
    println!(
        "\nfan-out: {events} events of 100 bytes to {fanout} subscribers (medians of {rounds} rounds):"
    );
    let mut results = vec![(Vec::new(), Vec::new()); 2];
    for _ in 0..rounds {
        for (at, implementation) in IMPLEMENTATIONS.iter().enumerate() {
            let (mut server, address) = server(implementation, 15_000, 4096);
            let mut clients = subscribers(&address, fanout);
            let before = server.ask("stats");
            let start = Instant::now();
            server.ask(&format!("publish {events} 100"));
            let reached = clients.ask(&format!("wait {deliveries}"));
            let elapsed = start.elapsed().as_secs_f64();
            let after = server.ask("stats");
            assert_eq!(reached[0], deliveries, "every subscriber got every event");
            results[at].0.push(deliveries as f64 / elapsed);
            results[at]
                .1
                .push((after[1] - before[1]) as f64 / deliveries as f64);
        }
    }
    for (implementation, (rate, cpu)) in IMPLEMENTATIONS.iter().zip(results) {
        println!(
            "  {implementation:>5}: {:9.0} deliveries/s, {:6.0} ns server CPU per delivery",
            median(rate),
            median(cpu)
        );
    }

    println!("\none client that never reads, 2,000 events of 10 KiB (20 MB) published, queue 64:");
    for implementation in IMPLEMENTATIONS {
        let (mut server, address) = server(implementation, 15_000, 64);
        let mut stalled = std::net::TcpStream::connect(&address).unwrap();
        stalled
            .write_all(b"GET /events HTTP/1.1\r\nHost: hub\r\n\r\n")
            .unwrap();
        while server.ask("stats")[2] == 0 {
            std::thread::sleep(Duration::from_millis(10));
        }
        let before = server.ask("stats");
        server.ask("publish 2000 10240");
        let after = server.ask("stats");
        println!(
            "  {implementation:>5}: server RSS {} KiB before, {} KiB after (+{} KiB); subscribers after: {}",
            before[0],
            after[0],
            after[0].saturating_sub(before[0]),
            after[2]
        );
        drop(stalled);
    }
}
