"""AsyncClient on event loops of every kind: the asyncio bridge watches its
wake-up socket with ``add_reader`` where the loop has it (selector loops, the
default on Linux and macOS) and with a ``sock_recv`` task where it has not
(Windows' default Proactor loop, which is simulated here: these machines have
no Windows)."""

import asyncio

import pytest

import partner_webhooks as pw
from partner_webhooks import _client


class NoReaderLoop(asyncio.SelectorEventLoop):
    """A loop whose public ``add_reader`` is missing, like the Proactor loop's
    (``sock_recv`` still works: the selector loop implements it internally)."""

    def add_reader(self, *args, **kwargs):
        raise NotImplementedError


def run_on(loop, coro):
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()


@pytest.mark.parametrize("loop_class", [asyncio.SelectorEventLoop, NoReaderLoop])
def test_calls_errors_and_cancellation_on_each_kind_of_loop(sandbox, loop_class):
    loop = loop_class()

    async def main():
        client = pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url)
        await client.set_webhook_url(sandbox.partner_id, "https://hooks.example.com/loops")
        results = await asyncio.gather(*(client.get_webhook_url(sandbox.partner_id) for _ in range(200)))
        assert {r.webhook_url for r in results} == {"https://hooks.example.com/loops"}
        with pytest.raises(pw.NotFoundError):
            await client.get_webhook_url("unknownPA")
        sandbox.inject_fault("get_webhook_url", delay_ms=5000)
        task = asyncio.ensure_future(client.get_webhook_url(sandbox.partner_id))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        sandbox.clear_faults()
        assert (await client.get_webhook_url(sandbox.partner_id)).http_status == 200
        return _client._completions[asyncio.get_running_loop()]

    bridge = run_on(loop, main())
    # The fallback really ran where add_reader is missing, and only there.
    assert (bridge._pump_task is not None) == (loop_class is NoReaderLoop)
