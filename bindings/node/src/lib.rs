//! The napi-rs addon behind the `partner-webhooks` npm package. No business
//! logic here: types are converted, core calls run on the shared runtime and
//! resolve deferred Promises, and errors are mapped in `error.rs`.

// `#[napi]` functions are registered with Node only in the addon build; the
// test harness of `cargo test --workspace` sees them as unused.
#![cfg_attr(test, allow(dead_code))]

mod client;
mod completions;
mod error;
#[cfg(feature = "test-hooks")]
mod hooks;
mod logger;
mod receiving;
mod sandbox;
mod token_provider;

use napi_derive::napi;

/// Name of the shared runtime's worker threads (tests check that I/O runs there).
#[napi]
pub fn runtime_thread_name() -> &'static str {
    partner_webhooks_runtime::THREAD_NAME
}

/// The core's version.
#[napi]
pub fn version() -> &'static str {
    partner_webhooks::VERSION
}

/// The SDK's surface as the core declares it (operations, settings, error
/// classes), with JavaScript spellings: the parity tests check the package against it.
#[napi(ts_return_type = "Record<string, any>")]
pub fn surface() -> serde_json::Value {
    partner_webhooks_runtime::surface::describe(partner_webhooks::settings::Language::Node)
}
