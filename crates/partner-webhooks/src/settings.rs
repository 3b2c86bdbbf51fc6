//! [`ClientSettings`]: every client option, each optional, as one plain
//! struct. Every language binding and the command line fill one and hand it to
//! the core, which applies the environment, the defaults and every check once
//! ([`ClientSettings::resolve`], or [`ClientConfigBuilder::settings`]).
//!
//! [`CLIENT_SETTINGS`] and [`CALL_OPTIONS`] describe the options as data: the
//! bindings' parity tests enumerate them and fail when a language lacks one.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::Error;
use crate::auth::TokenProvider;
use crate::config::{ClientConfig, ClientConfigBuilder};

/// Every client option; `None` means "the environment variable, else the
/// default". Bindings build it field by field (no `..Default::default()`), so
/// a setting added here does not compile until every binding passes it on.
///
/// `Debug` never shows a credential.
///
/// ```
/// use std::time::Duration;
/// use partner_webhooks::ClientSettings;
/// let config = ClientSettings {
///     api_key: Some("my-partner-key".into()),
///     timeout: Some(Duration::from_secs(10)),
///     ..ClientSettings::default()
/// }
/// .resolve()
/// .unwrap();
/// assert_eq!(config.timeout(), Duration::from_secs(10));
/// ```
#[derive(Clone, Default)]
pub struct ClientSettings {
    /// `X-API-Key` (preferred); default `PARTNER_API_KEY`.
    pub api_key: Option<String>,
    /// A fixed `Authorization: Bearer` token.
    pub bearer_token: Option<String>,
    /// A Partner Hub user, exchanged with `password` at `POST /api/v2/token`.
    pub username: Option<String>,
    /// The user's password.
    pub password: Option<String>,
    /// Tokens from your own code.
    pub token_provider: Option<Arc<dyn TokenProvider>>,
    /// Default `PARTNER_API_BASE_URL`, else `https://hub.360dialog.io`.
    pub base_url: Option<String>,
    /// Budget for a whole call, retries included; default `PARTNER_API_TIMEOUT`, else 30 s.
    pub timeout: Option<Duration>,
    /// Limit for one attempt; default none.
    pub attempt_timeout: Option<Duration>,
    /// Limit for connecting; default 10 s.
    pub connect_timeout: Option<Duration>,
    /// Retries after the first attempt; default `PARTNER_API_MAX_RETRIES`, else 2.
    pub max_retries: Option<u32>,
    /// Requests on the wire at once; default 100.
    pub max_connections: Option<u32>,
    /// Allow plain http to non-loopback hosts (test rigs only); default false.
    pub allow_insecure_http: Option<bool>,
    /// A PEM file of CA certificates trusted besides the bundled roots and the
    /// OS store (a TLS-inspecting proxy's CA); default `PARTNER_API_CA_BUNDLE`.
    pub ca_bundle: Option<String>,
    /// An `http://` or `https://` proxy for every request (credentials may be
    /// in the URL); default: `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`, with
    /// `NO_PROXY` honoured either way.
    pub proxy: Option<String>,
}

impl ClientSettings {
    /// The configuration: these settings, then the `PARTNER_API_*`
    /// environment variables, then the defaults; everything checked.
    pub fn resolve(self) -> Result<ClientConfig, Error> {
        ClientConfigBuilder::from_env().settings(self).build()
    }
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| crate::REDACTED);
        f.debug_struct("ClientSettings")
            .field("api_key", &secret(&self.api_key))
            .field("bearer_token", &secret(&self.bearer_token))
            .field("username", &self.username)
            .field("password", &secret(&self.password))
            .field("token_provider", &self.token_provider.is_some())
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("max_connections", &self.max_connections)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("ca_bundle", &self.ca_bundle)
            .field(
                "proxy",
                &self.proxy.as_deref().map(crate::config::redact_userinfo),
            )
            .finish()
    }
}

