//! The one error type of the core crate.
//!
//! Every failure, from bad input to an HTTP status to a broken connection, is an
//! [`Error`] with a [`kind`](Error::kind). Bindings map on the kind, never on the
//! message text. `Display` is a single line that never contains a secret.

use std::fmt;
use std::time::Duration;

/// What went wrong, coarse enough to branch on.
///
/// ```
/// use partner_webhooks::{Error, ErrorKind};
/// let err = Error::invalid_input("partner_id", "must not be empty");
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
/// assert!(!err.kind().is_retryable());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument failed validation before anything was sent.
    InvalidInput,
    /// HTTP 401: the API key, token or password was refused.
    Authentication,
    /// HTTP 403: the credentials are valid but may not touch this partner.
    PermissionDenied,
    /// HTTP 404: no such partner (or route).
    NotFound,
    /// HTTP 400, 422 or any other 4xx not listed here: the server refused the payload.
    Validation,
    /// HTTP 429: too many requests; see [`Error::retry_after`].
    RateLimited,
    /// HTTP 5xx.
    Server,
    /// The call did not finish within its timeout (or the server answered 408).
    Timeout,
    /// The connection could not be made or broke before a full answer arrived.
    Connection,
    /// The server answered 2xx with a body that is not what the API promises.
    Decode,
}

