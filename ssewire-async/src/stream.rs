//! Decoding a [`Stream`] of byte chunks into a [`Stream`] of owned [`Item`]s.

use core::pin::Pin;
use core::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use futures_core::{FusedStream, Stream};
use ssewire::{Decoder, Finish};

use crate::event::{Item, Sharer};

pin_project_lite::pin_project! {
    /// A [`Stream`] of the [`Item`]s decoded from a stream of byte chunks,
    /// made by [`EventStreamExt::sse_events`].
    ///
    /// Items come out in stream order: events, `retry` fields, comments (when
    /// the decoder reports them), limit errors, and the chunk stream's own
    /// errors, passed on as `Err`. The stream ends when the chunk stream
    /// does; [`Events::finish`] then says whether an incomplete event was
    /// discarded, and [`Events::decoder`] holds the last event ID and the
    /// reconnection time for a reconnection.
    ///
    /// Events share the chunks they lay in; see [`crate::Str`].
    ///
    /// # A half event around a transport error
    ///
    /// A chunk stream's error is passed on as `Err` and does not reset the
    /// decoder: nothing is discarded and nothing is said about an event in
    /// progress. If the chunk stream goes on after its error, an unfinished
    /// event goes on with the next chunks, joined to the bytes before the
    /// error as if it had not happened. If the stream ends after the error,
    /// [`Events::finish`] says [`Finish::Truncated`] when an event was cut
    /// (and discards it, as the standard says). To drop a half event at the
    /// error instead, stop there: [`Events::into_parts`] gives the decoder,
    /// whose [`Decoder::finish`] discards it and says so. The reconnecting
    /// client (`client::EventSource`) does this for you: after a body
    /// error it discards the half event and its `Reconnecting` update says
    /// so.
    ///
    /// ```
    /// # futures_executor::block_on(async {
    /// use futures_util::{StreamExt, stream};
    /// use ssewire::Finish;
    /// use ssewire_async::{EventStreamExt, Item};
    ///
    /// let chunks = stream::iter([
    ///     Ok("data: before "),
    ///     Err(std::io::Error::other("reset")),
    ///     Ok("after\n\ndata: cut"),
    /// ]);
    /// let mut events = chunks.sse_events();
    /// assert!(events.next().await.unwrap().is_err());
    /// let joined = events.next().await.unwrap()?.into_event().unwrap();
    /// assert_eq!(joined.data, "before after");
    /// assert!(events.next().await.is_none());
    /// assert_eq!(events.finish(), Some(Finish::Truncated));
    /// # Ok::<(), std::io::Error>(()) }).unwrap();
    /// ```
    ///
    /// ```
    /// # futures_executor::block_on(async {
    /// use futures_util::{StreamExt, stream};
    /// use ssewire::Finish;
    /// use ssewire_async::{EventStreamExt, Item};
    ///
    /// let chunks = stream::iter(["data: hel", "lo\n\nid: 1\ndata: x\n\ndata: cut"])
    ///     .map(Ok::<_, std::io::Error>);
    /// let mut events = chunks.sse_events();
    /// let mut data = Vec::new();
    /// while let Some(item) = events.next().await {
    ///     if let Item::Event(event) = item? {
    ///         data.push(event.data);
    ///     }
    /// }
    /// assert_eq!(data, ["hello", "x"]);
    /// assert_eq!(events.finish(), Some(Finish::Truncated));
    /// assert_eq!(events.decoder().last_event_id(), "1");
    /// # Ok::<(), std::io::Error>(()) }).unwrap();
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct Events<S> {
        #[pin]
        chunks: S,
        decoder: Decoder,
        sharer: Sharer,
        // The chunk being decoded, from `unread` on.
        chunk: Bytes,
        unread: usize,
        finish: Option<Finish>,
    }
}

impl<S> Events<S> {
    /// Decodes `chunks` with a [`Decoder::new`].
    pub fn new(chunks: S) -> Events<S> {
        Events::with_decoder(chunks, Decoder::new())
    }

    /// Decodes `chunks` with `decoder`: one built with other limits or with
    /// comments reported, or one carried over from an earlier connection
    /// (it keeps the last event ID and the reconnection time).
    ///
    /// ```
    /// # futures_executor::block_on(async {
    /// use futures_util::{StreamExt, stream};
    /// use ssewire::Decoder;
    /// use ssewire_async::{Events, Item};
    ///
    /// let chunks = stream::iter([Ok::<_, std::io::Error>(": ping\n")]);
    /// let decoder = Decoder::builder().comments(true).build();
    /// let mut items = Events::with_decoder(chunks, decoder);
    /// assert!(matches!(items.next().await, Some(Ok(Item::Comment(text))) if text == "ping"));
    /// # });
    /// ```
    pub fn with_decoder(chunks: S, decoder: Decoder) -> Events<S> {
        Events {
            chunks,
            decoder,
            sharer: Sharer::default(),
            chunk: Bytes::new(),
            unread: 0,
            finish: None,
        }
    }

