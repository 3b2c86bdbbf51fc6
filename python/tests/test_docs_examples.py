"""The Python tab of every example on the documentation site (docs/site): each
``docs: NAME`` ... ``end docs`` region below is shown there as it is here, and
each test runs it against the sandbox and checks what it did."""

import pathlib
import time

import pytest

import partner_webhooks as pw

FIXTURE = pathlib.Path(__file__).parent.parent.parent / "tests" / "fixtures" / "deliveries.jsonl"


@pytest.fixture
def started():
    # docs: client
    from partner_webhooks import Client, Sandbox

    sandbox = Sandbox()  # 127.0.0.1, a free port; sandbox.close() stops it
    client = Client(
        api_key=sandbox.api_key,  # your Partner API key (or PARTNER_API_KEY)
        base_url=sandbox.base_url,  # leave out for https://hub.360dialog.io
    )
    partner_id = sandbox.partner_id
    # end docs
    assert client.get_webhook_url(partner_id).http_status == 200
    yield sandbox, client, partner_id
    client.close()
    sandbox.close()


def test_webhook_settings(started, capsys):
    _, client, partner_id = started
    # docs: webhook-settings
    client.set_webhook_url(partner_id, "https://example.com/360dialog/events")
    # The dict replaces the partner's custom headers as a whole.
    secret = "a-long-random-value"  # keep it in your secret store
    client.set_webhook_headers(partner_id, {"X-Partner-Auth": secret})

    url = client.get_webhook_url(partner_id)
    headers = client.get_webhook_headers(partner_id)
    print(f"events go to {url.webhook_url} with headers {list(headers.webhook_headers or {})}")
    # end docs
    assert capsys.readouterr().out == "events go to https://example.com/360dialog/events with headers ['X-Partner-Auth']\n"


def test_errors(started, capsys):
    _, client, _ = started
    for partner_id in ["noSuchPA", ""]:
        # docs: errors
        import partner_webhooks as pw

        try:
            print(client.get_webhook_url(partner_id).webhook_url)
        except pw.InvalidInputError as e:  # nothing was sent; also a ValueError
            print(f"bad {e.field}: {e}")
        except pw.NotFoundError as e:  # quote the trace id to 360dialog support
            print(f"no such partner (trace id {e.trace_id})")
        except (pw.InternalServerError, pw.RateLimitError, pw.APIConnectionError) as e:
            print(f"try later: {e}")  # retried already
        # end docs
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("no such partner (trace id ") and not out[0].endswith("None)"), out
    assert out[1].startswith("bad partner_id: "), out


def test_per_call_options(started, capsys):
    sandbox, client, partner_id = started
    sandbox.inject_fault("get_webhook_url", status=503, times=1)
    # docs: per-call-options
    # Settings for this call only: no retry and a 3 s budget.
    try:
        client.get_webhook_url(partner_id, max_retries=0, timeout=3.0)
    except pw.InternalServerError as e:
        print(f"HTTP {e.status_code} after {e.attempts} attempt")
    # end docs
    assert capsys.readouterr().out == "HTTP 503 after 1 attempt\n"


def test_sandbox_faults(started, capsys):
    sandbox, client, partner_id = started
    # docs: sandbox-faults
    # The next two calls get a 503; the client retries and the third attempt succeeds.
    sandbox.inject_fault("get_webhook_url", status=503, times=2)
    url = client.get_webhook_url(partner_id)
    print(url.attempts, "attempts")  # 3
    # end docs
    assert capsys.readouterr().out == "3 attempts\n"


def test_receive(capsys):
    delivery = pw.parse_delivery_log(FIXTURE.read_text(encoding="utf-8"))[0]
    headers = [*map(tuple, delivery["headers"]), ("X-Partner-Auth", "fixture-header-value")]
    body = delivery["body"].encode()
    platform_secret, header_secret = "fixture-platform-secret", "fixture-header-value"
    # docs: receive
    from partner_webhooks import ChannelLiveEvent, WebhookVerificationError, WebhookVerifier

    # Once, at start-up: the platform secret (Partner Hub -> Integration; add the
    # old one too while rotating) and the custom header you set.
    verifier = WebhookVerifier([platform_secret], required_headers={"X-Partner-Auth": header_secret})

    # Per request: the headers and the raw body bytes, never re-encoded JSON.
    try:
        event = verifier.verify(headers, body)
    except WebhookVerificationError as e:
        print("refused, answer", e.http_status)  # 401 (signature, header), 413, 400
    else:
        match event:
            case ChannelLiveEvent(data=data):
                print("live:", data.get("id"))
            case _:
                print(event.event_type, event.dedup_key)
    # end docs
    assert capsys.readouterr().out.startswith("live: ")
    with pytest.raises(pw.WebhookVerificationError):
        verifier.verify(headers[:1], body)


