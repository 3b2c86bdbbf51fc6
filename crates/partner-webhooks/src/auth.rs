//! Authentication: API key, fixed bearer token, username/password exchanged for
//! a cached token, or tokens from your own [`TokenProvider`].
//!
//! Tokens (from a password or a provider) are cached until shortly before they
//! expire; when many calls need one at once a single fetch is made and the
//! others wait for it; after a 401 the token is fetched again once.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::operations::{Auth, HttpMethod, OperationSpec};
use crate::{Error, ErrorKind};

/// How a client proves who it is. `Debug` never shows a secret.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// `X-API-Key: <key>`: the preferred method.
    ApiKey(SecretString),
    /// `Authorization: Bearer <token>` with a token you obtained yourself.
    BearerToken(SecretString),
    /// A Partner Hub user; exchanged at `POST /api/v2/token`.
    Password {
        /// The user's e-mail address.
        username: String,
        /// The user's password.
        password: SecretString,
    },
    /// Tokens from your own code.
    Provider(Arc<dyn TokenProvider>),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiKey(_) => f.write_str("ApiKey([redacted])"),
            Credentials::BearerToken(_) => f.write_str("BearerToken([redacted])"),
            Credentials::Password { username, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &crate::REDACTED)
                .finish(),
            Credentials::Provider(_) => f.write_str("Provider(..)"),
        }
    }
}

/// A bearer token and how long it stays valid.
///
/// ```
/// use std::time::Duration;
/// use partner_webhooks::AccessToken;
/// let t = AccessToken::new("eyJ...").expires_in(Duration::from_secs(3600));
/// assert!(!format!("{t:?}").contains("eyJ"));
/// ```
#[derive(Clone)]
pub struct AccessToken {
    token: SecretString,
    expires_in: Option<Duration>,
}

impl AccessToken {
    /// A token with no known lifetime (used until the server answers 401).
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken {
            token: SecretString::from(token.into()),
            expires_in: None,
        }
    }

    /// Sets the lifetime; the client refreshes shortly before it ends.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }

    /// The lifetime, if known.
    pub fn lifetime(&self) -> Option<Duration> {
        self.expires_in
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &crate::REDACTED)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// The error a [`TokenProvider`] returns; its text becomes the message of an
/// [`ErrorKind::Authentication`] error, so it must not contain a secret.
pub type TokenProviderError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Supplies bearer tokens, e.g. from your own backend, so that an app never
/// holds a partner API key. The client caches each token for its lifetime and
/// calls `token(true)` when the server refused the cached one.
///
/// ```
/// use std::sync::Arc;
/// use partner_webhooks::{AccessToken, ClientConfig, TokenProvider, TokenProviderError};
///
/// struct FromMyBackend;
///
/// #[async_trait::async_trait]
/// impl TokenProvider for FromMyBackend {
///     async fn token(&self, _refresh: bool) -> Result<AccessToken, TokenProviderError> {
///         Ok(AccessToken::new("short-lived-jwt").expires_in(std::time::Duration::from_secs(300)))
///     }
/// }
///
/// let config = ClientConfig::builder().token_provider(Arc::new(FromMyBackend)).build().unwrap();
/// ```
#[async_trait]
pub trait TokenProvider: Send + Sync + 'static {
    /// Returns a token. `refresh` is true when the previous token was refused
    /// by the server (HTTP 401) and must not be returned again.
    async fn token(&self, refresh: bool) -> Result<AccessToken, TokenProviderError>;
}

/// How long before the stated expiry a token is replaced: a tenth of its
/// lifetime, at most a minute.
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

/// One authorization header, and which cached token it came from.
#[derive(Clone)]
pub(crate) struct AuthHeader {
    pub(crate) name: HeaderName,
    pub(crate) value: HeaderValue,
    /// Generation of the cached token (0 for static credentials).
    pub(crate) generation: u64,
}

fn header(name: HeaderName, value: &str, generation: u64) -> Result<AuthHeader, Error> {
    let mut value = HeaderValue::from_str(value).map_err(|_| not_a_header())?;
    value.set_sensitive(true);
    Ok(AuthHeader {
        name,
        value,
        generation,
    })
}

fn not_a_header() -> Error {
    Error::other(
        ErrorKind::Authentication,
        "credential contains characters not allowed in an HTTP header",
    )
}

fn bearer(token: &SecretString, generation: u64) -> Result<AuthHeader, Error> {
    header(
        reqwest::header::AUTHORIZATION,
        &format!("Bearer {}", token.expose_secret()),
        generation,
    )
}

