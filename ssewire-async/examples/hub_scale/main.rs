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

mod clients;
mod servers;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => servers::serve(&args[1], millis(&args[2]), number(&args[3])),
        Some("clients") => clients::clients(&args[1], number(&args[2])),
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
