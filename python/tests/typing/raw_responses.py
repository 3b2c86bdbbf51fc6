"""with_raw_response keeps each method's parameters and result type under
mypy --strict (tests/test_typing.py); never run."""

from typing import assert_type

import partner_webhooks as pw


def sync(client: pw.Client) -> None:
    raw = client.with_raw_response.get_webhook_url("yourPA", timeout=1.0, max_retries=0)
    assert_type(raw, pw.APIResponse[pw.WebhookUrl])
    assert_type(raw.parse(), pw.WebhookUrl)
    assert_type(raw.headers, dict[str, str])
    assert_type(client.with_raw_response.set_webhook_url("yourPA", "https://example.com/h").parse(), pw.Partner)
    assert_type(client.with_raw_response.get_webhook_headers("yourPA").parse(), pw.WebhookHeaders)
    assert_type(client.with_raw_response.set_webhook_headers("yourPA", {"X-A": "1"}).parse(), pw.Partner)


async def asynchronous(client: pw.AsyncClient) -> None:
    raw = await client.with_raw_response.get_webhook_headers("yourPA", attempt_timeout=2.0)
    assert_type(raw, pw.APIResponse[pw.WebhookHeaders])
    assert_type((await client.with_raw_response.set_webhook_url("yourPA", "https://example.com/h")).parse(), pw.Partner)
