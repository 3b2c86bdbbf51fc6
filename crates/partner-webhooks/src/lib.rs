#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

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
