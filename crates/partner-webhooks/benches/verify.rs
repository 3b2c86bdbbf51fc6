//! Verify + parse of a 1 KiB signed event (`make bench`, or
//! `cargo bench -p partner-webhooks --bench verify`).
//!
//! Besides the full path it measures its parts (HMAC only, JSON-to-Value only)
//! as the baselines the ratio is read against.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use partner_webhooks::signature::sign;
use partner_webhooks::verifier::WebhookVerifier;

/// A realistic `channel_created` event, padded to exactly 1024 bytes.
pub fn one_kib_event() -> Vec<u8> {
    let head = r#"{"id":"evt-0001","event":"channel_created","data":{"id":"exampleCH","client_id":"exampleCL","client":{"id":"exampleCL","name":"Example Company GmbH","partner_payload":null},"status":"created","account_mode":"sandbox","created_at":"2023-01-01T12:00:00Z","billing_started_at":null,"terminated_at":null,"setup_info":{"phone_number":"+4915123456789","phone_name":"Example Company"},"waba_account":{"id":"exampleWA","fb_account_status":"pending"},"integration":{"enabled":true,"app_id":"1234567890","state":"running"},"note":""#;
    let tail = "\"}}";
    let pad = 1024 - head.len() - tail.len();
    let body = format!("{head}{}{tail}", "x".repeat(pad));
    assert_eq!(body.len(), 1024);
    body.into_bytes()
}

fn bench(c: &mut Criterion) {
    let body = one_kib_event();
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
