//! The SDK's `tracing` events handed to the host language's logger: Python's
//! `logging`, a Node `logger` (console or pino), a Kotlin/Swift callback.
//!
//! One `tracing` layer, installed with the runtime, turns each event into a
//! [`LogRecord`] (level, target, message and the structured fields) and gives
//! it to a [`LogSink`]:
//!
//! * the **default sink** ([`set_default_sink`]) receives every record at or
//!   above its level (Python's `partner_webhooks` logger, Kotlin's
//!   `setLogger`);
//! * a **scoped sink** ([`register_sink`]) receives the records of the calls
//!   run inside [`scoped`] with its id (a Node client's own `logger`), and
//!   the default sink does not.
//!
//! Filtering costs one atomic load per event while no sink wants it. The core
//! never puts a key, token, password or header value into an event, so no
//! record holds one.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use partner_webhooks_runtime::logs::{self, LogLevel, LogRecord, LogSink};
//!
//! struct Collect(Mutex<Vec<String>>);
//! impl LogSink for Collect {
//!     fn log(&self, record: &LogRecord) {
//!         self.0.lock().unwrap().push(format!("{} {}", record.level.as_str(), record.message));
//!     }
//! }
//! let sink = Arc::new(Collect(Mutex::new(Vec::new())));
//! let id = logs::register_sink(sink.clone(), LogLevel::Warn);
//! partner_webhooks_runtime::block_on(logs::scoped(Some(id), async {
//!     // Only the SDK's own targets (`partner_webhooks*`) reach the sinks.
//!     tracing::warn!(target: "partner_webhooks::transport", attempt = 1u64, "retrying");
//!     tracing::debug!(target: "partner_webhooks::transport", "below the sink's level");
//!     tracing::warn!(target: "hyper_util::client", "not the SDK's");
//! }))
//! .unwrap();
//! logs::unregister_sink(id);
//! assert_eq!(*sink.0.lock().unwrap(), ["warn retrying"]);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tracing::field::{Field, Visit};
use tracing::instrument::Instrument;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// A record's severity, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// A call failed in a way the caller sees as an error.
    Error = 1,
    /// Something went wrong and was handled (a retry).
    Warn = 2,
    /// Rare milestones.
    Info = 3,
    /// One line per request and response.
    Debug = 4,
    /// Everything.
    Trace = 5,
}

impl LogLevel {
    /// The lower-case name (`"warn"`), as Node's `logLevel` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }

    /// Parses [`as_str`](Self::as_str); `"off"` is `Ok(None)`.
    ///
    /// ```
    /// use partner_webhooks_runtime::logs::LogLevel;
    /// assert_eq!(LogLevel::parse("debug"), Ok(Some(LogLevel::Debug)));
    /// assert_eq!(LogLevel::parse("off"), Ok(None));
    /// assert!(LogLevel::parse("loud").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<Option<LogLevel>, String> {
        Ok(Some(match name {
            "off" => return Ok(None),
            "error" => LogLevel::Error,
            "warn" => LogLevel::Warn,
            "info" => LogLevel::Info,
            "debug" => LogLevel::Debug,
            "trace" => LogLevel::Trace,
            _ => {
                return Err(
                    "must be one of \"off\", \"error\", \"warn\", \"info\", \"debug\", \"trace\""
                        .into(),
                );
            }
        }))
    }

    fn of(level: &tracing::Level) -> LogLevel {
        match *level {
            tracing::Level::ERROR => LogLevel::Error,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::DEBUG => LogLevel::Debug,
            _ => LogLevel::Trace,
        }
    }
}

/// A structured field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Text (also what `Debug`/`Display` fields become).
    Str(String),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Str(s) => f.write_str(s),
            FieldValue::Int(n) => write!(f, "{n}"),
            FieldValue::Float(n) => write!(f, "{n}"),
            FieldValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl From<&FieldValue> for serde_json::Value {
    fn from(v: &FieldValue) -> Self {
        match v {
            FieldValue::Str(s) => s.as_str().into(),
            FieldValue::Int(n) => (*n).into(),
            FieldValue::Float(n) => (*n).into(),
            FieldValue::Bool(b) => (*b).into(),
        }
    }
}

/// One event of the SDK.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// Severity.
    pub level: LogLevel,
    /// The Rust module it came from (`partner_webhooks::transport`).
    pub target: &'static str,
    /// What happened (`"retrying"`, `"request"`, `"response"`).
    pub message: String,
    /// The structured fields (`operation`, `status`, `attempt`, ...), in order.
    pub fields: Vec<(&'static str, FieldValue)>,
}

