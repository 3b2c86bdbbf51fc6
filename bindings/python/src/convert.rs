//! Python values to the core's types, with clear errors for bad input.

use partner_webhooks::Error;
use partner_webhooks::models::WebhookHeaders;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyMapping, PyString};

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

/// Request headers (a mapping, such as Starlette's or Django's `headers`, or
/// an iterable of `(name, value)` pairs) as pairs, keeping only the names
/// `keep` accepts: a verifier reads two or three of them, so the others are
/// neither copied nor decoded.
pub fn request_headers(
    obj: &Bound<'_, PyAny>,
    keep: impl Fn(&str) -> bool,
) -> BindingResult<Vec<(String, Vec<u8>)>> {
    let bad = || {
        Error::invalid_input(
            "headers",
            "must be a mapping or an iterable of (name, value) pairs",
        )
    };
    let mut out = Vec::new();
    let mut add = |name: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>| -> BindingResult<()> {
        let name = name.cast::<PyString>().map_err(|_| bad())?;
        let name = name.to_cow().map_err(|_| bad())?;
        if keep(&name) {
            out.push((name.into_owned(), bytes_like(value).ok_or_else(bad)?));
        }
        Ok(())
    };
    if let Ok(d) = obj.cast::<PyDict>() {
        for (name, value) in d.iter() {
            add(&name, &value)?;
        }
        return Ok(out);
    }
    let iterable = match obj.cast::<PyMapping>() {
        Ok(m) => m.items().map_err(|_| bad())?.into_any(),
        Err(_) => obj.clone(),
    };
    for item in iterable.try_iter().map_err(|_| bad())? {
        let item = item.map_err(|_| bad())?;
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
            item.extract().map_err(|_| bad())?;
        add(&name, &value)?;
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
