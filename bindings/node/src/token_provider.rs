//! A JavaScript function as the client's token provider.

use std::time::Duration;

use async_trait::async_trait;
use napi::bindgen_prelude::Promise;
use napi::threadsafe_function::ThreadsafeFunction;
use partner_webhooks::{AccessToken, TokenProvider, TokenProviderError};
use serde_json::Value;

/// `(refresh: boolean) => Promise<string | { accessToken: string; expiresIn?: number }>`,
/// weak so it never keeps the process alive.
pub type JsTokenProvider =
    ThreadsafeFunction<bool, Promise<Value>, bool, napi::Status, false, true>;

/// Calls the JS function on the JS thread and awaits its Promise.
pub struct TokenProviderFn {
    f: JsTokenProvider,
}

impl TokenProviderFn {
    pub fn new(f: JsTokenProvider) -> Self {
        TokenProviderFn { f }
    }
}

#[async_trait]
impl TokenProvider for TokenProviderFn {
    async fn token(&self, refresh: bool) -> Result<AccessToken, TokenProviderError> {
        let value = self
            .f
            .call_async(refresh)
            .await
            .map_err(|e| format!("could not call the token provider: {}", e.reason))?
            .await
            .map_err(|e| e.reason.clone())?;
        match value {
            Value::String(token) => Ok(AccessToken::new(token)),
            Value::Object(o) => {
                let token = o
                    .get("accessToken")
                    .or_else(|| o.get("token"))
                    .and_then(Value::as_str)
                    .ok_or(
                        "the token provider must resolve to a string or { accessToken, expiresIn }",
                    )?;
                let t = AccessToken::new(token);
                Ok(match o.get("expiresIn").and_then(Value::as_f64) {
                    Some(s) if s.is_finite() && s > 0.0 => {
                        t.expires_in(Duration::from_secs_f64(s.min(1e9)))
                    }
                    _ => t,
                })
            }
            _ => Err(
                "the token provider must resolve to a string or { accessToken, expiresIn }".into(),
            ),
        }
    }
}
