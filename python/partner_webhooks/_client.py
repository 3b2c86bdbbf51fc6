"""``Client`` (sync) and ``AsyncClient``: the Partner API webhook settings.

Both run every request on the one shared Rust runtime. ``Client`` releases
the GIL while a call waits, so other threads keep running; it is safe to share
between threads. ``AsyncClient`` methods return awaitables usable from any
asyncio loop, across several ``asyncio.run()`` calls; cancelling the awaiting
task cancels the request.

Each method names its operation as the core's operation table does (the
method's own name) and passes its arguments in the table's order; the native
module looks the operation up and checks the arguments. An operation added to
the core's table needs one method here per client class and one line in each
raw-response class (``tests/test_parity.py`` checks all four), and nothing else.
"""

import os
import weakref
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, Mapping, Optional, Tuple, TypeVar, Union

from ._exceptions import InvalidInputError
from ._models import APIResponse, Partner, WebhookHeaders, WebhookUrl, _Result
from ._native import Completions, NativeClient

if TYPE_CHECKING:  # asyncio costs ~100 ms to import: only AsyncClient calls need it
    import asyncio

    # mypy bundles typing_extensions' stubs; nothing imports it at run time (Python 3.9 has no ParamSpec)
    from typing_extensions import Concatenate, ParamSpec

    _P = ParamSpec("_P")

__all__ = ["Client", "AsyncClient", "TokenProvider"]

_Self = TypeVar("_Self", bound="_Base")
_T = TypeVar("_T", bound=_Result)

