//! [`SandboxConfig`]: who the sandbox's partner is and which secrets it uses.

use std::fmt;
use std::time::Duration;

use rand::Rng;

/// How to start a sandbox. `Default` picks a free port and random secrets.
///
/// ```
/// use partner_webhooks_sandbox::SandboxConfig;
/// let c = SandboxConfig { partner_id: "myPA".into(), ..SandboxConfig::default() };
/// assert_eq!(c.port, 0);
/// assert!(c.api_key.starts_with("sbx_"));
/// ```
#[derive(Clone)]
pub struct SandboxConfig {
    /// The address to listen on (default 127.0.0.1; anything else is reachable from the network).
    pub host: std::net::IpAddr,
    /// TCP port; 0 picks a free one.
    pub port: u16,
    /// The partner the credentials belong to.
    pub partner_id: String,
    /// Another existing partner, which the credentials may not touch (403).
    pub other_partner_id: String,
    /// The `X-API-Key` accepted.
    pub api_key: String,
    /// The Partner Hub user accepted by `POST /api/v2/token`.
    pub username: String,
    /// That user's password.
    pub password: String,
    /// Lifetime of issued bearer tokens.
    pub token_ttl: Duration,
    /// The platform secret that signs delivered webhook events.
    pub platform_secret: String,
    /// How events are delivered to the webhook URL.
    pub delivery: crate::delivery::DeliveryPolicy,
}

/// A random lowercase hex string of `bytes` random bytes, after `prefix`.
pub fn random_secret(prefix: &str, bytes: usize) -> String {
    let mut rng = rand::rng();
    let mut s = String::with_capacity(prefix.len() + bytes * 2);
    s.push_str(prefix);
    for _ in 0..bytes {
        let b: u8 = rng.random();
        s.push_str(&format!("{b:02x}"));
    }
    s
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            host: std::net::Ipv4Addr::LOCALHOST.into(),
            port: 0,
            partner_id: "sandboxPA".into(),
            other_partner_id: "otherPA".into(),
            api_key: random_secret("sbx_", 16),
            username: "partner@example.com".into(),
            password: random_secret("pw_", 12),
            token_ttl: Duration::from_secs(3600),
            platform_secret: random_secret("ps_", 24),
            delivery: crate::delivery::DeliveryPolicy::default(),
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("partner_id", &self.partner_id)
            .field("other_partner_id", &self.other_partner_id)
            .field("api_key", &"[redacted]")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("token_ttl", &self.token_ttl)
            .field("platform_secret", &"[redacted]")
            .field("delivery", &self.delivery)
            .finish()
    }
}
