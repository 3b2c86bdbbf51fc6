//! # partner-webhooks
//!
//! Everything a 360dialog partner needs around the **partner webhook**:
//!
//! * **configure** it through the Partner API: [`PartnerClient`] gets and sets
//!   the webhook URL and the custom webhook headers, with API-key, bearer-token,
//!   password or token-provider authentication, timeouts, retries with
//!   back-off, client-side validation and typed [`Error`]s;
//! * test all of it without the internet against the embedded sandbox
//!   (crate `partner-webhooks-sandbox`).
//!
//! ```no_run
//! use partner_webhooks::{ClientConfig, PartnerClient, models::WebhookHeaders};
//!
//! # async fn demo() -> Result<(), partner_webhooks::Error> {
//! let client = PartnerClient::new(ClientConfig::builder().api_key("your-partner-api-key").build()?)?;
//! client.set_webhook_url("abcPA", "https://example.com/360dialog/events").await?;
//! client
//!     .set_webhook_headers("abcPA", WebhookHeaders::from_pairs([("X-Partner-Auth", "shared-secret")]))
//!     .await?;
//! let headers = client.get_webhook_headers("abcPA").await?;
//! println!("{} header(s) configured", headers.webhook_headers.as_ref().map_or(0, |h| h.len()));
//! # Ok(()) }
//! ```
//!
//! Secrets (API keys, tokens, passwords, header values) never appear in
//! `Debug`, `Display` or `tracing` output.
#![warn(missing_docs)]

pub mod auth;
pub mod client;
pub mod config;
mod endpoints;
pub mod error;
pub mod events;
mod fields;
mod lenient;
pub mod limits;
pub mod models;
mod open_enum;
pub mod operations;
pub mod requests;
pub mod response;
pub mod retry;
pub mod settings;
pub mod signature;
pub mod tls;
mod transport;
pub mod validate;
pub mod verifier;

pub use auth::{AccessToken, Credentials, TokenProvider, TokenProviderError};
pub use client::{PartnerClient, RequestOptions};
pub use config::{Backoff, ClientConfig, ClientConfigBuilder};
pub use error::{Error, ErrorKind};
pub use events::{PartnerEvent, parse_event};
pub use operations::{Endpoint, Operation, OperationSpec};
pub use response::{JsonBody, Response};
pub use settings::ClientSettings;
pub use signature::{io_signature, sign, verify_signature};
pub use verifier::{VerifiedEvent, VerifyError, VerifyErrorKind, WebhookVerifier};

/// What `Debug` prints in place of a secret.
pub const REDACTED: &str = "[redacted]";

/// The crate version, also sent in the `User-Agent`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
