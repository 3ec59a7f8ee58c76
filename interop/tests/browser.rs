//! A real `EventSource`: headless Chromium loads a test page, records every
//! event's type, data and `lastEventId` into the DOM, and the DOM is compared
//! with what the encoder was asked to send. Both servers cut the connection
//! mid-stream; Chromium must reconnect with `Last-Event-ID` and receive the
//! rest, nothing lost or repeated.
//!
//! Without `/usr/bin/chromium` (or `SSEWIRE_CHROMIUM`) these tests skip,
//! loudly, unless `SSEWIRE_REQUIRE_BROWSER` is set (CI sets it), in which
//! case they fail.

use std::path::PathBuf;
use std::time::Duration;

use ssewire_interop::assert_same_events;
use ssewire_interop::harness::{
    Page, StdServer, announce_skip, chromium, dump_dom, example_script_events,
    logged_last_event_ids, read_page,
};
use ssewire_interop::script::hard_cases;
use ssewire_interop::server::{Pacing, ScriptServer, start_in_thread};

/// The virtual time Chromium may spend: far more than the `retry` delays of
/// the streams (100-500 ms per reconnection). It costs no real time once the
/// page has closed its `EventSource`.
const BUDGET: Duration = Duration::from_secs(30);
/// The real time after which Chromium is killed and the test fails.
const LIMIT: Duration = Duration::from_secs(90);

fn browser(test: &str) -> Option<PathBuf> {
    match chromium() {
        Ok(Some(path)) => Some(path),
        Ok(None) => {
            announce_skip(test, "Chromium is not installed (apt-get install chromium)");
            None
        }
        Err(error) => panic!("{error}"),
    }
}

fn load(chromium: &std::path::Path, url: &str) -> Page {
    let dom = dump_dom(chromium, url, BUDGET, LIMIT).unwrap_or_else(|error| panic!("{error}"));
    read_page(&dom).unwrap_or_else(|error| panic!("{error}\nDOM:\n{dom}"))
}

fn hard_cases_in_chromium(test: &str, pacing: Pacing) {
    let Some(chromium) = browser(test) else {
        return;
    };
    let script = hard_cases();
    let expected = script.expected();
    let server = ScriptServer::new(script, pacing);
    let address = start_in_thread(server.clone()).expect("start the hyper server");
    let page = load(&chromium, &format!("http://{address}/"));

    assert_same_events(&page.records, &expected.events);
    assert_eq!(page.state, "done");
    // Chromium reconnected once per cut, each time sending the last event ID
    // the script calls for.
    assert_eq!(
        server.requests(),
        expected.resume_ids,
        "Last-Event-ID headers"
    );
    assert_eq!(page.opens, expected.cuts.len() + 1, "connections opened");
    assert_eq!(page.errors, expected.cuts.len(), "error events");
}

#[test]
fn chromium_receives_the_hard_cases_from_hyper() {
    hard_cases_in_chromium(
        "chromium_receives_the_hard_cases_from_hyper",
        Pacing::default(),
    );
}

/// The same, each message cut into pieces of a few bytes (inside lines, inside
/// UTF-8 sequences) sent as separate HTTP chunks.
#[test]
fn chromium_receives_the_hard_cases_in_small_pieces() {
    hard_cases_in_chromium(
        "chromium_receives_the_hard_cases_in_small_pieces",
        Pacing {
            piece_sizes: vec![1, 2, 3, 5, 8, 13, 4096],
            pause: Duration::from_micros(200),
        },
    );
}

/// The main crate's std-only server example and its own page, dropping each
/// connection after 3 events.
#[test]
fn chromium_follows_the_std_server_example() {
    let test = "chromium_follows_the_std_server_example";
    let Some(chromium) = browser(test) else {
        return;
    };
    let server = StdServer::start(
        env!("CARGO_BIN_EXE_server").as_ref(),
        &["--script", "--drop-after", "3"],
    )
    .expect("start examples/server.rs");
    let page = load(&chromium, &format!("{}/", server.base_url));
    let log = server.stop();
    eprintln!("server log:\n{log}");

    assert_same_events(&page.records, &example_script_events());
    assert_eq!(page.state, "done");
    // Dropped after events 3, 5 (3 events later) and 7 (the first event with
    // an id 3 events after that); the fourth connection sends `done`.
    assert_eq!(
        logged_last_event_ids(&log),
        ["None", "Some(\"3\")", "Some(\"5\")", "Some(\"7\")"],
        "{log}"
    );
    assert_eq!((page.opens, page.errors), (4, 3));
}
