"""Bad input everywhere: every constructor argument, every method argument and
every per-call option, given None where it is required, the wrong type, a
negative, zero, NaN, infinite, huge or non-ASCII value, raises
``InvalidInputError`` naming the argument (in its own unit: seconds), and
nothing reaches the server."""

import inspect
import math

import pytest

import partner_webhooks as pw

WRONG_TYPES = [5, 1.5, b"bytes", ["x"], {"a": 1}, object()]
SECONDS = ["5", True, b"1", [], -1, 0, 0.0, -0.5, math.nan, math.inf, -math.inf, 86_401, 10**30]
COUNTS = ["2", True, 1.5, math.nan, -1, 2**32, 10**30, []]
BAD = {
    "api_key": WRONG_TYPES + ["", "   ", "ключ", "a\r\nb", "\udc80"],
    "bearer_token": WRONG_TYPES + ["", "tök", "a\nb"],
    "username": WRONG_TYPES,
    "password": WRONG_TYPES,
    "token_provider": [5, "provider", b"x", ["f"]],
    "base_url": WRONG_TYPES + ["", "hub.360dialog.io", "ftp://hub.360dialog.io", "http://example.com",
                               "https://", "https://hüb.example:99999"],
    "timeout": SECONDS,
    "attempt_timeout": SECONDS,
    "connect_timeout": SECONDS,
    "max_retries": COUNTS + [11],
    "max_connections": COUNTS + [0, 10_001],
    "allow_insecure_http": [1, 0, "yes", "false", []],
    "ca_bundle": [5, b"/x", [], "", "/nonexistent/ca.pem", "/nonexistent/çå.pem", __file__],
    "proxy": WRONG_TYPES + ["", "proxy:3128", "socks5://h:1080", "ftp://h", "http://", "not a url"],
}
# Which arguments need a credential beside them to be judged on their own.
CREDENTIALS = {"api_key", "bearer_token", "username", "password", "token_provider"}


def test_the_sweep_covers_every_constructor_argument():
    params = set(inspect.signature(pw.Client.__init__).parameters) - {"self"}
    assert params == set(BAD)
    settings = {s["name"] for s in pw._native.surface()["settings"]}
    assert settings == set(BAD)


@pytest.mark.parametrize("cls", [pw.Client, pw.AsyncClient])
@pytest.mark.parametrize("name,value", [(n, v) for n, vs in BAD.items() for v in vs],
                         ids=lambda x: repr(x)[:40])
def test_every_bad_constructor_argument_is_refused_by_name(cls, name, value):
    kwargs = {name: value}
    if name not in CREDENTIALS:
        kwargs["api_key"] = "k"
    elif name == "username":
        kwargs["password"] = "pw-1"
    elif name == "password":
        kwargs["username"] = "user"
    with pytest.raises(pw.InvalidInputError) as e:
        cls(**kwargs)
    assert e.value.field in (name, "credentials"), (e.value.field, str(e.value))
    assert isinstance(e.value, ValueError) and isinstance(e.value, TypeError)
    if name.endswith("timeout") and not isinstance(value, (str, bytes, list, bool)):
        assert "seconds" in str(e.value)


# ("a/b", "../x" and non-ASCII ids are valid: each is sent percent-encoded as one path segment.)
PARTNER_IDS = [None, 5, 1.5, b"abcPA", ["abcPA"], "", " ", "x" * 10_000, "a\nb", "\udc80"]
URLS = [None, 5, b"https://x", "", "not a url", "ftp://example.com", "http://example.com/hook",
        "https://", "https://example.com/" + "x" * 10_000, "https://exa mple.com"]
HEADERS = [None, 5, "X-A: b", ["X-A"], {"X-A": 5}, {"X-A": None}, {5: "v"}, {"bad name": "v"},
           {"X-A": "a\r\nb"}, {"": "v"}, {"X-Ä": "v"}]
CALLS = [("get_webhook_url", ()), ("set_webhook_url", ("https://example.com/hook",)),
         ("get_webhook_headers", ()), ("set_webhook_headers", ({"X-A": "b"},))]


def _cases():
    for value in PARTNER_IDS:
        for op, rest in CALLS:
            yield op, (value, *rest), {}, "partner_id"
    for value in URLS:
        yield "set_webhook_url", ("abcPA", value), {}, "webhook_url"
    for value in HEADERS:
        yield "set_webhook_headers", ("abcPA", value), {}, "webhook_headers"
    for option, values in (("timeout", SECONDS), ("attempt_timeout", SECONDS), ("max_retries", COUNTS + [11])):
        for value in values:
            for op, rest in CALLS:
                yield op, ("abcPA", *rest), {option: value}, option


CASES = list(_cases())


