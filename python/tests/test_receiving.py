"""Receiving: WebhookVerifier, the signature helpers, and signed delivery
from the sandbox to a real HTTP receiver in this process."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import partner_webhooks as pw

SECRET = "platform-secret"
BODY = json.dumps({"id": "e1", "event": "channel_live", "data": {
    "id": "c1", "client_id": "cl1", "status": "live",
    "setup_info": {"phone_number": "+4915123456789", "phone_name": "Shop"}}}).encode()


def verifier(**kw):
    return pw.WebhookVerifier([SECRET], required_headers={"X-Partner-Auth": "hdr"}, **kw)


def test_verify_returns_a_typed_event():
    headers = {"x-360dialog-signature": pw.sign(BODY, SECRET), "X-Partner-Auth": "hdr"}
    event = verifier().verify(headers, BODY)
    assert (event.type, event.known_type, event.id) == ("channel_live", "channel_live", "e1")
    assert (event.channel_id, event.client_id, event.status) == ("c1", "cl1", "live")
    assert (event.phone_number, event.phone_name) == ("+4915123456789", "Shop")
    assert event.signature_verified and not event.is_unknown
    assert event.data["setup_info"]["phone_name"] == "Shop"
    assert event.raw == BODY.decode()
    assert event.to_dict()["data"]["id"] == "c1"
    assert event.dedup_key == "channel_live:e1"
    assert "Event(type='channel_live'" in repr(event) or 'Event(type="channel_live"' in repr(event)


def test_headers_as_pairs_with_bytes_values():
    pairs = [(b"ignored".decode(), b"x"), ("X-Partner-Auth", b"hdr"), ("X-360Dialog-Signature", pw.sign(BODY, SECRET).encode())]
    assert verifier().verify(pairs, BODY).type == "channel_live"


@pytest.mark.parametrize("headers,body,kind,status", [
    ({"X-Partner-Auth": "hdr"}, BODY, "MissingSignature", 401),
    ({"X-Partner-Auth": "hdr", "x-360dialog-signature": "00" * 32}, BODY, "BadSignature", 401),
    ({"x-360dialog-signature": "00"}, BODY, "MissingHeader", 401),
    ({"X-Partner-Auth": "no", "x-360dialog-signature": "00"}, BODY, "BadHeader", 401),
    ({"X-Partner-Auth": "hdr"}, b" " * 2048, "BodyTooLarge", 413),
])
def test_refusals(headers, body, kind, status):
    with pytest.raises(pw.WebhookVerificationError) as info:
        verifier(max_body=1024).verify(headers, body)
    assert (info.value.kind, info.value.http_status) == (kind, status)


def test_bad_arguments():
    with pytest.raises(pw.InvalidInputError):
        pw.WebhookVerifier([])
    with pytest.raises(pw.InvalidInputError):
        verifier().verify({}, 12345)
    with pytest.raises(pw.InvalidInputError):
        verifier().verify(42, BODY)


def test_signature_helpers_match_python_hmac():
    assert pw.sign(BODY, SECRET) == hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    sig = pw.sign(BODY, SECRET)
    assert pw.verify_signature(BODY, sig, ["old", SECRET])
    assert pw.verify_signature(BODY, "sha256=" + sig.upper(), [SECRET])
    assert not pw.verify_signature(BODY + b" ", sig, [SECRET])
    assert pw.io_signature("abcPA", SECRET, 1775653748) == hmac.new(
        SECRET.encode(), b"abcPA|1775653748", hashlib.sha512).hexdigest()
    assert len(pw.io_signature("abcPA", SECRET)) == 128


def test_parse_event_without_verification():
    event = pw.parse_event(b'{"event":"somethingNew","data":{"x":1}}')
    assert event.is_unknown and event.known_type is None and not event.signature_verified
    with pytest.raises(pw.WebhookVerificationError) as info:
        pw.parse_event(b"[]")
    assert (info.value.kind, info.value.http_status) == ("NotAnObject", 400)


class Receiver(BaseHTTPRequestHandler):
    """Verifies each POST with the verifier on the server object."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            event = self.server.verifier.verify(list(self.headers.items()), body)
            self.server.events.append(event)
            status = 200
        except pw.WebhookVerificationError as e:
            status = e.http_status
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_sandbox_delivers_signed_events_to_a_python_receiver(sandbox, client):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.verifier = pw.WebhookVerifier([sandbox.platform_secret], required_headers={"X-Partner-Auth": "shared"})
    server.events = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client.set_webhook_url(sandbox.partner_id, f"http://127.0.0.1:{server.server_port}/hook")
        client.set_webhook_headers(sandbox.partner_id, {"X-Partner-Auth": "shared"})
        ids = [sandbox.emit("channel_created"), sandbox.emit("channel_live", {"id": "myCH", "status": "live"})]
        for delivery_id in ids:
            d = sandbox.wait_for_delivery(delivery_id, timeout=10)
            assert d["status"] == "delivered", d
        # Like 360dialog, deliveries run concurrently: no order is promised.
        events = {e.type: e for e in server.events}
        assert sorted(events) == ["channel_created", "channel_live"]
        assert events["channel_created"].phone_number == "+4915123456789"
        assert events["channel_live"].channel_id == "myCH"
        assert all(e.signature_verified for e in server.events)
        assert [d["event"] for d in sandbox.deliveries()] == ["channel_created", "channel_live"]
    finally:
        server.shutdown()
    with pytest.raises(pw.InvalidInputError):
        sandbox.emit("channel_live", data=[1, 2])


