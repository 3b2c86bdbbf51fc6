//! The one place where Rust errors become JavaScript errors.
//!
//! napi can only throw plain `Error`s, so the native layer throws an `Error`
//! whose message is a JSON payload `{"class", "kind", "message", ...}`; the
//! package's `errors.js` turns it into the typed class named by `class`.

use partner_webhooks::{Error, VerifyError};
use partner_webhooks_runtime::RuntimeError;
use serde_json::{Value, json};

/// Marks a message as a payload for `errors.js`.
pub const PAYLOAD_PREFIX: &str = "partner-webhooks:";

/// Every error a binding call can end with.
pub enum BindingError {
    /// From the client (HTTP, validation, auth).
    Client(Error),
    /// From the shared runtime (contained panic, shutdown).
    Runtime(RuntimeError),
    /// From the webhook verifier.
    Verify(VerifyError),
    /// The caller's AbortSignal fired.
    Aborted,
}

impl From<Error> for BindingError {
    fn from(e: Error) -> Self {
        BindingError::Client(e)
    }
}

impl From<RuntimeError> for BindingError {
    fn from(e: RuntimeError) -> Self {
        BindingError::Runtime(e)
    }
}

impl From<VerifyError> for BindingError {
    fn from(e: VerifyError) -> Self {
        BindingError::Verify(e)
    }
}

impl BindingError {
    fn payload(&self) -> Value {
        match self {
            BindingError::Client(e) => json!({
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
            BindingError::Runtime(e) => json!({
                "class": "PartnerWebhooksError", "kind": "Runtime", "message": e.to_string(),
            }),
            BindingError::Verify(e) => json!({
                "class": "WebhookVerificationError",
                "kind": e.kind().as_str(),
                "message": e.to_string(),
                "httpStatus": e.http_status(),
            }),
            BindingError::Aborted => json!({
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
