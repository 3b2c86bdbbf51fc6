//! [`CallError`], the union of everything a binding call can fail with, and
//! the error classes every language names after it: one list, which the
//! Python and Node packages and the Kotlin/Swift enum are tested against.

use partner_webhooks::ErrorKind;

use crate::RuntimeError;

/// Every way a binding call can end badly: what each binding's one error
/// mapping (`error.rs`) turns into its language's exceptions.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallError {
    /// From the client: HTTP status, validation, authentication, transport.
    Client(partner_webhooks::Error),
    /// From this runtime: forked child, nested blocking call, contained panic.
    Runtime(RuntimeError),
    /// From the webhook verifier.
    Verify(partner_webhooks::VerifyError),
    /// The caller cancelled the call (an AbortSignal, a cancelled coroutine).
    Cancelled,
}

impl From<partner_webhooks::Error> for CallError {
    fn from(e: partner_webhooks::Error) -> Self {
        CallError::Client(e)
    }
}

impl From<RuntimeError> for CallError {
    fn from(e: RuntimeError) -> Self {
        CallError::Runtime(e)
    }
}

impl From<partner_webhooks::VerifyError> for CallError {
    fn from(e: partner_webhooks::VerifyError) -> Self {
        CallError::Verify(e)
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Client(e) => e.fmt(f),
            CallError::Runtime(e) => e.fmt(f),
            CallError::Verify(e) => e.fmt(f),
            CallError::Cancelled => f.write_str("the call was cancelled"),
        }
    }
}

impl CallError {
    /// The name of the exception class the Python and Node packages raise
    /// (one of [`ERROR_CLASSES`]).
    ///
    /// ```
    /// use partner_webhooks_runtime::CallError;
    /// let e = CallError::from(partner_webhooks::Error::from_response(429, b"", None));
    /// assert_eq!(e.class_name(), "RateLimitError");
    /// assert_eq!(CallError::Cancelled.class_name(), "APIUserAbortError");
    /// ```
    pub fn class_name(&self) -> &'static str {
        match self {
            CallError::Client(e) => e.class_name(),
            CallError::Runtime(_) => "PartnerWebhooksError",
            CallError::Verify(_) => "WebhookVerificationError",
            CallError::Cancelled => "APIUserAbortError",
        }
    }

    /// The message, with the offending argument named as `lang` spells it
    /// (see [`spell_field`]).
    ///
    /// ```
    /// use partner_webhooks::settings::Language;
    /// use partner_webhooks_runtime::CallError;
    /// let e = CallError::from(partner_webhooks::Error::invalid_input("max_connections", "must be from 1 to 10000"));
    /// assert_eq!(e.message_in(Language::Node), "InvalidInput: maxConnections: must be from 1 to 10000");
    /// ```
    pub fn message_in(&self, lang: partner_webhooks::settings::Language) -> String {
        match self {
            CallError::Client(e) => client_message_in(e, lang),
            other => other.to_string(),
        }
    }

    /// The field an invalid-input error names, as `lang` spells it.
    pub fn field_in(&self, lang: partner_webhooks::settings::Language) -> Option<String> {
        match self {
            CallError::Client(e) => e.field().map(|f| spell_field(f, lang)),
            _ => None,
        }
    }

    /// The language-independent kind every binding reports: an
    /// [`ErrorKind`] name, a verification kind (`BadSignature`, ...),
    /// `Runtime` or `Cancelled`.
    ///
    /// ```
    /// use partner_webhooks_runtime::CallError;
    /// let e = CallError::from(partner_webhooks::Error::invalid_input("partner_id", "must not be empty"));
    /// assert_eq!(e.kind_name(), "InvalidInput");
    /// ```
    pub fn kind_name(&self) -> &'static str {
        match self {
            CallError::Client(e) => e.kind().as_str(),
            CallError::Runtime(_) => "Runtime",
            CallError::Verify(e) => e.kind().as_str(),
            CallError::Cancelled => "Cancelled",
        }
    }
}

/// A client error's message with its argument named as `lang` spells it.
pub fn client_message_in(
    e: &partner_webhooks::Error,
    lang: partner_webhooks::settings::Language,
) -> String {
    let text = e.to_string();
    match e.field() {
        Some(field) => {
            let spelled = spell_field(field, lang);
            text.replacen(&format!(": {field}: "), &format!(": {spelled}: "), 1)
        }
        None => text,
    }
}

/// One exception class of the Python and Node packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorClass {
    /// The class name, the same in both languages.
    pub name: &'static str,
    /// Its base class within the tree (`None` for the root).
    pub parent: Option<&'static str>,
}

const fn class(name: &'static str, parent: &'static str) -> ErrorClass {
    ErrorClass {
        name,
        parent: Some(parent),
    }
}

