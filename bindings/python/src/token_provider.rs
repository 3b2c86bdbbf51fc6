//! A Python callable as the client's token provider.

use std::time::Duration;

use async_trait::async_trait;
use partner_webhooks::{AccessToken, TokenProvider, TokenProviderError};
use pyo3::prelude::*;

/// Calls `provider(refresh: bool)`, which returns a token string, a
/// `(token, expires_in_seconds)` tuple, or a dict with `access_token` /
/// `token` and optional `expires_in`. It runs on a blocking thread with the
/// GIL held only for the call.
pub struct PyTokenProvider {
    callable: Py<PyAny>,
}

impl PyTokenProvider {
    pub fn new(py: Python<'_>, callable: Py<PyAny>) -> PyResult<Self> {
        if !callable.bind(py).is_callable() {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "token_provider must be callable",
            ));
        }
        Ok(PyTokenProvider { callable })
    }
}

fn interpret(value: &Bound<'_, PyAny>) -> Result<AccessToken, String> {
    if let Ok(token) = value.extract::<String>() {
        return Ok(AccessToken::new(token));
    }
    if let Ok((token, expires)) = value.extract::<(String, f64)>() {
        return Ok(with_lifetime(AccessToken::new(token), expires));
    }
    if let Ok(dict) = value.cast::<pyo3::types::PyDict>() {
        let token = ["access_token", "token"].iter().find_map(|k| {
            dict.get_item(k)
                .ok()
                .flatten()
                .and_then(|v| v.extract::<String>().ok())
        });
        if let Some(token) = token {
            let expires = dict
                .get_item("expires_in")
                .ok()
                .flatten()
                .and_then(|v| v.extract::<f64>().ok());
            let t = AccessToken::new(token);
            return Ok(match expires {
                Some(e) => with_lifetime(t, e),
                None => t,
            });
        }
    }
    Err("the token provider must return a str, a (token, expires_in) tuple or a dict with access_token".into())
}

fn with_lifetime(t: AccessToken, secs: f64) -> AccessToken {
    if secs.is_finite() && secs > 0.0 {
        t.expires_in(Duration::from_secs_f64(secs.min(1e9)))
    } else {
        t
    }
}

#[async_trait]
impl TokenProvider for PyTokenProvider {
    async fn token(&self, refresh: bool) -> Result<AccessToken, TokenProviderError> {
        let callable = Python::attach(|py| self.callable.clone_ref(py));
        let result = tokio::task::spawn_blocking(move || {
            Python::attach(|py| {
                let out = callable.call1(py, (refresh,)).map_err(|e| {
                    format!(
                        "{}: {}",
                        e.get_type(py)
                            .name()
                            .map(|n| n.to_string())
                            .unwrap_or_default(),
                        e.value(py)
                    )
                })?;
                interpret(out.bind(py))
            })
        })
        .await
        .map_err(|e| format!("the token provider did not finish: {e}"))?;
        result.map_err(Into::into)
    }
}
