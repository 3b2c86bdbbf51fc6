//! examples/axum_receiver.rs as a server fed by the sandbox: a signed delivery
//! (200), an oversized one (413), one without the custom header (401), a forged
//! request (401); and the site's axum page includes the example's region.

#[path = "../examples/axum_receiver.rs"]
#[allow(dead_code)]
mod example;

use std::time::{Duration, Instant};

use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{ClientConfig, PartnerClient, WebhookVerifier};
use partner_webhooks_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

const HEADER: (&str, &str) = ("X-Partner-Auth", "hdr-secret-for-examples");

async fn first_status(sb: &Sandbox, id: &str) -> Option<u16> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Some(d) = sb.delivery(id) {
            if let Some(a) = d.attempts.first() {
                return a.status;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no attempt for {id}");
}

#[tokio::test]
async fn the_axum_example_answers_each_delivery() {
    let sb = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let verifier = WebhookVerifier::builder()
        .secret(sb.platform_secret())
        .require_header(HEADER.0, HEADER.1)
        .max_body(64 * 1024)
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, example::app(verifier)).await });

    let config = ClientConfig::builder()
        .api_key(sb.api_key())
        .base_url(sb.base_url())
        .build()
        .unwrap();
    let client = PartnerClient::new(config).unwrap();
    let pid = sb.partner_id().to_string();
    client.set_webhook_url(&pid, &url).await.unwrap();
    client
        .set_webhook_headers(&pid, WebhookHeaders::from_pairs([HEADER]))
        .await
        .unwrap();

    let signed = sb.emit("channel_live", None).unwrap();
    assert_eq!(first_status(&sb, &signed).await, Some(200));
    let big = sb
        .emit(
            "channel_live",
            Some(json!({ "blob": "x".repeat(64 * 1024 + 1) })),
        )
        .unwrap();
    assert_eq!(first_status(&sb, &big).await, Some(413));

    let body = sb.delivery(&signed).unwrap().body;
    let forged = reqwest::Client::new()
        .post(&url)
        .header(HEADER.0, HEADER.1)
        .header(
            "x-360dialog-signature",
            partner_webhooks::sign(body.as_bytes(), sb.platform_secret()),
        )
        .header("content-type", "application/json")
        .body(body.replace("live", "lost"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);

    client
        .set_webhook_headers(&pid, WebhookHeaders::from_pairs::<&str, &str>([]))
        .await
        .unwrap();
    let bare = sb.emit("channel_live", None).unwrap();
    assert_eq!(first_status(&sb, &bare).await, Some(401));
    server.abort();
}

#[test]
fn the_sites_axum_page_includes_the_example() {
    let source = include_str!("../examples/axum_receiver.rs");
    let page = include_str!("../../../docs/site/receivers/axum.md");
    assert!(source.contains("// readme: axum\n") && source.contains("// end readme\n"));
    assert!(
        page.contains("examples/axum_receiver.rs") && page.contains("\"// readme: axum\""),
        "docs/site/receivers/axum.md does not include the axum example's region"
    );
}
