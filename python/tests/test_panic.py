"""A panic inside a binding call (forced by a test hook on the shared runtime)
surfaces as an exception, and the process goes on working. The hooks exist in
the dev build `make test-python` installs (cargo feature `test-hooks`) only."""

import asyncio

import pytest

import partner_webhooks as pw
from partner_webhooks._client import _loop_completions


def test_a_panic_in_a_sync_call_is_an_exception_and_calls_go_on(client, sandbox):
    for _ in range(3):
        with pytest.raises(pw.PartnerWebhooksError, match="panicked: forced by the test hook") as info:
            client._native._panic_for_tests()
        assert info.value.kind == "Runtime"
    assert client.get_webhook_url(sandbox.partner_id).webhook_url is None


def test_a_panic_in_an_async_call_is_an_exception_and_calls_go_on(sandbox):
    async def main() -> None:
        c = pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url)
        for _ in range(3):
            with pytest.raises(pw.PartnerWebhooksError, match="panicked") as info:
                loop = asyncio.get_running_loop()
                future = loop.create_future()
                c._native._panic_for_tests_async(_loop_completions(loop), future)
                await future
            assert info.value.kind == "Runtime"
        assert (await c.get_webhook_url(sandbox.partner_id)).webhook_url is None

    asyncio.run(main())
