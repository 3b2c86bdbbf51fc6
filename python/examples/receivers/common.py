"""What every receiver example reads from the environment (shared by the examples)."""

import json
import os
import sys

import partner_webhooks as pw

#: The verifier every example uses: your platform secret and the custom header
#: you set with ``client.set_webhook_headers`` (360dialog sends it back).
verifier = pw.WebhookVerifier(
    [os.environ["PLATFORM_SECRET"]],
    required_headers={os.environ.get("PARTNER_HEADER_NAME", "X-Partner-Auth"): os.environ["PARTNER_HEADER_VALUE"]},
    max_body=int(os.environ.get("MAX_BODY", str(1 << 20))),
)
PORT = int(os.environ.get("PORT", "8000"))
_seen: set = set()


def handle(event: pw.PartnerEvent) -> None:
    """Your code: keep it quick (answer 200 within 5 seconds; queue slow work).
    360dialog delivers at least once: skip what you have already handled."""
    if event.dedup_key in _seen:
        return
    _seen.add(event.dedup_key)
    match event:
        case pw.ChannelLiveEvent(data=data):
            detail = data.get("setup_info", {}).get("phone_number")
        case pw.TemplateStatusChangedEvent(data=data):
            detail = data.get("status")
        case _:
            detail = event.status
    print(json.dumps({"received": event.type, "detail": detail, "dedup_key": event.dedup_key}), flush=True)
    sys.stdout.flush()
