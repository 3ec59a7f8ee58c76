//! The guards `ssewire::client` adds to the browser's rules, each from the
//! caller's side of a sans-IO loop: a stall before or after the response
//! headers, a half-open connection (silence, then the timer), a huge
//! `retry`, a cut request that must not be repeated, an ID no header can
//! carry, a saved ID resumed after a restart, and the opt-in that delivers
//! an unfinished last event. The companion's tests/liveness.rs runs the same
//! scenarios over real sockets on tokio's paused clock.

use std::time::Duration;

use ssewire::client::{
    Client, Cut, DEFAULT_MAX_RECONNECTION_TIME, DEFAULT_READ_TIMEOUT, DEFAULT_RECONNECTION_TIME,
    DEFAULT_RESPONSE_TIMEOUT, Received, State, Stop,
};
use ssewire::{Decoded, Finish};

const EVENT_STREAM: Option<&str> = Some("text/event-stream");

fn open(client: &mut Client) {
    client.connect().expect("connects");
    client.response(200, EVENT_STREAM).expect("opens");
}

fn last_event_id_header(client: &mut Client) -> Option<String> {
    let request = client.connect().expect("connects");
    request
        .headers()
        .find(|(name, _)| *name == "last-event-id")
        .map(|(_, value)| value.to_owned())
}

#[test]
fn the_timeouts_are_on_by_default_and_in_the_trusted_clients_range() {
    // OkHttp 10 s, the polyfill 45 s, LaunchDarkly 5 minutes.
    assert!((10..=300).contains(&DEFAULT_READ_TIMEOUT.as_secs()));
    assert!((10..=300).contains(&DEFAULT_RESPONSE_TIMEOUT.as_secs()));
    let mut client = Client::new();
    assert_eq!(client.timeout(), None, "idle: no timer");
    let _ = client.connect();
    assert_eq!(client.timeout(), Some(DEFAULT_RESPONSE_TIMEOUT));
    let _ = client.response(200, EVENT_STREAM);
    assert_eq!(client.timeout(), Some(DEFAULT_READ_TIMEOUT));
    let _ = client.stream_ended();
    assert_eq!(client.timeout(), None, "waiting: the caller's own timer");

    let mut off = Client::builder()
        .read_timeout(None)
        .response_timeout(None)
        .build();
    let _ = off.connect();
    assert_eq!(off.timeout(), None);
    let _ = off.response(200, EVENT_STREAM);
    assert_eq!(off.timeout(), None);
}

#[test]
fn a_stall_after_the_headers_reconnects_with_the_last_event_id() {
    let mut client = Client::new();
    open(&mut client);
    client.feed(b"id: 41\ndata: a\n\n: keep-alive\ndata: half", |_| {});
    // The caller's timer fired: a minute without bytes.
    let wait = client.timed_out().expect("reconnects");
    assert_eq!(wait.delay(0), DEFAULT_RECONNECTION_TIME);
    assert_eq!(client.state(), State::Waiting(wait));
    assert_eq!(last_event_id_header(&mut client), Some("41".into()));
    // The half event was discarded, never dispatched.
    let _ = client.response(200, EVENT_STREAM);
    let mut data = Vec::new();
    client.feed(b"\n\n", |item| {
        if let Decoded::Event(event) = item {
            data.push(event.data.to_owned());
        }
    });
    assert!(data.is_empty(), "{data:?}");
}

#[test]
fn a_stall_before_the_headers_is_a_failed_connection() {
    let mut client = Client::builder().max_reconnects(2).build();
    let mut waits = Vec::new();
    let stop = loop {
        if let Err(stop) = client.connect() {
            break stop;
        }
        assert_eq!(client.timeout(), Some(DEFAULT_RESPONSE_TIMEOUT));
        match client.timed_out() {
            Ok(wait) => waits.push(wait.reconnect()),
            Err(stop) => break stop,
        }
    };
    assert_eq!(waits, [1, 2]);
    assert_eq!(stop, Stop::GaveUp { reconnects: 2 });
}

