//! Client configuration: [`ClientConfig`], its builder, and the `PARTNER_API_*`
//! environment variables.
//!
//! Explicit settings win over the environment, which wins over the defaults.
//! Every binding builds its configuration here, so all languages read the
//! same variables and apply the same defaults and checks.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::Error;
use crate::auth::{Credentials, TokenProvider};
use crate::limits::{self, Unit};
use crate::settings::ClientSettings;

/// Production base URL of the Partner API.
pub const DEFAULT_BASE_URL: &str = "https://hub.360dialog.io";
/// Default budget for one whole call, retries and back-off included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Largest `max_retries` accepted.
pub const MAX_MAX_RETRIES: u32 = crate::limits::MAX_RETRIES;
/// Default limit of requests on the wire at once per client.
pub const DEFAULT_MAX_CONNECTIONS: usize = 100;
/// Highest accepted `max_connections`.
pub const MAX_MAX_CONNECTIONS: usize = crate::limits::MAX_CONNECTIONS;
/// First back-off delay; it doubles per retry, with jitter.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// Longest back-off delay.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Longest `Retry-After` honoured; a longer one ends the call with the error.
pub const DEFAULT_RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

/// Environment variable holding the partner API key.
pub const ENV_API_KEY: &str = "PARTNER_API_KEY";
/// Environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "PARTNER_API_BASE_URL";
/// Environment variable with the call timeout in seconds (decimals allowed).
pub const ENV_TIMEOUT: &str = "PARTNER_API_TIMEOUT";
/// Environment variable with the number of retries.
pub const ENV_MAX_RETRIES: &str = "PARTNER_API_MAX_RETRIES";

/// Retry back-off settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// First delay.
    pub initial: Duration,
    /// Longest delay.
    pub max: Duration,
    /// Longest `Retry-After` the client will wait for.
    pub retry_after_cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: DEFAULT_INITIAL_BACKOFF,
            max: DEFAULT_MAX_BACKOFF,
            retry_after_cap: DEFAULT_RETRY_AFTER_CAP,
        }
    }
}

/// A validated client configuration. Build one with [`ClientConfig::builder`]
/// or [`ClientConfig::from_env`].
///
/// `Debug` never shows a credential.
///
/// ```
/// use std::time::Duration;
/// use partner_webhooks::ClientConfig;
/// let config = ClientConfig::builder()
///     .api_key("my-partner-key")
///     .timeout(Duration::from_secs(10))
///     .max_retries(3)
///     .build()
///     .unwrap();
/// assert_eq!(config.base_url().as_str(), "https://hub.360dialog.io/");
/// assert_eq!(config.max_retries(), 3);
/// assert!(!format!("{config:?}").contains("my-partner-key"));
/// ```
#[derive(Clone)]
pub struct ClientConfig {
    pub(crate) base_url: Url,
    pub(crate) credentials: Credentials,
    pub(crate) timeout: Duration,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) max_connections: usize,
    pub(crate) backoff: Backoff,
    pub(crate) allow_insecure_http: bool,
    pub(crate) user_agent: String,
    pub(crate) ca_bundle: Option<String>,
    pub(crate) ca_certs: Arc<[rustls_pki_types::CertificateDer<'static>]>,
    pub(crate) proxy: Option<SecretProxy>,
}

/// A proxy URL; it may hold credentials, so it is shown only through
/// [`redact_userinfo`].
#[derive(Clone)]
pub(crate) struct SecretProxy(pub(crate) Url);

/// `url` with any user name and password replaced by `[redacted]`; text that
/// is not a URL is replaced whole.
///
/// ```
/// use partner_webhooks::config::redact_userinfo;
/// assert_eq!(redact_userinfo("http://bob:pw@proxy:3128"), "http://[redacted]@proxy:3128");
/// assert_eq!(redact_userinfo("http://proxy:3128"), "http://proxy:3128");
/// assert_eq!(redact_userinfo("bob:pw"), "[redacted]");
/// ```
pub fn redact_userinfo(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) if u.has_host() => {
            let bare = |u: &Url| u.as_str().trim_end_matches('/').to_string();
            if u.username().is_empty() && u.password().is_none() {
                return bare(&u);
            }
            let mut shown = u.clone();
            let _ = shown.set_password(None);
            let _ = shown.set_username("");
            bare(&shown).replacen("://", &format!("://{}@", crate::REDACTED), 1)
        }
        _ => crate::REDACTED.to_string(),
    }
}

