//! [`Response`]: a decoded answer with its HTTP metadata.

use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};
use serde_json::Value;

/// A successful answer: the decoded body (via `Deref`), plus the HTTP status,
/// the trace id when the server sent one, and how many attempts it took.
///
/// ```
/// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
/// let resp = client.get_webhook_url("abcPA").await?;
/// println!("{:?} (HTTP {}, {} attempt(s))", resp.webhook_url, resp.status(), resp.attempts());
/// let body: partner_webhooks::models::PartnerGetWebhookUrlOut = resp.into_inner();
/// # Ok(()) }
/// ```
pub struct Response<T> {
    data: T,
    status: u16,
    headers: reqwest::header::HeaderMap,
    trace_id: Option<String>,
    attempts: u32,
    raw: Bytes,
}

impl<T> Response<T> {
    pub(crate) fn new(
        data: T,
        status: u16,
        headers: reqwest::header::HeaderMap,
        trace_id: Option<String>,
        attempts: u32,
        raw: Bytes,
    ) -> Self {
        Response {
            data,
            status,
            headers,
            trace_id,
            attempts,
            raw,
        }
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers (names lower-case).
    ///
    /// ```
    /// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
    /// let resp = client.get_webhook_url("abcPA").await?;
    /// let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok());
    /// # Ok(()) }
    /// ```
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The headers as `(name, value)` text pairs, one per name, a repeated
    /// header's values joined with `", "` (what the bindings hand on).
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        crate::error::header_pairs(&self.headers)
    }

    /// The headers as one text block, a `name: value` line per name (lower-case
    /// names, a repeated header's values joined with `", "`): one allocation,
    /// which is what the bindings queue per finished call and split when they
    /// hand it over.
    ///
    /// ```
    /// # fn demo(resp: partner_webhooks::Response<()>) {
    /// for line in resp.header_lines().lines() {
    ///     let (name, value) = line.split_once(": ").unwrap();
    /// }
    /// # }
    /// ```
    pub fn header_lines(&self) -> String {
        let mut out = String::with_capacity(256);
        for name in self.headers.keys() {
            out.push_str(name.as_str());
            out.push_str(": ");
            // A value never holds CR or LF (hyper refuses them).
            for (i, value) in self.headers.get_all(name).iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&String::from_utf8_lossy(value.as_bytes()));
            }
            out.push('\n');
        }
        out
    }

    /// The trace id from the response headers, if any.
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// Attempts made, 1 when the first one succeeded.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The body exactly as received (may contain header secrets: do not log it).
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }

    /// The decoded body.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// Takes the decoded body.
    pub fn into_inner(self) -> T {
        self.data
    }

    /// The same answer with its body mapped by `f`.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            data: f(self.data),
            status: self.status,
            headers: self.headers,
            trace_id: self.trace_id,
            attempts: self.attempts,
            raw: self.raw,
        }
    }
}

/// A body checked against the shape of `T` by decoding it as `T`, which is
/// then dropped: the bindings hand their callers the text, parsed by their
/// language's own JSON parser (one parse on each side, no tree in between).
pub(crate) struct Checked<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d)?;
        Ok(Checked(PhantomData))
    }
}

impl<T> Response<Checked<T>> {
    /// The checked body as text (a body that is not UTF-8 is a Decode error).
    pub(crate) fn into_json(self) -> Result<Response<JsonBody>, crate::Error> {
        let text = match std::str::from_utf8(&self.raw) {
            Ok(_) => self.raw.clone(),
            Err(_) => {
                return Err(crate::Error::other(
                    crate::ErrorKind::Decode,
                    "the response body is not UTF-8",
                )
                .with_status(self.status)
                .with_trace_id(self.trace_id)
                .with_attempts(self.attempts));
            }
        };
        Ok(self.map(|_| JsonBody(text)))
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("trace_id", &self.trace_id)
            .field("attempts", &self.attempts)
            .field("data", &self.data)
            .finish()
    }
}

/// A response body as the JSON text the API sent (what
/// [`PartnerClient::invoke`](crate::PartnerClient::invoke) answers), already
/// checked to have the shape of the operation's response type. `Debug` shows
/// its top-level keys only: values may be webhook header secrets.
///
/// ```
/// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
/// use partner_webhooks::operations::Operation;
/// let r = client.invoke(Operation::GetWebhookUrl, vec!["abcPA".into()]).await?;
/// let text: &str = r.data().as_str(); // for the host language's JSON parser
/// let tree = r.data().value();        // or a serde_json tree
/// println!("{:?}", r.data());         // JsonBody { keys: ["webhook_url"] }
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq)]
pub struct JsonBody(Bytes);

impl JsonBody {
    /// The text, as received.
    pub fn as_str(&self) -> &str {
        // Checked to be UTF-8 when made (`into_json`).
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The text parsed into a tree (it was checked to be JSON when it arrived).
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.0).unwrap_or(Value::Null)
    }
}

impl fmt::Debug for JsonBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.value();
        let keys: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        f.debug_struct("JsonBody").field("keys", &keys).finish()
    }
}
