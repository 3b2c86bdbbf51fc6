//! The Rust tab of every example on the documentation site (`docs/site`):
//! each `docs: NAME` … `end docs` region below is shown there as it is here,
//! and each test runs it against the sandbox and checks what it did.

use std::error::Error;

use partner_webhooks::{ErrorKind, PartnerClient};
use partner_webhooks_sandbox::Sandbox;

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

/// The site's first example: a sandbox and a client pointed at it.
async fn client() -> Result<(Sandbox, PartnerClient)> {
    // docs: client
    use partner_webhooks::{ClientConfig, PartnerClient};
    use partner_webhooks_sandbox::{Sandbox, SandboxConfig};

    let sandbox = Sandbox::start(SandboxConfig::default()).await?; // 127.0.0.1, a free port
    let client = PartnerClient::new(
        ClientConfig::builder()
            .api_key(sandbox.api_key()) // your Partner API key (or ClientConfig::from_env())
            .base_url(sandbox.base_url()) // leave out for https://hub.360dialog.io
            .build()?,
    )?;
    let partner_id = sandbox.partner_id();
    // end docs
    assert_eq!(client.get_webhook_url(partner_id).await?.status(), 200);
    Ok((sandbox, client))
}

#[tokio::test]
async fn webhook_settings() -> Result {
    let (sandbox, client) = client().await?;
    let partner_id = sandbox.partner_id();
    // docs: webhook-settings
    use partner_webhooks::models::WebhookHeaders;

    client
        .set_webhook_url(partner_id, "https://example.com/360dialog/events")
        .await?;
    // The map replaces the partner's custom headers as a whole.
    let secret = "a-long-random-value"; // keep it in your secret store
    client
        .set_webhook_headers(
            partner_id,
            WebhookHeaders::from_pairs([("X-Partner-Auth", secret)]),
        )
        .await?;

    let url = client.get_webhook_url(partner_id).await?;
    let headers = client.get_webhook_headers(partner_id).await?;
    let names: Vec<&str> = headers
        .webhook_headers
        .iter()
        .flat_map(|h| h.names())
        .collect();
    println!("events go to {:?} with headers {names:?}", url.webhook_url);
    // end docs
    assert_eq!(
        url.webhook_url.as_deref(),
        Some("https://example.com/360dialog/events")
    );
    assert_eq!(names, ["X-Partner-Auth"]);
    Ok(())
}

#[tokio::test]
async fn errors() -> Result {
    let (_sandbox, client) = client().await?;
    let mut seen = Vec::new();
    for partner_id in ["noSuchPA", ""] {
        // docs: errors
        use partner_webhooks::ErrorKind;

        match client.get_webhook_url(partner_id).await {
            Ok(url) => println!("{:?}", url.webhook_url),
            // Nothing was sent: field() names the argument.
            Err(e) if e.kind() == ErrorKind::InvalidInput => {
                println!("bad {}: {e}", e.field().unwrap_or("input"))
            }
            // The API answered 404: quote the trace id to 360dialog support.
            Err(e) if e.kind() == ErrorKind::NotFound => {
                println!("no such partner (trace id {:?})", e.trace_id())
            }
            // Retried already (5xx, 429, timeouts, broken connections): give up or queue.
            Err(e) if e.kind().is_retryable() => println!("try later: {e}"),
            Err(e) => return Err(e.into()),
        }
        // end docs
        seen.push(client.get_webhook_url(partner_id).await.unwrap_err().kind());
    }
    assert_eq!(seen, [ErrorKind::NotFound, ErrorKind::InvalidInput]);
    Ok(())
}

#[tokio::test]
async fn per_call_options() -> Result {
    let (sandbox, client) = client().await?;
    let partner_id = sandbox.partner_id();
    sandbox.inject_fault(partner_webhooks_sandbox::Fault::status(
        "get_webhook_url",
        503,
        1,
    ))?;
    // docs: per-call-options
    use std::time::Duration;

    use partner_webhooks::RequestOptions;

    // Settings for some calls only: here no retry and a 3 s budget.
    let once = client.with_options(
        RequestOptions::new()
            .max_retries(0)
            .timeout(Duration::from_secs(3)),
    );
    let outcome = once.get_webhook_url(partner_id).await;
    // end docs
    let err = outcome.unwrap_err();
    assert_eq!((err.kind(), err.attempts()), (ErrorKind::Server, 1));
    assert_eq!(client.get_webhook_url(partner_id).await?.attempts(), 1);
    Ok(())
}

