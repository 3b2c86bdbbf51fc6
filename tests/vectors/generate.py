#!/usr/bin/env python3
"""Writes the signed payload vectors in this folder.

The signatures are computed here with Python's own `hmac` and `hashlib`, so
that every language's verifier is checked against an implementation that is
not the SDK's. Run it again after changing a case: `python3 tests/vectors/generate.py`.
"""
import base64
import hashlib
import hmac
import json
import os

SECRET = "ps_vector_platform_secret_0001"
OLD_SECRET = "ps_vector_platform_secret_0000"
HEADER = ("X-Partner-Auth", "vector-header-secret")
HERE = os.path.dirname(os.path.abspath(__file__))


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


CHANNEL = {
    "id": "exampleCH", "client_id": "exampleCL",
    "client": {"id": "exampleCL", "name": "Company", "partner_payload": None},
    "status": "created", "account_mode": "sandbox",
    "created_at": "2023-01-01T12:00:00Z", "billing_started_at": None, "terminated_at": None,
    "setup_info": {"phone_number": "+4915123456789", "phone_name": "Company"},
    "waba_account": {"id": "exampleWA", "fb_account_status": "pending"},
}

vectors = []


def vector(name, body, expect, *, headers=None, verifier=None, signature="auto", description=None):
    """body: dict (encoded compactly), str (UTF-8) or bytes (stored as base64)."""
    raw = compact(body) if isinstance(body, dict) else body.encode() if isinstance(body, str) else body
    v = {"name": name}
    if description:
        v["description"] = description
    v["verifier"] = verifier or {"secrets": [SECRET], "required_headers": {HEADER[0]: HEADER[1]}}
    hs = [list(HEADER)] if headers is None else headers
    if signature == "auto":
        hs = hs + [["x-360dialog-signature", sign(raw)]]
    elif signature is not None:
        hs = hs + [["x-360dialog-signature", signature]]
    v["request"] = {"headers": hs}
    try:
        text = raw.decode("utf-8")
        v["request"]["body"] = text
    except UnicodeDecodeError:
        v["request"]["body_base64"] = base64.b64encode(raw).decode()
    v["expect"] = expect
    vectors.append(v)


def b64sign(raw, secret=SECRET):
    """The same HMAC in standard base64 (one public integration reports this form)."""
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()


def ok(event_type, known=True, signed=True, **fields):
    e = {"event_type": event_type, "known_type": event_type if known is True else known, "signature_verified": signed}
    e.update(fields)
    return e


def err(kind, status):
    return {"error": kind, "http_status": status}


def channel(status, **extra):
    d = dict(CHANNEL, status=status)
    d.update(extra)
    return d


# --- every known event type
vector("client_created", {"event": "client_created", "data": {"id": "exampleCL", "name": "Company", "status": "active", "partner_id": "examplePA"}},
       ok("client_created", client_id="exampleCL", status="active"))
for ev, st in [("channel_created", "created"), ("channel_submitted", "unverified"), ("channel_ready", "ready"),
               ("channel_running", "running"), ("channel_live", "live")]:
    vector(ev, {"id": f"evt-{ev}", "event": ev, "data": channel(st)},
           ok(ev, id=f"evt-{ev}", channel_id="exampleCH", client_id="exampleCL", phone_number="+4915123456789", phone_name="Company", status=st))
for ev in ["cancellation_request", "cancellation_revoke", "cancellation_processed"]:
    vector(ev, {"id": "x1", "event": ev, "data": channel("running", terminated_at="2023-02-01T00:00:00Z")},
           ok(ev, channel_id="exampleCH", status="running"))
vector("account_violation", {"event": "account_violation", "data": {"phone_number": "+4915123456789", "violation_type": "SCAM"}},
       ok("account_violation", phone_number="+4915123456789", channel_id=None))
vector("account_restriction", {"event": "account_restriction", "data": {"phone_number": "+4915123456789", "violation_type": "SPAM",
       "restrictions": [{"restriction_type": "RESTRICTED_ADD_PHONE_NUMBER_ACTION", "expiration": "2023-03-01T00:00:00Z"}]}},
       ok("account_restriction", phone_number="+4915123456789"))
vector("template_messaging_enabled", {"event": "template_messaging_enabled", "data": {"channel_id": "exampleCH", "waba_account_id": "exampleWA"}},
       ok("template_messaging_enabled", channel_id="exampleCH"))
