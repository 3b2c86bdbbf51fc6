"""After 1,000 failing calls (refused connections, 503s, resets; sync and
async) the process has the threads and file descriptors it had before."""

import asyncio
import gc
import os
import time

import pytest

import partner_webhooks as pw


def threads() -> int:
    return len(os.listdir("/proc/self/task"))


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_threads_and_fds_return_to_baseline_after_1000_failing_calls(sandbox):
    pid = sandbox.partner_id
    # Warm: the runtime, and the pooled connection of the client that will fail.
    failing = pw.Client(api_key=sandbox.api_key, base_url=sandbox.base_url, max_retries=0)
    failing.get_webhook_url(pid)
    asyncio.run(pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url).get_webhook_url(pid))
    gc.collect()
    threads0, fds0 = threads(), fds()

    refused = pw.Client(api_key="k", base_url="http://127.0.0.1:1", max_retries=0)
    for _ in range(300):
        with pytest.raises(pw.APIConnectionError):
            refused.get_webhook_url(pid)
    sandbox.inject_fault("get_webhook_url", status=503, times=300)
    for _ in range(300):
        with pytest.raises(pw.InternalServerError):
            failing.get_webhook_url(pid)
    sandbox.inject_fault("get_webhook_url", reset=True, times=200)
    for _ in range(200):
        with pytest.raises(pw.APIConnectionError):
            failing.get_webhook_url(pid)

    async def async_failures() -> None:
        client = pw.AsyncClient(api_key="k", base_url="http://127.0.0.1:1", max_retries=0)
        results = await asyncio.gather(*(client.get_webhook_url(pid) for _ in range(200)), return_exceptions=True)
        assert all(isinstance(r, pw.APIConnectionError) for r in results)

    asyncio.run(async_failures())
    del refused, failing
    gc.collect()
    deadline = time.monotonic() + 5  # closed sockets leave the fd table asynchronously
    while fds() > fds0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threads() == threads0
    assert fds() <= fds0, f"file descriptors: {fds0} before, {fds()} after"
