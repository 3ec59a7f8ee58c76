//! The request headers of a connection attempt.

/// The request headers for one connection attempt, from
/// [`Client::connect`](super::Client::connect).
///
/// Borrows the last event ID from the client's decoder, so building it
/// allocates nothing. Header names are lowercase (as HTTP/2 and the `http`
/// crate's `HeaderName::from_static` require); HTTP/1.1 names are
/// case-insensitive.
///
/// ```
/// use ssewire::client::Client;
///
/// let mut client = Client::new();
/// let request = client.connect()?;
/// let headers: Vec<_> = request.headers().collect();
/// assert_eq!(headers, [("accept", "text/event-stream"), ("cache-control", "no-cache")]);
/// # Ok::<(), ssewire::client::Stop>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Request<'a> {
    pub(super) last_event_id: &'a str,
}

impl<'a> Request<'a> {
    /// The `Accept` header, which the standard lets user agents send and
    /// browsers do.
    ///
    /// ```
    /// assert_eq!(ssewire::client::Request::ACCEPT, ("accept", "text/event-stream"));
    /// ```
    pub const ACCEPT: (&'static str, &'static str) = ("accept", crate::MEDIA_TYPE);

    /// The `Cache-Control` header browsers send; the standard asks for the
    /// fetch cache mode "no-store", which a plain HTTP client expresses this
    /// way.
    ///
    /// ```
    /// assert_eq!(ssewire::client::Request::CACHE_CONTROL.1, "no-cache");
    /// ```
    pub const CACHE_CONTROL: (&'static str, &'static str) = ("cache-control", "no-cache");

    /// The name of the header that carries the last event ID.
    ///
    /// ```
    /// assert!(ssewire::client::Request::LAST_EVENT_ID.eq_ignore_ascii_case("Last-Event-ID"));
    /// ```
    pub const LAST_EVENT_ID: &'static str = "last-event-id";

    /// The headers to send: [`Request::ACCEPT`], [`Request::CACHE_CONTROL`]
    /// and, when the last event ID is not empty, `last-event-id` with it.
    ///
    /// ```
    /// # let mut client = ssewire::client::Client::new();
    /// # let _ = client.connect();
    /// # let _ = client.response(200, Some("text/event-stream"));
    /// client.feed(b"id: 42\ndata: x\n\n", |_| {});
    /// # let _ = client.stream_ended();
    /// let request = client.connect()?;
    /// assert!(request.headers().any(|header| header == ("last-event-id", "42")));
    /// assert_eq!(request.headers().len(), 3);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn headers(&self) -> Headers<'a> {
        let count = if self.last_event_id.is_empty() { 2 } else { 3 };
        Headers {
            all: [
                Request::ACCEPT,
                Request::CACHE_CONTROL,
                (Request::LAST_EVENT_ID, self.last_event_id),
            ],
            next: 0,
            end: count,
        }
    }

    /// The `Last-Event-ID` value to send, if any: the decoder's last event
    /// ID when it is not empty. It never contains CR, LF or NUL, but may
    /// contain other control characters and any UTF-8, which some HTTP
    /// libraries refuse in a header value (send its UTF-8 bytes, as
    /// browsers do, where the library allows it).
    ///
    /// ```
    /// let mut client = ssewire::client::Client::new();
    /// assert_eq!(client.connect()?.last_event_id(), None);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn last_event_id(&self) -> Option<&'a str> {
        (!self.last_event_id.is_empty()).then_some(self.last_event_id)
    }
}

/// An iterator over the headers of a [`Request`], as `(name, value)` pairs.
///
/// ```
/// let mut client = ssewire::client::Client::new();
/// let mut headers = client.connect()?.headers();
/// assert_eq!(headers.next(), Some(("accept", "text/event-stream")));
/// # Ok::<(), ssewire::client::Stop>(())
/// ```
#[derive(Debug, Clone)]
pub struct Headers<'a> {
    all: [(&'static str, &'a str); 3],
    next: usize,
    end: usize,
}

impl<'a> Iterator for Headers<'a> {
    type Item = (&'static str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let header = *self.all.get(self.next..self.end)?.first()?;
        self.next += 1;
        Some(header)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end.saturating_sub(self.next);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Headers<'_> {}
