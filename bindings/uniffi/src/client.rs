//! `PartnerClient` for Kotlin (`suspend fun`) and Swift (`async throws`).
//! Async methods are plain uniffi async exports whose bodies run on the shared
//! runtime (`runtime::run`); uniffi's own tokio support is not used.

use std::collections::HashMap;
use std::sync::Arc;

use std::time::Duration;

use partner_webhooks::config::redact_userinfo;
use partner_webhooks::config::seconds;
use partner_webhooks::models::{
    PartnerGetWebhookHeadersOut, PartnerGetWebhookUrlOut, PartnerOut, PartnerSetWebhookHeadersOut,
    WebhookHeaders,
};
use partner_webhooks::{
    ClientConfigBuilder, ClientSettings as CoreSettings, PartnerClient as CoreClient,
    RequestOptions, Response,
};
use serde_json::Value;
use std::fmt;

use crate::error::{PartnerError, run};
use crate::text::{Text, display_as_debug};
use crate::token_provider::{ForeignTokenProvider, TokenProvider};

/// `ClientSettings` for Kotlin and Swift, made from the core's one list of
/// settings (`for_each_client_setting!`): a field per setting (durations in
/// seconds, named `..._seconds`; the token provider is the client's second
/// argument), its redacted text form, and its conversion to the core's.
macro_rules! uniffi_client_settings {
    // The record's fields, gathered one setting at a time.
    (@fields [$($fields:tt)*]) => {
        /// Client settings (the core's `ClientSettings`, durations in seconds);
        /// absent values fall back to `PARTNER_API_*` and the defaults.
        /// `toString()` / `description` show no secret (key, token, password,
        /// proxy credentials).
        #[derive(Clone, Default, PartialEq, uniffi::Record)]
        #[uniffi::export(Debug, Display)]
        pub struct ClientSettings { $($fields)* }
    };
    (@fields [$($fields:tt)*] $(#[$a:meta])* $n:ident / $secs:ident / $ms:ident : $ty:ty = Callback, env $e:expr, $s:literal; $($rest:tt)*) => {
        uniffi_client_settings!(@fields [$($fields)*] $($rest)*);
    };
    (@fields [$($fields:tt)*] $(#[$a:meta])* $n:ident / $secs:ident / $ms:ident : $ty:ty = $kind:ident, env $e:expr, $s:literal; $($rest:tt)*) => {
        uniffi_client_settings!(@fields [$($fields)* $(#[$a])* #[uniffi(default = None)] pub $secs: Option<uniffi_setting_type!($kind)>,] $($rest)*);
    };
    ($( $(#[$a:meta])* $name:ident / $secs:ident / $ms:ident : $ty:ty = $kind:ident, env $env:expr, $summary:literal; )*) => {
        uniffi_client_settings!(@fields [] $( $(#[$a])* $name / $secs / $ms : $ty = $kind, env $env, $summary; )*);

        impl fmt::Debug for ClientSettings {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let t = Text::new(f, "ClientSettings");
                $( let t = uniffi_setting_text!($kind, t, self, $secs); )*
                t.finish()
            }
        }

        impl ClientSettings {
            /// The core's settings, with `token_provider`.
            fn into_core(
                self,
                token_provider: Option<Arc<dyn partner_webhooks::TokenProvider>>,
            ) -> Result<CoreSettings, PartnerError> {
                Ok(CoreSettings {
                    $( $name: uniffi_setting_to_core!($kind, self, $name, $secs, token_provider), )*
                })
            }
        }
    };
}

/// The Kotlin/Swift type of a setting of each kind.
macro_rules! uniffi_setting_type {
    (Duration) => {
        f64
    };
    (Count) => {
        u32
    };
    (Flag) => {
        bool
    };
    ($other:ident) => {
        String
    };
}

/// A setting's part of the redacted text form.
macro_rules! uniffi_setting_text {
    (Callback, $t:ident, $self:ident, $f:ident) => {
        $t
    };
    (Secret, $t:ident, $self:ident, $f:ident) => {
        $t.secret(stringify!($f), $self.$f.is_some())
    };
    (Url, $t:ident, $self:ident, $f:ident) => {
        $t.opt(stringify!($f), &$self.$f.as_deref().map(redact_userinfo))
    };
    ($kind:ident, $t:ident, $self:ident, $f:ident) => {
        $t.opt(stringify!($f), &$self.$f)
    };
}

/// A setting as the core takes it (durations from seconds, checked).
macro_rules! uniffi_setting_to_core {
    (Callback, $self:ident, $name:ident, $f:ident, $provider:ident) => {
        $provider
    };
    (Duration, $self:ident, $name:ident, $f:ident, $provider:ident) => {
        secs(stringify!($name), $self.$f)?
    };
    ($kind:ident, $self:ident, $name:ident, $f:ident, $provider:ident) => {
        $self.$f
    };
}

partner_webhooks::for_each_client_setting!(uniffi_client_settings);

/// Per-call overrides (the core's `RequestOptions`, durations in seconds).
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct CallOptions {
    #[uniffi(default = None)]
    pub timeout_seconds: Option<f64>,
    #[uniffi(default = None)]
    pub max_retries: Option<u32>,
    #[uniffi(default = None)]
    pub attempt_timeout_seconds: Option<f64>,
}

impl fmt::Debug for ResponseInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Text::new(f, "ResponseInfo")
            .show("status", &self.status)
            .opt("trace_id", &self.trace_id)
            .show("attempts", &self.attempts)
            .names("headers", &self.headers)
            .length("body_json", &self.body_json)
            .finish()
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Text::new(f, "WebhookUrl")
            .opt("webhook_url", &self.webhook_url)
            .show("response", &self.response)
            .finish()
    }
}

impl fmt::Debug for WebhookHeadersResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Text::new(f, "WebhookHeadersResult")
            .names("webhook_headers", &self.webhook_headers)
            .show("response", &self.response)
            .finish()
    }
}

impl fmt::Debug for Partner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = Text::new(f, "Partner")
            .opt("id", &self.id)
            .opt("brand_name", &self.brand_name)
            .opt("webhook_url", &self.webhook_url)
            .opt("partner_redirect_url", &self.partner_redirect_url)
            .opt("country", &self.country)
            .opt("logo_url", &self.logo_url)
            .opt(
                "allow_client_to_add_phone_no",
                &self.allow_client_to_add_phone_no,
            );
        if let Some(h) = &self.webhook_headers {
            t = t.names("webhook_headers", h);
        }
        t.show("response", &self.response).finish()
    }
}

display_as_debug!(
    ClientSettings,
    ResponseInfo,
    WebhookUrl,
    WebhookHeadersResult,
    Partner,
    PartnerClient
);

fn secs(field: &str, value: Option<f64>) -> Result<Option<Duration>, PartnerError> {
    Ok(value.map(|s| seconds(field, s)).transpose()?)
}

/// HTTP metadata of a successful call. `toString()` / `description` show the
/// header names and the body's length, never their contents.
#[derive(Clone, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct ResponseInfo {
    pub status: u16,
    /// The response headers, names lower-case (a repeated header's values joined by ", ").
    pub headers: HashMap<String, String>,
    pub trace_id: Option<String>,
    pub attempts: u32,
    /// The body exactly as the API sent it.
    pub body_json: String,
}

/// `PartnerGetWebhookUrlOut`.
#[derive(Clone, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct WebhookUrl {
    pub webhook_url: Option<String>,
    pub response: ResponseInfo,
}

/// `PartnerGetWebhookHeadersOut`: string values as sent, other JSON values as JSON text.
/// `toString()` / `description` show the header names only.
#[derive(Clone, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct WebhookHeadersResult {
    pub webhook_headers: HashMap<String, String>,
    pub response: ResponseInfo,
}

