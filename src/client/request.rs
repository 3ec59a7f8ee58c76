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
    /// and, when the last event ID is not empty and can go into a header
    /// unchanged, `last-event-id` with it (see
    /// [`Request::unsent_last_event_id`] for one that cannot).
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
        let count = if self.last_event_id.is_empty() || !fits_a_header(self.last_event_id) {
            2
        } else {
            3
        };
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

    /// The last event ID, if not empty: the value `Last-Event-ID` should
    /// carry. It never contains CR, LF or NUL, but may contain other control
    /// characters, which no header can carry: [`Request::headers`] then
    /// leaves it out and [`Request::unsent_last_event_id`] returns it.
    /// Non-ASCII UTF-8 is sent as its bytes, as browsers do.
    ///
    /// ```
    /// let mut client = ssewire::client::Client::new();
    /// assert_eq!(client.connect()?.last_event_id(), None);
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn last_event_id(&self) -> Option<&'a str> {
        (!self.last_event_id.is_empty()).then_some(self.last_event_id)
    }

    /// The last event ID that [`Request::headers`] leaves out because no
    /// HTTP header can carry it unchanged, if any: one with a control
    /// character (U+0001 to U+001F but tab, or U+007F; a stream's `id` can
    /// hold them), or with a space or tab at either end (which HTTP strips
    /// from a header value, RFC 9110 section 5.5). The request then has no
    /// `Last-Event-ID`, and the server may replay the stream from its start.
    ///
    /// The ID is not altered to fit (percent-encoded, trimmed, stripped):
    /// the server would read another ID, and could resume at the wrong
    /// place. Tell the user, or resume some other way (a query parameter
    /// of your own).
    ///
    /// ```
    /// use ssewire::client::Client;
    ///
    /// let mut client = Client::builder().last_event_id("a\u{1}b").build();
    /// let request = client.connect()?;
    /// assert_eq!(request.unsent_last_event_id(), Some("a\u{1}b"));
    /// assert!(request.headers().all(|(name, _)| name != "last-event-id"));
    /// # Ok::<(), ssewire::client::Stop>(())
    /// ```
    pub fn unsent_last_event_id(&self) -> Option<&'a str> {
        (!self.last_event_id.is_empty() && !fits_a_header(self.last_event_id))
            .then_some(self.last_event_id)
    }
}

/// Whether `value` is an HTTP field value as it stands (RFC 9110 section
/// 5.5: visible characters, spaces and tabs, and bytes of non-ASCII UTF-8,
/// with no whitespace at either end).
fn fits_a_header(value: &str) -> bool {
    let bytes = value.as_bytes();
    let blank = |byte: Option<&u8>| matches!(byte, Some(b' ' | b'\t'));
    !blank(bytes.first())
        && !blank(bytes.last())
        && bytes
            .iter()
            .all(|&byte| byte == b'\t' || (byte >= 0x20 && byte != 0x7f))
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
