"""Typed results of the Partner API calls.

Each result has the schema's fields as attributes (``None`` when absent),
``extra`` for fields this version does not know, the response metadata
(``http_status``, ``headers``, ``trace_id``, ``attempts``) and ``to_dict()`` with the body as
the API sent it. ``repr()`` never shows webhook header values.
"""

import copy
from typing import Any, ClassVar, Dict, Generic, Optional, Tuple, TypeVar

__all__ = ["WebhookUrl", "WebhookHeaders", "Partner", "APIResponse"]

_REDACTED = "[redacted]"


class _Result:
    _fields: ClassVar[Tuple[str, ...]] = ()

    http_status: int
    trace_id: Optional[str]
    attempts: int

    def __init__(self, reply: Tuple[int, Optional[str], int, Dict[str, Any], str]) -> None:
        status, trace_id, attempts, data, header_lines = reply
        self.http_status = status
        self.trace_id = trace_id
        self.attempts = attempts
        # `name: value` lines, made into a dict when first read (most callers never do).
        self._header_lines = header_lines
        self._headers: Optional[Dict[str, str]] = None
        self._data: Dict[str, Any] = data if isinstance(data, dict) else {}

    @property
    def headers(self) -> Dict[str, str]:
        """The response headers, names lower-case (a repeated header's values joined by ", ")."""
        if self._headers is None:
            self._headers = dict(line.split(": ", 1) for line in self._header_lines.splitlines())
        return self._headers

    def __getattr__(self, name: str) -> Any:
        if name in type(self)._fields:
            return self._data.get(name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    @property
    def extra(self) -> Dict[str, Any]:
        """Fields of the answer that this SDK does not model."""
        return {k: v for k, v in self._data.items() if k not in type(self)._fields}

    def to_dict(self) -> Dict[str, Any]:
        """The body as the API sent it (a deep copy)."""
        return copy.deepcopy(self._data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Result) and type(other) is type(self) and other._data == self._data

    def __repr__(self) -> str:
        shown = []
        for name in type(self)._fields:
            value = self._data.get(name)
            if value is None:
                continue
            if name == "webhook_headers" and isinstance(value, dict):
                value = {k: _REDACTED for k in value}
            shown.append(f"{name}={value!r}")
        shown.append(f"http_status={self.http_status}")
        return f"{type(self).__name__}({', '.join(shown)})"


class WebhookUrl(_Result):
    """``GET /api/v2/partners/{partner_id}/webhook_url`` (``PartnerGetWebhookUrlOut``)."""

    _fields = ("webhook_url",)
    webhook_url: Optional[str]


class WebhookHeaders(_Result):
    """``GET /api/v2/partners/{partner_id}/webhook_headers`` (``PartnerGetWebhookHeadersOut``).
    Values may be any JSON type; ``repr()`` hides them."""

    _fields = ("webhook_headers",)
    webhook_headers: Optional[Dict[str, Any]]


class Partner(_Result):
    """The partner object (``PartnerOut``, and ``PartnerSetWebhookHeadersOut`` with
    ``webhook_headers``), returned by the two set operations."""

    _fields = (
        "id",
        "brand_name",
        "payment_required",
        "payment_plan",
        "logo_url",
        "onboarding_deeplink_add_params",
        "webhook_url",
        "partner_redirect_url",
        "country",
        "blocked_new_submission",
        "allow_client_to_add_phone_no",
        "settings",
        "billing_system",
        "publishable_key",
        "webhook_headers",
    )
    id: Optional[str]
    brand_name: Optional[str]
    payment_required: Optional[bool]
    payment_plan: Optional[Dict[str, Any]]
    logo_url: Optional[str]
    onboarding_deeplink_add_params: Optional[bool]
    webhook_url: Optional[str]
    partner_redirect_url: Optional[str]
    country: Optional[str]
    blocked_new_submission: Optional[bool]
    allow_client_to_add_phone_no: Optional[bool]
    settings: Optional[Dict[str, Any]]
    billing_system: Optional[str]
    publishable_key: Optional[str]
    webhook_headers: Optional[Dict[str, Any]]


_R = TypeVar("_R", bound=_Result)


class APIResponse(Generic[_R]):
    """What ``client.with_raw_response.<method>(...)`` returns: the HTTP
    answer's ``http_status`` (also ``status_code``), ``headers`` (lower-case
    names), ``trace_id`` and ``attempts``; ``parse()`` returns the typed result."""

    def __init__(self, result: _R) -> None:
        self._result = result

    @property
    def http_status(self) -> int:
        """The HTTP status of the answer."""
        return self._result.http_status

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer (the same as ``http_status``)."""
        return self._result.http_status

    @property
    def headers(self) -> Dict[str, str]:
        """The answer's headers, names lower-case."""
        return self._result.headers

    @property
    def trace_id(self) -> Optional[str]:
        """The API's ``360dialog_trace_id``: quote it to 360dialog support."""
        return self._result.trace_id

    @property
    def attempts(self) -> int:
        """HTTP attempts made, retries included."""
        return self._result.attempts

    def parse(self) -> _R:
        """The typed result (``WebhookUrl``, ``WebhookHeaders``, ``Partner``)."""
        return self._result

    def __repr__(self) -> str:
        return f"APIResponse(http_status={self.http_status}, trace_id={self.trace_id!r}, attempts={self.attempts})"
