//! Receiving for JavaScript: the verifier, event parsing, signature helpers.

use std::collections::HashMap;

use napi::Result;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use partner_webhooks::{
    Error as CoreError, PartnerEvent, VerifyError, WebhookVerifier as CoreVerifier,
};
use serde_json::Value;

use crate::error::{BindingError, BindingResult};

/// Verifier settings.
#[napi(object)]
pub struct VerifierOptions {
    pub secrets: Option<Vec<String>>,
    pub required_headers: Option<HashMap<String, String>>,
    pub max_body: Option<u32>,
    pub require_signature: Option<bool>,
}

/// An event as a plain object, without `data`: the JavaScript wrapper adds
/// `data` as a getter that parses `raw` on first use (V8's `JSON.parse` builds
/// the tree far faster than converting one across the boundary).
#[napi(object, use_nullable = true)]
pub struct NativeEvent {
    /// The `event` value as sent.
    #[napi(js_name = "type")]
    pub event_type: String,
    /// Canonical name of a known event, `null` for an unknown one.
    pub known_type: Option<String>,
    /// The top-level `id`, when sent.
    pub id: Option<String>,
    /// The channel id (`data.id` of channel events, or `data.channel_id`).
    pub channel_id: Option<String>,
    /// The client id.
    pub client_id: Option<String>,
    /// The phone number (top of `data` or under `setup_info`).
    pub phone_number: Option<String>,
    /// The phone's display name.
    pub phone_name: Option<String>,
    /// The `status` of the payload.
    pub status: Option<String>,
    /// Whether a signature was present and verified.
    pub signature_verified: bool,
    /// A key to de-duplicate deliveries on.
    pub dedup_key: String,
    /// The body exactly as received.
    pub raw: String,
}

fn native_event(e: &PartnerEvent, signature_verified: bool) -> NativeEvent {
    let owned = |s: Option<&str>| s.map(str::to_string);
    NativeEvent {
        event_type: e.event_type().to_string(),
        known_type: owned(e.known_type()),
        id: owned(e.id()),
        channel_id: owned(e.channel_id()),
        client_id: owned(e.client_id()),
        phone_number: owned(e.phone_number()),
        phone_name: owned(e.phone_name()),
        status: owned(e.status()),
        signature_verified,
        dedup_key: e.dedup_key(),
        raw: e.raw().as_str().to_string(),
    }
}

/// Headers as Node gives them: an object (values string or string[]) or
/// `[name, value]` pairs.
fn header_pairs(headers: Value) -> BindingResult<Vec<(String, String)>> {
    let bad = || {
        CoreError::invalid_input(
            "headers",
            "must be an object or an array of [name, value] pairs",
        )
    };
    let mut out = Vec::new();
    match headers {
        Value::Object(map) => {
            for (name, value) in map {
                match value {
                    Value::String(v) => out.push((name, v)),
                    Value::Array(values) => {
                        for v in values {
                            out.push((name.clone(), v.as_str().ok_or_else(bad)?.to_string()));
                        }
                    }
                    Value::Null => {}
                    _ => return Err(bad().into()),
                }
            }
        }
        Value::Array(pairs) => {
            for pair in pairs {
                match pair.as_array().map(Vec::as_slice) {
                    Some([Value::String(n), Value::String(v)]) => out.push((n.clone(), v.clone())),
                    _ => return Err(bad().into()),
                }
            }
        }
        _ => return Err(bad().into()),
    }
    Ok(out)
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

    /// Verifies headers + raw body and returns the event as an object.
    #[napi]
    pub fn verify(&self, headers: Value, body: Buffer) -> Result<NativeEvent> {
        let pairs = header_pairs(headers)?;
        let event = self
            .inner
            .verify(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), &body)
            .map_err(BindingError::from)?;
        Ok(native_event(event.event(), event.signature_verified()))
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

/// Parses an event body without verifying it.
#[napi]
pub fn parse_event(body: Buffer) -> Result<NativeEvent> {
    let event = partner_webhooks::parse_event(&body)
        .map_err(|e| BindingError::from(VerifyError::from(e)))?;
    Ok(native_event(&event, false))
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
