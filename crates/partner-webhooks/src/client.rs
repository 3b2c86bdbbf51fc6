//! [`PartnerClient`]: the four webhook-settings operations of the Partner API,
//! with authentication, timeouts, retries and typed errors.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::auth::{AccessToken, Authenticator, PasswordExchange};
use crate::config::{ClientConfig, MAX_MAX_RETRIES};
use crate::models::{
    PartnerGetWebhookHeadersOut, PartnerGetWebhookUrlOut, PartnerOut, PartnerSetWebhookHeadersOut,
    SetPartnerWebhookHeadersIn, SetPartnerWebhookUrlIn, TokenOut, WebhookHeaders,
};
use crate::retry::{Decision, RetrySchedule, parse_retry_after};
use crate::{Error, ErrorKind, validate};

/// Largest successful response body accepted.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Most bytes of an error body read (the rest is discarded).
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Response headers that may carry a trace id on success. 360dialog documents
/// the trace id only inside error bodies, so these are looked for tolerantly.
const TRACE_ID_HEADERS: &[&str] = &[
    "x-360dialog-trace-id",
    "360dialog-trace-id",
    "x-trace-id",
    "x-request-id",
];

/// One of the Partner API operations this client performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `GET /api/v2/partners/{partner_id}/webhook_url`
    GetWebhookUrl,
    /// `POST /api/v2/partners/{partner_id}/webhook_url`
    SetWebhookUrl,
    /// `GET /api/v2/partners/{partner_id}/webhook_headers`
    GetWebhookHeaders,
    /// `POST /api/v2/partners/{partner_id}/webhook_headers`
    SetWebhookHeaders,
    /// `POST /api/v2/token`
    Token,
}

impl Operation {
    /// Snake-case name, as used by the sandbox's fault routes and the scenarios.
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetWebhookUrl => "get_webhook_url",
            Operation::SetWebhookUrl => "set_webhook_url",
            Operation::GetWebhookHeaders => "get_webhook_headers",
            Operation::SetWebhookHeaders => "set_webhook_headers",
            Operation::Token => "token",
        }
    }

    /// HTTP method.
    pub fn method(self) -> Method {
        match self {
            Operation::GetWebhookUrl | Operation::GetWebhookHeaders => Method::GET,
            _ => Method::POST,
        }
    }

    /// The path with its `{partner_id}` placeholder (safe to log).
    pub fn path_template(self) -> &'static str {
        match self {
            Operation::GetWebhookUrl | Operation::SetWebhookUrl => {
                "/api/v2/partners/{partner_id}/webhook_url"
            }
            Operation::GetWebhookHeaders | Operation::SetWebhookHeaders => {
                "/api/v2/partners/{partner_id}/webhook_headers"
            }
            Operation::Token => "/api/v2/token",
        }
    }
}

/// Per-call overrides of the client's timeout and retries.
///
/// ```
/// use std::time::Duration;
/// use partner_webhooks::RequestOptions;
/// let opts = RequestOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
/// assert_eq!(opts.max_retries, Some(0));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Budget for the whole call, retries included.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt (at most 10).
    pub max_retries: Option<u32>,
    /// Limit for one attempt.
    pub attempt_timeout: Option<Duration>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the call's total timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the number of retries.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Overrides the per-attempt timeout.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    fn merged_over(self, base: RequestOptions) -> RequestOptions {
        RequestOptions {
            timeout: self.timeout.or(base.timeout),
            max_retries: self.max_retries.or(base.max_retries),
            attempt_timeout: self.attempt_timeout.or(base.attempt_timeout),
        }
    }
}

/// A successful answer: the decoded body (via `Deref`), plus the HTTP status,
/// the trace id when the server sent one, and how many attempts it took.
///
/// ```
/// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
/// let resp = client.get_webhook_url("abcPA").await?;
/// println!("{:?} (HTTP {}, {} attempt(s))", resp.webhook_url, resp.status(), resp.attempts());
/// let body: partner_webhooks::models::PartnerGetWebhookUrlOut = resp.into_inner();
/// # Ok(()) }
/// ```
pub struct Response<T> {
    data: T,
    status: u16,
    trace_id: Option<String>,
    attempts: u32,
    raw: Bytes,
}

