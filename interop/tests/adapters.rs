//! The three adapters in `src/adapters.rs`, each over chunks split at awkward
//! places and over a real socket, must give exactly the expected events.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use ssewire::OwnedDecoded;
use ssewire_interop::adapters::{ReadItems, SseCodec, items};
use ssewire_interop::harness::{EXAMPLE_RETRY_MS, StdServer, example_script_events};
use ssewire_interop::script::{Script, hard_cases};
use ssewire_interop::server::{Pacing, ScriptServer, start};
use ssewire_interop::{Record, assert_same_events};
use tokio_util::codec::{Decoder as _, FramedRead};

/// Splits `bytes` into pieces of the given sizes, in turn.
fn pieces(bytes: &[u8], sizes: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        out.push(piece.to_vec());
        rest = tail;
    }
    out
}

const SPLITS: &[&[usize]] = &[&[1], &[2, 3], &[7, 1, 64], &[4096], &[1 << 20]];

/// Events and retry values, in order, from owned items.
fn sort_items(items: impl IntoIterator<Item = OwnedDecoded>) -> (Vec<Record>, Vec<u64>) {
    let mut events = Vec::new();
    let mut retries = Vec::new();
    for item in items {
        match item {
            OwnedDecoded::Event(event) => events.push(Record::from(&event)),
            OwnedDecoded::Retry(time) => {
                retries.push(u64::try_from(time.as_millis()).expect("read from a u64"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    (events, retries)
}

fn uncut() -> Script {
    hard_cases().without_cuts()
}

/// A stream that ends inside an event: the event must be dropped.
fn with_truncated_tail(script: &Script) -> Vec<u8> {
    let mut bytes = script.encode_all();
    bytes.extend_from_slice(b"id: 999\ndata: never dispatched");
    bytes
}

#[test]
fn codec_over_any_chunking() {
    let script = uncut();
    let expected = script.expected();
    let bytes = with_truncated_tail(&script);
    for sizes in SPLITS {
        eprintln!("split into pieces of {sizes:?}");
        let mut codec = SseCodec::default();
        let mut buffer = BytesMut::new();
        let mut out = Vec::new();
        for piece in pieces(&bytes, sizes) {
            buffer.extend_from_slice(&piece);
            while let Some(item) = codec.decode(&mut buffer).unwrap() {
                out.push(item);
            }
        }
        while let Some(item) = codec.decode_eof(&mut buffer).unwrap() {
            out.push(item);
        }
        assert!(buffer.is_empty());
        let (events, retries) = sort_items(out);
        assert_same_events(&events, &expected.events);
        assert_eq!(retries, expected.retries);
        assert_eq!(
            codec.decoder().last_event_id(),
            "15",
            "the truncated id 999 is discarded"
        );
    }
}

#[tokio::test]
async fn codec_with_framed_read_over_tcp() {
    let script = uncut();
    let bytes = with_truncated_tail(&script);
    // A plain TCP peer that writes the stream in small pieces, then closes.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let writer = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        for piece in pieces(&bytes, &[1, 5, 3, 700, 2]) {
            socket.write_all(&piece).unwrap();
        }
    });
    let socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let frames = FramedRead::new(socket, SseCodec::default());
    let out: Vec<OwnedDecoded> = frames.map(Result::unwrap).collect().await;
    writer.join().unwrap();
    let (events, retries) = sort_items(out);
    let expected = script.expected();
    assert_same_events(&events, &expected.events);
    assert_eq!(retries, expected.retries);
}

#[tokio::test]
async fn stream_adapter_passes_errors_on_and_goes_on() {
    let script = uncut();
    let expected = script.expected();
    let bytes = with_truncated_tail(&script);
    let mut chunks: Vec<Result<Bytes, &str>> = pieces(&bytes, &[3, 11])
        .into_iter()
        .map(|p| Ok(Bytes::from(p)))
        .collect();
    chunks.insert(chunks.len() / 2, Err("a transport hiccup"));
    let mut stream = items(futures_util::stream::iter(chunks));
    let mut out = Vec::new();
    let mut errors = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => out.push(item),
            Err(error) => {
                assert_eq!(error, "a transport hiccup");
                errors += 1;
            }
        }
    }
    assert_eq!(errors, 1);
    let (events, retries) = sort_items(out);
    assert_same_events(&events, &expected.events);
    assert_eq!(retries, expected.retries);
    assert_eq!(stream.decoder().last_event_id(), "15");
}

#[tokio::test]
async fn stream_adapter_over_reqwest_bytes_stream() {
    for pacing in [
        Pacing::default(),
        Pacing {
            piece_sizes: vec![1, 4, 9, 2, 4096],
            pause: Duration::from_micros(100),
        },
    ] {
        let server = ScriptServer::new(uncut(), pacing);
        let address = start(server, 0).await.unwrap();
        let response = reqwest::get(format!("http://{address}/events"))
            .await
            .unwrap();
        let stream = items(Box::pin(response.bytes_stream()));
        let out: Vec<OwnedDecoded> = stream.map(Result::unwrap).collect().await;
        let (events, retries) = sort_items(out);
        let expected = uncut().expected();
        assert_same_events(&events, &expected.events);
        assert_eq!(retries, expected.retries);
    }
}

/// A reader that returns at most a few bytes per `read`, and is sometimes
/// interrupted.
struct Trickle<'a> {
    bytes: &'a [u8],
    sizes: std::iter::Cycle<std::slice::Iter<'static, usize>>,
    calls: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(5) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = (*self.sizes.next().unwrap())
            .min(buf.len())
            .min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn read_adapter_over_short_reads() {
    let script = uncut();
    let bytes = with_truncated_tail(&script);
    for sizes in SPLITS {
        eprintln!("reads of {sizes:?} bytes");
        let reader = Trickle {
            bytes: &bytes,
            sizes: sizes.iter().cycle(),
            calls: 0,
        };
        let mut items = ReadItems::new(reader);
        let out: Vec<OwnedDecoded> = items.by_ref().map(Result::unwrap).collect();
        let (events, retries) = sort_items(out);
        let expected = script.expected();
        assert_same_events(&events, &expected.events);
        assert_eq!(retries, expected.retries);
        assert_eq!(items.decoder().last_event_id(), "15");
    }
}

/// The blocking adapter on a `std::net::TcpStream` from the main crate's std
/// server example: read the HTTP head, then decode the rest of the
/// connection.
#[test]
fn read_adapter_over_the_std_server_example() {
    let server = StdServer::start(env!("CARGO_BIN_EXE_server").as_ref(), &["--script"]).unwrap();
    let address = server.base_url.trim_start_matches("http://");
    let mut socket = TcpStream::connect(address).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        socket,
        "GET /events HTTP/1.1\r\nHost: {address}\r\nLast-Event-ID: 3\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(socket);
    let mut head = String::new();
    while reader.read_line(&mut head).unwrap() > 2 && !head.ends_with("\r\n\r\n") {}
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("\r\nContent-Type: text/event-stream\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\nCache-Control: no-cache\r\n"), "{head}");

    let (events, retries) = sort_items(ReadItems::new(reader).map(Result::unwrap));
    // Resumed after id 3. This decoder never saw id 3, so the first event,
    // which has no id field, reports an empty last event ID.
    let mut expected = example_script_events().split_off(3);
    expected[0].last_event_id = String::new();
    assert_same_events(&events, &expected);
    assert_eq!(retries, [EXAMPLE_RETRY_MS]);
    let log = server.stop();
    assert!(
        log.contains("GET /events, Last-Event-ID: Some(\"3\")"),
        "{log}"
    );
}
