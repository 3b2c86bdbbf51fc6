//! Load with faults (`make soak`): `calls` calls at `concurrency` against the
//! sandbox while about `fault_rate` of them meet an injected fault (503, 429
//! with Retry-After, a reset connection, a slow answer, an HTML 500, a 422,
//! a burst of three 503s). Every
//! call must end as a success or a typed error; panics are counted (there
//! must be none); threads and peak RSS are sampled.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{ClientConfig, PartnerClient};
use serde_json::{Value, json};

use crate::target::Target;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(clap::Args)]
pub struct SoakArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 10_000)]
    calls: usize,
    #[arg(long, default_value_t = 500)]
    concurrency: usize,
    /// Share of calls that get an injected fault.
    #[arg(long, default_value_t = 0.05)]
    fault_rate: f64,
}

/// The faults injected in turn, as `POST /_sandbox/faults` bodies.
fn faults() -> [Value; 7] {
    [
        json!({"route": "*", "status": 503}),
        json!({"route": "*", "status": 429, "retry_after": 1}),
        json!({"route": "*", "reset": true}),
        json!({"route": "*", "delay_ms": 300}),
        json!({"route": "*", "status": 500, "body": "<html><body>Internal error</body></html>"}),
        // Not retried: a typed error reaches the caller.
        json!({"route": "*", "status": 422}),
        // Can outlast a call's retries.
        json!({"route": "*", "status": 503, "times": 3}),
    ]
}

/// `(threads, VmRSS kB, VmHWM kB)` of this process.
pub fn proc_status() -> (u64, u64, u64) {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("Threads:"), field("VmRSS:"), field("VmHWM:"))
}

pub fn run(args: SoakArgs) -> Result<(), BoxError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let client = PartnerClient::new(
            ClientConfig::builder()
                .api_key(args.target.api_key.clone())
                .base_url(args.target.base_url.clone())
                .timeout(Duration::from_secs(15))
                .max_connections(u32::try_from(args.concurrency).unwrap_or(u32::MAX))
                .build()?,
        )?;
        let control = reqwest::Client::new();
        let faults_url = format!("{}/_sandbox/faults", args.target.base_url.trim_end_matches('/'));
        client.get_webhook_url(&args.target.partner_id).await?;
        let (threads_before, rss_before, _) = proc_status();

        let next = Arc::new(AtomicUsize::new(0));
        let every = (1.0 / args.fault_rate.max(1e-6)).round().max(1.0) as usize;
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..args.concurrency {
            let (client, control, faults_url, next, pid) = (
                client.clone(),
                control.clone(),
                faults_url.clone(),
                next.clone(),
                args.target.partner_id.clone(),
            );
            let calls = args.calls;
            workers.push(tokio::spawn(async move {
                let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
                let mut injected = 0u64;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= calls {
                        break;
                    }
                    if i % every == every / 2 {
                        let all = faults();
                        let fault = &all[(i / every) % all.len()];
                        if control.post(&faults_url).body(fault.to_string()).send().await.is_ok() {
                            injected += 1;
                        }
                    }
                    let r = match i % 4 {
                        0 => client.get_webhook_url(&pid).await.map(|_| ()),
                        1 => client
                            .set_webhook_url(&pid, "https://hooks.example.com/soak")
                            .await
                            .map(|_| ()),
                        2 => client.get_webhook_headers(&pid).await.map(|_| ()),
                        _ => client
                            .set_webhook_headers(&pid, WebhookHeaders::from_pairs([("X-Soak", "1")]))
                            .await
                            .map(|_| ()),
                    };
                    let key = match r {
                        Ok(()) => "ok".to_string(),
                        Err(e) => format!("{:?}", e.kind()),
                    };
                    *outcomes.entry(key).or_default() += 1;
                }
                (outcomes, injected)
            }));
        }
        // Sample threads while the load runs.
        let mut threads_max = threads_before;
        let mut threads_min = threads_before;
        while !workers.iter().all(|w| w.is_finished()) {
            let (t, _, _) = proc_status();
            threads_max = threads_max.max(t);
            threads_min = threads_min.min(t);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
        let (mut injected, mut panics) = (0u64, 0u64);
        for w in workers {
            match w.await {
                Ok((o, n)) => {
                    injected += n;
                    for (k, v) in o {
                        *outcomes.entry(k).or_default() += v;
                    }
                }
                Err(e) if e.is_panic() => panics += 1,
                Err(e) => return Err(e.into()),
            }
        }
        let wall = started.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (threads_after, rss_after, hwm) = proc_status();
        let accounted: u64 = outcomes.values().sum();
        println!(
            "{}",
            json!({
                "language": "Rust", "calls": args.calls, "concurrency": args.concurrency,
                "faults_injected": injected, "accounted": accounted, "outcomes": outcomes,
                "panics": panics, "threads_before": threads_before, "threads_during_min": threads_min,
                "threads_during_max": threads_max, "threads_after": threads_after,
                "rss_before_mb": rss_before as f64 / 1024.0, "rss_after_mb": rss_after as f64 / 1024.0,
                "peak_rss_mb": hwm as f64 / 1024.0, "wall_s": wall,
            })
        );
        Ok(())
    })
}
