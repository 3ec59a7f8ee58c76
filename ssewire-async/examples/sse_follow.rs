//! Follows an event stream the way a browser's `EventSource` does and prints
//! one JSON object per line, as `sse_to_json` (the repository's `cli/`)
//! does:
//!
//! - `{"event":"<type>","data":"<data>","id":"<last event id>"}` per event,
//! - `{"retry":<ms>}` each time a `retry` field sets the reconnection time.
//!
//! ```text
//! cargo run -p ssewire-async --features reqwest --example sse_follow -- [--max-connections N] URL
//! ```
//!
//! It sends `Accept: text/event-stream`, and `Last-Event-ID` on
//! reconnections when the last event ID is not empty; when a connection
//! ends it waits the reconnection time and reconnects. It never reconnects
//! after a status other than 200 or a `Content-Type` other than
//! `text/event-stream`. Each line is flushed as soon as it is printed;
//! diagnostics go to stderr.
//!
//! Exit status: 0 after a 204 No Content; 1 after another status than 200,
//! or a wrong `Content-Type`; 3 once `--max-connections` connections have
//! ended; 2 on a usage error.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::process::ExitCode;

use futures_util::StreamExt;
use ssewire_async::Item;
use ssewire_async::client::{Error, Update};

const USAGE: &str = "usage: sse_follow [--max-connections N] URL";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (max_connections, url) = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("sse_follow: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let http = reqwest::Client::new();
    let mut source = ssewire_async::client::reqwest(move || http.get(&url));
    let mut out = io::stdout().lock();
    let mut line = String::new();
    let mut ended = 0;
    while let Some(update) = source.next().await {
        line.clear();
        match update {
            Ok(Update::Open) => eprintln!("sse_follow: connected"),
            Ok(Update::Item(Item::Event(event))) => {
                line.push_str("{\"event\":");
                push_json_string(&mut line, &event.event_type);
                line.push_str(",\"data\":");
                push_json_string(&mut line, &event.data);
                line.push_str(",\"id\":");
                push_json_string(&mut line, &event.last_event_id);
                line.push_str("}\n");
            }
            Ok(Update::Item(Item::Retry(time))) => {
                let _ = writeln!(line, "{{\"retry\":{}}}", time.as_millis());
            }
            Ok(Update::Item(Item::Error(error))) => eprintln!("sse_follow: {error}"),
            Ok(Update::Reconnecting { delay, finish }) => {
                ended += 1;
                if finish == Some(ssewire::Finish::Truncated) {
                    eprintln!("sse_follow: the stream ended inside an event, which was discarded");
                }
                if Some(ended) == max_connections {
                    eprintln!("sse_follow: {ended} connection(s) ended");
                    return ExitCode::from(3);
                }
                eprintln!("sse_follow: reconnecting in {} ms", delay.as_millis());
            }
            Ok(_) => {}
            Err(error @ (Error::Connect(_) | Error::Body(_))) => eprintln!("sse_follow: {error}"),
            Err(error) => {
                eprintln!("sse_follow: {error}");
                return ExitCode::from(1);
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

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(Option<usize>, String), String> {
    let mut max_connections = None;
    let mut url = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--max-connections" => {
                let value = args.next().ok_or("--max-connections needs a number")?;
                let n = value.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                    format!("--max-connections takes a positive number, not {value:?}")
                })?;
                max_connections = Some(n);
            }
            "-h" | "--help" => return Err("help".into()),
            _ if url.is_none() && !arg.starts_with("--") => url = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    let url = url.ok_or("a URL is needed")?;
    match reqwest::Url::parse(&url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok((max_connections, url)),
        _ => Err(format!("not an http URL: {url:?}")),
    }
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
