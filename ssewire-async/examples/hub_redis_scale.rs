//! The hub on Redis against the in-memory hub, side by side in one run, on
//! 127.0.0.1: publish-to-subscriber latency (p50, p99), deliveries per
//! second, and memory per subscriber.
//!
//! - `memory`: one `Hub`; the publisher and every subscriber in it.
//! - `redis`: two servers (`RedisHub`s on one stream) and one redis-server;
//!   the publisher on server A, the subscribers split evenly between A and
//!   B, so half of the deliveries cross from one server to the other.
//!
//! The servers run in this process, as `Subscription` streams read by
//! tasks, without HTTP: the figures are the hubs' own (an HTTP connection
//! costs the same on both, about 18 KiB; see docs/PERF-LOG.md). Redis is
//! `SSEWIRE_REDIS_URL`, or a redis-server started here on a free port,
//! without persistence.
//!
//! ```text
//! cargo run --release -p ssewire-async --features redis --example hub_redis_scale -- [--subscribers N] [--events K] [--idle N] [--rounds R]
//! ```

// Counts and durations become f64 for rates; all far below 2^52.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use ssewire::Message;
use ssewire_async::hub::{Hub, RedisHub, Subscription};

/// The hub under test: publish, and subscribe on the n-th server.
enum Bench {
    Memory(Hub),
    Redis(RedisHub, RedisHub),
}

impl Bench {
    async fn new(kind: &str, url: &str, stream: &str, queue: usize) -> Bench {
        let builder = || Hub::builder().history(1024).queue(queue);
        if kind == "memory" {
            return Bench::Memory(builder().build());
        }
        let node = || async {
            builder()
                .redis(stream)
                .connect(url)
                .await
                .expect("redis answers")
        };
        Bench::Redis(node().await, node().await)
    }

    async fn publish(&self, data: &str) {
        match self {
            Bench::Memory(hub) => drop(hub.publish(Message::new(data).event("tick")).unwrap()),
            Bench::Redis(a, _) => drop(a.publish(Message::new(data).event("tick")).await.unwrap()),
        }
    }

    async fn subscribe(&self, n: usize) -> Subscription {
        match self {
            Bench::Memory(hub) => hub.subscribe(None),
            Bench::Redis(a, b) => [a, b][n % 2].subscribe(None).await.unwrap(),
        }
    }
}

/// Nanoseconds since `epoch`, the clock the events carry.
fn now(epoch: Instant) -> u64 {
    epoch.elapsed().as_nanos() as u64
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

/// `subscribers` tasks reading `events` events each; each returns the
/// latency of every event it got, from the time in its data.
async fn readers(
    bench: &Bench,
    subscribers: usize,
    events: usize,
    epoch: Instant,
) -> Vec<tokio::task::JoinHandle<Vec<u64>>> {
    let mut tasks = Vec::with_capacity(subscribers);
    for n in 0..subscribers {
        let mut subscription = bench.subscribe(n).await;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(events);
            while latencies.len() < events {
                let Some(Ok(sent)) = subscription.next().await else {
                    panic!("subscription ended: {:?}", subscription.end());
                };
                let text = std::str::from_utf8(sent.as_bytes()).unwrap();
                let sent_at: u64 = text
                    .lines()
                    .find_map(|line| line.strip_prefix("data: "))
                    .and_then(|data| data.split(' ').next()?.parse().ok())
                    .unwrap();
                latencies.push(now(epoch) - sent_at);
            }
            latencies
        }));
    }
    tasks
}

/// Publishes `events` events, 16 at a time: a publisher on Redis waits a
/// round trip for each id, and a real one has many requests in flight.
async fn publish_all(bench: &Bench, events: usize, epoch: Instant, padding: &str) {
    futures_util::stream::iter(0..events)
        .for_each_concurrent(16, |_| async move {
            bench.publish(&format!("{} {padding}", now(epoch))).await;
        })
        .await;
}

/// CPU time of every thread of process `pid`, in nanoseconds.
fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// What Redis spent per published event.
struct Cost {
    cpu_ns: f64,
    xadd_ns: f64,
    xread_ns: f64,
    xreads: f64,
}

