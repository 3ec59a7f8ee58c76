//! Decodes a `text/event-stream` from a file or stdin and prints one JSON
//! object per line:
//!
//! - `{"event":"<type>","data":"<data>","id":"<last event id>"}` per event,
//! - `{"retry":<ms>}` each time a `retry` field sets the reconnection time,
//! - `{"last_event_id":"<id>"}` once, at the end of the input.
//!
//! ```text
//! cargo run -p ssewire-cli -- examples/sample.sse
//! curl -N http://127.0.0.1:8080/events | cargo run -p ssewire-cli
//! cargo run --release -p ssewire-cli -- --chunk 1 --max-event-len 65536 FILE
//! ```
//!
//! Options are listed by `--help`. The decoder is fed at most N
//! bytes at a time (default 8192) and uses ssewire's default limits unless
//! told otherwise. Events are printed as soon as they are complete. A limit
//! error or an I/O error is reported on stderr and makes the exit status
//! non-zero, after every complete event has been printed.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::process::ExitCode;

use ssewire::{Decoded, Decoder, Limits};

/// The options, as `--help` prints them.
fn usage() -> String {
    format!(
        "\
usage: sse_to_json [OPTIONS] [FILE]

Decodes a text/event-stream from FILE (or stdin) and prints one JSON object
per line: each event, each retry, and the last event ID at the end.

options:
  --chunk N          feed the decoder at most N bytes at a time (default 8192)
  --max-line-len N   longest line accepted, in bytes, without its line ending
                     (default {line})
  --max-event-len N  largest event data accepted, in bytes (default {event})
  --unlimited        no limits at all; a later --max-* option sets that one
  -h, --help         print this and exit",
        line = Limits::DEFAULT_MAX_LINE_LEN,
        event = Limits::DEFAULT_MAX_EVENT_LEN,
    )
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
struct Args {
    chunk: usize,
    limits: Limits,
    path: Option<String>,
}

/// How the command line ended: decode, or print the usage and exit.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Decode(Args),
    Help,
}

fn main() -> ExitCode {
    let Args {
        chunk,
        limits,
        path,
    } = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Decode(args)) => args,
        Ok(Command::Help) => {
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("sse_to_json: {message}\n{}", usage());
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
    match run(&mut source, &mut out, chunk, limits) {
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

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut chunk = 8192;
    let mut limits = Limits::default();
    let mut path = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--chunk" => {
                chunk = number(&arg, args.next())?;
                if chunk == 0 {
                    return Err("--chunk takes a positive number, not 0".into());
                }
            }
            "--max-line-len" => limits = limits.max_line_len(Some(number(&arg, args.next())?)),
            "--max-event-len" => limits = limits.max_event_len(Some(number(&arg, args.next())?)),
            "--unlimited" => limits = Limits::unlimited(),
            "-h" | "--help" => return Ok(Command::Help),
            _ if path.is_none() && !arg.starts_with('-') => path = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    Ok(Command::Decode(Args {
        chunk,
        limits,
        path,
    }))
}

/// The number that follows `option`.
fn number(option: &str, value: Option<String>) -> Result<usize, String> {
    let value = value.ok_or_else(|| format!("{option} needs a number"))?;
    value
        .parse()
        .map_err(|_| format!("{option} takes a number of bytes, not {value:?}"))
}

/// Decodes everything from `source`, returning how many limit errors there were.
fn run(
    source: &mut dyn Read,
    out: &mut impl Write,
    chunk: usize,
    limits: Limits,
) -> io::Result<usize> {
    let mut decoder = Decoder::builder().limits(limits).build();
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

#[cfg(test)]
mod tests {
    use super::{Args, Command, Limits, parse_args, run, usage};

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|&arg| arg.to_owned()))
    }

    #[test]
    fn defaults_are_the_crate_defaults() {
        assert_eq!(
            parse(&[]),
            Ok(Command::Decode(Args {
                chunk: 8192,
                limits: Limits::default(),
                path: None,
            }))
        );
    }

    #[test]
    fn limit_options_apply_in_order() {
        let limits = |args: &[&str]| match parse(args) {
            Ok(Command::Decode(args)) => args.limits,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            limits(&["--max-line-len", "10", "--max-event-len", "20"]),
            Limits::default()
                .max_line_len(Some(10))
                .max_event_len(Some(20))
        );
        assert_eq!(
            limits(&["--max-line-len", "10", "--unlimited"]),
            Limits::unlimited()
        );
        assert_eq!(
            limits(&["--unlimited", "--max-event-len", "0"]),
            Limits::unlimited().max_event_len(Some(0))
        );
    }

    #[test]
    fn bad_arguments_are_refused() {
        for args in [
            &["--max-line-len"][..],
            &["--max-event-len", "-1"],
            &["--max-line-len", "1k"],
            &["--chunk", "0"],
            &["--limit", "4"],
            &["a.sse", "b.sse"],
        ] {
            assert!(parse(args).is_err(), "{args:?} accepted");
        }
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn usage_lists_every_option() {
        for option in [
            "--chunk",
            "--max-line-len",
            "--max-event-len",
            "--unlimited",
            "--help",
        ] {
            assert!(
                usage().contains(option),
                "{option} missing from the usage text"
            );
        }
    }

    #[test]
    fn limits_given_are_the_limits_used() {
        let input = b"data: 12345678\n\ndata: ok\n\n";
        let mut out = Vec::new();
        let errors = run(
            &mut &input[..],
            &mut out,
            3,
            Limits::default().max_event_len(Some(4)),
        )
        .expect("writing to a Vec");
        assert_eq!(errors, 1);
        assert_eq!(
            String::from_utf8(out).expect("JSON is UTF-8"),
            "{\"event\":\"message\",\"data\":\"ok\",\"id\":\"\"}\n{\"last_event_id\":\"\"}\n"
        );
    }
}
