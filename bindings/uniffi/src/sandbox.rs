//! The in-process sandbox for Kotlin/Swift tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use partner_webhooks::Error as CoreError;
use partner_webhooks_sandbox::{Fault, RetryAfter, Sandbox as CoreSandbox, SandboxConfig};

use crate::error::PartnerError;
use crate::text::{Text, display_as_debug};

/// A fault to inject (see the sandbox README).
#[derive(Debug, Clone, uniffi::Record)]
pub struct FaultSpec {
    pub route: String,
    #[uniffi(default = 1)]
    pub times: u32,
    #[uniffi(default = None)]
    pub status: Option<u16>,
    /// Seconds, or a raw value such as an HTTP date.
    #[uniffi(default = None)]
    pub retry_after: Option<String>,
    #[uniffi(default = None)]
    pub delay_ms: Option<u64>,
    #[uniffi(default = false)]
    pub reset: bool,
    #[uniffi(default = None)]
    pub body: Option<String>,
    /// Answer 200, one body byte every this many milliseconds.
    #[uniffi(default = None)]
    pub trickle_ms: Option<u64>,
    /// Answer 200 with a JSON body of this many bytes.
    #[uniffi(default = None)]
    pub body_bytes: Option<u64>,
}

/// The sandbox's credentials and address. `toString()` / `description` show
/// the address and the partner ids, not the credentials.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct SandboxInfo {
    pub base_url: String,
    pub partner_id: String,
    pub other_partner_id: String,
    pub api_key: String,
    pub username: String,
    pub password: String,
    pub platform_secret: String,
}

impl std::fmt::Debug for SandboxInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Text::new(f, "SandboxInfo")
            .show("base_url", &self.base_url)
            .show("partner_id", &self.partner_id)
            .show("other_partner_id", &self.other_partner_id)
            .secret("api_key", true)
            .show("username", &self.username)
            .secret("password", true)
            .secret("platform_secret", true)
            .finish()
    }
}

/// A local stand-in for the Partner API on 127.0.0.1. `toString()` /
/// `description` show its address.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct Sandbox {
    inner: Mutex<Option<CoreSandbox>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let address = self.with(|s| s.base_url().to_string()).ok();
        match address {
            Some(url) => Text::new(f, "Sandbox").show("base_url", &url).finish(),
            None => Text::new(f, "Sandbox").show("stopped", &true).finish(),
        }
    }
}

display_as_debug!(SandboxInfo, Sandbox);

impl Sandbox {
    fn with<T>(&self, f: impl FnOnce(&CoreSandbox) -> T) -> Result<T, PartnerError> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .map(f)
            .ok_or_else(|| PartnerError::from(CoreError::invalid_input("sandbox", "is stopped")))
    }
}

#[uniffi::export]
impl Sandbox {
    /// Starts a sandbox on a free port.
    #[uniffi::constructor]
    pub fn start() -> Result<Arc<Self>, PartnerError> {
        let sb = partner_webhooks_runtime::block_on(CoreSandbox::start(SandboxConfig::default()))?
            .map_err(|e| {
                PartnerError::from(CoreError::invalid_input(
                    "port",
                    format!("cannot listen ({e})"),
                ))
            })?;
        Ok(Arc::new(Sandbox {
            inner: Mutex::new(Some(sb)),
        }))
    }

    /// Its address and credentials (`baseUrl`, `partnerId`, `apiKey`, ...).
    pub fn info(&self) -> Result<SandboxInfo, PartnerError> {
        self.with(|s| SandboxInfo {
            base_url: s.base_url().into(),
            partner_id: s.partner_id().into(),
            other_partner_id: s.other_partner_id().into(),
            api_key: s.api_key().into(),
            username: s.username().into(),
            password: s.password().into(),
            platform_secret: s.platform_secret().into(),
        })
    }

    /// Makes the next `fault.times` calls to `fault.route` fail as described.
    pub fn inject_fault(&self, fault: FaultSpec) -> Result<(), PartnerError> {
        let retry_after = fault.retry_after.map(|r| match r.parse::<u64>() {
            Ok(secs) => RetryAfter::Seconds(secs),
            Err(_) => RetryAfter::Raw(r),
        });
        let f = Fault {
            route: fault.route,
            times: fault.times,
            status: fault.status,
            retry_after,
            delay_ms: fault.delay_ms,
            reset: fault.reset,
            body: fault.body,
            trickle_ms: fault.trickle_ms,
            body_bytes: fault.body_bytes,
        };
        self.with(|s| s.inject_fault(f))?
            .map_err(|e| PartnerError::from(CoreError::invalid_input(e.field, e.rule)))
    }

