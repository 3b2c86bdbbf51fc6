//! Python values to the core's types, with clear errors for bad input.

use partner_webhooks::Error;
use partner_webhooks::models::WebhookHeaders;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyMapping, PyString};

use crate::error::BindingResult;

/// `{"Name": "value"}` (any mapping of str to str) as header pairs, refused
/// with `field` (the argument's name) otherwise.
pub fn headers(field: &str, obj: &Bound<'_, PyAny>) -> BindingResult<WebhookHeaders> {
    let bad = || Error::invalid_input(field, "must be a mapping of header names to string values");
    let mapping = obj.cast::<PyMapping>().map_err(|_| bad())?;
    let items = mapping.items().map_err(|_| bad())?;
    let mut pairs = Vec::new();
    for item in items.iter() {
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
            item.extract().map_err(|_| bad())?;
        let name: String = name
            .extract()
            .map_err(|_| Error::invalid_input(field, "header names must be strings"))?;
        let value: String = value.extract().map_err(|_| {
            Error::invalid_input(format!("{field}.{name}"), "header value must be a string")
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

/// The Python type name of `v`, for error messages.
fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// `v` unless it is absent or `None`.
fn given<'a, 'py>(v: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    v.filter(|v| !v.is_none())
}

/// An optional `str` argument, refused with its name when it is another type
/// (or a `str` that is not valid Unicode, such as a lone surrogate).
pub fn opt_str(name: &str, v: Option<&Bound<'_, PyAny>>) -> BindingResult<Option<String>> {
    let Some(v) = given(v) else { return Ok(None) };
    if !v.is_instance_of::<PyString>() {
        return Err(
            Error::invalid_input(name, format!("must be a str (got {})", type_name(v))).into(),
        );
    }
    Ok(Some(v.extract::<String>().map_err(|_| {
        Error::invalid_input(name, "must be valid Unicode text")
    })?))
}

/// An optional path: a `str` or an `os.PathLike` (such as `pathlib.Path`).
pub fn opt_path(name: &str, v: Option<&Bound<'_, PyAny>>) -> BindingResult<Option<String>> {
    let Some(v) = given(v) else { return Ok(None) };
    let path = v
        .py()
        .import("os")
        .and_then(|os| os.call_method1("fspath", (v,)))
        .map_err(|_| {
            Error::invalid_input(
                name,
                format!("must be a str or os.PathLike (got {})", type_name(v)),
            )
        })?;
    opt_str(name, Some(&path))
}

/// An optional number of seconds (an `int` or a `float`, not a `bool`),
/// checked by the core: finite, greater than 0, at most a day.
pub fn opt_seconds(
    name: &str,
    v: Option<&Bound<'_, PyAny>>,
) -> BindingResult<Option<std::time::Duration>> {
    let Some(v) = given(v) else { return Ok(None) };
    let number = !v.is_instance_of::<pyo3::types::PyBool>()
        && (v.is_instance_of::<pyo3::types::PyInt>() || v.is_instance_of::<pyo3::types::PyFloat>());
    let secs = if number {
        v.extract::<f64>().ok()
    } else {
        None
    };
    let Some(secs) = secs else {
        return Err(Error::invalid_input(
            name,
            format!("must be a number of seconds (got {})", type_name(v)),
        )
        .into());
    };
    Ok(Some(partner_webhooks::config::seconds(name, secs)?))
}

/// An optional whole number from 0 to `u32::MAX` (an `int`, not a `bool`).
pub fn opt_count(name: &str, v: Option<&Bound<'_, PyAny>>) -> BindingResult<Option<u32>> {
    Ok(opt_whole(name, v, u64::from(u32::MAX))?.map(|n| n as u32))
}

/// An optional whole number from 0 to `max` (an `int`, not a `bool`).
pub fn opt_whole(name: &str, v: Option<&Bound<'_, PyAny>>, max: u64) -> BindingResult<Option<u64>> {
    let Some(v) = given(v) else { return Ok(None) };
    if v.is_instance_of::<pyo3::types::PyBool>() || !v.is_instance_of::<pyo3::types::PyInt>() {
        return Err(Error::invalid_input(
            name,
            format!("must be a whole number (an int, got {})", type_name(v)),
        )
        .into());
    }
    let n = v.extract::<i128>().unwrap_or(i128::MAX);
    match u64::try_from(n) {
        Ok(n) if n <= max => Ok(Some(n)),
        _ => Err(Error::invalid_input(
            name,
            format!("must be a whole number from 0 to {max} (got {n})"),
        )
        .into()),
    }
}

/// An optional `bool` (nothing else, not even `0` / `1`).
pub fn opt_flag(name: &str, v: Option<&Bound<'_, PyAny>>) -> BindingResult<Option<bool>> {
    let Some(v) = given(v) else { return Ok(None) };
    if !v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(
            Error::invalid_input(name, format!("must be a bool (got {})", type_name(v))).into(),
        );
    }
    Ok(Some(v.is_truthy().unwrap_or(false)))
}

/// A required `str` argument.
pub fn req_str(name: &str, v: &Bound<'_, PyAny>) -> BindingResult<String> {
    opt_str(name, Some(v))?
        .ok_or_else(|| Error::invalid_input(name, "is required (got None)").into())
}

/// An optional list (any iterable but a `str`) of `str`.
pub fn opt_str_list(
    name: &str,
    v: Option<&Bound<'_, PyAny>>,
) -> BindingResult<Option<Vec<String>>> {
    let Some(v) = given(v) else { return Ok(None) };
    let bad = || {
        Error::invalid_input(
            name,
            format!("must be a list of str (got {})", type_name(v)),
        )
    };
    if v.is_instance_of::<PyString>()
        || v.is_instance_of::<PyBytes>()
        || v.is_instance_of::<PyDict>()
    {
        return Err(bad().into());
    }
    let items = v.try_iter().map_err(|_| bad())?;
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        let item = item.map_err(|_| bad())?;
        out.push(req_str(&format!("{name}[{i}]"), &item)?);
    }
    Ok(Some(out))
}
