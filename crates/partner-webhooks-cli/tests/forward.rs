//! `partner-webhooks listen --forward-to URL` as a process: each verified
//! delivery reaches the partner's app byte for byte with its headers, one line
//! per event with the app's status and latency; `--events` filters; the app
//! being down is a line per event, not a crash; a non-loopback `--host` needs
//! `--allow-remote`.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use common::{BIN, Listen};

use axum::body::Bytes;
use axum::http::HeaderMap;
use partner_webhooks::sign;
use serde_json::Value;

const SECRET: &str = "forward-test-platform-secret";

/// `listen` with this test's secret and required header, and `extra`.
fn listen(extra: &[&str]) -> Listen {
    let mut args = vec![
        "--secret",
        SECRET,
        "--require-header",
        "X-Partner-Auth: hdr",
    ];
    args.extend_from_slice(extra);
    Listen::start(&args)
}

type Seen = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// The partner's app: records every request, answers 202.
async fn app() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let record = record.clone();
            async move {
                record.lock().unwrap().push((headers, body));
                axum::http::StatusCode::ACCEPTED
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, seen)
}

async fn deliver(url: &str, body: &str, signature: &str) -> u16 {
    reqwest::Client::new()
        .post(url)
        .header("x-partner-auth", "hdr")
        .header("x-360dialog-signature", signature)
        .header("x-extra", "kept")
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verified_deliveries_reach_the_app_exactly() {
    let (app_url, seen) = app().await;
    let mut listen = listen(&[
        "--forward-to",
        &app_url,
        "--events",
        "channel_live,waba_template_status_changed",
    ]);
    let live = r#"{"event":"channel_live","data":{"id":"c1"},  "x": [1, 2]}"#;
    assert_eq!(
        deliver(&listen.url, live, &sign(live.as_bytes(), SECRET)).await,
        200
    );
    let line = listen.next_line();
    assert_eq!(line["type"], "channel_live");
    assert_eq!(line["forward"]["status"], 202);
    assert_eq!(line["forward"]["url"], app_url.as_str());
    assert!(line["forward"]["latency_ms"].is_u64(), "{line}");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let (headers, body) = &seen[0];
        assert_eq!(
            body.as_ref(),
            live.as_bytes(),
            "the raw body, byte for byte"
        );
        assert_eq!(
            headers["x-360dialog-signature"],
            sign(live.as_bytes(), SECRET).as_str()
        );
        assert_eq!(headers["x-partner-auth"], "hdr");
        assert_eq!(headers["x-extra"], "kept");
        assert_eq!(headers.get_all("content-type").iter().count(), 1);
    }
    // The camelCase spelling counts as the canonical name.
    let alias = r#"{"event":"wabaTemplateStatusChanged","data":{"status":"approved"}}"#;
    assert_eq!(
        deliver(&listen.url, alias, &sign(alias.as_bytes(), SECRET)).await,
        200
    );
    assert_eq!(listen.next_line()["forward"]["status"], 202);
    // Filtered out: answered, not forwarded. Forged: refused, not forwarded.
    let other = r#"{"event":"channel_created","data":{}}"#;
    assert_eq!(
        deliver(&listen.url, other, &sign(other.as_bytes(), SECRET)).await,
        200
    );
    assert_eq!(
        deliver(&listen.url, live, &sign(b"other", SECRET)).await,
        401
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(seen.lock().unwrap().len(), 2);
    let stderr = listen.stderr.lock().unwrap().join("\n");
    assert!(
        stderr.contains("skipped channel_created (not in --events)"),
        "{stderr}"
    );
    assert!(stderr.contains("refused (401)"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_that_is_down_is_a_line_per_event_not_a_crash() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut listen = listen(&["--forward-to", &format!("http://127.0.0.1:{port}/hook")]);
    let body = r#"{"event":"channel_live","data":{"id":"c1"}}"#;
    for _ in 0..2 {
        assert_eq!(
            deliver(&listen.url, body, &sign(body.as_bytes(), SECRET)).await,
            200
        );
        let line = listen.next_line();
        assert_eq!(line["forward"]["status"], Value::Null);
        assert!(
            line["forward"]["error"]
                .as_str()
                .unwrap()
                .contains("connection refused"),
            "{line}"
        );
    }
    assert!(listen.child.try_wait().unwrap().is_none(), "still running");
}

#[test]
fn bad_forward_targets_and_remote_hosts_are_refused_at_start() {
    let run = |args: &[&str]| {
        Command::new(BIN)
            .env_remove("PARTNER_WEBHOOK_SECRETS")
            .args(["listen", "--port", "0", "--secret", SECRET])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    for (args, message) in [
        (&["--host", "0.0.0.0"][..], "pass --allow-remote"),
        (&["--forward-to", "not a url"][..], "--forward-to"),
        (
            &["--forward-to", "ftp://127.0.0.1/x"][..],
            "http:// or https://",
        ),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_is_the_whole_loop_in_one_command() {
    let (app_url, seen) = app().await;
    let mut dev = Command::new(BIN)
        .env_remove("PARTNER_ID")
        .args(["--json", "dev", "--forward-to", &app_url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(dev.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    let base = info["base_url"].as_str().unwrap().to_string();
    let pid = info["partner_id"].as_str().unwrap().to_string();
    let header = info["webhook_headers"]["X-Partner-Auth"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = info["platform_secret"].as_str().unwrap().to_string();
    for event in ["channel_live", "account_violation"] {
        let o = Command::new(BIN)
            .args(["--base-url", &base, "--partner-id", &pid, "trigger", event])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        line.clear();
        out.read_line(&mut line).unwrap();
        let printed: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (
                printed["type"].as_str(),
                printed["forward"]["status"].as_u64()
            ),
            (Some(event), Some(202))
        );
    }
    // What the app got verifies with the printed secret and header, as the app's own code would.
    let verifier = partner_webhooks::WebhookVerifier::builder()
        .secret(&secret)
        .require_header("X-Partner-Auth", &header)
        .build()
        .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for (headers, body) in seen.iter() {
        verifier
            .verify_header_map(headers, body)
            .expect("the app can verify what dev forwards");
    }
    unsafe { libc::kill(dev.id() as i32, libc::SIGTERM) };
    assert_eq!(dev.wait().unwrap().code(), Some(0));
}
