//! A hyper 1 server that streams an ssewire-encoded [`Script`] as a response
//! body.
//!
//! `GET /events` answers `200 OK` with `Content-Type: text/event-stream` and a
//! body fed from a channel by a task of its own: each message is encoded with
//! [`ssewire::Message`] and sent as one or more body frames. When the client
//! goes away hyper drops the body, the next send fails and the task ends; the
//! server and its other clients carry on. `GET /` is a test page whose
//! `EventSource` records what it receives into the DOM (see
//! [`crate::harness::read_page`]).

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::channel::{Channel, Sender};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::percent_encode;
use crate::script::{Cut, Script, Step};

/// How the server sends a script.
#[derive(Clone, Debug, Default)]
pub struct Pacing {
    /// Send each message in frames of these sizes, in turn (cut anywhere,
    /// inside a line or a character); empty sends each message as one frame.
    pub piece_sizes: Vec<usize>,
    /// A pause after each frame, so that the frames reach the client as
    /// separate reads.
    pub pause: Duration,
}

/// A server's script and what it has seen.
#[derive(Debug)]
pub struct ScriptServer {
    script: Script,
    pacing: Pacing,
    /// Which steps' cuts have happened: each happens once.
    cut_done: Mutex<Vec<bool>>,
    /// The `Last-Event-ID` header of every `GET /events`, in order.
    requests: Mutex<Vec<Option<String>>>,
}

impl ScriptServer {
    /// A server for `script`.
    pub fn new(script: Script, pacing: Pacing) -> Arc<ScriptServer> {
        let steps = script.steps().len();
        Arc::new(ScriptServer {
            script,
            pacing,
            cut_done: Mutex::new(vec![false; steps]),
            requests: Mutex::new(Vec::new()),
        })
    }

    /// The script.
    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The `Last-Event-ID` header of every stream request so far.
    pub fn requests(&self) -> Vec<Option<String>> {
        self.requests.lock().unwrap().clone()
    }

    /// Marks the cut at `step` as done; false if it already was.
    fn take_cut(&self, step: usize) -> bool {
        !std::mem::replace(&mut self.cut_done.lock().unwrap()[step], true)
    }
}

/// Binds 127.0.0.1:`port` (0 for any free port) and serves `server` on the
/// current tokio runtime. Returns the address.
pub async fn start(server: Arc<ScriptServer>, port: u16) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;
    tokio::spawn(serve(listener, server));
    Ok(address)
}

/// Like [`start`] on a runtime in a thread of its own, for callers that
/// block (a test driving a browser). The thread lives as long as the process.
pub fn start_in_thread(server: Arc<ScriptServer>) -> io::Result<SocketAddr> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let runtime = match runtime {
            Ok(runtime) => runtime,
            Err(error) => return tx.send(Err(error)).unwrap_or(()),
        };
        runtime.block_on(async move {
            let _ = tx.send(start(server, 0).await);
            std::future::pending::<()>().await;
        });
    });
    rx.recv().map_err(io::Error::other)?
}

/// Accepts connections for ever, one task each.
pub async fn serve(listener: TcpListener, server: Arc<ScriptServer>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: wait instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let server = server.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                std::future::ready(Ok::<_, Infallible>(respond(&server, &request)))
            });
            // An error here is a client that went away or a deliberate cut:
            // it ends this connection only.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

type Body = BoxBody<Bytes, io::Error>;

fn respond(server: &Arc<ScriptServer>, request: &Request<Incoming>) -> Response<Body> {
    let response = Response::builder();
    let response = match (request.method(), request.uri().path()) {
        (&Method::GET, "/events") => {
            let last_event_id = request
                .headers()
                .get("last-event-id")
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
            server.requests.lock().unwrap().push(last_event_id.clone());
            let start = server.script.resume_at(last_event_id.as_deref());
            let (sender, body) = Channel::new(4);
            tokio::spawn(send_script(server.clone(), start, sender));
            response
                .header(CONTENT_TYPE, ssewire::MEDIA_TYPE)
                .header(CACHE_CONTROL, "no-cache")
                .body(body.boxed())
        }
        (&Method::GET, "/") => {
            let page = page(&server.script.expected().event_types);
            response
                .header(CONTENT_TYPE, "text/html; charset=utf-8")
                .body(full(page))
        }
        _ => response
            .status(StatusCode::NOT_FOUND)
            .body(full(String::new())),
    };
    response.expect("a valid response")
}

