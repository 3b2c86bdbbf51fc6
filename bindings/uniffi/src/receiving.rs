//! Receiving for Kotlin/Swift: the verifier, event parsing, signature helpers.

use std::collections::HashMap;
use std::sync::Arc;

use partner_webhooks::{PartnerEvent, VerifyError, WebhookVerifier as CoreVerifier};

use crate::error::PartnerError;
use crate::payloads::EventPayload;
use crate::text::{Text, display_as_debug};

/// One request header. `toString()` / `description` show its name only (a
/// custom header's value is a secret).
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl std::fmt::Debug for Header {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Text::new(f, "Header")
            .show("name", &self.name)
            .secret("value", true)
            .finish()
    }
}

/// A partner webhook event.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Event {
    /// The `event` value as sent.
    pub event_type: String,
    /// Canonical name of a known event; none for an unknown one.
    pub known_type: Option<String>,
    pub id: Option<String>,
    pub channel_id: Option<String>,
    pub client_id: Option<String>,
    pub phone_number: Option<String>,
    pub phone_name: Option<String>,
    pub status: Option<String>,
    pub signature_verified: bool,
    pub dedup_key: String,
    /// `data` (or the top level) as JSON.
    pub data_json: String,
    /// The body exactly as received.
    pub raw: String,
    /// The typed payload, one case per known event (`Unknown` for the rest).
    pub payload: EventPayload,
}

fn event(e: &PartnerEvent, signature_verified: bool) -> Event {
    Event {
        event_type: e.event_type().to_string(),
        known_type: e.known_type().map(str::to_string),
        id: e.id().map(str::to_string),
        channel_id: e.channel_id().map(str::to_string),
        client_id: e.client_id().map(str::to_string),
        phone_number: e.phone_number().map(str::to_string),
        phone_name: e.phone_name().map(str::to_string),
        status: e.status().map(str::to_string),
        signature_verified,
        dedup_key: e.dedup_key(),
        data_json: serde_json::Value::Object(e.data().clone()).to_string(),
        raw: e.raw().as_str().to_string(),
        payload: EventPayload::of(e),
    }
}

/// Verifies incoming webhook requests (signature, custom headers, size) and
/// parses them. `toString()` / `description` show its settings, secrets redacted.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct WebhookVerifier {
    inner: CoreVerifier,
}

impl std::fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

display_as_debug!(Header, WebhookVerifier);

#[uniffi::export]
impl WebhookVerifier {
    #[uniffi::constructor(default(max_body = None, require_signature = None))]
    pub fn new(
        secrets: Vec<String>,
        required_headers: HashMap<String, String>,
        max_body: Option<u64>,
        require_signature: Option<bool>,
    ) -> Result<Arc<Self>, PartnerError> {
        let mut b = CoreVerifier::builder().secrets(secrets);
        for (name, value) in required_headers {
            b = b.require_header(name, value);
        }
        if let Some(m) = max_body {
            b = b.max_body(usize::try_from(m).unwrap_or(usize::MAX));
        }
        if let Some(r) = require_signature {
            b = b.require_signature(r);
        }
        Ok(Arc::new(WebhookVerifier { inner: b.build()? }))
    }

    /// Verifies the request (headers, raw body) and returns the event.
    pub fn verify(&self, headers: Vec<Header>, body: Vec<u8>) -> Result<Event, PartnerError> {
        let v = self.inner.verify(
            headers.iter().map(|h| (h.name.as_str(), h.value.as_str())),
            &body,
        )?;
        Ok(event(v.event(), v.signature_verified()))
    }

    /// The body cap in bytes.
    pub fn max_body(&self) -> u64 {
        self.inner.max_body() as u64
    }

    /// Settings, secrets redacted.
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }
}

/// Parses an event body without verifying it.
#[uniffi::export]
pub fn parse_event(body: Vec<u8>) -> Result<Event, PartnerError> {
    let e = partner_webhooks::parse_event(&body)
        .map_err(|e| PartnerError::from(VerifyError::from(e)))?;
    Ok(event(&e, false))
}

/// Whether `header_value` signs `body` under any of `secrets`.
#[uniffi::export]
pub fn verify_signature(body: Vec<u8>, header_value: String, secrets: Vec<String>) -> bool {
    partner_webhooks::verify_signature(&body, &header_value, &secrets).is_ok()
}

/// The `x-360dialog-signature` value for `body`.
#[uniffi::export]
pub fn sign(body: Vec<u8>, secret: String) -> String {
    partner_webhooks::sign(&body, &secret)
}

/// The Integrated Onboarding signature for `"{partner_id}|{unix_seconds}"`.
#[uniffi::export]
pub fn io_signature(partner_id: String, secret: String, unix_seconds: u64) -> String {
    partner_webhooks::io_signature(&partner_id, &secret, unix_seconds)
}
