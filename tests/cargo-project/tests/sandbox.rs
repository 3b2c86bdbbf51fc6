//! The README's sandbox test, and a delivery verified the way a receiver does.

use std::time::Duration;

use partner_webhooks::{PartnerEvent, WebhookVerifier};

// readme: sandbox-test
use partner_webhooks::{ClientConfig, ErrorKind, PartnerClient};
use partner_webhooks_sandbox::{Fault, Sandbox, SandboxConfig};

#[tokio::test]
async fn sets_and_reads_the_webhook_url() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?; // 127.0.0.1, a free port
    let client = PartnerClient::new(
        ClientConfig::builder()
            .base_url(sandbox.base_url())
            .api_key(sandbox.api_key())
            .build()?,
    )?;
    let partner = sandbox.partner_id();

    client
        .set_webhook_url(partner, "https://example.com/hook")
        .await?;
    let got = client.get_webhook_url(partner).await?;
    assert_eq!(got.webhook_url.as_deref(), Some("https://example.com/hook"));

    sandbox.inject_fault(Fault::status("get_webhook_url", 503, 2))?; // the next two calls fail
    assert_eq!(client.get_webhook_url(partner).await?.attempts(), 3); // retried, then fine

    let err = client.get_webhook_url("noSuchPA").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    Ok(())
}
// end readme

#[tokio::test]
async fn a_recorded_delivery_verifies_with_the_platform_secret()
-> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let client = PartnerClient::new(
        ClientConfig::builder()
            .base_url(sandbox.base_url())
            .api_key(sandbox.api_key())
            .build()?,
    )?;
    // Nothing listens there: the delivery fails, and its exact body is kept.
    client
        .set_webhook_url(sandbox.partner_id(), "http://127.0.0.1:9/hook")
        .await?;
    let id = sandbox.emit("waba_template_status_changed", None)?;
    let delivery = sandbox
        .wait_for_delivery(&id, Duration::from_secs(30))
        .await
        .expect("settled");
    let body = delivery.body.as_bytes();
    let signature = partner_webhooks::sign(body, sandbox.platform_secret());
    let verifier = WebhookVerifier::builder()
        .secret(sandbox.platform_secret())
        .build()?;
    let event = verifier.verify([("x-360dialog-signature", signature.as_str())], body)?;
    assert!(matches!(
        event.event(),
        PartnerEvent::TemplateStatusChanged(_)
    ));
    let forged = verifier
        .verify([("x-360dialog-signature", "00")], body)
        .unwrap_err();
    assert_eq!(forged.http_status(), 401);
    Ok(())
}
