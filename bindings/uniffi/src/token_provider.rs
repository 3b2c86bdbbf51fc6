//! A Kotlin/Swift object as the client's token provider, so that a mobile app
//! gets short-lived tokens from its own backend and never holds a partner API key.

use std::sync::Arc;
use std::time::Duration;

use partner_webhooks::{AccessToken, TokenProviderError};

use crate::error::PartnerError;
use crate::text::{Text, display_as_debug};

/// A bearer token and its lifetime in seconds (if known). `toString()` /
/// `description` never show the token.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct Token {
    pub access_token: String,
    #[uniffi(default = None)]
    pub expires_in_seconds: Option<f64>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Text::new(f, "Token")
            .secret("access_token", true)
            .opt("expires_in_seconds", &self.expires_in_seconds)
            .finish()
    }
}

display_as_debug!(Token);

/// Implemented in Kotlin/Swift. `refresh` is true when the server refused
/// the previous token. Called on a background thread; it may block.
#[uniffi::export(with_foreign)]
pub trait TokenProvider: Send + Sync {
    /// A bearer token for the next calls; `refresh` is true when the server
    /// refused the previous one.
    fn token(&self, refresh: bool) -> Result<Token, PartnerError>;
}

/// Adapts the foreign provider to the core's async trait.
pub(crate) struct ForeignTokenProvider(pub(crate) Arc<dyn TokenProvider>);

#[async_trait::async_trait]
impl partner_webhooks::TokenProvider for ForeignTokenProvider {
    async fn token(&self, refresh: bool) -> Result<AccessToken, TokenProviderError> {
        let provider = self.0.clone();
        let t = tokio::task::spawn_blocking(move || provider.token(refresh))
            .await
            .map_err(|e| format!("the token provider did not finish: {e}"))?
            .map_err(|e| e.to_string())?;
        let token = AccessToken::new(t.access_token);
        Ok(match t.expires_in_seconds {
            Some(s) if s.is_finite() && s > 0.0 => {
                token.expires_in(Duration::from_secs_f64(s.min(1e9)))
            }
            _ => token,
        })
    }
}
