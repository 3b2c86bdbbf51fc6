//! `partner_webhooks._native`: the pyo3 module behind the `partner_webhooks`
//! Python package. No business logic here: types are converted, core calls
//! run on the shared runtime, and errors are mapped in `error.rs`.

mod client;
mod completions;
mod convert;
mod error;
#[cfg(feature = "test-hooks")]
mod hooks;
mod logs;
mod receiving;
mod reply;
mod sandbox;
mod token_provider;

use pyo3::prelude::*;

/// Name of the shared runtime's worker threads (tests check that I/O runs there).
#[pyfunction]
fn runtime_thread_name() -> &'static str {
    partner_webhooks_runtime::THREAD_NAME
}

/// The SDK's surface as the core declares it (operations, settings, error
/// classes), with Python spellings: the parity tests check the package against it.
#[pyfunction]
fn surface(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let s =
        partner_webhooks_runtime::surface::describe(partner_webhooks::settings::Language::Python);
    Ok(pythonize::pythonize(py, &s)?.unbind())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", partner_webhooks::VERSION)?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<completions::Completions>()?;
    m.add_class::<completions::CallHandle>()?;
    m.add_class::<receiving::WebhookVerifier>()?;
    receiving::add_event_classes(m)?;
    m.add_class::<sandbox::Sandbox>()?;
    m.add_function(wrap_pyfunction!(receiving::parse_event, m)?)?;
    m.add_function(wrap_pyfunction!(receiving::verify_signature, m)?)?;
    m.add_function(wrap_pyfunction!(receiving::sign, m)?)?;
    m.add_function(wrap_pyfunction!(receiving::io_signature, m)?)?;
    m.add_function(wrap_pyfunction!(sandbox::parse_delivery_log, m)?)?;
    m.add_function(wrap_pyfunction!(runtime_thread_name, m)?)?;
    m.add_function(wrap_pyfunction!(surface, m)?)?;
    logs::install();
    Ok(())
}
