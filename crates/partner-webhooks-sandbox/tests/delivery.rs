//! Signed delivery of events to a receiver this test runs, checked with the
//! client crate's verifier (an independent HMAC implementation).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use partner_webhooks::WebhookVerifier;
use partner_webhooks_sandbox::{DeliveryPolicy, DeliveryStatus, Sandbox, SandboxConfig};
use serde_json::{Value, json};

/// A receiver that records each request and fails the first `fail_first` ones.
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    calls: Arc<AtomicU32>,
    fail_first: u32,
    delay: Duration,
}

impl Receiver {
    async fn start(self) -> (String, Receiver) {
        let me = self.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let me = me.clone();
                async move {
                    let n = me.calls.fetch_add(1, Ordering::SeqCst) + 1;
                    me.seen.lock().unwrap().push((headers, body));
                    tokio::time::sleep(me.delay).await;
                    if n <= me.fail_first {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, self)
    }
}

fn fast_policy() -> DeliveryPolicy {
    DeliveryPolicy {
        max_attempts: 4,
        timeout: Duration::from_millis(500),
        initial_backoff: Duration::from_millis(20),
    }
}

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        delivery: fast_policy(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

async fn post(sb: &Sandbox, path: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sb.base_url()))
        .header("x-api-key", sb.api_key())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap_or(Value::Null),
    )
}

