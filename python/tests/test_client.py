"""Python-specific client behaviour: GIL, threads, asyncio, cancellation,
fork, environment, token providers, pickling and redaction."""

import asyncio
import json
import os
import pickle
import threading
import time
import urllib.request

import pytest

import partner_webhooks as pw


def test_first_calls_and_typed_results(sandbox, client):
    partner = client.set_webhook_url(sandbox.partner_id, "https://hooks.example.com/events")
    assert isinstance(partner, pw.Partner)
    assert partner.id == sandbox.partner_id
    assert partner.webhook_url == "https://hooks.example.com/events"
    assert partner.http_status == 200 and partner.attempts == 1 and partner.trace_id
    assert partner.to_dict()["logo_url"] is None, "to_dict() is the body as sent, nulls included"
    url = client.get_webhook_url(sandbox.partner_id)
    assert isinstance(url, pw.WebhookUrl) and url.webhook_url == "https://hooks.example.com/events"
    headers = client.set_webhook_headers(sandbox.partner_id, {"X-A": "1"})
    assert headers.webhook_headers == {"X-A": "1"}
    got = client.get_webhook_headers(sandbox.partner_id)
    assert isinstance(got, pw.WebhookHeaders) and got.webhook_headers == {"X-A": "1"}
    assert got.extra == {}
    with pytest.raises(AttributeError):
        got.not_a_field


def test_gil_is_released_while_a_call_waits(sandbox, client):
    sandbox.inject_fault("get_webhook_url", delay_ms=800)
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    started = time.monotonic()
    client.get_webhook_url(sandbox.partner_id)
    elapsed = time.monotonic() - started
    stop.set()
    counter.join()
    assert elapsed >= 0.7
    # A held GIL would have frozen the counter for the whole call.
    assert ticks > 100_000, ticks


def test_sync_client_is_safe_from_many_threads(sandbox, client):
    errors = []

    def work(i):
        try:
            for _ in range(5):
                client.set_webhook_headers(sandbox.partner_id, {f"X-{i}": str(i)})
                client.get_webhook_headers(sandbox.partner_id)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sandbox.stats()["requests"]["set_webhook_headers"] == 40


def test_async_client_across_several_event_loops(sandbox):
    client = pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url)

    async def once(i):
        await client.set_webhook_url(sandbox.partner_id, f"https://hooks.example.com/{i}")
        return (await client.get_webhook_url(sandbox.partner_id)).webhook_url

    for i in range(3):
        assert asyncio.run(once(i)) == f"https://hooks.example.com/{i}"


async def test_async_context_manager_and_gather(sandbox):
    async with pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url) as client:
        results = await asyncio.gather(*(client.get_webhook_url(sandbox.partner_id) for _ in range(64)))
    assert all(r.http_status == 200 for r in results)


async def test_cancelling_the_task_drops_the_request(sandbox):
    client = pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url, max_retries=5)
    sandbox.inject_fault("get_webhook_url", status=503, times=10)
    task = asyncio.ensure_future(client.get_webhook_url(sandbox.partner_id))
    await asyncio.sleep(0.2)  # the first attempt has failed; a retry is waiting
    assert sandbox.stats()["requests"]["get_webhook_url"] == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(2.0)  # longer than the back-off: a live request would retry
    assert sandbox.stats()["requests"]["get_webhook_url"] == 1


def test_io_runs_on_the_shared_runtime_threads(sandbox, client):
    client.get_webhook_url(sandbox.partner_id)
    names = []
    for t in os.listdir("/proc/self/task"):
        try:
            names.append(open(f"/proc/self/task/{t}/comm").read().strip())
        except FileNotFoundError:  # a thread that exited after the listing
            pass
    rt = pw._native.runtime_thread_name()[:15]  # the kernel keeps 15 characters
    # Two workers (plus the runtime's own blocking-pool threads, same name).
    assert sum(1 for n in names if n == rt) >= 2, names
    # No second runtime: asyncio calls go through the completions bridge on ours.
    assert not any(n.startswith("tokio-runtime") or n.startswith("tokio-rt") for n in names), names


