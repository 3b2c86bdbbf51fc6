"""partner_webhooks: configure and receive 360dialog partner webhooks.

- :class:`Client` / :class:`AsyncClient`: get and set the partner webhook URL
  and headers through the Partner API (retries, timeouts, typed errors).
- :class:`WebhookVerifier`: verify ``x-360dialog-signature`` and custom headers
  on the raw request body and get a typed :class:`Event`.
- :class:`Sandbox`: an in-process stand-in for the Partner API for your tests.
"""

from ._client import AsyncClient, Client, TokenProvider
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    InvalidInputError,
    NotFoundError,
    PartnerWebhooksError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    WebhookVerificationError,
)
from ._models import Partner, WebhookHeaders, WebhookUrl
from ._native import (
    Event,
    Sandbox,
    WebhookVerifier,
    __version__,
    io_signature,
    parse_event,
    sign,
    verify_signature,
)

__all__ = [
    "Client",
    "AsyncClient",
    "TokenProvider",
    "WebhookUrl",
    "WebhookHeaders",
    "Partner",
    "WebhookVerifier",
    "Event",
    "parse_event",
    "verify_signature",
    "sign",
    "io_signature",
    "Sandbox",
    "PartnerWebhooksError",
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "InvalidInputError",
    "WebhookVerificationError",
    "__version__",
]