#[tokio::test]
async fn sandbox_faults() -> Result {
    let (sandbox, client) = client().await?;
    let partner_id = sandbox.partner_id();
    // docs: sandbox-faults
    use partner_webhooks_sandbox::Fault;

    // The next two calls get a 503; the client retries and the third attempt succeeds.
    sandbox.inject_fault(Fault::status("get_webhook_url", 503, 2))?;
    let url = client.get_webhook_url(partner_id).await?;
    println!("{} attempts", url.attempts()); // 3
    // end docs
    assert_eq!(url.attempts(), 3);
    Ok(())
}

#[tokio::test]
async fn receive() -> Result {
    let log = include_str!("../../../tests/fixtures/deliveries.jsonl");
    let delivery = &partner_webhooks_sandbox::fixtures::parse_jsonl(log)?[0];
    let mut headers = delivery.headers();
    headers.push(("X-Partner-Auth".into(), "fixture-header-value".into()));
    let body = delivery.delivery.body.as_bytes();
    let platform_secret = "fixture-platform-secret";
    let header_secret = "fixture-header-value";
    // docs: receive
    use partner_webhooks::{PartnerEvent, WebhookVerifier};

    // Once, at start-up: the platform secret (Partner Hub → Integration; add the
    // old one too while rotating) and the custom header you set.
    let verifier = WebhookVerifier::builder()
        .secret(platform_secret)
        .require_header("X-Partner-Auth", header_secret)
        .build()?;

    // Per request: the headers and the raw body bytes, never re-encoded JSON.
    match verifier.verify(headers.iter().map(|(n, v)| (n, v)), body) {
        Ok(event) => match event.event() {
            PartnerEvent::ChannelLive(live) => println!("live: {:?}", live.data.id),
            other => println!("{} ({})", other.event_type(), other.dedup_key()),
        },
        // Answer with its status: 401 (signature, header), 413 (too large), 400.
        Err(refused) => println!("refused, answer {}", refused.http_status()),
    }
    // end docs
    let event = verifier.verify(headers.iter().map(|(n, v)| (n, v)), body)?;
    assert_eq!(event.event_type(), "channel_live");
    assert!(
        verifier
            .verify(headers.iter().take(1).map(|(n, v)| (n, v)), body)
            .is_err()
    );
    Ok(())
}

/// The fixture's first delivery, as a receiver gets it: headers (with the
/// custom one) and the raw body.
fn captured() -> Result<(Vec<(String, String)>, String)> {
    let log = include_str!("../../../tests/fixtures/deliveries.jsonl");
    let delivery = &partner_webhooks_sandbox::fixtures::parse_jsonl(log)?[0];
    let mut headers = delivery.headers();
    headers.push(("X-Partner-Auth".into(), "fixture-header-value".into()));
    Ok((headers, delivery.delivery.body.clone()))
}

#[tokio::test]
async fn auth_password() -> Result {
    let sandbox = partner_webhooks_sandbox::Sandbox::start(Default::default()).await?;
    let (base_url, username, password) =
        (sandbox.base_url(), sandbox.username(), sandbox.password());
    let partner_id = sandbox.partner_id();
    // docs: auth-password
    use partner_webhooks::{ClientConfig, PartnerClient};

    // The client exchanges them for a token at POST /api/v2/token, keeps it until
    // shortly before it expires, and fetches a new one once after a 401.
    let client = PartnerClient::new(
        ClientConfig::builder()
            .username_password(username, password)
            .base_url(base_url) // leave out for https://hub.360dialog.io
            .build()?,
    )?;
    let url = client.get_webhook_url(partner_id).await?;
    // end docs
    assert_eq!(url.status(), 200);
    assert_eq!(sandbox.stats().tokens_issued, 1);
    Ok(())
}

#[tokio::test]
async fn cancel() -> Result {
    let (sandbox, client) = client().await?;
    let partner_id = sandbox.partner_id();
    sandbox.inject_fault(partner_webhooks_sandbox::Fault {
        delay_ms: Some(5_000),
        status: None,
        ..partner_webhooks_sandbox::Fault::status("get_webhook_url", 200, 1)
    })?;
    let started = std::time::Instant::now();
    // docs: cancel
    use std::time::Duration;

    // Dropping the future cancels the call: the request in flight is abandoned and
    // no retry follows. Here a deadline drops it.
    let outcome = tokio::time::timeout(
        Duration::from_millis(200),
        client.get_webhook_url(partner_id),
    )
    .await;
    if outcome.is_err() {
        println!("gave up after 200 ms");
    }
    // end docs
    assert!(outcome.is_err());
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    Ok(())
}