async fn configure(sb: &Sandbox, url: &str) {
    let pid = sb.partner_id().to_string();
    assert_eq!(
        post(
            sb,
            &format!("/api/v2/partners/{pid}/webhook_url"),
            json!({"webhook_url": url})
        )
        .await
        .0,
        200
    );
    let headers = json!({"webhook_headers": {"X-Partner-Auth": "hdr-secret", "X-Count": 3}});
    assert_eq!(
        post(
            sb,
            &format!("/api/v2/partners/{pid}/webhook_headers"),
            headers
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn emitted_event_arrives_signed_with_custom_headers() {
    let sb = sandbox().await;
    let (url, rx) = Receiver::default().start().await;
    configure(&sb, &url).await;
    let (status, accepted) = post(
        &sb,
        &format!("/_sandbox/partners/{}/events", sb.partner_id()),
        json!({"event": "channel_created"}),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    let id = accepted["delivery_id"].as_str().unwrap().to_string();
    let d = sb
        .wait_for_delivery(&id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Delivered);
    assert_eq!(d.attempts.len(), 1);
    assert_eq!(d.attempts[0].status, Some(200));

    let (headers, body) = rx.seen.lock().unwrap()[0].clone();
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(
        headers["x-count"], "3",
        "non-string header values are sent as JSON text"
    );
    let verifier = WebhookVerifier::builder()
        .secret(sb.platform_secret())
        .require_header("X-Partner-Auth", "hdr-secret")
        .build()
        .unwrap();
    let event = verifier
        .verify_header_map(&headers, &body)
        .expect("the sandbox's signature verifies");
    assert_eq!(event.known_type(), Some("channel_created"));
    assert_eq!(event.id(), Some(id.as_str()));
    assert_eq!(
        event.phone_number(),
        Some("+4915123456789"),
        "realistic data is filled in"
    );
    assert_eq!(event.status(), Some("created"));
    assert_eq!(d.body.as_bytes(), &body[..], "the log keeps the exact body");

    // Given data is sent as is; the delivery log lists it.
    let (_, accepted) = post(
        &sb,
        &format!("/_sandbox/partners/{}/events", sb.partner_id()),
        json!({"event": "brand_new_event", "data": {"x": 1}}),
    )
    .await;
    let d = sb
        .wait_for_delivery(
            accepted["delivery_id"].as_str().unwrap(),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Delivered);
    let sent: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(sent["data"], json!({"x": 1}));
    let r = reqwest::get(format!(
        "{}/_sandbox/partners/{}/deliveries",
        sb.base_url(),
        sb.partner_id()
    ))
    .await
    .unwrap();
    let list: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(list["deliveries"].as_array().unwrap().len(), 2);
    assert_eq!(list["deliveries"][1]["event"], "brand_new_event");
}

#[tokio::test]
async fn failed_attempts_are_retried_then_delivered() {
    let sb = sandbox().await;
    let (url, rx) = Receiver {
        fail_first: 2,
        ..Receiver::default()
    }
    .start()
    .await;
    configure(&sb, &url).await;
    let id = sb.emit("channel_live", None).unwrap();
    let d = sb
        .wait_for_delivery(&id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Delivered);
    let statuses: Vec<_> = d.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, vec![Some(500), Some(500), Some(200)]);
    assert_eq!(rx.calls.load(Ordering::SeqCst), 3);
    // The retry schedule: each failed attempt says when the next is due, and it was made then.
    for w in d.attempts.windows(2) {
        let due = w[0].next_attempt_at_ms.expect("a retry was scheduled");
        assert!(due > w[0].started_at_ms);
        assert!(
            w[1].started_at_ms + 5 >= due,
            "attempt made before it was due"
        );
    }
    assert_eq!(d.attempts[2].next_attempt_at_ms, None);
    // Every attempt carries the same body and signature.
    let seen = rx.seen.lock().unwrap();
    assert!(
        seen.windows(2).all(|w| w[0].1 == w[1].1
            && w[0].0["x-360dialog-signature"] == w[1].0["x-360dialog-signature"])
    );
}

#[tokio::test]
async fn unreachable_and_slow_receivers_fail_after_bounded_attempts() {
    let sb = sandbox().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    configure(&sb, &format!("http://127.0.0.1:{port}/hook")).await;
    let id = sb.emit("channel_ready", None).unwrap();
    let d = sb
        .wait_for_delivery(&id, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(d.attempts.len(), 4);
    assert!(
        d.attempts
            .iter()
            .all(|a| a.status.is_none() && a.error.as_deref() == Some("connection failed"))
    );

    let (url, _rx) = Receiver {
        delay: Duration::from_secs(3),
        ..Receiver::default()
    }
    .start()
    .await;
    configure(&sb, &url).await;
    let id = sb.emit("channel_ready", None).unwrap();
    // While that delivery waits on a slow receiver, the API answers at once.
    let started = std::time::Instant::now();
    let (status, _) = post(
        &sb,
        &format!("/api/v2/partners/{}/webhook_headers", sb.partner_id()),
        json!({"webhook_headers": {}}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "delivery blocked the API"
    );
    let d = sb
        .wait_for_delivery(&id, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert!(
        d.attempts
            .iter()
            .all(|a| a.error.as_deref() == Some("timeout")),
        "{:?}",
        d.attempts
    );
}

#[tokio::test]
async fn emit_refusals() {
    let sb = sandbox().await;
    let path = format!("/_sandbox/partners/{}/events", sb.partner_id());
    let (s, body) = post(&sb, &path, json!({"event": "channel_live"})).await;
    assert_eq!(s, 409, "no webhook URL yet: {body}");
    let (s, _) = post(
        &sb,
        "/_sandbox/partners/nopePA/events",
        json!({"event": "channel_live"}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, body) = post(&sb, &path, json!({"data": {}})).await;
    assert_eq!(
        (s, &body["meta"]["details"]["event"][0]),
        (400, &json!("Missing data for required field."))
    );
    let (s, body) = post(&sb, &path, json!({"event": "x", "extra": 1})).await;
    assert_eq!(
        (s, &body["meta"]["details"]["extra"][0]),
        (400, &json!("Unknown field."))
    );
    configure(&sb, "http://127.0.0.1:9/hook").await;
    let (s, body) = post(&sb, &path, json!({"event": "x", "data": [1]})).await;
    assert_eq!(
        (s, &body["meta"]["details"]["data"][0]),
        (400, &json!("data must be a JSON object"))
    );
}

#[tokio::test]
async fn a_partner_set_content_type_is_sent_once() {
    let sb = sandbox().await;
    let (url, rx) = Receiver::default().start().await;
    configure(&sb, &url).await;
    let headers = json!({"webhook_headers": {"Content-Type": "application/json; charset=utf-8", "X-Partner-Auth": "hdr-secret"}});
    let path = format!("/api/v2/partners/{}/webhook_headers", sb.partner_id());
    assert_eq!(post(&sb, &path, headers).await.0, 200);
    let (_, accepted) = post(
        &sb,
        &format!("/_sandbox/partners/{}/events", sb.partner_id()),
        json!({"event": "channel_live"}),
    )
    .await;
    let d = sb
        .wait_for_delivery(
            accepted["delivery_id"].as_str().unwrap(),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Delivered);
    let (headers, _) = rx.seen.lock().unwrap()[0].clone();
    let values: Vec<_> = headers.get_all("content-type").iter().collect();
    assert_eq!(
        values,
        ["application/json; charset=utf-8"],
        "one Content-Type, the partner's"
    );
    assert_eq!(headers.get_all("x-360dialog-signature").iter().count(), 1);
}