    /// The decoder: the last event ID and the reconnection time so far.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// How the chunk stream ended, once it has: [`Finish::Truncated`] if an
    /// incomplete event was discarded. `None` until then.
    pub fn finish(&self) -> Option<Finish> {
        self.finish
    }

    /// The chunk stream and the decoder, for decoding the next connection
    /// with the same decoder.
    pub fn into_parts(self) -> (S, Decoder) {
        (self.chunks, self.decoder)
    }
}

impl<S, B, E> Stream for Events<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
{
    type Item = Result<Item, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            while *this.unread < this.chunk.len() {
                let rest = this.chunk.get(*this.unread..).unwrap_or_default();
                let (item, consumed) = this.decoder.decode(rest);
                let item = item.and_then(|item| this.sharer.convert(item, this.chunk));
                *this.unread += consumed;
                if *this.unread >= this.chunk.len() {
                    // Done with the chunk: only the items handed out keep it.
                    *this.chunk = Bytes::new();
                    *this.unread = 0;
                    this.sharer.chunk_done();
                }
                if let Some(item) = item {
                    return Poll::Ready(Some(Ok(item)));
                }
            }
            if this.finish.is_some() {
                return Poll::Ready(None);
            }
            match ready!(this.chunks.as_mut().poll_next(cx)) {
                Some(Ok(chunk)) => {
                    *this.chunk = chunk.into();
                    *this.unread = 0;
                }
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => {
                    *this.finish = Some(this.decoder.finish());
                    return Poll::Ready(None);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, if self.finish.is_some() { Some(0) } else { None })
    }
}

impl<S, B, E> FusedStream for Events<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
{
    fn is_terminated(&self) -> bool {
        self.finish.is_some()
    }
}

/// Decoding for any stream of byte chunks: reqwest's `bytes_stream()`, a
/// body's [`body_chunks`], a channel of `Vec<u8>`.
///
/// Chunks are anything that turns into [`Bytes`] without copying (`Bytes`,
/// `Vec<u8>`, `String`, `BytesMut`, static slices); a stream of borrowed
/// slices can be mapped with `Bytes::copy_from_slice`.
///
/// ```
/// # futures_executor::block_on(async {
/// use futures_util::{StreamExt, stream};
/// use ssewire_async::{EventStreamExt, Item};
///
/// let chunks = stream::iter([Ok::<_, std::io::Error>(b"retry: 10\ndata: a\n\n".to_vec())]);
/// let items: Vec<Item> = chunks.sse_events().map(Result::unwrap).collect().await;
/// assert_eq!(items.len(), 2);
/// # });
/// ```
pub trait EventStreamExt: Sized {
    /// Decodes the stream with a [`Decoder::new`]; see [`Events`].
    fn sse_events(self) -> Events<Self> {
        Events::new(self)
    }

    /// Decodes the stream with `decoder`; see [`Events::with_decoder`].
    fn sse_events_with(self, decoder: Decoder) -> Events<Self> {
        Events::with_decoder(self, decoder)
    }
}

impl<S, B, E> EventStreamExt for S
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
{
}

pin_project_lite::pin_project! {
    /// The data of an [`http_body::Body`] as a [`Stream`] of [`Bytes`],
    /// trailers skipped; made by [`body_chunks`].
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct BodyChunks<B> {
        #[pin]
        body: B,
    }
}

/// The data of `body` (a hyper `Incoming`, an axum `Body`, any
/// [`http_body::Body`]) as chunks to decode with
/// [`EventStreamExt::sse_events`]. A `Bytes` frame is passed on as it is.
///
/// ```
/// # futures_executor::block_on(async {
/// use futures_util::StreamExt;
/// use http_body_util::Full;
/// use ssewire_async::{EventStreamExt, body_chunks};
///
/// let body = Full::new(bytes::Bytes::from_static(b"data: hi\n\n"));
/// let mut items = body_chunks(body).sse_events();
/// let event = items.next().await.unwrap().unwrap().into_event().unwrap();
/// assert_eq!(event.data, "hi");
/// # });
/// ```
pub fn body_chunks<B: http_body::Body>(body: B) -> BodyChunks<B> {
    BodyChunks { body }
}

impl<B: http_body::Body> Stream for BodyChunks<B> {
    type Item = Result<Bytes, B::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            match ready!(this.body.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(mut data) = frame.into_data() {
                        let len = data.remaining();
                        return Poll::Ready(Some(Ok(data.copy_to_bytes(len))));
                    }
                }
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}
