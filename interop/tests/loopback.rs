//! The hyper server and the reqwest client, over loopback TCP: the hard-case
//! script, cut three times, must arrive complete, each event exactly once,
//! with exactly the expected type, data and last event ID.

use std::ops::ControlFlow;
use std::time::Duration;

use ssewire::{Decoded, Finish};
use ssewire_interop::client::{Connection, Follow, follow};
use ssewire_interop::script::{Cut, DONE, hard_cases};
use ssewire_interop::server::{Pacing, ScriptServer, start};
use ssewire_interop::{Record, assert_same_events};

struct Received {
    events: Vec<Record>,
    retries: Vec<u64>,
    connections: Vec<Connection>,
    requests: Vec<Option<String>>,
}

async fn run(pacing: Pacing) -> Received {
    let server = ScriptServer::new(hard_cases(), pacing);
    let address = start(server.clone(), 0).await.expect("bind 127.0.0.1");
    let url = format!("http://{address}/events");
    let client = reqwest::Client::new();
    let options = Follow {
        max_connections: 10,
        default_retry: Duration::from_secs(5),
    };
    let mut events = Vec::new();
    let mut retries = Vec::new();
    let run = follow(&client, &url, &options, |item| {
        match item {
            Decoded::Event(event) => {
                events.push(Record::from(event));
                if event.event_type == DONE {
                    return ControlFlow::Break(());
                }
            }
            Decoded::Retry(time) => {
                retries.push(u64::try_from(time.as_millis()).unwrap_or(u64::MAX));
            }
            other => panic!("unexpected item {other:?}"),
        }
        ControlFlow::Continue(())
    });
    let connections = tokio::time::timeout(Duration::from_mins(1), run)
        .await
        .expect("the script finishes within 60 s")
        .expect("the client reaches the done event");
    Received {
        events,
        retries,
        connections,
        requests: server.requests(),
    }
}

fn check(received: &Received) {
    let expected = hard_cases().expected();
    assert_same_events(&received.events, &expected.events);
    assert_eq!(received.retries, expected.retries, "retry values");

    // One connection per cut, plus the first; each resumed with the header
    // the script calls for, and the server saw exactly those headers.
    let sent: Vec<_> = received
        .connections
        .iter()
        .map(|c| c.last_event_id_sent.clone())
        .collect();
    assert_eq!(
        sent, expected.resume_ids,
        "Last-Event-ID sent on each connection"
    );
    assert_eq!(
        received.requests, expected.resume_ids,
        "Last-Event-ID the server received"
    );

    // How each cut connection ended, as the decoder saw it.
    for (connection, cut) in received.connections.iter().zip(&expected.cuts) {
        let (finish, failed) = match cut {
            Cut::End => (Finish::Clean, false),
            Cut::Abort => (Finish::Clean, true),
            Cut::AbortMidEvent => (Finish::Truncated, true),
        };
        assert_eq!(connection.finish, Some(finish), "{cut:?}: {connection:?}");
        assert_eq!(
            connection.error.is_some(),
            failed,
            "{cut:?}: {connection:?}"
        );
    }
    // The last connection was still open when the client stopped at `done`.
    assert_eq!(received.connections.last().unwrap().finish, None);
}

#[tokio::test]
async fn hard_cases_whole_messages() {
    let received = run(Pacing::default()).await;
    check(&received);
}

#[tokio::test]
async fn hard_cases_in_small_pieces() {
    let received = run(Pacing {
        piece_sizes: vec![1, 2, 3, 5, 8, 13, 4096],
        pause: Duration::from_micros(200),
    })
    .await;
    check(&received);
    let chunks: usize = received.connections.iter().map(|c| c.chunks).sum();
    eprintln!("the client received {chunks} chunks");
}

/// Clients that hang up mid-stream end their own connection only: the server
/// keeps serving everyone else.
#[tokio::test]
async fn server_survives_clients_that_leave() {
    let server = ScriptServer::new(hard_cases(), Pacing::default());
    let address = start(server.clone(), 0).await.unwrap();
    let url = format!("http://{address}/events");
    let client = reqwest::Client::new();
    for _ in 0..5 {
        let mut response = client.get(&url).send().await.unwrap();
        let first = response.chunk().await.unwrap().expect("a first chunk");
        assert!(!first.is_empty());
        drop(response);
    }
    // Whichever cuts those connections already used up, a client that
    // follows the stream to the end sees every event once.
    let mut events = Vec::new();
    let options = Follow {
        max_connections: 10,
        default_retry: Duration::from_secs(5),
    };
    follow(&client, &url, &options, |item| {
        if let Decoded::Event(event) = item {
            events.push(Record::from(event));
            if event.event_type == DONE {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    })
    .await
    .unwrap();
    assert_same_events(&events, &hard_cases().expected().events);
}

/// Per the standard, a response that is not `text/event-stream` fails the
/// connection for good: no reconnection.
#[tokio::test]
async fn wrong_content_type_is_not_followed() {
    let server = ScriptServer::new(hard_cases(), Pacing::default());
    let address = start(server.clone(), 0).await.unwrap();
    let client = reqwest::Client::new();
    let page = format!("http://{address}/");
    let result = follow(&client, &page, &Follow::default(), |_| {
        ControlFlow::Continue(())
    })
    .await;
    assert!(
        matches!(&result, Err(ssewire_interop::client::FollowError::NotAnEventStream(t)) if t.starts_with("text/html")),
        "{result:?}"
    );
    let missing = format!("http://{address}/missing");
    let result = follow(&client, &missing, &Follow::default(), |_| {
        ControlFlow::Continue(())
    })
    .await;
    assert!(
        matches!(
            result,
            Err(ssewire_interop::client::FollowError::Status(404))
        ),
        "{result:?}"
    );
    assert!(server.requests().is_empty());
}
