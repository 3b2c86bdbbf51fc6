//! The delivery log as JSON Lines: what `GET /_sandbox/export` writes and
//! `POST /_sandbox/import` reads back, and what a test can load to replay
//! recorded deliveries against its own receiver.
//!
//! One delivery per line: the delivery as the API lists it, plus the
//! `signature` it was sent with and the names of the custom headers (their
//! values are secrets and are not written).
//!
//! ```
//! use partner_webhooks_sandbox::fixtures::{Recorded, parse_jsonl, to_jsonl};
//! let text = r#"{"id":"d1","partner_id":"p","event":"channel_live","url":"http://127.0.0.1:1/","status":"delivered","attempts":[],"body":"{\"event\":\"channel_live\"}","signature":"ab","header_names":["X-Partner-Auth"]}"#;
//! let recorded: Vec<Recorded> = parse_jsonl(text).unwrap();
//! assert_eq!(recorded[0].delivery.event, "channel_live");
//! assert_eq!(parse_jsonl(&to_jsonl(&recorded)).unwrap(), recorded);
//! assert_eq!(parse_jsonl("{}\n").unwrap_err().line, 1);
//! ```

use serde::{Deserialize, Serialize};

use crate::delivery::Delivery;

/// One recorded delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// The delivery: its exact body, status and attempts.
    #[serde(flatten)]
    pub delivery: Delivery,
    /// The `x-360dialog-signature` it was sent with.
    pub signature: String,
    /// The custom header names it was sent with (values are not recorded).
    #[serde(default)]
    pub header_names: Vec<String>,
}

impl Recorded {
    /// The headers to replay it with: `content-type` and the signature as
    /// sent (add your own custom headers).
    pub fn headers(&self) -> Vec<(String, String)> {
        vec![
            ("content-type".into(), "application/json".into()),
            ("x-360dialog-signature".into(), self.signature.clone()),
        ]
    }
}

/// A recorded delivery as the language bindings hand it over: what a test
/// needs to replay it (the exact body, the headers it was sent with, minus
/// custom header values) and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replayable {
    /// Delivery id.
    pub id: String,
    /// The `event` value.
    pub event: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// The exact body.
    pub body: String,
    /// The signature it was sent with.
    pub signature: String,
    /// `content-type` and `x-360dialog-signature` (add your custom headers).
    pub headers: Vec<(String, String)>,
    /// The custom header names it was sent with.
    pub header_names: Vec<String>,
}

/// The recorded deliveries of a JSON Lines text in the bindings' flat form;
/// an error names the first line that is not one.
pub fn replayable(text: &str) -> Result<Vec<Replayable>, FixtureError> {
    Ok(parse_jsonl(text)?
        .into_iter()
        .map(|r| Replayable {
            headers: r.headers(),
            id: r.delivery.id,
            event: r.delivery.event,
            status: serde_json::to_value(r.delivery.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            body: r.delivery.body,
            signature: r.signature,
            header_names: r.header_names,
        })
        .collect())
}

/// A line of a JSON Lines file that is not a recorded delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct FixtureError {
    /// The line's number, from 1.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

/// Every recorded delivery in `text` (blank lines are skipped); the first
/// line that is not one is an error, and nothing is returned.
pub fn parse_jsonl(text: &str) -> Result<Vec<Recorded>, FixtureError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| FixtureError {
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// `recorded` as JSON Lines, one per line, each ended by a newline.
pub fn to_jsonl(recorded: &[Recorded]) -> String {
    let mut out = String::new();
    for r in recorded {
        if let Ok(line) = serde_json::to_string(r) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
