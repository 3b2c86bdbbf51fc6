//! Fault injection: the next N calls of a route answer as told.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A `Retry-After` value: seconds, or a raw string such as an HTTP date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RetryAfter {
    /// Delay in seconds.
    Seconds(u64),
    /// Sent verbatim (e.g. `Wed, 21 Oct 2026 07:28:00 GMT`).
    Raw(String),
}

/// One injected fault, as posted to `POST /_sandbox/faults`.
///
/// ```
/// let f: partner_webhooks_sandbox::Fault =
///     serde_json::from_str(r#"{"route":"get_webhook_url","times":2,"status":503}"#).unwrap();
/// assert_eq!(f.times, 2);
/// f.check().unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// An operation name (`get_webhook_url`, `set_webhook_url`,
    /// `get_webhook_headers`, `set_webhook_headers`, `token`) or `*`.
    pub route: String,
    /// How many matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// Answer with this status instead of handling the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Add a `Retry-After` header to that answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<RetryAfter>,
    /// Wait this long before answering (with or without a status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Send the start of an answer, then break the connection.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reset: bool,
    /// Raw body for the status answer (default: the API's `meta` error JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Answer 200 with a valid body sent one byte every `trickle_ms`
    /// milliseconds (a server slower than the client's timeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trickle_ms: Option<u64>,
    /// Answer 200 with a JSON body of this many bytes, streamed (size limits;
    /// at most 1 GiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_bytes: Option<u64>,
}

fn one() -> u32 {
    1
}

/// A fault that cannot be injected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct FaultError {
    /// The offending field.
    pub field: &'static str,
    /// What is wrong with it.
    pub rule: String,
}

impl Fault {
    /// A fault answering `status` for the next `times` calls of `route`.
    pub fn status(route: &str, status: u16, times: u32) -> Fault {
        Fault {
            route: route.into(),
            times,
            status: Some(status),
            retry_after: None,
            delay_ms: None,
            reset: false,
            body: None,
            trickle_ms: None,
            body_bytes: None,
        }
    }

    /// Checks the fault's fields.
    pub fn check(&self) -> Result<(), FaultError> {
        if self.route != "*" && !crate::ROUTES.contains(&self.route.as_str()) {
            return Err(FaultError {
                field: "route",
                rule: format!("must be '*' or one of {}", crate::ROUTES.join(", ")),
            });
        }
        if self.times == 0 {
            return Err(FaultError {
                field: "times",
                rule: "must be at least 1".into(),
            });
        }
        if let Some(s) = self.status {
            if !(200..=599).contains(&s) {
                return Err(FaultError {
                    field: "status",
                    rule: "must be from 200 to 599".into(),
                });
            }
        }
        if self.delay_ms.is_some_and(|d| d > 600_000) {
            return Err(FaultError {
                field: "delay_ms",
                rule: "must be at most 600000".into(),
            });
        }
        let answers = [
            self.status.is_some(),
            self.reset,
            self.trickle_ms.is_some(),
            self.body_bytes.is_some(),
        ];
        if answers.iter().filter(|a| **a).count() > 1 {
            return Err(FaultError {
                field: "status",
                rule: "status, reset, trickle_ms and body_bytes exclude each other".into(),
            });
        }
        if self.delay_ms.is_none() && !answers.contains(&true) {
            return Err(FaultError {
                field: "status",
                rule: "a fault needs a status, a delay_ms, reset, trickle_ms or body_bytes".into(),
            });
        }
        if self.trickle_ms.is_some_and(|t| t == 0 || t > 60_000) {
            return Err(FaultError {
                field: "trickle_ms",
                rule: "must be from 1 to 60000".into(),
            });
        }
        if self
            .body_bytes
            .is_some_and(|n| !(32..=1 << 30).contains(&n))
        {
            return Err(FaultError {
                field: "body_bytes",
                rule: "must be from 32 to 1073741824".into(),
            });
        }
        if (self.body.is_some() || self.retry_after.is_some()) && self.status.is_none() {
            return Err(FaultError {
                field: "body",
                rule: "body and retry_after need a status".into(),
            });
        }
        Ok(())
    }

    pub(crate) fn matches(&self, route: &str) -> bool {
        self.route == "*" || self.route == route
    }

    pub(crate) fn delay(&self) -> Option<Duration> {
        self.delay_ms.map(Duration::from_millis)
    }
}
