//! No public function panics on any input (proptest, shrunk on failure).
//! Durations include `Duration::MAX`, zero, one nanosecond, the one-day limit
//! and a second past it; numbers of seconds include NaN, both infinities and
//! huge values. What the checks accept is then used: a call against the
//! sandbox with those settings and per-call options, a token with that
//! lifetime, a verifier with that body cap. An accepted value must work (or,
//! for a budget of nanoseconds, time out); a refused one must be an
//! `InvalidInput` naming a field.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use partner_webhooks::config::{millis, seconds};
use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::validate::{partner_id_segment, webhook_headers, webhook_url};
use partner_webhooks::{
    AccessToken, Backoff, ClientConfigBuilder, ClientSettings, ErrorKind, PartnerClient,
    RequestOptions, TokenProvider, TokenProviderError, WebhookVerifier, parse_event, sign,
};
use partner_webhooks_sandbox::{Sandbox, SandboxConfig};
use proptest::prelude::*;
use tokio::runtime::Runtime;

/// Durations a caller can write, the edges first.
fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::MAX),
        Just(Duration::ZERO),
        Just(Duration::from_nanos(1)),
        Just(Duration::from_secs(86_400)),
        Just(Duration::from_secs(86_401)),
        Just(Duration::new(u64::MAX, 0)),
        any::<u64>().prop_map(Duration::from_secs),
        any::<u64>().prop_map(Duration::from_nanos),
        (1..120_000u64).prop_map(Duration::from_millis),
    ]
}

/// Numbers of seconds or milliseconds a binding can pass.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(0.0),
        Just(-0.0),
        Just(86_400.0),
        Just(86_400_000.0),
        Just(1e300),
        any::<f64>(),
        (0.001..100_000.0f64),
    ]
}

/// One sandbox, on its own runtime, for every case.
fn sandbox() -> &'static (Runtime, Sandbox, String) {
    static SB: OnceLock<(Runtime, Sandbox, String)> = OnceLock::new();
    SB.get_or_init(|| {
        let rt = Runtime::new().unwrap();
        let sb = rt
            .block_on(Sandbox::start(SandboxConfig::default()))
            .unwrap();
        // A bearer token the sandbox issued, for the token-lifetime property.
        let token = rt.block_on(async {
            let request = serde_json::json!({"username": sb.username(), "password": sb.password()});
            let answer = reqwest::Client::new()
                .post(format!("{}/api/v2/token", sb.base_url()))
                .header("content-type", "application/json")
                .body(request.to_string())
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let body: serde_json::Value = serde_json::from_slice(&answer).unwrap();
            body["access_token"].as_str().unwrap().to_string()
        });
        (rt, sb, token)
    })
}

struct FixedLifetime(String, Duration);

#[async_trait::async_trait]
impl TokenProvider for FixedLifetime {
    async fn token(&self, _refresh: bool) -> Result<AccessToken, TokenProviderError> {
        Ok(AccessToken::new(self.0.clone()).expires_in(self.1))
    }
}

