//! `partner-webhooks demo`: the whole configuration loop against an embedded
//! sandbox, one printed step at a time. Exits non-zero if any step did not
//! behave as shown.

use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{ClientConfig, Error, ErrorKind, PartnerClient};
use partner_webhooks_sandbox::{Fault, Sandbox, SandboxConfig};

/// A demo step that did not go as expected.
fn unexpected(what: impl Into<String>) -> Error {
    Error::other(
        ErrorKind::Decode,
        format!("demo step failed: {}", what.into()),
    )
}

fn step(n: u32, text: &str) {
    println!("\n[{n}] {text}");
}

/// Runs the demo; any surprise is an error (exit code 4).
pub async fn run() -> Result<(), Error> {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .map_err(|e| unexpected(format!("the sandbox did not start ({e})")))?;
    let partner = sandbox.partner_id().to_string();
    println!(
        "partner-webhooks demo: embedded sandbox at {} (no network, no credentials)",
        sandbox.base_url()
    );
    println!("partner id {partner}; API key from the sandbox, never printed by the client");

    let client = PartnerClient::new(
        ClientConfig::builder()
            .base_url(sandbox.base_url())
            .api_key(sandbox.api_key())
            .build()?,
    )?;

    step(1, "get_webhook_url before anything is set");
    let r = client.get_webhook_url(&partner).await?;
    println!(
        "    webhook_url = {:?}  (HTTP {}, {} attempt)",
        r.webhook_url,
        r.status(),
        r.attempts()
    );
    if r.webhook_url.is_some() {
        return Err(unexpected("a fresh sandbox already had a URL"));
    }

    let hook = "https://partner.example.com/360dialog/events";
    step(2, &format!("set_webhook_url {hook}"));
    let r = client.set_webhook_url(&partner, hook).await?;
    println!(
        "    partner {} ({}) now sends events to {:?}",
        r.id.as_deref().unwrap_or("?"),
        r.brand_name.as_deref().unwrap_or("?"),
        r.webhook_url
    );

    step(3, "get_webhook_url reads it back");
    let r = client.get_webhook_url(&partner).await?;
    println!("    webhook_url = {:?}", r.webhook_url);
    if r.webhook_url.as_deref() != Some(hook) {
        return Err(unexpected("the URL did not persist"));
    }

    step(
        4,
        "set_webhook_headers: a shared secret the receiver will check",
    );
    let secret = "demo-shared-secret";
    let headers =
        WebhookHeaders::from_pairs([("X-Partner-Auth", secret), ("X-Environment", "demo")]);
    println!("    sending {headers:?}  (Debug output never shows values)");
    let r = client.set_webhook_headers(&partner, headers).await?;
    println!(
        "    {} header(s) stored",
        r.webhook_headers.as_ref().map_or(0, |h| h.len())
    );

    step(5, "get_webhook_headers reads them back");
    let r = client.get_webhook_headers(&partner).await?;
    let stored = r.webhook_headers.clone().unwrap_or_default();
    for line in crate::output::header_lines(Some(&stored), false) {
        println!("    {line}");
    }
    if stored.get_str("X-Partner-Auth") != Some(secret) {
        return Err(unexpected("the header did not persist"));
    }

    step(
        6,
        "the sandbox answers 503 twice: the client retries with back-off",
    );
    sandbox
        .inject_fault(Fault::status("get_webhook_url", 503, 2))
        .map_err(|e| unexpected(e.to_string()))?;
    let r = client.get_webhook_url(&partner).await?;
    println!("    succeeded after {} attempts", r.attempts());
    if r.attempts() != 3 {
        return Err(unexpected("expected 3 attempts"));
    }

    step(
        7,
        "an unknown partner: a typed error with the trace id for support",
    );
    match client.get_webhook_url("unknownPA").await {
        Err(e) if e.kind() == ErrorKind::NotFound && e.trace_id().is_some() => println!("    {e}"),
        other => return Err(unexpected(format!("expected NotFound, got {other:?}"))),
    }

    step(8, "bad input is refused before anything is sent");
    let before = sandbox.stats();
    match client
        .set_webhook_url(&partner, "http://partner.example.com/insecure")
        .await
    {
        Err(e) if e.kind() == ErrorKind::InvalidInput => println!("    {e}"),
        other => return Err(unexpected(format!("expected InvalidInput, got {other:?}"))),
    }
    if sandbox.stats() != before {
        return Err(unexpected("an invalid call reached the server"));
    }

    sandbox.shutdown().await;
    println!("\ndemo finished: every step behaved as shown");
    Ok(())
}
