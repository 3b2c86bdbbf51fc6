//! The crates installed by name: the four operations against the sandbox, a
//! typed error, and an event the sandbox delivers to a receiver that verifies it.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{ClientConfig, ErrorKind, PartnerClient, PartnerEvent, WebhookVerifier};
use partner_webhooks_sandbox::{Sandbox, SandboxConfig};
use tokio::sync::mpsc;

struct Receiver {
    verifier: WebhookVerifier,
    events: mpsc::UnboundedSender<PartnerEvent>,
}

async fn webhook(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    match rx.verifier.verify_header_map(&headers, &body) {
        Ok(event) => {
            let _ = rx.events.send(event.into_event());
            StatusCode::OK
        }
        Err(e) => StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let partner = sandbox.partner_id();
    let client = PartnerClient::new(
        ClientConfig::builder()
            .base_url(sandbox.base_url())
            .api_key(sandbox.api_key())
            .build()?,
    )?;

    // A receiver on 127.0.0.1 that verifies what the sandbox delivers.
    let (tx, mut events) = mpsc::unbounded_channel();
    let verifier = WebhookVerifier::builder()
        .secret(sandbox.platform_secret())
        .require_header("X-Partner-Auth", "smoke-header-secret")
        .build()?;
    let app = axum::Router::new()
        .route("/webhook", post(webhook))
        .with_state(Arc::new(Receiver {
            verifier,
            events: tx,
        }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    // The four operations.
    client.set_webhook_url(partner, &url).await?;
    let got = client.get_webhook_url(partner).await?;
    assert_eq!(got.webhook_url.as_deref(), Some(url.as_str()));
    client
        .set_webhook_headers(
            partner,
            WebhookHeaders::from_pairs([("X-Partner-Auth", "smoke-header-secret")]),
        )
        .await?;
    let headers = client.get_webhook_headers(partner).await?;
    assert_eq!(headers.webhook_headers.as_ref().map(|h| h.len()), Some(1));
    println!("smoke: 4 operations ok (webhook URL {url})");

    // A typed error: an unknown partner is NotFound, with the API's trace id.
    let err = client
        .get_webhook_url("noSuchPA")
        .await
        .expect_err("unknown partner");
    assert_eq!((err.kind(), err.status()), (ErrorKind::NotFound, Some(404)));
    println!(
        "smoke: typed error ok ({:?}, trace id {:?})",
        err.kind(),
        err.trace_id()
    );

    // An event, signed by the sandbox, verified and typed by the receiver.
    sandbox.emit("channel_live", None)?;
    let event = tokio::time::timeout(Duration::from_secs(20), events.recv())
        .await?
        .expect("the receiver got an event");
    assert!(
        matches!(event, PartnerEvent::ChannelLive(_)),
        "got {}",
        event.event_type()
    );
    println!("smoke: verified event ok ({})", event.event_type());
    Ok(())
}