impl<T> Response<T> {
    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The trace id from the response headers, if any.
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// Attempts made, 1 when the first one succeeded.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The body exactly as received (may contain header secrets: do not log it).
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }

    /// The decoded body.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// Takes the decoded body.
    pub fn into_inner(self) -> T {
        self.data
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("trace_id", &self.trace_id)
            .field("attempts", &self.attempts)
            .field("data", &self.data)
            .finish()
    }
}

/// Async client for the partner webhook settings. Cheap to clone; clones share
/// the connection pool and the token cache.
///
/// ```no_run
/// use partner_webhooks::{ClientConfig, PartnerClient};
/// # async fn demo() -> Result<(), partner_webhooks::Error> {
/// let client = PartnerClient::new(ClientConfig::from_env()?)?;
/// client.set_webhook_url("abcPA", "https://example.com/360dialog/events").await?;
/// let current = client.get_webhook_url("abcPA").await?;
/// assert_eq!(current.webhook_url.as_deref(), Some("https://example.com/360dialog/events"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PartnerClient {
    inner: Arc<Inner>,
    options: RequestOptions,
}

struct Inner {
    config: ClientConfig,
    http: reqwest::Client,
    auth: Authenticator,
    /// One permit per request on the wire (`max_connections`).
    slots: tokio::sync::Semaphore,
}

impl fmt::Debug for PartnerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartnerClient")
            .field("config", &self.inner.config)
            .field("options", &self.options)
            .finish()
    }
}

impl PartnerClient {
    /// A client for `config`.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            // Never follow redirects: the API does not use them, and following
            // one would send the API key to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!config.allow_insecure_http && config.base_url.scheme() == "https")
            .pool_max_idle_per_host(config.max_connections)
            .build()
            .map_err(|e| {
                Error::other(ErrorKind::Connection, "could not build the HTTP client")
                    .with_source(e)
            })?;
        let auth = Authenticator::new(&config.credentials);
        Ok(PartnerClient {
            inner: Arc::new(Inner {
                slots: tokio::sync::Semaphore::new(config.max_connections),
                config,
                http,
                auth,
            }),
            options: RequestOptions::default(),
        })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// A handle on the same client whose calls use `options` (a cheap clone).
    ///
    /// ```no_run
    /// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
    /// use std::time::Duration;
    /// use partner_webhooks::RequestOptions;
    /// let quick = client.with_options(RequestOptions::new().timeout(Duration::from_secs(2)).max_retries(0));
    /// quick.get_webhook_url("abcPA").await?;
    /// # Ok(()) }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> PartnerClient {
        PartnerClient {
            inner: self.inner.clone(),
            options: options.merged_over(self.options),
        }
    }

    /// `GET /api/v2/partners/{partner_id}/webhook_url`: the current partner webhook URL.
    pub async fn get_webhook_url(
        &self,
        partner_id: &str,
    ) -> Result<Response<PartnerGetWebhookUrlOut>, Error> {
        let url = self.inner.partner_url(partner_id, "webhook_url")?;
        self.inner
            .execute(Operation::GetWebhookUrl, url, None, true, self.options)
            .await
    }

    /// `POST /api/v2/partners/{partner_id}/webhook_url`: sets the partner webhook
    /// URL and returns the partner object.
    ///
    /// The URL must be absolute `http(s)` with a host, `https` unless the host is
    /// loopback, and at most 2048 bytes; otherwise nothing is sent.
    pub async fn set_webhook_url(
        &self,
        partner_id: &str,
        webhook_url: &str,
    ) -> Result<Response<PartnerOut>, Error> {
        let url = self.inner.partner_url(partner_id, "webhook_url")?;
        validate::webhook_url(webhook_url, self.inner.config.allow_insecure_http)?;
        let body = SetPartnerWebhookUrlIn {
            webhook_url: webhook_url.to_string(),
        };
        let body = encode(&body)?;
        self.inner
            .execute(
                Operation::SetWebhookUrl,
                url,
                Some(body),
                true,
                self.options,
            )
            .await
    }

    /// `GET /api/v2/partners/{partner_id}/webhook_headers`: the custom headers
    /// sent with every webhook.
    pub async fn get_webhook_headers(
        &self,
        partner_id: &str,
    ) -> Result<Response<PartnerGetWebhookHeadersOut>, Error> {
        let url = self.inner.partner_url(partner_id, "webhook_headers")?;
        self.inner
            .execute(Operation::GetWebhookHeaders, url, None, true, self.options)
            .await
    }

    /// `POST /api/v2/partners/{partner_id}/webhook_headers`: replaces the custom
    /// headers as a whole (an empty map clears them).
    ///
    /// Names must be RFC 9110 tokens and not reserved; values strings without
    /// CR, LF or NUL; otherwise nothing is sent.
    pub async fn set_webhook_headers(
        &self,
        partner_id: &str,
        headers: WebhookHeaders,
    ) -> Result<Response<PartnerSetWebhookHeadersOut>, Error> {
        let url = self.inner.partner_url(partner_id, "webhook_headers")?;
        validate::webhook_headers(&headers)?;
        let body = encode(&SetPartnerWebhookHeadersIn {
            webhook_headers: headers,
        })?;
        self.inner
            .execute(
                Operation::SetWebhookHeaders,
                url,
                Some(body),
                true,
                self.options,
            )
            .await
    }
}

