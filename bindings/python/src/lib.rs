//! `partner_webhooks._native`: the pyo3 module behind the `partner_webhooks`
//! Python package. No business logic here: types are converted, core calls
//! run on the shared runtime, and errors are mapped in `error.rs`.

mod client;
mod convert;
mod error;
mod receiving;
mod sandbox;
mod token_provider;

use pyo3::prelude::*;

/// Hands pyo3-async-runtimes the shared runtime, so awaitables run there too.
fn init_runtime() -> PyResult<()> {
    let rt = partner_webhooks_runtime::runtime().map_err(error::BindingError::from)?;
    // Err means another module already set it: it is ours either way.
    let _ = pyo3_async_runtimes::tokio::init_with_runtime(rt);
    Ok(())
}

/// Name of the shared runtime's worker threads (tests check that I/O runs there).
#[pyfunction]
fn runtime_thread_name() -> &'static str {
    partner_webhooks_runtime::THREAD_NAME
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    init_runtime()?;
    m.add("__version__", partner_webhooks::VERSION)?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<receiving::WebhookVerifier>()?;
    m.add_class::<receiving::Event>()?;
    m.add_class::<sandbox::Sandbox>()?;
    m.add_function(wrap_pyfunction!(receiving::parse_event, m)?)?;
    m.add_function(wrap_pyfunction!(receiving::verify_signature, m)?)?;
    m.add_function(wrap_pyfunction!(receiving::sign, m)?)?;
    m.add_function(wrap_pyfunction!(receiving::io_signature, m)?)?;
    m.add_function(wrap_pyfunction!(runtime_thread_name, m)?)?;
    Ok(())
}
