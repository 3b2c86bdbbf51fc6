//! Receiving for Python: `WebhookVerifier`, `Event`, and the signature helpers.

use std::sync::Arc;

use partner_webhooks::{
    Error, PartnerEvent, VerifiedEvent, VerifyError, WebhookVerifier as CoreVerifier,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::convert::{bytes_like, opt_flag, opt_str_list, opt_whole, req_str, request_headers};
use crate::error::{BindingError, BindingResult};

/// Verifies incoming partner webhook requests and parses them into [`Event`]s.
///
/// ```python
/// verifier = WebhookVerifier(secrets=["platform-secret"],
///                            required_headers={"X-Partner-Auth": "shared-secret"})
/// event = verifier.verify(request.headers, raw_body)
/// ```
#[pyclass(module = "partner_webhooks._native", frozen)]
pub struct WebhookVerifier {
    inner: Arc<CoreVerifier>,
    secrets: usize,
    header_names: Vec<String>,
    /// The header names `verify` reads: the signature's and the required ones.
    wanted: Vec<String>,
}

#[pymethods]
impl WebhookVerifier {
    #[new]
    #[pyo3(signature = (secrets=None, *, required_headers=None, max_body=None, require_signature=None))]
    fn new(
        secrets: Option<&Bound<'_, PyAny>>,
        required_headers: Option<&Bound<'_, PyAny>>,
        max_body: Option<&Bound<'_, PyAny>>,
        require_signature: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let secrets = opt_str_list("secrets", secrets)?.unwrap_or_default();
        let required_headers = required_headers.filter(|h| !h.is_none());
        let max_body = opt_whole("max_body", max_body, u64::from(u32::MAX))?.map(|n| n as usize);
        let require_signature = opt_flag("require_signature", require_signature)?;
        let mut b = CoreVerifier::builder().secrets(secrets.iter().cloned());
        let mut header_names = Vec::new();
        if let Some(headers) = required_headers {
            let map = crate::convert::headers("required_headers", headers)?;
            for (name, value) in &map.0 {
                header_names.push(name.clone());
                b = b.require_header(name.as_str(), value.as_str().unwrap_or_default());
            }
        }
        if let Some(m) = max_body {
            b = b.max_body(m);
        }
        if let Some(r) = require_signature {
            b = b.require_signature(r);
        }
        let inner = b.build().map_err(BindingError::from)?;
        let wanted = std::iter::once(partner_webhooks::signature::SIGNATURE_HEADER.to_string())
            .chain(header_names.iter().map(|n| n.to_ascii_lowercase()))
            .collect();
        Ok(WebhookVerifier {
            inner: Arc::new(inner),
            secrets: secrets.len(),
            header_names,
            wanted,
        })
    }

    /// Checks body size, required headers and `x-360dialog-signature`, then
    /// parses the event. `headers`: a mapping or `(name, value)` pairs;
    /// `body`: the raw request body as `bytes`. Raises `WebhookVerificationError`.
    fn verify(&self, headers: &Bound<'_, PyAny>, body: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = headers.py();
        let headers = request_headers(headers, |name| {
            self.wanted.iter().any(|w| name.eq_ignore_ascii_case(w))
        })?;
        let body = body_bytes(body)?;
        let event = self
            .inner
            .verify(
                headers.iter().map(|(k, v)| (k.as_str(), v.as_slice())),
                &body,
            )
            .map_err(BindingError::from)?;
        typed(py, Event::from(event))
    }

    /// The body cap in bytes.
    #[getter]
    fn max_body(&self) -> usize {
        self.inner.max_body()
    }

    fn __repr__(&self) -> String {
        format!(
            "WebhookVerifier(secrets=[{} redacted], required_headers={:?}, max_body={}, require_signature={})",
            self.secrets,
            self.header_names,
            self.inner.max_body(),
            if self.inner.requires_signature() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// The body's bytes: borrowed from a `bytes` object, copied from anything else bytes-like.
fn body_bytes<'a>(body: &'a Bound<'_, PyAny>) -> BindingResult<std::borrow::Cow<'a, [u8]>> {
    if let Ok(b) = body.cast::<PyBytes>() {
        return Ok(std::borrow::Cow::Borrowed(b.as_bytes()));
    }
    bytes_like(body)
        .map(std::borrow::Cow::Owned)
        .ok_or_else(|| Error::invalid_input("body", "must be bytes (the raw request body)").into())
}

/// A partner webhook event: an instance of one subclass per known event
/// (`ChannelLiveEvent`, ...) or of `UnknownEvent`, so `match event:` narrows.
#[pyclass(module = "partner_webhooks._native", frozen, subclass)]
pub struct Event {
    event: PartnerEvent,
    signature_verified: bool,
}

impl From<VerifiedEvent> for Event {
    fn from(v: VerifiedEvent) -> Self {
        let signature_verified = v.signature_verified();
        Event {
            event: v.into_event(),
            signature_verified,
        }
    }
}

#[pymethods]
impl Event {
    /// The canonical name of a known event (`"channel_live"`, ...), or
    /// `"unknown"`: what to branch on.
    #[getter(r#type)]
    fn kind(&self) -> &str {
        self.event.known_type().unwrap_or("unknown")
    }

    /// The `event` value exactly as sent (e.g. `wabaTemplateStatusChanged`).
    #[getter]
    fn event_type(&self) -> &str {
        self.event.event_type()
    }

    /// The canonical name of a known event, or None for an unknown one.
    #[getter]
    fn known_type(&self) -> Option<&'static str> {
        self.event.known_type()
    }

    /// Whether the SDK does not know this event.
    #[getter]
    fn is_unknown(&self) -> bool {
        self.event.is_unknown()
    }

    /// The top-level `id`, when sent.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.event.id()
    }

    /// The `data` object (or the top level when there is none), as a dict:
    /// for a known event, modelled fields of the wrong JSON type are left out
    /// (`raw` keeps everything).
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.event.typed_data())?)
    }

    /// The body exactly as received.
    #[getter]
    fn raw(&self) -> &str {
        self.event.raw().as_str()
    }

    /// Channel id (`data.channel_id`, or `data.id` for channel events).
    #[getter]
    fn channel_id(&self) -> Option<&str> {
        self.event.channel_id()
    }

    /// Client id.
    #[getter]
    fn client_id(&self) -> Option<&str> {
        self.event.client_id()
    }

    /// Phone number, at the top of `data` or under `setup_info`.
    #[getter]
    fn phone_number(&self) -> Option<&str> {
        self.event.phone_number()
    }

    /// Display name, at the top of `data` or under `setup_info`.
    #[getter]
    fn phone_name(&self) -> Option<&str> {
        self.event.phone_name()
    }

    /// `data.status` as sent.
    #[getter]
    fn status(&self) -> Option<&str> {
        self.event.status()
    }

    /// Whether a signature was present and verified.
    #[getter]
    fn signature_verified(&self) -> bool {
        self.signature_verified
    }

    /// A key for de-duplicating redeliveries.
    #[getter]
    fn dedup_key(&self) -> String {
        self.event.dedup_key()
    }

    /// Everything as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("type", self.kind())?;
        d.set_item("event_type", self.event.event_type())?;
        d.set_item("known_type", self.event.known_type())?;
        d.set_item("id", self.event.id())?;
        d.set_item("channel_id", self.event.channel_id())?;
        d.set_item("client_id", self.event.client_id())?;
        d.set_item("phone_number", self.event.phone_number())?;
        d.set_item("phone_name", self.event.phone_name())?;
        d.set_item("status", self.event.status())?;
        d.set_item("signature_verified", self.signature_verified)?;
        d.set_item("data", self.data(py)?)?;
        Ok(d)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let class = slf.get_type().name()?;
        let me = slf.get();
        Ok(format!(
            "{class}(type={:?}, event_type={:?}, id={:?}, channel_id={:?}, status={:?}, signature_verified={})",
            me.kind(),
            me.event.event_type(),
            me.event.id(),
            me.event.channel_id(),
            me.event.status(),
            if me.signature_verified {
                "True"
            } else {
                "False"
            }
        ))
    }
}