impl LogRecord {
    /// The message followed by the fields as `key=value` (for loggers that
    /// show only a message).
    ///
    /// ```
    /// use partner_webhooks_runtime::logs::{FieldValue, LogLevel, LogRecord};
    /// let r = LogRecord {
    ///     level: LogLevel::Warn,
    ///     target: "partner_webhooks::transport",
    ///     message: "retrying".into(),
    ///     fields: vec![("operation", FieldValue::Str("get_webhook_url".into())), ("attempt", FieldValue::Int(1))],
    /// };
    /// assert_eq!(r.text(), "retrying operation=get_webhook_url attempt=1");
    /// ```
    pub fn text(&self) -> String {
        let mut out = self.message.clone();
        for (k, v) in &self.fields {
            out.push(' ');
            out.push_str(k);
            out.push('=');
            out.push_str(&v.to_string());
        }
        out
    }

    /// The fields as a JSON object.
    pub fn fields_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.fields
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.into()))
                .collect(),
        )
    }
}

/// Where records go: implemented once per language.
pub trait LogSink: Send + Sync + 'static {
    /// Hands over one record; called on a runtime thread. Must not panic.
    fn log(&self, record: &LogRecord);
}

/// The id of a sink registered with [`register_sink`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SinkId(u64);

struct Registered {
    sink: Arc<dyn LogSink>,
    /// `LogLevel as u8`; 0 takes nothing.
    level: u8,
}

#[derive(Default)]
struct Sinks {
    default: Option<Registered>,
    scoped: HashMap<u64, Registered>,
}

static SINKS: RwLock<Option<Sinks>> = RwLock::new(None);
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
/// The most verbose level any sink wants (0: none).
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);
/// Whether any scoped sink exists (the routing spans are created only then).
static ANY_SCOPED: AtomicU8 = AtomicU8::new(0);

const SINK_SPAN: &str = "partner_webhooks.sink";

fn update(f: impl FnOnce(&mut Sinks)) {
    let mut guard = SINKS.write().unwrap_or_else(|e| e.into_inner());
    let sinks = guard.get_or_insert_with(Sinks::default);
    f(sinks);
    let max = sinks
        .default
        .iter()
        .chain(sinks.scoped.values())
        .map(|r| r.level)
        .max()
        .unwrap_or(0);
    MAX_LEVEL.store(max, Ordering::Release);
    ANY_SCOPED.store(u8::from(!sinks.scoped.is_empty()), Ordering::Release);
}

/// Sets (or with `None` removes) the sink for records outside any scoped
/// call, with the least severe level it takes.
pub fn set_default_sink(sink: Option<(Arc<dyn LogSink>, LogLevel)>) {
    crate::install_subscriber();
    update(|s| {
        s.default = sink.map(|(sink, level)| Registered {
            sink,
            level: level as u8,
        })
    });
}

/// Changes the default sink's level (`None`: it takes nothing for now)
/// without replacing it; one read lock when nothing changes (Python calls it
/// on every call with its logger's effective level).
pub fn set_default_level(level: Option<LogLevel>) {
    let wanted = level.map_or(0, |l| l as u8);
    {
        let guard = SINKS.read().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref().and_then(|s| s.default.as_ref()) {
            None => return,
            Some(d) if d.level == wanted => return,
            Some(_) => {}
        }
    }
    update(|s| {
        if let Some(d) = s.default.as_mut() {
            d.level = wanted;
        }
    });
}

/// Registers a sink for the calls run in [`scoped`] with the returned id.
pub fn register_sink(sink: Arc<dyn LogSink>, level: LogLevel) -> SinkId {
    crate::install_subscriber();
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    update(|s| {
        s.scoped.insert(
            id,
            Registered {
                sink,
                level: level as u8,
            },
        );
    });
    SinkId(id)
}

/// Removes a sink registered with [`register_sink`].
pub fn unregister_sink(id: SinkId) {
    update(|s| {
        s.scoped.remove(&id.0);
    });
}

/// `fut`, with its records going to the sink `id` (unchanged when `None`).
pub fn scoped<F: Future>(id: Option<SinkId>, fut: F) -> tracing::instrument::Instrumented<F> {
    let span = match id {
        Some(SinkId(id)) if ANY_SCOPED.load(Ordering::Acquire) != 0 => {
            tracing::info_span!(target: "partner_webhooks_runtime", SINK_SPAN, sink = id)
        }
        _ => tracing::Span::none(),
    };
    fut.instrument(span)
}

