//! `listen --forward-to URL`: each verified delivery POSTed on to the
//! partner's own app, the exact raw body with its headers, and what the app
//! answered.

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::HeaderMap;
use partner_webhooks::Error;
use serde_json::json;

use crate::listen::Outcome;
use crate::output;

/// Headers that describe one hop, not the delivery: never forwarded.
const HOP_BY_HOP: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
];

/// Where verified deliveries go.
#[derive(Clone)]
pub struct Forwarder {
    http: reqwest::Client,
    url: String,
}

/// What the app made of one forwarded delivery.
#[derive(Debug)]
pub struct Forwarded {
    /// The app's HTTP status, when it answered.
    pub status: Option<u16>,
    /// From sending to the answer's head, in milliseconds.
    pub latency_ms: u64,
    /// Why there was no answer.
    pub error: Option<String>,
}

impl Forwarder {
    /// A forwarder to `url` (http or https), with a 10 s limit per delivery.
    pub fn new(url: &str) -> Result<Self, Error> {
        let parsed = url::Url::parse(url)
            .map_err(|e| Error::invalid_input("--forward-to", format!("not a URL ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(Error::invalid_input(
                "--forward-to",
                "must be an http:// or https:// URL with a host",
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::invalid_input("--forward-to", e.to_string()))?;
        Ok(Forwarder {
            http,
            url: url.to_string(),
        })
    }

    /// The target URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// POSTs `body` with `headers` (hop-by-hop ones left out) to the app.
    pub async fn send(&self, headers: &HeaderMap, body: Bytes) -> Forwarded {
        let mut out = reqwest::header::HeaderMap::new();
        for (name, value) in headers {
            if !HOP_BY_HOP.contains(&name.as_str()) {
                out.append(name.clone(), value.clone());
            }
        }
        let started = Instant::now();
        let answer = self
            .http
            .post(&self.url)
            .headers(out)
            .body(body)
            .send()
            .await;
        let latency_ms = started.elapsed().as_millis() as u64;
        match answer {
            Ok(r) => Forwarded {
                status: Some(r.status().as_u16()),
                latency_ms,
                error: None,
            },
            Err(e) => Forwarded {
                status: None,
                latency_ms,
                error: Some(if e.is_timeout() {
                    "timed out after 10 s".to_string()
                } else if e.is_connect() {
                    "connection refused (is the app running?)".to_string()
                } else {
                    "the request failed".to_string()
                }),
            },
        }
    }
}

/// What `listen` and `dev` do with each outcome: skip types not in `wanted`
/// (when given), print the event, or forward it and print what the app said;
/// a refusal goes to stderr.
pub fn printer(
    forwarder: Option<Forwarder>,
    wanted: Vec<String>,
    json_mode: bool,
) -> impl Fn(Outcome) + Send + Sync + 'static {
    move |outcome| match outcome {
        Outcome::Accepted(a) => {
            let e = &a.event;
            if !wanted.is_empty()
                && !wanted
                    .iter()
                    .any(|w| Some(w.as_str()) == e.known_type() || w == e.event_type())
            {
                errln!("skipped {} (not in --events)", e.event_type());
                return;
            }
            let Some(forwarder) = forwarder.clone() else {
                if json_mode {
                    outln!("{}", output::event_json(e));
                } else {
                    outln!("{}", output::event_line(e));
                }
                return;
            };
            tokio::spawn(async move {
                let f = forwarder.send(&a.headers, a.body.clone()).await;
                if json_mode {
                    let mut line = output::event_json(&a.event);
                    line["forward"] = json!({
                        "url": forwarder.url(),
                        "status": f.status,
                        "latency_ms": f.latency_ms,
                        "error": f.error,
                    });
                    outln!("{line}");
                } else {
                    let result = match (f.status, &f.error) {
                        (Some(status), _) => format!("{status} in {} ms", f.latency_ms),
                        (None, Some(error)) => format!("{} failed: {error}", forwarder.url()),
                        (None, None) => "no answer".to_string(),
                    };
                    outln!("{} -> {result}", output::event_line(&a.event));
                }
            });
        }
        Outcome::Refused(e) => {
            errln!("refused ({}): {e}", e.http_status());
        }
    }
}
