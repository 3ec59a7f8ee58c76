//! The main crate's std-only `examples/server.rs`, talked to by curl (piped
//! into the `sse_to_json` example, as the README shows) and by plain sockets.
//!
//! curl is required when `SSEWIRE_REQUIRE_BROWSER` is set (CI); otherwise a
//! machine without it skips the curl tests, loudly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ssewire::OwnedDecoded;
use ssewire_interop::adapters::ReadItems;
use ssewire_interop::harness::{StdServer, announce_skip, runs, tools_required};

fn server_binary() -> &'static Path {
    env!("CARGO_BIN_EXE_server").as_ref()
}

/// Whether curl is here; panics if it is missing but required.
fn have_curl(test: &str) -> bool {
    if runs("curl") {
        return true;
    }
    assert!(
        !tools_required(),
        "curl is missing and SSEWIRE_REQUIRE_BROWSER is set"
    );
    announce_skip(test, "curl is not installed");
    false
}

/// `curl -sS -N [headers] URL | sse_to_json`, returning the JSON lines.
fn curl_into_sse_to_json(url: &str, headers: &[&str]) -> String {
    let mut curl = Command::new("curl")
        .args(["-sS", "-N", "--max-time", "30"])
        .args(headers.iter().flat_map(|h| ["-H", h]))
        .arg(url)
        .stdout(Stdio::piped())
        .spawn()
        .expect("run curl");
    let json = Command::new(env!("CARGO_BIN_EXE_sse_to_json"))
        .stdin(curl.stdout.take().unwrap())
        .output()
        .expect("run sse_to_json");
    let curl = curl.wait().unwrap();
    assert!(curl.success(), "curl: {curl}");
    assert!(
        json.status.success(),
        "sse_to_json: {}\n{}",
        json.status,
        String::from_utf8_lossy(&json.stderr)
    );
    String::from_utf8(json.stdout).unwrap()
}

#[test]
fn curl_piped_into_sse_to_json() {
    if !have_curl("curl_piped_into_sse_to_json") {
        return;
    }
    let server = StdServer::start(server_binary(), &["--script"]).unwrap();
    let out = curl_into_sse_to_json(&format!("{}/events", server.base_url), &[]);
    // Written by hand from the SCRIPT table of examples/server.rs.
    let expected = r#"{"retry":500}
{"event":"message","data":"hello","id":"1"}
{"event":"multiline","data":"LF\nCR LF\nCR\nend","id":"2"}
{"event":"message","data":"  two leading spaces, two trailing  ","id":"3"}
{"event":"multiline","data":"no id field: the last event ID is still 3\n","id":"3"}
{"event":"empty","data":"","id":"4"}
{"event":"ünïcødé","data":"héllo wörld ✓ 日本語 🎉","id":"5"}
{"event":"message","data":"data: not a field\n\nid: 99","id":"6"}
{"event":"message","data":"an empty id resets the last event ID","id":""}
{"event":"update","data":"the id is back","id":"7"}
{"event":"done","data":"bye","id":"8"}
{"last_event_id":"8"}
"#;
    assert_eq!(out, expected);
    let log = server.stop();
    assert!(log.contains("GET /events, Last-Event-ID: None"), "{log}");
}

#[test]
fn curl_with_a_last_event_id_header_resumes() {
    if !have_curl("curl_with_a_last_event_id_header_resumes") {
        return;
    }
    let server = StdServer::start(server_binary(), &["--script"]).unwrap();
    let out = curl_into_sse_to_json(
        &format!("{}/events", server.base_url),
        &["Last-Event-ID: 6"],
    );
    let expected = r#"{"retry":500}
{"event":"message","data":"an empty id resets the last event ID","id":""}
{"event":"update","data":"the id is back","id":"7"}
{"event":"done","data":"bye","id":"8"}
{"last_event_id":"8"}
"#;
    assert_eq!(out, expected);
    let log = server.stop();
    assert!(
        log.contains("GET /events, Last-Event-ID: Some(\"6\")"),
        "{log}"
    );
}

/// Sends a GET and returns the connection after the response head.
fn get(base_url: &str, path: &str, headers: &str) -> (String, BufReader<TcpStream>) {
    let address = base_url.trim_start_matches("http://");
    let mut socket = TcpStream::connect(address).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        socket,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\n{headers}\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(socket);
    let mut head = String::new();
    while reader.read_line(&mut head).unwrap() > 2 {}
    (head, reader)
}

#[test]
fn serves_the_page_and_404() {
    let server = StdServer::start(server_binary(), &[]).unwrap();
    let (head, mut body) = get(&server.base_url, "/", "");
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8\r\n"),
        "{head}"
    );
    let mut page = String::new();
    body.read_to_string(&mut page).unwrap();
    assert!(page.contains("new EventSource('/events')"), "{page}");
    let (head, _) = get(&server.base_url, "/nothing", "");
    assert!(head.starts_with("HTTP/1.1 404 Not Found\r\n"), "{head}");
}

/// Clients that hang up, or that send nonsense, end their own thread only.
#[test]
fn survives_clients_that_leave() {
    let server = StdServer::start(server_binary(), &["--script"]).unwrap();
    let address = server.base_url.trim_start_matches("http://").to_owned();
    for _ in 0..5 {
        let (head, mut body) = get(&server.base_url, "/events", "");
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        let mut first = [0; 16];
        body.read_exact(&mut first).unwrap();
        drop(body); // mid-stream: the server's next writes fail
    }
    for junk in [&b"\r\n\r\n"[..], b"GARBAGE", b""] {
        let mut socket = TcpStream::connect(&address).unwrap();
        socket.write_all(junk).unwrap();
    }
    // Still serving, every event there.
    let (_, body) = get(&server.base_url, "/events", "");
    let events = ReadItems::new(body)
        .map(Result::unwrap)
        .filter(|item| matches!(item, OwnedDecoded::Event(_)))
        .count();
    assert_eq!(events, 10);
}

/// The live stream: ticks whose ids are their numbers, resumable.
#[test]
fn live_stream_resumes_after_last_event_id() {
    let server = StdServer::start(server_binary(), &[]).unwrap();
    let started = Instant::now();
    let (_, body) = get(&server.base_url, "/events", "Last-Event-ID: 41\r\n");
    let mut items = ReadItems::new(body).map(Result::unwrap);
    assert_eq!(
        items.next(),
        Some(OwnedDecoded::Retry(Duration::from_millis(500)))
    );
    let Some(OwnedDecoded::Event(event)) = items.next() else {
        panic!("an event")
    };
    assert_eq!(event.event_type(), "tick");
    assert_eq!(event.last_event_id(), "42");
    assert_eq!(event.data(), "tick number 42\nsent every 2 s");
    assert!(started.elapsed() < Duration::from_secs(10));
}