fn full(text: String) -> Body {
    Full::new(Bytes::from(text))
        .map_err(|never| match never {})
        .boxed()
}

/// Sends the script from step `start`, until its end or a cut. Returns early,
/// ending the task, when the client has gone.
async fn send_script(
    server: Arc<ScriptServer>,
    start: usize,
    mut sender: Sender<Bytes, io::Error>,
) {
    let steps = server.script.steps();
    let mut sizes = server.pacing.piece_sizes.iter().copied().cycle();
    for (step, action) in steps.iter().enumerate().skip(start) {
        match action {
            Step::Send(message) => {
                let bytes = Bytes::from(message.encode());
                if send_pieces(&mut sender, bytes, &mut sizes, server.pacing.pause)
                    .await
                    .is_err()
                {
                    return;
                }
            }
            Step::Cut(cut) if server.take_cut(step) => {
                match cut {
                    // Dropping the sender ends the body normally.
                    Cut::End => return,
                    Cut::Abort => {}
                    Cut::AbortMidEvent => {
                        let Some(Step::Send(next)) = steps.get(step + 1) else {
                            return;
                        };
                        let mut bytes = next.encode();
                        bytes.truncate(bytes.len() / 2);
                        if sender.send_data(Bytes::from(bytes)).await.is_err() {
                            return;
                        }
                    }
                }
                // Abort only once hyper has taken every frame sent so far
                // and had time to write it out, so that the client receives
                // all of it before the connection breaks.
                for _ in 0..1000 {
                    if sender.capacity() == sender.max_capacity() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                sender.abort(io::Error::other("connection cut by the script"));
                return;
            }
            Step::Cut(_) => {} // Already done: a resumed client goes on.
        }
    }
}

async fn send_pieces(
    sender: &mut Sender<Bytes, io::Error>,
    mut bytes: Bytes,
    sizes: &mut impl Iterator<Item = usize>,
    pause: Duration,
) -> Result<(), ()> {
    while !bytes.is_empty() {
        let size = sizes.next().unwrap_or(usize::MAX).clamp(1, bytes.len());
        sender
            .send_data(bytes.split_to(size))
            .await
            .map_err(|_| ())?;
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    Ok(())
}

/// The test page: an `EventSource` on `/events` with a listener for each of
/// `event_types` (named events reach only listeners of their type). Each
/// event becomes an `<li data-record="TYPE DATA LASTEVENTID">`, each field
/// percent-encoded with `encodeURIComponent`; `#status` counts `open` and
/// `error` events. On an event of type `done` the page calls `close()`.
pub fn page(event_types: &[String]) -> String {
    let types: Vec<String> = event_types
        .iter()
        .map(|t| format!("'{}'", percent_encode(t)))
        .collect();
    PAGE.replace("TYPES", &types.join(", "))
}

const PAGE: &str = r#"<!doctype html>
<meta charset="utf-8">
<title>ssewire interop</title>
<p id="status" data-state="connecting">connecting</p>
<ol id="events"></ol>
<script>
const types = [TYPES].map(decodeURIComponent);
const source = new EventSource('/events');
const status = document.getElementById('status');
let opens = 0, errors = 0;
function show(state) {
  Object.assign(status.dataset, { state, opens, errors });
  status.textContent = `${state} (opens: ${opens}, errors: ${errors})`;
}
source.addEventListener('open', () => { opens++; show('open'); });
source.addEventListener('error', () => {
  errors++;
  show(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
});
function record(event) {
  const fields = [event.type, event.data, event.lastEventId];
  const item = document.createElement('li');
  item.dataset.record = fields.map(encodeURIComponent).join(' ');
  item.textContent = fields.map((field) => JSON.stringify(field)).join(' ');
  document.getElementById('events').append(item);
  if (event.type === 'done') {
    source.close();
    show('done');
  }
}
for (const type of types) source.addEventListener(type, record);
</script>
"#;