impl ClientConfig {
    /// A builder with nothing set (the environment is not read).
    pub fn builder() -> ClientConfigBuilder {
        ClientConfigBuilder::default()
    }

    /// Reads `PARTNER_API_KEY`, `PARTNER_API_BASE_URL`, `PARTNER_API_TIMEOUT`
    /// and `PARTNER_API_MAX_RETRIES`, with defaults for the rest.
    ///
    /// ```no_run
    /// let config = partner_webhooks::ClientConfig::from_env()?;
    /// # Ok::<(), partner_webhooks::Error>(())
    /// ```
    pub fn from_env() -> Result<ClientConfig, Error> {
        ClientConfigBuilder::from_env().build()
    }

    /// The base URL (scheme, host and optional port; paths are appended).
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The base URL as text, without the trailing slash (for display).
    ///
    /// ```
    /// let c = partner_webhooks::ClientConfig::builder().api_key("k").build().unwrap();
    /// assert_eq!(c.base_url_str(), "https://hub.360dialog.io");
    /// ```
    pub fn base_url_str(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// How the client authenticates.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Budget for one whole call, retries and back-off included.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Limit for a single attempt, if any (otherwise an attempt may use what is
    /// left of [`timeout`](Self::timeout)).
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// Limit for establishing one connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// Retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Requests this client has on the wire at once (each on its own
    /// connection); more calls wait for a free one, within their timeout.
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// Back-off settings.
    pub fn backoff(&self) -> Backoff {
        self.backoff
    }

    /// Whether plain `http://` is allowed for non-loopback hosts.
    pub fn allow_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The CA bundle file trusted besides the defaults, if any.
    pub fn ca_bundle(&self) -> Option<&str> {
        self.ca_bundle.as_deref()
    }

    /// The explicit proxy, credentials redacted (`None`: the `*_PROXY`
    /// environment variables decide).
    pub fn proxy(&self) -> Option<String> {
        self.proxy.as_ref().map(|p| redact_userinfo(p.0.as_str()))
    }
}

/// The resolved configuration without secrets, keyed by the setting names of
/// [`CLIENT_SETTINGS`](crate::settings::CLIENT_SETTINGS): what each binding
/// shows for introspection (durations in seconds, credentials by kind only).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConfigSummary {
    /// The base URL, without the trailing slash.
    pub base_url: String,
    /// `api_key`, `bearer_token`, `password` or `token_provider`.
    pub auth: &'static str,
    /// Seconds for a whole call.
    pub timeout: f64,
    /// Seconds per attempt, if limited.
    pub attempt_timeout: Option<f64>,
    /// Seconds to connect.
    pub connect_timeout: f64,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Requests on the wire at once.
    pub max_connections: usize,
    /// Whether plain http is allowed to non-loopback hosts.
    pub allow_insecure_http: bool,
    /// The `User-Agent` sent.
    pub user_agent: String,
    /// The extra CA bundle file, if any.
    pub ca_bundle: Option<String>,
    /// The explicit proxy with credentials redacted, if any.
    pub proxy: Option<String>,
}