vector("template_messaging_disabled", {"event": "template_messaging_disabled", "data": {"channel_id": "exampleCH"}},
       ok("template_messaging_disabled", channel_id="exampleCH"))
for spelling in ["waba_template_status_changed", "template_status_changed", "message_template_status_update", "wabaTemplateStatusChanged"]:
    vector(f"template-status-{spelling}", {"event": spelling, "data": {"waba_account_id": "exampleWA", "name": "order_update", "language": "en", "status": "approved"}},
           ok(spelling, known="waba_template_status_changed", status="approved"))
vector("camel-case-event-name", {"event": "channelLive", "data": channel("live")}, ok("channelLive", known="channel_live", status="live"))
# --- unknown events
vector("unknown-event", {"event": "partner_change_requested", "data": {"client_id": "exampleCL"}},
       ok("partner_change_requested", known=None, client_id="exampleCL"))
vector("unknown-event-no-data", {"event": "something_new"}, ok("something_new", known=None, id=None))
# --- signature forms
body = compact({"event": "channel_ready", "data": channel("ready")})
vector("signature-sha256-prefix", body.decode(), ok("channel_ready"), signature="sha256=" + sign(body))
vector("signature-uppercase-hex", body.decode(), ok("channel_ready"), signature=sign(body).upper())
vector("signature-uppercase-prefix", body.decode(), ok("channel_ready"), signature="SHA256=" + sign(body))
vector("signature-surrounding-spaces", body.decode(), ok("channel_ready"), signature="  " + sign(body) + " ")
vector("signature-wrong-secret", body.decode(), err("BadSignature", 401), signature=sign(body, "some-other-secret"))
vector("signature-rotated-new", body.decode(), ok("channel_ready"),
       verifier={"secrets": [OLD_SECRET, SECRET], "required_headers": {HEADER[0]: HEADER[1]}})
vector("signature-rotated-old", body.decode(), ok("channel_ready"), signature=sign(body, OLD_SECRET),
       verifier={"secrets": [OLD_SECRET, SECRET], "required_headers": {HEADER[0]: HEADER[1]}})
vector("signature-truncated-body", body[:-10].decode(), err("BadSignature", 401), signature=sign(body))
vector("signature-tampered-body", body.decode().replace("ready", "live"), err("BadSignature", 401), signature=sign(body))
vector("signature-missing", body.decode(), err("MissingSignature", 401), signature=None)
vector("signature-not-hex", body.decode(), err("BadSignature", 401), signature="zz" * 32)
vector("signature-too-short", body.decode(), err("BadSignature", 401), signature=sign(body)[:40])
vector("signature-base64-form", body.decode(), ok("channel_ready"), signature=b64sign(body))
vector("signature-sent-twice", body.decode(), err("BadSignature", 401),
       headers=[list(HEADER), ["x-360dialog-signature", sign(body)], ["X-360Dialog-Signature", sign(body)]], signature=None)
vector("signature-header-name-case", body.decode(), ok("channel_ready"),
       headers=[list(HEADER), ["X-360DIALOG-SIGNATURE", sign(body)]], signature=None)
vector("signature-pretty-printed-body", json.dumps({"event": "channel_live", "data": channel("live")}, indent=2), ok("channel_live", status="live"),
       description="the exact bytes are verified; nothing is re-serialized")
# --- required headers
vector("header-missing", body.decode(), err("MissingHeader", 401), headers=[])
vector("header-wrong-value", body.decode(), err("BadHeader", 401), headers=[[HEADER[0], "guess"]])
vector("header-name-any-case", body.decode(), ok("channel_ready"), headers=[[HEADER[0].lower(), HEADER[1]]])
vector("header-sent-twice", body.decode(), err("BadHeader", 401), headers=[list(HEADER), list(HEADER)])
vector("headers-only-verifier", body.decode(), ok("channel_ready", signed=False), signature=None,
       verifier={"secrets": [], "required_headers": {HEADER[0]: HEADER[1]}})
vector("signature-optional-absent", body.decode(), ok("channel_ready", signed=False), signature=None,
       verifier={"secrets": [SECRET], "required_headers": {}, "require_signature": False})
