//! The companion crate's serving half, `ssewire_async::response` over an
//! `SseBody` with keep-alive, read by clients that are not Rust: `curl -N`
//! and headless Chromium's `EventSource`.
//!
//! A hyper server on 127.0.0.1 answers `GET /events` with the hard-case
//! script (without its cuts: one connection) as `ssewire_async::Encoded`
//! messages. The stream goes silent once in the middle, long enough for
//! several keep-alive comments, so that those reach the clients between two
//! events. `GET /` is the interop test page, served by the same server so
//! that the `EventSource` is same-origin.
//!
//! Without curl or Chromium these tests skip, loudly, unless
//! `SSEWIRE_REQUIRE_BROWSER` is set (CI sets it), in which case they fail.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, stream};
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper::header::CONTENT_TYPE;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ssewire::{Decoded, Decoder, Finish};
use ssewire_async::{Encoded, KeepAlive, SseBody};
use ssewire_interop::harness::{
    announce_skip, chromium, dump_dom, read_page, runs, tools_required,
};
use ssewire_interop::script::{Expected, Script, Step, hard_cases};
use ssewire_interop::{Record, assert_same_events, server};
use tokio::net::TcpListener;

/// How long the message stream stays silent in the middle.
const SILENCE: Duration = Duration::from_millis(600);
/// The keep-alive interval: several fit in [`SILENCE`], and the stream is
/// never silent this long anywhere else.
const KEEP_ALIVE_EVERY: Duration = Duration::from_millis(100);
/// Unlike any comment of the script, so that keep-alives can be told apart.
const KEEP_ALIVE_TEXT: &str = "ssewire-async keep-alive";

/// The hard cases as one connection carries them, and the number of messages
/// sent before the silence.
fn uncut_script() -> (Script, usize) {
    let script = hard_cases().without_cuts();
    // Between two events, before the 100 KiB one and the id reset.
    let silence_after = script
        .steps()
        .iter()
        .position(|step| matches!(step, Step::Send(m) if m.id.as_deref() == Some("10")))
        .expect("the hard cases have an event with id 10")
        + 1;
    (script, silence_after)
}

/// The script's messages, encoded by the companion crate.
fn encoded(script: &Script) -> Vec<Encoded> {
    script
        .steps()
        .iter()
        .map(|step| match step {
            Step::Send(message) => Encoded::new(&message.message())
                .unwrap_or_else(|error| panic!("{message:?} cannot be encoded: {error}")),
            Step::Cut(_) => unreachable!("the script has no cuts"),
        })
        .collect()
}

/// The stream an [`SseBody`] sends here.
type Messages = Pin<Box<dyn Stream<Item = Result<Encoded, Infallible>> + Send>>;

/// `/events` is an [`SseBody`], `/` a page.
type CompanionBody = Either<SseBody<Messages>, Full<Bytes>>;

/// `messages`, with [`SILENCE`] before message number `silence_after`.
fn with_silence(messages: Vec<Encoded>, silence_after: usize) -> Messages {
    Box::pin(stream::unfold(
        (messages.into_iter(), 0),
        move |(mut rest, sent)| async move {
            if sent == silence_after {
                tokio::time::sleep(SILENCE).await;
            }
            let message = rest.next()?;
            Some((Ok(message), (rest, sent + 1)))
        },
    ))
}

/// The server's script, and the `Last-Event-ID` of every `GET /events`.
struct Companion {
    script: Script,
    silence_after: usize,
    requests: Mutex<Vec<Option<String>>>,
}

impl Companion {
    fn respond(&self, request: &Request<Incoming>) -> Response<CompanionBody> {
        match (request.method(), request.uri().path()) {
            (&Method::GET, "/events") => {
                let last_event_id = request
                    .headers()
                    .get("last-event-id")
                    .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
                self.requests.lock().unwrap().push(last_event_id);
                let messages = with_silence(encoded(&self.script), self.silence_after);
                let body = SseBody::new(messages).keep_alive(
                    KeepAlive::new()
                        .interval(KEEP_ALIVE_EVERY)
                        .text(KEEP_ALIVE_TEXT),
                );
                ssewire_async::response(body).map(Either::Left)
            }
            (&Method::GET, "/") => {
                let page = server::page(&self.script.expected().event_types);
                Response::builder()
                    .header(CONTENT_TYPE, "text/html; charset=utf-8")
                    .body(Either::Right(Full::new(Bytes::from(page))))
                    .expect("a valid response")
            }
            _ => Response::builder()
                .status(StatusCode::NOT_FOUND)
                .body(Either::Right(Full::new(Bytes::new())))
                .expect("a valid response"),
        }
    }
}

/// Serves `companion` on 127.0.0.1, any free port, from a runtime in a thread
/// of its own (the tests block on curl and Chromium). The thread lives as
/// long as the process.
fn start(companion: Arc<Companion>) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async move {
            let listener = TcpListener::bind(("127.0.0.1", 0))
                .await
                .expect("bind 127.0.0.1:0");
            tx.send(listener.local_addr().expect("a local address"))
                .expect("the test waits for the address");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let companion = companion.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        std::future::ready(Ok::<_, Infallible>(companion.respond(&request)))
                    });
                    // A client that went away ends its connection only.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().expect("the server thread sends its address")
}

fn start_companion() -> (Arc<Companion>, SocketAddr) {
    let (script, silence_after) = uncut_script();
    let companion = Arc::new(Companion {
        script,
        silence_after,
        requests: Mutex::new(Vec::new()),
    });
    let address = start(companion.clone());
    (companion, address)
}

/// What a decoder with comments on found in a whole body.
#[derive(Debug, Default)]
struct Items {
    events: Vec<Record>,
    retries: Vec<u64>,
    comments: Vec<String>,
}

