//! `partner-webhooks demo`: the whole loop in one process, one printed step at
//! a time: configure the webhook against an embedded sandbox, then receive,
//! verify and type the events it delivers, and refuse a forged one. Exits
//! non-zero if any step did not behave as shown.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{Error, ErrorKind, PartnerClient, VerifyErrorKind, WebhookVerifier};
use partner_webhooks_sandbox::{DeliveryStatus, Fault, Sandbox, SandboxConfig};
use tokio::sync::mpsc;

use crate::listen::{Listener, Outcome};

/// A demo step that did not go as expected.
fn unexpected(what: impl Into<String>) -> Error {
    Error::other(
        ErrorKind::Decode,
        format!("demo step failed: {}", what.into()),
    )
}

/// `--json`: every line printed as `{"step": N, "title"|"detail": ...}`.
static JSON: AtomicBool = AtomicBool::new(false);
/// The step being shown.
static STEP: AtomicU32 = AtomicU32::new(0);

/// Prints a demo line: as text, or under `--json` as a JSON line of the current step.
macro_rules! say {
    ($($arg:tt)*) => { say(&format!($($arg)*)) };
}

fn say(text: &str) {
    if !JSON.load(Ordering::Relaxed) {
        outln!("{text}");
        return;
    }
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        outln!(
            "{}",
            serde_json::json!({"step": STEP.load(Ordering::Relaxed), "detail": line})
        );
    }
}

fn step(n: u32, text: &str) {
    STEP.store(n, Ordering::Relaxed);
    if JSON.load(Ordering::Relaxed) {
        outln!("{}", serde_json::json!({"step": n, "title": text}));
    } else {
        outln!("\n[{n}] {text}");
    }
}

