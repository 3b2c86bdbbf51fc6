//! What a call returns to Python: `(status, trace_id, attempts, body)`, the
//! body converted from the JSON the API sent. Used by the sync path
//! (`client.rs`) and the asyncio bridge (`completions.rs`).

use partner_webhooks::{JsonBody, Response};
use pyo3::prelude::*;

/// A successful answer, as the core returns it to every binding.
pub(crate) type Reply = Response<JsonBody>;

/// The tuple `_models.py` wraps in its typed result classes.
pub(crate) fn into_py(py: Python<'_>, r: Reply) -> PyResult<Py<PyAny>> {
    let data = pythonize::pythonize(py, &r.data().0)?;
    Ok((r.status(), r.trace_id(), r.attempts(), data)
        .into_pyobject(py)?
        .into_any()
        .unbind())
}