impl ClientConfig {
    /// [`ConfigSummary`] of this configuration.
    ///
    /// ```
    /// let c = partner_webhooks::ClientConfig::builder().api_key("secret-k").build().unwrap();
    /// let s = c.summary();
    /// assert_eq!((s.auth, s.timeout, s.max_retries), ("api_key", 30.0, 2));
    /// assert!(!format!("{s:?}").contains("secret-k"));
    /// ```
    pub fn summary(&self) -> ConfigSummary {
        ConfigSummary {
            base_url: self.base_url_str().to_string(),
            auth: match &self.credentials {
                Credentials::ApiKey(_) => "api_key",
                Credentials::BearerToken(_) => "bearer_token",
                Credentials::Password { .. } => "password",
                Credentials::Provider(_) => "token_provider",
            },
            timeout: self.timeout.as_secs_f64(),
            attempt_timeout: self.attempt_timeout.map(|d| d.as_secs_f64()),
            connect_timeout: self.connect_timeout.as_secs_f64(),
            max_retries: self.max_retries,
            max_connections: self.max_connections,
            allow_insecure_http: self.allow_insecure_http,
            user_agent: self.user_agent.clone(),
            ca_bundle: self.ca_bundle.clone(),
            proxy: self.proxy(),
        }
    }
}

/// The summary (no secrets) and the back-off.
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientConfig")
            .field(&self.summary())
            .field(&self.backoff)
            .finish()
    }
}

/// Values read from the environment, parsed only when used so that an explicit
/// setting can override a malformed variable.
#[derive(Default, Clone)]
struct EnvValues {
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Option<String>,
    max_retries: Option<String>,
    ca_bundle: Option<String>,
}

fn read_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Builder for [`ClientConfig`]. Settings are checked in [`build`](Self::build).
///
/// Give exactly one kind of credentials: an API key (preferred), a bearer
/// token, a username and password, or a [`TokenProvider`]. The builder fills a
/// [`ClientSettings`] (the language bindings fill one directly), plus the
/// Rust-only back-off and the binding's `User-Agent` suffix.
///
/// ```
/// use partner_webhooks::ClientConfig;
/// let err = ClientConfig::builder().api_key("k").bearer_token("t").build().unwrap_err();
/// assert_eq!(err.field(), Some("credentials"));
/// ```
#[derive(Default, Clone)]
pub struct ClientConfigBuilder {
    pub(crate) settings: ClientSettings,
    backoff: Option<Backoff>,
    user_agent_suffix: Option<String>,
    env: EnvValues,
}

impl fmt::Debug for ClientConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfigBuilder")
            .field("settings", &self.settings)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

impl ClientConfigBuilder {
    /// A builder that falls back to the `PARTNER_API_*` environment variables
    /// for anything not set explicitly.
    pub fn from_env() -> Self {
        ClientConfigBuilder {
            env: EnvValues {
                api_key: read_env(ENV_API_KEY),
                base_url: read_env(ENV_BASE_URL),
                timeout: read_env(ENV_TIMEOUT),
                max_retries: read_env(ENV_MAX_RETRIES),
                ca_bundle: read_env(crate::tls::ENV_CA_BUNDLE),
            },
            ..Default::default()
        }
    }

    /// Replaces every setting with `settings` (what the bindings and the CLI
    /// fill); back-off and `User-Agent` suffix are kept.
    ///
    /// ```
    /// use partner_webhooks::{ClientConfigBuilder, ClientSettings};
    /// let c = ClientConfigBuilder::default()
    ///     .settings(ClientSettings { api_key: Some("k".into()), max_connections: Some(4), ..Default::default() })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(c.max_connections(), 4);
    /// ```
    pub fn settings(mut self, settings: ClientSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Authenticate with a Partner Hub user, exchanged at `POST /api/v2/token`
    /// for a bearer token that is cached until shortly before it expires.
    pub fn username_password(
        mut self,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.settings.username = Some(username.into());
        self.settings.password = Some(password.into());
        self
    }

    /// Back-off between retries (default 0.5 s doubling to 8 s, jittered;
    /// `Retry-After` honoured up to 60 s). Rust only: the bindings use the default.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = Some(backoff);
        self
    }

