"""The receiver examples (examples/receivers: FastAPI, Flask, Django), each
started as a real server and fed by the sandbox: a signed delivery (200), an
oversized one (413), one without the custom header (401), and a forged request
(401). The site's framework page (docs/site/receivers/python.md) includes
each file's marked region."""

import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

import partner_webhooks as pw

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples" / "receivers"
SITE_PAGE = pathlib.Path(__file__).parent.parent.parent / "docs" / "site" / "receivers" / "python.md"
HEADER = ("X-Partner-Auth", "hdr-secret-for-examples")
MAX_BODY = 64 * 1024

APPS = {
    "fastapi": [sys.executable, "-m", "uvicorn", "fastapi_app:app", "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"],
    "flask": [sys.executable, "flask_app.py"],
    "django": [sys.executable, "django_app.py", "runserver", "127.0.0.1:{port}", "--noreload"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the app did not start listening")


def first_status(sb: pw.Sandbox, delivery_id: str, seconds: float = 15) -> int:
    """The HTTP status of a delivery's first attempt (without waiting for the retries)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for d in sb.deliveries():
            if d["id"] == delivery_id and d["attempts"]:
                return d["attempts"][0]["status"]
        time.sleep(0.05)
    raise AssertionError(f"no attempt for {delivery_id}")


@pytest.mark.parametrize("name", APPS)
def test_receiver_example_as_a_server(name):
    with pw.Sandbox() as sb:
        port = free_port()
        env = dict(os.environ, PLATFORM_SECRET=sb.platform_secret, PARTNER_HEADER_NAME=HEADER[0],
                   PARTNER_HEADER_VALUE=HEADER[1], MAX_BODY=str(MAX_BODY), PORT=str(port), PYTHONUNBUFFERED="1")
        cmd = [a.format(port=port) for a in APPS[name]]
        proc = subprocess.Popen(cmd, cwd=EXAMPLES, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_listening(port, proc)
            url = f"http://127.0.0.1:{port}/webhook"
            client = pw.Client(api_key=sb.api_key, base_url=sb.base_url)
            client.set_webhook_url(sb.partner_id, url)
            client.set_webhook_headers(sb.partner_id, {HEADER[0]: HEADER[1]})

            signed = sb.emit("channel_live")
            assert first_status(sb, signed) == 200
            assert first_status(sb, sb.emit("brand_new_event", {"x": 1})) == 200
            assert first_status(sb, sb.emit("channel_live", {"blob": "x" * (MAX_BODY + 1)})) == 413

            # Forged: the signed body changed after signing, sent straight to the app.
            body = next(d for d in sb.deliveries() if d["id"] == signed)["body"]
            forged = urllib.request.Request(url, data=body.replace("live", "lost").encode(), method="POST", headers={
                HEADER[0]: HEADER[1], "x-360dialog-signature": pw.sign(body.encode(), sb.platform_secret),
                "content-type": "application/json"})
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(forged, timeout=10)
            assert info.value.code == 401

            client.set_webhook_headers(sb.partner_id, {})
            assert first_status(sb, sb.emit("channel_live")) == 401
        finally:
            proc.terminate()
            out, _ = proc.communicate(timeout=20)
        received = [json.loads(line) for line in out.splitlines() if line.startswith('{"received"')]
        assert [r["received"] for r in received] == ["channel_live", "unknown"], out
        assert received[0]["detail"] == "+4915123456789", "typed data reached the handler"


def readme_regions(text: str):
    return re.findall(r"# readme: (\w+)\n(.*?)# end readme\n", text, re.S)


def test_the_sites_framework_page_shows_every_example():
    page = SITE_PAGE.read_text(encoding="utf-8")
    regions = [r for f in sorted(EXAMPLES.glob("*_app.py")) for r in readme_regions(f.read_text(encoding="utf-8"))]
    assert {name for name, _ in regions} == {"fastapi", "flask", "django"}
    for name, _ in regions:
        assert f'"# readme: {name}"' in page, f"docs/site/receivers/python.md does not include the {name} example"
