//! The sandbox's page over real HTTP: the HTML (no secret in it), the JSON
//! API it reads, the live stream and its resumption by event id, and the
//! Host, Origin and token guards.

use std::time::Duration;

use axum::http::StatusCode;
use partner_webhooks_sandbox::{DeliveryPolicy, Sandbox, SandboxConfig, TOKEN_HEADER};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn sandbox() -> Sandbox {
    sandbox_with_attempts(1).await
}

/// A sandbox whose deliveries make `max_attempts` quick attempts.
async fn sandbox_with_attempts(max_attempts: u32) -> Sandbox {
    Sandbox::start(SandboxConfig {
        delivery: DeliveryPolicy {
            max_attempts,
            timeout: Duration::from_millis(500),
            initial_backoff: Duration::from_millis(10),
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// A receiver that answers 200 to every delivery.
async fn receiver() -> String {
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(|| async { (StatusCode::OK, [("x-receiver", "seen")], "thanks") }),
        )
        .route(
            "/big",
            axum::routing::post(|| async { (StatusCode::BAD_GATEWAY, "x".repeat(5000)) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

async fn configure(sb: &Sandbox, url: &str) {
    let http = reqwest::Client::new();
    let pid = sb.partner_id();
    for (path, body) in [
        ("webhook_url", json!({"webhook_url": url})),
        (
            "webhook_headers",
            json!({"webhook_headers": {"X-Partner-Auth": "hdr-secret-value"}}),
        ),
    ] {
        let r = http
            .post(format!("{}/api/v2/partners/{pid}/{path}", sb.base_url()))
            .header("x-api-key", sb.api_key())
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}

async fn get_json(sb: &Sandbox, path: &str) -> Value {
    let r = reqwest::get(format!("{}{path}", sb.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

async fn emit(sb: &Sandbox, event: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!(
            "{}/_sandbox/partners/{}/events",
            sb.base_url(),
            sb.partner_id()
        ))
        .body(json!({ "event": event }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).unwrap()["delivery_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The page's token, read from its HTML like the script does.
async fn page(sb: &Sandbox) -> (String, String) {
    let html = reqwest::get(format!("{}/", sb.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = html
        .split("name=\"sandbox-token\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    (html, token)
}

/// Reads server-sent events from `GET /_sandbox/stream` (with `Last-Event-ID`
/// when given) until `n` `delivery` events came; returns (id, delivery id) of each.
async fn read_stream(
    sb: &Sandbox,
    last_event_id: Option<u64>,
    n: usize,
) -> Vec<(u64, String, String)> {
    let mut req = reqwest::Client::new().get(format!("{}/_sandbox/stream", sb.base_url()));
    if let Some(id) = last_event_id {
        req = req.header("last-event-id", id.to_string());
    }
    let mut r = req.send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut text = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while events.len() < n {
        let chunk = tokio::time::timeout_at(deadline, r.chunk())
            .await
            .expect("stream too slow")
            .unwrap()
            .unwrap();
        text.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let (mut id, mut kind, mut data) = (None, String::new(), String::new());
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("event:") {
                    kind = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if kind == "delivery" {
                let d: Value = serde_json::from_str(&data).unwrap();
                events.push((
                    id.unwrap(),
                    d["id"].as_str().unwrap().to_string(),
                    d["status"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    events
}

#[tokio::test]
async fn the_page_holds_no_secret_and_its_api_masks_them() {
    let sb = sandbox().await;
    configure(&sb, &receiver().await).await;
    let (html, token) = page(&sb).await;
    assert!(html.contains("<title>partner-webhooks sandbox</title>"));
    assert!(token.starts_with("sbxpage_"));
    for secret in [
        sb.platform_secret(),
        "hdr-secret-value",
        sb.api_key(),
        sb.password(),
    ] {
        assert!(!html.contains(secret), "the page shows a secret");
    }
    let o = get_json(&sb, "/_sandbox/overview").await;
    assert_eq!(o["webhook_header_names"], json!(["X-Partner-Auth"]));
    assert!(!o.to_string().contains(sb.platform_secret()));
    assert!(
        o["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "channel_live")
    );
    // The script and stylesheet are served from the binary.
    for (asset, kind) in [("app.js", "text/javascript"), ("app.css", "text/css")] {
        let r = reqwest::get(format!("{}/_sandbox/assets/{asset}", sb.base_url()))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
    }
    // A delivery's detail: the signature, the custom header masked; revealed on request.
    let id = emit(&sb, "channel_live").await;
    sb.wait_for_delivery(&id, Duration::from_secs(5))
        .await
        .unwrap();
    let detail = get_json(&sb, &format!("/_sandbox/deliveries/{id}")).await;
    assert!(!detail.to_string().contains("hdr-secret-value"));
    let headers = detail["request"]["headers"].as_array().unwrap();
    let signature = headers
        .iter()
        .find(|h| h["name"] == "x-360dialog-signature")
        .unwrap();
    let body = detail["delivery"]["body"].as_str().unwrap();
    assert_eq!(
        signature["value"],
        partner_webhooks::signature::sign(body.as_bytes(), sb.platform_secret())
    );
    let attempt = &detail["delivery"]["attempts"][0];
    assert_eq!(attempt["status"], 200);
    // The receiver's answer: its headers and body.
    assert_eq!(attempt["response_body"], "thanks");
    assert!(
        attempt["response_headers"]
            .as_array()
            .unwrap()
            .contains(&json!(["x-receiver", "seen"]))
    );
    assert_eq!(attempt["next_attempt_at_ms"], Value::Null);
    assert!(detail["delivery"]["created_at_ms"].as_u64().unwrap() > 1_700_000_000_000);
    let revealed = get_json(&sb, "/_sandbox/reveal?what=header&name=X-Partner-Auth").await;
    assert_eq!(revealed["value"], "hdr-secret-value");
    assert_eq!(
        get_json(&sb, "/_sandbox/reveal?what=secret").await["value"],
        sb.platform_secret()
    );
    // The link to a delivery serves the page; an unknown delivery is a 404, bad input a 400.
    let r = reqwest::get(format!("{}/deliveries/{id}", sb.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = reqwest::get(format!("{}/_sandbox/deliveries/nope", sb.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = reqwest::get(format!("{}/_sandbox/reveal?what=everything", sb.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = reqwest::get(format!("{}/_sandbox/stream?after=minus-one", sb.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A long answer is cut at the stated size; a failed attempt says when the next one is due.
    let big = format!(
        "{}big",
        get_json(&sb, "/_sandbox/overview").await["webhook_url"]
            .as_str()
            .unwrap()
            .trim_end_matches("hook")
    );
    configure(&sb, &big).await;
    let id = emit(&sb, "channel_live").await;
    let d = sb
        .wait_for_delivery(&id, Duration::from_secs(5))
        .await
        .unwrap();
    let a = &d.attempts[0];
    assert_eq!(a.status, Some(502));
    assert_eq!(
        a.response_body.as_deref().map(str::len),
        Some(partner_webhooks_sandbox::RESPONSE_BODY_LIMIT)
    );
    assert!(a.response_truncated);
    // The signature debugger: a delivery alone verifies; its body re-serialized is named so;
    // bad input is a 400 naming the field, an unknown delivery a 404.
    let debug = |q: Value| {
        let url = format!("{}/_sandbox/debug/signature", sb.base_url());
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .body(q.to_string())
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (
                status,
                serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).unwrap(),
            )
        }
    };
    let (status, d) = debug(json!({"delivery_id": id})).await;
    assert_eq!(
        (status, d["verified"].clone(), d["cause"].clone()),
        (200, json!(true), json!("verified"))
    );
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(body).unwrap()).unwrap();
    let sig = signature["value"].as_str().unwrap();
    let (_, d) = debug(json!({"body": pretty, "signature": sig})).await;
    assert_eq!(d["cause"], "reserialized");
    assert_eq!(d["delivery_id"], json!(detail["delivery"]["id"]));
    let (_, d) = debug(json!({"body": body, "signature": sig, "secret": "not-the-secret"})).await;
    assert_eq!(d["cause"], "wrong_secret");
    assert!(
        !d.to_string().contains("not-the-secret"),
        "the secret given is not echoed"
    );
    let (status, d) = debug(json!({"body": 3})).await;
    assert_eq!(
        (status, d["meta"]["details"]["body"][0].clone()),
        (400, json!("Not a valid string."))
    );
    let (status, _) = debug(json!({"signature": sig})).await;
    assert_eq!(status, 400);
    let (status, _) = debug(json!({"delivery_id": "nope"})).await;
    assert_eq!(status, 404);
    let (status, d) = debug(json!({"delivery_id": id, "extra": 1})).await;
    assert_eq!(
        (status, d["meta"]["details"]["extra"][0].clone()),
        (400, json!("Unknown field."))
    );
    // The sample the trigger form starts from.
    let s = get_json(&sb, "/_sandbox/samples/channel_live").await;
    assert_eq!(s["data"]["status"], "live");
}

#[tokio::test]
async fn the_stream_sends_every_change_and_resumes_after_an_event_id() {
    let sb = sandbox().await;
    configure(&sb, &receiver().await).await;
    let first = emit(&sb, "channel_created").await;
    sb.wait_for_delivery(&first, Duration::from_secs(5))
        .await
        .unwrap();
    // Queued, one attempt, delivered: three changes, numbered from 1.
    let seen = read_stream(&sb, None, 3).await;
    let ids: Vec<u64> = seen.iter().map(|e| e.0).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert!(seen.iter().all(|e| e.1 == first));
    assert_eq!(seen[0].2, "pending");
    assert_eq!(seen[2].2, "delivered");
    // The list says where the stream stands.
    assert_eq!(get_json(&sb, "/_sandbox/deliveries").await["last_seq"], 3);
    let second = emit(&sb, "channel_live").await;
    sb.wait_for_delivery(&second, Duration::from_secs(5))
        .await
        .unwrap();
    // Coming back after event 3 gives the second delivery's changes only.
    let resumed = read_stream(&sb, Some(3), 3).await;
    assert_eq!(resumed.iter().map(|e| e.0).collect::<Vec<_>>(), [4, 5, 6]);
    assert!(resumed.iter().all(|e| e.1 == second));
    // A stream that is open when a change happens gets it without asking.
    let reader = {
        let base = sb.base_url().to_string();
        tokio::spawn(async move {
            let sb2 = base;
            let r = reqwest::Client::new()
                .get(format!("{sb2}/_sandbox/stream"))
                .header("last-event-id", "6")
                .send()
                .await
                .unwrap();
            let mut r = r;
            let mut text = String::new();
            while !text.contains("event: delivery") && !text.contains("event:delivery") {
                text.push_str(std::str::from_utf8(&r.chunk().await.unwrap().unwrap()).unwrap());
            }
            text
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let third = emit(&sb, "client_created").await;
    let text = tokio::time::timeout(Duration::from_secs(5), reader)
        .await
        .unwrap()
        .unwrap();
    assert!(text.contains("id: 7") || text.contains("id:7"), "{text}");
    assert!(text.contains(&third));
}

/// A raw HTTP/1.1 request, so that the Host header can be anything.
async fn raw(sb: &Sandbox, request: &str) -> u16 {
    let mut s = tokio::net::TcpStream::connect(sb.local_addr())
        .await
        .unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0; 64];
    let n = s.read(&mut buf).await.unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    head.split(' ').nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn another_host_name_is_refused_against_dns_rebinding() {
    let sb = sandbox().await;
    let port = sb.local_addr().port();
    let get = |host: String| {
        format!("GET /_sandbox/overview HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
    };
    assert_eq!(raw(&sb, &get(format!("127.0.0.1:{port}"))).await, 200);
    assert_eq!(raw(&sb, &get(format!("localhost:{port}"))).await, 200);
    assert_eq!(
        raw(&sb, &get(format!("rebind.attacker.example:{port}"))).await,
        421
    );
    assert_eq!(raw(&sb, &get("127.0.0.1:1".into())).await, 421);
    // The API too: a rebound page cannot read the partner's settings.
    let api = format!(
        "GET /api/v2/partners/{}/webhook_url HTTP/1.1\r\nHost: evil.example:{port}\r\nX-API-Key: {}\r\nConnection: close\r\n\r\n",
        sb.partner_id(),
        sb.api_key()
    );
    assert_eq!(raw(&sb, &api).await, 421);
}

#[tokio::test]
async fn a_browser_changes_state_only_from_the_page_with_its_token() {
    let sb = sandbox().await;
    let (_, token) = page(&sb).await;
    let origin = sb.base_url().to_string();
    let fault = json!({"route": "get_webhook_url", "status": 503});
    let http = reqwest::Client::new();
    let post = |headers: Vec<(&'static str, String)>| {
        let mut r = http
            .post(format!("{}/_sandbox/faults", sb.base_url()))
            .body(fault.to_string());
        for (n, v) in headers {
            r = r.header(n, v);
        }
        r.send()
    };
    // Another site's page (a form post or a fetch), with or without a guessed token.
    let r = post(vec![
        ("origin", "http://evil.example".into()),
        ("sec-fetch-site", "cross-site".into()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    let r = post(vec![
        ("origin", "http://evil.example".into()),
        (TOKEN_HEADER, token.clone()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    // The page's origin without the token.
    let r = post(vec![("origin", origin.clone())]).await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("x-sandbox-token"));
    assert!(sb.faults().is_empty(), "a refused request changed nothing");
    // The page itself.
    let r = post(vec![
        ("origin", origin.clone()),
        (TOKEN_HEADER, token.clone()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(sb.faults().len(), 1);
    // A tool (no Origin, no Sec-Fetch-*) as before.
    let r = post(vec![]).await.unwrap();
    assert_eq!(r.status(), 201);
    // A browser reads a secret only with the token.
    let reveal = format!("{}/_sandbox/reveal?what=secret", sb.base_url());
    let r = http
        .get(&reveal)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = http
        .get(&reveal)
        .header("origin", origin)
        .header(TOKEN_HEADER, token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// A receiver that records what it got and answers like a careful app when
/// `careful` (verifies the signature and the custom header; 401 otherwise),
/// or 200 to everything.
async fn recording_receiver(
    secret: String,
    careful: bool,
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>,
) {
    use axum::http::HeaderMap;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let verifier = partner_webhooks::WebhookVerifier::builder()
        .secret(&secret)
        .require_header("X-Partner-Auth", "hdr-secret-value")
        .build()
        .unwrap();
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let (log, verifier) = (log.clone(), verifier.clone());
            async move {
                log.lock()
                    .unwrap()
                    .push((headers.clone(), String::from_utf8_lossy(&body).into_owned()));
                if careful && verifier.verify_header_map(&headers, &body).is_err() {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

async fn post_json(sb: &Sandbox, path: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sb.base_url()))
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

#[tokio::test]
async fn replays_with_edits_and_the_receiver_check() {
    let sb = sandbox().await;
    let secret = sb.platform_secret().to_string();
    let (url, seen) = recording_receiver(secret.clone(), true).await;
    configure(&sb, &url).await;
    let id = emit(&sb, "channel_live").await;
    sb.wait_for_delivery(&id, Duration::from_secs(5))
        .await
        .unwrap();
    let sign = |b: &str| partner_webhooks::signature::sign(b.as_bytes(), &secret);

    // An edited body, re-signed: the receiver verifies it.
    let edited = r#"{"id":"edited","event":"channel_live","data":{"id":"c9","status":"live"}}"#;
    let (status, r) = post_json(
        &sb,
        &format!("/_sandbox/deliveries/{id}/replay"),
        json!({"body": edited}),
    )
    .await;
    assert_eq!(status, 202, "{r}");
    let d = sb
        .wait_for_delivery(r["delivery_id"].as_str().unwrap(), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(d.attempts[0].status, Some(200));
    assert_eq!(
        d.note.as_deref(),
        Some(format!("replay of {id}, body edited and re-signed").as_str())
    );
    {
        let got = seen.lock().unwrap();
        let (headers, body) = got.last().unwrap();
        assert_eq!(body, edited);
        assert_eq!(headers["x-360dialog-signature"], sign(edited).as_str());
    }
    // On purpose with a wrong signature, then without the custom header: refused by this receiver.
    for (flag, missing_header) in [("wrong_signature", false), ("without_custom_headers", true)] {
        let (status, r) = post_json(
            &sb,
            &format!("/_sandbox/deliveries/{id}/replay"),
            json!({ flag: true }),
        )
        .await;
        assert_eq!(status, 202);
        let d = sb
            .wait_for_delivery(r["delivery_id"].as_str().unwrap(), Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(d.attempts[0].status, Some(401), "{flag}");
        let (headers, body) = seen.lock().unwrap().last().cloned().unwrap();
        assert_eq!(headers.contains_key("x-partner-auth"), !missing_header);
        assert_eq!(
            headers["x-360dialog-signature"] == sign(&body).as_str(),
            missing_header
        );
        // The detail shows what was really sent.
        let detail = get_json(&sb, &format!("/_sandbox/deliveries/{}", d.id)).await;
        let names: Vec<&str> = detail["request"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.contains(&"X-Partner-Auth"), !missing_header);
    }
    // Bad input: 4xx naming the field, nothing sent.
    let before = seen.lock().unwrap().len();
    let replay = format!("/_sandbox/deliveries/{id}/replay");
    let (status, r) = post_json(&sb, &replay, json!({"body": "{not json"})).await;
    assert_eq!(status, 400);
    assert!(
        r["meta"]["details"]["body"][0]
            .as_str()
            .unwrap()
            .starts_with("Not valid JSON")
    );
    assert_eq!(
        post_json(&sb, &replay, json!({"wrong_signature": "yes"}))
            .await
            .0,
        400
    );
    assert_eq!(post_json(&sb, &replay, json!({"sign": true})).await.0, 400);
    assert_eq!(post_json(&sb, &replay, json!([1])).await.0, 400);
    assert_eq!(
        post_json(&sb, "/_sandbox/deliveries/nope/replay", json!({}))
            .await
            .0,
        404
    );
    assert_eq!(seen.lock().unwrap().len(), before);

    // The receiver check against this careful receiver: every answer right.
    let (status, report) = post_json(&sb, "/_sandbox/receiver-check", json!({})).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["ok"], true, "{report}");
    let cases: Vec<&str> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case"].as_str().unwrap())
        .collect();
    assert_eq!(
        cases,
        [
            "valid",
            "wrong_signature",
            "without_custom_headers",
            "duplicate"
        ]
    );
    // The duplicate is the valid event again, byte for byte.
    {
        let got = seen.lock().unwrap();
        let n = got.len();
        assert_eq!(got[n - 1].1, got[n - 4].1);
    }

    // Against a receiver that accepts everything: the forged and header-less answers are reported.
    let (naive, _) = recording_receiver(secret, false).await;
    configure(&sb, &naive).await;
    let (_, report) = post_json(&sb, "/_sandbox/receiver-check", json!({})).await;
    assert_eq!(report["ok"], false);
    let wrong: Vec<&str> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["case"].as_str().unwrap())
        .collect();
    assert_eq!(wrong, ["wrong_signature", "without_custom_headers"]);
    assert!(
        report["cases"][1]["problem"]
            .as_str()
            .unwrap()
            .contains("does not verify")
    );
}

#[tokio::test]
async fn the_log_exported_as_json_lines_imports_whole_and_replays_as_fixtures() {
    let sb = sandbox().await;
    let (url, _) = recording_receiver(sb.platform_secret().to_string(), true).await;
    configure(&sb, &url).await;
    let first = emit(&sb, "channel_live").await;
    sb.wait_for_delivery(&first, Duration::from_secs(5))
        .await
        .unwrap();
    let second = emit(&sb, "client_created").await;
    sb.wait_for_delivery(&second, Duration::from_secs(5))
        .await
        .unwrap();
    let (_, r) = post_json(
        &sb,
        &format!("/_sandbox/deliveries/{first}/replay"),
        json!({"wrong_signature": true}),
    )
    .await;
    sb.wait_for_delivery(r["delivery_id"].as_str().unwrap(), Duration::from_secs(5))
        .await
        .unwrap();

    let r = reqwest::get(format!("{}/_sandbox/export", sb.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/jsonl")
    );
    let text = r.text().await.unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(
        !text.contains("hdr-secret-value"),
        "no custom header value in the export"
    );
    assert!(!text.contains(sb.platform_secret()));

    // As fixtures: each faithful delivery verifies with the platform secret and the custom header.
    let recorded = partner_webhooks_sandbox::fixtures::parse_jsonl(&text).unwrap();
    let verifier = partner_webhooks::WebhookVerifier::builder()
        .secret(sb.platform_secret())
        .require_header("X-Partner-Auth", "hdr-secret-value")
        .build()
        .unwrap();
    let verdicts: Vec<bool> = recorded
        .iter()
        .map(|r| {
            let mut headers = r.headers();
            assert_eq!(r.header_names, ["X-Partner-Auth"]);
            headers.push(("X-Partner-Auth".into(), "hdr-secret-value".into()));
            verifier.verify(headers, r.delivery.body.as_bytes()).is_ok()
        })
        .collect();
    assert_eq!(
        verdicts,
        [true, true, false],
        "the replay with a wrong signature is recorded as sent"
    );

    // Into a fresh sandbox: the same log, nothing sent; again: all skipped.
    let other = sandbox().await;
    let import = |body: String| {
        let url = format!("{}/_sandbox/import", other.base_url());
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .body(body)
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).unwrap(),
            )
        }
    };
    assert_eq!(
        import(text.clone()).await,
        (200, json!({"imported": 3, "skipped": 0}))
    );
    assert_eq!(
        partner_webhooks_sandbox::fixtures::to_jsonl(&other.export()),
        text
    );
    assert_eq!(
        import(text.clone()).await,
        (200, json!({"imported": 0, "skipped": 3}))
    );
    // The imported deliveries are on the stream too.
    assert_eq!(
        get_json(&other, "/_sandbox/deliveries").await["last_seq"],
        3
    );
    // A bad line: 400 naming it, and nothing of the file is added.
    let third = sandbox().await;
    let mut bad = text.lines().take(2).collect::<Vec<_>>().join("\n");
    bad.push_str("\n{\"id\": 3}\n");
    let r = reqwest::Client::new()
        .post(format!("{}/_sandbox/import", third.base_url()))
        .body(bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body["meta"]["details"]["line"], 3);
    assert!(third.deliveries().is_empty());
}

#[tokio::test]
async fn triggered_data_is_checked_against_the_event_model_first() {
    let sb = sandbox().await;
    let (url, seen) = recording_receiver(sb.platform_secret().to_string(), false).await;
    configure(&sb, &url).await;
    let path = format!("/_sandbox/partners/{}/events", sb.partner_id());
    let wrong = json!({"id": "c1", "integration": {"enabled": "yes"}});
    let (status, r) = post_json(&sb, &path, json!({"event": "channel_live", "data": wrong})).await;
    assert_eq!(status, 400, "{r}");
    let details = r["meta"]["details"].as_object().unwrap();
    assert_eq!(
        details.keys().collect::<Vec<_>>(),
        ["data.integration.enabled"]
    );
    assert!(
        details["data.integration.enabled"][0]
            .as_str()
            .unwrap()
            .contains("channel_live")
    );
    assert!(
        sb.deliveries().is_empty() && seen.lock().unwrap().is_empty(),
        "nothing was sent"
    );
    // On purpose, unchecked: sent as it is.
    let (status, _) = post_json(
        &sb,
        &path,
        json!({"event": "channel_live", "data": wrong, "unchecked": true}),
    )
    .await;
    assert_eq!(status, 202);
    let (status, _) = post_json(
        &sb,
        &path,
        json!({"event": "channel_live", "unchecked": "no"}),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn per_delivery_faults_delay_timeout_drop_duplicate_and_order() {
    let sb = sandbox_with_attempts(3).await;
    let (url, seen) = recording_receiver(sb.platform_secret().to_string(), false).await;
    configure(&sb, &url).await;
    let path = format!("/_sandbox/partners/{}/events", sb.partner_id());
    let trigger = |faults: Value| {
        let (sb, path) = (&sb, path.clone());
        async move {
            let (status, r) = post_json(
                sb,
                &path,
                json!({"event": "channel_live", "faults": faults}),
            )
            .await;
            assert_eq!(status, 202, "{r}");
            r["delivery_id"].as_str().unwrap().to_string()
        }
    };
    let done = |id: String| {
        let sb = &sb;
        async move {
            sb.wait_for_delivery(&id, Duration::from_secs(10))
                .await
                .unwrap()
        }
    };
    let bodies = || {
        seen.lock()
            .unwrap()
            .iter()
            .map(|(_, b)| b.clone())
            .collect::<Vec<_>>()
    };

    // A delay before the first attempt.
    let d = done(trigger(json!({"delay_ms": 300})).await).await;
    assert!(d.attempts[0].started_at_ms >= d.created_at_ms + 300);
    assert_eq!(d.note.as_deref(), Some("faults: delay 300 ms"));
    // A timeout: the receiver answered, the sandbox had stopped waiting: it gets the event twice.
    let before = bodies().len();
    let d = done(trigger(json!({"timeout": true})).await).await;
    assert_eq!(d.attempts.len(), 2);
    assert!(
        d.attempts[0]
            .error
            .as_deref()
            .unwrap()
            .starts_with("timed out (fault)")
    );
    assert_eq!(d.attempts[1].status, Some(200));
    assert_eq!(bodies()[before..], [d.body.clone(), d.body.clone()]);
    // A dropped connection: the receiver never had a whole body; the retry arrives.
    let before = bodies().len();
    let d = done(trigger(json!({"drop": true})).await).await;
    assert_eq!(
        d.attempts[0].error.as_deref(),
        Some("connection dropped halfway through the body (fault)")
    );
    assert_eq!(d.attempts[1].status, Some(200));
    assert_eq!(bodies()[before..], [d.body]);
    // A duplicate: the same bytes again as a new delivery, once it has ended.
    let before = bodies().len();
    let first = done(trigger(json!({"duplicate": true})).await).await;
    let again =
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if let Some(d) = sb.deliveries().into_iter().find(|d| {
                    d.note.as_deref() == Some(&format!("duplicate of {} (fault)", first.id))
                }) {
                    if !d.is_pending() {
                        return d;
                    }
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .unwrap();
    assert_eq!(again.body, first.body);
    assert_eq!(bodies()[before..], [first.body.clone(), first.body.clone()]);
    // Out of order: held until the next delivery has been sent.
    let before = bodies().len();
    let held = trigger(json!({"out_of_order": true})).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(bodies().len(), before, "held back");
    let next = trigger(json!({})).await;
    let (held, next) = (done(held).await, done(next).await);
    assert_eq!(bodies()[before..], [next.body, held.body]);
    // Bad faults: 400 naming the field, nothing sent.
    for (faults, field) in [
        (json!({"delay_ms": 600_000}), "faults.delay_ms"),
        (json!({"explode": true}), "faults"),
        (json!({"timeout": "yes"}), "faults"),
    ] {
        let (status, r) = post_json(
            &sb,
            &path,
            json!({"event": "channel_live", "faults": faults}),
        )
        .await;
        assert_eq!(status, 400, "{r}");
        assert!(r["meta"]["details"].get(field).is_some(), "{r}");
    }
    // Drop needs a plain http:// URL.
    configure(&sb, "https://127.0.0.1:9/hook").await;
    let (status, r) = post_json(
        &sb,
        &path,
        json!({"event": "channel_live", "faults": {"drop": true}}),
    )
    .await;
    assert_eq!(
        (status, r["meta"]["details"]["faults.drop"].is_array()),
        (400, true)
    );
}

/// tests/fixtures/deliveries.jsonl (which every language's tests replay):
/// three deliveries, then one replayed with a wrong signature, exported by a
/// sandbox started with `--platform-secret fixture-platform-secret`.
#[test]
fn the_shared_delivery_log_fixture_replays() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/deliveries.jsonl"
    );
    let log =
        partner_webhooks_sandbox::fixtures::replayable(&std::fs::read_to_string(path).unwrap())
            .unwrap();
    let verifier = partner_webhooks::WebhookVerifier::builder()
        .secret("fixture-platform-secret")
        .require_header("X-Partner-Auth", "fixture-header-value")
        .build()
        .unwrap();
    let verdicts: Vec<Option<String>> = log
        .iter()
        .map(|d| {
            let mut headers = d.headers.clone();
            headers.push(("X-Partner-Auth".into(), "fixture-header-value".into()));
            verifier
                .verify(headers, d.body.as_bytes())
                .ok()
                .map(|e| e.event().event_type().to_string())
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            Some("channel_live".to_string()),
            Some("waba_template_status_changed".to_string()),
            Some("client_created".to_string()),
            None
        ]
    );
    assert!(log.iter().all(|d| d.status == "delivered"));
}
