//! `PartnerClient` for Kotlin (`suspend fun`) and Swift (`async throws`).
//! Async methods are plain uniffi async exports whose bodies run on the shared
//! runtime (`runtime::run`); uniffi's own tokio support is not used.

use std::collections::HashMap;
use std::sync::Arc;

use partner_webhooks::config::seconds;
use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{
    ClientConfigBuilder, PartnerClient as CoreClient, RequestOptions, Response,
};
use serde_json::Value;

use crate::error::{PartnerError, err};
use crate::token_provider::{ForeignTokenProvider, TokenProvider};

/// How to build a client; absent values fall back to `PARTNER_API_*` and the defaults.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ClientConfig {
    #[uniffi(default = None)]
    pub api_key: Option<String>,
    #[uniffi(default = None)]
    pub bearer_token: Option<String>,
    #[uniffi(default = None)]
    pub username: Option<String>,
    #[uniffi(default = None)]
    pub password: Option<String>,
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    #[uniffi(default = None)]
    pub timeout_seconds: Option<f64>,
    #[uniffi(default = None)]
    pub max_retries: Option<u32>,
}

/// Per-call overrides.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct CallOptions {
    #[uniffi(default = None)]
    pub timeout_seconds: Option<f64>,
    #[uniffi(default = None)]
    pub max_retries: Option<u32>,
}

/// HTTP metadata of a successful call.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ResponseInfo {
    pub status: u16,
    pub trace_id: Option<String>,
    pub attempts: u32,
    /// The body exactly as the API sent it.
    pub body_json: String,
}

/// `PartnerGetWebhookUrlOut`.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WebhookUrl {
    pub webhook_url: Option<String>,
    pub response: ResponseInfo,
}

/// `PartnerGetWebhookHeadersOut`: string values as sent, other JSON values as JSON text.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WebhookHeadersResult {
    pub webhook_headers: HashMap<String, String>,
    pub response: ResponseInfo,
}

/// `PartnerOut` / `PartnerSetWebhookHeadersOut` (the main fields; all of it in `response.body_json`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct Partner {
    pub id: Option<String>,
    pub brand_name: Option<String>,
    pub webhook_url: Option<String>,
    pub partner_redirect_url: Option<String>,
    pub country: Option<String>,
    pub logo_url: Option<String>,
    pub allow_client_to_add_phone_no: Option<bool>,
    pub webhook_headers: Option<HashMap<String, String>>,
    pub response: ResponseInfo,
}

fn info<T>(r: &Response<T>) -> ResponseInfo {
    ResponseInfo {
        status: r.status(),
        trace_id: r.trace_id().map(str::to_string),
        attempts: r.attempts(),
        body_json: String::from_utf8_lossy(r.raw_body()).into_owned(),
    }
}

fn header_strings(h: &WebhookHeaders) -> HashMap<String, String> {
    h.0.iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), v)
        })
        .collect()
}

fn partner(
    p: &partner_webhooks::models::PartnerOut,
    headers: Option<&WebhookHeaders>,
    response: ResponseInfo,
) -> Partner {
    Partner {
        id: p.id.clone(),
        brand_name: p.brand_name.clone(),
        webhook_url: p.webhook_url.clone(),
        partner_redirect_url: p.partner_redirect_url.clone(),
        country: p.country.clone(),
        logo_url: p.logo_url.clone(),
        allow_client_to_add_phone_no: p.allow_client_to_add_phone_no,
        webhook_headers: headers.map(header_strings),
        response,
    }
}

/// The Partner API webhook settings. Thread-safe; share one per process.
#[derive(uniffi::Object)]
pub struct PartnerClient {
    inner: CoreClient,
}

impl std::fmt::Debug for PartnerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl PartnerClient {
    fn with(&self, options: Option<CallOptions>) -> Result<CoreClient, PartnerError> {
        let mut o = RequestOptions::new();
        if let Some(opts) = options {
            if let Some(t) = opts.timeout_seconds {
                o = o.timeout(seconds("timeoutSeconds", t).map_err(err)?);
            }
            if let Some(n) = opts.max_retries {
                o = o.max_retries(n);
            }
        }
        Ok(self.inner.with_options(o))
    }
}

