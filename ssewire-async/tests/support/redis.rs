//! A real redis-server for the hub's Redis tests. `SSEWIRE_REDIS_URL`
//! names a running one (.ci/redis.sh starts it); otherwise a test starts
//! its own from `redis-server` on PATH, on a free loopback port, without
//! persistence unless asked. Without either, a test prints one `SKIP:`
//! line and passes, unless `SSEWIRE_REQUIRE_REDIS=1`, which makes it fail.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Says why Redis cannot be had: fails under `SSEWIRE_REQUIRE_REDIS=1`,
/// else prints one `SKIP:` line per test program, straight to stderr (the
/// test harness captures `eprintln!`).
fn unavailable(why: &str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    assert!(
        std::env::var_os("SSEWIRE_REQUIRE_REDIS").is_none_or(|v| v != "1"),
        "SSEWIRE_REQUIRE_REDIS=1 but {why}"
    );
    ONCE.call_once(|| {
        let program = std::env::args().next().unwrap_or_default();
        let line = format!(
            "SKIP: {program}: {why} (apt-get install redis-server, or set SSEWIRE_REDIS_URL)\n"
        );
        let _ = std::io::stderr().write_all(line.as_bytes());
    });
}

/// The URL of the shared server, or of one this test starts (kept alive by
/// the returned guard); `None` after the `SKIP:` line.
pub fn url() -> Option<(String, Option<RedisServer>)> {
    if let Ok(url) = std::env::var("SSEWIRE_REDIS_URL") {
        return Some((url, None));
    }
    let server = RedisServer::start(None)?;
    Some((server.url(), Some(server)))
}

/// A redis-server process of the test's own, killed when dropped.
pub struct RedisServer {
    child: Child,
    pub port: u16,
    /// Its directory for the append-only file, if it persists.
    dir: Option<PathBuf>,
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

impl RedisServer {
    /// Starts redis-server on a free port; with `dir`, with an append-only
    /// file there, synced on every write, so that a restart keeps the data.
    pub fn start(dir: Option<PathBuf>) -> Option<RedisServer> {
        RedisServer::start_on(free_port(), dir)
    }

    pub fn start_on(port: u16, dir: Option<PathBuf>) -> Option<RedisServer> {
        let mut command = Command::new("redis-server");
        command
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ])
            .args(["--daemonize", "no", "--loglevel", "warning"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match &dir {
            Some(dir) => command
                .args(["--appendonly", "yes", "--appendfsync", "always", "--dir"])
                .arg(dir),
            None => command.args(["--appendonly", "no"]),
        };
        let child = match command.spawn() {
            Ok(child) => child,
            Err(error) => {
                unavailable(&format!("redis-server cannot be started: {error}"));
                return None;
            }
        };
        let server = RedisServer { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !server.answers() {
            assert!(
                Instant::now() < deadline,
                "redis-server on port {port} did not answer PING in 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Whether it answers `PING` with `+PONG`.
    fn answers(&self) -> bool {
        let Ok(mut socket) = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)) else {
            return false;
        };
        let _ = socket.set_read_timeout(Some(Duration::from_secs(1)));
        let mut answer = [0; 7];
        socket.write_all(b"PING\r\n").is_ok()
            && socket.read_exact(&mut answer).is_ok()
            && &answer == b"+PONG\r\n"
    }

    /// Kills it (SIGKILL: no last save) and starts it again on the same
    /// port, with the same persistence.
    pub fn restart(self) -> RedisServer {
        let (port, dir) = self.kill();
        RedisServer::start_on(port, dir).expect("redis-server started once already")
    }

    /// Kills it (SIGKILL); returns its port and directory, to start it
    /// again with [`RedisServer::start_on`].
    pub fn kill(mut self) -> (u16, Option<PathBuf>) {
        let (port, dir) = (self.port, self.dir.take());
        self.stop();
        (port, dir)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends one command to the server at `url` (`redis://HOST:PORT/`) and
/// returns the first line of its reply: for writing to a stream as
/// something other than a hub would.
pub fn command(url: &str, args: &[&[u8]]) -> String {
    let address = url.trim_start_matches("redis://").trim_end_matches('/');
    let mut socket = TcpStream::connect(address).expect("redis at the URL");
    let mut request = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        request.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        request.extend_from_slice(arg);
        request.extend_from_slice(b"\r\n");
    }
    socket.write_all(&request).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reply = Vec::new();
    let mut byte = [0];
    while !reply.ends_with(b"\r\n") {
        socket.read_exact(&mut byte).expect("a reply within 5 s");
        reply.push(byte[0]);
    }
    String::from_utf8_lossy(&reply).trim_end().to_owned()
}
