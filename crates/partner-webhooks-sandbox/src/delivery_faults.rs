//! Faults of one delivery, asked for when it is triggered (`"faults"` in
//! `POST /_sandbox/partners/{id}/events`, or the page's form): what a
//! provider does to a receiver in bad times, on purpose.
//!
//! - `delay_ms`: the first attempt waits this long (at most a minute);
//! - `timeout`: the first attempt is sent and answered, but counts as timed
//!   out (the sandbox stopped waiting), so the receiver gets it again;
//! - `drop`: the first attempt's connection is closed halfway through the
//!   body (an `http://` webhook URL only);
//! - `duplicate`: once it has ended, the same bytes go again as a new delivery;
//! - `out_of_order`: it waits until the partner's next delivery has made its
//!   first attempt (at most 30 s), so that one arrives first.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::AsyncWriteExt;

/// The longest `delay_ms`.
pub(crate) const MAX_DELAY_MS: u64 = 60_000;
/// The longest an out-of-order delivery waits for the next one.
pub(crate) const OUT_OF_ORDER_WAIT: Duration = Duration::from_secs(30);

/// The faults asked for one delivery.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeliveryFaults {
    #[serde(default)]
    pub(crate) delay_ms: u64,
    #[serde(default)]
    pub(crate) timeout: bool,
    #[serde(default)]
    pub(crate) drop: bool,
    #[serde(default)]
    pub(crate) duplicate: bool,
    #[serde(default)]
    pub(crate) out_of_order: bool,
}

impl DeliveryFaults {
    /// The faults in `value` (the request's `"faults"`), checked against the
    /// webhook URL they will be used with: `(field, reason)` when wrong.
    pub(crate) fn parse(value: Value, url: Option<&str>) -> Result<Self, (String, String)> {
        let f: DeliveryFaults = serde_json::from_value(value)
            .map_err(|e| ("faults".to_string(), format!("Not valid faults: {e}.")))?;
        if f.delay_ms > MAX_DELAY_MS {
            return Err((
                "faults.delay_ms".into(),
                format!("Must be at most {MAX_DELAY_MS}."),
            ));
        }
        if f.drop && url.is_some_and(|u| !u.starts_with("http://")) {
            return Err((
                "faults.drop".into(),
                "Needs an http:// webhook URL (a TLS connection is not cut by hand).".into(),
            ));
        }
        Ok(f)
    }

    /// Whether any fault is asked for.
    pub(crate) fn any(&self) -> bool {
        *self != DeliveryFaults::default()
    }

    /// The faults as words, for the delivery's note.
    pub(crate) fn describe(&self) -> String {
        let mut out = Vec::new();
        if self.delay_ms > 0 {
            out.push(format!("delay {} ms", self.delay_ms));
        }
        for (on, name) in [
            (self.timeout, "timeout"),
            (self.drop, "dropped connection"),
            (self.duplicate, "duplicate"),
            (self.out_of_order, "out of order"),
        ] {
            if on {
                out.push(name.to_string());
            }
        }
        format!("faults: {}", out.join(", "))
    }
}

/// Sends the request head and half of `body` to the `http://` `url`, then
/// closes the connection; what to record as the attempt's error.
pub(crate) async fn send_and_drop(
    url: &str,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
    limit: Duration,
) -> String {
    let attempt = async {
        let url = url::Url::parse(url).map_err(|e| e.to_string())?;
        let host = url.host_str().ok_or("no host")?.to_string();
        let port = url.port_or_known_default().ok_or("no port")?;
        let mut stream = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("connection failed ({e})"))?;
        let mut head = format!(
            "POST {} HTTP/1.1\r\nhost: {}\r\n",
            path_and_query(&url),
            host_port(&url)
        );
        for (name, value) in headers {
            head.push_str(&format!(
                "{}: {}\r\n",
                name,
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        stream
            .write_all(head.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        stream
            .write_all(&body[..body.len() / 2])
            .await
            .map_err(|e| e.to_string())?;
        stream.flush().await.map_err(|e| e.to_string())?;
        drop(stream);
        Ok::<(), String>(())
    };
    match tokio::time::timeout(limit, attempt).await {
        Ok(Ok(())) => "connection dropped halfway through the body (fault)".into(),
        Ok(Err(e)) => e,
        Err(_) => "timeout".into(),
    }
}

fn path_and_query(url: &url::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

fn host_port(url: &url::Url) -> String {
    match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    }
}
