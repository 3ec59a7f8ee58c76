//! `EventSource` on tokio's paused clock against a scripted server in
//! memory (`support::memory`): the guards the policy adds to the browser's
//! rules, enforced with the timer. A stall after the headers and before
//! them, a half-open connection (held open, nothing sent), a huge `retry`,
//! a cut `POST`, an ID with a control character, a saved ID, and an
//! unfinished last event. Every time asserted is the paused clock's, exact.
//! tests/client.rs and tests/follow.rs run scenarios over real sockets.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use ssewire::Finish;
use ssewire::client::{Client, Cut, DEFAULT_READ_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, Stop};
use ssewire_async::Item;
use ssewire_async::client::{Error, EventSource, Update};
use support::memory::{Reply, Request, Step, memory};

const fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// An update or error, as text, with the time it came at.
async fn transcript(
    script: Vec<Reply>,
    policy: Client,
    unfinished: bool,
) -> (Vec<String>, Vec<Request>, Option<Stop>) {
    let start = tokio::time::Instant::now();
    let (connect, seen) = memory(script);
    let mut source = EventSource::with_client(connect, policy).unfinished_event(unfinished);
    let mut lines = Vec::new();
    while let Some(update) = source.next().await {
        let at = start.elapsed().as_secs();
        lines.push(match update {
            Ok(Update::Open { .. }) => format!("{at} open"),
            Ok(Update::Item(Item::Event(event))) => {
                format!("{at} event {} id {}", event.data, event.last_event_id)
            }
            Ok(Update::Item(item)) => format!("{at} {item:?}"),
            Ok(Update::Reconnecting { delay, finish }) => {
                format!("{at} reconnecting in {delay:?} {finish:?}")
            }
            Ok(Update::LastEventIdNotSent { id }) => format!("{at} not sent {id:?}"),
            Ok(other) => format!("{at} {other:?}"),
            Err(Error::NotRepeated(received)) => format!("{at} not repeated {received:?}"),
            Err(error) => format!("{at} error {error}"),
        });
    }
    let seen = seen.lock().unwrap().clone();
    (lines, seen, source.stopped())
}

fn request(last_event_id: Option<&str>, at: u64) -> Request {
    Request {
        last_event_id: last_event_id.map(str::to_owned),
        at: secs(at),
    }
}

#[tokio::test(start_paused = true)]
async fn a_stall_after_the_headers_reconnects_with_the_last_event_id() {
    assert_eq!(DEFAULT_READ_TIMEOUT, secs(60));
    let script = vec![
        Reply::Stream(vec![
            Step::Send("id: 1\ndata: a\n\n"),
            Step::Sleep(secs(50)),
            // A keep-alive restarts the clock; half an event is discarded.
            Step::Send(": keep-alive\n\ndata: hal"),
            Step::Hang,
        ]),
        Reply::Stream(vec![Step::Send("id: 2\ndata: b\n\n")]),
    ];
    let (lines, seen, stop) = transcript(script, Client::new(), false).await;
    assert_eq!(
        lines,
        [
            "0 open",
            "0 event a id 1",
            "110 error no bytes for 60 s: the connection stalled or is half-open",
            "110 reconnecting in 3s Some(Truncated)",
            "113 open",
            "113 event b id 2",
            "113 reconnecting in 3s Some(Clean)",
        ]
    );
    assert_eq!(
        seen,
        [
            request(None, 0),
            request(Some("1"), 113),
            request(Some("2"), 116)
        ]
    );
    assert_eq!(stop, Some(Stop::NoContent));
}

#[tokio::test(start_paused = true)]
async fn a_stall_before_the_headers_is_a_failed_connection() {
    assert_eq!(DEFAULT_RESPONSE_TIMEOUT, secs(30));
    let script = vec![
        Reply::Silent,
        Reply::Stream(vec![Step::Send("data: x\n\n")]),
    ];
    let (lines, seen, _) = transcript(script, Client::new(), false).await;
    assert_eq!(
        lines[..3],
        [
            "30 error no response within 30 s",
            "30 reconnecting in 3s None",
            "33 open",
        ]
    );
    assert_eq!(seen[..2], [request(None, 0), request(None, 33)]);
}

#[tokio::test(start_paused = true)]
async fn a_half_open_connection_holds_a_client_without_a_read_timeout_and_not_one_with_it() {
    let script = || {
        vec![
            Reply::Stream(vec![Step::Send("id: 7\ndata: a\n\n"), Step::Hang]),
            Reply::Stream(vec![Step::Send("data: b\n\n")]),
        ]
    };
    // As a browser: the connection is held, silent, for as long as it lasts.
    let (connect, seen) = memory(script());
    let policy = Client::builder().read_timeout(None).build();
    let mut source = EventSource::with_client(connect, policy);
    let day = secs(86_400);
    let mut updates = 0;
    let held = tokio::time::timeout(day, async {
        while source.next().await.is_some() {
            updates += 1;
        }
    })
    .await;
    assert!(held.is_err(), "a day later, still waiting");
    assert_eq!(updates, 2);
    assert_eq!(seen.lock().unwrap().len(), 1);

    // With the default read timeout, the client leaves it after a minute.
    let (lines, seen, _) = transcript(script(), Client::new(), false).await;
    assert_eq!(
        lines[2],
        "60 error no bytes for 60 s: the connection stalled or is half-open"
    );
    assert_eq!(seen[1], request(Some("7"), 63));
}

