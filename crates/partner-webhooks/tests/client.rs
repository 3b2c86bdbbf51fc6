//! Client behaviour against the in-process sandbox that the data-driven
//! scenarios cannot express: token providers, secret redaction in logs and
//! Debug output, response metadata, body limits.

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{
    AccessToken, ClientConfig, ErrorKind, PartnerClient, RequestOptions, TokenProvider,
    TokenProviderError,
};
use partner_webhooks_sandbox::{Fault, Sandbox, SandboxConfig};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default()).await.unwrap()
}

fn api_key_client(sb: &Sandbox) -> PartnerClient {
    let config = ClientConfig::builder()
        .base_url(sb.base_url())
        .api_key(sb.api_key())
        .build()
        .unwrap();
    PartnerClient::new(config).unwrap()
}

#[tokio::test]
async fn response_carries_status_attempts_trace_id_and_raw_body() {
    let sb = sandbox().await;
    let client = api_key_client(&sb);
    let r = client
        .set_webhook_url(sb.partner_id(), "https://hooks.example.com/x")
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.attempts(), 1);
    assert_eq!(
        r.trace_id().map(str::len),
        Some(32),
        "sandbox sends a trace id header"
    );
    let raw: serde_json::Value = serde_json::from_slice(r.raw_body()).unwrap();
    assert_eq!(raw["webhook_url"], "https://hooks.example.com/x");
    assert_eq!(r.id.as_deref(), Some(sb.partner_id()));
}

/// A provider like a mobile app's: tokens come from the app's own backend,
/// which here asks the sandbox for them.
struct BackendTokens {
    base_url: String,
    username: String,
    password: String,
    calls: AtomicU32,
    refreshes: AtomicU32,
}

#[async_trait::async_trait]
impl TokenProvider for BackendTokens {
    async fn token(&self, refresh: bool) -> Result<AccessToken, TokenProviderError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if refresh {
            self.refreshes.fetch_add(1, Ordering::SeqCst);
        }
        let body =
            serde_json::json!({"username": self.username, "password": self.password}).to_string();
        let resp = reqwest::Client::new()
            .post(format!("{}/api/v2/token", self.base_url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?;
        let v: serde_json::Value = serde_json::from_slice(&resp.bytes().await?)?;
        Ok(
            AccessToken::new(v["access_token"].as_str().ok_or("no token")?)
                .expires_in(Duration::from_secs(v["expires_in"].as_u64().unwrap_or(60))),
        )
    }
}

#[tokio::test]
async fn token_provider_is_cached_and_asked_to_refresh_after_401() {
    let sb = sandbox().await;
    let provider = Arc::new(BackendTokens {
        base_url: sb.base_url().into(),
        username: sb.username().into(),
        password: sb.password().into(),
        calls: AtomicU32::new(0),
        refreshes: AtomicU32::new(0),
    });
    let config = ClientConfig::builder()
        .base_url(sb.base_url())
        .token_provider(provider.clone())
        .build()
        .unwrap();
    let client = PartnerClient::new(config).unwrap();
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let c = client.clone();
            let pid = sb.partner_id().to_string();
            tokio::spawn(async move { c.get_webhook_url(&pid).await.map(|r| r.attempts()) })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap(), 1);
    }
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1);

    sb.revoke_tokens();
    let r = client.get_webhook_headers(sb.partner_id()).await.unwrap();
    assert_eq!(r.attempts(), 2);
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    assert_eq!(provider.refreshes.load(Ordering::SeqCst), 1);
}

struct FailingProvider;

#[async_trait::async_trait]
impl TokenProvider for FailingProvider {
    async fn token(&self, _refresh: bool) -> Result<AccessToken, TokenProviderError> {
        Err("backend unreachable".into())
    }
}

#[tokio::test]
async fn token_provider_failure_is_an_authentication_error_and_nothing_is_sent() {
    let sb = sandbox().await;
    let config = ClientConfig::builder()
        .base_url(sb.base_url())
        .token_provider(Arc::new(FailingProvider))
        .build()
        .unwrap();
    let err = PartnerClient::new(config)
        .unwrap()
        .get_webhook_url(sb.partner_id())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.message(), "token provider failed: backend unreachable");
    assert_eq!(sb.stats().count("get_webhook_url"), 0);
}

#[tokio::test]
async fn oversized_success_body_is_a_decode_error() {
    let sb = sandbox().await;
    let huge = format!("{{\"webhook_url\":\"{}\"}}", "a".repeat(9 * 1024 * 1024));
    sb.inject_fault(Fault {
        body: Some(huge),
        ..Fault::status("get_webhook_url", 200, 1)
    })
    .unwrap();
    let err = api_key_client(&sb)
        .get_webhook_url(sb.partner_id())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.message().contains("larger than the 8388608-byte limit"),
        "{err}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_connection_error_after_retries() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = ClientConfig::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key("k")
        .max_retries(1)
        .build()
        .unwrap();
    let err = PartnerClient::new(config)
        .unwrap()
        .get_webhook_url("abcPA")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(err.attempts(), 2);
    assert!(
        err.to_string()
            .contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{err}"
    );
}

#[tokio::test]
async fn attempt_timeout_retries_a_hanging_attempt() {
    let sb = sandbox().await;
    sb.inject_fault(Fault {
        delay_ms: Some(3_000),
        ..Fault::status("get_webhook_url", 200, 1)
    })
    .unwrap();
    let client = api_key_client(&sb).with_options(
        RequestOptions::new()
            .attempt_timeout(Duration::from_millis(300))
            .timeout(Duration::from_secs(5)),
    );
    let r = client.get_webhook_url(sb.partner_id()).await.unwrap();
    assert_eq!(r.attempts(), 2);
}