def test_errors_by_kind_with_attributes(sandbox, client):
    with pytest.raises(pw.NotFoundError) as info:
        client.get_webhook_url("nopePA")
    e = info.value
    assert isinstance(e, pw.APIStatusError) and isinstance(e, pw.APIError) and isinstance(e, pw.PartnerWebhooksError)
    assert (e.kind, e.status_code, e.developer_message, e.attempts) == ("NotFound", 404, "Partner not found", 1)
    assert len(e.trace_id) == 32
    with pytest.raises(pw.PermissionDeniedError):
        client.get_webhook_url(sandbox.other_partner_id)
    sandbox.inject_fault("get_webhook_url", status=429, retry_after=3600)
    with pytest.raises(pw.RateLimitError) as info:
        client.get_webhook_url(sandbox.partner_id)
    assert info.value.retry_after == 3600.0
    sandbox.inject_fault("set_webhook_url", status=400, body=json.dumps(
        {"meta": {"developer_message": "Wrong payload", "http_code": 400, "success": False,
                  "360dialog_trace_id": "t-400", "details": {"webhook_url": ["Not a valid URL."]}}}))
    with pytest.raises(pw.BadRequestError) as info:
        client.set_webhook_url(sandbox.partner_id, "https://hooks.example.com/x")
    assert info.value.details == {"webhook_url": ["Not a valid URL."]} and info.value.trace_id == "t-400"
    sandbox.inject_fault("get_webhook_url", status=503, times=10)
    with pytest.raises(pw.InternalServerError) as info:
        client.get_webhook_url(sandbox.partner_id, max_retries=0)
    assert info.value.status_code == 503
    sandbox.clear_faults()
    sandbox.inject_fault("get_webhook_url", delay_ms=3000)
    with pytest.raises(pw.APITimeoutError) as info:
        client.get_webhook_url(sandbox.partner_id, timeout=0.3)
    assert isinstance(info.value, pw.APIConnectionError) and info.value.kind == "Timeout"
    sandbox.inject_fault("get_webhook_url", status=200, body="not json")
    with pytest.raises(pw.APIResponseValidationError):
        client.get_webhook_url(sandbox.partner_id)


def test_invalid_input_is_a_value_error_and_sends_nothing(sandbox, client):
    for call in (
        lambda: client.get_webhook_url(""),
        lambda: client.set_webhook_url(sandbox.partner_id, "http://hooks.example.com/x"),
        lambda: client.set_webhook_headers(sandbox.partner_id, {"Host": "x"}),
        lambda: client.set_webhook_headers(sandbox.partner_id, {"X-A": 5}),
        lambda: client.set_webhook_headers(sandbox.partner_id, ["not", "a", "mapping"]),
        lambda: client.get_webhook_url(sandbox.partner_id, timeout=-1),
    ):
        with pytest.raises(pw.InvalidInputError) as info:
            call()
        assert isinstance(info.value, ValueError) and info.value.field
    assert sandbox.stats()["requests"] == {}
    with pytest.raises(pw.InvalidInputError) as info:
        pw.Client(api_key="k", bearer_token="t")
    assert info.value.field == "credentials"


def test_exceptions_pickle_with_their_attributes(sandbox, client):
    with pytest.raises(pw.NotFoundError) as info:
        client.get_webhook_headers("nopePA")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is pw.NotFoundError
    assert (copy.kind, copy.status_code, copy.trace_id, str(copy)) == (
        info.value.kind, 404, info.value.trace_id, str(info.value))
    v = pickle.loads(pickle.dumps(pw.WebhookVerificationError("x", kind="BadSignature", http_status=401)))
    assert (v.kind, v.http_status) == ("BadSignature", 401)