    /// Removes every pending fault; returns how many there were.
    pub fn clear_faults(&self) -> Result<u32, PartnerError> {
        self.with(|s| s.clear_faults() as u32)
    }

    /// Revokes every bearer token it issued (the next call with one gets 401);
    /// returns how many.
    pub fn revoke_tokens(&self) -> Result<u32, PartnerError> {
        self.with(|s| s.revoke_tokens() as u32)
    }

    /// Requests seen on `route` so far.
    pub fn request_count(&self, route: String) -> Result<u64, PartnerError> {
        self.with(|s| s.stats().count(&route))
    }

    /// Bearer tokens issued so far.
    pub fn tokens_issued(&self) -> Result<u64, PartnerError> {
        self.with(|s| s.stats().tokens_issued)
    }

    /// Delivers an event (JSON `data`, or realistic sample data) to the webhook URL.
    #[uniffi::method(default(data_json = None))]
    pub fn emit(&self, event: String, data_json: Option<String>) -> Result<String, PartnerError> {
        let data = match data_json {
            Some(j) => Some(serde_json::from_str(&j).map_err(|e| {
                PartnerError::from(CoreError::invalid_input("data_json", e.to_string()))
            })?),
            None => None,
        };
        self.with(|s| s.emit(&event, data))?
            .map_err(|e| PartnerError::from(CoreError::invalid_input("event", e.to_string())))
    }

    /// The delivery's status once it is no longer pending (or at the timeout).
    pub async fn wait_for_delivery(
        &self,
        id: String,
        timeout_seconds: f64,
    ) -> Result<String, PartnerError> {
        let deadline =
            std::time::Instant::now() + Duration::from_secs_f64(timeout_seconds.clamp(0.0, 600.0));
        loop {
            let delivery = self.with(|s| s.delivery(&id))?;
            let done = delivery.as_ref().is_some_and(|d| !d.is_pending());
            let status = delivery.map(|d| d.status);
            if done || std::time::Instant::now() >= deadline {
                return Ok(status
                    .map(|s| format!("{s:?}").to_lowercase())
                    .unwrap_or_else(|| "unknown".into()));
            }
            // The timer is made inside the async block, on the shared runtime: a
            // foreign caller's thread has no tokio timer to make it with.
            partner_webhooks_runtime::run(async {
                tokio::time::sleep(Duration::from_millis(10)).await
            })
            .await?;
        }
    }

    /// Stops the server.
    pub fn stop(&self) -> Result<(), PartnerError> {
        let taken = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(sb) = taken {
            partner_webhooks_runtime::block_on(sb.shutdown())?;
        }
        Ok(())
    }
}

/// A recorded delivery from a sandbox's exported log, to replay in a test.
#[derive(uniffi::Record)]
pub struct RecordedDelivery {
    /// Delivery id.
    pub id: String,
    /// The `event` value.
    pub event: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// The exact body.
    pub body: String,
    /// The signature it was sent with.
    pub signature: String,
    /// The headers to send it with (add your custom headers).
    pub headers: Vec<crate::receiving::Header>,
    /// The custom header names it was sent with.
    pub header_names: Vec<String>,
}

/// The deliveries of a log exported by a sandbox (`GET /_sandbox/export`,
/// JSON Lines); an error names the first line that is not one.
#[uniffi::export]
pub fn parse_delivery_log(text: String) -> Result<Vec<RecordedDelivery>, PartnerError> {
    let log = partner_webhooks_sandbox::fixtures::replayable(&text)
        .map_err(|e| PartnerError::from(CoreError::invalid_input("delivery_log", e.to_string())))?;
    Ok(log
        .into_iter()
        .map(|r| RecordedDelivery {
            id: r.id,
            event: r.event,
            status: r.status,
            body: r.body,
            signature: r.signature,
            headers: r
                .headers
                .into_iter()
                .map(|(name, value)| crate::receiving::Header { name, value })
                .collect(),
            header_names: r.header_names,
        })
        .collect())
}
