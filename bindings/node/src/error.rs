//! The one place where Rust errors become JavaScript errors.
//!
//! napi can only throw plain `Error`s, so the native layer throws an `Error`
//! whose message is a JSON payload `{"class", "kind", "message", ...}`; the
//! package's `errors.js` turns it into the typed class named by `class`.

use partner_webhooks_runtime::CallError;
use serde_json::{Value, json};

/// Marks a message as a payload for `errors.js`.
pub const PAYLOAD_PREFIX: &str = "partner-webhooks:";

/// The binding's handle on [`CallError`] (a local type, so that it can
/// convert into `napi::Error`); anything convertible into `CallError` converts into it.
pub struct BindingError(pub CallError);

impl<E: Into<CallError>> From<E> for BindingError {
    fn from(e: E) -> Self {
        BindingError(e.into())
    }
}

impl BindingError {
    fn payload(&self) -> Value {
        match &self.0 {
            CallError::Client(e) => json!({
                "class": e.class_name(),
                "kind": e.kind().as_str(),
                "message": e.to_string(),
                "status": e.status(),
                "traceId": e.trace_id(),
                "developerMessage": e.developer_message(),
                "details": e.details(),
                "body": e.body(),
                "retryAfter": e.retry_after().map(|d| d.as_secs_f64()),
                "attempts": e.attempts(),
                "field": e.field(),
            }),
            CallError::Runtime(e) => json!({
                "class": "PartnerWebhooksError", "kind": "Runtime", "message": e.to_string(),
            }),
            CallError::Verify(e) => json!({
                "class": "WebhookVerificationError",
                "kind": e.kind().as_str(),
                "message": e.to_string(),
                "httpStatus": e.http_status(),
            }),
            _ => json!({
                "class": "APIUserAbortError", "kind": "Aborted", "message": "the request was aborted",
            }),
        }
    }
}

impl From<BindingError> for napi::Error {
    fn from(e: BindingError) -> napi::Error {
        napi::Error::new(
            napi::Status::GenericFailure,
            format!("{PAYLOAD_PREFIX}{}", e.payload()),
        )
    }
}

/// Shorthand for binding results.
pub type BindingResult<T> = Result<T, BindingError>;