/// Redis's own cost per published event with `nodes` servers reading the
/// stream (one subscriber each), `events` events published on the first:
/// its CPU time, and the time its `INFO commandstats` gives to `XADD` and
/// `XREAD`, with the number of `XREAD` calls (the batching).
async fn redis_cost(url: &str, pid: u32, nodes: usize, events: usize) -> Cost {
    let stream = format!("hub_redis_scale-{}-cost-{nodes}", std::process::id());
    let mut hubs = Vec::new();
    for _ in 0..nodes {
        let hub = Hub::builder().history(1024).queue(events + 1);
        hubs.push(
            hub.redis(&stream)
                .connect(url)
                .await
                .expect("redis answers"),
        );
    }
    let epoch = Instant::now();
    let mut tasks = Vec::new();
    for hub in &hubs {
        let mut subscription = hub.subscribe(None).await.unwrap();
        tasks.push(tokio::spawn(async move {
            for _ in 0..events {
                subscription.next().await.unwrap().unwrap();
            }
        }));
    }
    let mut admin = redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query_async(&mut admin)
        .await
        .unwrap();
    let before = cpu_ns(pid);
    let bench = Bench::Redis(hubs[0].clone(), hubs[0].clone());
    publish_all(&bench, events, epoch, &"x".repeat(80)).await;
    for task in tasks {
        task.await.unwrap();
    }
    let cpu = cpu_ns(pid) - before;
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut admin)
        .await
        .unwrap();
    // `cmdstat_xadd:calls=20000,usec=41234,...`
    let stat = |command: &str, field: &str| -> f64 {
        info.lines()
            .find_map(|line| line.strip_prefix(&format!("cmdstat_{command}:")))
            .and_then(|fields| {
                fields
                    .split(',')
                    .find_map(|pair| pair.strip_prefix(&format!("{field}=")))
            })
            .and_then(|value| value.parse().ok())
            .unwrap_or(0.0)
    };
    let events = events as f64;
    Cost {
        cpu_ns: cpu as f64 / events,
        xadd_ns: stat("xadd", "usec") * 1e3 / events,
        xread_ns: stat("xread", "usec") * 1e3 / events,
        xreads: stat("xread", "calls") / events,
    }
}

struct Figures {
    p50_us: f64,
    p99_us: f64,
    deliveries_per_s: f64,
    kib_per_subscriber: f64,
}

async fn measure(kind: &str, url: &str, round: usize, options: &Options) -> Figures {
    let epoch = Instant::now();
    let padding = "x".repeat(80);
    // Latency: events 2 ms apart, so that each is delivered before the
    // next, to every subscriber.
    let stream = format!("hub_redis_scale-{}-{round}-latency", std::process::id());
    let bench = Bench::new(kind, url, &stream, 4096).await;
    let tasks = readers(&bench, options.subscribers, 200, epoch).await;
    for _ in 0..200 {
        bench.publish(&format!("{} {padding}", now(epoch))).await;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    latencies.sort_unstable();
    let percentile = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize] as f64 / 1e3;
    let (p50_us, p99_us) = (percentile(0.50), percentile(0.99));
    drop(bench);

    // Throughput: events back to back, the publisher never waiting for a
    // subscriber; from the first publish to the last delivery.
    let stream = format!("hub_redis_scale-{}-{round}-rate", std::process::id());
    let bench = Bench::new(kind, url, &stream, options.events + 1).await;
    let tasks = readers(&bench, options.subscribers, options.events, epoch).await;
    let start = Instant::now();
    publish_all(&bench, options.events, epoch, &padding).await;
    for task in tasks {
        assert_eq!(task.await.unwrap().len(), options.events);
    }
    let deliveries_per_s =
        (options.subscribers * options.events) as f64 / start.elapsed().as_secs_f64();
    drop(bench);

    Figures {
        p50_us,
        p99_us,
        deliveries_per_s,
        kib_per_subscriber: held(kind, url, round, options.idle),
    }
}

