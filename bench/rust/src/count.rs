//! Exactly N operations of one side, printing nothing: the loops
//! `bench/instructions.py` runs under callgrind (twice, with two values of N,
//! so that start-up cancels out of the instructions per operation).
//!
//! ```text
//! partner-webhooks-bench count client --side ours|reqwest --n 400 --base-url URL --api-key K --partner-id P
//! partner-webhooks-bench count verify --side ours|hmac --n 2000 --event bench/fixtures/event-1k.json --secret S
//! ```

use std::hint::black_box;
use std::path::PathBuf;

use hmac::{Hmac, KeyInit, Mac};
use partner_webhooks::signature::sign;
use partner_webhooks::verifier::WebhookVerifier;
use partner_webhooks::{ClientConfig, PartnerClient};
use sha2::Sha256;

use crate::client::{Raw, ours};
use crate::target::Target;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Which loop to count.
#[derive(clap::Subcommand)]
pub enum Count {
    /// Client calls (a multiple of 4: the 4 operations in turn), after 4 warm-up rounds.
    Client {
        #[command(flatten)]
        target: Target,
        /// `ours` (PartnerClient) or `reqwest` (the hand-written client).
        #[arg(long)]
        side: String,
        #[arg(long)]
        n: u32,
    },
    /// Verify+parse of one event (`ours`), or a bare HMAC-SHA256 of the body
    /// with a constant-time comparison (`hmac`).
    Verify {
        #[arg(long)]
        event: PathBuf,
        #[arg(long)]
        secret: String,
        #[arg(long)]
        side: String,
        #[arg(long)]
        n: u32,
    },
}

pub fn run(count: Count) -> Result<(), BoxError> {
    match count {
        Count::Client { target, side, n } => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let rounds = n / 4;
                if side == "ours" {
                    let config = ClientConfig::builder()
                        .api_key(target.api_key.clone())
                        .base_url(target.base_url.clone())
                        .build()?;
                    let client = PartnerClient::new(config)?;
                    ours(&client, &target.partner_id, 4).await?;
                    ours(&client, &target.partner_id, rounds).await
                } else if side == "reqwest" {
                    let raw = Raw::new(&target);
                    raw.rounds(4).await?;
                    raw.rounds(rounds).await
                } else {
                    Err(format!("--side must be ours or reqwest, not {side}").into())
                }
            })
        }
        Count::Verify {
            event,
            secret,
            side,
            n,
        } => {
            let body = std::fs::read(event)?;
            let signature = sign(&body, &secret);
            let headers = [
                ("content-type", "application/json"),
                ("x-360dialog-signature", signature.as_str()),
            ];
            if side == "ours" {
                let verifier = WebhookVerifier::builder().secret(&secret).build()?;
                for _ in 0..n {
                    black_box(verifier.verify(black_box(headers), black_box(&body))?);
                }
            } else if side == "hmac" {
                let expected = hex::decode(&signature)?;
                for _ in 0..n {
                    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
                    mac.update(black_box(&body));
                    mac.verify_slice(black_box(&expected))?;
                }
            } else {
                return Err(format!("--side must be ours or hmac, not {side}").into());
            }
            Ok(())
        }
    }
}
