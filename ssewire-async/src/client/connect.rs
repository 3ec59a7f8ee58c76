//! How an [`EventSource`](super::EventSource) sends its requests.

use core::future::Future;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http_body::Body;

#[cfg(feature = "reqwest")]
use super::EventSource;
#[cfg(feature = "reqwest")]
use ssewire::client::Client;

/// Sends one request of an [`EventSource`](super::EventSource): given the
/// headers the connection policy asks for, returns the response.
/// Implemented for every
/// `FnMut(HeaderMap) -> impl Future<Output = Result<http::Response<B>, E>>`.
///
/// ```
/// use http_body_util::Full;
/// use ssewire_async::client::Connect;
///
/// fn is_connect<C: Connect>(_: &C) {}
/// is_connect(&|_headers: http::HeaderMap| {
///     std::future::ready(Ok::<_, std::io::Error>(http::Response::new(Full::<bytes::Bytes>::default())))
/// });
/// ```
pub trait Connect {
    /// The response body.
    type Body: Body;
    /// A network error.
    type Error;
    /// The response, when it comes.
    type Future: Future<Output = Result<http::Response<Self::Body>, Self::Error>>;

    /// Sends a request with `headers` added.
    fn connect(&mut self, headers: HeaderMap) -> Self::Future;
}

impl<F, Fut, B, E> Connect for F
where
    F: FnMut(HeaderMap) -> Fut,
    Fut: Future<Output = Result<http::Response<B>, E>>,
    B: Body,
{
    type Body = B;
    type Error = E;
    type Future = Fut;

    fn connect(&mut self, headers: HeaderMap) -> Fut {
        self(headers)
    }
}

/// The policy's request headers as a `HeaderMap`. The policy leaves out a
/// last event ID that no header can carry (and reports it); non-ASCII UTF-8
/// is sent as its bytes, as browsers do.
pub(super) fn request_headers(request: ssewire::client::Request<'_>) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(3);
    for (name, value) in request.headers() {
        if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    headers
}

/// An [`EventSource`] over reqwest (feature `reqwest`): `request` builds
/// each request (method, URL, body, headers of your own), and the policy's
/// headers are added to it.
///
/// The policy is [`Client::new`]'s, told the request's method and whether
/// it has a body (`request` is called once more, here, to see them): a
/// `GET` is sent again on every reconnection, a `POST` with a body is made
/// once, and its cut ends the stream with
/// [`Error::NotRepeated`](super::Error::NotRepeated).
///
/// ```no_run
/// # async fn run() {
/// use futures_util::StreamExt;
///
/// let http = reqwest::Client::new();
/// let mut source = ssewire_async::client::reqwest(move || http.get("http://127.0.0.1:8080/events"));
/// while let Some(update) = source.next().await {
///     println!("{update:?}");
/// }
/// # }
/// ```
#[cfg(feature = "reqwest")]
pub fn reqwest<F>(
    mut request: F,
) -> EventSource<impl Connect<Body = ::reqwest::Body, Error = ::reqwest::Error>>
where
    F: FnMut() -> ::reqwest::RequestBuilder,
{
    let mut policy = Client::builder();
    if let (_, Ok(sample)) = request().build_split() {
        policy = policy.request(sample.method().as_str(), sample.body().is_some());
    }
    reqwest_with(request, policy.build())
}

/// [`reqwest()`](fn@reqwest) with a policy configured by
/// [`Client::builder`], taken as it is: for a request with a body or a
/// method that is not idempotent, say so with
/// [`ClientBuilder::request`](ssewire::client::ClientBuilder::request).
///
/// ```no_run
/// # async fn run() {
/// use std::time::Duration;
/// use ssewire::client::Client;
///
/// let http = reqwest::Client::new();
/// let policy = Client::builder().read_timeout(Some(Duration::from_secs(20))).build();
/// let source = ssewire_async::client::reqwest_with(move || http.get("http://127.0.0.1:8080/events"), policy);
/// # drop(source);
/// # }
/// ```
#[cfg(feature = "reqwest")]
pub fn reqwest_with<F>(
    mut request: F,
    client: Client,
) -> EventSource<impl Connect<Body = ::reqwest::Body, Error = ::reqwest::Error>>
where
    F: FnMut() -> ::reqwest::RequestBuilder,
{
    EventSource::with_client(
        move |headers: HeaderMap| {
            let sent = request().headers(headers).send();
            async move { sent.await.map(http::Response::from) }
        },
        client,
    )
}