fn refused_by_a_check<T: std::fmt::Debug>(r: &Result<T, partner_webhooks::Error>) -> bool {
    matches!(r, Err(e) if e.kind() == ErrorKind::InvalidInput && e.field().is_some())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Client settings and per-call options: built or refused with a named
    /// field; a call with accepted values succeeds against the sandbox.
    #[test]
    fn settings_and_call_options(
        timeout in prop::option::of(duration()),
        attempt_timeout in prop::option::of(duration()),
        connect_timeout in prop::option::of(duration()),
        max_retries in prop::option::of(any::<u32>()),
        max_connections in prop::option::of(any::<u32>()),
        call_timeout in prop::option::of(duration()),
        call_attempt_timeout in prop::option::of(duration()),
        call_retries in prop::option::of(any::<u32>()),
    ) {
        let (rt, sb, _) = sandbox();
        let built = ClientSettings {
            api_key: Some(sb.api_key().to_string()),
            base_url: Some(sb.base_url().to_string()),
            timeout,
            attempt_timeout,
            connect_timeout,
            max_retries,
            max_connections,
            ..ClientSettings::default()
        }
        .resolve();
        let Ok(config) = built else {
            prop_assert!(refused_by_a_check(&built), "{built:?}");
            return Ok(());
        };
        let client = PartnerClient::new(config).unwrap();
        let options = RequestOptions { timeout: call_timeout, attempt_timeout: call_attempt_timeout, max_retries: call_retries };
        let checked = options.check();
        let got = rt.block_on(client.with_options(options).get_webhook_url(sb.partner_id()));
        match checked {
            // A budget of a few nanoseconds runs out: that is an answer too.
            Ok(()) => prop_assert!(
                got.as_ref().map_or_else(|e| matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Connection), |_| true),
                "{options:?} passed the check but the call failed: {got:?}"
            ),
            Err(e) => {
                prop_assert!(refused_by_a_check(&got), "{got:?}");
                let refused = got.unwrap_err();
                prop_assert_eq!(refused.field(), e.field());
            }
        }
    }

    /// The Rust-only back-off: built or refused with a named field.
    #[test]
    fn backoff(initial in duration(), max in duration(), retry_after_cap in duration()) {
        let built = ClientConfigBuilder::default()
            .api_key("k")
            .backoff(Backoff { initial, max, retry_after_cap })
            .build();
        if built.is_err() {
            prop_assert!(refused_by_a_check(&built), "{built:?}");
        }
    }

    /// A token provider's lifetimes, however long: the call goes through.
    #[test]
    fn token_lifetimes(lifetime in duration()) {
        let (rt, sb, token) = sandbox();
        let client = PartnerClient::from_settings(ClientSettings {
            base_url: Some(sb.base_url().to_string()),
            token_provider: Some(Arc::new(FixedLifetime(token.clone(), lifetime))),
            ..ClientSettings::default()
        })
        .unwrap();
        let got = rt.block_on(client.get_webhook_url(sb.partner_id()));
        prop_assert!(got.is_ok(), "{got:?}");
    }

    /// The converters the bindings and the CLI use: a duration exactly when
    /// the number is finite, above 0 and at most a day.
    #[test]
    fn seconds_and_milliseconds(n in number()) {
        let in_range = n.is_finite() && n > 0.0;
        match seconds("timeout", n) {
            Ok(d) => prop_assert!(in_range && n <= 86_400.0 && !d.is_zero(), "{n} -> {d:?}"),
            Err(e) => prop_assert_eq!(e.field(), Some("timeout")),
        }
        match millis("timeoutMs", n) {
            Ok(d) => prop_assert!(in_range && n <= 86_400_000.0 && !d.is_zero(), "{n} -> {d:?}"),
            Err(e) => prop_assert_eq!(e.field(), Some("timeoutMs")),
        }
    }

    /// The validators, on any text.
    #[test]
    fn validators(text in any::<String>(), name in any::<String>(), allow_http in any::<bool>()) {
        let _ = partner_id_segment(&text);
        let _ = webhook_url(&text, allow_http);
        let _ = webhook_headers(&WebhookHeaders::from_pairs([(name, text)]));
    }

    /// The verifier: any secrets, header rules and body cap; any request.
    #[test]
    fn verifier(
        secrets in prop::collection::vec(any::<String>(), 0..3),
        required in prop::collection::vec((any::<String>(), any::<String>()), 0..2),
        max_body in prop_oneof![Just(0usize), Just(usize::MAX), any::<usize>(), 1..4096usize],
        headers in prop::collection::vec((any::<String>(), any::<String>()), 0..4),
        body in prop::collection::vec(any::<u8>(), 0..512),
        sign_with_first in any::<bool>(),
    ) {
        let mut b = WebhookVerifier::builder().secrets(secrets.clone()).max_body(max_body);
        for (n, v) in required {
            b = b.require_header(n, v);
        }
        let Ok(verifier) = b.build() else { return Ok(()) };
        let mut headers = headers;
        if let Some(s) = secrets.first().filter(|_| sign_with_first) {
            headers.push(("x-360dialog-signature".into(), sign(&body, s)));
        }
        let _ = verifier.verify(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())), &body);
    }

    /// Event parsing, on any bytes and on JSON of any shape.
    #[test]
    fn event_parsing(bytes in prop::collection::vec(any::<u8>(), 0..256), event in any::<String>(), data in any::<i64>()) {
        let _ = parse_event(&bytes);
        let json = serde_json::json!({"event": event, "data": {"id": data, "setup_info": data, "restrictions": [data]}});
        let _ = parse_event(json.to_string().as_bytes());
    }
}
