//! What a call returns to Python: `(status, trace_id, attempts, body,
//! headers)`, the body transcoded from the JSON text the API sent straight
//! into Python objects (no tree in between; the core checked its shape). Used by the sync path
//! (`client.rs`) and the asyncio bridge (`completions.rs`).

use partner_webhooks::{JsonBody, Response};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A successful answer without its raw bytes (a finished async call waits in
/// the loop's queue as this).
pub(crate) struct Reply {
    status: u16,
    trace_id: Option<String>,
    attempts: u32,
    data: JsonBody,
    /// `name: value` lines: one allocation per queued reply.
    headers: String,
}

impl From<Response<JsonBody>> for Reply {
    fn from(r: Response<JsonBody>) -> Self {
        let (status, attempts) = (r.status(), r.attempts());
        let trace_id = r.trace_id().map(str::to_string);
        let headers = r.header_lines();
        Reply {
            status,
            trace_id,
            attempts,
            headers,
            data: r.into_inner(),
        }
    }
}

/// The tuple `_models.py` wraps in its typed result classes.
pub(crate) fn into_py(py: Python<'_>, r: Reply) -> PyResult<Py<PyAny>> {
    // serde_json's parser driving pythonize's serializer: each value becomes
    // its Python object as it is read (faster than `json.loads` here, measured).
    let mut text = serde_json::Deserializer::from_str(r.data.as_str());
    let data = serde_transcode::transcode(&mut text, pythonize::Pythonizer::new(py))?;
    // The lines as one string: `_models.py` makes the dict when it is first read.
    Ok((r.status, r.trace_id, r.attempts, data, r.headers)
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// The response headers as a dict (one entry per name, from the core).
pub(crate) fn headers_dict<'py, S: AsRef<str>>(
    py: Python<'py>,
    pairs: impl IntoIterator<Item = (S, S)>,
) -> PyResult<Bound<'py, PyDict>> {
    let headers = PyDict::new(py);
    for (name, value) in pairs {
        headers.set_item(name.as_ref(), value.as_ref())?;
    }
    Ok(headers)
}