/// The exception tree, parents before children (after Stainless-style SDKs).
/// Python and Node declare these classes; their tests compare them with this list.
pub const ERROR_CLASSES: &[ErrorClass] = &[
    ErrorClass {
        name: "PartnerWebhooksError",
        parent: None,
    },
    class("APIError", "PartnerWebhooksError"),
    class("APIStatusError", "APIError"),
    class("BadRequestError", "APIStatusError"),
    class("AuthenticationError", "APIStatusError"),
    class("PermissionDeniedError", "APIStatusError"),
    class("NotFoundError", "APIStatusError"),
    class("ConflictError", "APIStatusError"),
    class("UnprocessableEntityError", "APIStatusError"),
    class("RateLimitError", "APIStatusError"),
    class("InternalServerError", "APIStatusError"),
    class("APIConnectionError", "APIError"),
    class("APITimeoutError", "APIConnectionError"),
    class("APIResponseValidationError", "APIError"),
    class("APIUserAbortError", "APIError"),
    class("InvalidInputError", "PartnerWebhooksError"),
    class("WebhookVerificationError", "PartnerWebhooksError"),
];

/// The kinds a binding error can have besides the verification kinds: every
/// [`ErrorKind`], then `Verification`, `Runtime` and `Cancelled`. Kotlin and
/// Swift have one `PartnerError` case per entry (plus `Unknown`, for kinds a
/// newer core adds).
///
/// ```
/// let kinds = partner_webhooks_runtime::error_kinds();
/// assert_eq!(kinds.first(), Some(&"InvalidInput"));
/// assert_eq!(kinds.last(), Some(&"Cancelled"));
/// ```
pub fn error_kinds() -> Vec<&'static str> {
    ErrorKind::ALL
        .iter()
        .map(|k| k.as_str())
        .chain(["Verification", "Runtime", "Cancelled"])
        .collect()
}

/// An error's `field` as `lang` spells the argument: a client setting or
/// call option by its name in that language (`maxConnections`,
/// `timeoutMs`), anything else (`partner_id`, `webhook_headers.X-A`) with its
/// first segment in that language's case. Environment variable names stay.
///
/// ```
/// use partner_webhooks::settings::Language;
/// use partner_webhooks_runtime::spell_field;
/// assert_eq!(spell_field("max_connections", Language::Node), "maxConnections");
/// assert_eq!(spell_field("attempt_timeout", Language::Kotlin), "attemptTimeoutSeconds");
/// assert_eq!(spell_field("webhook_headers.X-A", Language::Node), "webhookHeaders.X-A");
/// assert_eq!(spell_field("PARTNER_API_CA_BUNDLE", Language::Node), "PARTNER_API_CA_BUNDLE");
/// assert_eq!(spell_field("partner_id", Language::Python), "partner_id");
/// ```
pub fn spell_field(field: &str, lang: partner_webhooks::settings::Language) -> String {
    use partner_webhooks::settings::{CALL_OPTIONS, CLIENT_SETTINGS, camel_case};
    if let Some(s) = CLIENT_SETTINGS
        .iter()
        .chain(CALL_OPTIONS)
        .find(|s| s.name == field)
    {
        return s.name_in(lang);
    }
    if field
        .chars()
        .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
    {
        return field.to_string();
    }
    match lang {
        partner_webhooks::settings::Language::Python => field.to_string(),
        _ => match field.split_once('.') {
            Some((head, rest)) => format!("{}.{rest}", camel_case(head)),
            None => camel_case(field),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use partner_webhooks::Error;

    fn listed(name: &str) -> bool {
        ERROR_CLASSES.iter().any(|c| c.name == name)
    }

    #[test]
    fn every_class_a_call_can_raise_is_listed() {
        for kind in ErrorKind::ALL {
            let e = CallError::from(Error::other(kind, "x"));
            assert!(listed(e.class_name()), "{kind}");
        }
        for status in [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 503] {
            let e = CallError::from(Error::from_response(status, b"", None));
            assert!(listed(e.class_name()), "{status}");
        }
        assert!(listed(CallError::Cancelled.class_name()));
        assert!(listed(
            CallError::Runtime(RuntimeError::Shutdown).class_name()
        ));
    }

    #[test]
    fn parents_come_first_and_names_are_unique() {
        for (i, c) in ERROR_CLASSES.iter().enumerate() {
            if let Some(parent) = c.parent {
                let at = ERROR_CLASSES.iter().position(|p| p.name == parent).unwrap();
                assert!(at < i, "{} before its parent", c.name);
            }
            assert_eq!(ERROR_CLASSES.iter().filter(|x| x.name == c.name).count(), 1);
        }
    }
}
