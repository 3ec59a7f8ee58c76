//! Follows an event stream the way a browser's `EventSource` does and prints
//! one JSON object per line, as `sse_to_json` (the repository's `cli/`)
//! does:
//!
//! - `{"event":"<type>","data":"<data>","id":"<last event id>"}` per event,
//! - `{"retry":<ms>}` each time a `retry` field sets the reconnection time.
//!
//! ```text
//! cargo run -p ssewire-async --features reqwest --example sse_follow -- --help
//! ```
//!
//! It sends `Accept: text/event-stream`, and `Last-Event-ID` on
//! reconnections when the last event ID is not empty; when a connection
//! ends, fails or stalls it waits the reconnection time and reconnects. It
//! never reconnects after a status other than 200 or a `Content-Type` other
//! than `text/event-stream`, and never sends a request with a body or a
//! method that is not idempotent (`-X POST`, `-d BODY`) twice. Each line is
//! flushed as soon as it is printed; diagnostics go to stderr.

use std::error::Error as _;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use futures_util::StreamExt;
use ssewire::client::{Client, DEFAULT_MAX_RECONNECTION_TIME, DEFAULT_READ_TIMEOUT};
use ssewire_async::Item;
use ssewire_async::client::{Connect, Error, EventSource, Update};

const USAGE: &str = "usage: sse_follow [OPTIONS] URL   (--help for more)";

const HELP: &str = "\
sse_follow: follow a Server-Sent Events stream as a browser's EventSource does,
printing each event as a JSON line.

usage: sse_follow [OPTIONS] URL

options:
  -X METHOD               request method (default GET; POST with -d)
  -d BODY                 request body
  -H 'Name: value'        a request header (repeatable)
  --read-timeout SECONDS  reconnect after this long without a byte (default 60; 0: never)
  --max-wait SECONDS      ceiling on the server's `retry` (default 30)
  --max-tries N           give up after N attempts in a row without a response (default 5)
  --max-connections N     exit once N connections have ended
  --last-event-id ID      resume after this ID (the first request sends it)
  -h, --help              this text

A request with a body or a method other than GET, HEAD, OPTIONS, TRACE, PUT
and DELETE is sent once: when its stream ends, fails or stalls it is not
sent again (exit status 4).

exit status:
  0  the server answered 204 No Content (its way of saying: stop)
  1  the server refused: a status other than 200, or not text/event-stream
  2  usage error
  3  --max-connections connections ended
  4  the stream of a request that is not repeated ended or was cut
  5  gave up: --max-tries attempts in a row got no response
";

/// The command line.
struct Args {
    url: String,
    method: reqwest::Method,
    body: Option<String>,
    headers: reqwest::header::HeaderMap,
    read_timeout: Option<Duration>,
    max_wait: Duration,
    max_tries: u32,
    max_connections: Option<usize>,
    last_event_id: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("sse_follow: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut source = follow(&args);
    let mut out = io::stdout().lock();
    let mut line = String::new();
    let (mut ended, mut unanswered) = (0, 0);
    while let Some(update) = source.next().await {
        line.clear();
        match update {
            Ok(Update::Open { .. }) => {
                unanswered = 0;
                eprintln!("sse_follow: connected");
            }
            Ok(Update::Item(Item::Event(event))) => push_event(&mut line, &event),
            Ok(Update::Item(Item::Retry(time))) => {
                let _ = writeln!(line, "{{\"retry\":{}}}", time.as_millis());
            }
            Ok(Update::Item(Item::Error(error))) => eprintln!("sse_follow: {error}"),
            Ok(Update::LastEventIdNotSent { id }) => eprintln!(
                "sse_follow: the last event ID {id:?} holds a character no HTTP header can \
                 carry: reconnecting without Last-Event-ID, so the server may start over"
            ),
            Ok(Update::Reconnecting { delay, finish }) => {
                ended += 1;
                if finish == Some(ssewire::Finish::Truncated) {
                    eprintln!("sse_follow: the stream ended inside an event, which was discarded");
                }
                if Some(ended) == args.max_connections {
                    eprintln!("sse_follow: {ended} connection(s) ended");
                    return ExitCode::from(3);
                }
                if unanswered >= args.max_tries {
                    eprintln!(
                        "sse_follow: gave up: {unanswered} attempt(s) in a row got no response"
                    );
                    return ExitCode::from(5);
                }
                eprintln!("sse_follow: reconnecting in {} ms", delay.as_millis());
            }
            Ok(_) => {}
            Err(error) => {
                if matches!(
                    error,
                    Error::Connect(_)
                        | Error::Stalled {
                            responded: false,
                            ..
                        }
                ) {
                    unanswered += 1;
                }
                eprintln!("sse_follow: {}", with_causes(&error));
                match error {
                    Error::NotRepeated(_) => return ExitCode::from(4),
                    error if error.is_terminal() => return ExitCode::from(1),
                    _ => {}
                }
            }
        }
        if !line.is_empty() {
            if let Err(error) = out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
                eprintln!("sse_follow: {error}");
                return ExitCode::from(1);
            }
        }
    }
    // The stream ends without an error only after 204 No Content.
    eprintln!("sse_follow: the server answered 204 No Content");
    ExitCode::SUCCESS
}

