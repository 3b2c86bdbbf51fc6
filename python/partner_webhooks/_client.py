"""``Client`` (sync) and ``AsyncClient``: the Partner API webhook settings.

Both run every request on the one shared Rust runtime. ``Client`` releases
the GIL while a call waits, so other threads keep running; it is safe to share
between threads. ``AsyncClient`` methods return awaitables usable from any
asyncio loop, across several ``asyncio.run()`` calls; cancelling the awaiting
task cancels the request.
"""

import weakref
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Tuple, Union

from ._models import Partner, WebhookHeaders, WebhookUrl
from ._native import Completions, NativeClient

if TYPE_CHECKING:  # asyncio costs ~100 ms to import: only AsyncClient calls need it
    import asyncio

__all__ = ["Client", "AsyncClient", "TokenProvider"]

#: ``provider(refresh) -> token | (token, expires_in_seconds) | {"access_token": ..., "expires_in": ...}``;
#: ``refresh`` is True when the server refused the previous token.
TokenProvider = Callable[[bool], Union[str, Tuple[str, float], Mapping[str, Any]]]


class _Base:
    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        bearer_token: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        token_provider: Optional[TokenProvider] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        """Give one of ``api_key`` (default: ``PARTNER_API_KEY``), ``bearer_token``,
        ``username`` + ``password`` or ``token_provider``. ``base_url``, ``timeout``
        (seconds for a whole call, retries included) and ``max_retries`` fall back
        to ``PARTNER_API_BASE_URL``, ``PARTNER_API_TIMEOUT``, ``PARTNER_API_MAX_RETRIES``."""
        self._native = NativeClient(
            api_key=api_key,
            bearer_token=bearer_token,
            username=username,
            password=password,
            token_provider=token_provider,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
        )

    @property
    def base_url(self) -> str:
        return self._native.base_url

    @property
    def timeout(self) -> float:
        return self._native.timeout

    @property
    def max_retries(self) -> int:
        return self._native.max_retries

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, timeout={self.timeout}, max_retries={self.max_retries})"


class Client(_Base):
    """Synchronous client. Every method takes the partner id first and accepts
    per-call ``timeout=`` (seconds) and ``max_retries=``.

    >>> client = Client(api_key="...")                       # doctest: +SKIP
    >>> client.set_webhook_url("yourPA", "https://example.com/events")  # doctest: +SKIP
    """

    def get_webhook_url(self, partner_id: str, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> WebhookUrl:
        """The partner webhook URL (``webhook_url`` is None when none is set)."""
        return WebhookUrl(self._native.call("get_webhook_url", partner_id, timeout=timeout, max_retries=max_retries))

    def set_webhook_url(self, partner_id: str, webhook_url: str, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> Partner:
        """Sets the webhook URL (https, or http on loopback); returns the partner."""
        return Partner(self._native.call("set_webhook_url", partner_id, webhook_url, timeout=timeout, max_retries=max_retries))

    def get_webhook_headers(self, partner_id: str, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> WebhookHeaders:
        """The custom headers sent with every webhook."""
        return WebhookHeaders(self._native.call("get_webhook_headers", partner_id, timeout=timeout, max_retries=max_retries))

    def set_webhook_headers(self, partner_id: str, headers: Mapping[str, str], *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> Partner:
        """Replaces the custom headers as a whole (``{}`` clears them); returns the partner."""
        return Partner(self._native.call("set_webhook_headers", partner_id, headers, timeout=timeout, max_retries=max_retries))

    def close(self) -> None:
        """Nothing to release explicitly; provided for symmetry with ``with``."""

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


#: One completion queue per event loop: the Rust runtime queues finished calls
#: and wakes the loop through a pipe; the loop settles them in batches.
_completions: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Completions]" = weakref.WeakKeyDictionary()


def _loop_completions(loop: "asyncio.AbstractEventLoop") -> Completions:
    c = _completions.get(loop)
    if c is None:
        c = Completions()
        loop.add_reader(c.fileno(), c.drain)
        _completions[loop] = c
    return c


class AsyncClient(_Base):
    """Asyncio client: the same methods as :class:`Client`, as coroutines.

    >>> async with AsyncClient(api_key="...") as client:      # doctest: +SKIP
    ...     url = await client.get_webhook_url("yourPA")
    """

    async def get_webhook_url(self, partner_id: str, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> WebhookUrl:
        """The partner webhook URL (``webhook_url`` is None when none is set)."""
        return WebhookUrl(await self._call("get_webhook_url", partner_id, timeout=timeout, max_retries=max_retries))

    async def set_webhook_url(self, partner_id: str, webhook_url: str, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> Partner:
        """Sets the webhook URL (https, or http on loopback); returns the partner."""
        return Partner(await self._call("set_webhook_url", partner_id, webhook_url, timeout=timeout, max_retries=max_retries))

    async def get_webhook_headers(self, partner_id: str, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> WebhookHeaders:
        """The custom headers sent with every webhook."""
        return WebhookHeaders(await self._call("get_webhook_headers", partner_id, timeout=timeout, max_retries=max_retries))

    async def set_webhook_headers(self, partner_id: str, headers: Mapping[str, str], *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> Partner:
        """Replaces the custom headers as a whole (``{}`` clears them); returns the partner."""
        return Partner(await self._call("set_webhook_headers", partner_id, headers, timeout=timeout, max_retries=max_retries))

    async def _call(self, op: str, partner_id: str, arg: Any = None, *, timeout: Optional[float], max_retries: Optional[int]) -> Any:
        import asyncio

        loop = asyncio.get_running_loop()
        future = loop.create_future()
        handle = self._native.call_async(op, partner_id, arg, timeout=timeout, max_retries=max_retries,
                                         completions=_loop_completions(loop), future=future)
        try:
            return await future
        except asyncio.CancelledError:
            handle.cancel()  # stop the request the caller no longer waits for
            raise

    async def close(self) -> None:
        """Nothing to release explicitly; provided for symmetry with ``async with``."""

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