#: The per-call options: ``with_options`` changing only these shares the connection pool.
_CALL_OPTIONS = ("timeout", "max_retries", "attempt_timeout")

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
        attempt_timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        max_connections: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        ca_bundle: "Optional[Union[str, os.PathLike[str]]]" = None,
        proxy: Optional[str] = None,
    ) -> None:
        """Give one of ``api_key`` (default: ``PARTNER_API_KEY``), ``bearer_token``,
        ``username`` + ``password`` or ``token_provider``.

        ``base_url``, ``timeout`` (seconds for a whole call, retries included)
        and ``max_retries`` fall back to ``PARTNER_API_BASE_URL``,
        ``PARTNER_API_TIMEOUT`` and ``PARTNER_API_MAX_RETRIES``.
        ``attempt_timeout`` (seconds) limits one attempt so that a hung one is
        retried within ``timeout``; ``connect_timeout`` (seconds, default 10)
        limits connecting; ``max_connections`` (default 100) caps requests on
        the wire at once; ``allow_insecure_http`` permits plain ``http://`` to
        non-loopback hosts (test rigs only).

        TLS trusts the bundled Mozilla roots and the operating system's store;
        ``ca_bundle`` (default: ``PARTNER_API_CA_BUNDLE``) adds the CA
        certificates of a PEM file, such as a TLS-inspecting proxy's.
        ``proxy`` (``http://user:pass@host:port``) sends every request through
        that proxy; without it ``HTTPS_PROXY`` / ``ALL_PROXY`` apply, and
        ``NO_PROXY`` is honoured either way.

        A wrong type or value raises :class:`InvalidInputError` naming the
        argument (also a ``TypeError`` / ``ValueError``)."""
        # Every argument above, by name: each is passed on as it is, and the
        # native layer converts it by the kind the core declares.
        self._settings: Dict[str, Any] = {k: v for k, v in locals().items() if k != "self"}
        self._native = NativeClient(**self._settings)

    def with_options(self: _Self, **settings: Any) -> _Self:
        """A copy of this client with some settings changed; the original is
        untouched. Changing only ``timeout``, ``max_retries`` or
        ``attempt_timeout`` keeps the connection pool and token cache::

            client.with_options(timeout=5, max_retries=0).get_webhook_url("yourPA")

        Any constructor argument may be given; an unknown one raises
        :class:`InvalidInputError`."""
        for name in settings:
            if name not in self._settings:
                raise InvalidInputError(f"{name}: is not a client setting", kind="InvalidInput", field=name)
        copy = object.__new__(type(self))
        copy._settings = {**self._settings, **settings}
        if all(name in _CALL_OPTIONS for name in settings):
            copy._native = self._native.with_call_options(**settings)
        else:
            copy._native = NativeClient(**copy._settings)
        return copy

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
    per-call ``timeout=`` and ``attempt_timeout=`` (seconds) and ``max_retries=``.

    >>> client = Client(api_key="...")                       # doctest: +SKIP
    >>> client.set_webhook_url("yourPA", "https://example.com/events")  # doctest: +SKIP
    """

    def _call(self, op: str, args: Tuple[Any, ...], timeout: Optional[float], max_retries: Optional[int],
              attempt_timeout: Optional[float]) -> Any:
        # Without options, no keywords: the native call then skips reading them.
        if timeout is None and max_retries is None and attempt_timeout is None:
            return self._native.call(op, args)
        return self._native.call(op, args, timeout=timeout, max_retries=max_retries, attempt_timeout=attempt_timeout)

    def get_webhook_url(self, partner_id: str, *, timeout: Optional[float] = None, max_retries: Optional[int] = None,
                        attempt_timeout: Optional[float] = None) -> WebhookUrl:
        """The partner webhook URL (``webhook_url`` is None when none is set)."""
        return WebhookUrl(self._call("get_webhook_url", (partner_id,), timeout, max_retries, attempt_timeout))

    def set_webhook_url(self, partner_id: str, webhook_url: str, *, timeout: Optional[float] = None,
                        max_retries: Optional[int] = None, attempt_timeout: Optional[float] = None) -> Partner:
        """Sets the webhook URL (https, or http on loopback); returns the partner."""
        return Partner(self._call("set_webhook_url", (partner_id, webhook_url), timeout, max_retries, attempt_timeout))

    def get_webhook_headers(self, partner_id: str, *, timeout: Optional[float] = None, max_retries: Optional[int] = None,
                            attempt_timeout: Optional[float] = None) -> WebhookHeaders:
        """The custom headers sent with every webhook."""
        return WebhookHeaders(self._call("get_webhook_headers", (partner_id,), timeout, max_retries, attempt_timeout))

    def set_webhook_headers(self, partner_id: str, headers: Mapping[str, str], *, timeout: Optional[float] = None,
                            max_retries: Optional[int] = None, attempt_timeout: Optional[float] = None) -> Partner:
        """Replaces the custom headers as a whole (``{}`` clears them); returns the partner."""
        return Partner(self._call("set_webhook_headers", (partner_id, headers), timeout, max_retries, attempt_timeout))

    @property
    def with_raw_response(self) -> "_RawResponses":
        """The same methods, returning :class:`APIResponse` (status, headers,
        trace id, attempts; ``parse()`` gives the usual result)::

            raw = client.with_raw_response.get_webhook_url("yourPA")
            print(raw.headers["content-type"], raw.trace_id)
            url = raw.parse()
        """
        return _RawResponses(self)

    def close(self) -> None:
        """Nothing to release explicitly; provided for symmetry with ``with``."""

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _raw(method: "Callable[Concatenate[Client, _P], _T]") -> "Callable[Concatenate[_RawResponses, _P], APIResponse[_T]]":
    """``method`` of :class:`Client`, returning its result as an :class:`APIResponse`;
    type checkers see the method's own parameters."""

    def call(self: "_RawResponses", /, *args: "_P.args", **kwargs: "_P.kwargs") -> "APIResponse[_T]":
        return APIResponse(method(self._client, *args, **kwargs))

    call.__name__, call.__doc__ = method.__name__, method.__doc__
    return call


class _RawResponses:
    """``client.with_raw_response``: each operation method of :class:`Client`,
    returning an :class:`APIResponse`. One line per operation."""

    def __init__(self, client: Client) -> None:
        self._client = client

    get_webhook_url = _raw(Client.get_webhook_url)
    set_webhook_url = _raw(Client.set_webhook_url)
    get_webhook_headers = _raw(Client.get_webhook_headers)
    set_webhook_headers = _raw(Client.set_webhook_headers)


class _LoopCompletions:
    """The completion queue of one event loop. The Rust runtime queues finished
    calls and writes a byte to a socket pair's write end; the loop watches the
    read end and settles the queued futures in batches. ``socket.socketpair``
    exists on every OS; the loop watches with ``add_reader`` where it has one
    (selector loops: Linux, macOS), else with a task awaiting ``sock_recv``
    (Windows' default Proactor loop has no ``add_reader``)."""

    def __init__(self, loop: "asyncio.AbstractEventLoop") -> None:
        import socket

        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self.completions = Completions(self._write.fileno())
        self._pump_task: "Optional[asyncio.Task[None]]" = None
        try:
            loop.add_reader(self._read.fileno(), self._on_readable)
        except NotImplementedError:
            self._pump_task = loop.create_task(self._pump(loop))

    def _empty_socket(self) -> None:
        try:
            while self._read.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass

    def _on_readable(self) -> None:
        # The socket first, then the queue: a result queued after the drain
        # writes a new byte, so none is left behind.
        self._empty_socket()
        self.completions.drain()

    async def _pump(self, loop: "asyncio.AbstractEventLoop") -> None:
        while await loop.sock_recv(self._read, 4096):
            self._on_readable()


