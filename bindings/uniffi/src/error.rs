//! The one place where Rust errors become the Kotlin `PartnerException` /
//! Swift `PartnerError` sealed hierarchy: one case per error kind of the core
//! (`partner_webhooks_runtime::error_kinds()`), plus `Unknown` for a kind a
//! newer core adds before this enum has its case.

use partner_webhooks::ErrorKind;
use partner_webhooks::settings::Language;
use partner_webhooks_runtime::{CallError, RuntimeError};

use crate::text::{Text, display_as_debug};

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
    /// An API error of a kind this build does not know yet (`info.kind` names it).
    #[error("{reason}")]
    Unknown { reason: String, info: ErrorInfo },
}

/// What the server said, for every API error. `toString()` / `description`
/// show the header names and the lengths of the body and details, never their contents.
#[derive(Clone, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct ErrorInfo {
    pub kind: String,
    pub status: Option<u16>,
    pub trace_id: Option<String>,
    pub developer_message: Option<String>,
    pub details_json: Option<String>,
    pub body: Option<String>,
    pub retry_after_seconds: Option<f64>,
    pub attempts: u32,
    /// The response headers (lower-case names) when the server answered.
    pub headers: std::collections::HashMap<String, String>,
}

impl std::fmt::Debug for ErrorInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut t = Text::new(f, "ErrorInfo")
            .show("kind", &self.kind)
            .opt("status", &self.status)
            .opt("trace_id", &self.trace_id)
            .opt("developer_message", &self.developer_message)
            .opt("retry_after_seconds", &self.retry_after_seconds)
            .show("attempts", &self.attempts)
            .names("headers", &self.headers);
        if let Some(body) = &self.body {
            t = t.length("body", body);
        }
        if let Some(details) = &self.details_json {
            t = t.length("details_json", details);
        }
        t.finish()
    }
}

display_as_debug!(ErrorInfo);

impl PartnerError {
    /// The case's name: the kind it stands for.
    pub fn kind_name(&self) -> &'static str {
        match self {
            PartnerError::InvalidInput { .. } => "InvalidInput",
            PartnerError::Authentication { .. } => "Authentication",
            PartnerError::PermissionDenied { .. } => "PermissionDenied",
            PartnerError::NotFound { .. } => "NotFound",
            PartnerError::Validation { .. } => "Validation",
            PartnerError::RateLimited { .. } => "RateLimited",
            PartnerError::Server { .. } => "Server",
            PartnerError::Timeout { .. } => "Timeout",
            PartnerError::Connection { .. } => "Connection",
            PartnerError::Decode { .. } => "Decode",
            PartnerError::Verification { .. } => "Verification",
            PartnerError::Runtime { .. } => "Runtime",
            PartnerError::Cancelled { .. } => "Cancelled",
            PartnerError::Unknown { .. } => "Unknown",
        }
    }
}

fn client_error(e: partner_webhooks::Error) -> PartnerError {
    let reason = partner_webhooks_runtime::client_message_in(&e, Language::Kotlin);
    let field = e
        .field()
        .map(|f| partner_webhooks_runtime::spell_field(f, Language::Kotlin));
    let info = ErrorInfo {
        kind: e.kind().as_str().to_string(),
        status: e.status(),
        trace_id: e.trace_id().map(str::to_string),
        developer_message: e.developer_message().map(str::to_string),
        details_json: e.details().map(|d| d.to_string()),
        body: e.body().map(str::to_string),
        retry_after_seconds: e.retry_after().map(|d| d.as_secs_f64()),
        attempts: e.attempts(),
        headers: e.header_pairs().into_iter().collect(),
    };
    match e.kind() {
        ErrorKind::InvalidInput => PartnerError::InvalidInput { reason, field },
        ErrorKind::Authentication => PartnerError::Authentication { reason, info },
        ErrorKind::PermissionDenied => PartnerError::PermissionDenied { reason, info },
        ErrorKind::NotFound => PartnerError::NotFound { reason, info },
        ErrorKind::Validation => PartnerError::Validation { reason, info },
        ErrorKind::RateLimited => PartnerError::RateLimited { reason, info },
        ErrorKind::Server => PartnerError::Server { reason, info },
        ErrorKind::Timeout => PartnerError::Timeout { reason, info },
        ErrorKind::Connection => PartnerError::Connection { reason, info },
        ErrorKind::Decode => PartnerError::Decode { reason, info },
        // `ErrorKind` is non-exhaustive: a kind added to the core lands here
        // until it has its case (the test below fails until then).
        _ => PartnerError::Unknown { reason, info },
    }
}

impl From<CallError> for PartnerError {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Client(e) => client_error(e),
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

/// What a Kotlin/Swift callback (the token provider) threw when it is not a
/// `PartnerException` / `PartnerError`: an error with its text, never a panic.
impl From<uniffi::UnexpectedUniFFICallbackError> for PartnerError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PartnerError::Runtime {
            reason: format!("the callback threw: {}", e.reason),
        }
    }
}

impl From<partner_webhooks::Error> for PartnerError {
    fn from(e: partner_webhooks::Error) -> Self {
        CallError::from(e).into()
    }
}

impl From<RuntimeError> for PartnerError {
    fn from(e: RuntimeError) -> Self {
        CallError::from(e).into()
    }
}

impl From<partner_webhooks::VerifyError> for PartnerError {
    fn from(e: partner_webhooks::VerifyError) -> Self {
        CallError::from(e).into()
    }
}

/// Runs `call` on the shared runtime and maps every way it can fail: the one
/// helper behind every async method.
pub(crate) async fn run<T, F>(call: F) -> Result<T, PartnerError>
where
    F: std::future::Future<Output = Result<T, partner_webhooks::Error>> + Send + 'static,
    T: Send + 'static,
{
    Ok(partner_webhooks_runtime::run(call).await??)
}

#[cfg(test)]
mod tests {
    use super::*;
    use partner_webhooks::Error;

    #[test]
    fn every_error_kind_has_its_own_case() {
        for kind in ErrorKind::ALL {
            let e = PartnerError::from(Error::other(kind, "x"));
            assert_eq!(
                e.kind_name(),
                kind.as_str(),
                "{kind} has no case of its own"
            );
        }
    }

    #[test]
    fn the_cases_are_the_cores_kinds_and_unknown() {
        let verify = partner_webhooks::WebhookVerifier::builder()
            .secrets(["s"])
            .build()
            .unwrap()
            .verify(Vec::<(&str, &str)>::new(), b"{}")
            .unwrap_err();
        let made = [
            PartnerError::from(verify),
            PartnerError::from(RuntimeError::Shutdown),
            PartnerError::from(CallError::Cancelled),
        ];
        let mut names: Vec<&str> = ErrorKind::ALL
            .iter()
            .map(|k| PartnerError::from(Error::other(*k, "x")).kind_name())
            .chain(made.iter().map(PartnerError::kind_name))
            .collect();
        assert_eq!(names, partner_webhooks_runtime::error_kinds());
        names.push("Unknown");
        assert_eq!(
            names.len(),
            14,
            "a case of PartnerError is not covered here"
        );
    }
}
