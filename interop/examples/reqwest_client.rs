//! Follows an event stream with reqwest, decoding `bytes_stream()` with
//! ssewire, and reconnects like `EventSource`: after the `retry` delay, with
//! the last event ID in a `Last-Event-ID` header.
//!
//! ```text
//! cargo run --example reqwest_client -- [URL] [--max-connections N]
//! ```
//!
//! URL defaults to `http://127.0.0.1:8080/events` (the main crate's
//! `cargo run --example server`). It prints each event and `retry`, and stops
//! after an event of type `done` or N connections (default 20).

use std::ops::ControlFlow;
use std::process::ExitCode;

use ssewire::Decoded;
use ssewire_interop::client::{Follow, follow};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut url = "http://127.0.0.1:8080/events".to_owned();
    let mut options = Follow::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--max-connections" {
            let Some(n) = args.next().and_then(|n| n.parse().ok()) else {
                eprintln!("--max-connections takes a number");
                return ExitCode::from(2);
            };
            options.max_connections = n;
        } else {
            url = arg;
        }
    }

    let client = reqwest::Client::new();
    let result = follow(&client, &url, &options, |item| {
        match item {
            Decoded::Event(event) => {
                println!(
                    "event {:?} id {:?} data {:?}",
                    event.event_type, event.last_event_id, event.data
                );
                if event.event_type == "done" {
                    return ControlFlow::Break(());
                }
            }
            Decoded::Retry(time) => println!("retry {time:?}"),
            Decoded::Error(error) => eprintln!("skipped an event: {error}"),
            _ => {}
        }
        ControlFlow::Continue(())
    })
    .await;
    match result {
        Ok(connections) => {
            for (n, connection) in connections.iter().enumerate() {
                println!(
                    "connection {}: Last-Event-ID {:?}, {} chunks, ended {:?} {}",
                    n + 1,
                    connection.last_event_id_sent,
                    connection.chunks,
                    connection.finish,
                    connection.error.as_deref().unwrap_or("")
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("reqwest_client: {error}");
            ExitCode::from(1)
        }
    }
}