#[tokio::test]
async fn dedup() -> Result {
    let (headers, body) = captured()?;
    let verifier = partner_webhooks::WebhookVerifier::builder()
        .secret("fixture-platform-secret")
        .require_header("X-Partner-Auth", "fixture-header-value")
        .build()?;
    let deliveries = [body.clone(), body]; // the same delivery, twice
    let mut handled = 0;
    // docs: dedup
    use std::collections::HashSet;

    // 360dialog delivers at least once: remember what was handled (in your
    // database, for as long as re-deliveries can come) and skip it.
    let mut seen: HashSet<String> = HashSet::new();
    for body in &deliveries {
        let event = verifier.verify(headers.iter().map(|(n, v)| (n, v)), body.as_bytes())?;
        if !seen.insert(event.dedup_key()) {
            continue; // answer 200 all the same
        }
        handled += 1;
    }
    // end docs
    assert_eq!(handled, 1);
    Ok(())
}

#[tokio::test]
async fn rotate_secrets() -> Result {
    let (headers, body) = captured()?;
    let (old_secret, new_secret) = ("the-previous-platform-secret", "fixture-platform-secret");
    // docs: rotate-secrets
    use partner_webhooks::WebhookVerifier;

    // Both secrets while rotating: a delivery signed with either verifies.
    let verifier = WebhookVerifier::builder()
        .secret(new_secret)
        .secret(old_secret)
        .require_header("X-Partner-Auth", "fixture-header-value")
        .build()?;
    let event = verifier.verify(headers.iter().map(|(n, v)| (n, v)), body.as_bytes())?;
    // end docs
    assert_eq!(event.event_type(), "channel_live");
    Ok(())
}

#[tokio::test]
async fn tls_proxy() -> Result {
    let ca_file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/tls/ca.pem"
    );
    let api_key = "a-partner-api-key";
    // docs: tls-proxy
    use partner_webhooks::{ClientSettings, PartnerClient};

    // Trust a TLS-inspecting proxy's CA (besides the bundled roots and the OS
    // store) and send every request through the proxy. Its password never shows.
    let client = PartnerClient::from_settings(ClientSettings {
        api_key: Some(api_key.into()),
        ca_bundle: Some(ca_file.into()),
        proxy: Some("http://user:proxy-password@proxy.corp:3128".into()),
        ..ClientSettings::default()
    })?;
    println!("{:?}", client.config().summary());
    // end docs
    let shown = format!("{:?}", client.config().summary());
    assert!(
        shown.contains("proxy.corp:3128") && !shown.contains("proxy-password"),
        "{shown}"
    );
    assert!(shown.contains("ca.pem"), "{shown}");
    Ok(())
}

#[tokio::test]
async fn response_metadata() -> Result {
    let (sandbox, client) = client().await?;
    let partner_id = sandbox.partner_id();
    // docs: response-metadata
    // Every result carries its HTTP answer: status, headers, trace id and attempts.
    let url = client.get_webhook_url(partner_id).await?;
    println!(
        "HTTP {} {:?}, trace id {:?}, {} attempt(s)",
        url.status(),
        url.headers().get("content-type"),
        url.trace_id(),
        url.attempts()
    );
    // end docs
    assert_eq!((url.status(), url.attempts()), (200, 1));
    assert_eq!(url.trace_id().map(str::len), Some(32));
    Ok(())
}

#[tokio::test]
async fn logging() -> Result {
    let (sandbox, client) = client().await?;
    let partner_id = sandbox.partner_id();
    // docs: logging
    // The SDK's records are `tracing` events (a warn per retry; at debug a line per
    // request and per response); install any subscriber, here the fmt one.
    tracing_subscriber::fmt()
        .with_env_filter("partner_webhooks=debug")
        .with_writer(std::io::stderr)
        .init();
    client.get_webhook_url(partner_id).await?;
    // end docs
    assert!(tracing::dispatcher::has_been_set());
    Ok(())
}
