//! `setLogger`: the SDK's records handed to a Kotlin/Swift callback (an
//! SLF4J, `java.util.logging`, `os.Logger` or Timber adapter is a few lines),
//! one logger per process, as those frameworks have.
//!
//! ```kotlin
//! setLogger(object : PartnerLogger {
//!     override fun log(record: LogRecord) {
//!         slf4j.atLevel(Level.valueOf(record.level.name)).addKeyValue("fields", record.fields).log(record.message)
//!     }
//! }, LogLevel.WARN)
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use partner_webhooks_runtime::logs::{self, Level};

/// A record's severity, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

/// Both ways between the two level types, from one list.
const LEVELS: [(LogLevel, Level); 5] = [
    (LogLevel::Error, Level::ERROR),
    (LogLevel::Warn, Level::WARN),
    (LogLevel::Info, Level::INFO),
    (LogLevel::Debug, Level::DEBUG),
    (LogLevel::Trace, Level::TRACE),
];

/// One event of the SDK: `message` ("retrying", "request", "response"), the
/// Rust module it came from, and its structured fields (`operation`,
/// `status`, `attempt`, `trace_id`, ...) as text. Never holds a secret.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LogRecord {
    pub level: LogLevel,
    pub target: String,
    pub message: String,
    pub fields: HashMap<String, String>,
}

/// Why a logger callback failed (the record is dropped; the call goes on).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum LoggerError {
    #[error("{reason}")]
    Failed { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for LoggerError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        LoggerError::Failed { reason: e.reason }
    }
}

/// Receives the SDK's records, on a runtime thread: hand them to your logging
/// framework, do not block.
#[uniffi::export(with_foreign)]
pub trait PartnerLogger: Send + Sync {
    /// One record of the SDK; a thrown error loses this record only.
    fn log(&self, record: LogRecord) -> Result<(), LoggerError>;
}

struct Foreign(Arc<dyn PartnerLogger>);

impl logs::LogSink for Foreign {
    fn log(&self, record: &logs::LogRecord) {
        let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        let _ = self.0.log(LogRecord {
            level: LEVELS
                .iter()
                .find(|(_, l)| *l == record.level)
                .map_or(LogLevel::Trace, |(ours, _)| *ours),
            target: record.target.to_string(),
            message: record.message.clone(),
            fields: record
                .fields
                .iter()
                .map(|(k, v)| ((*k).to_string(), text(v)))
                .collect(),
        });
    }
}

/// Sends the SDK's records at `level` and above to `logger` (`null` / `nil`
/// stops them). Replaces the previous logger.
#[uniffi::export]
pub fn set_logger(logger: Option<Arc<dyn PartnerLogger>>, level: LogLevel) {
    let level = LEVELS
        .iter()
        .find(|(ours, _)| *ours == level)
        .map_or(Level::WARN, |(_, l)| *l);
    logs::set_default_sink(logger.map(|l| (Arc::new(Foreign(l)) as Arc<dyn logs::LogSink>, level)));
}
