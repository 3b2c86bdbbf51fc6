"""Every file of tests/scenarios, run unchanged, with Client and with AsyncClient.
The format is described in tests/scenarios/README.md."""

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import partner_webhooks as pw

from conftest import SCENARIOS


def subst(value, sb):
    if isinstance(value, str):
        return (
            value.replace("{partner_id}", sb.partner_id)
            .replace("{other_partner_id}", sb.other_partner_id)
            .replace("{base_url}", sb.base_url)
            .replace("{tls_base_url}", sb.base_url.replace("http://", "https://", 1))
        )
    if isinstance(value, list):
        return [subst(v, sb) for v in value]
    if isinstance(value, dict):
        return {subst(k, sb): subst(v, sb) for k, v in value.items()}
    return value


def make_client(cls, spec, sb):
    auth = spec.get("auth", "api_key")
    kwargs = {"base_url": subst(spec.get("base_url", sb.base_url), sb)}
    if auth == "api_key":
        kwargs["api_key"] = sb.api_key
    elif auth == "wrong_api_key":
        kwargs["api_key"] = "definitely-not-the-key"
    elif auth == "password":
        kwargs.update(username=sb.username, password=sb.password)
    elif auth == "wrong_password":
        kwargs.update(username=sb.username, password="not-the-password")
    elif auth == "invalid_bearer":
        kwargs["bearer_token"] = "never-issued-token"
    else:
        raise AssertionError(f"unknown auth {auth}")
    if "timeout_ms" in spec:
        kwargs["timeout"] = spec["timeout_ms"] / 1000
    if "max_retries" in spec:
        kwargs["max_retries"] = spec["max_retries"]
    return cls(**kwargs)


#: The core's operations by name, with their parameters in method order.
OPERATIONS = {op["name"]: op for op in pw._native.surface()["operations"]}


def call_args(step, sb):
    """The step's keys named after the operation's parameters, in order: any
    operation of the table runs without a change here."""
    opts = step.get("options", {})
    kwargs = {}
    if "timeout_ms" in opts:
        kwargs["timeout"] = opts["timeout_ms"] / 1000
    if "max_retries" in opts:
        kwargs["max_retries"] = opts["max_retries"]
    args = [subst(step.get(p["name"]), sb) for p in OPERATIONS[step["call"]]["params"]]
    return args, kwargs


def outcome_of(fn):
    try:
        return fn(), None
    except pw.PartnerWebhooksError as e:
        return None, e


def check_subset(expected, actual, path, failures):
    if expected == "$absent":
        if actual is not None:
            failures.append(f"{path}: expected absent, got {actual!r}")
    elif expected == "$present":
        if actual is None:
            failures.append(f"{path}: expected present")
    elif isinstance(expected, dict):
        if not isinstance(actual, dict):
            failures.append(f"{path}: expected an object, got {actual!r}")
            return
        for k, v in expected.items():
            check_subset(v, actual.get(k), f"{path}.{k}", failures)
    elif expected != actual:
        failures.append(f"{path}: expected {expected!r}, got {actual!r}")


def check_error(want, e, failures):
    actual = {
        "kind": e.kind,
        "status": getattr(e, "status_code", None),
        "developer_message": getattr(e, "developer_message", None),
        "field": getattr(e, "field", None),
        "retry_after_ms": None if getattr(e, "retry_after", None) is None else round(e.retry_after * 1000),
    }
    for key, value in want.items():
        if key == "trace_id":
            got = getattr(e, "trace_id", None)
            if (value is True and not got) or (isinstance(value, str) and got != value):
                failures.append(f"error.trace_id: expected {value!r}, got {got!r}")
        elif key == "body_contains":
            if value not in (getattr(e, "body", None) or ""):
                failures.append(f"error.body: expected to contain {value!r}")
        elif key == "details":
            check_subset(value, getattr(e, "details", None), "error.details", failures)
        elif actual.get(key) != value:
            failures.append(f"error.{key}: expected {value!r}, got {actual.get(key)!r} ({e})")


def check_outcome(expect, result, error, failures):
    attempts = result.attempts if result is not None else getattr(error, "attempts", 0)
    if "attempts" in expect and attempts != expect["attempts"]:
        failures.append(f"attempts: expected {expect['attempts']}, got {attempts} ({error or result!r})")
    if "ok" in expect:
        if error is not None:
            failures.append(f"expected success, got {type(error).__name__}: {error}")
        else:
            check_subset(expect["ok"], result.to_dict(), "ok", failures)
    elif "error" in expect:
        if error is None:
            failures.append(f"expected an error, got {result!r}")
        else:
            check_error(expect["error"], error, failures)


def check_stats(expect, before, after, failures):
    for route, want in expect.get("requests", {}).items():
        got = after["requests"].get(route, 0) - before["requests"].get(route, 0)
        if got != want:
            failures.append(f"requests.{route}: expected {want}, got {got}")
    if "tokens_issued" in expect:
        got = after["tokens_issued"] - before["tokens_issued"]
        if got != expect["tokens_issued"]:
            failures.append(f"tokens_issued: expected {expect['tokens_issued']}, got {got}")


def run_scenario(path, mode):
    scenario = json.loads(path.read_text())
    failures = []
    with pw.Sandbox() as sb:
        cls = pw.Client if mode == "sync" else pw.AsyncClient
        client = make_client(cls, scenario["client"], sb)
        for i, step in enumerate(scenario["steps"], 1):
            if "sandbox" in step:
                {"revoke_tokens": sb.revoke_tokens, "clear_faults": sb.clear_faults}[step["sandbox"]]()
                continue
            for fault in step.get("faults", []):
                sb.inject_fault(**subst(fault, sb))
            expect = subst(step["expect"], sb)
            args, kwargs = call_args(step, sb)
            n = step.get("concurrency", 1)
            method = getattr(client, step["call"])
            before = sb.stats()
            started = time.monotonic()
            if mode == "sync":
                with ThreadPoolExecutor(max_workers=n) as pool:
                    outcomes = list(pool.map(lambda _: outcome_of(lambda: method(*args, **kwargs)), range(n)))
            else:

                async def one():
                    try:
                        return await method(*args, **kwargs), None
                    except pw.PartnerWebhooksError as e:
                        return None, e

                async def many():
                    return await asyncio.gather(*(one() for _ in range(n)))

                outcomes = asyncio.run(many())
            elapsed_ms = (time.monotonic() - started) * 1000
            step_failures = []
            for result, error in outcomes:
                check_outcome(expect, result, error, step_failures)
            bounds = expect.get("elapsed_ms", {})
            if "min" in bounds and elapsed_ms < bounds["min"]:
                step_failures.append(f"elapsed {elapsed_ms:.0f} ms < min {bounds['min']} ms")
            if "max" in bounds and elapsed_ms > bounds["max"]:
                step_failures.append(f"elapsed {elapsed_ms:.0f} ms > max {bounds['max']} ms")
            check_stats(expect, before, sb.stats(), step_failures)
            failures += [f"step {i}: {f}" for f in dict.fromkeys(step_failures)]
    return failures


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, mode):
    failures = run_scenario(path, mode)
    assert not failures, "\n".join(failures)


def test_there_are_enough_scenarios():
    assert len(SCENARIOS) >= 25
