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
