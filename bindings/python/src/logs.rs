//! The SDK's records into Python's `logging`, under the logger
//! `partner_webhooks`: its level and handlers decide, as for any library.
//!
//! The runtime's layer needs the level without the GIL, so every call
//! refreshes it from `logger.getEffectiveLevel()` while it holds the GIL
//! anyway ([`refresh_level`]); a record is then built only when the logger
//! takes it (checked again with `isEnabledFor`, which also honours
//! `logging.disable`). `logging` costs ~30 ms to import, so the package
//! never imports it: while the application has not imported it, nothing can
//! be configured to take a record and none is made. The first time the
//! logger is fetched it gets a `NullHandler`, as libraries do, so an
//! application without logging configuration prints nothing. The structured fields become attributes of the
//! `LogRecord` (`record.operation`, `record.status`, ...), and the message
//! lists them too, for formatters that show only `%(message)s`.

use std::sync::Arc;

use partner_webhooks_runtime::logs::{self, LogLevel, LogRecord, LogSink};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// The name of the Python logger.
pub const LOGGER: &str = "partner_webhooks";

/// Python's level number for `level` (trace is 5: `logging` has no name for it).
fn py_level(level: LogLevel) -> u32 {
    match level {
        LogLevel::Error => 40,
        LogLevel::Warn => 30,
        LogLevel::Info => 20,
        LogLevel::Debug => 10,
        LogLevel::Trace => 5,
    }
}

/// The most verbose of our levels that a logger at `effective` takes.
fn ours(effective: i64) -> Option<LogLevel> {
    match effective {
        i64::MIN..=5 => Some(LogLevel::Trace),
        6..=10 => Some(LogLevel::Debug),
        11..=20 => Some(LogLevel::Info),
        21..=30 => Some(LogLevel::Warn),
        31..=40 => Some(LogLevel::Error),
        _ => None,
    }
}

static LOGGER_OBJ: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The `partner_webhooks` logger, once the application has imported `logging`.
fn logger(py: Python<'_>) -> PyResult<Option<&Py<PyAny>>> {
    if let Some(l) = LOGGER_OBJ.get(py) {
        return Ok(Some(l));
    }
    let modules = py.import("sys")?.getattr("modules")?;
    let Some(logging) = modules.cast::<PyDict>()?.get_item("logging")? else {
        return Ok(None);
    };
    let l = LOGGER_OBJ.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let l = logging.call_method1("getLogger", (LOGGER,))?;
        l.call_method1("addHandler", (logging.call_method0("NullHandler")?,))?;
        Ok(l.unbind())
    })?;
    Ok(Some(l))
}

/// Reads the logger's effective level into the runtime's filter (a call's
/// start, with the GIL held).
pub fn refresh_level(py: Python<'_>) {
    let level = match logger(py) {
        Ok(Some(l)) => l
            .bind(py)
            .call_method0("getEffectiveLevel")
            .and_then(|v| v.extract::<i64>())
            .ok()
            .and_then(ours),
        _ => None,
    };
    logs::set_default_level(level);
}

struct PythonLogging;

impl LogSink for PythonLogging {
    fn log(&self, record: &LogRecord) {
        Python::attach(|py| {
            let _ = emit(py, record);
        });
    }
}

fn emit(py: Python<'_>, record: &LogRecord) -> PyResult<()> {
    let Some(logger) = logger(py)? else {
        return Ok(());
    };
    let logger = logger.bind(py);
    let level = py_level(record.level);
    if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
        return Ok(());
    }
    let extra = PyDict::new(py);
    for (name, value) in &record.fields {
        let value = pythonize::pythonize(py, &serde_json::Value::from(value))?;
        extra.set_item(*name, value)?;
    }
    // The record names the Rust module as its "file" (no Python frame made it).
    let made = logger.call_method1(
        "makeRecord",
        (
            LOGGER,
            level,
            record.target,
            0,
            record.text(),
            (),
            py.None(),
            py.None(),
            extra,
        ),
    )?;
    logger.call_method1("handle", (made,))?;
    Ok(())
}

/// Makes `logging` the default sink (module import; it takes nothing until
/// a call finds the logger's level).
pub fn install() {
    logs::set_default_sink(Some((Arc::new(PythonLogging), LogLevel::Warn)));
    logs::set_default_level(None);
}
