//! [`Sandbox`]: the running server and its handle.

use std::fmt;
use std::net::SocketAddr;

use crate::state::PartnerSettings;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::SandboxConfig;
use crate::delivery::Delivery;
use crate::faults::{Fault, FaultError};
use crate::serve::Server;
use crate::state::{EmitError, State, Stats};

/// A running sandbox on 127.0.0.1. Dropping it stops the server.
///
/// Besides HTTP (`POST /_sandbox/faults`, ...), it can be driven directly:
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use partner_webhooks_sandbox::{Fault, Sandbox, SandboxConfig};
/// let sb = Sandbox::start(SandboxConfig::default()).await.unwrap();
/// sb.inject_fault(Fault::status("get_webhook_url", 503, 2)).unwrap();
/// assert_eq!(sb.faults().len(), 1);
/// sb.clear_faults();
/// assert_eq!(sb.stats().count("get_webhook_url"), 0);
/// # });
/// ```
pub struct Sandbox {
    base_url: String,
    state: Arc<State>,
    server: Server,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("config", &self.state.config)
            .finish()
    }
}

impl Sandbox {
    /// Binds `config.host`:`config.port` and serves on the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind((config.host, config.port)).await?;
        let state = Arc::new(State::new(config, listener.local_addr()?));
        let server = Server::spawn(listener, crate::routes::router(state.clone()))?;
        let addr = server.addr();
        tracing::info!(%addr, "sandbox listening");
        Ok(Sandbox {
            base_url: format!("http://{addr}"),
            state,
            server,
        })
    }

    /// Every partner's webhook settings, to keep them across restarts.
    pub fn partner_settings(&self) -> Vec<PartnerSettings> {
        self.state.partner_settings()
    }

    /// Restores settings saved by [`partner_settings`](Self::partner_settings)
    /// (partners it does not know are added).
    pub fn restore_partner_settings(&self, settings: Vec<PartnerSettings>) {
        self.state.restore_partner_settings(settings)
    }

    /// `http://127.0.0.1:PORT`: the client's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `http://127.0.0.1:PORT/`: the sandbox's page (live deliveries, their
    /// detail, trigger, resend, faults), served by this same server. With
    /// the `page` feature (on by default).
    #[cfg(feature = "page")]
    pub fn page_url(&self) -> String {
        format!("{}/", self.base_url)
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The partner the credentials belong to.
    pub fn partner_id(&self) -> &str {
        &self.state.config.partner_id
    }

    /// A partner that exists but that the credentials may not touch (403).
    pub fn other_partner_id(&self) -> &str {
        &self.state.config.other_partner_id
    }

    /// The accepted `X-API-Key`.
    pub fn api_key(&self) -> &str {
        &self.state.config.api_key
    }

    /// The Partner Hub user accepted by `POST /api/v2/token`.
    pub fn username(&self) -> &str {
        &self.state.config.username
    }

    /// That user's password.
    pub fn password(&self) -> &str {
        &self.state.config.password
    }

    /// The platform secret that signs delivered events.
    pub fn platform_secret(&self) -> &str {
        &self.state.config.platform_secret
    }

    /// The configuration it was started with.
    pub fn config(&self) -> &SandboxConfig {
        &self.state.config
    }

    /// Queues a fault (same as `POST /_sandbox/faults`).
    pub fn inject_fault(&self, fault: Fault) -> Result<(), FaultError> {
        fault.check()?;
        self.state.add_fault(fault);
        Ok(())
    }

    /// Faults still pending.
    pub fn faults(&self) -> Vec<Fault> {
        self.state.faults()
    }

    /// Drops every pending fault; returns how many there were.
    pub fn clear_faults(&self) -> usize {
        self.state.clear_faults()
    }

    /// Request counters.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Invalidates every issued bearer token (the next call with one gets 401).
    pub fn revoke_tokens(&self) -> usize {
        self.state.revoke_tokens()
    }

    /// Delivers `event` (with `data`, or realistic sample data when `None`)
    /// to this partner's webhook URL, signed and with its custom headers, in
    /// the background (same as `POST /_sandbox/partners/{id}/events`).
    /// Returns the delivery id.
    pub fn emit(&self, event: &str, data: Option<serde_json::Value>) -> Result<String, EmitError> {
        self.state
            .emit(self.partner_id(), event, data)
            .map(|d| d.id)
    }

    /// Every delivery so far, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries(None)
    }

    /// The delivery `id`, if there is one.
    pub fn delivery(&self, id: &str) -> Option<Delivery> {
        self.state.delivery(id)
    }

    /// The delivery log with what each was sent with (as `GET
    /// /_sandbox/export` writes it, see [`fixtures`](crate::fixtures)).
    pub fn export(&self) -> Vec<crate::fixtures::Recorded> {
        self.state.export()
    }

    /// Adds recorded deliveries to the log as they were (nothing is sent);
    /// ids already there are skipped. Returns how many were added and skipped.
    pub fn import(&self, recorded: Vec<crate::fixtures::Recorded>) -> (usize, usize) {
        self.state.import(recorded)
    }

    /// Waits until the delivery `id` is no longer pending (or `timeout`
    /// passes) and returns it.
    pub async fn wait_for_delivery(&self, id: &str, timeout: Duration) -> Option<Delivery> {
        self.state.wait_for_delivery(id, timeout).await
    }

    /// [`wait_for_delivery`](Self::wait_for_delivery) for a thread outside any
    /// async runtime (the Python binding calls it with the GIL released).
    pub fn wait_for_delivery_blocking(&self, id: &str, timeout: Duration) -> Option<Delivery> {
        let deadline = std::time::Instant::now().checked_add(timeout);
        loop {
            let current = self.delivery(id);
            if !current.as_ref().is_none_or(Delivery::is_pending)
                || deadline.is_some_and(|d| std::time::Instant::now() >= d)
            {
                return current;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stops accepting connections and waits (up to a second) for requests in
    /// flight; delayed ones are then abandoned.
    pub async fn shutdown(self) {
        self.server.stop(Duration::from_secs(1)).await;
    }

    /// Serves until `signal` completes (for the standalone CLI).
    pub async fn serve_until(self, signal: impl std::future::Future<Output = ()>) {
        signal.await;
        self.shutdown().await;
    }
}
