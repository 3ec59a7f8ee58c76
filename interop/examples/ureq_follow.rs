//! Follows an event stream with a blocking, std-only client: ureq for HTTP,
//! `ssewire::client` for the rules (see `src/blocking.rs`, the README's
//! recipe). Prints each event; diagnostics go to stderr.
//!
//! ```text
//! cargo run --example ureq_follow -- [URL]
//! ```
//!
//! URL defaults to `http://127.0.0.1:8080/events` (the main crate's
//! `cargo run --example server`).

use std::process::ExitCode;

use ssewire::Decoded;
use ssewire::client::{Client, Stop};
use ssewire_interop::blocking::{Seen, follow};

fn main() -> ExitCode {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080/events".to_owned());
    let mut client = Client::new();
    let stop = follow(&url, &mut client, |seen| match seen {
        Seen::Item(Decoded::Event(event)) => {
            println!(
                "{} {:?} (id {:?})",
                event.event_type, event.data, event.last_event_id
            );
        }
        Seen::Item(_) => {}
        Seen::Error(error) => eprintln!("{error}"),
        Seen::NotSent(id) => {
            eprintln!("cannot send the last event ID {id:?}: the server may start over");
        }
        Seen::Waiting(delay) => eprintln!("reconnecting in {delay:?}"),
    });
    eprintln!("{stop}");
    if stop == Stop::NoContent {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