/// What kind of value an option takes (and so how each language spells it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingKind {
    /// A secret string.
    Secret,
    /// A plain string.
    Text,
    /// A file path (Python also takes an `os.PathLike`).
    Path,
    /// An absolute URL.
    Url,
    /// A function the SDK calls (the token provider).
    Callback,
    /// A duration: seconds in Python, Kotlin and Swift; milliseconds in Node.
    Duration,
    /// A whole number.
    Count,
    /// A boolean.
    Flag,
}

/// The languages the SDK ships to, for option spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Rust and Python: snake_case, durations in seconds without a suffix.
    Python,
    /// TypeScript/JavaScript: camelCase, durations in milliseconds (`timeoutMs`).
    Node,
    /// Kotlin and Swift: camelCase, durations in seconds (`timeoutSeconds`).
    Kotlin,
}

/// One option, described as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SettingSpec {
    /// The core's name (snake_case).
    pub name: &'static str,
    /// What it takes.
    pub kind: SettingKind,
    /// The environment variable it falls back to.
    pub env: Option<&'static str>,
    /// One line for docs.
    pub summary: &'static str,
}

impl SettingSpec {
    /// The option's name in `lang`.
    ///
    /// ```
    /// use partner_webhooks::settings::{CLIENT_SETTINGS, Language};
    /// let timeout = CLIENT_SETTINGS.iter().find(|s| s.name == "attempt_timeout").unwrap();
    /// assert_eq!(timeout.name_in(Language::Python), "attempt_timeout");
    /// assert_eq!(timeout.name_in(Language::Node), "attemptTimeoutMs");
    /// assert_eq!(timeout.name_in(Language::Kotlin), "attemptTimeoutSeconds");
    /// ```
    pub fn name_in(&self, lang: Language) -> String {
        match lang {
            Language::Python => self.name.to_string(),
            Language::Node | Language::Kotlin => {
                let mut out = camel_case(self.name);
                if self.kind == SettingKind::Duration {
                    out.push_str(if lang == Language::Node {
                        "Ms"
                    } else {
                        "Seconds"
                    });
                }
                out
            }
        }
    }

    /// The key of [`ConfigSummary`](crate::config::ConfigSummary) that shows
    /// this option's effect (the credentials all show as `auth`).
    pub fn summary_key(&self) -> &'static str {
        match self.name {
            "api_key" | "bearer_token" | "username" | "password" | "token_provider" => "auth",
            other => other,
        }
    }
}

/// `snake_case` → `camelCase`.
///
/// ```
/// assert_eq!(partner_webhooks::settings::camel_case("set_webhook_url"), "setWebhookUrl");
/// ```
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

const fn setting(
    name: &'static str,
    kind: SettingKind,
    env: Option<&'static str>,
    summary: &'static str,
) -> SettingSpec {
    SettingSpec {
        name,
        kind,
        env,
        summary,
    }
}

/// Every field of [`ClientSettings`], in declaration order.
pub const CLIENT_SETTINGS: &[SettingSpec] = &[
    setting(
        "api_key",
        SettingKind::Secret,
        Some(crate::config::ENV_API_KEY),
        "X-API-Key (preferred)",
    ),
    setting(
        "bearer_token",
        SettingKind::Secret,
        None,
        "a fixed Authorization: Bearer token",
    ),
    setting(
        "username",
        SettingKind::Text,
        None,
        "a Partner Hub user (with password)",
    ),
    setting("password", SettingKind::Secret, None, "the user's password"),
    setting(
        "token_provider",
        SettingKind::Callback,
        None,
        "tokens from your own code",
    ),
    setting(
        "base_url",
        SettingKind::Url,
        Some(crate::config::ENV_BASE_URL),
        "the API's base URL",
    ),
    setting(
        "timeout",
        SettingKind::Duration,
        Some(crate::config::ENV_TIMEOUT),
        "budget for a whole call, retries included",
    ),
    setting(
        "attempt_timeout",
        SettingKind::Duration,
        None,
        "limit for one attempt",
    ),
    setting(
        "connect_timeout",
        SettingKind::Duration,
        None,
        "limit for connecting",
    ),
    setting(
        "max_retries",
        SettingKind::Count,
        Some(crate::config::ENV_MAX_RETRIES),
        "retries after the first attempt",
    ),
    setting(
        "max_connections",
        SettingKind::Count,
        None,
        "requests on the wire at once",
    ),
    setting(
        "allow_insecure_http",
        SettingKind::Flag,
        None,
        "plain http to non-loopback hosts (test rigs)",
    ),
    setting(
        "ca_bundle",
        SettingKind::Path,
        Some(crate::tls::ENV_CA_BUNDLE),
        "a PEM file of extra CA certificates to trust",
    ),
    setting(
        "proxy",
        SettingKind::Url,
        None,
        "an http(s) proxy for every request (else HTTPS_PROXY)",
    ),
];

