//! Python values to the core's types, with clear errors for bad input.

use partner_webhooks::Error;
use partner_webhooks::models::WebhookHeaders;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMapping, PyString};

use crate::error::BindingResult;

/// `{"Name": "value"}` (any mapping of str to str) into webhook headers.
pub fn headers(obj: &Bound<'_, PyAny>) -> BindingResult<WebhookHeaders> {
    let mapping = obj.cast::<PyMapping>().map_err(|_| {
        Error::invalid_input(
            "webhook_headers",
            "must be a mapping of header names to string values",
        )
    })?;
    let items = mapping.items().map_err(|_| {
        Error::invalid_input(
            "webhook_headers",
            "must be a mapping of header names to string values",
        )
    })?;
    let mut pairs = Vec::new();
    for item in items.iter() {
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(|_| {
            Error::invalid_input(
                "webhook_headers",
                "must be a mapping of header names to string values",
            )
        })?;
        let name: String = name
            .extract()
            .map_err(|_| Error::invalid_input("webhook_headers", "header names must be strings"))?;
        let value: String = value.extract().map_err(|_| {
            Error::invalid_input(
                format!("webhook_headers.{name}"),
                "header value must be a string",
            )
        })?;
        pairs.push((name, value));
    }
    Ok(WebhookHeaders::from_pairs(pairs))
}

/// Request headers for the verifier: a mapping (`.items()`) or an iterable
/// of `(name, value)` pairs; values may be `str` or `bytes`.
pub fn request_headers(obj: &Bound<'_, PyAny>) -> BindingResult<Vec<(String, Vec<u8>)>> {
    let bad = || {
        Error::invalid_input(
            "headers",
            "must be a mapping or an iterable of (name, value) pairs",
        )
    };
    let iterable = match obj.cast::<PyMapping>() {
        Ok(m) => m.items().map_err(|_| bad())?.into_any(),
        Err(_) => obj.clone(),
    };
    let mut out = Vec::new();
    for item in iterable.try_iter().map_err(|_| bad())? {
        let item = item.map_err(|_| bad())?;
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
            item.extract().map_err(|_| bad())?;
        let name: String = name.extract().map_err(|_| bad())?;
        out.push((name, bytes_like(&value).ok_or_else(bad)?));
    }
    Ok(out)
}

/// `str` (as UTF-8) or `bytes`-like into bytes.
pub fn bytes_like(obj: &Bound<'_, PyAny>) -> Option<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_cow().ok().map(|s| s.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Some(b.as_bytes().to_vec());
    }
    obj.extract::<Vec<u8>>().ok()
}
