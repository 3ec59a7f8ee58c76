//! A Server-Sent Events server using nothing but the standard library and
//! ssewire's encoder: one thread per client, HTTP/1.1 on 127.0.0.1.
//!
//! ```text
//! cargo run --example server -- [PORT] [--script] [--drop-after N]
//! ```
//!
//! - `GET /` is a page whose `EventSource('/events')` lists every event it
//!   receives (type, data, `lastEventId`).
//! - `GET /events` is the event stream (`text/event-stream`, not cached). It
//!   starts with a `retry` field, and a reconnecting client that sends a
//!   `Last-Event-ID` header resumes just after that event: nothing is lost and
//!   nothing repeated.
//!
//! Options:
//!
//! - `PORT`: default 8080. `0` lets the system pick a free port. The first
//!   line on stdout is always `listening on http://127.0.0.1:PORT/`.
//! - By default the stream is live and endless: a `tick` event every 2 s and
//!   a `: keep-alive` comment every 5 s, as a server with quiet periods sends
//!   so that proxies do not close the idle connection.
//! - `--script`: a short, finite stream of awkward events instead (multi-line
//!   data with LF, CR and CR LF, leading spaces, empty data, non-ASCII, text
//!   that looks like fields, an `id` reset), ending with an event of type
//!   `done`, after which the server closes the connection. For tests:
//!   `curl -N http://127.0.0.1:8080/events | cargo run -p ssewire-cli`.
//! - `--drop-after N`: close each connection after N events, to watch
//!   clients reconnect. The connection is closed just after an event that
//!   carries an `id`, so the client's `Last-Event-ID` says exactly where it
//!   got to.
//!
//! A client that goes away only ends its own thread: the next write fails and
//! the thread returns. Requests and resumptions are logged on stderr.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use ssewire::{MEDIA_TYPE, Message};

const USAGE: &str = "usage: server [PORT] [--script] [--drop-after N]";

/// The reconnection time sent to clients, in milliseconds.
const RETRY_MS: u64 = 500;

/// The `--script` stream: (event type, id, data), where `None` leaves the
/// field out. The last event ID persists until an `id` field changes it, so an
/// event without one keeps the previous ID; `Some("")` resets it.
const SCRIPT: &[(Option<&str>, Option<&str>, &str)] = &[
    (None, Some("1"), "hello"),
    (Some("multiline"), Some("2"), "LF\nCR LF\r\nCR\rend"),
    (None, Some("3"), "  two leading spaces, two trailing  "),
    (
        Some("multiline"),
        None,
        "no id field: the last event ID is still 3\n",
    ),
    (Some("empty"), Some("4"), ""),
    (Some("ünïcødé"), Some("5"), "héllo wörld ✓ 日本語 🎉"),
    (None, Some("6"), "data: not a field\n\nid: 99"),
    (None, Some(""), "an empty id resets the last event ID"),
    (Some("update"), Some("7"), "the id is back"),
    (Some("done"), Some("8"), "bye"),
];

/// How often, in seconds, the live stream sends an event and a keep-alive
/// comment.
const TICK_SECS: u64 = 2;
const KEEP_ALIVE_SECS: u64 = 5;

