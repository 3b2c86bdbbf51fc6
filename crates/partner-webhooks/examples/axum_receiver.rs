//! Receiving partner webhooks in an axum app, with the raw body.
//!
//! ```text
//! PARTNER_PLATFORM_SECRET=... PARTNER_WEBHOOK_HEADER_SECRET=... PORT=8080 \
//!     cargo run -p partner-webhooks --example axum_receiver
//! ```
//!
//! The verifier must see the body exactly as it arrived, so the handler takes
//! `Bytes`, never a parsed `Json<...>`. `tests/axum_example.rs` runs this app
//! as a server fed by the sandbox.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use partner_webhooks::{PartnerEvent, WebhookVerifier};

/// What the handler shares: the verifier and the keys of events already handled.
pub struct Receiver {
    pub verifier: WebhookVerifier,
    pub seen: Mutex<HashSet<String>>,
}

// readme: axum
async fn webhook(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let event = match rx.verifier.verify_header_map(&headers, &body) {
        Ok(event) => event,
        // 401 for a bad signature or header, 413 too large, 400 not an event.
        Err(e) => return StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
    };
    // 360dialog delivers at least once: skip what was handled. Answer within 5 s.
    if !rx.seen.lock().unwrap().insert(event.dedup_key()) {
        return StatusCode::OK;
    }
    match event.event() {
        PartnerEvent::ChannelLive(e) => {
            println!("live: {:?} {:?}", e.data.id, event.phone_number())
        }
        PartnerEvent::TemplateStatusChanged(e) => {
            println!(
                "template {:?}: {:?} {:?}",
                e.data.name, e.data.status, e.data.rejected_reason
            )
        }
        other => println!("{} ({})", other.event_type(), other.dedup_key()),
    }
    StatusCode::OK
}

/// The app: `POST /webhook`, bodies over the verifier's cap refused (413) before they are read whole.
pub fn app(verifier: WebhookVerifier) -> Router {
    let limit = verifier.max_body();
    Router::new()
        .route("/webhook", post(webhook))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .with_state(Arc::new(Receiver {
            verifier,
            seen: Mutex::new(HashSet::new()),
        }))
}
// end readme

#[allow(dead_code)] // the test includes this file for `app`
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = WebhookVerifier::builder()
        .secret(std::env::var("PARTNER_PLATFORM_SECRET")?) // add the old one too while rotating
        .require_header(
            "X-Partner-Auth",
            std::env::var("PARTNER_WEBHOOK_HEADER_SECRET")?,
        )
        .build()?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    axum::serve(listener, app(verifier)).await?;
    Ok(())
}
