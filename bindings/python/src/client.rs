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
use pyo3::types::PyTuple;
use serde_json::Value;

use crate::completions::{CallHandle, Completions};
use crate::convert::{opt_count, opt_flag, opt_path, opt_seconds, opt_str};
use crate::error::{BindingError, BindingResult};
use crate::reply::{Reply, into_py};
use crate::token_provider::PyTokenProvider;

/// The native client. Use `partner_webhooks.Client` / `AsyncClient` instead.
#[pyclass(module = "partner_webhooks._native", frozen)]
pub struct NativeClient {
    client: PartnerClient,
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (*, api_key=None, bearer_token=None, username=None, password=None,
                        token_provider=None, base_url=None, timeout=None, attempt_timeout=None,
                        connect_timeout=None, max_retries=None, max_connections=None,
                        allow_insecure_http=None, ca_bundle=None, proxy=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        api_key: Option<&Bound<'_, PyAny>>,
        bearer_token: Option<&Bound<'_, PyAny>>,
        username: Option<&Bound<'_, PyAny>>,
        password: Option<&Bound<'_, PyAny>>,
        token_provider: Option<Py<PyAny>>,
        base_url: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        attempt_timeout: Option<&Bound<'_, PyAny>>,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        max_connections: Option<&Bound<'_, PyAny>>,
        allow_insecure_http: Option<&Bound<'_, PyAny>>,
        ca_bundle: Option<&Bound<'_, PyAny>>,
        proxy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let token_provider = match token_provider.filter(|p| !p.is_none(py)) {
            Some(p) if p.bind(py).is_callable() => {
                Some(Arc::new(PyTokenProvider::new(py, p)?) as _)
            }
            Some(p) => {
                let got = p
                    .bind(py)
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                return Err(BindingError::from(Error::invalid_input(
                    "token_provider",
                    format!("must be a callable (got {got})"),
                ))
                .into());
            }
            None => None,
        };
        let settings = ClientSettings {
            api_key: opt_str("api_key", api_key)?,
            bearer_token: opt_str("bearer_token", bearer_token)?,
            username: opt_str("username", username)?,
            password: opt_str("password", password)?,
            token_provider,
            base_url: opt_str("base_url", base_url)?,
            timeout: opt_seconds("timeout", timeout)?,
            attempt_timeout: opt_seconds("attempt_timeout", attempt_timeout)?,
            connect_timeout: opt_seconds("connect_timeout", connect_timeout)?,
            max_retries: opt_count("max_retries", max_retries)?,
            max_connections: opt_count("max_connections", max_connections)?,
            allow_insecure_http: opt_flag("allow_insecure_http", allow_insecure_http)?,
            ca_bundle: opt_path("ca_bundle", ca_bundle)?,
            proxy: opt_str("proxy", proxy)?,
        };
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
