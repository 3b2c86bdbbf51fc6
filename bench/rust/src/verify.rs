//! Verify + parse of the 1 KiB signed event on this thread: `WebhookVerifier`
//! against what a hand-written receiver does (HMAC-SHA256 with the `hmac`
//! crate, a constant-time comparison, then `serde_json::Value`).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use partner_webhooks::signature::sign;
use partner_webhooks::verifier::WebhookVerifier;
use sha2::Sha256;

use crate::cpu;
use crate::sample::Sample;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The event body (bench/fixtures/event-1k.json).
    #[arg(long)]
    event: PathBuf,
    /// The signing secret.
    #[arg(long)]
    secret: String,
    #[arg(long, default_value_t = 5)]
    runs: u32,
    /// Thread CPU seconds per measurement.
    #[arg(long, default_value_t = 1.0)]
    seconds: f64,
    /// Only run our side, printing nothing (for `perf record`).
    #[arg(long)]
    profile: bool,
}

/// Events per second of thread CPU time, running `f` in batches for `seconds`.
fn rate(seconds: f64, mut f: impl FnMut()) -> f64 {
    let budget = Duration::from_secs_f64(seconds);
    let start = cpu::thread();
    let mut n = 0u64;
    loop {
        for _ in 0..1000 {
            f();
        }
        n += 1000;
        let spent = cpu::thread() - start;
        if spent >= budget {
            return n as f64 / spent.as_secs_f64();
        }
    }
}

pub fn run(args: VerifyArgs) -> Result<(), BoxError> {
    let body = std::fs::read(&args.event)?;
    let signature = sign(&body, &args.secret);
    let verifier = WebhookVerifier::builder().secret(&args.secret).build()?;
    let headers = [
        ("content-type", "application/json"),
        ("x-360dialog-signature", signature.as_str()),
    ];
    verifier.verify(headers, &body)?;
    let expected = hex::decode(&signature)?;
    let ours = || {
        black_box(
            verifier
                .verify(black_box(headers), black_box(&body))
                .unwrap(),
        );
    };
    let theirs = || {
        let mut mac = Hmac::<Sha256>::new_from_slice(args.secret.as_bytes()).unwrap();
        mac.update(black_box(&body));
        mac.verify_slice(black_box(&expected)).unwrap();
        let v: serde_json::Value = serde_json::from_slice(black_box(&body)).unwrap();
        black_box(v);
    };
    if args.profile {
        rate(args.seconds, ours);
        return Ok(());
    }
    rate(args.seconds / 4.0, ours);
    rate(args.seconds / 4.0, theirs);
    for run in 0..args.runs {
        let (a, b) = if run % 2 == 0 {
            let a = rate(args.seconds, ours);
            (a, rate(args.seconds, theirs))
        } else {
            let b = rate(args.seconds, theirs);
            (rate(args.seconds, ours), b)
        };
        Sample {
            name: "Rust verify+parse, 1 KiB event, one core",
            baseline: "hmac + serde_json::Value",
            metric: "events/s",
            ours: a,
            theirs: Some(b),
            extra: Default::default(),
        }
        .print();
    }
    Ok(())
}
