//! The reconnecting client against a scripted server on loopback: dropped
//! connections, `Last-Event-ID`, `retry` changes, 204, 404, 500, `text/html`,
//! a server that is not there, and a `POST` with a body.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use http_body_util::BodyExt;
use ssewire::Finish;
use ssewire::client::{Client, Stop};
use ssewire_async::client::{Error, EventSource, Update};
use ssewire_async::{Event, Item};
use support::{Answer, Seen, hyper_connect, serve};

/// A policy that honours any `retry`, so the tests wait milliseconds.
fn quick() -> Client {
    Client::builder()
        .reconnection_time(Duration::from_millis(20))
        .min_reconnection_time(Duration::ZERO)
        .build()
}

/// `Update::Open` with its headers left out, for comparing transcripts.
fn open() -> Update {
    Update::Open {
        headers: http::HeaderMap::new(),
    }
}

/// The update with an `Open`'s headers left out, after checking that they
/// are the response's.
fn without_headers(update: Update) -> Update {
    match update {
        Update::Open { headers } => {
            assert_eq!(headers["content-type"], "text/event-stream");
            open()
        }
        other => other,
    }
}

/// An untyped event; `own_id` says whether its block had an `id` line.
fn event(data: &str, id: &str, own_id: bool) -> Update {
    Update::Item(Item::Event(
        Event::new("message", data, id).with_own_fields(false, own_id),
    ))
}

#[tokio::test]
async fn it_reconnects_with_the_last_event_id_after_the_servers_retry_and_stops_at_204() {
    let (address, seen) = serve(vec![
        Answer::events("retry: 30\nid: 1\ndata: a\n\ndata: cut off"),
        Answer::events("data: b\n\nretry: 60\nid: 2\ndata: c\n\n"),
        Answer::events(""),
    ])
    .await;
    let mut source = EventSource::with_client(hyper_connect(address, "GET", ""), quick());
    let mut updates = Vec::new();
    while let Some(update) = source.next().await {
        updates.push(without_headers(update.unwrap()));
    }
    let reconnecting = |ms, finish| Update::Reconnecting {
        delay: Duration::from_millis(ms),
        finish: Some(finish),
    };
    assert_eq!(
        updates,
        [
            open(),
            Update::Item(Item::Retry(Duration::from_millis(30))),
            event("a", "1", true),
            reconnecting(30, Finish::Truncated),
            open(),
            event("b", "1", false),
            Update::Item(Item::Retry(Duration::from_millis(60))),
            event("c", "2", true),
            reconnecting(60, Finish::Clean),
            open(),
            // The last event ID persists across a connection without events.
            reconnecting(60, Finish::Clean),
        ]
    );
    assert_eq!(source.stopped(), Some(Stop::NoContent));
    let seen = seen.lock().unwrap();
    let ids: Vec<_> = seen
        .iter()
        .map(|seen| seen.last_event_id.as_deref())
        .collect();
    assert_eq!(ids, [None, Some("1"), Some("2"), Some("2")]);
    assert!(
        seen.iter()
            .all(|seen| seen.accept.as_deref() == Some("text/event-stream"))
    );
}

/// Follows `script` to its end, returning the updates and the errors.
async fn follow(script: Vec<Answer>) -> (Vec<Update>, Vec<String>, Option<Stop>, Vec<Seen>) {
    let (address, seen) = serve(script).await;
    let mut source = EventSource::with_client(hyper_connect(address, "GET", ""), quick());
    let (mut updates, mut errors) = (Vec::new(), Vec::new());
    while let Some(update) = source.next().await {
        match update {
            Ok(update) => updates.push(update),
            Err(error) => {
                assert!(error.is_terminal());
                let status = error.status().map(|status| status.as_u16());
                let kind = match &error {
                    Error::Status(_) => "status",
                    Error::MediaType(_) => "media type",
                    _ => "other",
                };
                let body = error.into_response().unwrap().into_body().collect().await;
                let body = String::from_utf8_lossy(&body.unwrap().to_bytes()).into_owned();
                errors.push(format!("{kind} {status:?} {body}"));
            }
        }
    }
    let seen = seen.lock().unwrap().clone();
    (updates, errors, source.stopped(), seen)
}

