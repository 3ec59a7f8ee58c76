//! Server-Sent Events for async Rust, on the [`ssewire`] codec.
//!
//! [`ssewire`] decodes and encodes the `text/event-stream` wire format and
//! does no I/O. This crate connects it to the async ecosystem's types, the
//! way `csv` sits on `csv-core`:
//!
//! - **Decoding**: [`EventStreamExt::sse_events`] turns any `Stream` of byte
//!   chunks (reqwest's `bytes_stream()`, a body's [`body_chunks`]) into a
//!   `Stream` of owned [`Item`]s. An event that lies inside one chunk shares
//!   that chunk's buffer instead of being copied ([`Str`]; short strings are
//!   held inline); only events that span chunks are copied.
//! - **Serving**: [`SseBody`] is an [`http_body::Body`] over a `Stream` of
//!   messages, for hyper and axum; [`response`] adds the headers an event
//!   stream needs; [`Encoded`] is an encoded message to clone to many
//!   clients; `KeepAlive` (feature `tokio`) sends comments through stretches
//!   of silence.
//!
//! # Decoding a response
//!
//! ```
//! # futures_executor::block_on(async {
//! use futures_util::{StreamExt, stream};
//! use ssewire_async::{EventStreamExt, Item};
//!
//! // Chunks as they might come off the network: any sizes, split anywhere.
//! let body = stream::iter(["retry: 3000\nid: 1\nda", "ta: hello\n\n"]).map(Ok::<_, std::io::Error>);
//! let mut items = body.sse_events();
//! while let Some(item) = items.next().await {
//!     match item? {
//!         Item::Event(event) => assert_eq!((&*event.data, &*event.last_event_id), ("hello", "1")),
//!         Item::Retry(time) => assert_eq!(time.as_millis(), 3000),
//!         Item::Error(error) => eprintln!("skipped an event: {error}"),
//!         _ => {}
//!     }
//! }
//! # Ok::<(), std::io::Error>(()) }).unwrap();
//! ```
//!
//! # Crate features
//!
//! None is on by default.
//!
//! - `tokio`: `KeepAlive` for [`SseBody`], and the reconnecting
//!   `client::EventSource`.
//! - `reqwest` (implies `tokio`): `client::reqwest`, the reconnecting
//!   client over a `reqwest::Client`.
//! - `codec`: `codec::SseCodec`, a `tokio_util::codec` decoder and encoder.
//! - `hub` (implies `tokio`): `hub::Hub`, a resumable fan-out hub: publish
//!   once to many subscribers, with a bounded history replayed after
//!   `Last-Event-ID` and bounded per-subscriber queues.
//! - `axum` (implies `hub`): an axum handler returns a
//!   `hub::Subscription` as its response.
//! - `redis` (implies `hub`): `hub::RedisHub`, the hub on a Redis stream,
//!   shared by several servers, over the `redis` crate's tokio connection.
// `unsafe` is allowed in one module only, `utf8`, where text already proven
// UTF-8 is viewed as `str` without checking it again (see its docs).
#![deny(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
#[cfg(feature = "tokio")]
pub mod client;
#[cfg(feature = "codec")]
pub mod codec;
mod event;
mod event_type;
#[cfg(feature = "hub")]
pub mod hub;
mod stream;
mod text;
#[allow(unsafe_code)]
mod utf8;

#[cfg(feature = "tokio")]
pub use body::KeepAlive;
pub use body::{Encoded, SseBody, headers, response};
pub use event::{Event, Item};
pub use event_type::EventType;
pub use stream::{BodyChunks, EventStreamExt, Events, body_chunks};
pub use text::Str;

/// The README's examples, compiled and run as doc tests so they cannot
/// drift. They use reqwest, axum, the hub (on Redis too) and the
/// keep-alive timer.
#[cfg(all(doctest, feature = "reqwest", feature = "axum", feature = "redis"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
