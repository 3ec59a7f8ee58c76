//! Serves ssewire-encoded events as a streaming hyper 1 response body.
//!
//! ```text
//! cargo run --example tokio_hyper -- [PORT]      # default 8081
//! ```
//!
//! `GET /events` streams the interop hard cases (multi-line data with CR, LF
//! and CR LF, leading spaces, empty data, non-ASCII, named events, id changes
//! and resets, `retry`, comments), cutting the connection three times (a
//! normal end, an abort, an abort in the middle of an event) and resuming
//! after the `Last-Event-ID` a reconnecting client sends; each cut happens
//! once per server run. `GET /` is a page whose `EventSource` lists what it
//! receives. The code is in `src/server.rs`: a task encodes each message with
//! `ssewire::Message` and sends it into an `http_body_util::channel::Channel`
//! body, and ends when the client has gone.
//!
//! Follow it with `cargo run --example reqwest_client -- http://127.0.0.1:8081/events`.

use ssewire_interop::script::hard_cases;
use ssewire_interop::server::{Pacing, ScriptServer, start};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port = match std::env::args().nth(1) {
        Some(port) => port.parse().map_err(std::io::Error::other)?,
        None => 8081,
    };
    let server = ScriptServer::new(hard_cases(), Pacing::default());
    let address = start(server, port).await?;
    println!("listening on http://{address}/ (events at http://{address}/events)");
    std::future::pending::<()>().await;
    Ok(())
}
