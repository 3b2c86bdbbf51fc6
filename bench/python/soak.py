"""Load with faults from Python (`make soak`, run by bench/soak.py): `--calls`
AsyncClient calls from `--concurrency` workers while about `--fault-rate` of
them meet an injected fault (503, 429 with Retry-After, a reset connection, a
slow answer, an HTML 500, a 422, a burst of three 503s). Every call must end as a success or a typed
`PartnerWebhooksError`; anything else is counted as unaccounted. Threads and
peak RSS are sampled. Prints one JSON summary."""

import argparse
import asyncio
import collections
import concurrent.futures
import json
import time
import urllib.request

import partner_webhooks as pw
from bench import proc_status  # bench.py, next to this file

FAULTS = [
    {"route": "*", "status": 503},
    {"route": "*", "status": 429, "retry_after": 1},
    {"route": "*", "reset": True},
    {"route": "*", "delay_ms": 300},
    {"route": "*", "status": 500, "body": "<html><body>Internal error</body></html>"},
    {"route": "*", "status": 422},  # not retried: a typed error reaches the caller
    {"route": "*", "status": 503, "times": 3},  # can outlast a call's retries
]


def inject(base_url: str, fault: dict) -> bool:
    req = urllib.request.Request(f"{base_url}/_sandbox/faults", data=json.dumps(fault).encode(), method="POST")
    try:
        urllib.request.urlopen(req, timeout=5).read()
        return True
    except OSError:
        return False


async def main(a: argparse.Namespace) -> None:
    client = pw.AsyncClient(api_key=a.api_key, base_url=a.base_url, timeout=15)
    await client.get_webhook_url(a.partner_id)
    loop = asyncio.get_running_loop()
    # One thread for the fault-injection requests, started before the baseline.
    control = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    await loop.run_in_executor(control, proc_status)
    before = proc_status()
    every = max(1, round(1 / a.fault_rate))
    counter = iter(range(a.calls))
    outcomes: "collections.Counter[str]" = collections.Counter()
    injected = panics = 0
    samples = []

    async def worker() -> None:
        nonlocal injected, panics
        for i in counter:
            if i % every == every // 2:
                done_ok = await loop.run_in_executor(control, inject, a.base_url, FAULTS[(i // every) % len(FAULTS)])
                injected += done_ok  # after the await: `x += await ...` would lose updates
            op = i % 4
            try:
                if op == 0:
                    await client.get_webhook_url(a.partner_id)
                elif op == 1:
                    await client.set_webhook_url(a.partner_id, "https://hooks.example.com/soak")
                elif op == 2:
                    await client.get_webhook_headers(a.partner_id)
                else:
                    await client.set_webhook_headers(a.partner_id, {"X-Soak": "1"})
                outcomes["ok"] += 1
            except pw.PartnerWebhooksError as e:
                outcomes[type(e).__name__] += 1
                panics += getattr(e, "kind", None) == "Runtime"  # a contained Rust panic
            except BaseException as e:  # noqa: BLE001 - counted, never expected
                outcomes[f"UNACCOUNTED {type(e).__name__}"] += 1

    async def sampler(done: asyncio.Event) -> None:
        while not done.is_set():
            samples.append(proc_status()["Threads"])
            await asyncio.sleep(0.02)

    done = asyncio.Event()
    s = asyncio.ensure_future(sampler(done))
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(a.concurrency)))
    wall = time.perf_counter() - started
    done.set()
    await s
    await asyncio.sleep(0.3)
    after = proc_status()
    print(json.dumps({
        "language": "Python", "calls": a.calls, "concurrency": a.concurrency, "faults_injected": injected,
        "accounted": sum(v for k, v in outcomes.items() if not k.startswith("UNACCOUNTED")),
        "outcomes": dict(sorted(outcomes.items())), "panics": panics,
        "threads_before": before["Threads"], "threads_during_min": min(samples, default=before["Threads"]),
        "threads_during_max": max(samples, default=before["Threads"]), "threads_after": after["Threads"],
        "rss_before_mb": before["VmRSS"] / 1024, "rss_after_mb": after["VmRSS"] / 1024,
        "peak_rss_mb": after["VmHWM"] / 1024, "wall_s": wall,
    }))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--base-url", required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--partner-id", required=True)
    p.add_argument("--calls", type=int, default=10_000)
    p.add_argument("--concurrency", type=int, default=500)
    p.add_argument("--fault-rate", type=float, default=0.05)
    asyncio.run(main(p.parse_args()))
