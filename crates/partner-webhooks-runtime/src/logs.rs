//! The SDK's `tracing` events handed to the host language's logger: Python's
//! `logging`, a Node client's `logger`, a Kotlin/Swift `setLogger` callback.
//!
//! One `tracing` layer turns each event of the SDK's own targets into a
//! [`LogRecord`] and gives it to a [`LogSink`]: the **default sink**
//! ([`set_default_sink`]: Python, Kotlin, Swift), or the **scoped sink** of the
//! task a call runs in ([`scoped`], [`register_sink`]: a Node client's own
//! logger; a tokio task-local names it).
//! While no sink wants an event, filtering it costs one atomic load. The core
//! never puts a key, token, password or header value into an event.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use partner_webhooks_runtime::logs::{self, LogRecord, LogSink};
//! use tracing::Level;
//!
//! struct Collect(Mutex<Vec<String>>);
//! impl LogSink for Collect {
//!     fn log(&self, record: &LogRecord) {
//!         self.0.lock().unwrap().push(format!("{} {}", record.level, record.message));
//!     }
//! }
//! let sink = Arc::new(Collect(Mutex::new(Vec::new())));
//! let id = logs::register_sink(sink.clone(), Level::WARN);
//! partner_webhooks_runtime::block_on(logs::scoped(Some(id), async {
//!     // Only the SDK's own targets (`partner_webhooks*`) reach the sinks.
//!     tracing::warn!(target: "partner_webhooks::transport", attempt = 1u64, "retrying");
//!     tracing::debug!(target: "partner_webhooks::transport", "below the sink's level");
//!     tracing::warn!(target: "hyper_util::client", "not the SDK's");
//! }))
//! .unwrap();
//! logs::unregister_sink(id);
//! assert_eq!(*sink.0.lock().unwrap(), ["WARN retrying"]);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde_json::Value;
use tokio::task::futures::TaskLocalFuture;
pub use tracing::Level;
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
#[cfg(feature = "stderr-log")]
use tracing_subscriber::registry::LookupSpan;

/// `"off"` or a level's name in lower case (`"warn"`), as Node's `logLevel`
/// spells them; `Ok(None)` for `"off"`.
///
/// ```
/// use partner_webhooks_runtime::logs::{Level, parse_level};
/// assert_eq!(parse_level("debug"), Ok(Some(Level::DEBUG)));
/// assert_eq!(parse_level("off"), Ok(None));
/// assert!(parse_level("loud").is_err());
/// ```
pub fn parse_level(name: &str) -> Result<Option<Level>, String> {
    match name {
        "off" => Ok(None),
        "error" | "warn" | "info" | "debug" | "trace" => Ok(name.parse().ok()),
        _ => Err(r#"must be one of "off", "error", "warn", "info", "debug", "trace""#.into()),
    }
}

/// 1 (error) to 5 (trace); 0 takes nothing.
fn rank(level: Option<Level>) -> u8 {
    match level {
        None => 0,
        Some(Level::ERROR) => 1,
        Some(Level::WARN) => 2,
        Some(Level::INFO) => 3,
        Some(Level::DEBUG) => 4,
        Some(_) => 5,
    }
}

/// One event of the SDK.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// Severity.
    pub level: Level,
    /// The Rust module it came from (`partner_webhooks::transport`).
    pub target: &'static str,
    /// What happened (`"retrying"`, `"request"`, `"response"`).
    pub message: String,
    /// The structured fields (`operation`, `status`, `attempt`, ...), in order.
    pub fields: Vec<(&'static str, Value)>,
}

impl LogRecord {
    /// The message followed by the fields as `key=value`, for loggers that
    /// show only a message: `retrying operation=get_webhook_url attempt=1`.
    pub fn text(&self) -> String {
        let mut out = self.message.clone();
        for (k, v) in &self.fields {
            match v {
                Value::String(s) => out.push_str(&format!(" {k}={s}")),
                other => out.push_str(&format!(" {k}={other}")),
            }
        }
        out
    }
}

/// Where records go: implemented once per language.
pub trait LogSink: Send + Sync + 'static {
    /// Hands over one record; called on a runtime thread.
    fn log(&self, record: &LogRecord);
}

/// The id of a sink registered with [`register_sink`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SinkId(u64);

type Registered = (Arc<dyn LogSink>, u8);

#[derive(Default)]
struct Sinks {
    default: Option<Registered>,
    scoped: HashMap<u64, Registered>,
}

static SINKS: RwLock<Option<Sinks>> = RwLock::new(None);
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
/// The most verbose rank any sink wants (0: none).
static MAX_RANK: AtomicU8 = AtomicU8::new(0);
tokio::task_local! {
    /// The sink of the call this task runs (see [`scoped`]).
    static SCOPE: u64;
}
/// [`SCOPE`] for "the default sink" (sink ids start at 1).
const DEFAULT: u64 = 0;

fn update(f: impl FnOnce(&mut Sinks)) {
    crate::install_subscriber();
    let mut guard = SINKS.write().unwrap_or_else(|e| e.into_inner());
    let sinks = guard.get_or_insert_with(Sinks::default);
    f(sinks);
    let all = sinks.default.iter().chain(sinks.scoped.values());
    MAX_RANK.store(all.map(|r| r.1).max().unwrap_or(0), Ordering::Release);
}

/// Sets (or with `None` removes) the sink for the records of calls outside
/// any [`scoped`] one, with the least severe level it takes.
pub fn set_default_sink(sink: Option<(Arc<dyn LogSink>, Level)>) {
    update(|s| s.default = sink.map(|(sink, level)| (sink, rank(Some(level)))));
}