    /// Appended to the `User-Agent`, e.g. `python/3.11` (bindings set this).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Checks everything and returns the configuration.
    pub fn build(self) -> Result<ClientConfig, Error> {
        let ClientSettings {
            api_key,
            bearer_token,
            username,
            password,
            token_provider,
            base_url,
            timeout,
            attempt_timeout,
            connect_timeout,
            max_retries,
            max_connections,
            allow_insecure_http,
            ca_bundle,
            proxy,
        } = self.settings;
        let allow_insecure_http = allow_insecure_http.unwrap_or(false);
        let base_url = parse_base_url(
            base_url
                .as_deref()
                .or(self.env.base_url.as_deref())
                .unwrap_or(DEFAULT_BASE_URL),
            if base_url.is_some() {
                "base_url"
            } else {
                ENV_BASE_URL
            },
            allow_insecure_http,
        )?;

        let timeout = match (timeout, &self.env.timeout) {
            (Some(t), _) => limits::duration("timeout", t)?,
            (None, Some(raw)) => parse_seconds(ENV_TIMEOUT, raw)?,
            (None, None) => DEFAULT_TIMEOUT,
        };
        let attempt_timeout = attempt_timeout
            .map(|t| limits::duration("attempt_timeout", t))
            .transpose()?;
        let connect_timeout = match connect_timeout {
            Some(t) => limits::duration("connect_timeout", t)?,
            None => DEFAULT_CONNECT_TIMEOUT,
        };
        let max_retries = match (max_retries, &self.env.max_retries) {
            (Some(n), _) => limits::retries("max_retries", n)?,
            (None, Some(raw)) => {
                let n = raw.trim().parse::<u32>().map_err(|_| {
                    Error::invalid_input(
                        ENV_MAX_RETRIES,
                        format!("must be a whole number from 0 to {MAX_MAX_RETRIES}"),
                    )
                })?;
                limits::retries(ENV_MAX_RETRIES, n)?
            }
            (None, None) => DEFAULT_MAX_RETRIES,
        };
        let max_connections = max_connections.map_or(Ok(DEFAULT_MAX_CONNECTIONS), |n| {
            limits::connections("max_connections", n)
        })?;
        let backoff = self.backoff.unwrap_or_default();
        limits::duration("backoff.initial", backoff.initial)?;
        limits::duration("backoff.max", backoff.max)?;
        limits::duration("backoff.retry_after_cap", backoff.retry_after_cap)?;
        if backoff.max < backoff.initial {
            return Err(Error::invalid_input(
                "backoff.max",
                "must be at least backoff.initial",
            ));
        }

        let credentials = resolve_credentials(
            api_key.map(SecretString::from),
            bearer_token.map(SecretString::from),
            username,
            password.map(SecretString::from),
            token_provider,
            self.env.api_key,
        )?;

        let (ca_bundle, ca_certs) = match (ca_bundle, self.env.ca_bundle) {
            (Some(path), _) => {
                let certs = crate::tls::read_ca_bundle("ca_bundle", &path)?;
                (Some(path), certs)
            }
            (None, Some(path)) => {
                let certs = crate::tls::read_ca_bundle(crate::tls::ENV_CA_BUNDLE, &path)?;
                (Some(path), certs)
            }
            (None, None) => (None, Vec::new()),
        };
        let proxy = proxy.as_deref().map(parse_proxy).transpose()?;

        let mut user_agent = format!("partner-webhooks/{} (rust)", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = self.user_agent_suffix {
            if suffix.chars().any(|c| c.is_control()) {
                return Err(Error::invalid_input(
                    "user_agent_suffix",
                    "must not contain control characters",
                ));
            }
            user_agent = format!("{user_agent} {suffix}");
        }

        Ok(ClientConfig {
            base_url,
            credentials,
            timeout,
            attempt_timeout,
            connect_timeout,
            max_retries,
            max_connections,
            backoff,
            allow_insecure_http,
            user_agent,
            ca_bundle,
            ca_certs: ca_certs.into(),
            proxy,
        })
    }
}

fn resolve_credentials(
    api_key: Option<SecretString>,
    bearer_token: Option<SecretString>,
    username: Option<String>,
    password: Option<SecretString>,
    provider: Option<Arc<dyn TokenProvider>>,
    env_api_key: Option<String>,
) -> Result<Credentials, Error> {
    use secrecy::ExposeSecret;
    const FIELD: &str = "credentials";
    let explicit = [
        api_key.is_some(),
        bearer_token.is_some(),
        username.is_some() || password.is_some(),
        provider.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if explicit > 1 {
        return Err(Error::invalid_input(
            FIELD,
            "give exactly one of api_key, bearer_token, username+password or token_provider",
        ));
    }
    let non_empty = |field: &str, s: &SecretString| {
        if s.expose_secret().trim().is_empty() {
            Err(Error::invalid_input(field.to_string(), "must not be empty"))
        } else if s.expose_secret().chars().any(|c| c.is_control()) {
            Err(Error::invalid_input(
                field.to_string(),
                "must not contain control characters",
            ))
        } else {
            Ok(())
        }
    };
    // Sent as a header value: printable ASCII only (a non-ASCII key is a
    // copy-paste accident, and servers read such bytes differently).
    let header_safe = |field: &str, s: &SecretString| {
        non_empty(field, s)?;
        if s.expose_secret()
            .chars()
            .all(|c| c.is_ascii_graphic() || c == ' ')
        {
            Ok(())
        } else {
            Err(Error::invalid_input(
                field.to_string(),
                "must be printable ASCII (it is sent as a header)",
            ))
        }
    };
    if let Some(key) = api_key {
        header_safe("api_key", &key)?;
        return Ok(Credentials::ApiKey(key));
    }
    if let Some(token) = bearer_token {
        header_safe("bearer_token", &token)?;
        return Ok(Credentials::BearerToken(token));
    }
    if username.is_some() || password.is_some() {
        let (Some(username), Some(password)) = (username, password) else {
            return Err(Error::invalid_input(
                FIELD,
                "username and password must be given together",
            ));
        };
        if username.trim().is_empty() {
            return Err(Error::invalid_input("username", "must not be empty"));
        }
        non_empty("password", &password)?;
        return Ok(Credentials::Password { username, password });
    }
    if let Some(provider) = provider {
        return Ok(Credentials::Provider(provider));
    }
    if let Some(key) = env_api_key {
        let key = SecretString::from(key);
        header_safe(ENV_API_KEY, &key)?;
        return Ok(Credentials::ApiKey(key));
    }
    Err(Error::invalid_input(
        FIELD,
        format!(
            "none given: pass an API key (or set {ENV_API_KEY}), a bearer token, a username and password, or a token provider"
        ),
    ))
}

fn parse_base_url(raw: &str, field: &str, allow_http: bool) -> Result<Url, Error> {
    let mut url = Url::parse(raw.trim()).map_err(|e| {
        Error::invalid_input(field.to_string(), format!("must be an absolute URL ({e})"))
    })?;
    crate::validate::check_http_url(&url, field, allow_http)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_input(
            field.to_string(),
            "must not have a query or fragment",
        ));
    }
    // The API's paths already start with /api/v2: accept a base given with it
    // (as 360dialog's docs write it) without doubling it.
    let path = url.path().trim_end_matches('/').to_string();
    let path = path.strip_suffix("/api/v2").unwrap_or(&path).to_string();
    url.set_path(&format!("{path}/"));
    Ok(url)
}