/// One `Event` subclass per known event and `typed`, which puts an event in
/// its class, from the core's one list of events (`for_each_event!`).
macro_rules! event_classes {
    ($( $(#[$attr:meta])* $variant:ident ($class:ident): $data:ident = $name:literal $(| $alias:literal)*; )*) => {
        $(
            #[doc = concat!("The `", $name, "` event (narrow with `case ", stringify!($class), "():`).")]
            #[pyclass(module = "partner_webhooks._native", frozen, extends = Event)]
            pub struct $class;
        )*

        /// An event this SDK does not know (`data` is the raw object).
        #[pyclass(module = "partner_webhooks._native", frozen, extends = Event)]
        pub struct UnknownEvent;

        /// `event` as an instance of its class.
        fn typed(py: Python<'_>, event: Event) -> PyResult<Py<PyAny>> {
            let known = event.event.known_type();
            let base = PyClassInitializer::from(event);
            Ok(match known {
                $(Some($name) => Py::new(py, base.add_subclass($class))?.into_any(),)*
                _ => Py::new(py, base.add_subclass(UnknownEvent))?.into_any(),
            })
        }

        /// Adds the event classes to the module.
        pub fn add_event_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
            m.add_class::<Event>()?;
            $(m.add_class::<$class>()?;)*
            m.add_class::<UnknownEvent>()
        }
    };
}

partner_webhooks::for_each_event!(event_classes);

/// Parses an event body without verifying it (tests, replays). Raises
/// `WebhookVerificationError` (MalformedJson, NotAnObject, MissingEventField).
#[pyfunction]
pub fn parse_event(body: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let py = body.py();
    let body = body_bytes(body)?;
    let event = partner_webhooks::parse_event(&body)
        .map_err(|e| BindingError::from(VerifyError::from(e)))?;
    typed(
        py,
        Event {
            event,
            signature_verified: false,
        },
    )
}

/// Whether `header_value` is the HMAC-SHA256 of `body` under any of `secrets`
/// (hex, optional `sha256=` prefix, either case; constant-time comparison).
#[pyfunction]
pub fn verify_signature(
    body: &Bound<'_, PyAny>,
    header_value: &Bound<'_, PyAny>,
    secrets: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let header_value = req_str("header_value", header_value)?;
    let secrets = opt_str_list("secrets", Some(secrets))?.unwrap_or_default();
    if secrets.is_empty() {
        return Err(BindingError::from(Error::invalid_input(
            "secrets",
            "give at least one secret",
        ))
        .into());
    }
    Ok(partner_webhooks::verify_signature(&body_bytes(body)?, &header_value, &secrets).is_ok())
}

/// The `x-360dialog-signature` value for `body`: lowercase hex HMAC-SHA256.
#[pyfunction]
pub fn sign(body: &Bound<'_, PyAny>, secret: &Bound<'_, PyAny>) -> PyResult<String> {
    let secret = req_str("secret", secret)?;
    Ok(partner_webhooks::sign(&body_bytes(body)?, &secret))
}

/// The Integrated Onboarding signature: hex HMAC-SHA512 of
/// `"{partner_id}|{unix_seconds}"` (now, when not given).
#[pyfunction]
#[pyo3(signature = (partner_id, secret, unix_seconds=None))]
pub fn io_signature(
    partner_id: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
    unix_seconds: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let partner_id = req_str("partner_id", partner_id)?;
    let secret = req_str("secret", secret)?;
    let unix_seconds = opt_whole("unix_seconds", unix_seconds, u64::MAX)?;
    let ts = unix_seconds.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    });
    Ok(partner_webhooks::io_signature(&partner_id, &secret, ts))
}