#: One completion queue per event loop, dropped with the loop.
_completions: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopCompletions]" = weakref.WeakKeyDictionary()


def _loop_completions(loop: "asyncio.AbstractEventLoop") -> Completions:
    c = _completions.get(loop)
    if c is None:
        c = _LoopCompletions(loop)
        _completions[loop] = c
    return c.completions


class AsyncClient(_Base):
    """Asyncio client: the same methods as :class:`Client`, as coroutines.

    >>> async with AsyncClient(api_key="...") as client:      # doctest: +SKIP
    ...     url = await client.get_webhook_url("yourPA")
    """

    async def get_webhook_url(self, partner_id: str, *, timeout: Optional[float] = None,
                              max_retries: Optional[int] = None, attempt_timeout: Optional[float] = None) -> WebhookUrl:
        """The partner webhook URL (``webhook_url`` is None when none is set)."""
        return WebhookUrl(await self._call("get_webhook_url", (partner_id,), timeout, max_retries, attempt_timeout))

    async def set_webhook_url(self, partner_id: str, webhook_url: str, *, timeout: Optional[float] = None,
                              max_retries: Optional[int] = None, attempt_timeout: Optional[float] = None) -> Partner:
        """Sets the webhook URL (https, or http on loopback); returns the partner."""
        return Partner(await self._call("set_webhook_url", (partner_id, webhook_url), timeout, max_retries,
                                        attempt_timeout))

    async def get_webhook_headers(self, partner_id: str, *, timeout: Optional[float] = None,
                                  max_retries: Optional[int] = None,
                                  attempt_timeout: Optional[float] = None) -> WebhookHeaders:
        """The custom headers sent with every webhook."""
        return WebhookHeaders(await self._call("get_webhook_headers", (partner_id,), timeout, max_retries,
                                               attempt_timeout))

    async def set_webhook_headers(self, partner_id: str, headers: Mapping[str, str], *, timeout: Optional[float] = None,
                                  max_retries: Optional[int] = None, attempt_timeout: Optional[float] = None) -> Partner:
        """Replaces the custom headers as a whole (``{}`` clears them); returns the partner."""
        return Partner(await self._call("set_webhook_headers", (partner_id, headers), timeout, max_retries,
                                        attempt_timeout))

    @property
    def with_raw_response(self) -> "_AsyncRawResponses":
        """The same methods, returning :class:`APIResponse` (status, headers,
        trace id, attempts; ``parse()`` gives the usual result)::

            raw = await client.with_raw_response.get_webhook_url("yourPA")
            url = raw.parse()
        """
        return _AsyncRawResponses(self)

    async def _call(self, op: str, args: Tuple[Any, ...], timeout: Optional[float], max_retries: Optional[int],
                    attempt_timeout: Optional[float]) -> Any:
        """Runs the operation ``op`` on the shared runtime; the loop's completion
        queue settles the future it awaits."""
        import asyncio

        loop = asyncio.get_running_loop()
        future = loop.create_future()
        handle = self._native.call_async(op, args, timeout=timeout, max_retries=max_retries,
                                         attempt_timeout=attempt_timeout, completions=_loop_completions(loop),
                                         future=future)
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


def _araw(
    method: "Callable[Concatenate[AsyncClient, _P], Awaitable[_T]]",
) -> "Callable[Concatenate[_AsyncRawResponses, _P], Awaitable[APIResponse[_T]]]":
    """``method`` of :class:`AsyncClient`, its result as an :class:`APIResponse`."""

    async def call(self: "_AsyncRawResponses", /, *args: "_P.args", **kwargs: "_P.kwargs") -> "APIResponse[_T]":
        return APIResponse(await method(self._client, *args, **kwargs))

    call.__name__, call.__doc__ = method.__name__, method.__doc__
    return call


class _AsyncRawResponses:
    """``client.with_raw_response`` of :class:`AsyncClient`: each operation
    method, awaitable, returning an :class:`APIResponse`. One line per operation."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    get_webhook_url = _araw(AsyncClient.get_webhook_url)
    set_webhook_url = _araw(AsyncClient.set_webhook_url)
    get_webhook_headers = _araw(AsyncClient.get_webhook_headers)
    set_webhook_headers = _araw(AsyncClient.set_webhook_headers)