#[derive(Clone, Copy)]
struct Options {
    port: u16,
    script: bool,
    drop_after: Option<usize>,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("server: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(("127.0.0.1", options.port)) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "server: cannot listen on 127.0.0.1:{}: {error}",
                options.port
            );
            return ExitCode::from(1);
        }
    };
    match listener.local_addr() {
        Ok(address) => println!("listening on http://{address}/"),
        Err(error) => eprintln!("server: {error}"),
    }
    let _ = io::stdout().flush();

    for connection in listener.incoming() {
        let stream = match connection {
            Ok(stream) => stream,
            Err(error) => {
                eprintln!("server: accept failed: {error}");
                continue;
            }
        };
        thread::spawn(move || {
            let peer = stream
                .peer_addr()
                .map_or_else(|_| "?".into(), |a| a.to_string());
            if let Err(error) = serve(stream, options) {
                // Usually the client went away; only this thread ends.
                eprintln!("{peer}: {error}");
            }
        });
    }
    ExitCode::SUCCESS
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        port: 8080,
        script: false,
        drop_after: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--script" => options.script = true,
            "--drop-after" => {
                let value = args.next().ok_or("--drop-after needs a number")?;
                let n = value.parse().ok().filter(|&n| n > 0);
                options.drop_after = Some(n.ok_or_else(|| {
                    format!("--drop-after takes a positive number, not {value:?}")
                })?);
            }
            _ if !arg.starts_with('-') => {
                options.port = arg.parse().map_err(|_| format!("not a port: {arg:?}"))?;
            }
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    Ok(options)
}

/// Answers one request, then closes the connection.
fn serve(stream: TcpStream, options: Options) -> io::Result<()> {
    let (path, last_event_id) = read_request(&mut BufReader::new(&stream))?;
    let mut out = stream;
    match path.as_str() {
        "/" => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n";
            write!(
                out,
                "{head}Content-Length: {}\r\nConnection: close\r\n\r\n{PAGE}",
                PAGE.len()
            )
        }
        "/events" => {
            eprintln!("GET /events, Last-Event-ID: {last_event_id:?}");
            // No Content-Length: the body is the rest of the connection.
            let head = "HTTP/1.1 200 OK\r\nCache-Control: no-cache\r\nConnection: close\r\n";
            write!(out, "{head}Content-Type: {MEDIA_TYPE}\r\n\r\n")?;
            send_events(&mut out, options, last_event_id.as_deref())
        }
        _ => out
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    }
}

/// Reads the request head: returns the path and the `Last-Event-ID` header.
/// Every request is treated as a GET; this is an example, not a web server.
fn read_request(reader: &mut impl BufRead) -> io::Result<(String, Option<String>)> {
    let mut line = Vec::new();
    let mut path = None;
    let mut last_event_id = None;
    for _ in 0..100 {
        line.clear();
        if Read::take(&mut *reader, 8192).read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            let path = path.ok_or_else(|| io::Error::other("empty request"))?;
            return Ok((path, last_event_id));
        }
        if path.is_none() {
            // "GET /events?x=1 HTTP/1.1"
            let target = text.split(' ').nth(1).unwrap_or("/");
            path = Some(target.split('?').next().unwrap_or(target).to_owned());
        } else if let Some((name, value)) = text.split_once(':') {
            if name.eq_ignore_ascii_case("last-event-id") {
                last_event_id = Some(value.trim_matches([' ', '\t']).to_owned());
            }
        }
    }
    Err(io::Error::other("bad or truncated request"))
}

/// One event of the stream, before encoding.
struct Outgoing {
    event_type: Option<&'static str>,
    id: Option<String>,
    data: String,
}

impl Outgoing {
    fn message(&self) -> Message<'_> {
        let mut message = Message::new(&self.data);
        if let Some(event_type) = self.event_type {
            message = message.event(event_type);
        }
        if let Some(id) = &self.id {
            message = message.id(id);
        }
        message
    }
}

/// The event at position `n` (from 0) of the stream, or `None` past its end.
fn event_at(n: usize, script: bool) -> Option<Outgoing> {
    if script {
        let &(event_type, id, data) = SCRIPT.get(n)?;
        Some(Outgoing {
            event_type,
            id: id.map(str::to_owned),
            data: data.to_owned(),
        })
    } else {
        Some(Outgoing {
            event_type: Some("tick"),
            id: Some(n.to_string()),
            data: format!("tick number {n}\nsent every {TICK_SECS} s"),
        })
    }
}

