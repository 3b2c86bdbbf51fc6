"""partner_webhooks: configure and receive 360dialog partner webhooks.

- :class:`Client` / :class:`AsyncClient`: get and set the partner webhook URL
  and headers through the Partner API (retries, timeouts, typed errors).
- :class:`WebhookVerifier`: verify ``x-360dialog-signature`` and custom headers
  on the raw request body and get a typed :class:`Event`.
- :class:`Sandbox`: an in-process stand-in for the Partner API for your tests.
"""

from ._client import AsyncClient, Client, TokenProvider
from . import _exceptions
from ._exceptions import *  # noqa: F401,F403 (the exception tree; listed in _exceptions.__all__)
from ._models import APIResponse, Partner, WebhookHeaders, WebhookUrl
from . import _events
from ._events import *  # noqa: F401,F403 (the event classes and typed payloads; listed in _events.__all__)
from ._native import (
    Event,
    Sandbox,
    WebhookVerifier,
    __version__,
    io_signature,
    parse_delivery_log,
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
    "APIResponse",
    "WebhookVerifier",
    "Event",
    "parse_event",
    "parse_delivery_log",
    "verify_signature",
    "sign",
    "io_signature",
    "Sandbox",
    "__version__",
    *_events.__all__,
    *_exceptions.__all__,
]