fn parse_seconds(field: &str, raw: &str) -> Result<Duration, Error> {
    let secs = raw.trim().parse::<f64>().unwrap_or(f64::NAN);
    limits::duration_in(field, secs, Unit::Seconds)
}

/// A duration given in seconds by a caller (bindings, the CLI): finite,
/// greater than 0, at most a day; otherwise `InvalidInput` naming `field`
/// ([`limits::duration_in`]).
///
/// ```
/// use std::time::Duration;
/// use partner_webhooks::config::seconds;
/// assert_eq!(seconds("timeout", 1.5).unwrap(), Duration::from_millis(1500));
/// assert_eq!(seconds("timeout", 0.0).unwrap_err().field(), Some("timeout"));
/// assert!(seconds("timeout", f64::NAN).is_err());
/// ```
pub fn seconds(field: &str, secs: f64) -> Result<Duration, Error> {
    limits::duration_in(field, secs, Unit::Seconds)
}

/// A duration given in milliseconds by a caller (the Node binding): finite,
/// greater than 0, at most a day; otherwise `InvalidInput` naming `field`, in
/// milliseconds ([`limits::duration_in`]).
///
/// ```
/// use std::time::Duration;
/// use partner_webhooks::config::millis;
/// assert_eq!(millis("timeoutMs", 1500.0).unwrap(), Duration::from_millis(1500));
/// let e = millis("timeoutMs", -5.0).unwrap_err();
/// assert_eq!(e.to_string(), "InvalidInput: timeoutMs: must be a number of milliseconds greater than 0 (at most 86400000)");
/// ```
pub fn millis(field: &str, ms: f64) -> Result<Duration, Error> {
    limits::duration_in(field, ms, Unit::Milliseconds)
}

