//! The webhook receiver behind `partner-webhooks listen` and the demo: an HTTP
//! server on 127.0.0.1 that verifies every POST with a [`WebhookVerifier`],
//! answers at once (200, or 400/401/413 with a short reason), and hands each
//! outcome to a callback. It reads at most the verifier's body cap and never
//! stops on bad input.

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::BytesMut;
use futures_util::StreamExt;
use partner_webhooks::{VerifiedEvent, VerifyError, WebhookVerifier};
use partner_webhooks_sandbox::serve::Server;
use serde_json::json;

/// A verified request: its event, and the request as it arrived (to forward it).
#[derive(Debug)]
pub struct Accepted {
    /// The verified event.
    pub event: VerifiedEvent,
    /// The request's headers, as sent.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

/// What happened to one request.
#[derive(Debug)]
pub enum Outcome {
    /// Verified and parsed.
    Accepted(Box<Accepted>),
    /// Refused with this error (already answered with its status).
    Refused(VerifyError),
}

/// A running receiver; dropping it stops the server.
pub struct Listener {
    server: Server,
}

impl Listener {
    /// Binds `host`:`port` (0: any free port) and serves on the current runtime.
    pub async fn start(
        host: IpAddr,
        port: u16,
        verifier: Arc<WebhookVerifier>,
        on_outcome: impl Fn(Outcome) + Send + Sync + 'static,
    ) -> std::io::Result<Listener> {
        let listener = tokio::net::TcpListener::bind((host, port)).await?;
        let on_outcome = Arc::new(on_outcome);
        let app =
            axum::Router::new().fallback(move |method: Method, headers: HeaderMap, body: Body| {
                let verifier = verifier.clone();
                let on_outcome = on_outcome.clone();
                async move {
                    if method != Method::POST {
                        let allow = [("allow", "POST")];
                        return (
                            StatusCode::METHOD_NOT_ALLOWED,
                            allow,
                            "POST webhook events here\n",
                        )
                            .into_response();
                    }
                    // A body trickling in (slow-loris) is cut off: 400, the connection freed.
                    let body = tokio::time::timeout(
                        BODY_READ_TIMEOUT,
                        read_capped(body, verifier.max_body()),
                    )
                    .await
                    .unwrap_or_else(|_| Err(VerifyError::unreadable_body()));
                    handle(&verifier, &headers, body, on_outcome.as_ref())
                }
            });
        Ok(Listener {
            server: Server::spawn(listener, app)?,
        })
    }

    /// `http://127.0.0.1:PORT/webhook`: the URL to configure as webhook URL
    /// (any path is accepted).
    pub fn url(&self) -> String {
        format!("http://{}/webhook", self.server.addr())
    }

    /// Stops accepting connections and lets requests in flight finish (up to 5 s).
    pub async fn shutdown(self) {
        self.server.stop(std::time::Duration::from_secs(5)).await;
    }
}

/// How long a request body may take to arrive.
const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Bytes read past the cap (and dropped) so that the 413 answer reaches a
/// client still sending; a longer body is cut off.
const DRAIN_LIMIT: usize = 1024 * 1024;

/// Reads at most `cap` bytes of the body; beyond that nothing is kept.
async fn read_capped(body: Body, cap: usize) -> Result<Bytes, VerifyError> {
    let mut stream = body.into_data_stream();
    let mut buf = BytesMut::new();
    let mut over_by: Option<usize> = None;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| VerifyError::unreadable_body())?;
        match over_by.as_mut() {
            Some(n) => {
                *n += chunk.len();
                if *n > DRAIN_LIMIT {
                    break;
                }
            }
            None if buf.len() + chunk.len() > cap => over_by = Some(chunk.len()),
            None => buf.extend_from_slice(&chunk),
        }
    }
    match over_by {
        Some(_) => Err(VerifyError::body_too_large(cap)),
        None => Ok(buf.freeze()),
    }
}

fn handle(
    verifier: &WebhookVerifier,
    headers: &HeaderMap,
    body: Result<Bytes, VerifyError>,
    on_outcome: &(dyn Fn(Outcome) + Send + Sync),
) -> Response {
    match body.and_then(|body| Ok((verifier.verify_header_map(headers, &body)?, body))) {
        Ok((event, body)) => {
            on_outcome(Outcome::Accepted(Box::new(Accepted {
                event,
                headers: headers.clone(),
                body,
            })));
            (StatusCode::OK, axum::Json(json!({"ok": true}))).into_response()
        }
        Err(e) => {
            let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let body = json!({"ok": false, "error": e.kind().as_str(), "reason": e.message()});
            on_outcome(Outcome::Refused(e));
            (status, axum::Json(body)).into_response()
        }
    }
}