def captured():
    """The fixture's first delivery as a receiver gets it: headers (with the custom one) and the raw body."""
    delivery = pw.parse_delivery_log(FIXTURE.read_text(encoding="utf-8"))[0]
    return [*map(tuple, delivery["headers"]), ("X-Partner-Auth", "fixture-header-value")], delivery["body"].encode()


def test_auth_password(started):
    sandbox, _, partner_id = started
    username, password, base_url = sandbox.username, sandbox.password, sandbox.base_url
    # docs: auth-password
    from partner_webhooks import Client

    # The client exchanges them for a token at POST /api/v2/token, keeps it until
    # shortly before it expires, and fetches a new one once after a 401.
    client = Client(username=username, password=password, base_url=base_url)
    url = client.get_webhook_url(partner_id)
    # end docs
    assert url.http_status == 200
    assert sandbox.stats()["tokens_issued"] == 1


def test_cancel(started):
    sandbox, _, partner_id = started
    sandbox.inject_fault("get_webhook_url", delay_ms=5000)
    api_key, base_url = sandbox.api_key, sandbox.base_url
    started_at = time.monotonic()
    printed = []
    print = printed.append  # noqa: A001 - the region's print, recorded
    # docs: cancel
    import asyncio

    from partner_webhooks import AsyncClient

    async def main() -> None:
        async with AsyncClient(api_key=api_key, base_url=base_url) as client:
            # Cancelling the task cancels the request in flight; no retry follows.
            try:
                await asyncio.wait_for(client.get_webhook_url(partner_id), timeout=0.2)
            except asyncio.TimeoutError:
                print("gave up after 200 ms")

    asyncio.run(main())
    # end docs
    assert printed == ["gave up after 200 ms"]
    assert time.monotonic() - started_at < 2


def test_dedup():
    headers, body = captured()
    verifier = pw.WebhookVerifier(["fixture-platform-secret"], required_headers={"X-Partner-Auth": "fixture-header-value"})
    deliveries = [body, body]  # the same delivery, twice
    handled = []
    # docs: dedup
    # 360dialog delivers at least once: remember what was handled (in your
    # database, for as long as re-deliveries can come) and skip it.
    seen: set[str] = set()
    for body in deliveries:
        event = verifier.verify(headers, body)
        if event.dedup_key in seen:
            continue  # answer 200 all the same
        seen.add(event.dedup_key)
        handled.append(event)
    # end docs
    assert len(handled) == 1


def test_rotate_secrets():
    headers, body = captured()
    old_secret, new_secret = "the-previous-platform-secret", "fixture-platform-secret"
    # docs: rotate-secrets
    from partner_webhooks import WebhookVerifier

    # Both secrets while rotating: a delivery signed with either verifies.
    verifier = WebhookVerifier([new_secret, old_secret], required_headers={"X-Partner-Auth": "fixture-header-value"})
    event = verifier.verify(headers, body)
    # end docs
    assert event.event_type == "channel_live"


def test_tls_proxy(capsys):
    ca_file = str(FIXTURE.parent / "tls" / "ca.pem")
    api_key = "a-partner-api-key"
    # docs: tls-proxy
    from partner_webhooks import Client

    # Trust a TLS-inspecting proxy's CA (besides the bundled roots and the OS
    # store) and send every request through the proxy. Its password never shows.
    client = Client(api_key=api_key, ca_bundle=ca_file, proxy="http://user:proxy-password@proxy.corp:3128")
    print(client)
    # end docs
    shown = capsys.readouterr().out + repr(client._native.config())
    assert "proxy.corp:3128" in shown and "proxy-password" not in shown, shown


def test_response_metadata(started, capsys):
    _, client, partner_id = started
    # docs: response-metadata
    # Every result carries its HTTP answer: status, headers, trace id and attempts.
    raw = client.with_raw_response.get_webhook_url(partner_id)
    print(raw.http_status, raw.headers["content-type"], raw.trace_id, raw.attempts)
    url = raw.parse()  # the WebhookUrl (url.http_status, url.trace_id, ... too)
    # end docs
    status, content_type, trace_id, attempts = capsys.readouterr().out.split()
    assert (status, content_type, len(trace_id), attempts) == ("200", "application/json", 32, "1")
    assert url.trace_id == trace_id


def test_logging(started, caplog):
    _, client, partner_id = started
    # docs: logging
    import logging

    # Records go to the `partner_webhooks` logger (a warning per retry; at DEBUG a
    # line per request and per response, with its fields as record attributes).
    logging.basicConfig()
    logging.getLogger("partner_webhooks").setLevel(logging.DEBUG)
    client.get_webhook_url(partner_id)
    # end docs
    messages = [r.getMessage() for r in caplog.records if r.name == "partner_webhooks"]
    assert any(m.startswith("response") for m in messages), messages
    logging.getLogger("partner_webhooks").setLevel(logging.NOTSET)
