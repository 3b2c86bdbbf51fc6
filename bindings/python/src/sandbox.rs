//! The in-process sandbox for Python tests.

use partner_webhooks::Error;
use partner_webhooks_sandbox::{Fault, RetryAfter, Sandbox as CoreSandbox, SandboxConfig};
use pyo3::prelude::*;

use crate::error::BindingError;

/// A local stand-in for the Partner API on 127.0.0.1 (started on creation).
///
/// ```python
/// with Sandbox() as sb:
///     client = Client(api_key=sb.api_key, base_url=sb.base_url)
/// ```
#[pyclass(module = "partner_webhooks._native")]
pub struct Sandbox {
    inner: Option<CoreSandbox>,
}

fn running(inner: &Option<CoreSandbox>) -> PyResult<&CoreSandbox> {
    inner
        .as_ref()
        .ok_or_else(|| BindingError::from(Error::invalid_input("sandbox", "is closed")).into())
}

#[pymethods]
impl Sandbox {
    #[new]
    #[pyo3(signature = (*, partner_id=None, api_key=None, platform_secret=None, port=0))]
    fn new(
        py: Python<'_>,
        partner_id: Option<String>,
        api_key: Option<String>,
        platform_secret: Option<String>,
        port: u16,
    ) -> PyResult<Self> {
        let mut config = SandboxConfig {
            port,
            ..SandboxConfig::default()
        };
        if let Some(p) = partner_id {
            partner_webhooks::validate::partner_id_segment(&p).map_err(BindingError::from)?;
            config.partner_id = p;
        }
        if let Some(k) = api_key {
            config.api_key = k;
        }
        if let Some(s) = platform_secret {
            config.platform_secret = s;
        }
        let started = py.detach(|| partner_webhooks_runtime::block_on(CoreSandbox::start(config)));
        let sandbox = started.map_err(BindingError::from)?.map_err(|e| {
            BindingError::from(Error::invalid_input("port", format!("cannot listen ({e})")))
        })?;
        Ok(Sandbox {
            inner: Some(sandbox),
        })
    }

    /// `http://127.0.0.1:PORT`
    #[getter]
    fn base_url(&self) -> PyResult<String> {
        Ok(running(&self.inner)?.base_url().to_string())
    }

    /// The partner the credentials belong to.
    #[getter]
    fn partner_id(&self) -> PyResult<String> {
        Ok(running(&self.inner)?.partner_id().to_string())
    }

    /// A partner that exists but is off limits (403).
    #[getter]
    fn other_partner_id(&self) -> PyResult<String> {
        Ok(running(&self.inner)?.other_partner_id().to_string())
    }

    /// The accepted API key.
    #[getter]
    fn api_key(&self) -> PyResult<String> {
        Ok(running(&self.inner)?.api_key().to_string())
    }

    /// The Partner Hub user accepted by the token endpoint.
    #[getter]
    fn username(&self) -> PyResult<String> {
        Ok(running(&self.inner)?.username().to_string())
    }

    /// That user's password.
    #[getter]
    fn password(&self) -> PyResult<String> {
        Ok(running(&self.inner)?.password().to_string())
    }

    /// The secret that signs delivered events.
    #[getter]
    fn platform_secret(&self) -> PyResult<String> {
        Ok(running(&self.inner)?.platform_secret().to_string())
    }

    /// Queues a fault for the next `times` calls of `route` (an operation name or "*").
    #[pyo3(signature = (route="*", *, status=None, times=1, retry_after=None, delay_ms=None, reset=false, body=None, trickle_ms=None, body_bytes=None))]
    #[allow(clippy::too_many_arguments)]
    fn inject_fault(
        &self,
        route: &str,
        status: Option<u16>,
        times: u32,
        retry_after: Option<Bound<'_, PyAny>>,
        delay_ms: Option<u64>,
        reset: bool,
        body: Option<String>,
        trickle_ms: Option<u64>,
        body_bytes: Option<u64>,
    ) -> PyResult<()> {
        let retry_after = match retry_after {
            None => None,
            Some(v) => Some(match v.extract::<u64>() {
                Ok(secs) => RetryAfter::Seconds(secs),
                Err(_) => RetryAfter::Raw(v.extract::<String>().map_err(|_| {
                    BindingError::from(Error::invalid_input(
                        "retry_after",
                        "must be seconds (int) or a string",
                    ))
                })?),
            }),
        };
        let fault = Fault {
            route: route.to_string(),
            times,
            status,
            retry_after,
            delay_ms,
            reset,
            body,
            trickle_ms,
            body_bytes,
        };
        running(&self.inner)?
            .inject_fault(fault)
            .map_err(|e| BindingError::from(Error::invalid_input(e.field, e.rule)).into())
    }

