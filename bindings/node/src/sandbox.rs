//! The in-process sandbox for JavaScript tests.

use std::sync::Mutex;
use std::time::Duration;

use napi::Result;
use napi_derive::napi;
use partner_webhooks::Error as CoreError;
use partner_webhooks_sandbox::{Fault, Sandbox as CoreSandbox, SandboxConfig};
use serde_json::Value;

use crate::error::BindingError;

/// Sandbox settings.
#[napi(object)]
pub struct SandboxOptions {
    pub partner_id: Option<String>,
    pub api_key: Option<String>,
    pub platform_secret: Option<String>,
    pub port: Option<u16>,
}

/// The native sandbox. Use `Sandbox.start()` from the package instead.
#[napi]
pub struct NativeSandbox {
    inner: Mutex<Option<CoreSandbox>>,
}

fn closed() -> napi::Error {
    BindingError::from(CoreError::invalid_input("sandbox", "is stopped")).into()
}

impl NativeSandbox {
    fn with<T>(&self, f: impl FnOnce(&CoreSandbox) -> T) -> Result<T> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().map(f).ok_or_else(closed)
    }
}

#[napi]
impl NativeSandbox {
    #[napi(constructor)]
    pub fn new(options: Option<SandboxOptions>) -> Result<Self> {
        let mut config = SandboxConfig::default();
        if let Some(o) = options {
            if let Some(p) = o.partner_id {
                partner_webhooks::validate::partner_id_segment(&p).map_err(BindingError::from)?;
                config.partner_id = p;
            }
            if let Some(k) = o.api_key {
                config.api_key = k;
            }
            if let Some(s) = o.platform_secret {
                config.platform_secret = s;
            }
            config.port = o.port.unwrap_or(0);
        }
        let sandbox = partner_webhooks_runtime::block_on(CoreSandbox::start(config))
            .map_err(BindingError::from)?
            .map_err(|e| {
                BindingError::from(CoreError::invalid_input(
                    "port",
                    format!("cannot listen ({e})"),
                ))
            })?;
        Ok(NativeSandbox {
            inner: Mutex::new(Some(sandbox)),
        })
    }

    /// `{ baseUrl, partnerId, otherPartnerId, apiKey, username, password, platformSecret }`
    #[napi(
        ts_return_type = "{ baseUrl: string; partnerId: string; otherPartnerId: string; apiKey: string; username: string; password: string; platformSecret: string }"
    )]
    pub fn info(&self) -> Result<Value> {
        self.with(|s| {
            serde_json::json!({
                "baseUrl": s.base_url(), "partnerId": s.partner_id(), "otherPartnerId": s.other_partner_id(),
                "apiKey": s.api_key(), "username": s.username(), "password": s.password(),
                "platformSecret": s.platform_secret(),
            })
        })
    }

    /// Queues a fault (the body of `POST /_sandbox/faults`).
    #[napi]
    pub fn inject_fault(&self, fault: Value) -> Result<()> {
        let fault: Fault = serde_json::from_value(fault)
            .map_err(|e| BindingError::from(CoreError::invalid_input("fault", e.to_string())))?;
        self.with(|s| s.inject_fault(fault))?
            .map_err(|e| BindingError::from(CoreError::invalid_input(e.field, e.rule)).into())
    }

    #[napi]
    pub fn clear_faults(&self) -> Result<u32> {
        self.with(|s| s.clear_faults() as u32)
    }

    #[napi]
    pub fn revoke_tokens(&self) -> Result<u32> {
        self.with(|s| s.revoke_tokens() as u32)
    }

    #[napi(
        ts_return_type = "{ requests: Record<string, number>; faults_applied: number; tokens_issued: number }"
    )]
    pub fn stats(&self) -> Result<Value> {
        self.with(|s| serde_json::to_value(s.stats()).unwrap_or_default())
    }

    /// Delivers an event to the partner's webhook URL; returns the delivery id.
    #[napi]
    pub fn emit(&self, event: String, data: Option<Value>) -> Result<String> {
        self.with(|s| s.emit(&event, data))?.map_err(|e| {
            BindingError::from(CoreError::invalid_input("event", e.to_string())).into()
        })
    }

    #[napi(ts_return_type = "any[]")]
    pub fn deliveries(&self) -> Result<Value> {
        self.with(|s| serde_json::to_value(s.deliveries()).unwrap_or_default())
    }

    /// The delivery `id` once it is no longer pending (polled; `null` if unknown).
    #[napi(ts_return_type = "any")]
    pub fn delivery(&self, id: String) -> Result<Value> {
        self.with(|s| serde_json::to_value(s.delivery(&id)).unwrap_or_default())
    }

    /// Stops the server.
    #[napi]
    pub fn stop(&self) -> Result<()> {
        let taken = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(sb) = taken {
            partner_webhooks_runtime::block_on(async move {
                tokio::time::timeout(Duration::from_secs(2), sb.shutdown())
                    .await
                    .ok();
            })
            .map_err(BindingError::from)?;
        }
        Ok(())
    }
}

/// The deliveries of a log exported by a sandbox (`GET /_sandbox/export`,
/// JSON Lines), to replay in a test: `{id, event, status, body, signature,
/// headers: [[name, value], ...], headerNames}` (add your custom headers).
#[napi(
    ts_return_type = "Array<{ id: string; event: string; status: string; body: string; signature: string; headers: Array<[string, string]>; header_names: string[] }>"
)]
pub fn parse_delivery_log(text: String) -> Result<Value> {
    let log = partner_webhooks_sandbox::fixtures::replayable(&text).map_err(|e| {
        crate::error::BindingError::from(partner_webhooks::Error::invalid_input(
            "deliveryLog",
            e.to_string(),
        ))
    })?;
    Ok(serde_json::to_value(log).unwrap_or_default())
}