pub(crate) struct Cached {
    /// The token's `Authorization` header, made once per token.
    header: AuthHeader,
    refresh_at: Option<Instant>,
    generation: u64,
}

/// Where refreshable tokens come from.
pub(crate) enum TokenSource {
    Password {
        username: String,
        password: SecretString,
    },
    Provider(Arc<dyn TokenProvider>),
}

/// The per-client authentication state.
pub(crate) enum Authenticator {
    /// A key or a fixed token: its header, made once (per call only cloned).
    /// `None`: the credential cannot be a header value (each call says so).
    Static(Option<AuthHeader>),
    Refreshable {
        source: TokenSource,
        cache: Mutex<Option<Cached>>,
        next_generation: std::sync::atomic::AtomicU64,
    },
}

/// Fetches a token with a username and password (`POST /api/v2/token`); the
/// client supplies this so that the request gets its retries and timeouts.
#[async_trait]
pub(crate) trait PasswordExchange: Send + Sync {
    async fn exchange(&self, username: &str, password: &SecretString)
    -> Result<AccessToken, Error>;
}

impl Authenticator {
    pub(crate) fn new(credentials: &Credentials) -> Self {
        match credentials {
            Credentials::ApiKey(k) => Authenticator::Static(
                header(HeaderName::from_static("x-api-key"), k.expose_secret(), 0).ok(),
            ),
            Credentials::BearerToken(t) => Authenticator::Static(bearer(t, 0).ok()),
            Credentials::Password { username, password } => {
                Authenticator::refreshable(TokenSource::Password {
                    username: username.clone(),
                    password: password.clone(),
                })
            }
            Credentials::Provider(p) => {
                Authenticator::refreshable(TokenSource::Provider(p.clone()))
            }
        }
    }

    fn refreshable(source: TokenSource) -> Self {
        Authenticator::Refreshable {
            source,
            cache: Mutex::new(None),
            next_generation: std::sync::atomic::AtomicU64::new(1),
        }
    }

    /// Whether a 401 may be cured by fetching a new token.
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(self, Authenticator::Refreshable { .. })
    }

    /// The header for the next request. For refreshable credentials this
    /// fetches a token when none is cached or the cached one is about to
    /// expire; concurrent callers wait for the one fetch.
    pub(crate) async fn header(
        &self,
        exchange: &dyn PasswordExchange,
        refresh: bool,
    ) -> Result<AuthHeader, Error> {
        match self {
            Authenticator::Static(h) => h.clone().ok_or_else(not_a_header),
            Authenticator::Refreshable {
                source,
                cache,
                next_generation,
            } => {
                let mut guard = cache.lock().await;
                if let Some(c) = guard.as_ref() {
                    let fresh = c.refresh_at.is_none_or(|at| Instant::now() < at);
                    if fresh {
                        return Ok(c.header.clone());
                    }
                }
                let token = match source {
                    TokenSource::Password { username, password } => {
                        exchange.exchange(username, password).await?
                    }
                    TokenSource::Provider(p) => p.token(refresh).await.map_err(|e| {
                        Error::other(
                            ErrorKind::Authentication,
                            format!("token provider failed: {e}"),
                        )
                    })?,
                };
                if token.token.expose_secret().is_empty() {
                    return Err(Error::other(
                        ErrorKind::Authentication,
                        "token provider returned an empty token",
                    ));
                }
                let generation = next_generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let refresh_at = token
                    .expires_in
                    // A lifetime past what an Instant can hold is "no expiry" (refreshed on a 401).
                    .and_then(|life| {
                        Instant::now().checked_add(life.saturating_sub(refresh_margin(life)))
                    });
                tracing::debug!(generation, expires_in = ?token.expires_in, "obtained a new bearer token");
                let h = bearer(&token.token, generation)?;
                *guard = Some(Cached {
                    header: h.clone(),
                    refresh_at,
                    generation,
                });
                Ok(h)
            }
        }
    }

    /// Forgets the cached token if it is still the one of `generation` (so
    /// that 50 calls refused at once cause one new fetch, not 50).
    pub(crate) async fn invalidate(&self, generation: u64) {
        if let Authenticator::Refreshable { cache, .. } = self {
            let mut guard = cache.lock().await;
            if guard.as_ref().is_some_and(|c| c.generation == generation) {
                *guard = None;
            }
        }
    }
}

/// The name of the token exchange's route (the sandbox's request counters
/// and faults use it).
pub const TOKEN_ROUTE: &str = "token";

