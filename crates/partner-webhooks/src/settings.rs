//! [`ClientSettings`]: every client option, each optional, as one plain
//! struct. Every language binding and the command line fill one and hand it to
//! the core, which applies the environment, the defaults and every check once
//! ([`ClientSettings::resolve`], or [`ClientConfigBuilder::settings`]).
//!
//! Each setting is declared once, in [`for_each_client_setting!`](crate::for_each_client_setting); the struct,
//! its redacted `Debug`, the builder's setters, the [`CLIENT_SETTINGS`] table
//! and the uniffi and Node bindings' records come from that list.
//! [`CLIENT_SETTINGS`] and [`CALL_OPTIONS`] describe the options as data: the
//! bindings' parity tests enumerate them and fail when a language lacks one.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::Error;
use crate::auth::TokenProvider;
use crate::config::{ClientConfig, ClientConfigBuilder};

/// Calls `$callback!` with every client setting, each declared once, here:
/// its doc comment, its name (and the names Kotlin/Swift and Node give a
/// duration: `timeout_seconds`, `timeout_ms`), its Rust type, its
/// [`SettingKind`], the environment variable it falls back to and a one-line
/// summary. This crate makes [`ClientSettings`], its redacted `Debug`, the
/// [`CLIENT_SETTINGS`] table and the builder's setters from it; the uniffi and
/// Node bindings make their settings records and conversions from it too, so
/// a setting added here reaches every language.
///
/// An entry: `name / seconds_name / millis_name : Type = Kind, env ENV, "summary";`,
/// its doc comment written as `#[doc = "..."]` (a `///` comment reaches a
/// macro as a raw string, which napi's TypeScript generator prints as such).
#[macro_export]
macro_rules! for_each_client_setting {
    ($callback:ident) => {
        $callback! {
            #[doc = "`X-API-Key` (preferred); default `PARTNER_API_KEY`."]
            api_key / api_key / api_key: String = Secret, env Some($crate::config::ENV_API_KEY), "X-API-Key (preferred)";
            #[doc = "A fixed `Authorization: Bearer` token."]
            bearer_token / bearer_token / bearer_token: String = Secret, env None, "a fixed Authorization: Bearer token";
            #[doc = "A Partner Hub user, exchanged with `password` at `POST /api/v2/token`"]
            #[doc = "for a bearer token that is cached until shortly before it expires."]
            username / username / username: String = Text, env None, "a Partner Hub user (with password)";
            #[doc = "The user's password."]
            password / password / password: String = Secret, env None, "the user's password";
            #[doc = "Bearer tokens from your own code (see [`TokenProvider`])."]
            token_provider / token_provider / token_provider: ::std::sync::Arc<dyn $crate::auth::TokenProvider> = Callback, env None, "tokens from your own code";
            #[doc = "The API's base URL, e.g. `https://hub.360dialog.io` or a sandbox's"]
            #[doc = "`http://127.0.0.1:PORT` (a trailing `/api/v2` is not doubled); default"]
            #[doc = "`PARTNER_API_BASE_URL`, else `https://hub.360dialog.io`."]
            base_url / base_url / base_url: String = Url, env Some($crate::config::ENV_BASE_URL), "the API's base URL";
            #[doc = "Budget for a whole call, retries and back-off included; default"]
            #[doc = "`PARTNER_API_TIMEOUT` (seconds), else 30 s."]
            timeout / timeout_seconds / timeout_ms: ::std::time::Duration = Duration, env Some($crate::config::ENV_TIMEOUT), "budget for a whole call, retries included";
            #[doc = "Limit for one attempt, so that a hung attempt is retried within the"]
            #[doc = "call's budget; default none."]
            attempt_timeout / attempt_timeout_seconds / attempt_timeout_ms: ::std::time::Duration = Duration, env None, "limit for one attempt";
            #[doc = "Limit for connecting; default 10 s."]
            connect_timeout / connect_timeout_seconds / connect_timeout_ms: ::std::time::Duration = Duration, env None, "limit for connecting";
            #[doc = "Retries after the first attempt (at most 10); default"]
            #[doc = "`PARTNER_API_MAX_RETRIES`, else 2."]
            max_retries / max_retries / max_retries: u32 = Count, env Some($crate::config::ENV_MAX_RETRIES), "retries after the first attempt";
            #[doc = "Requests on the wire at once, each on its own connection (1 to"]
            #[doc = "10 000; default 100, like httpx and aiohttp). More calls wait for a"]
            #[doc = "free connection within their timeout."]
            max_connections / max_connections / max_connections: u32 = Count, env None, "requests on the wire at once";
            #[doc = "Allow plain `http://` to non-loopback hosts (test rigs only); default false."]
            allow_insecure_http / allow_insecure_http / allow_insecure_http: bool = Flag, env None, "plain http to non-loopback hosts (test rigs)";
            #[doc = "A PEM file of CA certificates trusted besides the bundled roots and"]
            #[doc = "the OS store (a TLS-inspecting proxy's CA); default `PARTNER_API_CA_BUNDLE`."]
            ca_bundle / ca_bundle / ca_bundle: String = Path, env Some($crate::tls::ENV_CA_BUNDLE), "a PEM file of extra CA certificates to trust";
            #[doc = "An `http://` or `https://` proxy for every request (credentials may be"]
            #[doc = "in the URL); default `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`, with"]
            #[doc = "`NO_PROXY` honoured either way."]
            proxy / proxy / proxy: String = Url, env None, "an http(s) proxy for every request (else HTTPS_PROXY)";
        }
    };
}

