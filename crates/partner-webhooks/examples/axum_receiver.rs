//! Receiving partner webhooks in an axum app, with the raw body.
//!
//! ```text
//! PARTNER_PLATFORM_SECRET=... PARTNER_WEBHOOK_HEADER_SECRET=... \
//!     cargo run -p partner-webhooks --example axum_receiver
//! ```
//!
//! The verifier must see the body exactly as it arrived, so the handler takes
//! `Bytes`, never a parsed `Json<...>`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use partner_webhooks::{PartnerEvent, WebhookVerifier};

async fn events(
    State(verifier): State<Arc<WebhookVerifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let event = match verifier.verify_header_map(&headers, &body) {
        Ok(event) => event,
        // 401 for a bad signature or header, 413 too large, 400 not an event.
        Err(e) => return StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
    };
    // Answer fast; do slow work elsewhere. Deliveries can repeat: de-duplicate.
    match event.event() {
        PartnerEvent::ChannelLive(e) => println!(
            "channel {:?} is live ({:?})",
            e.data.id,
            event.phone_number()
        ),
        PartnerEvent::ChannelCreated(e) => println!(
            "new channel {:?} for client {:?}",
            e.data.id, e.data.client_id
        ),
        other => println!("{} (dedup key {})", other.event_type(), other.dedup_key()),
    }
    StatusCode::OK
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = WebhookVerifier::builder()
        .secret(std::env::var("PARTNER_PLATFORM_SECRET")?)
        .require_header(
            "X-Partner-Auth",
            std::env::var("PARTNER_WEBHOOK_HEADER_SECRET")?,
        )
        .build()?;
    let app = Router::new()
        .route("/360dialog/events", post(events))
        // Refuse bodies over the verifier's cap before reading them whole.
        .layer(axum::extract::DefaultBodyLimit::max(verifier.max_body()))
        .with_state(Arc::new(verifier));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
