//! The exported API called as Kotlin or Swift would: from plain threads with
//! no tokio runtime, awaiting the async methods with a minimal executor.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

use partner_webhooks_uniffi::{
    CallOptions, ClientSettings, FaultSpec, Header, PartnerClient, PartnerError, Sandbox, Token,
    TokenProvider, WebhookVerifier, sign,
};

/// A foreign executor stand-in: parks this thread until woken.
fn foreign_block_on<F: Future>(fut: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    assert!(
        tokio::runtime::Handle::try_current().is_err(),
        "must run with no ambient runtime"
    );
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}

fn client(sb: &Sandbox) -> Arc<PartnerClient> {
    let info = sb.info().unwrap();
    PartnerClient::new(
        ClientSettings {
            api_key: Some(info.api_key),
            base_url: Some(info.base_url),
            ..ClientSettings::default()
        },
        None,
    )
    .unwrap()
}

#[test]
fn calls_and_errors_without_an_ambient_runtime() {
    let sb = Sandbox::start().unwrap();
    let info = sb.info().unwrap();
    let c = client(&sb);
    let p = foreign_block_on(c.set_webhook_url(
        info.partner_id.clone(),
        "https://hooks.example.com/x".into(),
        None,
    ))
    .unwrap();
    assert_eq!(
        p.webhook_url.as_deref(),
        Some("https://hooks.example.com/x")
    );
    let h = foreign_block_on(c.set_webhook_headers(
        info.partner_id.clone(),
        HashMap::from([("X-A".to_string(), "1".to_string())]),
        None,
    ))
    .unwrap();
    assert_eq!(h.webhook_headers.unwrap()["X-A"], "1");
    match foreign_block_on(c.get_webhook_url("nopePA".into(), None)) {
        Err(PartnerError::NotFound { info, .. }) => assert_eq!(info.status, Some(404)),
        other => panic!("expected NotFound, got {other:?}"),
    }
    match foreign_block_on(c.get_webhook_url(String::new(), None)) {
        Err(PartnerError::InvalidInput { field, .. }) => {
            assert_eq!(field.as_deref(), Some("partnerId"))
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    sb.inject_fault(FaultSpec {
        route: "get_webhook_url".into(),
        times: 5,
        status: Some(503),
        retry_after: None,
        delay_ms: None,
        reset: false,
        body: None,
        trickle_ms: None,
        body_bytes: None,
    })
    .unwrap();
    let opts = CallOptions {
        max_retries: Some(0),
        ..CallOptions::default()
    };
    match foreign_block_on(c.get_webhook_url(info.partner_id.clone(), Some(opts))) {
        Err(PartnerError::Server { info, .. }) => assert_eq!(info.attempts, 1),
        other => panic!("expected Server, got {other:?}"),
    }
    sb.stop().unwrap();
}

struct FixedToken(String);

impl TokenProvider for FixedToken {
    fn token(&self, _refresh: bool) -> Result<Token, PartnerError> {
        Ok(Token {
            access_token: self.0.clone(),
            expires_in_seconds: None,
        })
    }
}

#[test]
fn a_foreign_token_provider_is_used_and_its_refusal_is_typed() {
    let sb = Sandbox::start().unwrap();
    let info = sb.info().unwrap();
    let c = PartnerClient::new(
        ClientSettings {
            base_url: Some(info.base_url),
            ..ClientSettings::default()
        },
        Some(Arc::new(FixedToken("never-issued".into()))),
    )
    .unwrap();
    match foreign_block_on(c.get_webhook_url(info.partner_id, None)) {
        Err(PartnerError::Authentication { info, .. }) => {
            assert_eq!(info.attempts, 2, "one refresh after the 401")
        }
        other => panic!("expected Authentication, got {other:?}"),
    }
    sb.stop().unwrap();
}

#[test]
fn verifier_from_a_plain_thread() {
    let body = br#"{"event":"channel_live","data":{"id":"c1"}}"#.to_vec();
    let v = WebhookVerifier::new(vec!["s".into()], HashMap::new(), None, None).unwrap();
    let headers = vec![Header {
        name: "x-360dialog-signature".into(),
        value: sign(body.clone(), "s".into()),
    }];
    assert_eq!(
        v.verify(headers, body.clone())
            .unwrap()
            .channel_id
            .as_deref(),
        Some("c1")
    );
    match v.verify(vec![], body) {
        Err(PartnerError::Verification {
            kind, http_status, ..
        }) => assert_eq!((kind.as_str(), http_status), ("MissingSignature", 401)),
        other => panic!("expected Verification, got {other:?}"),
    }
}

#[test]
fn wait_for_delivery_from_a_foreign_executor() {
    let sb = Sandbox::start().unwrap();
    let info = sb.info().unwrap();
    let c = client(&sb);
    foreign_block_on(c.set_webhook_url(
        info.partner_id.clone(),
        "http://127.0.0.1:1/hook".into(),
        None,
    ))
    .unwrap();
    let id = sb.emit("channel_live".into(), None).unwrap();
    // Polls (and sleeps between polls) with no tokio runtime on this thread:
    // a timer made here would panic.
    let status = foreign_block_on(sb.wait_for_delivery(id, 0.05)).unwrap();
    assert!(!status.is_empty());
    assert_eq!(
        foreign_block_on(sb.wait_for_delivery("no-such-delivery".into(), 0.05)).unwrap(),
        "unknown"
    );
    sb.stop().unwrap();
}
