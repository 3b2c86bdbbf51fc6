//! Receiving for JavaScript: the verifier's checks (body size, required
//! headers, signature, UTF-8) and the signature helpers. The package parses the
//! verified body itself (`node/src/events.ts`, V8's `JSON.parse`): building the
//! event in JavaScript is what makes verify+parse faster than a hand-written
//! `createHmac` + `JSON.parse` receiver (see docs/decisions.md).

use std::collections::HashMap;

use napi::Result;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use partner_webhooks::{Error as CoreError, VerifyError, WebhookVerifier as CoreVerifier};

use crate::error::BindingError;

/// Verifier settings.
#[napi(object)]
pub struct VerifierOptions {
    pub secrets: Option<Vec<String>>,
    pub required_headers: Option<HashMap<String, String>>,
    pub max_body: Option<u32>,
    pub require_signature: Option<bool>,
}

/// The native verifier. Use `WebhookVerifier` from the package instead.
#[napi]
pub struct NativeVerifier {
    inner: CoreVerifier,
    description: String,
}

#[napi]
impl NativeVerifier {
    #[napi(constructor)]
    pub fn new(options: VerifierOptions) -> Result<Self> {
        let secrets = options.secrets.unwrap_or_default();
        let mut b = CoreVerifier::builder().secrets(secrets.iter().cloned());
        let mut names = Vec::new();
        for (name, value) in options.required_headers.unwrap_or_default() {
            names.push(name.clone());
            b = b.require_header(name, value);
        }
        if let Some(m) = options.max_body {
            b = b.max_body(m as usize);
        }
        if let Some(r) = options.require_signature {
            b = b.require_signature(r);
        }
        let inner = b.build().map_err(BindingError::from)?;
        names.sort();
        let description = format!(
            "WebhookVerifier {{ secrets: [{} redacted], requiredHeaders: {:?}, maxBody: {}, requireSignature: {} }}",
            secrets.len(),
            names,
            inner.max_body(),
            inner.requires_signature()
        );
        Ok(NativeVerifier { inner, description })
    }

    /// Checks a request: `headers` as `[name, value, name, value, ...]` (the
    /// wrapper passes only the ones a verifier reads), `body` the raw bytes,
    /// which must be UTF-8 (the wrapper then decodes them with `toString`).
    #[napi]
    pub fn authenticate(&self, headers: Vec<String>, body: Buffer) -> Result<()> {
        let pairs = headers
            .chunks_exact(2)
            .map(|p| (p[0].as_str(), p[1].as_str()));
        self.inner
            .authenticate(pairs, &body)
            .map_err(BindingError::from)?;
        std::str::from_utf8(&body).map_err(|e| {
            BindingError::from(VerifyError::from(
                partner_webhooks::events::ParseError::MalformedJson(e.to_string()),
            ))
        })?;
        Ok(())
    }

    #[napi(getter)]
    pub fn max_body(&self) -> u32 {
        self.inner.max_body().min(u32::MAX as usize) as u32
    }

    #[napi]
    pub fn describe(&self) -> String {
        self.description.clone()
    }
}

/// Whether `headerValue` signs `body` under any of `secrets`.
#[napi]
pub fn verify_signature(body: Buffer, header_value: String, secrets: Vec<String>) -> Result<bool> {
    if secrets.is_empty() {
        return Err(BindingError::from(CoreError::invalid_input(
            "secrets",
            "give at least one secret",
        ))
        .into());
    }
    Ok(partner_webhooks::verify_signature(&body, &header_value, &secrets).is_ok())
}

/// The `x-360dialog-signature` value for `body`.
#[napi]
pub fn sign(body: Buffer, secret: String) -> String {
    partner_webhooks::sign(&body, &secret)
}

/// The Integrated Onboarding signature (now, when `unixSeconds` is absent).
#[napi]
pub fn io_signature(partner_id: String, secret: String, unix_seconds: Option<i64>) -> String {
    let ts = unix_seconds.map(|s| s.max(0) as u64).unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    });
    partner_webhooks::io_signature(&partner_id, &secret, ts)
}
