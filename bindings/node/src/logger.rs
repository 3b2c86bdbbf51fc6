//! A client's `logger` option: the SDK's records handed to a JavaScript
//! function (the package calls `logger[level](fields, message)`, which suits
//! console and pino alike) on the JS thread, never blocking the runtime. Each
//! client registers its own sink and scopes its calls to it.

use std::sync::Arc;

use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use partner_webhooks::Error as CoreError;
use partner_webhooks_runtime::logs::{self, Level, LogRecord, LogSink, SinkId};
use serde_json::{Map, Value, json};

/// `(record: { level, message, fields, target }) => void`, weak so it never
/// keeps the process alive.
pub type JsLogger = ThreadsafeFunction<Value, (), Value, napi::Status, false, true>;

struct JsSink(JsLogger);

impl LogSink for JsSink {
    fn log(&self, record: &LogRecord) {
        let fields: Map<String, Value> = record
            .fields
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect();
        let value = json!({
            "level": record.level.as_str().to_ascii_lowercase(),
            "message": record.message,
            "fields": fields,
            "target": record.target,
        });
        // A full queue or a closing environment drops the record.
        let _ = self.0.call(value, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// The registration of one client's logger; dropping it unregisters.
pub struct Registration(SinkId);

impl Registration {
    /// Registers `logger` at `level` (`logLevel`: "off" … "trace"; default "warn").
    pub fn new(logger: JsLogger, level: Option<&str>) -> Result<Option<Self>, CoreError> {
        let level = match level {
            None => Some(Level::WARN),
            Some(name) => logs::parse_level(name)
                .map_err(|rule| CoreError::invalid_input("logLevel", rule))?,
        };
        Ok(level.map(|level| Registration(logs::register_sink(Arc::new(JsSink(logger)), level))))
    }

    /// The id calls are scoped to.
    pub fn id(&self) -> SinkId {
        self.0
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        logs::unregister_sink(self.0);
    }
}
