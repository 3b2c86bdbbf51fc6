"""Smoke test of an installed package: the four operations against the
in-process sandbox, a typed error, a verified event (run from outside the
source tree)."""

import partner_webhooks as pw

with pw.Sandbox() as sb:
    client = pw.Client(api_key=sb.api_key, base_url=sb.base_url)
    partner = client.set_webhook_url(sb.partner_id, "https://hooks.example.com/360dialog")
    assert partner.id == sb.partner_id
    assert client.get_webhook_url(sb.partner_id).webhook_url == "https://hooks.example.com/360dialog"
    client.set_webhook_headers(sb.partner_id, {"X-Partner-Auth": "shared"})
    assert client.get_webhook_headers(sb.partner_id).webhook_headers == {"X-Partner-Auth": "shared"}
    body = b'{"event":"channel_live","data":{"id":"c1"}}'
    event = pw.WebhookVerifier([sb.platform_secret]).verify({"x-360dialog-signature": pw.sign(body, sb.platform_secret)}, body)
    assert event.channel_id == "c1" and event.signature_verified
    try:
        client.get_webhook_url("unknownPA")
        raise AssertionError("expected NotFoundError")
    except pw.NotFoundError as e:
        assert e.status_code == 404 and e.trace_id
# A release wheel carries no test hook (cargo feature `test-hooks`).
assert not hasattr(pw._native.NativeClient, "_panic_for_tests"), "the release wheel has the test hooks"
print(f"python smoke passed: partner_webhooks {pw.__version__} from {pw.__file__}")
