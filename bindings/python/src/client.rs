//! `NativeClient`: the Partner API client for Python. The Python classes
//! `Client` and `AsyncClient` (in `partner_webhooks/_client.py`) wrap it.

use partner_webhooks::config::seconds;
use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{ClientConfigBuilder, Error, PartnerClient, RequestOptions, Response};
use pyo3::prelude::*;
use serde::Serialize;

use crate::completions::{CallHandle, Completions};
use crate::error::{BindingError, BindingResult};
use crate::token_provider::PyTokenProvider;

/// One API call, ready to run on the shared runtime.
enum Call {
    GetUrl(String),
    SetUrl(String, String),
    GetHeaders(String),
    SetHeaders(String, WebhookHeaders),
    /// Test hook (`op="_panic_for_tests"`): panics on the runtime, to show
    /// that a panic inside a call becomes an exception.
    PanicForTests,
}

/// What Python gets back: status, trace id, attempts and the body as JSON.
pub(crate) struct Reply {
    status: u16,
    trace_id: Option<String>,
    attempts: u32,
    data: serde_json::Value,
}

/// The body exactly as the API sent it (it decoded, so it is valid JSON).
fn reply<T: Serialize>(r: Response<T>) -> Reply {
    let data = serde_json::from_slice(r.raw_body())
        .unwrap_or_else(|_| serde_json::to_value(r.data()).unwrap_or_default());
    Reply {
        status: r.status(),
        trace_id: r.trace_id().map(str::to_string),
        attempts: r.attempts(),
        data,
    }
}

impl Call {
    async fn run(self, client: PartnerClient) -> Result<Reply, Error> {
        Ok(match self {
            Call::GetUrl(p) => reply(client.get_webhook_url(&p).await?),
            Call::SetUrl(p, url) => reply(client.set_webhook_url(&p, &url).await?),
            Call::GetHeaders(p) => reply(client.get_webhook_headers(&p).await?),
            Call::SetHeaders(p, h) => reply(client.set_webhook_headers(&p, h).await?),
            Call::PanicForTests => panic!("forced by the test hook"),
        })
    }
}

pub(crate) fn into_py(py: Python<'_>, r: Reply) -> PyResult<Py<PyAny>> {
    let data = pythonize::pythonize(py, &r.data)?;
    Ok((r.status, r.trace_id, r.attempts, data)
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// The native client. Use `partner_webhooks.Client` / `AsyncClient` instead.
#[pyclass(module = "partner_webhooks._native", frozen)]
pub struct NativeClient {
    client: PartnerClient,
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (*, api_key=None, bearer_token=None, username=None, password=None,
                        token_provider=None, base_url=None, timeout=None, max_retries=None,
                        allow_insecure_http=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        bearer_token: Option<String>,
        username: Option<String>,
        password: Option<String>,
        token_provider: Option<Py<PyAny>>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        allow_insecure_http: bool,
    ) -> PyResult<Self> {
        let version = py.version_info();
        let mut b = ClientConfigBuilder::from_env()
            .user_agent_suffix(format!("python/{}.{}", version.major, version.minor))
            .allow_insecure_http(allow_insecure_http);
        if let Some(v) = api_key {
            b = b.api_key(v);
        }
        if let Some(v) = bearer_token {
            b = b.bearer_token(v);
        }
        if let Some(v) = username {
            b = b.username(v);
        }
        if let Some(v) = password {
            b = b.password(v);
        }
        if let Some(p) = token_provider {
            b = b.token_provider(std::sync::Arc::new(PyTokenProvider::new(py, p)?));
        }
        if let Some(v) = base_url {
            b = b.base_url(v);
        }
        if let Some(t) = timeout {
            b = b.timeout(seconds("timeout", t).map_err(BindingError::from)?);
        }
        if let Some(n) = max_retries {
            b = b.max_retries(n);
        }
        let config = b.build().map_err(BindingError::from)?;
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

    /// The base URL in use.
    #[getter]
    fn base_url(&self) -> String {
        self.client.config().base_url_str().to_string()
    }

    /// The total timeout per call, in seconds.
    #[getter]
    fn timeout(&self) -> f64 {
        self.client.config().timeout().as_secs_f64()
    }

    /// Retries after the first attempt.
    #[getter]
    fn max_retries(&self) -> u32 {
        self.client.config().max_retries()
    }

    /// Runs a call, blocking this thread with the GIL released.
    /// `op` is one of get_webhook_url, set_webhook_url, get_webhook_headers, set_webhook_headers.
    #[pyo3(signature = (op, partner_id, arg=None, *, timeout=None, max_retries=None))]
    fn call(
        &self,
        py: Python<'_>,
        op: &str,
        partner_id: String,
        arg: Option<Bound<'_, PyAny>>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<Py<PyAny>> {
        let (client, call) = self.prepare(op, partner_id, arg, timeout, max_retries)?;
        let out = py.detach(|| partner_webhooks_runtime::block_on(call.run(client)));
        let r = out
            .map_err(BindingError::from)?
            .map_err(BindingError::from)?;
        into_py(py, r)
    }

    /// Starts a call on the shared runtime; its result settles `future` (an
    /// asyncio future of the loop `completions` belongs to). Returns the
    /// handle that cancels it.
    #[pyo3(signature = (op, partner_id, arg=None, *, timeout=None, max_retries=None, completions, future))]
    #[allow(clippy::too_many_arguments)]
    fn call_async(
        &self,
        op: &str,
        partner_id: String,
        arg: Option<Bound<'_, PyAny>>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        completions: &Completions,
        future: Py<PyAny>,
    ) -> PyResult<CallHandle> {
        let (client, call) = self.prepare(op, partner_id, arg, timeout, max_retries)?;
        let deliver = completions.deliver(future);
        // In a forked child the runtime's threads are gone: this refuses
        // instead of returning a future that never resolves.
        let abort = partner_webhooks_runtime::spawn_with(call.run(client), move |out| {
            deliver(
                out.map_err(BindingError::from)
                    .and_then(|r| r.map_err(BindingError::from)),
            )
        })
        .map_err(BindingError::from)?;
        Ok(CallHandle(abort))
    }
}

impl NativeClient {
    fn prepare(
        &self,
        op: &str,
        partner_id: String,
        arg: Option<Bound<'_, PyAny>>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> BindingResult<(PartnerClient, Call)> {
        let mut opts = RequestOptions::new();
        if let Some(t) = timeout {
            opts = opts.timeout(seconds("timeout", t)?);
        }
        if let Some(n) = max_retries {
            opts = opts.max_retries(n);
        }
        let call = match (op, arg) {
            ("get_webhook_url", _) => Call::GetUrl(partner_id),
            ("_panic_for_tests", _) => Call::PanicForTests,
            ("get_webhook_headers", _) => Call::GetHeaders(partner_id),
            ("set_webhook_url", Some(url)) => match url.extract::<String>() {
                Ok(url) => Call::SetUrl(partner_id, url),
                Err(_) => {
                    return Err(Error::invalid_input("webhook_url", "must be a string").into());
                }
            },
            ("set_webhook_headers", Some(headers)) => {
                Call::SetHeaders(partner_id, crate::convert::headers(&headers)?)
            }
            (other, _) => {
                return Err(Error::invalid_input(
                    "op",
                    format!("unknown operation or missing argument: {other}"),
                )
                .into());
            }
        };
        Ok((self.client.with_options(opts), call))
    }
}