/// The reconnecting client for the command line's request and settings.
fn follow(args: &Args) -> EventSource<impl Connect<Body = reqwest::Body, Error = reqwest::Error>> {
    let mut policy = Client::builder();
    if let Some(id) = &args.last_event_id {
        policy = policy.last_event_id(id);
    }
    let policy = policy
        .request(args.method.as_str(), args.body.is_some())
        .read_timeout(args.read_timeout)
        .max_reconnection_time(args.max_wait)
        .build();
    let http = reqwest::Client::new();
    let (url, method) = (args.url.clone(), args.method.clone());
    let (body, headers) = (args.body.clone(), args.headers.clone());
    ssewire_async::client::reqwest_with(
        move || {
            let request = http.request(method.clone(), &url).headers(headers.clone());
            match &body {
                Some(body) => request.body(body.clone()),
                None => request,
            }
        },
        policy,
    )
}

/// The error and the chain of its causes: reqwest's "error sending request"
/// says which request, its sources say why (connection refused, timed out).
fn with_causes(error: &Error<reqwest::Error, reqwest::Body>) -> String {
    let mut text = error.to_string();
    let mut cause = match error {
        Error::Connect(error) | Error::Body(error) => error.source(),
        _ => None,
    };
    while let Some(error) = cause {
        let _ = write!(text, ": {error}");
        cause = error.source();
    }
    text
}

/// `Ok(None)` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        url: String::new(),
        method: reqwest::Method::GET,
        body: None,
        headers: reqwest::header::HeaderMap::new(),
        read_timeout: Some(DEFAULT_READ_TIMEOUT),
        max_wait: DEFAULT_MAX_RECONNECTION_TIME,
        max_tries: 5,
        max_connections: None,
        last_event_id: None,
    };
    let (mut url, mut method) = (None, None);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().ok_or(format!("{arg} needs {what}"));
        match arg.as_str() {
            "--max-connections" => {
                parsed.max_connections = Some(positive(&value("a number")?, &arg)?);
            }
            "--max-tries" => {
                let tries = positive(&value("a number")?, &arg)?;
                parsed.max_tries = u32::try_from(tries).unwrap_or(u32::MAX);
            }
            "--read-timeout" => {
                let seconds = seconds(&value("a number of seconds")?, &arg)?;
                parsed.read_timeout = (!seconds.is_zero()).then_some(seconds);
            }
            "--max-wait" => parsed.max_wait = seconds(&value("a number of seconds")?, &arg)?,
            "-X" => {
                let name = value("a method")?;
                let parsed = reqwest::Method::from_bytes(name.as_bytes());
                method = Some(parsed.map_err(|_| format!("not a method: {name:?}"))?);
            }
            "-d" => parsed.body = Some(value("a body")?),
            "--last-event-id" => parsed.last_event_id = Some(value("an ID")?),
            "-H" => {
                let header = value("'Name: value'")?;
                let (name, text) = header
                    .split_once(':')
                    .ok_or(format!("not 'Name: value': {header:?}"))?;
                let name = reqwest::header::HeaderName::from_bytes(name.trim().as_bytes());
                let text = reqwest::header::HeaderValue::from_str(text.trim());
                let (Ok(name), Ok(text)) = (name, text) else {
                    return Err(format!("not a valid header: {header:?}"));
                };
                parsed.headers.append(name, text);
            }
            "-h" | "--help" => return Ok(None),
            _ if url.is_none() && !arg.starts_with('-') => url = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    // As curl: a body without -X is a POST.
    parsed.method = method.unwrap_or(if parsed.body.is_some() {
        reqwest::Method::POST
    } else {
        reqwest::Method::GET
    });
    let url = url.ok_or("a URL is needed")?;
    match reqwest::Url::parse(&url) {
        Ok(valid) if matches!(valid.scheme(), "http" | "https") => parsed.url = url,
        _ => return Err(format!("not an http URL: {url:?}")),
    }
    Ok(Some(parsed))
}

fn positive(value: &str, option: &str) -> Result<usize, String> {
    value
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{option} takes a positive number, not {value:?}"))
}

fn seconds(value: &str, option: &str) -> Result<Duration, String> {
    value
        .parse::<f64>()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("{option} takes a number of seconds, not {value:?}"))
}

/// Appends the event's JSON line.
fn push_event(line: &mut String, event: &ssewire_async::Event) {
    line.push_str("{\"event\":");
    push_json_string(line, &event.event_type);
    line.push_str(",\"data\":");
    push_json_string(line, &event.data);
    line.push_str(",\"id\":");
    push_json_string(line, &event.last_event_id);
    line.push_str("}\n");
}

/// Appends `text` as a JSON string literal (RFC 8259), leaving non-ASCII as
/// UTF-8: the same escaping as `sse_to_json`.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
