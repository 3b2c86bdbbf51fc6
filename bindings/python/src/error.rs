//! The one place where Rust errors become Python exceptions.
//!
//! The exception classes live in pure Python (`partner_webhooks/_exceptions.py`)
//! so they can be subclassed, pickled and documented like any Python class;
//! this module picks the class by error kind and fills in its attributes.

use partner_webhooks_runtime::CallError;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The binding's handle on [`CallError`] (a local type, so that it can
/// convert into `PyErr`); anything convertible into `CallError` converts into it.
pub struct BindingError(pub CallError);

impl<E: Into<CallError>> From<E> for BindingError {
    fn from(e: E) -> Self {
        BindingError(e.into())
    }
}

fn build(
    py: Python<'_>,
    class: &str,
    message: String,
    attrs: &Bound<'_, PyDict>,
) -> PyResult<PyErr> {
    let module = py.import("partner_webhooks._exceptions")?;
    let exc = module.getattr(class)?.call((message,), Some(attrs))?;
    Ok(PyErr::from_value(exc))
}

impl BindingError {
    fn to_pyerr(&self, py: Python<'_>) -> PyResult<PyErr> {
        let e = &self.0;
        let attrs = PyDict::new(py);
        attrs.set_item("kind", e.kind_name())?;
        match e {
            CallError::Client(e) => {
                attrs.set_item("status_code", e.status())?;
                attrs.set_item("trace_id", e.trace_id())?;
                attrs.set_item("developer_message", e.developer_message())?;
                let details = match e.details() {
                    Some(d) => pythonize::pythonize(py, d)?.unbind(),
                    None => py.None(),
                };
                attrs.set_item("details", details)?;
                attrs.set_item("body", e.body())?;
                attrs.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
                attrs.set_item("attempts", e.attempts())?;
                attrs.set_item("field", e.field())?;
                attrs.set_item("headers", crate::reply::headers_dict(py, e.header_pairs())?)?;
            }
            CallError::Verify(e) => attrs.set_item("http_status", e.http_status())?,
            _ => {}
        }
        build(py, e.class_name(), e.to_string(), &attrs)
    }
}

impl From<BindingError> for PyErr {
    fn from(e: BindingError) -> PyErr {
        Python::attach(|py| match e.to_pyerr(py) {
            Ok(err) => err,
            // The exceptions module itself failed to load: still raise, plainly.
            Err(load) => PyRuntimeError::new_err(format!("{} (and {load})", plain_message(&e))),
        })
    }
}

fn plain_message(e: &BindingError) -> String {
    e.0.to_string()
}

/// Shorthand for binding results.
pub type BindingResult<T> = Result<T, BindingError>;
