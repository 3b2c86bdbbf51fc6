//! Signed delivery of events to the partner's webhook URL, like 360dialog:
//! POST the JSON with the partner's custom headers and
//! `x-360dialog-signature` (HMAC-SHA256 of the exact body with the platform
//! secret, lowercase hex), retried with back-off on non-2xx answers, timeouts
//! and connection errors, and logged attempt by attempt.
//!
//! The signature is computed here with `hmac`/`sha2` directly rather than
//! through the client crate, so that the client's verifier is checked against
//! an independent implementation.

use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;

/// How a delivery ended (so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Attempts are still being made.
    Pending,
    /// An attempt got a 2xx answer.
    Delivered,
    /// Every attempt failed.
    Failed,
}

/// One POST to the webhook URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why no answer arrived (timeout, connection refused, ...).
    pub error: Option<String>,
    /// How long the attempt took.
    pub duration_ms: u64,
}

/// One emitted event and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Delivery id (also the event's top-level `id`).
    pub id: String,
    /// The partner it was sent for.
    pub partner_id: String,
    /// The `event` value.
    pub event: String,
    /// Where it was sent.
    pub url: String,
    /// Pending, delivered or failed.
    pub status: DeliveryStatus,
    /// Every attempt so far.
    pub attempts: Vec<DeliveryAttempt>,
    /// The exact body that was signed and sent.
    pub body: String,
}

impl Delivery {
    /// Whether attempts are still being made.
    pub fn is_pending(&self) -> bool {
        self.status == DeliveryStatus::Pending
    }
}

/// Delivery settings: 360dialog documents none for partner webhooks, so
/// these mirror its messaging webhooks (a 5 s answer limit) at sandbox scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// Limit for one attempt.
    pub timeout: Duration,
    /// First back-off delay (doubling, jittered, at most 2 s).
    pub initial_backoff: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            max_attempts: 5,
            timeout: Duration::from_secs(5),
            initial_backoff: Duration::from_millis(200),
        }
    }
}

/// Lowercase hex HMAC-SHA256 of `body` with `secret`.
pub(crate) fn signature(body: &[u8], secret: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// What one delivery task needs.
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) url: String,
    pub(crate) headers: Map<String, Value>,
    pub(crate) body: String,
    pub(crate) secret: String,
    pub(crate) policy: DeliveryPolicy,
}

/// Makes the attempts; `record` is called after each one, `finish` at the end.
pub(crate) async fn run(
    job: Job,
    http: reqwest::Client,
    record: impl Fn(DeliveryAttempt),
    finish: impl FnOnce(DeliveryStatus),
) {
    let signature = signature(job.body.as_bytes(), &job.secret);
    let mut delays = ExponentialBuilder::default()
        .with_min_delay(job.policy.initial_backoff)
        .with_max_delay(Duration::from_secs(2))
        .with_jitter()
        .without_max_times()
        .build();
    for attempt in 1..=job.policy.max_attempts.max(1) {
        // One value per name: a partner-set header (say `Content-Type`)
        // replaces the default instead of being sent beside it.
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        if let Ok(v) = reqwest::header::HeaderValue::from_str(&signature) {
            headers.insert("x-360dialog-signature", v);
        }
        for (name, value) in &job.headers {
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if let (Ok(n), Ok(v)) = (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                reqwest::header::HeaderValue::from_str(&value),
            ) {
                headers.insert(n, v);
            }
        }
        let request = http
            .post(&job.url)
            .timeout(job.policy.timeout)
            .headers(headers);
        let started = Instant::now();
        let outcome = request.body(job.body.clone()).send().await;
        let duration_ms = started.elapsed().as_millis() as u64;
        let (status, error) = match outcome {
            Ok(r) => (Some(r.status().as_u16()), None),
            Err(e) => (None, Some(describe(&e))),
        };
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        tracing::debug!(delivery = %job.id, attempt, ?status, ?error, "delivery attempt");
        record(DeliveryAttempt {
            attempt,
            status,
            error,
            duration_ms,
        });
        if delivered {
            finish(DeliveryStatus::Delivered);
            return;
        }
        if attempt < job.policy.max_attempts {
            tokio::time::sleep(delays.next().unwrap_or(Duration::from_secs(1))).await;
        }
    }
    finish(DeliveryStatus::Failed);
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else {
        "request failed".into()
    }
}
