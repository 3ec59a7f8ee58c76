//! A resumable event hub over HTTP, on axum and `ssewire_async::hub`.
//!
//! ```text
//! sse_hub --listen ADDR [--history N] [--queue N]
//!         [--priming-retry MS] [--write-timeout S] [--page FILE]
//!         [--redis redis://HOST:PORT/ --stream NAME]
//! ```
//!
//! With `--redis` (and `--features redis`), the hub runs on a Redis
//! stream: several `sse_hub` processes given the same URL and stream are
//! one hub, and a client resumes on any of them.
//!
//! - `GET /events`: the event stream, resuming after `Last-Event-ID`.
//! - `POST /publish?event=TYPE`: publishes the request body (UTF-8, line
//!   breaks allowed) as an event's data; answers `200` with the assigned id.
//! - `POST /disconnect`: ends every stream; clients resume.
//! - `GET /`: the HTML file given with `--page`, or a page that lists events.
//!
//! Prints `listening on http://ADDR` once it accepts connections, and one
//! line per stream on stderr. Needs `--features axum`:
//!
//! ```text
//! cargo run -p ssewire-async --features axum --example sse_hub -- --listen 127.0.0.1:8080
//! curl -N localhost:8080/events &
//! curl -d $'two\nlines' 'localhost:8080/publish?event=note'
//! ```

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use ssewire::Message;
use ssewire_async::hub::{Backend, Hub, HubBuilder, last_event_id, write_timeout};

/// `--redis` only where it works: tests look for it to find a program
/// built with the feature.
#[cfg(feature = "redis")]
const USAGE: &str = "usage: sse_hub --listen ADDR [--history N] [--queue N] \
                     [--priming-retry MS] [--write-timeout S] [--page FILE] \
                     [--redis redis://HOST:PORT/ --stream NAME]";
#[cfg(not(feature = "redis"))]
const USAGE: &str = "usage: sse_hub --listen ADDR [--history N] [--queue N] \
                     [--priming-retry MS] [--write-timeout S] [--page FILE]";

/// A page that lists every event it receives.
const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>sse_hub</title><ol id="events"></ol>
<script>
const list = document.getElementById("events");
const source = new EventSource("/events");
const show = (e) => { const item = document.createElement("li");
  item.textContent = `${e.type} #${e.lastEventId}: ${e.data}`; list.append(item); };
source.onmessage = show;
source.addEventListener("note", show);
</script>"#;

struct Options {
    listen: String,
    history: usize,
    queue: usize,
    priming_retry: Duration,
    write_timeout: Duration,
    page: String,
    redis: Option<String>,
    stream: String,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        listen: String::new(),
        history: 1024,
        queue: 256,
        priming_retry: Duration::from_secs(3),
        write_timeout: Duration::from_secs(30),
        page: PAGE.to_owned(),
        redis: None,
        stream: "sse_hub".to_owned(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--listen" => options.listen.clone_from(&value),
            "--history" => options.history = usize::try_from(number()?).unwrap_or(usize::MAX),
            "--queue" => options.queue = usize::try_from(number()?).unwrap_or(usize::MAX),
            "--priming-retry" => options.priming_retry = Duration::from_millis(number()?),
            "--write-timeout" => options.write_timeout = Duration::from_secs(number()?),
            "--redis" => options.redis = Some(value),
            "--stream" => options.stream = value,
            "--page" => {
                options.page =
                    std::fs::read_to_string(&value).map_err(|e| format!("{value}: {e}"))?;
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if options.listen.is_empty() {
        return Err("--listen is required".to_owned());
    }
    Ok(options)
}

/// Handlers are generic over the hub's backend, so that another one (a
/// shared store for several servers) serves through the same code.
fn app<B: Backend + 'static>(hub: Arc<B>, page: String) -> Router {
    Router::new()
        .route("/events", get(events::<B>))
        .route("/publish", post(publish::<B>))
        .route("/disconnect", post(disconnect::<B>))
        .route(
            "/",
            get(
                move || async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page) },
            ),
        )
        .with_state(hub)
}

async fn events<B: Backend>(State(hub): State<Arc<B>>, headers: HeaderMap) -> Response {
    let last = last_event_id(&headers);
    match hub.subscribe(last).await {
        Ok(subscription) => {
            eprintln!(
                "GET /events, Last-Event-ID: {last:?}, {:?}",
                subscription.start()
            );
            subscription.into_response()
        }
        Err(error) => (StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response(),
    }
}

async fn publish<B: Backend>(
    State(hub): State<Arc<B>>,
    RawQuery(query): RawQuery,
    data: String,
) -> Response {
    let event_type = match query.as_deref().map(event_parameter).transpose() {
        Ok(event_type) => event_type.flatten(),
        Err(error) => return (StatusCode::BAD_REQUEST, error).into_response(),
    };
    let mut message = Message::new(&data);
    if let Some(event_type) = &event_type {
        message = message.event(event_type);
    }
    match hub.publish(None, message).await {
        Ok(id) => id.to_string().into_response(),
        Err(error) => (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
    }
}

async fn disconnect<B: Backend>(State(hub): State<Arc<B>>) -> StatusCode {
    hub.disconnect_all();
    StatusCode::NO_CONTENT
}

/// The `event` parameter of a query string, percent-decoded.
fn event_parameter(query: &str) -> Result<Option<String>, String> {
    let Some(value) = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("event="))
    else {
        return Ok(None);
    };
    let mut bytes = Vec::with_capacity(value.len());
    let mut rest = value.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = rest.get(..2).and_then(|hex| std::str::from_utf8(hex).ok());
                let decoded = hex.and_then(|hex| u8::from_str_radix(hex, 16).ok());
                bytes.push(decoded.ok_or("a bad %-escape in event")?);
                rest = &rest[2..];
            }
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| "event is not UTF-8".to_owned())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let options = options().unwrap_or_else(|error| {
        eprintln!("sse_hub: {error}\n{USAGE}");
        std::process::exit(2);
    });
    let hub = Hub::builder()
        .history(options.history)
        .queue(options.queue)
        .priming(Some(options.priming_retry));
    let app = match options.redis.as_deref() {
        None => app(Arc::new(hub.build()), options.page),
        Some(url) => on_redis(hub, url, &options.stream, options.page).await,
    };
    let listener = tokio::net::TcpListener::bind(&options.listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    let timeout = options.write_timeout;
    let listener = listener.tap_io(move |socket| {
        if let Err(error) = write_timeout(socket, timeout) {
            eprintln!("write timeout not set: {error}");
        }
    });
    axum::serve(listener, app).await
}

/// The app on a hub on the Redis stream `stream`; exits when Redis does
/// not answer.
#[cfg(feature = "redis")]
async fn on_redis(hub: HubBuilder, url: &str, stream: &str, page: String) -> Router {
    match hub.redis(stream).connect(url).await {
        Ok(hub) => app(Arc::new(hub), page),
        Err(error) => {
            eprintln!("sse_hub: {url}: {error}");
            std::process::exit(1);
        }
    }
}

#[cfg(not(feature = "redis"))]
#[allow(clippy::unused_async)] // the same signature as with the feature
async fn on_redis(_: HubBuilder, _: &str, _: &str, _: String) -> Router {
    eprintln!("sse_hub: --redis needs the example built with --features redis");
    std::process::exit(2);
}