def test_secrets_never_show(sandbox):
    key, password, bearer, header_value = sandbox.api_key, sandbox.password, "bearer-secret-77", "header-secret-88"
    shown = []
    for client in (
        pw.Client(api_key=key, base_url=sandbox.base_url),
        pw.Client(username=sandbox.username, password=password, base_url=sandbox.base_url),
        pw.Client(bearer_token=bearer, base_url=sandbox.base_url),
    ):
        shown += [repr(client), repr(client._native)]
    c = pw.Client(api_key=key, base_url=sandbox.base_url)
    shown.append(repr(c.set_webhook_headers(sandbox.partner_id, {"Authorization": header_value})))
    shown.append(repr(c.get_webhook_headers(sandbox.partner_id)))
    shown.append(repr(pw.WebhookVerifier(["platform-secret-99"], required_headers={"X-A": header_value})))
    for bad in (pw.Client(api_key=key + "x", base_url=sandbox.base_url),
                pw.Client(username=sandbox.username, password=password + "x", base_url=sandbox.base_url)):
        with pytest.raises(pw.AuthenticationError) as info:
            bad.get_webhook_url(sandbox.partner_id)
        shown += [str(info.value), repr(info.value), repr(info.value._attrs)]
    with pytest.raises(pw.InvalidInputError) as info:
        c.set_webhook_headers(sandbox.partner_id, {"X-A": header_value + "\r\n"})
    shown.append(str(info.value))
    text = "\n".join(shown)
    for secret in (key, password, bearer, header_value, "platform-secret-99"):
        assert secret not in text


def test_environment_configuration(sandbox, monkeypatch):
    monkeypatch.setenv("PARTNER_API_KEY", sandbox.api_key)
    monkeypatch.setenv("PARTNER_API_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("PARTNER_API_TIMEOUT", "2.5")
    monkeypatch.setenv("PARTNER_API_MAX_RETRIES", "4")
    client = pw.Client()
    assert (client.timeout, client.max_retries, client.base_url) == (2.5, 4, sandbox.base_url)
    assert client.get_webhook_url(sandbox.partner_id).http_status == 200
    assert pw.Client(timeout=1, max_retries=0).max_retries == 0, "explicit arguments win"
    monkeypatch.setenv("PARTNER_API_TIMEOUT", "soon")
    with pytest.raises(pw.InvalidInputError) as info:
        pw.Client()
    assert info.value.field == "PARTNER_API_TIMEOUT"
    monkeypatch.delenv("PARTNER_API_KEY")
    monkeypatch.delenv("PARTNER_API_TIMEOUT")
    with pytest.raises(pw.InvalidInputError) as info:
        pw.Client()
    assert info.value.field == "credentials"


def test_token_provider_is_cached_and_refreshed_after_401(sandbox):
    calls = []

    def provider(refresh):
        calls.append(refresh)
        body = json.dumps({"username": sandbox.username, "password": sandbox.password}).encode()
        req = urllib.request.Request(sandbox.base_url + "/api/v2/token", data=body, headers={"content-type": "application/json"})
        token = json.loads(urllib.request.urlopen(req).read())
        return token["access_token"], token["expires_in"]

    client = pw.Client(token_provider=provider, base_url=sandbox.base_url)
    for _ in range(5):
        client.get_webhook_url(sandbox.partner_id)
    assert calls == [False]
    sandbox.revoke_tokens()
    assert client.get_webhook_url(sandbox.partner_id).attempts == 2
    assert calls == [False, True]

    def broken(refresh):
        raise RuntimeError("backend down")

    with pytest.raises(pw.AuthenticationError) as info:
        pw.Client(token_provider=broken, base_url=sandbox.base_url).get_webhook_url(sandbox.partner_id)
    assert "backend down" in str(info.value)
    with pytest.raises(TypeError):
        pw.Client(token_provider="not callable")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_call_after_fork_raises_instead_of_hanging(sandbox, client):
    client.get_webhook_url(sandbox.partner_id)  # the runtime is running in the parent
    pid = os.fork()
    if pid == 0:  # child: report through the exit code only
        code = 1
        try:
            client.get_webhook_url(sandbox.partner_id)
        except pw.PartnerWebhooksError as e:
            code = 0 if (e.kind == "Runtime" and "fork" in str(e)) else 2
        except BaseException:
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert client.get_webhook_url(sandbox.partner_id).http_status == 200, "the parent still works"


def test_context_manager_and_repr(sandbox):
    with pw.Client(api_key=sandbox.api_key, base_url=sandbox.base_url) as client:
        assert client.get_webhook_url(sandbox.partner_id).http_status == 200
    assert repr(client) == f"Client(base_url={sandbox.base_url!r}, timeout=30.0, max_retries=2)"