#[tokio::test]
async fn a_404_or_a_500_ends_the_stream_with_the_response_to_read() {
    for status in [404, 500] {
        let (updates, errors, stopped, seen) = follow(vec![
            Answer::events("id: 5\ndata: a\n\n"),
            Answer::status(status, "text/plain", "no such stream"),
        ])
        .await;
        assert_eq!(updates.len(), 3, "{updates:?}");
        assert_eq!(errors, [format!("status Some({status}) no such stream")]);
        assert_eq!(stopped, Some(Stop::Status(status)));
        assert_eq!(seen.len(), 2, "never reconnects after {status}");
    }
}

#[tokio::test]
async fn a_wrong_media_type_ends_the_stream() {
    let (updates, errors, stopped, seen) =
        follow(vec![Answer::status(200, "text/html", "<p>login</p>")]).await;
    assert_eq!(updates, []);
    assert_eq!(errors, ["media type Some(200) <p>login</p>"]);
    assert_eq!(stopped, Some(Stop::NotEventStream));
    assert_eq!(seen.len(), 1);
}

#[tokio::test]
async fn a_204_first_ends_the_stream_without_an_error() {
    let (updates, errors, stopped, seen) = follow(vec![]).await;
    assert_eq!((updates, errors), (vec![], vec![]));
    assert_eq!(stopped, Some(Stop::NoContent));
    assert_eq!(seen.len(), 1);
}

#[tokio::test]
async fn a_network_error_is_reported_then_retried_until_the_bound() {
    // A port with nothing listening on it.
    let address = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let policy = Client::builder()
        .reconnection_time(Duration::from_millis(10))
        .min_reconnection_time(Duration::ZERO)
        .max_reconnects(2)
        .build();
    let mut source = EventSource::with_client(hyper_connect(address, "GET", ""), policy);
    let mut seen = Vec::new();
    while let Some(update) = source.next().await {
        seen.push(match update {
            Ok(Update::Reconnecting {
                delay,
                finish: None,
            }) => format!("reconnecting {delay:?}"),
            Err(Error::Connect(_)) => "connect error".to_owned(),
            Err(Error::GaveUp { reconnects }) => format!("gave up after {reconnects}"),
            other => panic!("unexpected {other:?}"),
        });
    }
    assert_eq!(
        seen,
        [
            "connect error",
            "reconnecting 10ms",
            "connect error",
            "reconnecting 10ms",
            "connect error",
            "gave up after 2",
        ]
    );
    assert_eq!(source.stopped(), Some(Stop::GaveUp { reconnects: 2 }));
}

#[tokio::test]
async fn a_post_with_a_body_is_the_callers_request() {
    let (address, seen) = serve(vec![Answer::events(
        "data: {\"token\":\"hi\"}\n\ndata: [DONE]\n\n",
    )])
    .await;
    let connect = hyper_connect(address, "POST", "{\"prompt\":\"hello\"}");
    let mut source = EventSource::with_client(connect, quick());
    let mut tokens = Vec::new();
    while let Some(update) = source.next().await {
        if let Update::Item(Item::Event(event)) = update.unwrap() {
            if event.data == "[DONE]" {
                source.close();
                break;
            }
            tokens.push(event.data.to_string());
        }
    }
    assert_eq!(tokens, ["{\"token\":\"hi\"}"]);
    assert!(source.next().await.is_none());
    assert_eq!(source.stopped(), Some(Stop::Closed));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].body.as_str()),
        ("POST", "{\"prompt\":\"hello\"}")
    );
}

/// The guards on the real clock, over loopback, with short timeouts; only
/// lower bounds on elapsed time are asserted (tests/liveness.rs has the
/// exact times on the paused clock).
fn guarded() -> ssewire::client::ClientBuilder {
    Client::builder()
        .reconnection_time(Duration::from_millis(20))
        .min_reconnection_time(Duration::ZERO)
        .read_timeout(Some(Duration::from_millis(300)))
        .response_timeout(Some(Duration::from_millis(300)))
}

