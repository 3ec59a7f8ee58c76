//! Decodes a `text/event-stream` from a file or stdin and prints one JSON
//! object per line:
//!
//! - `{"event":"<type>","data":"<data>","id":"<last event id>"}` per event,
//! - `{"retry":<ms>}` each time a `retry` field sets the reconnection time,
//! - `{"last_event_id":"<id>"}` once, at the end of the input.
//!
//! ```text
//! cargo run -p ssewire-cli -- examples/sample.sse
//! curl -N http://127.0.0.1:8080/events | cargo run -p ssewire-cli -- -
//! cargo run --release -p ssewire-cli -- --chunk 1 --max-event-len 65536 FILE
//! cargo run --release -p ssewire-cli -- --bench FILE --chunk 64 --chunk 65536
//! ```
//!
//! Options and exit statuses are listed by `--help`. The decoder is fed at
//! most N bytes at a time (default 8192) and uses ssewire's default limits
//! unless told otherwise. Events are printed as soon as they are complete.
//! A skipped event or an I/O error is reported on stderr and makes the exit
//! status non-zero, after every complete event has been printed; a closed
//! stdout (`| head`) ends the program quietly.

mod args;
mod bench;
mod json;

use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use args::{Command, Input, USAGE, help, parse_args};
use json::{Failure, run};

/// Exit statuses, as `--help` lists them.
const SKIPPED: u8 = 1;
const USAGE_ERROR: u8 = 2;
const IO_ERROR: u8 = 3;

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(Command::Help) => print_quietly(&help()),
        Ok(Command::Version) => {
            print_quietly(&format!("sse_to_json {}", env!("CARGO_PKG_VERSION")))
        }
        Ok(Command::Decode {
            chunk,
            limits,
            input,
        }) => decode(&input, chunk, limits),
        Ok(Command::Bench {
            chunks,
            limits,
            path,
        }) => bench_file(&path, &chunks, limits),
        Err(message) => {
            eprintln!("sse_to_json: {message}\n{USAGE}\nTry `sse_to_json --help` for more.");
            ExitCode::from(USAGE_ERROR)
        }
    }
}

/// Prints `text` and a line ending; a closed stdout is no error.
fn print_quietly(text: &str) -> ExitCode {
    match writeln!(io::stdout(), "{text}") {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("sse_to_json: cannot write to stdout: {error}");
            ExitCode::from(IO_ERROR)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn decode(input: &Input, chunk: usize, limits: ssewire::Limits) -> ExitCode {
    let mut source: Box<dyn Read> = match input {
        Input::File(path) => match std::fs::File::open(path) {
            Ok(file) => Box::new(file),
            Err(error) => {
                eprintln!("sse_to_json: cannot open {path}: {error}");
                return ExitCode::from(IO_ERROR);
            }
        },
        Input::Stdin => Box::new(io::stdin().lock()),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let report = match run(&mut source, &mut out, chunk, limits) {
        Ok(report) => report,
        Err(Failure::Write(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            // `sse_to_json FILE | head`: the reader has all it wanted.
            return ExitCode::SUCCESS;
        }
        Err(Failure::Write(error)) => {
            eprintln!("sse_to_json: cannot write to stdout: {error}");
            return ExitCode::from(IO_ERROR);
        }
        Err(Failure::Read(error)) => {
            let _ = out.flush();
            eprintln!("sse_to_json: cannot read {}: {error}", input.name());
            return ExitCode::from(IO_ERROR);
        }
    };
    for message in report.messages() {
        eprintln!("sse_to_json: {message}");
    }
    if report.skipped() {
        ExitCode::from(SKIPPED)
    } else {
        ExitCode::SUCCESS
    }
}

fn bench_file(path: &str, chunks: &[usize], limits: ssewire::Limits) -> ExitCode {
    let input = match std::fs::read(path) {
        Ok(input) => input,
        Err(error) => {
            eprintln!("sse_to_json: cannot read {path}: {error}");
            return ExitCode::from(IO_ERROR);
        }
    };
    if let Some(hint) = json::hint(&input[..input.len().min(64)]) {
        eprintln!("sse_to_json: {hint}");
    }
    // Progress on stderr once the bench has taken a second; the variable
    // lets the tests see it without waiting.
    let progress_after = std::env::var("SSE_TO_JSON_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = bench::bench(path, &input, chunks, limits, &mut out, progress_after)
        .and_then(|()| out.flush());
    match result {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("sse_to_json: cannot write to stdout: {error}");
            ExitCode::from(IO_ERROR)
        }
        _ => ExitCode::SUCCESS,
    }
}