/// `POST /api/v2/token`: a username and password for a bearer token. Not an
/// operation of the table (no language calls it): the client runs it itself,
/// through the same transport as every other call. Repeating it only issues
/// another token, so it is retried like the others.
pub(crate) static TOKEN: OperationSpec = OperationSpec {
    name: TOKEN_ROUTE,
    summary: "Exchanges a Partner Hub username and password for a bearer token.",
    method: HttpMethod::Post,
    path: "/api/v2/token",
    path_params: &[],
    body_params: <crate::models::TokenIn as crate::requests::RequestBody>::PARAMS,
    request: Some("TokenIn"),
    response: "TokenOut",
    idempotent: true,
    auth: Auth::Unauthenticated,
};

/// The token exchange: `POST /api/v2/token` through the same transport as
/// every other call (so it gets the client's timeouts and retries), without
/// an auth header, checked before the token is cached.
#[async_trait]
impl PasswordExchange for crate::transport::Transport {
    async fn exchange(
        &self,
        username: &str,
        password: &SecretString,
    ) -> Result<AccessToken, Error> {
        use crate::requests::RequestBody;
        let spec = &TOKEN;
        let url = self.url(spec, &[])?;
        let body = crate::models::TokenIn {
            username: username.to_string(),
            password: password.clone(),
        }
        .encode()?;
        let answer: crate::Response<crate::models::TokenOut> =
            Box::pin(self.execute(spec, url, body, crate::RequestOptions::default()))
                .await
                .map_err(Error::into_authentication)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    struct Counting {
        calls: AtomicU32,
        refreshes: AtomicU32,
        lifetime: Option<Duration>,
    }

    #[async_trait]
    impl TokenProvider for Counting {
        async fn token(&self, refresh: bool) -> Result<AccessToken, TokenProviderError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if refresh {
                self.refreshes.fetch_add(1, Ordering::SeqCst);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            let t = AccessToken::new(format!("token-{n}"));
            Ok(match self.lifetime {
                Some(l) => t.expires_in(l),
                None => t,
            })
        }
    }

    struct NoExchange;
    #[async_trait]
    impl PasswordExchange for NoExchange {
        async fn exchange(&self, _: &str, _: &SecretString) -> Result<AccessToken, Error> {
            unreachable!("provider credentials never exchange a password")
        }
    }

    fn provider(lifetime: Option<Duration>) -> (Arc<Counting>, Authenticator) {
        let p = Arc::new(Counting {
            calls: AtomicU32::new(0),
            refreshes: AtomicU32::new(0),
            lifetime,
        });
        let a = Authenticator::new(&Credentials::Provider(p.clone()));
        (p, a)
    }

    #[tokio::test]
    async fn one_fetch_for_many_concurrent_callers() {
        let (p, auth) = provider(None);
        let auth = Arc::new(auth);
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let auth = auth.clone();
                tokio::spawn(async move { auth.header(&NoExchange, false).await.unwrap().value })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), "Bearer token-1");
        }
        assert_eq!(p.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn invalidate_is_idempotent_per_generation() {
        let (p, auth) = provider(None);
        let first = auth.header(&NoExchange, false).await.unwrap();
        auth.invalidate(first.generation).await;
        let second = auth.header(&NoExchange, true).await.unwrap();
        assert_eq!(second.value, "Bearer token-2");
        // A late 401 for the old token must not throw away the new one.
        auth.invalidate(first.generation).await;
        assert_eq!(
            auth.header(&NoExchange, false).await.unwrap().value,
            "Bearer token-2"
        );
        assert_eq!(p.calls.load(Ordering::SeqCst), 2);
        assert_eq!(p.refreshes.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn token_is_refreshed_shortly_before_expiry() {
        let (p, auth) = provider(Some(Duration::from_secs(100)));
        assert_eq!(
            auth.header(&NoExchange, false).await.unwrap().value,
            "Bearer token-1"
        );
        tokio::time::advance(Duration::from_secs(85)).await;
        assert_eq!(
            auth.header(&NoExchange, false).await.unwrap().value,
            "Bearer token-1"
        );
        // Margin is 10 s for a 100 s token: at 91 s it is replaced.
        tokio::time::advance(Duration::from_secs(6)).await;
        assert_eq!(
            auth.header(&NoExchange, false).await.unwrap().value,
            "Bearer token-2"
        );
        assert_eq!(p.calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::Password {
            username: "me@example.com".into(),
            password: SecretString::from("pa55word".to_string()),
        };
        let d = format!("{c:?}");
        assert!(d.contains("me@example.com") && !d.contains("pa55word"));
        assert!(
            !format!(
                "{:?}",
                Credentials::ApiKey(SecretString::from("k3y".to_string()))
            )
            .contains("k3y")
        );
    }
}