/// `PartnerOut` / `PartnerSetWebhookHeadersOut` (the main fields; all of it in `response.body_json`).
/// `toString()` / `description` show the header names only.
#[derive(Clone, uniffi::Record)]
#[uniffi::export(Debug, Display)]
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
        headers: r.header_pairs().into_iter().collect(),
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

fn partner(p: &PartnerOut, headers: Option<&WebhookHeaders>, response: ResponseInfo) -> Partner {
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

impl From<Response<PartnerGetWebhookUrlOut>> for WebhookUrl {
    fn from(r: Response<PartnerGetWebhookUrlOut>) -> Self {
        WebhookUrl {
            webhook_url: r.webhook_url.clone(),
            response: info(&r),
        }
    }
}

impl From<Response<PartnerGetWebhookHeadersOut>> for WebhookHeadersResult {
    fn from(r: Response<PartnerGetWebhookHeadersOut>) -> Self {
        WebhookHeadersResult {
            webhook_headers: r
                .webhook_headers
                .as_ref()
                .map(header_strings)
                .unwrap_or_default(),
            response: info(&r),
        }
    }
}

impl From<Response<PartnerOut>> for Partner {
    fn from(r: Response<PartnerOut>) -> Self {
        partner(&r, None, info(&r))
    }
}

impl From<Response<PartnerSetWebhookHeadersOut>> for Partner {
    fn from(r: Response<PartnerSetWebhookHeadersOut>) -> Self {
        partner(&r.partner, r.webhook_headers.as_ref(), info(&r))
    }
}

/// The Partner API webhook settings. Thread-safe; share one per process.
/// `toString()` / `description` show the configuration, secrets redacted.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
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
        let o = options.unwrap_or_default();
        Ok(self.inner.with_options(RequestOptions {
            timeout: secs("timeoutSeconds", o.timeout_seconds)?,
            max_retries: o.max_retries,
            attempt_timeout: secs("attemptTimeoutSeconds", o.attempt_timeout_seconds)?,
        }))
    }
}

