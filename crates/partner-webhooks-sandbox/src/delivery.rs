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
    /// When it started, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub started_at_ms: u64,
    /// The receiver's response headers, in the order received.
    #[serde(default)]
    pub response_headers: Vec<(String, String)>,
    /// The start of the receiver's response body (at most
    /// [`RESPONSE_BODY_LIMIT`] bytes, as UTF-8 with invalid bytes replaced).
    #[serde(default)]
    pub response_body: Option<String>,
    /// Whether `response_body` was cut at the limit.
    #[serde(default)]
    pub response_truncated: bool,
    /// When the next attempt is due (milliseconds since the Unix epoch);
    /// `None` when none will be made.
    #[serde(default)]
    pub next_attempt_at_ms: Option<u64>,
}

/// How much of a receiver's response body an attempt keeps.
pub const RESPONSE_BODY_LIMIT: usize = 2048;

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
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
    /// When it was queued, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub created_at_ms: u64,
    /// How it departs from a faithful delivery (a replay with edits, the
    /// receiver check); `None` for a faithful one.
    #[serde(default)]
    pub note: Option<String>,
}

/// How a delivery is sent: faithfully, or on purpose with a wrong signature
/// or without the partner's custom headers (replays and the receiver check).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tampering {
    pub(crate) wrong_signature: bool,
    pub(crate) without_custom_headers: bool,
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
    /// The `x-360dialog-signature` value to send.
    pub(crate) signature: String,
    pub(crate) policy: DeliveryPolicy,
    /// Faults asked for this delivery.
    pub(crate) faults: crate::delivery_faults::DeliveryFaults,
    /// For an out-of-order delivery: opens when the next one has been sent.
    pub(crate) gate: Option<tokio::sync::oneshot::Receiver<()>>,
}

/// Makes the attempts; `record` is called after each one, `finish` at the end.
pub(crate) async fn run(
    job: Job,
    http: reqwest::Client,
    record: impl Fn(DeliveryAttempt),
    finish: impl FnOnce(DeliveryStatus),
) {
    let signature = job.signature.clone();
    if let Some(gate) = job.gate {
        let _ = tokio::time::timeout(crate::delivery_faults::OUT_OF_ORDER_WAIT, gate).await;
    }
    if job.faults.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(job.faults.delay_ms)).await;
    }
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
        let started = Instant::now();
        let started_at_ms = now_ms();
        let dropped = if attempt == 1 && job.faults.drop {
            let limit = job.policy.timeout;
            Some(
                crate::delivery_faults::send_and_drop(
                    &job.url,
                    &headers,
                    job.body.as_bytes(),
                    limit,
                )
                .await,
            )
        } else {
            None
        };
        let outcome = match dropped {
            Some(_) => None,
            None => {
                let request = http
                    .post(&job.url)
                    .timeout(job.policy.timeout)
                    .headers(headers);
                Some(request.body(job.body.clone()).send().await)
            }
        };
        let mut answer = DeliveryAttempt {
            attempt,
            status: None,
            error: None,
            duration_ms: 0,
            started_at_ms,
            response_headers: Vec::new(),
            response_body: None,
            response_truncated: false,
            next_attempt_at_ms: None,
        };
        match outcome {
            None => answer.error = dropped,
            Some(Ok(r)) => {
                answer.status = Some(r.status().as_u16());
                answer.response_headers = r
                    .headers()
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                let (body, cut) = body_start(r).await;
                answer.response_body = Some(body);
                answer.response_truncated = cut;
            }
            Some(Err(e)) => answer.error = Some(describe(&e)),
        }
        if attempt == 1 && job.faults.timeout {
            if let Some(status) = answer.status.take() {
                answer.error = Some(format!(
                    "timed out (fault): the receiver answered {status} after the sandbox had stopped waiting"
                ));
            }
        }
        answer.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let delivered = answer.status.is_some_and(|s| (200..300).contains(&s));
        let delay = (!delivered && attempt < job.policy.max_attempts)
            .then(|| delays.next().unwrap_or(Duration::from_secs(1)));
        answer.next_attempt_at_ms = delay
            .map(|d| now_ms().saturating_add(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)));
        tracing::debug!(delivery = %job.id, attempt, status = ?answer.status, error = ?answer.error, "delivery attempt");
        record(answer);
        if delivered {
            finish(DeliveryStatus::Delivered);
            return;
        }
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
    }
    finish(DeliveryStatus::Failed);
}

/// The start of a response body, at most [`RESPONSE_BODY_LIMIT`] bytes, and
/// whether there was more (the rest is not read).
async fn body_start(mut r: reqwest::Response) -> (String, bool) {
    let mut kept: Vec<u8> = Vec::new();
    let mut cut = false;
    while let Ok(Some(chunk)) = r.chunk().await {
        let room = RESPONSE_BODY_LIMIT - kept.len();
        if chunk.len() > room {
            kept.extend_from_slice(&chunk[..room]);
            cut = true;
            break;
        }
        kept.extend_from_slice(&chunk);
    }
    (String::from_utf8_lossy(&kept).into_owned(), cut)
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