/// Captures everything written by a `tracing` subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[test]
fn no_secret_reaches_logs_debug_or_errors() {
    const HEADER_SECRET: &str = "header-secret-value-7f3a";
    const BEARER: &str = "bearer-token-secret-91c2";
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    // Everything, sandbox included, runs on this thread under the subscriber.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut seen = Vec::<String>::new();
    let (api_key, password) = tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let sb = sandbox().await;
            let key_client = api_key_client(&sb);
            let pw_client = PartnerClient::new(
                ClientConfig::builder()
                    .base_url(sb.base_url())
                    .username_password(sb.username(), sb.password())
                    .max_retries(1)
                    .build()
                    .unwrap(),
            )
            .unwrap();
            let bearer_client = PartnerClient::new(
                ClientConfig::builder()
                    .base_url(sb.base_url())
                    .bearer_token(BEARER)
                    .build()
                    .unwrap(),
            )
            .unwrap();
            seen.push(format!(
                "{key_client:?} {pw_client:?} {bearer_client:?} {:?}",
                key_client.config()
            ));

            let headers = WebhookHeaders::from_pairs([("Authorization", HEADER_SECRET)]);
            seen.push(format!("{headers:?}"));
            let r = key_client
                .set_webhook_headers(sb.partner_id(), headers)
                .await
                .unwrap();
            seen.push(format!("{r:?}"));
            let r = pw_client
                .get_webhook_headers(sb.partner_id())
                .await
                .unwrap();
            seen.push(format!("{r:?}"));
            // A retried failure, a 401 and an invalid-input error, all logged and formatted.
            sb.inject_fault(Fault::status("*", 503, 1)).unwrap();
            sb.revoke_tokens();
            let r = pw_client.get_webhook_headers(sb.partner_id()).await;
            seen.push(format!("{r:?}"));
            let e = bearer_client
                .get_webhook_url(sb.partner_id())
                .await
                .unwrap_err();
            seen.push(format!("{e} {e:?}"));
            let bad = WebhookHeaders::from_pairs([("X-A", format!("{HEADER_SECRET}\r\n"))]);
            let e = key_client
                .set_webhook_headers(sb.partner_id(), bad)
                .await
                .unwrap_err();
            seen.push(format!("{e} {e:?}"));
            let wrong = PartnerClient::new(
                ClientConfig::builder()
                    .base_url(sb.base_url())
                    .username_password(sb.username(), format!("{}-wrong", sb.password()))
                    .build()
                    .unwrap(),
            )
            .unwrap();
            let e = wrong.get_webhook_url(sb.partner_id()).await.unwrap_err();
            seen.push(format!("{e} {e:?}"));
            let out = (sb.api_key().to_string(), sb.password().to_string());
            sb.shutdown().await;
            out
        })
    });
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("retrying"),
        "the trace-level log was captured"
    );
    assert!(
        logs.contains("partner_webhooks.request"),
        "request spans were captured"
    );
    for secret in [api_key.as_str(), password.as_str(), BEARER, HEADER_SECRET] {
        assert!(!logs.contains(secret), "a secret reached the logs");
        for s in &seen {
            assert!(!s.contains(secret), "a secret reached Debug/Display: {s}");
        }
    }
}

/// `max_connections` bounds the requests on the wire: 40 concurrent calls
/// through a client limited to 3 never have more than 3 requests at a server
/// that holds each one for 30 ms, and all of them succeed.
#[tokio::test]
async fn max_connections_bounds_requests_in_flight() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let app = {
        let (now, peak) = (now.clone(), peak.clone());
        axum::Router::new().route(
            "/api/v2/partners/{id}/webhook_url",
            axum::routing::get(move || {
                let (now, peak) = (now.clone(), peak.clone());
                async move {
                    peak.fetch_max(now.fetch_add(1, SeqCst) + 1, SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                    now.fetch_sub(1, SeqCst);
                    axum::Json(serde_json::json!({"webhook_url": "https://x.example/h"}))
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let client = PartnerClient::new(
        ClientConfig::builder()
            .api_key("k")
            .base_url(format!("http://{addr}"))
            .max_connections(3)
            .build()
            .unwrap(),
    )
    .unwrap();
    let handles: Vec<_> = (0..40)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_webhook_url("aPA").await.map(|_| ()) })
        })
        .collect();
    for h in handles {
        h.await.unwrap().unwrap();
    }
    server.abort();
    let peak = peak.load(SeqCst);
    assert!((1..=3).contains(&peak), "peak requests in flight: {peak}");
    assert!(
        ClientConfig::builder()
            .api_key("k")
            .max_connections(0)
            .build()
            .is_err()
    );
}

/// `connect_timeout` bounds a connection that never completes: a listener
/// that never accepts, its backlog full, so the kernel drops the next SYN.
#[tokio::test]
async fn connect_timeout_bounds_a_connection_that_never_completes() {
    use socket2::{Domain, Socket, Type};
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    // Fill the accept queue: connections that complete until one does not.
    let mut held = Vec::new();
    for _ in 0..16 {
        match tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(s)) => held.push(s),
            _ => break,
        }
    }
    let client = PartnerClient::new(
        ClientConfig::builder()
            .api_key("k")
            .base_url(format!("http://{addr}"))
            .connect_timeout(Duration::from_millis(300))
            .timeout(Duration::from_secs(20))
            .max_retries(0)
            .build()
            .unwrap(),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let e = client.get_webhook_url("abcPA").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?} (the connect timeout was not applied): {e}",
        started.elapsed()
    );
    assert!(
        matches!(e.kind(), ErrorKind::Connection | ErrorKind::Timeout),
        "{e}"
    );
    drop(held);
}