def test_sandbox_fault_arguments_are_checked(sandbox):
    with pytest.raises(pw.InvalidInputError) as info:
        sandbox.inject_fault("nope", status=500)
    assert info.value.field == "route"
    with pytest.raises(pw.InvalidInputError):
        sandbox.inject_fault("*")
    sandbox.close()
    with pytest.raises(pw.InvalidInputError):
        sandbox.base_url


def test_each_known_event_is_its_own_class_and_type_is_canonical():
    alias = pw.parse_event(b'{"event":"wabaTemplateStatusChanged","data":{"status":"rejected","rejected_reason":"INVALID_FORMAT","category":"UTILITY"}}')
    assert isinstance(alias, pw.TemplateStatusChangedEvent) and isinstance(alias, pw.Event)
    assert (alias.type, alias.event_type, alias.known_type) == ("waba_template_status_changed", "wabaTemplateStatusChanged", "waba_template_status_changed")
    assert alias.data == {"status": "rejected", "rejected_reason": "INVALID_FORMAT", "category": "UTILITY"}
    match alias:
        case pw.ChannelLiveEvent():
            raise AssertionError("narrowed to the wrong class")
        case pw.TemplateStatusChangedEvent(data=data):
            assert data["rejected_reason"] == "INVALID_FORMAT"
    unknown = pw.parse_event(b'{"event":"partner_moved","data":{"status":5}}')
    assert isinstance(unknown, pw.UnknownEvent)
    assert (unknown.type, unknown.event_type, unknown.known_type) == ("unknown", "partner_moved", None)
    assert unknown.data == {"status": 5}, "unknown events keep the raw data"
    assert unknown.raw == '{"event":"partner_moved","data":{"status":5}}'


def test_typed_data_leaves_out_fields_of_the_wrong_type_and_keeps_the_rest():
    e = pw.parse_event(b'{"event":"channel_live","data":{"id":"c1","status":5,"setup_info":"x","client":{"id":7,"name":"N"},"new_field":[1]}}')
    assert e.data == {"id": "c1", "client": {"name": "N"}, "new_field": [1]}
    assert '"status":5' in e.raw


def test_the_python_lists_of_events_are_the_cores():
    import typing

    from partner_webhooks import _events

    core = pw._native.surface()["events"]
    assert len(core) >= 14
    names = [e["name"] for e in core]
    assert list(typing.get_args(pw.KnownEventType)) == names
    classes = [e["python_class"] for e in core]
    assert [c.__name__ for c in typing.get_args(pw.PartnerEvent)] == classes + ["UnknownEvent"]
    for e in core:
        cls = getattr(pw, e["python_class"])
        assert e["python_class"] in _events.__all__ and e["python_class"] in pw.__all__
        for spelling in [e["name"], *e["aliases"]]:
            got = pw.parse_event(('{"event":"%s"}' % spelling).encode())
            assert type(got) is cls and got.type == e["name"], spelling

def test_a_delivery_log_exported_by_a_sandbox_replays_as_fixtures():
    # tests/fixtures/deliveries.jsonl: three deliveries, then one replayed with a wrong signature
    # (exported by a sandbox started with --platform-secret fixture-platform-secret).
    import pathlib

    text = (pathlib.Path(__file__).parents[2] / "tests" / "fixtures" / "deliveries.jsonl").read_text()
    log = pw.parse_delivery_log(text)
    assert [d["event"] for d in log] == ["channel_live", "waba_template_status_changed", "client_created", "channel_live"]
    assert log[0]["header_names"] == ["X-Partner-Auth"]
    v = pw.WebhookVerifier(["fixture-platform-secret"], required_headers={"X-Partner-Auth": "fixture-header-value"})
    verdicts = []
    for d in log:
        try:
            verdicts.append(v.verify([*map(tuple, d["headers"]), ("X-Partner-Auth", "fixture-header-value")], d["body"].encode()).type)
        except pw.WebhookVerificationError as e:
            verdicts.append(e.http_status)
    assert verdicts == ["channel_live", "waba_template_status_changed", "client_created", 401]
    with pytest.raises(pw.InvalidInputError, match="line 2"):
        pw.parse_delivery_log(text.splitlines()[0] + '\n{"id": 1}\n')