#[test]
fn a_half_open_connection_is_left_once_its_silence_passes_the_timeout() {
    // A half-open connection never reports an end: the only way out is the
    // timer. Keep-alives restart it (the caller re-arms at every read); a
    // silence as long as the timeout ends it.
    let mut client = Client::builder()
        .read_timeout(Some(Duration::from_secs(10)))
        .build();
    open(&mut client);
    for _ in 0..5 {
        client.feed(b": keep-alive\n\n", |_| {});
        assert_eq!(client.timeout(), Some(Duration::from_secs(10)));
        assert!(matches!(client.state(), State::Open { .. }));
    }
    assert!(client.timed_out().is_ok());
    assert_eq!(client.received().bytes, 5 * 14);
}

#[test]
fn a_huge_retry_waits_the_ceiling_and_a_small_one_is_honoured() {
    for (retry, expected) in [
        ("99999999999", DEFAULT_MAX_RECONNECTION_TIME),
        ("18446744073709551615", DEFAULT_MAX_RECONNECTION_TIME),
        ("184467440737095516150", DEFAULT_RECONNECTION_TIME), // ignored: too large for u64
        ("300", Duration::from_millis(300)),
        ("0", Duration::from_millis(100)),
    ] {
        let mut client = Client::new();
        open(&mut client);
        client.feed(format!("retry: {retry}\n").as_bytes(), |_| {});
        let wait = client.stream_ended().expect("reconnects");
        assert_eq!(wait.shortest(), expected, "retry: {retry}");
        assert_eq!(wait.longest(), expected, "retry: {retry}");
    }
}

#[test]
fn a_cut_post_is_not_sent_again_and_says_what_it_received() {
    let mut client = Client::builder().request("POST", true).build();
    open(&mut client);
    let mut tokens = Vec::new();
    let body = b"data: {\"t\":\"Hel\"}\n\ndata: {\"t\":\"lo\"}\n\ndata: {\"t\"";
    client.feed(body, |item| {
        if let Decoded::Event(event) = item {
            tokens.push(event.data.to_owned());
        }
    });
    // The caller may ask first; the stop still says the event was discarded.
    assert_eq!(client.finish(), Finish::Truncated);
    let stop = client.stream_ended().expect_err("not repeated");
    let Stop::NotRepeated(received) = stop else {
        panic!("{stop:?}")
    };
    assert_eq!(tokens.len(), 2);
    assert_eq!(received.events, 2);
    assert_eq!(received.bytes, body.len() as u64);
    assert_eq!(received.finish, Finish::Truncated);
    assert_eq!(received.cut, Cut::Ended);
    assert!(received.responded);
    // Stopped for good: no second request.
    assert_eq!(client.connect().err(), Some(stop));
    assert!(stop.to_string().contains("not sent again"), "{stop}");
    assert!(stop.to_string().contains("2 event(s)"), "{stop}");
}

#[test]
fn every_way_a_one_shot_request_ends_stops_it() {
    type End = fn(&mut Client) -> Result<ssewire::client::Wait, Stop>;
    let ends: [(End, Cut); 3] = [
        (Client::stream_ended, Cut::Ended),
        (Client::connect_failed, Cut::Failed),
        (Client::timed_out, Cut::Stalled),
    ];
    for (method, body) in [
        ("POST", true),
        ("POST", false),
        ("PATCH", false),
        ("GET", true),
    ] {
        for (end, cut) in ends {
            for answered in [false, true] {
                let mut client = Client::builder().request(method, body).build();
                let _ = client.connect();
                if answered {
                    let _ = client.response(200, EVENT_STREAM);
                }
                let Err(Stop::NotRepeated(received)) = end(&mut client) else {
                    panic!("{method} {body} {cut:?} repeated");
                };
                assert_eq!((received.cut, received.responded), (cut, answered));
            }
        }
    }
    // Idempotent without a body, or opted in: repeated.
    for client in [
        Client::builder().request("GET", false).build(),
        Client::builder().request("delete", false).build(),
        Client::builder()
            .request("POST", true)
            .repeat_request(true)
            .build(),
    ] {
        let mut client = client;
        let _ = client.connect();
        assert!(client.connect_failed().is_ok());
    }
    // A caller that skips saying how the connection ended cannot send it
    // again either.
    for answered in [false, true] {
        let mut client = Client::builder().request("POST", true).build();
        let _ = client.connect();
        if answered {
            let _ = client.response(200, EVENT_STREAM);
            client.feed(b"data: a\n\ndata: b", |_| {});
        }
        let Err(Stop::NotRepeated(received)) = client.connect() else {
            panic!("sent again");
        };
        let finish = if answered {
            Finish::Truncated
        } else {
            Finish::Clean
        };
        assert_eq!(
            (received.events, received.finish),
            (u64::from(answered), finish)
        );
        assert!(client.connect().is_err());
    }
    let mut refused = Client::builder().repeat_request(false).build();
    let _ = refused.connect();
    assert!(matches!(
        refused.connect_failed(),
        Err(Stop::NotRepeated(Received {
            cut: Cut::Failed,
            ..
        }))
    ));
}