/// Changes the default sink's level (`None`: nothing for now) without
/// replacing it; one read lock when nothing changes (Python calls it on every
/// call with its logger's effective level).
pub fn set_default_level(level: Option<Level>) {
    let wanted = rank(level);
    let guard = SINKS.read().unwrap_or_else(|e| e.into_inner());
    if guard
        .as_ref()
        .and_then(|s| s.default.as_ref())
        .is_none_or(|d| d.1 == wanted)
    {
        return;
    }
    drop(guard);
    update(|s| s.default.iter_mut().for_each(|d| d.1 = wanted));
}

/// Registers a sink for the calls run in [`scoped`] with the returned id.
pub fn register_sink(sink: Arc<dyn LogSink>, level: Level) -> SinkId {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    update(|s| drop(s.scoped.insert(id, (sink, rank(Some(level))))));
    SinkId(id)
}

/// Removes a sink registered with [`register_sink`].
pub fn unregister_sink(id: SinkId) {
    update(|s| drop(s.scoped.remove(&id.0)));
}

/// `fut`, with its records going to the sink `id` (the default sink when
/// `None`). A plain wrapper, not an `async fn`: that would hold `fut` twice
/// in its state, and a Node call waiting in the runtime would cost twice the
/// memory (10 000 pending calls: 142 MB became 177 MB).
pub fn scoped<F: Future>(id: Option<SinkId>, fut: F) -> TaskLocalFuture<u64, F> {
    SCOPE.scope(id.map_or(DEFAULT, |SinkId(id)| id), fut)
}

/// Whether some sink wants `meta`: an event of the SDK's own targets at a
/// level a sink takes. Dynamic: the sinks' levels change while callsites stay.
/// Events only: the sinks take no spans, so none is built for them.
fn wants(meta: &tracing::Metadata<'_>) -> bool {
    meta.is_event()
        && meta.target().starts_with("partner_webhooks")
        && rank(Some(*meta.level())) <= MAX_RANK.load(Ordering::Acquire)
}

/// The layer alone: its own `enabled` filters for the whole subscriber.
pub(crate) fn layer() -> HostLayer {
    HostLayer
}

/// The layer beside another (the stderr lines): a per-layer filter.
#[cfg(feature = "stderr-log")]
pub(crate) fn filtered_layer<S: Subscriber + for<'a> LookupSpan<'a>>() -> impl Layer<S> {
    HostLayer.with_filter(tracing_subscriber::filter::dynamic_filter_fn(|meta, _| {
        wants(meta)
    }))
}

/// The layer that feeds the sinks (installed by the runtime): the SDK's own
/// records only, so the HTTP stack's stay out of the application's logs
/// (`PARTNER_WEBHOOKS_LOG` can still show them).
pub(crate) struct HostLayer;

/// An event's message and fields.
#[derive(Default)]
struct Collect(String, Vec<(&'static str, Value)>);

impl Visit for Collect {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record_value(field, Value::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_value(field, value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.record_value(field, value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_value(field, value.into());
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.record_value(field, value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.record_value(field, value.into());
    }
}

impl Collect {
    fn record_value(&mut self, field: &Field, value: Value) {
        match (field.name(), value) {
            ("message", Value::String(s)) => self.0 = s,
            (name, value) => self.1.push((name, value)),
        }
    }
}

impl<S: Subscriber> Layer<S> for HostLayer {
    fn register_callsite(&self, meta: &'static tracing::Metadata<'static>) -> Interest {
        if meta.is_event() && meta.target().starts_with("partner_webhooks") {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        wants(meta)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let guard = SINKS.read().unwrap_or_else(|e| e.into_inner());
        let Some(sinks) = guard.as_ref() else { return };
        let sink = match SCOPE.try_with(|id| *id) {
            Ok(id) if id != DEFAULT => sinks.scoped.get(&id),
            _ => sinks.default.as_ref(),
        };
        let (meta, mut c) = (event.metadata(), Collect::default());
        let Some((sink, _)) = sink.filter(|s| rank(Some(*meta.level())) <= s.1) else {
            return;
        };
        event.record(&mut c);
        let record = LogRecord {
            level: *meta.level(),
            target: meta.target(),
            message: c.0,
            fields: c.1,
        };
        // A sink that panics (an interpreter shutting down) loses the record;
        // the call goes on.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink.log(&record)));
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
        let (a, b) = (Arc::new(Keep::default()), Arc::new(Keep::default()));
        let (ia, ib) = (
            register_sink(a.clone(), Level::DEBUG),
            register_sink(b.clone(), Level::ERROR),
        );
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
        assert_eq!(
            (a.len(), a[0].message.as_str(), a[0].target),
            (1, "response", "partner_webhooks::transport")
        );
        assert_eq!(
            a[0].text(),
            "response operation=get_webhook_url status=200 ok=true"
        );
        let b = b.0.lock().unwrap();
        assert_eq!(
            (b.len(), b[0].level, b[0].fields[0].1.clone()),
            (1, Level::ERROR, Value::from("Server"))
        );
    }

    /// The runtime's own subscriber (no `PARTNER_WEBHOOKS_LOG` in the test
    /// environment): no sink takes spans, so none is built. Failed while the
    /// host layer sat behind a per-layer filter.
    #[test]
    fn no_span_is_built_when_no_sink_listens() {
        crate::install_subscriber();
        let span =
            tracing::info_span!(target: "partner_webhooks::transport", "partner_webhooks.request");
        assert!(span.is_disabled());
    }
}
