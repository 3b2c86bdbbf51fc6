"""The Python tab of every example on the documentation site (docs/site): each
``docs: NAME`` ... ``end docs`` region below is shown there as it is here, and
each test runs it against the sandbox and checks what it did."""

import pathlib

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
