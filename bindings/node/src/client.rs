//! `NativeClient`: the Partner API client for JavaScript; `index.js` wraps it
//! in `PartnerClient`. Every request runs on the shared runtime and resolves a
//! deferred Promise from there; nothing runs on a runtime owned by napi.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;
use partner_webhooks::config::seconds;
use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{
    ClientConfigBuilder, Error as CoreError, PartnerClient, RequestOptions, Response,
};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::error::{BindingError, BindingResult};

/// Client settings; anything absent falls back to the `PARTNER_API_*` variables.
#[napi(object)]
pub struct ClientOptions {
    pub api_key: Option<String>,
    pub bearer_token: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub base_url: Option<String>,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
}

/// Per-call overrides.
#[napi(object)]
pub struct CallOptions {
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
}

/// A cancellation flag shared with one in-flight call (fed by an AbortSignal).
#[napi]
pub struct CancelToken {
    state: Arc<(AtomicBool, Notify)>,
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    pub fn new() -> Self {
        CancelToken {
            state: Arc::new((AtomicBool::new(false), Notify::new())),
        }
    }

    /// Cancels the call: its request is dropped and its Promise rejects.
    #[napi]
    pub fn cancel(&self) {
        self.state.0.store(true, Ordering::SeqCst);
        self.state.1.notify_waiters();
    }
}

impl Default for CancelToken {
    fn default() -> Self {
        Self::new()
    }
}

async fn cancelled(state: Arc<(AtomicBool, Notify)>) {
    loop {
        let notified = state.1.notified();
        if state.0.load(Ordering::SeqCst) {
            return;
        }
        notified.await;
    }
}

enum Call {
    GetUrl(String),
    SetUrl(String, String),
    GetHeaders(String),
    SetHeaders(String, WebhookHeaders),
    /// Test hook (`op = '_panicForTests'`): panics on the runtime, to show
    /// that a panic inside a call becomes a rejected Promise.
    PanicForTests,
}

/// `{status, traceId, attempts, body}` with the body exactly as the API sent it.
fn reply<T: Serialize>(r: Response<T>) -> Value {
    let body: Value = serde_json::from_slice(r.raw_body())
        .unwrap_or_else(|_| serde_json::to_value(r.data()).unwrap_or_default());
    json!({"status": r.status(), "traceId": r.trace_id(), "attempts": r.attempts(), "body": body})
}

impl Call {
    async fn run(self, client: PartnerClient) -> std::result::Result<Value, CoreError> {
        Ok(match self {
            Call::GetUrl(p) => reply(client.get_webhook_url(&p).await?),
            Call::SetUrl(p, url) => reply(client.set_webhook_url(&p, &url).await?),
            Call::GetHeaders(p) => reply(client.get_webhook_headers(&p).await?),
            Call::SetHeaders(p, h) => reply(client.set_webhook_headers(&p, h).await?),
            Call::PanicForTests => panic!("forced by the test hook"),
        })
    }
}

fn parse_call(op: &str, partner_id: String, arg: Option<Value>) -> BindingResult<Call> {
    Ok(match (op, arg) {
        ("getWebhookUrl", _) => Call::GetUrl(partner_id),
        ("_panicForTests", _) => Call::PanicForTests,
        ("getWebhookHeaders", _) => Call::GetHeaders(partner_id),
        ("setWebhookUrl", Some(Value::String(url))) => Call::SetUrl(partner_id, url),
        ("setWebhookUrl", _) => {
            return Err(CoreError::invalid_input("webhookUrl", "must be a string").into());
        }
        ("setWebhookHeaders", Some(Value::Object(map))) => {
            let mut pairs = Vec::with_capacity(map.len());
            for (name, value) in map {
                match value {
                    Value::String(v) => pairs.push((name, v)),
                    _ => {
                        return Err(CoreError::invalid_input(
                            format!("webhook_headers.{name}"),
                            "header value must be a string",
                        )
                        .into());
                    }
                }
            }
            Call::SetHeaders(partner_id, WebhookHeaders::from_pairs(pairs))
        }
        ("setWebhookHeaders", _) => {
            return Err(CoreError::invalid_input(
                "webhook_headers",
                "must be an object of header names to string values",
            )
            .into());
        }
        (other, _) => {
            return Err(
                CoreError::invalid_input("op", format!("unknown operation {other}")).into(),
            );
        }
    })
}