fn encode<T: serde::Serialize>(body: &T) -> Result<Bytes, Error> {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .map_err(|e| Error::invalid_input("body", format!("could not be encoded as JSON ({e})")))
}

/// The outcome of one HTTP attempt that got an answer.
struct Answer {
    status: u16,
    body: Bytes,
    trace_id: Option<String>,
    retry_after: Option<Duration>,
    auth_generation: u64,
}

enum AttemptError {
    /// Worth judging for a retry.
    Retryable(Error),
    /// Not to be retried by this loop (e.g. the token fetch already retried).
    Final(Error),
}

/// Options with every default filled in and checked.
struct Resolved {
    timeout: Duration,
    max_retries: u32,
    attempt_timeout: Option<Duration>,
}

impl Inner {
    fn resolve(&self, o: RequestOptions) -> Result<Resolved, Error> {
        let timeout = o.timeout.unwrap_or(self.config.timeout);
        if timeout.is_zero() {
            return Err(Error::invalid_input("timeout", "must be greater than 0"));
        }
        let max_retries = o.max_retries.unwrap_or(self.config.max_retries);
        if max_retries > MAX_MAX_RETRIES {
            return Err(Error::invalid_input(
                "max_retries",
                format!("must be at most {MAX_MAX_RETRIES} (got {max_retries})"),
            ));
        }
        let attempt_timeout = o.attempt_timeout.or(self.config.attempt_timeout);
        if attempt_timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::invalid_input(
                "attempt_timeout",
                "must be greater than 0",
            ));
        }
        Ok(Resolved {
            timeout,
            max_retries,
            attempt_timeout,
        })
    }

    fn partner_url(&self, partner_id: &str, leaf: &str) -> Result<Url, Error> {
        let segment = validate::partner_id_segment(partner_id)?;
        self.path_url(&format!("api/v2/partners/{segment}/{leaf}"))
    }

    fn path_url(&self, relative: &str) -> Result<Url, Error> {
        let mut url = self.config.base_url.clone();
        let path = format!("{}{relative}", url.path());
        url.set_path(&path);
        Ok(url)
    }

    async fn execute<T: DeserializeOwned>(
        &self,
        op: Operation,
        url: Url,
        body: Option<Bytes>,
        use_auth: bool,
        options: RequestOptions,
    ) -> Result<Response<T>, Error> {
        let opts = self.resolve(options)?;
        let span = tracing::info_span!(
            "partner_webhooks.request",
            operation = op.name(),
            method = %op.method(),
            path = op.path_template(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        async move {
            let result = self.retry_loop(op, &url, body, use_auth, &opts).await;
            let span = tracing::Span::current();
            match &result {
                Ok((answer, attempts)) => {
                    span.record("status", answer.status);
                    span.record("attempts", attempts);
                }
                Err(e) => {
                    if let Some(s) = e.status() {
                        span.record("status", s);
                    }
                    span.record("attempts", e.attempts());
                    tracing::debug!(kind = %e.kind(), trace_id = e.trace_id(), "call failed");
                }
            }
            let (answer, attempts) = result?;
            let data = serde_json::from_slice::<T>(&answer.body).map_err(|e| {
                Error::other(
                    ErrorKind::Decode,
                    format!(
                        "the {} response is not the JSON the API promises ({e})",
                        op.name()
                    ),
                )
                .with_status(answer.status)
                .with_trace_id(answer.trace_id.clone())
                .with_attempts(attempts)
            })?;
            Ok(Response {
                data,
                status: answer.status,
                trace_id: answer.trace_id,
                attempts,
                raw: answer.body,
            })
        }
        .instrument(span)
        .await
    }

    /// Attempts until success, a final error, no retries left, or no time left.
    async fn retry_loop(
        &self,
        op: Operation,
        url: &Url,
        body: Option<Bytes>,
        use_auth: bool,
        opts: &Resolved,
    ) -> Result<(Answer, u32), Error> {
        let deadline = Instant::now() + opts.timeout;
        let mut schedule = RetrySchedule::new(self.config.backoff);
        let mut attempts = 0u32;
        let mut retries = 0u32;
        let mut refresh_token = false;
        let mut reauthenticated = false;
        loop {
            attempts += 1;
            let left = deadline.saturating_duration_since(Instant::now());
            let budget = opts.attempt_timeout.map_or(left, |t| t.min(left));
            let attempt_span = tracing::debug_span!(
                "attempt",
                attempt = attempts,
                status = tracing::field::Empty,
                trace_id = tracing::field::Empty
            );
            let outcome = tokio::time::timeout(
                budget,
                self.attempt(op, url, body.clone(), use_auth, refresh_token),
            )
            .instrument(attempt_span.clone())
            .await;
            let error = match outcome {
                Err(_elapsed) => Error::other(
                    ErrorKind::Timeout,
                    format!("no complete answer within {:.1}s", budget.as_secs_f64()),
                ),
                Ok(Err(AttemptError::Final(e))) => return Err(e.with_attempts(attempts)),
                Ok(Err(AttemptError::Retryable(e))) => e,
                Ok(Ok(answer)) => {
                    attempt_span.record("status", answer.status);
                    if let Some(t) = &answer.trace_id {
                        attempt_span.record("trace_id", t.as_str());
                    }
                    if (200..300).contains(&answer.status) {
                        return Ok((answer, attempts));
                    }
                    if answer.status == 401
                        && use_auth
                        && self.auth.can_refresh()
                        && !reauthenticated
                    {
                        // The cached token was refused: fetch a new one, once.
                        tracing::debug!("token refused (401); fetching a new one");
                        self.auth.invalidate(answer.auth_generation).await;
                        refresh_token = true;
                        reauthenticated = true;
                        continue;
                    }
                    Error::from_response(answer.status, &answer.body, answer.retry_after)
                        .with_trace_id(answer.trace_id)
                }
            };
            let error = error.with_attempts(attempts);
            if !error.is_retryable() || retries >= opts.max_retries {
                return Err(error);
            }
            let delay = match schedule.next(error.retry_after()) {
                Decision::RetryAfter(d) => d,
                Decision::GiveUp => return Err(error),
            };
            if Instant::now() + delay >= deadline {
                return Err(error);
            }
            tracing::warn!(
                operation = op.name(),
                attempt = attempts,
                kind = %error.kind(),
                status = error.status(),
                trace_id = error.trace_id(),
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(delay).await;
            retries += 1;
        }
    }

    async fn attempt(
        &self,
        op: Operation,
        url: &Url,
        body: Option<Bytes>,
        use_auth: bool,
        refresh_token: bool,
    ) -> Result<Answer, AttemptError> {
        // Held until the body is read: the connection is busy until then.
        // The semaphore is never closed, so acquiring cannot fail.
        let _slot = self.slots.acquire().await.map_err(|_| {
            AttemptError::Final(Error::other(
                ErrorKind::Connection,
                "the client was shut down",
            ))
        })?;
        let mut request = self
            .http
            .request(op.method(), url.clone())
            .header(ACCEPT, "application/json");
        let mut auth_generation = 0;
        if use_auth {
            let h = self
                .auth
                .header(self, refresh_token)
                .await
                .map_err(AttemptError::Final)?;
            auth_generation = h.generation;
            request = request.header(h.name, h.value);
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        tracing::trace!("sending");
        let response = request
            .send()
            .await
            .map_err(|e| AttemptError::Retryable(transport_error(e)))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let ok = response.status().is_success();
        let body = read_body(
            response,
            if ok {
                MAX_RESPONSE_BYTES
            } else {
                MAX_ERROR_BODY_BYTES
            },
            ok,
        )
        .await
        .map_err(|e| match e.kind() {
            ErrorKind::Decode => AttemptError::Final(e.with_status(status)),
            _ => AttemptError::Retryable(e),
        })?;
        Ok(Answer {
            status,
            body,
            trace_id: trace_id(&headers),
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after),
            auth_generation,
        })
    }
}

#[async_trait]
impl PasswordExchange for Inner {
    async fn exchange(
        &self,
        username: &str,
        password: &SecretString,
    ) -> Result<AccessToken, Error> {
        #[derive(serde::Serialize)]
        struct TokenIn<'a> {
            username: &'a str,
            password: &'a str,
        }
        let body = serde_json::to_vec(&TokenIn {
            username,
            password: password.expose_secret(),
        })
        .map_err(|e| Error::invalid_input("password", format!("could not be encoded ({e})")))?;
        let url = self.path_url("api/v2/token")?;
        let answer: Response<TokenOut> = Box::pin(self.execute(
            Operation::Token,
            url,
            Some(Bytes::from(body)),
            false,
            RequestOptions::default(),
        ))
        .await?;
        let token = answer.into_inner();
        if token.access_token.is_empty() {
            return Err(Error::other(
                ErrorKind::Decode,
                "the token response has an empty access_token",
            ));
        }
        if let Some(kind) = token.token_type.as_deref() {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err(Error::other(
                    ErrorKind::Decode,
                    format!("the token response has token_type {kind:?}, expected Bearer"),
                ));
            }
        }
        let mut t = AccessToken::new(token.access_token);
        if let Some(secs) = token.expires_in.filter(|s| s.is_finite() && *s > 0.0) {
            t = t.expires_in(Duration::from_secs_f64(secs.min(1e9)));
        }
        Ok(t)
    }
}

