//! `ssewire_interop::blocking::follow` (ureq plus `ssewire::client`) against
//! a hand-written HTTP/1.1 server on loopback, whose bodies are framed with
//! the chunked transfer coding and cut anywhere (inside an event, inside a
//! chunk): ureq removes the framing, the policy reconnects after a stall
//! (headers then silence; no headers at all), a cut and a refused
//! connection, sending `Last-Event-ID` each time, and stops at 204. On the
//! real clock, with bounds only from below.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ssewire::Decoded;
use ssewire::client::{Client, Stop};
use ssewire_interop::blocking::{Seen, follow};

/// One connection's answer, as raw bytes.
#[derive(Clone)]
enum Answer {
    /// 200 `text/event-stream`, these chunks framed as chunked, then the
    /// connection is closed (with or without the last, empty chunk) or held
    /// open in silence.
    Chunked {
        chunks: Vec<&'static str>,
        then: Then,
    },
    /// The request is read, and nothing is ever answered.
    Silent,
    /// 204 No Content.
    NoContent,
}

#[derive(Clone, Copy, PartialEq)]
enum Then {
    End,
    /// Closed in the middle of a chunk: a cut the client must notice.
    CutMidChunk,
    Hang,
}

fn chunk(text: &str) -> Vec<u8> {
    let mut framed = format!("{:x}\r\n", text.len()).into_bytes();
    framed.extend_from_slice(text.as_bytes());
    framed.extend_from_slice(b"\r\n");
    framed
}

/// Serves `script`, one answer per connection (then 204); returns the
/// address and each request's `Last-Event-ID`.
fn serve(script: Vec<Answer>) -> (SocketAddr, Arc<Mutex<Vec<Option<String>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let requests = seen.clone();
    std::thread::spawn(move || {
        for (n, socket) in listener.incoming().enumerate() {
            let Ok(socket) = socket else { return };
            let answer = script.get(n).cloned().unwrap_or(Answer::NoContent);
            let requests = requests.clone();
            std::thread::spawn(move || answer_one(socket, &answer, &requests));
        }
    });
    (address, seen)
}

fn answer_one(mut socket: TcpStream, answer: &Answer, requests: &Mutex<Vec<Option<String>>>) {
    let mut last_event_id = None;
    let mut reader = BufReader::new(socket.try_clone().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|read| read > 0) && line != "\r\n" {
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("last-event-id") {
                last_event_id = Some(value.trim().to_owned());
            }
        }
        line.clear();
    }
    requests.lock().unwrap().push(last_event_id);
    let hold = || std::thread::sleep(Duration::from_secs(20));
    match answer {
        Answer::Silent => hold(),
        Answer::NoContent => {
            let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
        }
        Answer::Chunked { chunks, then } => {
            let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
                            Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                .to_vec();
            for text in chunks {
                out.extend(chunk(text));
            }
            match then {
                Then::End => out.extend_from_slice(b"0\r\n\r\n"),
                Then::CutMidChunk => out.extend_from_slice(b"40\r\ndata: never fin"),
                Then::Hang => {}
            }
            let _ = socket.write_all(&out);
            let _ = socket.flush();
            if *then == Then::Hang {
                hold();
            }
        }
    }
}

#[test]
fn it_follows_a_chunked_stream_through_stalls_and_cuts_with_the_last_event_id() {
    let (address, seen) = serve(vec![
        // Headers, an event, a keep-alive, then silence: a stall.
        Answer::Chunked {
            chunks: vec!["retry: 50\nid: 1\ndata: a\n\n", ": keep-alive\n\n"],
            then: Then::Hang,
        },
        // An event split across chunks mid-line, then a cut inside a chunk.
        Answer::Chunked {
            chunks: vec!["id: 2\nda", "ta: b\n", "\nid: 3\ndata: cut off"],
            then: Then::CutMidChunk,
        },
        // No response at all: a stall before the headers.
        Answer::Silent,
        Answer::Chunked {
            chunks: vec!["data: c\n\n"],
            then: Then::End,
        },
    ]);
    let mut client = Client::builder()
        .read_timeout(Some(Duration::from_millis(400)))
        .response_timeout(Some(Duration::from_millis(400)))
        .build();
    let started = Instant::now();
    let (mut data, mut errors) = (Vec::new(), Vec::new());
    let stop = follow(
        &format!("http://{address}/events"),
        &mut client,
        |seen| match seen {
            Seen::Item(Decoded::Event(event)) => {
                data.push((event.data.to_owned(), event.last_event_id.to_owned()));
            }
            Seen::Error(error) => errors.push(error),
            _ => {}
        },
    );
    assert_eq!(stop, Stop::NoContent);
    let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    assert_eq!(data, pairs(&[("a", "1"), ("b", "2"), ("c", "2")]));
    let ids = seen.lock().unwrap().clone();
    let ids: Vec<_> = ids.iter().map(Option::as_deref).collect();
    assert_eq!(ids, [None, Some("1"), Some("2"), Some("2"), Some("2")]);
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].contains("timeout") || errors[0].contains("timed out"),
        "{errors:?}"
    );
    // Two stalls of 400 ms, three waits of 50 ms (the server's retry, above the floor).
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_huge_retry_waits_the_ceiling_and_a_control_character_id_is_reported() {
    let (address, seen) = serve(vec![Answer::Chunked {
        chunks: vec!["retry: 99999999999\nid: a\u{1}b\ndata: x\n\n"],
        then: Then::End,
    }]);
    let mut client = Client::builder()
        .max_reconnection_time(Duration::from_millis(100))
        .build();
    let (mut waits, mut not_sent) = (Vec::new(), Vec::new());
    let stop = follow(
        &format!("http://{address}/events"),
        &mut client,
        |seen| match seen {
            Seen::Waiting(delay) => waits.push(delay),
            Seen::NotSent(id) => not_sent.push(id.to_owned()),
            _ => {}
        },
    );
    assert_eq!(stop, Stop::NoContent);
    assert_eq!(waits, [Duration::from_millis(100)]);
    assert_eq!(not_sent, ["a\u{1}b"]);
    assert_eq!(*seen.lock().unwrap(), [None, None]);
}