#[uniffi::export]
impl PartnerClient {
    /// A client from `settings`, or with tokens from `token_provider`.
    #[uniffi::constructor(default(token_provider = None))]
    pub fn new(
        settings: ClientSettings,
        token_provider: Option<Arc<dyn TokenProvider>>,
    ) -> Result<Arc<Self>, PartnerError> {
        let settings =
            settings.into_core(token_provider.map(|p| Arc::new(ForeignTokenProvider(p)) as _))?;
        let config = ClientConfigBuilder::from_env()
            .settings(settings)
            .user_agent_suffix("uniffi")
            .build()?;
        Ok(Arc::new(PartnerClient {
            inner: CoreClient::new(config)?,
        }))
    }

    /// The configuration, secrets redacted.
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner.config())
    }

    /// The resolved configuration as JSON, secrets left out, keyed by the
    /// core's setting names (durations in seconds).
    pub fn config_json(&self) -> String {
        serde_json::to_string(&self.inner.config().summary()).unwrap_or_default()
    }

    /// `GET .../webhook_url`.
    #[uniffi::method(default(options = None))]
    pub async fn get_webhook_url(
        &self,
        partner_id: String,
        options: Option<CallOptions>,
    ) -> Result<WebhookUrl, PartnerError> {
        let client = self.with(options)?;
        run(async move { client.get_webhook_url(&partner_id).await.map(Into::into) }).await
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
        run(async move {
            client
                .set_webhook_url(&partner_id, &webhook_url)
                .await
                .map(Into::into)
        })
        .await
    }

    /// `GET .../webhook_headers`.
    #[uniffi::method(default(options = None))]
    pub async fn get_webhook_headers(
        &self,
        partner_id: String,
        options: Option<CallOptions>,
    ) -> Result<WebhookHeadersResult, PartnerError> {
        let client = self.with(options)?;
        run(async move {
            client
                .get_webhook_headers(&partner_id)
                .await
                .map(Into::into)
        })
        .await
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
        let headers = WebhookHeaders::from_pairs(headers);
        run(async move {
            client
                .set_webhook_headers(&partner_id, headers)
                .await
                .map(Into::into)
        })
        .await
    }
}
