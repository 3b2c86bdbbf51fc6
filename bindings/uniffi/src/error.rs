//! The one place where Rust errors become the Kotlin `PartnerException` /
//! Swift `PartnerError` sealed hierarchy.

use partner_webhooks::ErrorKind;
use partner_webhooks_runtime::CallError;

/// Every failure, by kind: `reason` is the one-line description (in Kotlin
/// `message` is taken by `Throwable`). API errors carry the same fields (absent ones empty):
/// HTTP status, 360dialog trace id, developer message, `details` as JSON,
/// Retry-After in seconds, attempts made and, for InvalidInput, the field.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum PartnerError {
    #[error("{reason}")]
    InvalidInput {
        reason: String,
        field: Option<String>,
    },
    #[error("{reason}")]
    Authentication { reason: String, info: ErrorInfo },
    #[error("{reason}")]
    PermissionDenied { reason: String, info: ErrorInfo },
    #[error("{reason}")]
    NotFound { reason: String, info: ErrorInfo },
    #[error("{reason}")]
    Validation { reason: String, info: ErrorInfo },
    #[error("{reason}")]
    RateLimited { reason: String, info: ErrorInfo },
    #[error("{reason}")]
    Server { reason: String, info: ErrorInfo },
    #[error("{reason}")]
    Timeout { reason: String, info: ErrorInfo },
    #[error("{reason}")]
    Connection { reason: String, info: ErrorInfo },
    #[error("{reason}")]
    Decode { reason: String, info: ErrorInfo },
    /// A webhook request was refused; answer with `http_status`.
    #[error("{reason}")]
    Verification {
        reason: String,
        kind: String,
        http_status: u16,
    },
    /// The shared runtime could not run the call (a contained panic, shutdown).
    #[error("{reason}")]
    Runtime { reason: String },
    /// The caller cancelled the call.
    #[error("{reason}")]
    Cancelled { reason: String },
}

/// What the server said, for every API error.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ErrorInfo {
    pub kind: String,
    pub status: Option<u16>,
    pub trace_id: Option<String>,
    pub developer_message: Option<String>,
    pub details_json: Option<String>,
    pub body: Option<String>,
    pub retry_after_seconds: Option<f64>,
    pub attempts: u32,
}

impl From<CallError> for PartnerError {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Client(e) => {
                let reason = e.to_string();
                let info = ErrorInfo {
                    kind: e.kind().as_str().to_string(),
                    status: e.status(),
                    trace_id: e.trace_id().map(str::to_string),
                    developer_message: e.developer_message().map(str::to_string),
                    details_json: e.details().map(|d| d.to_string()),
                    body: e.body().map(str::to_string),
                    retry_after_seconds: e.retry_after().map(|d| d.as_secs_f64()),
                    attempts: e.attempts(),
                };
                match e.kind() {
                    ErrorKind::InvalidInput => PartnerError::InvalidInput {
                        reason,
                        field: e.field().map(str::to_string),
                    },
                    ErrorKind::Authentication => PartnerError::Authentication { reason, info },
                    ErrorKind::PermissionDenied => PartnerError::PermissionDenied { reason, info },
                    ErrorKind::NotFound => PartnerError::NotFound { reason, info },
                    ErrorKind::Validation => PartnerError::Validation { reason, info },
                    ErrorKind::RateLimited => PartnerError::RateLimited { reason, info },
                    ErrorKind::Server => PartnerError::Server { reason, info },
                    ErrorKind::Timeout => PartnerError::Timeout { reason, info },
                    ErrorKind::Connection => PartnerError::Connection { reason, info },
                    _ => PartnerError::Decode { reason, info },
                }
            }
            CallError::Verify(e) => PartnerError::Verification {
                reason: e.to_string(),
                kind: e.kind().as_str().to_string(),
                http_status: e.http_status(),
            },
            CallError::Runtime(e) => PartnerError::Runtime {
                reason: e.to_string(),
            },
            other => PartnerError::Cancelled {
                reason: other.to_string(),
            },
        }
    }
}

/// Anything the bindings' calls can fail with converts through `CallError`.
pub(crate) fn err<E: Into<CallError>>(e: E) -> PartnerError {
    PartnerError::from(e.into())
}
