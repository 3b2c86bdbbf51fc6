//! The one place where Rust errors become JavaScript errors.
//!
//! napi can only throw plain `Error`s, so the native layer throws an `Error`
//! whose message is a JSON payload `{"class", "kind", "message", ...}`; the
//! package's `errors.js` turns it into the typed class named by `class`.

use partner_webhooks::settings::Language;
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
        let e = &self.0;
        let mut p = json!({
            "class": e.class_name(),
            "kind": e.kind_name(),
            "message": e.message_in(Language::Node),
        });
        match e {
            CallError::Client(e) => {
                p["status"] = json!(e.status());
                p["traceId"] = json!(e.trace_id());
                p["developerMessage"] = json!(e.developer_message());
                p["details"] = json!(e.details());
                p["body"] = json!(e.body());
                p["retryAfter"] = json!(e.retry_after().map(|d| d.as_secs_f64()));
                p["attempts"] = json!(e.attempts());
                p["field"] = json!(e.field().map(|f| partner_webhooks_runtime::spell_field(
                    f,
                    partner_webhooks::settings::Language::Node
                )));
                p["headers"] = headers_object(e.header_pairs());
                p["causes"] = json!(e.causes());
            }
            CallError::Verify(e) => p["httpStatus"] = json!(e.http_status()),
            _ => {}
        }
        p
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

/// Header pairs (one per name, from the core) as a JSON object.
pub fn headers_object(pairs: Vec<(String, String)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

/// Shorthand for binding results.
pub type BindingResult<T> = Result<T, BindingError>;
