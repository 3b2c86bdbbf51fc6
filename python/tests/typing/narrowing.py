"""Checked by ``mypy --strict`` (tests/test_typing.py): ``match`` and
``event.type ==`` narrow a verified event to its class and typed ``data``; the
``type: ignore`` lines must stay errors (mypy's warn_unused_ignores would say
so otherwise)."""

from typing import Optional

import partner_webhooks as pw


def describe(event: pw.PartnerEvent) -> str:
    match event:
        case pw.ChannelLiveEvent(data=data):
            phone: Optional[str] = data.get("setup_info", {}).get("phone_number")
            wrong: Optional[int] = data.get("setup_info", {}).get("phone_number")  # type: ignore[assignment]
            return f"live {phone} {wrong}"
        case pw.TemplateStatusChangedEvent(data=data):
            reason: Optional[str] = data.get("rejected_reason")
            return f"{data.get('name')} {data.get('status')} {reason}"
        case pw.AccountRestrictionEvent(data=data):
            return ",".join(r.get("restriction_type", "") for r in data.get("restrictions", []))
        case pw.UnknownEvent() as other:
            nothing: None = other.known_type
            return f"{other.event_type} {nothing} {other.raw}"
        case _:
            return event.type


def by_type(event: pw.PartnerEvent) -> Optional[str]:
    if event.type == "waba_template_status_changed":
        return event.data.get("rejected_reason")
    if event.type == "channel_ready":
        return event.data.get("waba_account", {}).get("external_id")
    return event.data.get("rejected_reason")  # type: ignore[return-value]


def verify(verifier: pw.WebhookVerifier, body: bytes) -> str:
    return describe(verifier.verify({"x-360dialog-signature": "00"}, body))