/// The native client. Use `PartnerClient` from the package instead.
#[napi]
pub struct NativeClient {
    client: PartnerClient,
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(
        options: ClientOptions,
        #[napi(
            ts_arg_type = "(refresh: boolean) => Promise<string | { accessToken: string; expiresIn?: number }>"
        )]
        token_provider: Option<crate::token_provider::JsTokenProvider>,
    ) -> Result<Self> {
        let mut b =
            ClientConfigBuilder::from_env().user_agent_suffix(format!("node/{}", node_version()));
        if let Some(v) = options.api_key {
            b = b.api_key(v);
        }
        if let Some(v) = options.bearer_token {
            b = b.bearer_token(v);
        }
        if let Some(v) = options.username {
            b = b.username(v);
        }
        if let Some(v) = options.password {
            b = b.password(v);
        }
        if let Some(p) = token_provider {
            b = b.token_provider(Arc::new(crate::token_provider::TokenProviderFn::new(p)));
        }
        if let Some(v) = options.base_url {
            b = b.base_url(v);
        }
        if let Some(ms) = options.timeout_ms {
            b = b.timeout(seconds("timeoutMs", ms / 1000.0).map_err(BindingError::from)?);
        }
        if let Some(n) = options.max_retries {
            b = b.max_retries(n);
        }
        let config = b.build().map_err(BindingError::from)?;
        Ok(NativeClient {
            client: PartnerClient::new(config).map_err(BindingError::from)?,
        })
    }

    /// The configuration with secrets redacted (for `util.inspect`).
    #[napi]
    pub fn describe(&self) -> String {
        let c = self.client.config();
        format!(
            "PartnerClient {{ baseUrl: '{}', credentials: {:?}, timeoutMs: {}, maxRetries: {} }}",
            c.base_url_str(),
            c.credentials(),
            c.timeout().as_millis(),
            c.max_retries()
        )
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.client.config().base_url_str().to_string()
    }

    #[napi(getter)]
    pub fn timeout_ms(&self) -> f64 {
        self.client.config().timeout().as_secs_f64() * 1000.0
    }

    #[napi(getter)]
    pub fn max_retries(&self) -> u32 {
        self.client.config().max_retries()
    }

    /// Runs one operation (`getWebhookUrl`, `setWebhookUrl`, `getWebhookHeaders`,
    /// `setWebhookHeaders`) on the shared runtime.
    #[napi(
        ts_return_type = "Promise<{ status: number; traceId: string | null; attempts: number; body: any }>"
    )]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        op: String,
        partner_id: String,
        arg: Option<Value>,
        options: Option<CallOptions>,
        cancel: Option<&CancelToken>,
    ) -> Result<Object<'env>> {
        let mut opts = RequestOptions::new();
        if let Some(o) = options {
            if let Some(ms) = o.timeout_ms {
                opts = opts.timeout(seconds("timeoutMs", ms / 1000.0).map_err(BindingError::from)?);
            }
            if let Some(n) = o.max_retries {
                opts = opts.max_retries(n);
            }
        }
        let call = parse_call(&op, partner_id, arg)?;
        let client = self.client.with_options(opts);
        let state = cancel.map(|c| c.state.clone());
        let runtime = partner_webhooks_runtime::runtime().map_err(BindingError::from)?;
        let (deferred, promise) = env.create_deferred::<Value, _>()?;
        runtime.spawn(async move {
            let work = partner_webhooks_runtime::run(call.run(client));
            let outcome: BindingResult<Value> = match state {
                Some(state) => tokio::select! {
                    r = work => r.map_err(BindingError::from).and_then(|r| r.map_err(BindingError::from)),
                    _ = cancelled(state) => Err(BindingError(partner_webhooks_runtime::CallError::Cancelled)),
                },
                None => work.await.map_err(BindingError::from).and_then(|r| r.map_err(BindingError::from)),
            };
            match outcome {
                Ok(v) => deferred.resolve(move |_| Ok(v)),
                Err(e) => deferred.reject(e.into()),
            }
        });
        Ok(promise)
    }
}

fn node_version() -> String {
    std::env::var("npm_config_node_version").unwrap_or_else(|_| "js".into())
}
