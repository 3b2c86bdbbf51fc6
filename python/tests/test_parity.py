"""Parity with the core: every public operation, client setting and per-call
option that the Rust core declares (``_native.surface()``, built from its
operation and settings tables) exists in the installed package, reaches the
core, and dispatches to its own operation; the exception tree is the core's
list. A method or option missing from Python fails here."""

import asyncio
import inspect

import pytest

import partner_webhooks as pw
from conftest import REPO

SURFACE = pw._native.surface()

#: A non-default value per setting kind (durations in seconds, as Python takes them).
SAMPLES = {
    "secret": "s3cret-value",
    "text": "someone@example.com",
    "path": str(REPO / "tests" / "fixtures" / "tls" / "ca.pem"),
    "url": "http://127.0.0.1:9",
    "callback": lambda refresh: "token",
    "duration": 7.5,
    "count": 7,
    "flag": True,
}


def operation_failures(sync_cls, async_cls):
    """What the two client classes lack of the core's operations."""
    failures = []
    options = {o["method_name"] for o in SURFACE["call_options"]}
    for op in SURFACE["operations"]:
        for cls, is_async in ((sync_cls, False), (async_cls, True)):
            method = getattr(cls, op["method_name"], None)
            if not callable(method):
                failures.append(f"{cls.__name__} lacks {op['method_name']}")
                continue
            if inspect.iscoroutinefunction(method) != is_async:
                failures.append(f"{cls.__name__}.{op['method_name']} is {'not ' if is_async else ''}async")
            params = list(inspect.signature(method).parameters.values())[1:]
            positional = [p for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
            if len(positional) != len(op["params"]):
                failures.append(f"{cls.__name__}.{op['method_name']} takes {len(positional)} arguments, "
                                f"the core's operation {len(op['params'])}")
            missing = options - {p.name for p in params if p.kind is p.KEYWORD_ONLY}
            if missing:
                failures.append(f"{cls.__name__}.{op['method_name']} lacks the options {sorted(missing)}")
    return failures


def test_every_operation_is_a_method_of_both_clients():
    assert len(SURFACE["operations"]) >= 4
    assert operation_failures(pw.Client, pw.AsyncClient) == []


def test_the_check_fails_when_a_method_is_missing():
    class Lacking(pw.Client):
        set_webhook_headers = None  # type: ignore[assignment]

    assert operation_failures(Lacking, pw.AsyncClient) == ["Lacking lacks set_webhook_headers"]


class Recorder:
    """Stands in for the native client and records what a method sends."""

    reply = (200, None, 1, {}, {})

    def __init__(self):
        self.seen = []

    def call(self, op, args, **options):
        self.seen.append((op, args, options))
        return self.reply

    def call_async(self, op, args, *, completions, future, **options):
        self.seen.append((op, args, options))
        future.set_result(self.reply)
        return self

    def cancel(self):
        pass


@pytest.mark.parametrize("op", SURFACE["operations"], ids=lambda o: o["name"])
def test_every_method_sends_its_own_operation_and_options(op):
    args = tuple(f"arg{i}" for i in range(len(op["params"])))
    options = {o["method_name"]: 1 + i for i, o in enumerate(SURFACE["call_options"])}
    sync, rec = pw.Client(api_key="k"), Recorder()
    sync._native = rec
    getattr(sync, op["method_name"])(*args, **options)
    async_client, arec = pw.AsyncClient(api_key="k"), Recorder()
    async_client._native = arec

    async def main():
        await getattr(async_client, op["method_name"])(*args, **options)

    asyncio.run(main())
    assert rec.seen == arec.seen == [(op["name"], args, options)]
    # and through with_raw_response, which hands back the same result as an APIResponse
    raw = getattr(sync.with_raw_response, op["method_name"])(*args, **options)

    async def main_raw():
        return await getattr(async_client.with_raw_response, op["method_name"])(*args, **options)

    araw = asyncio.run(main_raw())
    assert isinstance(raw, pw.APIResponse) and isinstance(araw, pw.APIResponse)
    assert type(raw.parse()) is type(araw.parse()) and raw.http_status == 200
    assert rec.seen == arec.seen == [(op["name"], args, options)] * 2


@pytest.mark.parametrize("cls", [pw.Client, pw.AsyncClient], ids=lambda c: c.__name__)
def test_every_operation_has_a_raw_response_method(cls):
    raw = cls(api_key="k").with_raw_response
    lacking = [op["method_name"] for op in SURFACE["operations"] if not callable(getattr(raw, op["method_name"], None))]
    assert lacking == []
    assert inspect.iscoroutinefunction(raw.get_webhook_url) == (cls is pw.AsyncClient)


def constructor_kwargs(setting):
    kwargs = {setting["method_name"]: SAMPLES[setting["kind"]]}
    if setting["name"] == "username":
        kwargs["password"] = "pw"
    elif setting["name"] == "password":
        kwargs["username"] = "someone"
    elif setting["summary_key"] != "auth":
        kwargs["api_key"] = "k"
    return kwargs


@pytest.mark.parametrize("setting", SURFACE["settings"], ids=lambda s: s["name"])
@pytest.mark.parametrize("cls", [pw.Client, pw.AsyncClient], ids=lambda c: c.__name__)
def test_every_setting_is_a_constructor_argument_that_reaches_the_core(cls, setting):
    assert setting["method_name"] in inspect.signature(cls.__init__).parameters
    config = cls(**constructor_kwargs(setting))._native.config()
    key = setting["summary_key"]
    if key == "auth":
        expected = "password" if setting["name"] in ("username", "password") else setting["name"]
    elif setting["kind"] == "url":
        expected = SAMPLES["url"]
    else:
        expected = SAMPLES[setting["kind"]]
    assert config[key] == expected, f"{setting['method_name']} did not reach the core: {config}"


def test_the_exception_tree_is_the_cores_list():
    listed = [(c["name"], c["parent"]) for c in SURFACE["error_classes"]]
    assert pw._exceptions.__all__ == [name for name, _ in listed]
    for name, parent in listed:
        cls = getattr(pw, name)
        if parent is not None:
            assert getattr(pw, parent) in cls.__bases__, f"{name} should derive from {parent}"
