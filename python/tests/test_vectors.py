"""Every file of tests/vectors, run unchanged (format: tests/vectors/README.md)."""

import base64
import json

import pytest

import partner_webhooks as pw

from conftest import VECTORS


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector(path):
    v = json.loads(path.read_text(encoding="utf-8"))
    spec = v["verifier"]
    verifier = pw.WebhookVerifier(
        spec.get("secrets", []),
        required_headers=spec.get("required_headers") or None,
        max_body=spec.get("max_body"),
        require_signature=spec.get("require_signature"),
    )
    request = v["request"]
    body = request["body"].encode() if "body" in request else base64.b64decode(request["body_base64"])
    headers = [tuple(pair) for pair in request["headers"]]
    expect = v["expect"]
    if "error" in expect:
        with pytest.raises(pw.WebhookVerificationError) as info:
            verifier.verify(headers, body)
        assert info.value.kind == expect["error"]
        assert info.value.http_status == expect["http_status"]
    else:
        event = verifier.verify(headers, body)
        for key, want in expect.items():
            assert getattr(event, key) == want, key
        assert event.type == (expect["known_type"] or "unknown")
        assert isinstance(event, pw.UnknownEvent if expect["known_type"] is None else pw.Event)
        assert type(event).__name__ != "Event", "always a subclass"


def test_there_are_enough_vectors():
    assert len(VECTORS) >= 40