def test_the_sweep_covers_every_method_and_option():
    ops = {c[0] for c in CASES}
    assert ops == {op["name"] for op in pw._native.surface()["operations"]}
    for op, _ in CALLS:
        params = list(inspect.signature(getattr(pw.Client, op)).parameters)
        assert {"timeout", "max_retries", "attempt_timeout"} <= set(params)


@pytest.mark.parametrize("op,args,options,field", CASES, ids=lambda x: repr(x)[:30])
def test_every_bad_call_argument_is_refused_by_name_and_nothing_is_sent(sandbox, op, args, options, field):
    client = pw.Client(api_key=sandbox.api_key, base_url=sandbox.base_url)
    args = tuple(sandbox.partner_id if a == "abcPA" else a for a in args)
    with pytest.raises(pw.InvalidInputError) as e:
        getattr(client, op)(*args, **options)
    assert e.value.field is not None and e.value.field.split(".")[0] == field, (e.value.field, str(e.value))
    if field.endswith("timeout") and isinstance(options.get(field), (int, float)) \
            and not isinstance(options.get(field), bool):
        assert "seconds" in str(e.value)
    assert sandbox.stats()["requests"] == {}, "a refused call reached the server"


async def test_the_async_client_refuses_the_same_way(sandbox):
    client = pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url)
    for op, args, options, field in CASES[::7]:
        args = tuple(sandbox.partner_id if a == "abcPA" else a for a in args)
        with pytest.raises(pw.InvalidInputError) as e:
            await getattr(client, op)(*args, **options)
        assert e.value.field.split(".")[0] == field
    assert sandbox.stats()["requests"] == {}


def test_with_options_refuses_bad_values_and_unknown_names(client):
    for kwargs, field in (({"timeout": -1}, "timeout"), ({"max_retries": 11}, "max_retries"),
                          ({"proxy": "ftp://x"}, "proxy"), ({"timeout_ms": 5}, "timeout_ms")):
        with pytest.raises(pw.InvalidInputError) as e:
            client.with_options(**kwargs)
        assert e.value.field == field


# Receiving: the verifier's constructor and verify(), and the signature helpers. (A str body is
# accepted on purpose, as frameworks hand text; verify() reads only the headers it needs.)
GOOD_SIG_ARGS = {"body": b"{}", "secret": "s3cret", "header_value": "abc", "secrets": ["s3cret"],
                 "partner_id": "abcPA", "unix_seconds": 1_700_000_000}
RECEIVING = [
    (lambda v: pw.WebhookVerifier(v), "secrets", [5, "s3cret", b"s", [None], [5], ["ok", 7], {"a": "b"}, [""]]),
    (lambda v: pw.WebhookVerifier(["s"], required_headers=v), "required_headers",
     [5, "X-A: b", ["X-A"], {"X-A": 5}, {5: "v"}, {"bad name": "v"}]),
    (lambda v: pw.WebhookVerifier(["s"], max_body=v), "max_body", [-1, 0, 1.5, math.nan, "10", True, 2**64]),
    (lambda v: pw.WebhookVerifier(["s"], require_signature=v), "require_signature", [1, "yes", []]),
    (lambda v: pw.WebhookVerifier(["s"]).verify(v, b"{}"), "headers",
     [None, 5, "x-a: b", [["only-a-name"]], {"x-360dialog-signature": 5}]),
    (lambda v: pw.WebhookVerifier(["s"]).verify({}, v), "body", [None, 5, {"a": 1}, ["{}"]]),
    (lambda v: pw.sign(v, "s3cret"), "body", [None, 5, {"a": 1}]),
    (lambda v: pw.sign(b"{}", v), "secret", [None, 5, b"s", ["s"]]),
    (lambda v: pw.verify_signature(b"{}", v, ["s"]), "header_value", [None, 5, b"abc"]),
    (lambda v: pw.verify_signature(b"{}", "abc", v), "secrets", [None, 5, "s", [5], []]),
    (lambda v: pw.io_signature(v, "s3cret"), "partner_id", [None, 5, b"abcPA"]),
    (lambda v: pw.io_signature("abcPA", v), "secret", [None, 5, b"s"]),
    (lambda v: pw.io_signature("abcPA", "s3cret", v), "unix_seconds", [-1, 1.5, "now", True, 2**64, math.nan]),
    (lambda v: pw.parse_event(v), "body", [None, 5, {"a": 1}]),
]


@pytest.mark.parametrize("call,field,value", [(c, f, v) for c, f, vs in RECEIVING for v in vs],
                         ids=lambda x: repr(x)[:30] if not callable(x) else "call")
def test_every_bad_receiving_argument_is_refused_by_name(call, field, value):
    with pytest.raises(pw.InvalidInputError) as e:
        call(value)
    got = (e.value.field or "").split(".")[0].split("[")[0]
    assert got == field, (e.value.field, str(e.value))