/// Makes [`ClientSettings`], its `Debug`, [`CLIENT_SETTINGS`] and the
/// builder's setters from [`for_each_client_setting!`].
macro_rules! declare_client_settings {
    ($( $(#[$attr:meta])* $name:ident / $secs:ident / $ms:ident : $ty:ty = $kind:ident, env $env:expr, $summary:literal; )*) => {
        /// Every client option; `None` means "the environment variable, else
        /// the default". The language bindings fill one and hand it to the core,
        /// which applies the environment, the defaults and every check once.
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
            $( $(#[$attr])* pub $name: Option<$ty>, )*
        }

        impl fmt::Debug for ClientSettings {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut d = f.debug_struct("ClientSettings");
                $( d.field(
                    stringify!($name),
                    &self.$name.as_ref().map(|v| Shown(v.shown(SettingKind::$kind))),
                ); )*
                d.finish()
            }
        }

        /// Every field of [`ClientSettings`], in declaration order.
        pub const CLIENT_SETTINGS: &[SettingSpec] = &[
            $( setting(stringify!($name), SettingKind::$kind, $env, $summary), )*
        ];

        impl ClientConfigBuilder {
            $( $(#[$attr])* pub fn $name(mut self, value: impl SettingValue<$ty>) -> Self {
                self.settings.$name = Some(value.into_setting());
                self
            } )*
        }
    };
}

crate::for_each_client_setting!(declare_client_settings);

impl ClientSettings {
    /// The configuration: these settings, then the `PARTNER_API_*`
    /// environment variables, then the defaults; everything checked.
    pub fn resolve(self) -> Result<ClientConfig, Error> {
        ClientConfigBuilder::from_env().settings(self).build()
    }
}

/// What a builder setter takes for a setting of type `T`: anything that
/// becomes a `String` for text, and exactly the type otherwise (so that
/// `.max_retries(0)` needs no suffix).
pub trait SettingValue<T> {
    /// The value as the setting holds it.
    fn into_setting(self) -> T;
}

impl<S: Into<String>> SettingValue<String> for S {
    fn into_setting(self) -> String {
        self.into()
    }
}

macro_rules! setting_value_as_is {
    ($($t:ty),*) => { $(impl SettingValue<$t> for $t {
        fn into_setting(self) -> $t {
            self
        }
    })* };
}
setting_value_as_is!(Duration, u32, bool, Arc<dyn TokenProvider>);

impl<P: TokenProvider + 'static> SettingValue<Arc<dyn TokenProvider>> for Arc<P> {
    fn into_setting(self) -> Arc<dyn TokenProvider> {
        self
    }
}

/// How a setting's value shows in `Debug`: secrets as `[redacted]`, URLs
/// without their credentials, a token provider as `provided`.
trait Show {
    fn shown(&self, kind: SettingKind) -> String;
}

impl Show for String {
    fn shown(&self, kind: SettingKind) -> String {
        match kind {
            SettingKind::Secret => crate::REDACTED.to_string(),
            SettingKind::Url => format!("{:?}", crate::config::redact_userinfo(self)),
            _ => format!("{self:?}"),
        }
    }
}

impl Show for Arc<dyn TokenProvider> {
    fn shown(&self, _: SettingKind) -> String {
        "provided".to_string()
    }
}

macro_rules! show_as_debug {
    ($($t:ty),*) => { $(impl Show for $t {
        fn shown(&self, _: SettingKind) -> String {
            format!("{self:?}")
        }
    })* };
}
show_as_debug!(Duration, u32, bool);

/// Text shown as it is.
struct Shown(String);

impl fmt::Debug for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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

    /// The call options' table lists exactly the fields of `RequestOptions`:
    /// destructuring without `..` stops compiling when a field is added.
    #[test]
    fn call_options_table_matches_the_struct() {
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