#[tokio::test(start_paused = true)]
async fn a_huge_retry_waits_the_ceiling() {
    for (retry, wait) in [
        ("99999999999", 30),
        ("18446744073709551615", 30),
        ("5000", 5),
    ] {
        let body = format!("retry: {retry}\ndata: a\n\n").leak();
        let script = vec![Reply::Stream(vec![Step::Send(body)])];
        let (lines, seen, _) = transcript(script, Client::new(), false).await;
        assert_eq!(lines[3], format!("0 reconnecting in {wait}s Some(Clean)"));
        assert_eq!(seen[1].at, secs(wait), "retry: {retry}");
    }
    // The ceiling is a setting.
    let script = vec![Reply::Stream(vec![Step::Send("retry: 99999999999\n\n")])];
    let policy = Client::builder().max_reconnection_time(secs(7)).build();
    let (_, seen, _) = transcript(script, policy, false).await;
    assert_eq!(seen[1].at, secs(7));
}

#[tokio::test(start_paused = true)]
async fn a_cut_post_is_not_sent_again_and_the_error_says_what_was_received() {
    let cuts = [
        (
            Step::Fail,
            "error the response body failed: connection reset",
            Cut::Ended,
        ),
        (
            Step::Hang,
            "error no bytes for 60 s: the connection stalled or is half-open",
            Cut::Stalled,
        ),
    ];
    for (cut, error, how) in cuts {
        let script = vec![Reply::Stream(vec![
            Step::Send("data: {\"t\":\"Hel\"}\n\ndata: {\"t\":\"lo\"}\n\n"),
            Step::Send("data: {\"t\""),
            cut,
        ])];
        let policy = Client::builder().request("POST", true).build();
        let (lines, seen, stop) = transcript(script, policy, false).await;
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert!(lines[3].ends_with(error), "{lines:?}");
        let Some(Stop::NotRepeated(received)) = stop else {
            panic!("{stop:?}")
        };
        assert_eq!((received.events, received.bytes), (2, 47));
        assert_eq!((received.finish, received.cut), (Finish::Truncated, how));
        assert!(lines[4].contains("not repeated"), "{lines:?}");
        assert_eq!(seen.len(), 1, "sent once");
    }
    // A POST that could not be made is not made again either.
    let policy = Client::builder().request("POST", true).build();
    let (lines, seen, _) = transcript(vec![Reply::Refuse], policy, false).await;
    assert_eq!(lines[0], "0 error connection failed: connection refused");
    assert_eq!(seen.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_id_no_header_can_carry_is_reported_before_the_request_without_it() {
    let script = vec![
        Reply::Stream(vec![Step::Send("id: a\u{1}b\ndata: x\n\n")]),
        Reply::Stream(vec![Step::Send("id: \u{7f}\ndata: y\n\n")]),
        Reply::Stream(vec![Step::Send("id: ok\ndata: z\n\n")]),
    ];
    let (lines, seen, _) = transcript(script, Client::new(), false).await;
    let not_sent: Vec<_> = lines
        .iter()
        .filter(|line| line.contains("not sent"))
        .collect();
    assert_eq!(
        not_sent,
        ["3 not sent \"a\\u{1}b\"", "6 not sent \"\\u{7f}\""]
    );
    let ids: Vec<_> = seen
        .iter()
        .map(|seen| seen.last_event_id.as_deref())
        .collect();
    assert_eq!(ids, [None, None, None, Some("ok")]);
}

#[tokio::test(start_paused = true)]
async fn a_saved_last_event_id_is_sent_on_the_first_request() {
    let policy = Client::builder().last_event_id("1041").build();
    let (_, seen, _) = transcript(vec![], policy, false).await;
    assert_eq!(seen, [request(Some("1041"), 0)]);
}

#[tokio::test(start_paused = true)]
async fn an_unfinished_last_event_is_delivered_only_when_asked() {
    let script = || {
        vec![Reply::Stream(vec![Step::Send(
            "data: a\n\nid: 9\ndata: {\"done\":true}",
        )])]
    };
    let (standard, seen, _) = transcript(script(), Client::new(), false).await;
    assert_eq!(standard[2], "0 reconnecting in 3s Some(Truncated)");
    assert_eq!(seen[1].last_event_id, None);
    let (opted, seen, _) = transcript(script(), Client::new(), true).await;
    assert_eq!(
        opted[2..4],
        [
            "0 event {\"done\":true} id 9",
            "0 reconnecting in 3s Some(Truncated)"
        ]
    );
    assert_eq!(seen[1].last_event_id.as_deref(), Some("9"));
    // After a body error the half event is the network's cut: discarded.
    let cut = vec![Reply::Stream(vec![Step::Send("data: half"), Step::Fail])];
    let (lines, _, _) = transcript(cut, Client::new(), true).await;
    assert_eq!(
        lines[1..3],
        [
            "0 error the response body failed: connection reset",
            "0 reconnecting in 3s Some(Truncated)"
        ]
    );
}
