//! `NativeClient`: the Partner API client for Python. The Python classes
//! `Client` and `AsyncClient` (in `partner_webhooks/_client.py`) wrap it.
//! Every operation goes through the one dispatch of the core
//! (`PartnerClient::invoke`), named by its table name: an operation added to
//! the core's table needs nothing here.

use std::future::Future;
use std::sync::Arc;

use partner_webhooks::operations::Operation;
use partner_webhooks::{ClientConfigBuilder, ClientSettings, Error, PartnerClient, RequestOptions};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use serde_json::Value;

use crate::completions::{CallHandle, Completions};
use crate::convert::{opt_count, opt_flag, opt_path, opt_seconds, opt_str};
use crate::error::{BindingError, BindingResult};
use crate::reply::{Reply, into_py};
use crate::token_provider::PyTokenProvider;

/// The core's `ClientSettings` from keyword arguments, made from the core's one
/// list of settings (`for_each_client_setting!`): each converted by its kind,
/// an unknown name refused.
macro_rules! py_client_settings {
    ($( $(#[$a:meta])* $name:ident / $secs:ident / $ms:ident : $ty:ty = $kind:ident, env $env:expr, $summary:literal; )*) => {
        fn settings_from(py: Python<'_>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<ClientSettings> {
            let mut settings = ClientSettings::default();
            for (key, value) in kwargs.into_iter().flat_map(|k| k.iter()) {
                let key: String = key.extract()?;
                if value.is_none() {
                    continue;
                }
                match key.as_str() {
                    $( stringify!($name) => settings.$name = py_setting!($kind, py, stringify!($name), value), )*
                    other => {
                        return Err(BindingError::from(Error::invalid_input(
                            other.to_string(),
                            "is not a client setting",
                        ))
                        .into())
                    }
                }
            }
            Ok(settings)
        }
    };
}

/// One setting from Python, by its kind (a wrong type or value names it).
macro_rules! py_setting {
    (Callback, $py:ident, $name:expr, $v:ident) => {
        Some(token_provider($py, $name, $v)?)
    };
    (Duration, $py:ident, $name:expr, $v:ident) => {
        opt_seconds($name, Some(&$v))?
    };
    (Count, $py:ident, $name:expr, $v:ident) => {
        opt_count($name, Some(&$v))?
    };
    (Flag, $py:ident, $name:expr, $v:ident) => {
        opt_flag($name, Some(&$v))?
    };
    (Path, $py:ident, $name:expr, $v:ident) => {
        opt_path($name, Some(&$v))?
    };
    ($kind:ident, $py:ident, $name:expr, $v:ident) => {
        opt_str($name, Some(&$v))?
    };
}

partner_webhooks::for_each_client_setting!(py_client_settings);

/// A token provider: any callable.
fn token_provider(
    py: Python<'_>,
    name: &str,
    value: Bound<'_, PyAny>,
) -> PyResult<Arc<dyn partner_webhooks::TokenProvider>> {
    if value.is_callable() {
        return Ok(Arc::new(PyTokenProvider::new(py, value.unbind())?));
    }
    let got = value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default();
    Err(BindingError::from(Error::invalid_input(
        name.to_string(),
        format!("must be a callable (got {got})"),
    ))
    .into())
}

/// The native client. Use `partner_webhooks.Client` / `AsyncClient` instead.
#[pyclass(module = "partner_webhooks._native", frozen)]
pub struct NativeClient {
    client: PartnerClient,
}

#[pymethods]
impl NativeClient {
    /// Takes the core's settings as keyword arguments, each converted by its
    /// kind (`settings_from`); `None` leaves one unset.
    #[new]
    #[pyo3(signature = (**settings))]
    fn new(py: Python<'_>, settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let settings = settings_from(py, settings)?;
        let version = py.version_info();
        let config = ClientConfigBuilder::from_env()
            .settings(settings)
            .user_agent_suffix(format!("python/{}.{}", version.major, version.minor))
            .build()
            .map_err(BindingError::from)?;
        let client = PartnerClient::new(config).map_err(BindingError::from)?;
        Ok(NativeClient { client })
    }

    /// The configuration, with secrets redacted.
    fn __repr__(&self) -> String {
        let c = self.client.config();
        format!(
            "NativeClient(base_url={:?}, credentials={:?}, timeout={}, max_retries={})",
            c.base_url().as_str(),
            c.credentials(),
            c.timeout().as_secs_f64(),
            c.max_retries()
        )
    }

    /// The resolved configuration without secrets (keys: the core's setting names).
    fn config(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(pythonize::pythonize(py, &self.client.config().summary())?.unbind())
    }

    /// The base URL in use.
    #[getter]
    fn base_url(&self) -> String {
        self.client.config().base_url_str().to_string()
    }

    /// The total timeout per call, in seconds.
    #[getter]
    fn timeout(&self) -> f64 {
        self.client.effective_timeout().as_secs_f64()
    }

    /// Retries after the first attempt.
    #[getter]
    fn max_retries(&self) -> u32 {
        self.client.effective_max_retries()
    }

    /// The same client (connection pool, token cache) with other per-call
    /// defaults: what `with_options(timeout=..., max_retries=...)` returns.
    #[pyo3(signature = (*, timeout=None, max_retries=None, attempt_timeout=None))]
    fn with_call_options(
        &self,
        timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        attempt_timeout: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<NativeClient> {
        let options = RequestOptions {
            timeout: opt_seconds("timeout", timeout)?,
            max_retries: opt_count("max_retries", max_retries)?,
            attempt_timeout: opt_seconds("attempt_timeout", attempt_timeout)?,
        };
        options.check().map_err(BindingError::from)?;
        Ok(NativeClient {
            client: self.client.with_options(options),
        })
    }

    /// Runs the operation named `op` (a name of the core's table) with `args`
    /// in parameter order, blocking this thread with the GIL released.
    #[pyo3(signature = (op, args, *, timeout=None, max_retries=None, attempt_timeout=None))]
    fn call(
        &self,
        py: Python<'_>,
        op: &str,
        args: &Bound<'_, PyTuple>,
        timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        attempt_timeout: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let call = self.prepare(op, args, timeout, max_retries, attempt_timeout)?;
        run_blocking(py, call)
    }

    /// Starts the operation `op` on the shared runtime; its result settles
    /// `future` (an asyncio future of the loop `completions` belongs to).
    /// Returns the handle that cancels it.
    #[pyo3(signature = (op, args, *, timeout=None, max_retries=None, attempt_timeout=None, completions, future))]
    #[allow(clippy::too_many_arguments)]
    fn call_async(
        &self,
        op: &str,
        args: &Bound<'_, PyTuple>,
        timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        attempt_timeout: Option<&Bound<'_, PyAny>>,
        completions: &Completions,
        future: Py<PyAny>,
    ) -> PyResult<CallHandle> {
        let call = self.prepare(op, args, timeout, max_retries, attempt_timeout)?;
        spawn(completions, future, call)
    }

    /// Test hook (built with the `test-hooks` feature only): a call that
    /// panics on the runtime, to show the panic becomes an exception.
    #[cfg(feature = "test-hooks")]
    fn _panic_for_tests(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_blocking(py, crate::hooks::panicking_call())
    }

    /// Test hook: the same through the asyncio bridge.
    #[cfg(feature = "test-hooks")]
    fn _panic_for_tests_async(
        &self,
        completions: &Completions,
        future: Py<PyAny>,
    ) -> PyResult<CallHandle> {
        spawn(completions, future, crate::hooks::panicking_call())
    }
}

impl NativeClient {
    /// The call as a future for the runtime: the operation looked up in the
    /// table, the arguments as JSON, the per-call options checked.
    fn prepare(
        &self,
        op: &str,
        args: &Bound<'_, PyTuple>,
        timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        attempt_timeout: Option<&Bound<'_, PyAny>>,
    ) -> BindingResult<impl Future<Output = Result<Reply, Error>> + Send + 'static> {
        crate::logs::refresh_level(args.py());
        let op = Operation::from_name(op)
            .ok_or_else(|| partner_webhooks::client::unknown_operation(op))?;
        let mut params = op.spec().params();
        let args = args
            .iter()
            .map(|a| {
                let name = params.next().map_or("args", |p| p.name);
                pythonize::depythonize::<Value>(&a).map_err(|e| {
                    BindingError::from(Error::invalid_input(
                        name,
                        format!("cannot be sent as JSON ({e})"),
                    ))
                })
            })
            .collect::<BindingResult<Vec<Value>>>()?;
        let options = RequestOptions {
            timeout: opt_seconds("timeout", timeout)?,
            max_retries: opt_count("max_retries", max_retries)?,
            attempt_timeout: opt_seconds("attempt_timeout", attempt_timeout)?,
        };
        let client = self.client.with_options(options);
        Ok(async move { client.invoke(op, args).await.map(Reply::from) })
    }
}

/// Blocks this thread (GIL released) until `call` has run on the shared runtime.
fn run_blocking<F>(py: Python<'_>, call: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = Result<Reply, Error>> + Send + 'static,
{
    let out = py.detach(|| partner_webhooks_runtime::block_on(call));
    let reply = out
        .map_err(BindingError::from)?
        .map_err(BindingError::from)?;
    into_py(py, reply)
}

/// Spawns `call` on the shared runtime; its outcome settles `future` through
/// the loop's completion queue. In a forked child the runtime refuses before
/// anything is spawned, instead of returning a future that never resolves.
fn spawn<F>(completions: &Completions, future: Py<PyAny>, call: F) -> PyResult<CallHandle>
where
    F: Future<Output = Result<Reply, Error>> + Send + 'static,
{
    let deliver = completions.deliver(future);
    let abort = partner_webhooks_runtime::spawn_with(call, move |out| {
        deliver(
            out.map_err(BindingError::from)
                .and_then(|r| r.map_err(BindingError::from)),
        )
    })
    .map_err(BindingError::from)?;
    Ok(CallHandle(abort))
}