#[uniffi::export]
impl PartnerClient {
    /// A client from `config`, or with tokens from `token_provider`.
    #[uniffi::constructor(default(token_provider = None))]
    pub fn new(
        config: ClientConfig,
        token_provider: Option<Arc<dyn TokenProvider>>,
    ) -> Result<Arc<Self>, PartnerError> {
        let mut b = ClientConfigBuilder::from_env().user_agent_suffix("uniffi");
        if let Some(v) = config.api_key {
            b = b.api_key(v);
        }
        if let Some(v) = config.bearer_token {
            b = b.bearer_token(v);
        }
        if let Some(v) = config.username {
            b = b.username(v);
        }
        if let Some(v) = config.password {
            b = b.password(v);
        }
        if let Some(p) = token_provider {
            b = b.token_provider(Arc::new(ForeignTokenProvider(p)));
        }
        if let Some(v) = config.base_url {
            b = b.base_url(v);
        }
        if let Some(t) = config.timeout_seconds {
            b = b.timeout(seconds("timeoutSeconds", t).map_err(err)?);
        }
        if let Some(n) = config.max_retries {
            b = b.max_retries(n);
        }
        let inner = CoreClient::new(b.build().map_err(err)?).map_err(err)?;
        Ok(Arc::new(PartnerClient { inner }))
    }

    /// The configuration, secrets redacted.
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner.config())
    }

    /// `GET .../webhook_url`.
    #[uniffi::method(default(options = None))]
    pub async fn get_webhook_url(
        &self,
        partner_id: String,
        options: Option<CallOptions>,
    ) -> Result<WebhookUrl, PartnerError> {
        let client = self.with(options)?;
        partner_webhooks_runtime::run(async move {
            let r = client.get_webhook_url(&partner_id).await?;
            Ok(WebhookUrl {
                webhook_url: r.webhook_url.clone(),
                response: info(&r),
            })
        })
        .await
        .map_err(err)?
        .map_err(|e: partner_webhooks::Error| err(e))
    }

    /// `POST .../webhook_url`.
    #[uniffi::method(default(options = None))]
    pub async fn set_webhook_url(
        &self,
        partner_id: String,
        webhook_url: String,
        options: Option<CallOptions>,
    ) -> Result<Partner, PartnerError> {
        let client = self.with(options)?;
        partner_webhooks_runtime::run(async move {
            let r = client.set_webhook_url(&partner_id, &webhook_url).await?;
            Ok(partner(&r, None, info(&r)))
        })
        .await
        .map_err(err)?
        .map_err(|e: partner_webhooks::Error| err(e))
    }

    /// `GET .../webhook_headers`.
    #[uniffi::method(default(options = None))]
    pub async fn get_webhook_headers(
        &self,
        partner_id: String,
        options: Option<CallOptions>,
    ) -> Result<WebhookHeadersResult, PartnerError> {
        let client = self.with(options)?;
        partner_webhooks_runtime::run(async move {
            let r = client.get_webhook_headers(&partner_id).await?;
            Ok(WebhookHeadersResult {
                webhook_headers: r
                    .webhook_headers
                    .as_ref()
                    .map(header_strings)
                    .unwrap_or_default(),
                response: info(&r),
            })
        })
        .await
        .map_err(err)?
        .map_err(|e: partner_webhooks::Error| err(e))
    }

    /// `POST .../webhook_headers` (replaces them all).
    #[uniffi::method(default(options = None))]
    pub async fn set_webhook_headers(
        &self,
        partner_id: String,
        headers: HashMap<String, String>,
        options: Option<CallOptions>,
    ) -> Result<Partner, PartnerError> {
        let client = self.with(options)?;
        partner_webhooks_runtime::run(async move {
            let r = client
                .set_webhook_headers(&partner_id, WebhookHeaders::from_pairs(headers))
                .await?;
            Ok(partner(&r.partner, r.webhook_headers.as_ref(), info(&r)))
        })
        .await
        .map_err(err)?
        .map_err(|e: partner_webhooks::Error| err(e))
    }
}