    /// Drops every pending fault; returns how many there were.
    fn clear_faults(&self) -> PyResult<usize> {
        Ok(running(&self.inner)?.clear_faults())
    }

    /// Invalidates every issued bearer token.
    fn revoke_tokens(&self) -> PyResult<usize> {
        Ok(running(&self.inner)?.revoke_tokens())
    }

    /// Request counters: {"requests": {route: n}, "faults_applied": n, "tokens_issued": n}.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &running(&self.inner)?.stats())?)
    }

    /// Delivers `event` (with `data`, or realistic sample data) to the
    /// partner's webhook URL, signed, in the background. Returns the delivery id.
    #[pyo3(signature = (event, data=None))]
    fn emit(&self, event: &str, data: Option<Bound<'_, PyAny>>) -> PyResult<String> {
        let data = match data {
            Some(d) => Some(
                pythonize::depythonize::<serde_json::Value>(&d).map_err(|_| {
                    BindingError::from(Error::invalid_input(
                        "data",
                        "must be a JSON-compatible dict",
                    ))
                })?,
            ),
            None => None,
        };
        running(&self.inner)?
            .emit(event, data)
            .map_err(|e| BindingError::from(Error::invalid_input("event", e.to_string())).into())
    }

    /// Every delivery so far (dicts with id, event, url, status, attempts, body).
    fn deliveries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(
            py,
            &running(&self.inner)?.deliveries(),
        )?)
    }

    /// Waits (GIL released) until delivery `id` is no longer pending, up to `timeout` seconds.
    #[pyo3(signature = (id, timeout=10.0))]
    fn wait_for_delivery<'py>(
        &self,
        py: Python<'py>,
        id: String,
        timeout: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let timeout =
            partner_webhooks::config::seconds("timeout", timeout).map_err(BindingError::from)?;
        let sandbox = running(&self.inner)?;
        let found = py.detach(|| sandbox.wait_for_delivery_blocking(&id, timeout));
        Ok(pythonize::pythonize(py, &found)?)
    }

    /// Stops the server (also on leaving a `with` block).
    fn close(&mut self, py: Python<'_>) -> PyResult<()> {
        if let Some(sb) = self.inner.take() {
            py.detach(|| partner_webhooks_runtime::block_on(sb.shutdown()))
                .map_err(BindingError::from)?;
        }
        Ok(())
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(
        &mut self,
        py: Python<'_>,
        _args: &Bound<'_, pyo3::types::PyTuple>,
    ) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(&self) -> String {
        match &self.inner {
            Some(sb) => format!(
                "Sandbox(base_url={:?}, partner_id={:?})",
                sb.base_url(),
                sb.partner_id()
            ),
            None => "Sandbox(closed)".into(),
        }
    }
}

/// The deliveries of a log exported by a sandbox (`GET /_sandbox/export`, JSON
/// Lines), to replay in a test: dicts with id, event, status, body (the exact
/// text), signature, headers (pairs to send it with; add your custom headers)
/// and header_names.
///
/// ```python
/// for d in parse_delivery_log(open("deliveries.jsonl").read()):
///     verifier.verify(d["headers"] + [("X-Partner-Auth", secret)], d["body"].encode())
/// ```
#[pyfunction]
pub fn parse_delivery_log<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let log = partner_webhooks_sandbox::fixtures::replayable(text)
        .map_err(|e| BindingError::from(Error::invalid_input("delivery_log", e.to_string())))?;
    Ok(pythonize::pythonize(py, &log)?)
}