/// Runs the demo (as JSON lines with `json`); any surprise is an error (exit code 4).
pub async fn run(json: bool) -> Result<(), Error> {
    JSON.store(json, Ordering::Relaxed);
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .map_err(|e| unexpected(format!("the sandbox did not start ({e})")))?;
    let partner = sandbox.partner_id().to_string();
    say!(
        "partner-webhooks demo: embedded sandbox at {} (no network, no credentials)",
        sandbox.base_url()
    );
    say!("partner id {partner}; API key from the sandbox, never printed by the client");

    let client = crate::commands::sandbox_client(&sandbox)?;

    step(1, "get_webhook_url before anything is set");
    let r = client.get_webhook_url(&partner).await?;
    say!(
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
    say!(
        "    partner {} ({}) now sends events to {:?}",
        r.id.as_deref().unwrap_or("?"),
        r.brand_name.as_deref().unwrap_or("?"),
        r.webhook_url
    );

    step(3, "get_webhook_url reads it back");
    let r = client.get_webhook_url(&partner).await?;
    say!("    webhook_url = {:?}", r.webhook_url);
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
    say!("    sending {headers:?}  (Debug output never shows values)");
    let r = client.set_webhook_headers(&partner, headers).await?;
    say!(
        "    {} header(s) stored",
        r.webhook_headers.as_ref().map_or(0, |h| h.len())
    );

    step(5, "get_webhook_headers reads them back");
    let r = client.get_webhook_headers(&partner).await?;
    let stored = r.webhook_headers.clone().unwrap_or_default();
    for line in crate::output::header_lines(Some(&stored), false) {
        say!("    {line}");
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
    say!("    succeeded after {} attempts", r.attempts());
    if r.attempts() != 3 {
        return Err(unexpected("expected 3 attempts"));
    }

    step(
        7,
        "an unknown partner: a typed error with the trace id for support",
    );
    match client.get_webhook_url("unknownPA").await {
        Err(e) if e.kind() == ErrorKind::NotFound && e.trace_id().is_some() => say!("    {e}"),
        other => return Err(unexpected(format!("expected NotFound, got {other:?}"))),
    }

    step(8, "bad input is refused before anything is sent");
    let before = sandbox.stats();
    match client
        .set_webhook_url(&partner, "http://partner.example.com/insecure")
        .await
    {
        Err(e) if e.kind() == ErrorKind::InvalidInput => say!("    {e}"),
        other => return Err(unexpected(format!("expected InvalidInput, got {other:?}"))),
    }
    if sandbox.stats() != before {
        return Err(unexpected("an invalid call reached the server"));
    }

    receive(&sandbox, &client, secret).await?;

    sandbox.shutdown().await;
    say!("\ndemo finished: every step behaved as shown");
    Ok(())
}

/// The receiving half: a verifying listener as the webhook URL, events
/// delivered by the sandbox, and a forged request refused.
async fn receive(
    sandbox: &Sandbox,
    client: &PartnerClient,
    header_secret: &str,
) -> Result<(), Error> {
    let partner = sandbox.partner_id();
    let verifier = Arc::new(
        WebhookVerifier::builder()
            .secret(sandbox.platform_secret())
            .require_header("X-Partner-Auth", header_secret)
            .build()?,
    );
    let (tx, mut rx) = mpsc::unbounded_channel::<Outcome>();
    let listener = Listener::start(
        std::net::Ipv4Addr::LOCALHOST.into(),
        0,
        verifier,
        move |o| {
            let _ = tx.send(o);
        },
    )
    .await
    .map_err(|e| unexpected(format!("the listener did not start ({e})")))?;

    step(
        9,
        &format!(
            "a verifying listener at {}; set it as the webhook URL",
            listener.url()
        ),
    );
    client.set_webhook_url(partner, &listener.url()).await?;
    say!("    it checks x-360dialog-signature (platform secret) and X-Partner-Auth");

    step(
        10,
        "the sandbox delivers the onboarding events, signed, with the custom header",
    );
    let events = [
        "channel_created",
        "channel_submitted",
        "channel_ready",
        "channel_running",
        "channel_live",
    ];
    for event in events.iter().copied().chain(["partner_change_requested"]) {
        let id = sandbox
            .emit(event, None)
            .map_err(|e| unexpected(e.to_string()))?;
        let arrived = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .map_err(|_| unexpected(format!("{event} did not arrive")))?;
        match arrived {
            Some(Outcome::Accepted(a))
                if a.event.event_type() == event && a.event.signature_verified() =>
            {
                let e = &a.event;
                say!("    {}", crate::output::event_line(e));
                let known = events.contains(&event);
                if e.is_unknown() == known {
                    return Err(unexpected(format!(
                        "{event} typed wrongly: {:?}",
                        e.known_type()
                    )));
                }
            }
            other => {
                return Err(unexpected(format!(
                    "{event}: expected a verified event, got {other:?}"
                )));
            }
        }
        let delivery = sandbox
            .wait_for_delivery(&id, Duration::from_secs(10))
            .await;
        if delivery.map(|d| d.status) != Some(DeliveryStatus::Delivered) {
            return Err(unexpected(format!(
                "the sandbox did not record {event} as delivered"
            )));
        }
    }

    step(
        11,
        "a forged event (signed with the wrong secret) is refused",
    );
    let body = br#"{"event":"channel_live","data":{"id":"forgedCH"}}"#;
    let forged = reqwest::Client::new()
        .post(listener.url())
        .header(
            "x-360dialog-signature",
            partner_webhooks::sign(body, "not-the-platform-secret"),
        )
        .header("X-Partner-Auth", header_secret)
        .body(&body[..])
        .send()
        .await
        .map_err(|e| unexpected(format!("could not reach the listener ({e})")))?;
    let status = forged.status().as_u16();
    match rx.recv().await {
        Some(Outcome::Refused(e)) if e.kind() == VerifyErrorKind::BadSignature && status == 401 => {
            say!("    HTTP {status}: {e}");
        }
        other => {
            return Err(unexpected(format!(
                "expected a 401 BadSignature, got {status} {other:?}"
            )));
        }
    }
    listener.shutdown().await;
    Ok(())
}