fn decode_all(body: &[u8]) -> Items {
    let mut decoder = Decoder::builder().comments(true).build();
    let mut items = Items::default();
    let mut rest = body;
    loop {
        let (item, consumed) = decoder.decode(rest);
        let found = item.is_some();
        match item {
            Some(Decoded::Event(event)) => items.events.push(Record::from(event)),
            Some(Decoded::Retry(time)) => items
                .retries
                .push(u64::try_from(time.as_millis()).expect("sent as a u64")),
            Some(Decoded::Comment(text)) => items.comments.push(text.to_owned()),
            Some(other) => panic!("unexpected item {other:?}"),
            None => {}
        }
        rest = &rest[consumed..];
        if !found && (rest.is_empty() || consumed == 0) {
            break;
        }
    }
    assert!(rest.is_empty(), "{} bytes left undecoded", rest.len());
    assert_eq!(
        decoder.finish(),
        Finish::Clean,
        "the body ends inside an event"
    );
    items
}

/// The comment lines of the script's messages, in order.
fn script_comments(script: &Script) -> Vec<String> {
    script
        .steps()
        .iter()
        .filter_map(|step| match step {
            Step::Send(message) => message.comment.as_deref(),
            Step::Cut(_) => None,
        })
        .flat_map(|comment| comment.split('\n').map(str::to_owned))
        .collect()
}

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

#[test]
fn curl_reads_an_sse_body_with_keep_alives() {
    if !have_curl("curl_reads_an_sse_body_with_keep_alives") {
        return;
    }
    let (companion, address) = start_companion();
    let output = Command::new("curl")
        .args(["-sS", "-N", "-i", "--max-time", "30"])
        .arg(format!("http://{address}/events"))
        .output()
        .expect("run curl");
    assert!(
        output.status.success(),
        "curl: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let out = output.stdout;
    let head_end = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8(out[..head_end].to_vec()).expect("an ASCII head");
    let body = &out[head_end + 4..];

    let mut lines = head.split("\r\n");
    assert_eq!(lines.next(), Some("HTTP/1.1 200 OK"), "{head}");
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("a header line");
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    for (name, value) in [
        ("content-type", "text/event-stream"),
        ("cache-control", "no-cache, no-transform"),
        ("x-accel-buffering", "no"),
    ] {
        assert!(
            headers.iter().any(|(n, v)| n == name && v == value),
            "no {name}: {value} in\n{head}"
        );
    }

    // The bytes: every message as ssewire's own encoder writes it, in order,
    // with nothing but whole keep-alive comments in the silence, and none
    // anywhere else.
    let messages = companion.script.steps();
    let encode = |steps: &[Step]| -> Vec<u8> {
        steps
            .iter()
            .flat_map(|step| match step {
                Step::Send(message) => message.encode(),
                Step::Cut(_) => Vec::new(),
            })
            .collect()
    };
    let before = encode(&messages[..companion.silence_after]);
    let after = encode(&messages[companion.silence_after..]);
    assert!(
        body.len() >= before.len() + after.len(),
        "short body: {} bytes",
        body.len()
    );
    assert!(
        body.starts_with(&before),
        "the body differs before the silence"
    );
    assert!(body.ends_with(&after), "the body differs after the silence");
    let silence = &body[before.len()..body.len() - after.len()];
    let keep_alive = format!(": {KEEP_ALIVE_TEXT}\n");
    let keep_alives = silence.len() / keep_alive.len();
    assert!(keep_alives >= 1, "no keep-alive comment in the silence");
    assert_eq!(
        silence,
        keep_alive.repeat(keep_alives).as_bytes(),
        "the silence holds something else than keep-alive comments"
    );

    // And what they mean, worked out from the script's fields.
    let Expected {
        events, retries, ..
    } = companion.script.expected();
    let items = decode_all(body);
    assert_same_events(&items.events, &events);
    assert_eq!(items.retries, retries);
    let (sent_keep_alives, comments): (Vec<String>, Vec<String>) = items
        .comments
        .into_iter()
        .partition(|comment| comment == KEEP_ALIVE_TEXT);
    assert_eq!(sent_keep_alives.len(), keep_alives);
    assert_eq!(comments, script_comments(&companion.script));
    assert_eq!(*companion.requests.lock().unwrap(), [None]);
}

/// The virtual time Chromium may spend; see tests/browser.rs.
const BUDGET: Duration = Duration::from_secs(30);
/// The real time after which Chromium is killed and the test fails.
const LIMIT: Duration = Duration::from_secs(90);

#[test]
fn chromium_event_source_reads_an_sse_body() {
    let test = "chromium_event_source_reads_an_sse_body";
    let chromium = match chromium() {
        Ok(Some(path)) => path,
        Ok(None) => {
            announce_skip(test, "Chromium is not installed (apt-get install chromium)");
            return;
        }
        Err(error) => panic!("{error}"),
    };
    let (companion, address) = start_companion();
    let dom = dump_dom(&chromium, &format!("http://{address}/"), BUDGET, LIMIT)
        .unwrap_or_else(|error| panic!("{error}"));
    let page = read_page(&dom).unwrap_or_else(|error| panic!("{error}\nDOM:\n{dom}"));

    // Every event's type, data and lastEventId, in order, as the script's
    // fields call for; the page closes the EventSource on the last one.
    assert_same_events(&page.records, &companion.script.expected().events);
    assert_eq!(page.state, "done");
    // One connection, never lost: keep-alives and the silence did not make
    // Chromium reconnect.
    assert_eq!((page.opens, page.errors), (1, 0), "opens and errors");
    assert_eq!(*companion.requests.lock().unwrap(), [None]);
}
