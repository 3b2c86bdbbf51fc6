#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

use partner_webhooks::operations::Operation;

#[cfg(feature = "page")]
mod check;
mod config;
#[cfg(feature = "page")]
mod debugger;
mod delivery;
mod delivery_faults;
mod faults;
pub mod fixtures;
mod guard;
#[cfg(feature = "page")]
mod live;
mod routes;
mod samples;
pub mod serve;
mod server;
mod state;
#[cfg(feature = "page")]
mod web;

pub use config::{SandboxConfig, random_secret};
pub use delivery::{
    Delivery, DeliveryAttempt, DeliveryPolicy, DeliveryStatus, RESPONSE_BODY_LIMIT,
};
pub use faults::{Fault, FaultError, RetryAfter};
pub use guard::TOKEN_HEADER;
pub use samples::{check_data, sample_data};
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