#[test]
fn an_id_no_header_can_carry_is_reported_not_sent_and_not_altered() {
    for id in ["a\u{1}b", "\u{7f}", "x\u{1b}[31m", " padded", "tab\t"] {
        let mut client = Client::new();
        open(&mut client);
        let block = format!("id: {id}\ndata: x\n\n");
        client.feed(block.as_bytes(), |_| {});
        assert_eq!(client.decoder().last_event_id(), id);
        let _ = client.stream_ended();
        let request = client.connect().expect("connects");
        assert_eq!(request.unsent_last_event_id(), Some(id), "{id:?}");
        assert_eq!(request.last_event_id(), Some(id));
        assert_eq!(request.headers().len(), 2, "{id:?}");
    }
    // What a header can carry is sent as it is: inner spaces, tabs, UTF-8.
    for id in ["a b", "a\tb", "\u{2026}", "日本"] {
        let mut client = Client::builder().last_event_id(id).build();
        let request = client.connect().expect("connects");
        assert_eq!(request.unsent_last_event_id(), None);
        assert!(
            request
                .headers()
                .any(|header| header == ("last-event-id", id))
        );
    }
}

#[test]
fn a_saved_last_event_id_resumes_after_a_restart() {
    let mut client = Client::builder().last_event_id("1041").build();
    assert_eq!(last_event_id_header(&mut client), Some("1041".into()));
    let _ = client.response(200, EVENT_STREAM);
    let mut ids = Vec::new();
    // The first connection still strips a BOM at its start.
    client.feed(b"\xEF\xBB\xBFdata: next\n\n", |item| {
        if let Decoded::Event(event) = item {
            ids.push((event.data.to_owned(), event.last_event_id.to_owned()));
        }
    });
    assert_eq!(ids, [("next".to_owned(), "1041".to_owned())]);
    // Ignored: what no stream could set.
    for id in ["a\nb", "a\rb", "a\0b", ""] {
        let mut client = Client::builder().last_event_id(id).build();
        assert_eq!(client.connect().expect("connects").last_event_id(), None);
    }
}

#[test]
fn an_unfinished_last_event_is_delivered_only_when_asked() {
    let cases: [(&[u8], Option<&str>); 6] = [
        (b"data: a\n\ndata: tail", Some("tail")),
        (b"data: a\n\ndata: tail\n", Some("tail")),
        (b"data: a\n\ndata: tail\r", Some("tail")),
        (b"data: a\n\ndata", Some("")),
        (b"data: a\n\n", None),
        (b"data: a\r\n\r", None),
    ];
    for (body, tail) in cases {
        let mut client = Client::new();
        open(&mut client);
        let mut data = Vec::new();
        client.feed(body, |_| {});
        let finish = client.finish_delivering(|item| {
            if let Decoded::Event(event) = item {
                data.push(event.data.to_owned());
            }
        });
        let expected: Vec<String> = tail.iter().map(|tail| (*tail).to_owned()).collect();
        assert_eq!(data, expected, "{body:?}");
        let truncated = if tail.is_some() {
            Finish::Truncated
        } else {
            Finish::Clean
        };
        assert_eq!(finish, truncated, "{body:?}");
        // The default discards it, as the standard says.
        let mut standard = Client::new();
        open(&mut standard);
        standard.feed(body, |_| {});
        assert_eq!(standard.finish(), truncated, "{body:?}");
    }
}