impl ErrorKind {
    /// The name used in every language (`"NotFound"`, `"RateLimited"`, ...).
    ///
    /// ```
    /// assert_eq!(partner_webhooks::ErrorKind::RateLimited.as_str(), "RateLimited");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Authentication => "Authentication",
            ErrorKind::PermissionDenied => "PermissionDenied",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::Validation => "Validation",
            ErrorKind::RateLimited => "RateLimited",
            ErrorKind::Server => "Server",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::Connection => "Connection",
            ErrorKind::Decode => "Decode",
        }
    }

    /// Parses [`as_str`](Self::as_str) back (used by the cross-language scenarios).
    ///
    /// ```
    /// use partner_webhooks::ErrorKind;
    /// assert_eq!(ErrorKind::parse("Server"), Some(ErrorKind::Server));
    /// assert_eq!(ErrorKind::parse("server"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::InvalidInput,
        ErrorKind::Authentication,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::Validation,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::Timeout,
        ErrorKind::Connection,
        ErrorKind::Decode,
    ];

    /// Whether a call failing this way is worth another attempt.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Connection
        )
    }

    /// The kind for a non-2xx HTTP status.
    ///
    /// ```
    /// use partner_webhooks::ErrorKind;
    /// assert_eq!(ErrorKind::from_status(404), ErrorKind::NotFound);
    /// assert_eq!(ErrorKind::from_status(503), ErrorKind::Server);
    /// assert_eq!(ErrorKind::from_status(409), ErrorKind::Validation);
    /// ```
    pub fn from_status(status: u16) -> Self {
        match status {
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            408 => ErrorKind::Timeout,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Validation,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from the partner-webhooks client.
///
/// Carries everything a caller or a support ticket needs: the [`kind`](Self::kind),
/// the HTTP [`status`](Self::status), the server's `developer_message`, its
/// `360dialog_trace_id` as [`trace_id`](Self::trace_id), the `details` object,
/// the `Retry-After` delay and how many attempts were made.
///
/// ```
/// use partner_webhooks::Error;
/// let err = Error::invalid_input("webhook_url", "must use https unless the host is loopback");
/// assert_eq!(err.field(), Some("webhook_url"));
/// assert_eq!(
///     err.to_string(),
///     "InvalidInput: webhook_url: must use https unless the host is loopback"
/// );
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    field: Option<String>,
    status: Option<u16>,
    developer_message: Option<String>,
    trace_id: Option<String>,
    details: Option<serde_json::Value>,
    body: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
    headers: Option<reqwest::header::HeaderMap>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// Longest server body kept on an error (the start of it, in characters).
pub(crate) const MAX_ERROR_BODY_CHARS: usize = 4096;

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                field: None,
                status: None,
                developer_message: None,
                trace_id: None,
                details: None,
                body: None,
                retry_after: None,
                attempts: 0,
                headers: None,
                source: None,
            }),
        }
    }

    /// An [`ErrorKind::InvalidInput`] error naming the offending field and the rule it broke.
    pub fn invalid_input(field: impl Into<String>, rule: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::InvalidInput, rule);
        e.inner.field = Some(field.into());
        e
    }

    /// An error of `kind` with a plain message (no HTTP status).
    pub fn other(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error::new(kind, message)
    }

    /// An error for a non-2xx HTTP answer; decodes the API's `meta` envelope
    /// when the body has one, or the OAuth-style `{"error": ...,
    /// "error_description": ...}` the token endpoint may answer with (the
    /// description becomes the developer message).
    ///
    /// ```
    /// use partner_webhooks::{Error, ErrorKind};
    /// let body = br#"{"meta":{"developer_message":"Not found","http_code":404,"success":false,"360dialog_trace_id":"t-1"}}"#;
    /// let err = Error::from_response(404, body, None);
    /// assert_eq!(err.kind(), ErrorKind::NotFound);
    /// assert_eq!(err.trace_id(), Some("t-1"));
    /// assert_eq!(err.developer_message(), Some("Not found"));
    /// ```
    pub fn from_response(status: u16, body: &[u8], retry_after: Option<Duration>) -> Self {
        let meta = crate::models::ErrorMeta::decode(body);
        let kind = ErrorKind::from_status(status);
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let mut e = Error::new(
            kind,
            format!("HTTP {status} {reason}").trim_end().to_string(),
        );
        e.inner.status = Some(status);
        e.inner.retry_after = retry_after;
        if let Some(meta) = meta {
            e.inner.developer_message = meta.developer_message;
            e.inner.trace_id = meta.trace_id;
            e.inner.details = meta.details;
        }
        let text = String::from_utf8_lossy(body);
        e.inner.body = Some(text.chars().take(MAX_ERROR_BODY_CHARS).collect());
        e
    }

    pub(crate) fn with_headers(mut self, headers: reqwest::header::HeaderMap) -> Self {
        self.inner.headers = Some(headers);
        self
    }

    /// The headers of the HTTP answer this error came from (`None` when
    /// there was none: invalid input, a connection failure).
    pub fn headers(&self) -> Option<&reqwest::header::HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// [`headers`](Self::headers) as `(name, value)` text pairs (empty when
    /// there was no answer).
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        self.inner
            .headers
            .as_ref()
            .map(header_pairs)
            .unwrap_or_default()
    }

    /// The messages of the errors beneath this one (the transport's, the
    /// token provider's), outermost first; none holds a secret.
    pub fn causes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            out.push(e.to_string());
            next = e.source();
        }
        out
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// The token endpoint's refusals: any non-2xx answer to `POST /api/v2/token`
    /// is an authentication error (the status and the server's description kept).
    pub(crate) fn into_authentication(mut self) -> Self {
        if self.inner.status.is_some() {
            self.inner.kind = ErrorKind::Authentication;
            self.inner.message = format!("token exchange refused: {}", self.inner.message);
        }
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_trace_id(mut self, trace_id: Option<String>) -> Self {
        if self.inner.trace_id.is_none() {
            self.inner.trace_id = trace_id;
        }
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The short description, without kind, status or trace id.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// For [`ErrorKind::InvalidInput`]: the argument that was refused.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// `meta.developer_message` from the server's error body.
    pub fn developer_message(&self) -> Option<&str> {
        self.inner.developer_message.as_deref()
    }

    /// `meta.360dialog_trace_id`: quote it to 360dialog support.
    pub fn trace_id(&self) -> Option<&str> {
        self.inner.trace_id.as_deref()
    }

    /// `meta.details`: which fields the server refused and why (any JSON).
    pub fn details(&self) -> Option<&serde_json::Value> {
        self.inner.details.as_ref()
    }

    /// The start of the raw error body (up to 4096 characters).
    pub fn body(&self) -> Option<&str> {
        self.inner.body.as_deref()
    }

    /// The server's `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// How many HTTP attempts were made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Whether the call may succeed if made again later.
    pub fn is_retryable(&self) -> bool {
        self.inner.kind.is_retryable()
    }

    /// The name of the exception class the Python and Node packages raise
    /// for this error (the same tree in both, after Stainless-style SDKs).
    ///
    /// ```
    /// use partner_webhooks::Error;
    /// assert_eq!(Error::from_response(404, b"", None).class_name(), "NotFoundError");
    /// assert_eq!(Error::from_response(422, b"", None).class_name(), "UnprocessableEntityError");
    /// assert_eq!(Error::from_response(409, b"", None).class_name(), "ConflictError");
    /// assert_eq!(Error::from_response(410, b"", None).class_name(), "APIStatusError");
    /// ```
    pub fn class_name(&self) -> &'static str {
        match (self.kind(), self.status()) {
            (ErrorKind::InvalidInput, _) => "InvalidInputError",
            (ErrorKind::Authentication, _) => "AuthenticationError",
            (ErrorKind::PermissionDenied, _) => "PermissionDeniedError",
            (ErrorKind::NotFound, _) => "NotFoundError",
            (ErrorKind::Validation, Some(400)) => "BadRequestError",
            (ErrorKind::Validation, Some(409)) => "ConflictError",
            (ErrorKind::Validation, Some(422)) => "UnprocessableEntityError",
            (ErrorKind::Validation, _) => "APIStatusError",
            (ErrorKind::RateLimited, _) => "RateLimitError",
            (ErrorKind::Server, _) => "InternalServerError",
            (ErrorKind::Timeout, _) => "APITimeoutError",
            (ErrorKind::Connection, _) => "APIConnectionError",
            (ErrorKind::Decode, _) => "APIResponseValidationError",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        write!(f, "{}: ", i.kind)?;
        if let Some(field) = &i.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&i.message)?;
        if let Some(dm) = &i.developer_message {
            write!(f, ": {}", one_line(dm))?;
        }
        if let Some(trace) = &i.trace_id {
            write!(f, " (trace id {})", one_line(trace))?;
        }
        if let Some(ra) = i.retry_after {
            write!(f, " (retry after {:.1}s)", ra.as_secs_f64())?;
        }
        if i.attempts > 1 {
            write!(f, " after {} attempts", i.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind).field("message", &i.message);
        if let Some(v) = &i.field {
            d.field("field", v);
        }
        if let Some(v) = &i.status {
            d.field("status", v);
        }
        if let Some(v) = &i.developer_message {
            d.field("developer_message", v);
        }
        if let Some(v) = &i.trace_id {
            d.field("trace_id", v);
        }
        if let Some(v) = &i.details {
            d.field("details", v);
        }
        if let Some(v) = &i.retry_after {
            d.field("retry_after", v);
        }
        d.field("attempts", &i.attempts);
        if let Some(v) = &i.source {
            d.field("source", &v.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Keeps `Display` on one line whatever the server sent.
fn one_line(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(500)
        .collect();
    flat.trim().to_string()
}

/// Header name/value pairs as text: one pair per name (lower-case), a
/// repeated header's values joined with `", "` as HTTP allows; a value that
/// is not UTF-8 is converted lossily.
pub(crate) fn header_pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .keys()
        .map(|name| {
            let values: Vec<_> = headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            (name.as_str().to_string(), values.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_line_with_status_message_and_trace() {
        let body = br#"{"meta":{"developer_message":"Wrong\npayload","http_code":400,"success":false,"360dialog_trace_id":"abc","details":{"webhook_url":["Not a valid URL."]}}}"#;
        let e = Error::from_response(400, body, None).with_attempts(1);
        let s = e.to_string();
        assert_eq!(
            s,
            "Validation: HTTP 400 Bad Request: Wrong payload (trace id abc)"
        );
        assert_eq!(e.details().unwrap()["webhook_url"][0], "Not a valid URL.");
    }

    #[test]
    fn non_json_body_is_kept_raw() {
        let e = Error::from_response(502, b"<html>bad gateway</html>", None);
        assert_eq!(e.kind(), ErrorKind::Server);
        assert_eq!(e.developer_message(), None);
        assert_eq!(e.body(), Some("<html>bad gateway</html>"));
    }

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for k in ErrorKind::ALL {
            assert_eq!(ErrorKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn error_is_small() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
