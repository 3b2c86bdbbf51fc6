"""Response metadata and openai-style conveniences: ``with_raw_response``,
``headers`` on every result and error, ``with_options``, ``ConflictError`` and
the base ``APIStatusError`` for other 4xx, the ``User-Agent``."""

import pytest

import partner_webhooks as pw


def test_with_raw_response_gives_status_headers_trace_id_and_the_parsed_result(client, sandbox):
    raw = client.with_raw_response.get_webhook_url(sandbox.partner_id)
    assert isinstance(raw, pw.APIResponse)
    assert raw.http_status == raw.status_code == 200 and raw.attempts == 1
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.trace_id and raw.trace_id in raw.headers.values()
    assert isinstance(raw.parse(), pw.WebhookUrl)
    partner = client.with_raw_response.set_webhook_url(sandbox.partner_id, "https://example.com/h").parse()
    assert isinstance(partner, pw.Partner) and partner.webhook_url == "https://example.com/h"
    with pytest.raises(AttributeError):
        client.with_raw_response.close


async def test_with_raw_response_on_the_async_client(sandbox):
    client = pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url)
    raw = await client.with_raw_response.get_webhook_headers(sandbox.partner_id)
    assert raw.http_status == 200 and "content-type" in raw.headers
    assert isinstance(raw.parse(), pw.WebhookHeaders)


def test_every_result_carries_headers(client, sandbox):
    got = client.get_webhook_url(sandbox.partner_id)
    assert got.headers["content-type"].startswith("application/json")


def test_with_options_returns_a_changed_copy(client, sandbox):
    quick = client.with_options(timeout=2.5, max_retries=0)
    assert (quick.timeout, quick.max_retries) == (2.5, 0)
    assert (client.timeout, client.max_retries) == (30.0, 2)
    assert type(quick) is pw.Client
    sandbox.inject_fault("*", status=503, times=1)
    with pytest.raises(pw.InternalServerError) as e:
        quick.get_webhook_url(sandbox.partner_id)
    assert e.value.attempts == 1
    other = client.with_options(base_url=sandbox.base_url + "/", max_connections=3)
    assert other._native.config()["max_connections"] == 3
    assert other.get_webhook_url(sandbox.partner_id).http_status == 200


async def test_with_options_on_the_async_client(sandbox):
    client = pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url).with_options(max_retries=1)
    assert isinstance(client, pw.AsyncClient) and client.max_retries == 1
    assert (await client.get_webhook_url(sandbox.partner_id)).http_status == 200


@pytest.mark.parametrize("status,cls", [(409, pw.ConflictError), (410, pw.APIStatusError),
                                        (413, pw.APIStatusError), (400, pw.BadRequestError)])
def test_status_errors_have_their_class_and_headers(client, sandbox, status, cls):
    sandbox.inject_fault("*", status=status)
    with pytest.raises(pw.APIStatusError) as e:
        client.get_webhook_url(sandbox.partner_id)
    assert type(e.value) is cls and e.value.status_code == status
    assert e.value.headers["content-type"].startswith("application/json")
    assert e.value.trace_id in e.value.headers.values()


def test_errors_without_an_answer_have_no_headers():
    with pytest.raises(pw.APIConnectionError) as e:
        pw.Client(api_key="k", base_url="http://127.0.0.1:9", max_retries=0).get_webhook_url("abcPA")
    assert e.value.headers == {}


def test_the_user_agent_names_sdk_version_and_binding(client):
    ua = client._native.config()["user_agent"]
    assert ua.startswith(f"partner-webhooks/{pw.__version__} ") and "python/3." in ua
