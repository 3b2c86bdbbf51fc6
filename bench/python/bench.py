"""Python benchmarks of `make bench` (run by bench/run.py, which starts the sandbox).

Prints one JSON sample per line, one per run: ours next to the baseline measured
in the same run, in the same process. CPU time is the whole process's
(``time.process_time``: every thread, so the Rust runtime's workers count too).

    python bench.py sync   --base-url URL --api-key K --partner-id P
    python bench.py async  --base-url URL --api-key K --partner-id P --concurrency 1 64 512
    python bench.py verify --event bench/fixtures/event-1k.json --secret S
    python bench.py memory --base-url URL --api-key K --partner-id P --calls 10000
    python bench.py count sync --side ours|requests --n N --base-url URL --api-key K --partner-id P
    python bench.py count verify --side ours|hmac --n N --event bench/fixtures/event-1k.json --secret S

`count` runs exactly N operations of one side and prints nothing: the loops
bench/instructions.py runs under callgrind.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional

import aiohttp
import httpx
import requests

import partner_webhooks as pw

HOOK = "https://hooks.example.com/bench"
HEADERS = {"X-Bench": "1"}


def emit(name: str, baseline: str, metric: str, ours: float, theirs: Optional[float], **extra: Any) -> None:
    """One measurement as a JSON line (goals live in bench/goals.py; a driver only measures)."""
    print(json.dumps({"name": name, "baseline": baseline, "metric": metric,
                      "ours": ours, "theirs": theirs, "extra": extra}), flush=True)


def measure(fn: Callable[[], Any]) -> "tuple[float, float]":
    """(process CPU seconds, wall seconds) of fn()."""
    c, w = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c, time.perf_counter() - w


# ---- sequential, sync -------------------------------------------------------

def sync_ours(client: pw.Client, partner: str) -> Callable[[int], None]:
    def rounds(n: int) -> None:
        for _ in range(n):
            client.get_webhook_url(partner)
            client.set_webhook_url(partner, HOOK)
            client.get_webhook_headers(partner)
            client.set_webhook_headers(partner, HEADERS)
    return rounds


def sync_theirs(session: Any, base: str, key: str, partner: str) -> Callable[[int], None]:
    """The same 4 calls as a hand-written requests/httpx client: key header, JSON, status check, decode."""
    url = f"{base}/api/v2/partners/{partner}/webhook_url"
    hdr = f"{base}/api/v2/partners/{partner}/webhook_headers"
    auth = {"X-API-Key": key}

    def call(method: str, u: str, body: Any = None) -> Any:
        r = session.request(method, u, headers=auth, json=body)
        r.raise_for_status()
        return r.json()

    def rounds(n: int) -> None:
        for _ in range(n):
            call("GET", url)
            call("POST", url, {"webhook_url": HOOK})
            call("GET", hdr)
            call("POST", hdr, {"webhook_headers": HEADERS})
    return rounds


def cmd_sync(a: argparse.Namespace) -> None:
    ours = sync_ours(pw.Client(api_key=a.api_key, base_url=a.base_url), a.partner_id)
    baselines = {
        "requests.Session": sync_theirs(requests.Session(), a.base_url, a.api_key, a.partner_id),
        "httpx.Client": sync_theirs(httpx.Client(), a.base_url, a.api_key, a.partner_id),
    }
    rounds = max(a.calls // 4, 1)
    ours(rounds // 4 + 1)
    for fn in baselines.values():
        fn(rounds // 4 + 1)
    for run in range(a.runs):
        for name, theirs in baselines.items():
            if run % 2:
                t = measure(lambda: theirs(rounds))
                o = measure(lambda: ours(rounds))
            else:
                o = measure(lambda: ours(rounds))
                t = measure(lambda: theirs(rounds))
            n = rounds * 4
            emit("Python Client (sync), sequential", name, "client CPU µs/call",
                 o[0] * 1e6 / n, t[0] * 1e6 / n, ours_calls_per_s=n / o[1], theirs_calls_per_s=n / t[1])


# ---- concurrent, async -------------------------------------------------------

Call = Callable[[int], Awaitable[Any]]


def async_ours(client: pw.AsyncClient, partner: str) -> Call:
    async def one(i: int) -> Any:
        op = i % 4
        if op == 0:
            return await client.get_webhook_url(partner)
        if op == 1:
            return await client.set_webhook_url(partner, HOOK)
        if op == 2:
            return await client.get_webhook_headers(partner)
        return await client.set_webhook_headers(partner, HEADERS)
    return one


def call_plan(base: str, partner: str) -> List["tuple[str, str, Any]"]:
    """The 4 calls in turn: (method, URL, JSON body)."""
    url = f"{base}/api/v2/partners/{partner}/webhook_url"
    hdr = f"{base}/api/v2/partners/{partner}/webhook_headers"
    return [("GET", url, None), ("POST", url, {"webhook_url": HOOK}),
            ("GET", hdr, None), ("POST", hdr, {"webhook_headers": HEADERS})]


def async_httpx(client: httpx.AsyncClient, base: str, key: str, partner: str) -> Call:
    plan = call_plan(base, partner)
    auth = {"X-API-Key": key}

    async def one(i: int) -> Any:
        method, u, body = plan[i % 4]
        r = await client.request(method, u, headers=auth, json=body)
        r.raise_for_status()
        return r.json()
    return one


def async_aiohttp(session: aiohttp.ClientSession, base: str, key: str, partner: str) -> Call:
    plan = call_plan(base, partner)
    auth = {"X-API-Key": key}

    async def one(i: int) -> Any:
        method, u, body = plan[i % 4]
        async with session.request(method, u, headers=auth, json=body) as r:
            r.raise_for_status()
            return await r.json()
    return one


async def drive(one: Call, calls: int, concurrency: int) -> "tuple[float, float]":
    """`calls` calls from `concurrency` workers; (CPU s, wall s)."""
    counter = iter(range(calls))

    async def worker() -> None:
        for i in counter:
            await one(i)

    c, w = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.process_time() - c, time.perf_counter() - w


async def async_main(a: argparse.Namespace) -> None:
    big = max(a.concurrency)
    ours = async_ours(pw.AsyncClient(api_key=a.api_key, base_url=a.base_url), a.partner_id)
    # Connection pools sized for the highest concurrency, so no baseline queues on its pool.
    # The same 120 s budget as ours; idle connections dropped after 5 s, before
    # the sandbox closes them at 10 s (aiohttp's default 15 s reuses closed ones).
    hx = httpx.AsyncClient(limits=httpx.Limits(max_connections=big, max_keepalive_connections=big, keepalive_expiry=5),
                           timeout=120)
    aio = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=big, keepalive_timeout=5),
                                timeout=aiohttp.ClientTimeout(total=120))
    baselines = {
        "httpx.AsyncClient": async_httpx(hx, a.base_url, a.api_key, a.partner_id),
        "aiohttp.ClientSession": async_aiohttp(aio, a.base_url, a.api_key, a.partner_id),
    }
    try:
        for conc in a.concurrency:
            calls = max(a.calls, conc * 4)
            await drive(ours, conc * 2, conc)
            for fn in baselines.values():
                await drive(fn, conc * 2, conc)
            for run in range(a.runs):
                for name, theirs in baselines.items():
                    if run % 2:
                        t = await drive(theirs, calls, conc)
                        o = await drive(ours, calls, conc)
                    else:
                        o = await drive(ours, calls, conc)
                        t = await drive(theirs, calls, conc)
                    emit(f"Python AsyncClient, concurrency {conc}", name, "client CPU µs/call",
                         o[0] * 1e6 / calls, t[0] * 1e6 / calls,
                         ours_calls_per_s=calls / o[1], theirs_calls_per_s=calls / t[1])
    finally:
        await hx.aclose()
        await aio.close()


# ---- verify + parse ------------------------------------------------------------

def rate(seconds: float, fn: Callable[[], Any]) -> float:
    """Calls per CPU second of fn, in batches, for about `seconds`."""
    n, start = 0, time.thread_time()
    while True:
        for _ in range(200):
            fn()
        n += 200
        spent = time.thread_time() - start
        if spent >= seconds:
            return n / spent


def cmd_verify(a: argparse.Namespace) -> None:
    body = open(a.event, "rb").read()
    secret = a.secret.encode()
    headers = {"content-type": "application/json", "x-360dialog-signature": pw.sign(body, a.secret)}
    verifier = pw.WebhookVerifier([a.secret])
    assert verifier.verify(headers, body).type == "channel_created"

    def ours() -> Any:
        return verifier.verify(headers, body)

    def theirs() -> Any:
        """A hand-written receiver: hmac + compare_digest, then json.loads."""
        given = headers["x-360dialog-signature"]
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, given):
            raise ValueError("bad signature")
        return json.loads(body)

    rate(a.seconds / 4, ours)
    rate(a.seconds / 4, theirs)
    for run in range(a.runs):
        if run % 2:
            t = rate(a.seconds, theirs)
            o = rate(a.seconds, ours)
        else:
            o = rate(a.seconds, ours)
            t = rate(a.seconds, theirs)
        emit("Python verify+parse, 1 KiB event", "hmac + json.loads", "events/s (throughput)", o, t)


# ---- exact counts, for callgrind ---------------------------------------------------

def cmd_count(a: argparse.Namespace) -> None:
    if a.path == "sync":
        if a.side == "ours":
            rounds = sync_ours(pw.Client(api_key=a.api_key, base_url=a.base_url), a.partner_id)
        elif a.side == "requests":
            rounds = sync_theirs(requests.Session(), a.base_url, a.api_key, a.partner_id)
        else:
            raise SystemExit(f"--side must be ours or requests, not {a.side}")
        rounds(4)  # warm-up: the connection, first-call caches
        rounds(a.n // 4)
        return
    body = open(a.event, "rb").read()
    signature = pw.sign(body, a.secret)
    if a.side == "ours":
        verifier = pw.WebhookVerifier([a.secret])
        headers = {"content-type": "application/json", "x-360dialog-signature": signature}
        for _ in range(a.n):
            verifier.verify(headers, body)
    elif a.side == "hmac":
        secret = a.secret.encode()
        for _ in range(a.n):
            if not hmac.compare_digest(hmac.new(secret, body, hashlib.sha256).hexdigest(), signature):
                raise ValueError("bad signature")
    else:
        raise SystemExit(f"--side must be ours or hmac, not {a.side}")


# ---- memory and threads ----------------------------------------------------------

def proc_status() -> Dict[str, int]:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "Threads"):
                out[k] = int(v.split()[0])
    return out


async def memory_main(a: argparse.Namespace) -> None:
    client = pw.AsyncClient(api_key=a.api_key, base_url=a.base_url, timeout=120)
    await client.get_webhook_url(a.partner_id)  # the runtime is up: this is "before"
    before = proc_status()
    during: List[Dict[str, int]] = []
    done = asyncio.Event()

    async def sampler() -> None:
        while not done.is_set():
            during.append(proc_status())
            await asyncio.sleep(0.01)

    s = asyncio.ensure_future(sampler())
    w = time.perf_counter()
    results = await asyncio.gather(*(client.get_webhook_url(a.partner_id) for _ in range(a.calls)),
                                   return_exceptions=True)
    wall = time.perf_counter() - w
    done.set()
    await s
    await asyncio.sleep(0.5)
    after = proc_status()
    failed = [r for r in results if isinstance(r, BaseException)]
    emit(f"Python AsyncClient, {a.calls} concurrent calls", "none", "peak RSS MB",
         after["VmHWM"] / 1024, None,
         rss_before_mb=before["VmRSS"] / 1024, rss_after_mb=after["VmRSS"] / 1024,
         threads_before=before["Threads"], threads_during_max=max(d["Threads"] for d in during),
         threads_during_min=min(d["Threads"] for d in during), threads_after=after["Threads"],
         failed=len(failed), first_failure=repr(failed[0]) if failed else None, wall_s=wall)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("sync", "async", "memory"):
        s = sub.add_parser(name)
        s.add_argument("--base-url", required=True)
        s.add_argument("--api-key", required=True)
        s.add_argument("--partner-id", required=True)
        s.add_argument("--runs", type=int, default=5)
        s.add_argument("--calls", type=int, default={"sync": 1000, "async": 2000, "memory": 10000}[name])
        if name == "async":
            s.add_argument("--concurrency", type=int, nargs="+", default=[1, 64, 512])
    v = sub.add_parser("verify")
    v.add_argument("--event", required=True)
    v.add_argument("--secret", required=True)
    v.add_argument("--runs", type=int, default=5)
    v.add_argument("--seconds", type=float, default=1.0)
    c = sub.add_parser("count")
    c.add_argument("path", choices=["sync", "verify"])
    c.add_argument("--side", required=True)
    c.add_argument("--n", type=int, required=True)
    for flag in ("--base-url", "--api-key", "--partner-id", "--event", "--secret"):
        c.add_argument(flag)
    a = p.parse_args()
    if a.cmd == "count":
        cmd_count(a)
    elif a.cmd == "sync":
        cmd_sync(a)
    elif a.cmd == "async":
        asyncio.run(async_main(a))
    elif a.cmd == "verify":
        cmd_verify(a)
    else:
        asyncio.run(memory_main(a))


if __name__ == "__main__":
    main()
