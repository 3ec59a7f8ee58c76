//! Decodes a `text/event-stream` from a file or stdin and prints one JSON
//! object per line:
//!
//! - `{"event":"<type>","data":"<data>","id":"<last event id>"}` per event,
//! - `{"retry":<ms>}` each time a `retry` field sets the reconnection time,
//! - `{"last_event_id":"<id>"}` once, at the end of the input.
//!
//! ```text
//! cargo run --release --example sse_to_json -- [--chunk N] [FILE]
//! cargo run --example sse_to_json -- examples/sample.sse
//! curl -N http://127.0.0.1:8080/events | cargo run --example sse_to_json
//! ```
//!
//! The decoder is fed at most N bytes at a time (default 8192). Events are
//! printed as soon as they are complete. A limit error or an I/O error is
//! reported on stderr and makes the exit status non-zero, after every
//! complete event has been printed.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::process::ExitCode;

use ssewire::{Decoded, Decoder};

const USAGE: &str = "usage: sse_to_json [--chunk N] [FILE]";

fn main() -> ExitCode {
    let (chunk, path) = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("sse_to_json: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut source: Box<dyn Read> = match &path {
        Some(path) => match std::fs::File::open(path) {
            Ok(file) => Box::new(file),
            Err(error) => {
                eprintln!("sse_to_json: cannot open {path}: {error}");
                return ExitCode::from(1);
            }
        },
        None => Box::new(io::stdin().lock()),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match run(&mut source, &mut out, chunk) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(errors) => {
            eprintln!("sse_to_json: {errors} event(s) skipped for exceeding a limit");
            ExitCode::from(1)
        }
        Err(error) => {
            let _ = out.flush();
            eprintln!("sse_to_json: {error}");
            ExitCode::from(1)
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(usize, Option<String>), String> {
    let mut chunk = 8192;
    let mut path = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--chunk" => {
                let value = args.next().ok_or("--chunk needs a number")?;
                chunk = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--chunk takes a positive number, not {value:?}"))?;
            }
            "-h" | "--help" => return Err("help".into()),
            _ if path.is_none() && !arg.starts_with("--") => path = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    Ok((chunk, path))
}

/// Decodes everything from `source`, returning how many limit errors there were.
fn run(source: &mut dyn Read, out: &mut impl Write, chunk: usize) -> io::Result<usize> {
    let mut decoder = Decoder::new();
    let mut buf = vec![0; chunk];
    let mut line = String::new();
    let mut errors = 0;
    loop {
        let n = match source.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let mut write_result = Ok(());
        decoder.feed(&buf[..n], |item| {
            line.clear();
            match item {
                Decoded::Event(event) => {
                    line.push_str("{\"event\":");
                    push_json_string(&mut line, event.event_type);
                    line.push_str(",\"data\":");
                    push_json_string(&mut line, event.data);
                    line.push_str(",\"id\":");
                    push_json_string(&mut line, event.last_event_id);
                    line.push_str("}\n");
                }
                Decoded::Retry(time) => {
                    let _ = writeln!(line, "{{\"retry\":{}}}", time.as_millis());
                }
                Decoded::Error(error) => {
                    errors += 1;
                    eprintln!("sse_to_json: {error}");
                }
                _ => {}
            }
            if write_result.is_ok() {
                write_result = out.write_all(line.as_bytes());
            }
        });
        write_result?;
        // Print events as they arrive, for `curl -N ... | sse_to_json`.
        out.flush()?;
    }
    if decoder.finish() == ssewire::Finish::Truncated {
        eprintln!("sse_to_json: the stream ended inside an event, which was discarded");
    }
    line.clear();
    line.push_str("{\"last_event_id\":");
    push_json_string(&mut line, decoder.last_event_id());
    line.push_str("}\n");
    out.write_all(line.as_bytes())?;
    out.flush()?;
    Ok(errors)
}

/// Appends `text` as a JSON string literal (RFC 8259), leaving non-ASCII as
/// UTF-8.
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