fn wanted(meta: &Metadata<'_>) -> bool {
    // The SDK's own records only: the HTTP stack's debug lines stay out of
    // the application's logs (`PARTNER_WEBHOOKS_LOG` can still show them).
    if !meta.target().starts_with("partner_webhooks") {
        return false;
    }
    if meta.is_span() {
        return meta.name() == SINK_SPAN && ANY_SCOPED.load(Ordering::Acquire) != 0;
    }
    (LogLevel::of(meta.level()) as u8) <= MAX_LEVEL.load(Ordering::Acquire)
}

/// The layer that feeds the sinks (installed by the runtime).
pub(crate) fn layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    HostLayer.with_filter(tracing_subscriber::filter::dynamic_filter_fn(|meta, _| {
        wanted(meta)
    }))
}

struct HostLayer;

struct SinkOf(u64);

#[derive(Default)]
struct Collect {
    message: String,
    fields: Vec<(&'static str, FieldValue)>,
    sink: Option<u64>,
}

impl Visit for Collect {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else {
            self.fields.push((field.name(), FieldValue::Str(text)));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.fields
                .push((field.name(), FieldValue::Str(value.to_string())));
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "sink" {
            self.sink = Some(value);
        }
        let v = i64::try_from(value).map_or(FieldValue::Float(value as f64), FieldValue::Int);
        self.fields.push((field.name(), v));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.fields.push((field.name(), FieldValue::Int(value)));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.fields.push((field.name(), FieldValue::Float(value)));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.fields.push((field.name(), FieldValue::Bool(value)));
    }
}

impl<S> Layer<S> for HostLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut c = Collect::default();
        attrs.record(&mut c);
        if let (Some(sink), Some(span)) = (c.sink, ctx.span(id)) {
            span.extensions_mut().insert(SinkOf(sink));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let level = LogLevel::of(event.metadata().level());
        let scoped = ctx.event_scope(event).and_then(|scope| {
            scope
                .into_iter()
                .find_map(|span| span.extensions().get::<SinkOf>().map(|s| s.0))
        });
        let guard = SINKS.read().unwrap_or_else(|e| e.into_inner());
        let Some(sinks) = guard.as_ref() else { return };
        let target = match scoped {
            Some(id) => sinks.scoped.get(&id),
            None => sinks.default.as_ref(),
        };
        let Some(target) = target.filter(|t| (level as u8) <= t.level) else {
            return;
        };
        let mut c = Collect::default();
        event.record(&mut c);
        let record = LogRecord {
            level,
            target: event.metadata().target(),
            message: c.message,
            fields: c.fields,
        };
        // A sink must not panic; if one does (an interpreter shutting down),
        // the record is dropped and the call goes on.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            target.sink.log(&record);
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Keep(Mutex<Vec<LogRecord>>);
    impl LogSink for Keep {
        fn log(&self, record: &LogRecord) {
            self.0.lock().unwrap().push(record.clone());
        }
    }

    #[test]
    fn scoped_records_go_to_their_sink_with_fields_and_levels_are_honoured() {
        let a = Arc::new(Keep::default());
        let b = Arc::new(Keep::default());
        let ia = register_sink(a.clone(), LogLevel::Debug);
        let ib = register_sink(b.clone(), LogLevel::Error);
        crate::block_on(scoped(Some(ia), async {
            tracing::debug!(target: "partner_webhooks::transport", operation = "get_webhook_url", status = 200u64, ok = true, "response");
            tracing::trace!("too verbose");
        }))
        .unwrap();
        crate::block_on(scoped(Some(ib), async {
            tracing::warn!("not severe enough for b");
            tracing::error!(kind = %"Server", "failed");
        }))
        .unwrap();
        unregister_sink(ia);
        unregister_sink(ib);
        let a = a.0.lock().unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].message, "response");
        assert_eq!(a[0].target, "partner_webhooks::transport");
        assert_eq!(
            a[0].fields_json(),
            serde_json::json!({"operation": "get_webhook_url", "status": 200, "ok": true})
        );
        let b = b.0.lock().unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(
            (b[0].level, b[0].fields[0].1.to_string()),
            (LogLevel::Error, "Server".into())
        );
    }
}