vector("signature-optional-wrong", body.decode(), err("BadSignature", 401), signature=sign(body, "x"),
       verifier={"secrets": [SECRET], "required_headers": {}, "require_signature": False})
# --- bodies that are not events
vector("not-json", "this is not json", err("MalformedJson", 400))
vector("truncated-json", body[:-1].decode(), err("MalformedJson", 400))
vector("json-array", "[1,2,3]", err("NotAnObject", 400))
vector("json-string", "\"channel_live\"", err("NotAnObject", 400))
vector("json-number", "42", err("NotAnObject", 400))
vector("empty-body", "", err("MalformedJson", 400))
vector("no-event-field", {"data": channel("ready")}, err("MissingEventField", 400))
vector("event-not-a-string", {"event": 7, "data": {}}, err("MissingEventField", 400))
vector("invalid-utf8", b'{"event":"channel_live","data":{"name":"\xff\xfe"}}', err("MalformedJson", 400))
vector("body-over-cap", {"event": "channel_live", "data": channel("live")}, err("BodyTooLarge", 413),
       verifier={"secrets": [SECRET], "required_headers": {HEADER[0]: HEADER[1]}, "max_body": 64})
vector("body-at-cap", {"event": "x"}, ok("x", known=None),
       verifier={"secrets": [SECRET], "required_headers": {HEADER[0]: HEADER[1]}, "max_body": len(compact({"event": "x"}))})
# --- tolerant parsing
vector("non-ascii-text", {"event": "channel_live", "data": channel("live", setup_info={"phone_number": "+4915123456789", "phone_name": "Bäckerei Müller 🥐"})},
       ok("channel_live", phone_name="Bäckerei Müller 🥐"))
vector("flat-payload-no-data", {"event": "account_violation", "phone_number": "+4915100000000", "violation_type": "SPAM"},
       ok("account_violation", phone_number="+4915100000000"))
vector("phone-at-top-of-data", {"event": "channel_live", "data": {"id": "c2", "phone_number": "+4915199999999", "phone_name": "Top"}},
       ok("channel_live", phone_number="+4915199999999", phone_name="Top", channel_id="c2"))
vector("fields-of-wrong-type", {"event": "channel_live", "data": {"id": "c3", "status": 5, "setup_info": "not an object", "account_mode": ["x"]}},
       ok("channel_live", channel_id="c3", status=None, phone_number=None))
vector("data-before-event", '{"data":{"id":"c4","status":"ready"},"event":"channel_ready"}', ok("channel_ready", channel_id="c4", status="ready"))
vector("unknown-status-value", {"event": "channel_live", "data": {"id": "c5", "status": "hibernating"}}, ok("channel_live", status="hibernating"))
vector("numeric-id", {"id": 12345, "event": "channel_live", "data": {}}, ok("channel_live", id="12345"))
# --- appended later (numbers above stay stable)
vector("signature-base64-unpadded", body.decode(), ok("channel_ready"), signature=b64sign(body).rstrip("="))
vector("signature-base64-prefixed", body.decode(), ok("channel_ready"), signature="sha256=" + b64sign(body))
vector("signature-base64-wrong-secret", body.decode(), err("BadSignature", 401), signature=b64sign(body, "some-other-secret"))
vector("signature-base64-urlsafe", body.decode(), err("BadSignature", 401),
       signature=b64sign(body).replace("+", "-").replace("/", "_") if ("+" in b64sign(body) or "/" in b64sign(body)) else "-_" + b64sign(body)[2:])
vector("template-status-rejected", {"event": "waba_template_status_changed", "data": {
           "id": "exampleTP", "external_id": "1234567890", "waba_account_id": "exampleWA", "partner_id": "examplePA",
           "name": "order_update", "language": "en", "category": "UTILITY", "namespace": "c8ae5f90_307a_ca4c_b8f6_d1e2a2573574",
           "status": "rejected", "rejected_reason": "INVALID_FORMAT"}},
       ok("waba_template_status_changed", status="rejected"))

for old in os.listdir(HERE):
    if old.endswith(".json"):
        os.remove(os.path.join(HERE, old))
for i, v in enumerate(vectors, 1):
    with open(os.path.join(HERE, f"{i:03d}-{v['name']}.json"), "w", encoding="utf-8") as f:
        json.dump(v, f, indent=2, ensure_ascii=False)
        f.write("\n")
print(f"{len(vectors)} vectors written")