/// Where a client that last saw the event with id `last_event_id` resumes.
/// An unknown id starts from the beginning.
fn resume_position(last_event_id: Option<&str>, script: bool) -> usize {
    let Some(id) = last_event_id.filter(|id| !id.is_empty()) else {
        return 0;
    };
    let found = if script {
        SCRIPT
            .iter()
            .position(|&(_, event_id, _)| event_id == Some(id))
    } else {
        id.parse().ok()
    };
    found.map_or(0, |n| n + 1)
}

fn send_events(
    out: &mut TcpStream,
    options: Options,
    last_event_id: Option<&str>,
) -> io::Result<()> {
    // Our event types and ids have no line breaks, so encoding cannot fail.
    let encode =
        |message: Message<'_>, buf: &mut Vec<u8>| message.write_to_vec(buf).expect("valid message");
    let mut buf = Vec::new();
    encode(
        Message::default().retry(Duration::from_millis(RETRY_MS)),
        &mut buf,
    );
    out.write_all(&buf)?;

    let mut n = resume_position(last_event_id, options.script);
    let mut sent = 0;
    let mut seconds = 0;
    loop {
        buf.clear();
        let event = if options.script {
            // Paced a little, so that the page shows them arriving.
            thread::sleep(Duration::from_millis(20));
            let Some(event) = event_at(n, true) else {
                eprintln!("end of the script: closing the connection");
                return Ok(());
            };
            Some(event)
        } else {
            thread::sleep(Duration::from_secs(1));
            seconds += 1;
            if seconds % KEEP_ALIVE_SECS == 0 {
                encode(Message::default().comment("keep-alive"), &mut buf);
            }
            if seconds % TICK_SECS == 0 {
                event_at(n, false)
            } else {
                None
            }
        };
        if let Some(event) = &event {
            encode(event.message(), &mut buf);
            n += 1;
            sent += 1;
        }
        // One write per event. An error means the client went away: it ends
        // this thread only.
        out.write_all(&buf)?;
        out.flush()?;

        let resumable = event.is_some_and(|event| event.id.is_some_and(|id| !id.is_empty()));
        if resumable && options.drop_after.is_some_and(|limit| sent >= limit) {
            eprintln!("dropping the connection after {sent} events (--drop-after)");
            return Ok(());
        }
    }
}

/// The page at `/`. `EventSource` delivers named events only to listeners of
/// that type, so it listens to each type this server sends. Every row also
/// keeps its fields percent-encoded in `data-record`, for tests that read the
/// page back.
const PAGE: &str = r#"<!doctype html>
<meta charset="utf-8">
<title>ssewire example server</title>
<style>td { font-family: monospace; white-space: pre; border-bottom: 1px solid #ccc }</style>
<h1>Server-sent events from ssewire</h1>
<p id="status" data-state="connecting">connecting…</p>
<table>
<thead><tr><th>type</th><th>data</th><th>lastEventId</th></tr></thead>
<tbody id="events"></tbody>
</table>
<script>
const types = ['message', 'tick', 'multiline', 'empty', 'ünïcødé', 'update', 'done'];
const source = new EventSource('/events');
const status = document.getElementById('status');
let opens = 0, errors = 0;
function show(state) {
  Object.assign(status.dataset, { state, opens, errors });
  status.textContent = `${state} (connections opened: ${opens}, errors: ${errors})`;
}
source.addEventListener('open', () => { opens++; show('open'); });
source.addEventListener('error', () => {
  errors++;
  show(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
});
function record(event) {
  const fields = [event.type, event.data, event.lastEventId];
  const row = document.createElement('tr');
  row.dataset.record = fields.map(encodeURIComponent).join(' ');
  for (const field of fields) {
    const cell = document.createElement('td');
    cell.textContent = field;
    row.append(cell);
  }
  document.getElementById('events').append(row);
  if (event.type === 'done') {
    source.close();
    show('done');
  }
}
for (const type of types) source.addEventListener(type, record);
</script>
"#;
