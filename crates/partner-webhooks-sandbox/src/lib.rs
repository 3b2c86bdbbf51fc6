//! A local stand-in for the 360dialog Partner API's webhook settings.
//!
//! [`Sandbox::start`] serves, on 127.0.0.1, the four webhook-settings
//! operations and `POST /api/v2/token` as the OpenAPI file describes them:
//! per-partner state, `X-API-Key`/Bearer authentication, the `meta` error
//! shape with a `360dialog_trace_id`, and fault injection over HTTP
//! (`POST /_sandbox/faults`) so that retries and timeouts can be tested from
//! any language. Like 360dialog it delivers signed events to the partner's
//! webhook URL (`POST /_sandbox/partners/{partner_id}/events`). See the
//! crate's README for the HTTP API.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use partner_webhooks_sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
//! assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//! sandbox.shutdown().await;
//! # });
//! ```
#![warn(missing_docs)]

use partner_webhooks::operations::Operation;

mod config;
mod delivery;
mod faults;
mod routes;
mod samples;
pub mod serve;
mod server;
mod state;

pub use config::{SandboxConfig, random_secret};
pub use delivery::{Delivery, DeliveryAttempt, DeliveryPolicy, DeliveryStatus};
pub use faults::{Fault, FaultError, RetryAfter};
pub use samples::sample_data;
pub use server::Sandbox;
pub use state::PartnerSettings;
pub use state::{EmitError, Stats};

/// The header the sandbox sets on every answer with the request's trace id
/// (the same value as `meta.360dialog_trace_id` in error bodies).
pub const TRACE_ID_HEADER: &str = "x-360dialog-trace-id";

/// Route names usable in faults and stats: the names of the operations of the
/// core's table (`partner_webhooks::operations`), which are also its routes,
/// and `token`, the token exchange.
pub const ROUTES: &[&str] = &ROUTE_NAMES;

const ROUTE_NAMES: [&str; Operation::ALL.len() + 1] = {
    let mut names = [partner_webhooks::auth::TOKEN_ROUTE; Operation::ALL.len() + 1];
    let mut i = 0;
    while i < Operation::ALL.len() {
        names[i] = Operation::ALL[i].spec().name;
        i += 1;
    }
    names
};
