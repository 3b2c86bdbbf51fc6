//! `PartnerClient` against raw reqwest doing the same 4 HTTP calls
//! (get/set URL, get/set headers), sequentially on one current-thread runtime.
//! Both decode the answers into the same model types.

use std::time::{Duration, Instant};

use partner_webhooks::models::{
    PartnerGetWebhookHeadersOut, PartnerGetWebhookUrlOut, PartnerOut, PartnerSetWebhookHeadersOut,
    SetPartnerWebhookHeadersIn, SetPartnerWebhookUrlIn, WebhookHeaders,
};
use partner_webhooks::{ClientConfig, PartnerClient};
use serde::de::DeserializeOwned;

use crate::cpu;
use crate::sample::Sample;
use crate::target::Target;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const HOOK: &str = "https://hooks.example.com/bench";

#[derive(clap::Args)]
pub struct ClientArgs {
    #[command(flatten)]
    target: Target,
    /// Repetitions (each measures ours, then the baseline, alternating who goes first).
    #[arg(long, default_value_t = 5)]
    runs: u32,
    /// Calls per measurement (a multiple of 4).
    #[arg(long, default_value_t = 2000)]
    calls: u32,
}

fn headers() -> WebhookHeaders {
    WebhookHeaders::from_pairs([("X-Bench", "1")])
}

pub async fn ours(client: &PartnerClient, partner: &str, rounds: u32) -> Result<(), BoxError> {
    for _ in 0..rounds {
        client.get_webhook_url(partner).await?;
        client.set_webhook_url(partner, HOOK).await?;
        client.get_webhook_headers(partner).await?;
        client.set_webhook_headers(partner, headers()).await?;
    }
    Ok(())
}

/// What a hand-written reqwest client does: the key header, a JSON body,
/// a status check, and decoding into the model type.
pub struct Raw {
    http: reqwest::Client,
    url_path: String,
    headers_path: String,
    api_key: String,
}

impl Raw {
    /// The hand-written client for one sandbox.
    pub fn new(target: &Target) -> Raw {
        let base = target.base_url.trim_end_matches('/');
        Raw {
            http: reqwest::Client::new(),
            url_path: format!("{base}/api/v2/partners/{}/webhook_url", target.partner_id),
            headers_path: format!(
                "{base}/api/v2/partners/{}/webhook_headers",
                target.partner_id
            ),
            api_key: target.api_key.clone(),
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, BoxError> {
        let request = match body {
            None => self.http.get(path),
            Some(b) => self
                .http
                .post(path)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b),
        };
        let response = request
            .header("X-API-Key", &self.api_key)
            .send()
            .await?
            .error_for_status()?;
        Ok(serde_json::from_slice(&response.bytes().await?)?)
    }

    pub async fn rounds(&self, rounds: u32) -> Result<(), BoxError> {
        for _ in 0..rounds {
            let _: PartnerGetWebhookUrlOut = self.call(&self.url_path, None).await?;
            let body = serde_json::to_vec(&SetPartnerWebhookUrlIn {
                webhook_url: HOOK.to_string(),
            })?;
            let _: PartnerOut = self.call(&self.url_path, Some(body)).await?;
            let _: PartnerGetWebhookHeadersOut = self.call(&self.headers_path, None).await?;
            let body = serde_json::to_vec(&SetPartnerWebhookHeadersIn {
                webhook_headers: headers(),
            })?;
            let _: PartnerSetWebhookHeadersOut = self.call(&self.headers_path, Some(body)).await?;
        }
        Ok(())
    }
}

/// CPU time (all threads) and wall time of `f`.
async fn measure<F: Future<Output = Result<(), BoxError>>>(
    f: F,
) -> Result<(Duration, Duration), BoxError> {
    let (cpu0, wall0) = (cpu::process(), Instant::now());
    f.await?;
    Ok((cpu::process() - cpu0, wall0.elapsed()))
}

pub fn run(args: ClientArgs) -> Result<(), BoxError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let config = ClientConfig::builder()
            .api_key(args.target.api_key.clone())
            .base_url(args.target.base_url.clone())
            .build()?;
        let client = PartnerClient::new(config)?;
        let raw = Raw::new(&args.target);
        let rounds = (args.calls / 4).max(1);
        let calls = f64::from(rounds * 4);
        // Warm-up: connections, allocator, caches.
        ours(&client, &args.target.partner_id, rounds / 4 + 1).await?;
        raw.rounds(rounds / 4 + 1).await?;
        for run in 0..args.runs {
            let (a, b) = if run % 2 == 0 {
                let a = measure(ours(&client, &args.target.partner_id, rounds)).await?;
                (a, measure(raw.rounds(rounds)).await?)
            } else {
                let b = measure(raw.rounds(rounds)).await?;
                (
                    measure(ours(&client, &args.target.partner_id, rounds)).await?,
                    b,
                )
            };
            let us = |d: Duration| d.as_secs_f64() * 1e6 / calls;
            let per_s = |d: Duration| calls / d.as_secs_f64();
            let mut extra = serde_json::Map::new();
            extra.insert("ours_calls_per_s".into(), per_s(a.1).into());
            extra.insert("theirs_calls_per_s".into(), per_s(b.1).into());
            Sample {
                name: "Rust PartnerClient, sequential",
                baseline: "reqwest::Client",
                metric: "client CPU µs/call",
                ours: us(a.0),
                theirs: Some(us(b.0)),
                extra,
            }
            .print();
        }
        Ok(())
    })
}
