//! The SDK's records into Python's `logging`, under the logger
//! `partner_webhooks`: its level and handlers decide, as for any library.
//!
//! The runtime's layer needs the level without the GIL, so each call refreshes
//! it from `logger.getEffectiveLevel()` while it holds the GIL anyway
//! ([`refresh_level`]). `logging` costs ~30 ms to import, so the package never
//! imports it: until the application has, no record can be taken and none is
//! made. The logger gets a `NullHandler` when first fetched, as libraries do.
//! The structured fields become attributes of the `LogRecord`
//! (`record.operation`, ...), and the message lists them too.

use std::sync::Arc;

use partner_webhooks_runtime::logs::{self, Level, LogRecord, LogSink};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// The name of the Python logger.
pub const LOGGER: &str = "partner_webhooks";

/// `logging`'s number for each level, most severe first (trace is 5: `logging` has no name for it).
const PY_LEVELS: [(Level, i64); 5] = [
    (Level::ERROR, 40),
    (Level::WARN, 30),
    (Level::INFO, 20),
    (Level::DEBUG, 10),
    (Level::TRACE, 5),
];

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
    Ok(Some(LOGGER_OBJ.get_or_try_init(
        py,
        || -> PyResult<Py<PyAny>> {
            let l = logging.call_method1("getLogger", (LOGGER,))?;
            l.call_method1("addHandler", (logging.call_method0("NullHandler")?,))?;
            Ok(l.unbind())
        },
    )?))
}

/// Reads the logger's effective level into the runtime's filter (a call's
/// start, with the GIL held): the most verbose of our levels it takes.
pub fn refresh_level(py: Python<'_>) {
    let effective = match logger(py) {
        Ok(Some(l)) => l
            .bind(py)
            .call_method0("getEffectiveLevel")
            .and_then(|v| v.extract::<i64>())
            .ok(),
        _ => None,
    };
    let level = effective.and_then(|e| {
        PY_LEVELS
            .iter()
            .rev()
            .find(|(_, n)| e <= *n)
            .map(|(l, _)| *l)
    });
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
    let level = PY_LEVELS
        .iter()
        .find(|(l, _)| *l == record.level)
        .map_or(5, |(_, n)| *n);
    if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
        return Ok(());
    }
    let extra = PyDict::new(py);
    for (name, value) in &record.fields {
        extra.set_item(*name, pythonize::pythonize(py, value)?)?;
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

/// Makes `logging` the default sink (module import; it takes nothing until a
/// call finds the logger's level).
pub fn install() {
    logs::set_default_sink(Some((Arc::new(PythonLogging), Level::WARN)));
    logs::set_default_level(None);
}