/// Resident memory per idle subscription, half on each server, measured
/// in a process of its own (`hub_redis_scale hold KIND URL ROUND N`), so
/// that memory freed by the other measures does not hide it.
fn held(kind: &str, url: &str, round: usize, idle: usize) -> f64 {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["hold", kind, url, &round.to_string(), &idle.to_string()])
        .output()
        .expect("the hold process");
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("hold printed {text:?}"))
}

fn hold(kind: &str, url: &str, round: &str, idle: usize) {
    runtime().block_on(async {
        let stream = format!("hub_redis_scale-{}-{round}-idle", std::process::id());
        let bench = Bench::new(kind, url, &stream, 256).await;
        let _warm = bench.subscribe(0).await;
        let before = rss_kib();
        let mut held = Vec::with_capacity(idle);
        for n in 0..idle {
            held.push(bench.subscribe(n).await);
        }
        println!("{}", (rss_kib() - before) as f64 / idle as f64);
    });
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

struct Options {
    subscribers: usize,
    events: usize,
    idle: usize,
    rounds: usize,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A redis-server of our own on a free port, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn redis() -> (String, Option<Server>) {
    if let Ok(url) = std::env::var("SSEWIRE_REDIS_URL") {
        return (url, None);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server on PATH, or SSEWIRE_REDIS_URL");
    let server = Server(child);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(20));
    }
    (format!("redis://127.0.0.1:{port}/"), Some(server))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str, default: usize| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|at| args.get(at + 1))
            .map_or(default, |value| value.parse().expect("a number"))
    };
    let options = Options {
        subscribers: option("--subscribers", 1000),
        events: option("--events", 2000),
        idle: option("--idle", 10_000),
        rounds: option("--rounds", 3),
    };
    if let ["hold", kind, url, round, idle] =
        &args.iter().map(String::as_str).collect::<Vec<_>>()[..]
    {
        hold(kind, url, round, idle.parse().expect("a number"));
        return;
    }
    let (url, server) = redis();
    let runtime = runtime();
    let url = Arc::new(url);
    println!(
        "hub_redis_scale: {} subscribers, 200 paced events (latency), {} back-to-back events (rate), {} idle subscriptions (memory); medians of {} rounds",
        options.subscribers, options.events, options.idle, options.rounds
    );
    let mut results = [Vec::new(), Vec::new()];
    for round in 0..options.rounds {
        for (at, kind) in ["memory", "redis"].into_iter().enumerate() {
            results[at].push(runtime.block_on(measure(kind, &url, round, &options)));
        }
    }
    for (kind, figures) in ["memory", "redis"].into_iter().zip(results.iter()) {
        let pick = |f: fn(&Figures) -> f64| median(figures.iter().map(f).collect());
        println!(
            "  {kind:>6}: latency p50 {:8.1} us, p99 {:8.1} us; {:9.0} deliveries/s; {:.3} KiB per subscriber",
            pick(|f| f.p50_us),
            pick(|f| f.p99_us),
            pick(|f| f.deliveries_per_s),
            pick(|f| f.kib_per_subscriber),
        );
    }
    let Some(pid) = server.as_ref().map(|server| server.0.id()) else {
        println!("Redis CPU not measured: SSEWIRE_REDIS_URL names a server not started here");
        return;
    };
    println!(
        "redis-server per event published, 20,000 events, publisher on the first server, one subscriber per server (medians of {}):",
        options.rounds
    );
    for nodes in [1, 2, 4, 8] {
        let costs: Vec<Cost> = (0..options.rounds)
            .map(|_| runtime.block_on(redis_cost(&url, pid, nodes, 20_000)))
            .collect();
        let pick = |f: fn(&Cost) -> f64| median(costs.iter().map(f).collect());
        println!(
            "  {nodes} servers: {:6.0} ns CPU; in commands: XADD {:5.0} ns, XREAD {:5.0} ns ({:.3} XREAD calls per event)",
            pick(|c| c.cpu_ns),
            pick(|c| c.xadd_ns),
            pick(|c| c.xread_ns),
            pick(|c| c.xreads),
        );
    }
}