fn trace_id(headers: &HeaderMap) -> Option<String> {
    TRACE_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Reads at most `limit` bytes. Over the limit, a successful answer is a
/// Decode error; an error answer is cut short (its start is enough).
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    strict: bool,
) -> Result<Bytes, Error> {
    let too_big = || {
        Error::other(
            ErrorKind::Decode,
            format!("the response body is larger than the {limit}-byte limit"),
        )
    };
    if strict && response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_big());
    }
    let mut buf = BytesMut::new();
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(transport_error(e)),
        };
        if buf.len() + chunk.len() > limit {
            if strict {
                return Err(too_big());
            }
            let room = limit - buf.len();
            buf.extend_from_slice(&chunk[..room]);
            break;
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Classifies a transport failure. The message names what failed and the
/// innermost cause; it contains no header or body.
fn transport_error(e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Connection
    };
    let what = if e.is_connect() {
        let target = e
            .url()
            .map(|u| {
                format!(
                    "{}:{}",
                    u.host_str().unwrap_or("?"),
                    u.port_or_known_default().unwrap_or(0)
                )
            })
            .unwrap_or_default();
        format!("could not connect to {target}")
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the response".to_string()
    } else if e.is_timeout() {
        "the request timed out".to_string()
    } else {
        "the request failed".to_string()
    };
    let mut root: &dyn std::error::Error = &e;
    while let Some(next) = root.source() {
        root = next;
    }
    let message = format!("{what} ({root})");
    Error::other(kind, message).with_source(e.without_url())
}
