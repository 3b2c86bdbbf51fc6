"""The SDK's records reach Python's ``logging`` under ``partner_webhooks``,
honouring its levels and handlers, with structured fields as record
attributes; nothing is printed until the application configures logging."""

import logging
import os
import subprocess
import sys
import tempfile

import pytest

import partner_webhooks as pw


class Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=1)
        self.records = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured():
    logger = logging.getLogger("partner_webhooks")
    handler = Keep()
    logger.addHandler(handler)
    before = logger.level
    yield logger, handler
    logger.removeHandler(handler)
    logger.setLevel(before)


def test_retry_warnings_arrive_with_fields(captured, sandbox):
    logger, handler = captured
    logger.setLevel(logging.WARNING)
    sandbox.inject_fault("*", status=503, times=1)
    client = pw.Client(api_key=sandbox.api_key, base_url=sandbox.base_url)
    client.get_webhook_url(sandbox.partner_id)
    warnings = [r for r in handler.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in handler.records]
    r = warnings[0]
    assert r.name == "partner_webhooks"
    assert r.getMessage().startswith("retrying")
    assert (r.operation, r.attempt, r.kind, r.status) == ("get_webhook_url", 1, "Server", 503)
    assert isinstance(r.delay_ms, int)
    assert not [r for r in handler.records if r.levelno < logging.WARNING]


def test_debug_lines_for_request_and_response_only_when_enabled(captured, sandbox):
    logger, handler = captured
    client = pw.Client(api_key=sandbox.api_key, base_url=sandbox.base_url)
    logger.setLevel(logging.INFO)
    client.get_webhook_url(sandbox.partner_id)
    assert handler.records == []
    logger.setLevel(logging.DEBUG)
    client.get_webhook_url(sandbox.partner_id)
    messages = [r.msg.split()[0] for r in handler.records]
    assert messages == ["request", "response"], messages
    request, response = handler.records
    assert (request.method, request.operation) == ("GET", "get_webhook_url")
    assert request.path == f"/api/v2/partners/{sandbox.partner_id}/webhook_url"
    assert (response.status, response.levelname) == (200, "DEBUG")
    assert isinstance(response.elapsed_ms, int) and response.trace_id


async def test_async_calls_log_too(captured, sandbox):
    logger, handler = captured
    logger.setLevel(logging.DEBUG)
    await pw.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.base_url).get_webhook_url(sandbox.partner_id)
    assert [r.msg.split()[0] for r in handler.records] == ["request", "response"]


def test_logging_disable_is_honoured(captured, sandbox):
    logger, handler = captured
    logger.setLevel(logging.DEBUG)
    logging.disable(logging.CRITICAL)
    try:
        pw.Client(api_key=sandbox.api_key, base_url=sandbox.base_url).get_webhook_url(sandbox.partner_id)
    finally:
        logging.disable(logging.NOTSET)
    assert handler.records == []


def test_importing_the_package_does_not_import_logging():
    # logging costs ~30 ms to import; the package leaves it to the application.
    run = subprocess.run([sys.executable, "-c", "import sys, partner_webhooks; print('logging' in sys.modules)"],
                         capture_output=True, text=True, timeout=60, cwd=tempfile.gettempdir())
    assert run.stdout.strip() == "False", run.stderr


def test_nothing_is_printed_without_logging_configured():
    code = (
        "import partner_webhooks as pw\n"
        "with pw.Sandbox() as sb:\n"
        "    sb.inject_fault('*', status=503, times=1)\n"
        "    pw.Client(api_key=sb.api_key, base_url=sb.base_url).get_webhook_url(sb.partner_id)\n"
        "    print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PARTNER_WEBHOOKS_LOG"}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                         cwd=tempfile.gettempdir())
    assert run.stdout.strip() == "ok" and run.stderr == "", run.stderr
    # With basicConfig the warning is printed by the application's handler.
    run = subprocess.run([sys.executable, "-c", "import logging; logging.basicConfig()\n" + code], env=env,
                         capture_output=True, text=True, timeout=60,
                         cwd=tempfile.gettempdir())
    assert "WARNING:partner_webhooks:retrying operation=get_webhook_url" in run.stderr, run.stderr