/// Every field of [`RequestOptions`](crate::RequestOptions): the per-call overrides.
pub const CALL_OPTIONS: &[SettingSpec] = &[
    setting(
        "timeout",
        SettingKind::Duration,
        None,
        "budget for this call",
    ),
    setting(
        "max_retries",
        SettingKind::Count,
        None,
        "retries for this call",
    ),
    setting(
        "attempt_timeout",
        SettingKind::Duration,
        None,
        "limit for one attempt of this call",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables list exactly the struct fields: destructuring without `..`
    /// stops compiling when a field is added, and the names are compared.
    #[test]
    fn tables_match_the_structs() {
        let ClientSettings {
            api_key: _,
            bearer_token: _,
            username: _,
            password: _,
            token_provider: _,
            base_url: _,
            timeout: _,
            attempt_timeout: _,
            connect_timeout: _,
            max_retries: _,
            max_connections: _,
            allow_insecure_http: _,
            ca_bundle: _,
            proxy: _,
        } = ClientSettings::default();
        let fields = [
            "api_key",
            "bearer_token",
            "username",
            "password",
            "token_provider",
            "base_url",
            "timeout",
            "attempt_timeout",
            "connect_timeout",
            "max_retries",
            "max_connections",
            "allow_insecure_http",
            "ca_bundle",
            "proxy",
        ];
        let names: Vec<_> = CLIENT_SETTINGS.iter().map(|s| s.name).collect();
        assert_eq!(names, fields);

        let crate::RequestOptions {
            timeout: _,
            max_retries: _,
            attempt_timeout: _,
        } = crate::RequestOptions::default();
        let names: Vec<_> = CALL_OPTIONS.iter().map(|s| s.name).collect();
        assert_eq!(names, ["timeout", "max_retries", "attempt_timeout"]);
    }

    #[test]
    fn spellings() {
        let by = |n: &str| CLIENT_SETTINGS.iter().find(|s| s.name == n).unwrap();
        assert_eq!(by("api_key").name_in(Language::Node), "apiKey");
        assert_eq!(by("timeout").name_in(Language::Node), "timeoutMs");
        assert_eq!(
            by("max_connections").name_in(Language::Kotlin),
            "maxConnections"
        );
        assert_eq!(
            by("connect_timeout").name_in(Language::Kotlin),
            "connectTimeoutSeconds"
        );
        assert_eq!(by("password").summary_key(), "auth");
    }

    #[test]
    fn debug_hides_credentials() {
        let s = ClientSettings {
            api_key: Some("k-123".into()),
            password: Some("pw-456".into()),
            bearer_token: Some("t-789".into()),
            proxy: Some("http://user:proxy-pw@proxy.example:3128".into()),
            ..Default::default()
        };
        let d = format!("{s:?}");
        assert!(d.contains("proxy.example:3128"), "{d}");
        for secret in ["k-123", "pw-456", "t-789", "proxy-pw", "user:"] {
            assert!(!d.contains(secret), "{d}");
        }
    }
}
