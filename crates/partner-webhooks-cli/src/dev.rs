//! `dev --forward-to URL`: the partner's whole local loop in one command. A
//! sandbox, a verifying listener configured (through the API, as a partner
//! would) as its webhook URL with a secret custom header, and every verified
//! delivery forwarded to the partner's app. `trigger` (from another shell)
//! makes events; Ctrl-C or SIGTERM stops everything.

use std::sync::Arc;

use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{Error, WebhookVerifier};
use partner_webhooks_sandbox::{Sandbox, SandboxConfig, random_secret};
use serde_json::json;

use crate::args::{Cli, DevArgs};
use crate::forward::{Forwarder, printer};
use crate::listen::Listener;

/// The custom header `dev` sets, for the app under test to check.
const HEADER: &str = "X-Partner-Auth";

/// Runs the loop until SIGINT/SIGTERM.
pub async fn run(cli: &Cli, args: &DevArgs) -> Result<(), Error> {
    let forwarder = Forwarder::new(&args.forward_to)?;
    let mut config = SandboxConfig {
        port: args.port,
        ..SandboxConfig::default()
    };
    if let Some(id) = &cli.partner_id {
        partner_webhooks::validate::partner_id_segment(id)?;
        config.partner_id = id.clone();
    }
    let sandbox = Sandbox::start(config).await.map_err(|e| {
        Error::invalid_input(
            "port",
            format!("cannot listen on 127.0.0.1:{} ({e})", args.port),
        )
    })?;
    let header_value = random_secret("devhdr_", 12);
    let verifier = WebhookVerifier::builder()
        .secret(sandbox.platform_secret())
        .require_header(HEADER, &header_value)
        .build()?;
    let listener = Listener::start(
        std::net::Ipv4Addr::LOCALHOST.into(),
        0,
        Arc::new(verifier),
        printer(Some(forwarder), args.events.clone(), cli.json),
    )
    .await
    .map_err(|e| Error::invalid_input("listener", format!("cannot listen ({e})")))?;
    let client = crate::commands::sandbox_client(&sandbox)?;
    let pid = sandbox.partner_id().to_string();
    client.set_webhook_url(&pid, &listener.url()).await?;
    client
        .set_webhook_headers(
            &pid,
            WebhookHeaders::from_pairs([(HEADER, header_value.as_str())]),
        )
        .await?;
    if cli.json {
        outln!(
            "{}",
            json!({
                "base_url": sandbox.base_url(),
                "page_url": sandbox.page_url(),
                "partner_id": pid,
                "api_key": sandbox.api_key(),
                "platform_secret": sandbox.platform_secret(),
                "webhook_url": listener.url(),
                "webhook_headers": { HEADER: header_value },
                "forward_to": args.forward_to,
            })
        );
    } else {
        outln!(
            "dev: the sandbox is the Partner API at {}",
            sandbox.base_url()
        );
        outln!(
            "  page:            {}  (deliveries live, trigger, resend, faults)",
            sandbox.page_url()
        );
        outln!("  partner id:      {pid}");
        outln!("  api key:         {}", sandbox.api_key());
        outln!(
            "  platform secret: {}   (your app verifies x-360dialog-signature with it)",
            sandbox.platform_secret()
        );
        outln!("  custom header:   {HEADER}: {header_value}   (your app requires it)");
        outln!(
            "  deliveries go to {}, are verified, then POSTed to {}",
            listener.url(),
            args.forward_to
        );
        outln!(
            "  make events:     partner-webhooks --base-url {} --partner-id {pid} trigger channel_live",
            sandbox.base_url()
        );
        outln!("  Ctrl-C to stop");
    }
    sandbox
        .serve_until(crate::commands::shutdown_signal())
        .await;
    listener.shutdown().await;
    if !cli.json {
        outln!("dev stopped");
    }
    Ok(())
}
