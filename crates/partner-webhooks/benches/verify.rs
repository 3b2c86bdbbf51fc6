//! Verify + parse of a 1 KiB signed event, with criterion
//! (`cargo bench -p partner-webhooks --bench verify`; `make bench` measures the
//! same in every language through `bench/run.py`).
//!
//! Besides the full path it measures its parts (HMAC only, JSON-to-Value only)
//! as the baselines the ratio is read against.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use partner_webhooks::signature::sign;
use partner_webhooks::verifier::WebhookVerifier;

/// The 1 KiB `channel_created` body every language's benchmark uses.
const EVENT: &[u8] = include_bytes!("../../../bench/fixtures/event-1k.json");

fn bench(c: &mut Criterion) {
    let body = EVENT.to_vec();
    let secret = "ps_0123456789abcdef0123456789abcdef";
    let signature = sign(&body, secret);
    let verifier = WebhookVerifier::builder()
        .secret(secret)
        .require_header("X-Partner-Auth", "shared-secret-value")
        .build()
        .unwrap();
    let headers = [
        ("content-type", "application/json"),
        ("x-360dialog-signature", signature.as_str()),
        ("x-partner-auth", "shared-secret-value"),
    ];
    assert!(verifier.verify(headers, &body).is_ok());

    let mut g = c.benchmark_group("1KiB event");
    g.throughput(Throughput::Elements(1));
    g.bench_function("verify+parse (WebhookVerifier::verify)", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(headers), black_box(&body))
                .unwrap()
        })
    });
    g.bench_function("baseline: HMAC-SHA256 only", |b| {
        b.iter(|| sign(black_box(&body), secret))
    });
    g.bench_function("baseline: serde_json::Value parse only", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