/// Follows `script` with `policy`, returning the errors as text, the
/// requests, and the time taken.
async fn follow_guarded(
    script: Vec<Answer>,
    policy: Client,
    method: &'static str,
) -> (Vec<String>, Vec<Seen>, Duration) {
    let (address, seen) = serve(script).await;
    let started = std::time::Instant::now();
    let mut source = EventSource::with_client(hyper_connect(address, method, "{}"), policy);
    let mut errors = Vec::new();
    let all = async {
        while let Some(update) = source.next().await {
            if let Err(error) = update {
                errors.push(error.to_string());
            }
        }
    };
    // A generous bound: the scripts end in well under a second.
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("the source ends");
    let seen = seen.lock().unwrap().clone();
    (errors, seen, started.elapsed())
}

#[tokio::test]
async fn a_stall_after_the_headers_reconnects_on_the_real_clock() {
    let (errors, seen, took) = follow_guarded(
        vec![
            Answer::hang_after("id: 1\ndata: a\n\n: keep-alive\n\n"),
            Answer::events("data: b\n\n"),
        ],
        guarded().build(),
        "GET",
    )
    .await;
    assert_eq!(
        errors,
        ["no bytes for 0.3 s: the connection stalled or is half-open"]
    );
    let ids: Vec<_> = seen
        .iter()
        .map(|seen| seen.last_event_id.as_deref())
        .collect();
    assert_eq!(ids, [None, Some("1"), Some("1")]);
    assert!(took >= Duration::from_millis(300), "{took:?}");
}

#[tokio::test]
async fn a_stall_before_the_headers_reconnects_on_the_real_clock() {
    let (errors, seen, took) = follow_guarded(
        vec![Answer::silent(), Answer::events("data: b\n\n")],
        guarded().build(),
        "GET",
    )
    .await;
    assert_eq!(errors, ["no response within 0.3 s"]);
    assert_eq!(seen.len(), 3);
    assert!(took >= Duration::from_millis(300), "{took:?}");
}

#[tokio::test]
async fn a_huge_retry_waits_the_ceiling_on_the_real_clock() {
    let policy = guarded()
        .max_reconnection_time(Duration::from_millis(50))
        .build();
    let (errors, seen, took) = follow_guarded(
        vec![Answer::events("retry: 99999999999\ndata: a\n\n")],
        policy,
        "GET",
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(seen.len(), 2);
    assert!(took >= Duration::from_millis(50), "{took:?}");
}

#[tokio::test]
async fn a_cut_post_is_sent_once_on_the_real_clock() {
    for answer in [
        Answer::events("data: {\"t\":1}\n\ndata: {\"t\""),
        Answer::hang_after("data: {\"t\":1}\n\n"),
    ] {
        let policy = guarded().request("POST", true).build();
        let (errors, seen, _) = follow_guarded(vec![answer.clone()], policy, "POST").await;
        assert_eq!(seen.len(), 1, "{answer:?}");
        let last = errors.last().expect("an error");
        assert!(last.contains("after 1 event(s)"), "{errors:?}");
        assert!(last.ends_with("not sent again"), "{errors:?}");
    }
}

#[tokio::test]
async fn a_control_character_id_is_reported_and_not_sent_on_the_real_clock() {
    let (address, seen) = serve(vec![
        Answer::events("id: a\u{1}b\ndata: x\n\n"),
        Answer::events("data: y\n\n"),
    ])
    .await;
    let mut source = EventSource::with_client(hyper_connect(address, "GET", ""), quick());
    let mut unsent = Vec::new();
    while let Some(update) = source.next().await {
        if let Ok(Update::LastEventIdNotSent { id }) = update {
            unsent.push(id);
        }
    }
    assert_eq!(unsent, ["a\u{1}b", "a\u{1}b"]);
    let ids: Vec<_> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|seen| seen.last_event_id.clone())
        .collect();
    assert_eq!(ids, [None, None, None]);
}
