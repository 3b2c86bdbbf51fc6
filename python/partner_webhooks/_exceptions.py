"""The exception tree. Raised from Rust by error kind; plain Python classes,
so they can be caught, subclassed and pickled like any other exception.

    PartnerWebhooksError
    ├── APIError
    │   ├── APIStatusError (status_code, headers, trace_id, developer_message, details, body;
    │   │   │                   also every other 4xx)
    │   │   ├── BadRequestError (400)
    │   │   ├── AuthenticationError (401)
    │   │   ├── PermissionDeniedError (403)
    │   │   ├── NotFoundError (404)
    │   │   ├── ConflictError (409)
    │   │   ├── UnprocessableEntityError (422)
    │   │   ├── RateLimitError (429, retry_after)
    │   │   └── InternalServerError (5xx)
    │   ├── APIConnectionError
    │   │   └── APITimeoutError
    │   ├── APIResponseValidationError (a 2xx body that is not what the API promises)
    │   └── APIUserAbortError (the call was cancelled on the Rust side)
    ├── InvalidInputError (also a ValueError and a TypeError; field names the argument; nothing was sent)
    └── WebhookVerificationError (kind, http_status)
"""

from typing import Any, Dict, Optional, Tuple, Type

__all__ = [
    "PartnerWebhooksError",
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "APIUserAbortError",
    "InvalidInputError",
    "WebhookVerificationError",
]


def _rebuild(cls: "Type[PartnerWebhooksError]", message: str, attrs: Dict[str, Any]) -> "PartnerWebhooksError":
    return cls(message, **attrs)


class PartnerWebhooksError(Exception):
    """Base class of every error raised by partner_webhooks.

    ``kind`` is the language-independent error kind (``"NotFound"``,
    ``"Timeout"``, ``"BadSignature"``, ...).
    """

    kind: Optional[str]

    def __init__(self, message: str, **attrs: Any) -> None:
        super().__init__(message)
        self.message = message
        self._attrs = dict(attrs)
        self.kind = attrs.pop("kind", None)
        for name, value in attrs.items():
            setattr(self, name, value)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._attrs))

    def __str__(self) -> str:
        return self.message


class APIError(PartnerWebhooksError):
    """A call to the Partner API failed."""

    status_code: Optional[int] = None
    trace_id: Optional[str] = None
    developer_message: Optional[str] = None
    details: Any = None
    body: Optional[str] = None
    retry_after: Optional[float] = None
    attempts: int = 0
    field: Optional[str] = None
    #: The response headers (lower-case names) when the server answered; ``{}`` otherwise.
    headers: Dict[str, str] = {}


class APIStatusError(APIError):
    """The API answered with an error status; ``trace_id`` is 360dialog's
    ``360dialog_trace_id`` (quote it to support)."""

    status_code: Optional[int]


class BadRequestError(APIStatusError):
    """HTTP 400: the payload was refused; ``details`` says why, per field."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the API key, token or password was refused."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: these credentials may not act on this partner."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such partner."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the partner's current state."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422."""


class RateLimitError(APIStatusError):
    """HTTP 429; ``retry_after`` is the server's delay in seconds, if sent."""


class InternalServerError(APIStatusError):
    """HTTP 5xx, after the retries."""


class APIConnectionError(APIError):
    """No answer: the connection failed or broke (after the retries)."""


class APITimeoutError(APIConnectionError):
    """The call's time budget ran out."""


class APIResponseValidationError(APIError):
    """A successful answer whose body is not what the API promises."""


class APIUserAbortError(APIError):
    """The call was cancelled before it finished. (A cancelled asyncio task
    raises ``asyncio.CancelledError`` as usual; this is for cancellations the
    runtime reports.)"""


class InvalidInputError(PartnerWebhooksError, ValueError, TypeError):
    """An argument broke a rule or has the wrong type; ``field`` names it, in
    its own unit (seconds for timeouts). Nothing was sent. Also a
    ``ValueError`` and a ``TypeError``, so either ``except`` catches it."""

    field: Optional[str] = None


class WebhookVerificationError(PartnerWebhooksError):
    """An incoming webhook request was refused. ``kind`` is one of
    MissingSignature, BadSignature, MissingHeader, BadHeader, BodyTooLarge,
    MalformedJson, NotAnObject, MissingEventField; answer with ``http_status``."""

    http_status: int = 400