/// An explicit proxy: an absolute `http://` or `https://` URL with a host.
/// The value never appears in the error (it may hold a password).
fn parse_proxy(raw: &str) -> Result<SecretProxy, Error> {
    let refuse = || {
        Error::invalid_input(
            "proxy",
            "must be an http:// or https:// URL with a host, such as http://proxy.internal:3128",
        )
    };
    let url = Url::parse(raw.trim()).map_err(|_| refuse())?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(refuse());
    }
    Ok(SecretProxy(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder_with_env(pairs: &[(&str, &str)]) -> ClientConfigBuilder {
        let mut b = ClientConfigBuilder::default();
        for (k, v) in pairs {
            let v = Some(v.to_string());
            match *k {
                ENV_API_KEY => b.env.api_key = v,
                ENV_BASE_URL => b.env.base_url = v,
                ENV_TIMEOUT => b.env.timeout = v,
                ENV_MAX_RETRIES => b.env.max_retries = v,
                _ => unreachable!(),
            }
        }
        b
    }

    #[test]
    fn defaults() {
        let c = ClientConfig::builder().api_key("k").build().unwrap();
        assert_eq!(c.base_url().as_str(), "https://hub.360dialog.io/");
        assert_eq!(c.timeout(), DEFAULT_TIMEOUT);
        assert_eq!(c.connect_timeout(), DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(c.max_retries(), 2);
        assert_eq!(c.backoff(), Backoff::default());
        assert!(c.user_agent().starts_with("partner-webhooks/"));
    }

    #[test]
    fn env_values_are_used_and_explicit_values_win() {
        let env = [
            (ENV_API_KEY, "env-key"),
            (ENV_BASE_URL, "http://127.0.0.1:9999/api/v2/"),
            (ENV_TIMEOUT, "2.5"),
            (ENV_MAX_RETRIES, "4"),
        ];
        let c = builder_with_env(&env).build().unwrap();
        assert_eq!(c.base_url().as_str(), "http://127.0.0.1:9999/");
        assert_eq!(c.timeout(), Duration::from_millis(2500));
        assert_eq!(c.max_retries(), 4);
        assert!(matches!(c.credentials(), Credentials::ApiKey(_)));

        let c = builder_with_env(&env)
            .bearer_token("explicit")
            .timeout(Duration::from_secs(1))
            .max_retries(0)
            .base_url("http://localhost:1")
            .build()
            .unwrap();
        assert!(matches!(c.credentials(), Credentials::BearerToken(_)));
        assert_eq!(c.timeout(), Duration::from_secs(1));
        assert_eq!(c.max_retries(), 0);
        assert_eq!(c.base_url().as_str(), "http://localhost:1/");
    }

    #[test]
    fn malformed_env_values_name_the_variable_unless_overridden() {
        let e = builder_with_env(&[(ENV_API_KEY, "k"), (ENV_TIMEOUT, "soon")])
            .build()
            .unwrap_err();
        assert_eq!(e.field(), Some(ENV_TIMEOUT));
        let e = builder_with_env(&[(ENV_API_KEY, "k"), (ENV_MAX_RETRIES, "-1")])
            .build()
            .unwrap_err();
        assert_eq!(e.field(), Some(ENV_MAX_RETRIES));
        let e = builder_with_env(&[(ENV_API_KEY, "k"), (ENV_BASE_URL, "http://example.com")])
            .build()
            .unwrap_err();
        assert_eq!(e.field(), Some(ENV_BASE_URL));
        builder_with_env(&[(ENV_API_KEY, "k"), (ENV_TIMEOUT, "soon")])
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
    }

    #[test]
    fn credential_rules() {
        let e = ClientConfig::builder().build().unwrap_err();
        assert_eq!(e.field(), Some("credentials"));
        assert!(e.message().starts_with("none given"));
        let e = ClientConfig::builder().username("u").build().unwrap_err();
        assert_eq!(e.message(), "username and password must be given together");
        let e = ClientConfig::builder().api_key(" ").build().unwrap_err();
        assert_eq!(e.field(), Some("api_key"));
        let e = ClientConfig::builder().api_key("a\nb").build().unwrap_err();
        assert_eq!(e.message(), "must not contain control characters");
        let c = ClientConfig::builder()
            .username_password("me@example.com", "pw")
            .build()
            .unwrap();
        assert!(matches!(c.credentials(), Credentials::Password { .. }));
    }

    #[test]
    fn base_url_rules() {
        for (raw, rule) in [
            (
                "hub.360dialog.io",
                "must be an absolute URL (relative URL without a base)",
            ),
            (
                "http://hub.360dialog.io",
                "must use https unless the host is loopback (got http://hub.360dialog.io)",
            ),
            (
                "https://u:p@hub.360dialog.io",
                "must not contain a user name or password",
            ),
            (
                "https://hub.360dialog.io/?x=1",
                "must not have a query or fragment",
            ),
        ] {
            let e = ClientConfig::builder()
                .api_key("k")
                .base_url(raw)
                .build()
                .unwrap_err();
            assert_eq!((e.field(), e.message()), (Some("base_url"), rule), "{raw}");
        }
        let c = ClientConfig::builder()
            .api_key("k")
            .base_url("http://10.1.2.3:8080/prefix/api/v2")
            .allow_insecure_http(true)
            .build()
            .unwrap();
        assert_eq!(c.base_url().as_str(), "http://10.1.2.3:8080/prefix/");
    }

    #[test]
    fn numeric_rules() {
        let e = ClientConfig::builder()
            .api_key("k")
            .timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert_eq!(e.field(), Some("timeout"));
        let e = ClientConfig::builder()
            .api_key("k")
            .max_retries(11)
            .build()
            .unwrap_err();
        assert_eq!(e.message(), "must be at most 10 (got 11)");
    }

    #[test]
    fn summary_names_every_setting() {
        let c = ClientConfig::builder()
            .username_password("u", "pw")
            .attempt_timeout(Duration::from_millis(1500))
            .build()
            .unwrap();
        let s = serde_json::to_value(c.summary()).unwrap();
        assert_eq!(s["auth"], "password");
        assert_eq!(s["attempt_timeout"], 1.5);
        assert_eq!(s["max_connections"], 100);
        for spec in crate::settings::CLIENT_SETTINGS {
            let key = spec.summary_key();
            assert!(s.get(key).is_some(), "{key} missing from {s}");
        }
    }

    #[test]
    fn debug_of_builder_and_config_hides_secrets() {
        let b = ClientConfig::builder().username_password("me@example.com", "hunter2-password");
        assert!(!format!("{b:?}").contains("hunter2-password"));
        let c = b.build().unwrap();
        assert!(!format!("{c:?}").contains("hunter2-password"));
        let c = ClientConfig::builder()
            .api_key("key-abc-123")
            .build()
            .unwrap();
        assert!(!format!("{c:?}").contains("key-abc-123"));
        let c = ClientConfig::builder()
            .bearer_token("tok-xyz-789")
            .build()
            .unwrap();
        assert!(!format!("{c:?}").contains("tok-xyz-789"));
    }
}
