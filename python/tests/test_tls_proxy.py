"""TLS trust (the OS store, ``ca_bundle``, ``PARTNER_API_CA_BUNDLE``) and
proxies (``proxy=``, ``HTTPS_PROXY`` / ``NO_PROXY``) against a local HTTPS
server with a test-CA certificate and a local CONNECT proxy."""

import os
import pathlib
import subprocess
import sys
import tempfile

import pytest

import partner_webhooks as pw
from local_servers import CA, ConnectProxy, TlsServer


@pytest.fixture
def tls():
    with TlsServer() as s:
        yield s


@pytest.fixture
def proxy():
    with ConnectProxy() as p:
        yield p


def test_unknown_ca_is_refused_then_trusted_with_ca_bundle(tls):
    with pytest.raises(pw.APIConnectionError) as e:
        pw.Client(api_key="k", base_url=tls.base_url, max_retries=0).get_webhook_url("abcPA")
    assert "certificate" in str(e.value).lower() or "UnknownIssuer" in str(e.value)
    for bundle in (CA, pathlib.Path(CA)):
        got = pw.Client(api_key="k", base_url=tls.base_url, ca_bundle=bundle).get_webhook_url("abcPA")
        assert got.webhook_url == "https://example.com/events"
        assert got.headers["x-request-id"] == "py-tls-1" and got.trace_id == "py-tls-1"


def test_the_environment_variable_adds_the_ca(tls, monkeypatch):
    monkeypatch.setenv("PARTNER_API_CA_BUNDLE", CA)
    client = pw.Client(api_key="k", base_url=tls.base_url)
    assert client._native.config()["ca_bundle"] == CA
    assert client.get_webhook_url("abcPA").webhook_url == "https://example.com/events"
    monkeypatch.setenv("PARTNER_API_CA_BUNDLE", "/nonexistent/ca.pem")
    with pytest.raises(pw.InvalidInputError) as e:
        pw.Client(api_key="k", base_url=tls.base_url)
    assert e.value.field == "PARTNER_API_CA_BUNDLE"


async def test_async_client_trusts_the_bundle_too(tls):
    got = await pw.AsyncClient(api_key="k", base_url=tls.base_url, ca_bundle=CA).get_webhook_url("abcPA")
    assert got.http_status == 200


def test_proxy_option_tunnels_with_credentials_that_never_show(tls, proxy):
    url = f"http://alice:proxy-pw-93e1@127.0.0.1:{proxy.port}"
    client = pw.Client(api_key="k", base_url=tls.base_url, ca_bundle=CA, proxy=url)
    assert client.get_webhook_url("abcPA").http_status == 200
    assert proxy.tunnels == [tls.base_url.removeprefix("https://")]
    assert proxy.authorizations == ["Basic YWxpY2U6cHJveHktcHctOTNlMQ=="]
    shown = repr(client) + repr(client._native) + repr(client._native.config())
    assert "proxy-pw-93e1" not in shown and "alice" not in shown
    with pytest.raises(pw.APIConnectionError) as e:
        pw.Client(api_key="k", base_url=tls.base_url, proxy="http://alice:proxy-pw-93e1@127.0.0.1:9",
                  max_retries=0).get_webhook_url("abcPA")
    assert "proxy-pw-93e1" not in str(e.value) + repr(e.value._attrs)


def _run(code, env):
    # Not from the source tree: "-c" puts the working directory on sys.path.
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=60, cwd=tempfile.gettempdir())


def test_https_proxy_and_no_proxy_from_the_environment(tls, proxy):
    code = (
        "import partner_webhooks as pw, sys\n"
        f"c = pw.Client(api_key='k', base_url={tls.base_url!r}, ca_bundle={CA!r})\n"
        "print(c.get_webhook_url('abcPA').http_status)\n"
    )
    via = _run(code, {"HTTPS_PROXY": f"http://127.0.0.1:{proxy.port}", "NO_PROXY": ""})
    assert via.stdout.strip() == "200", via.stderr
    assert len(proxy.tunnels) == 1
    bypass = _run(code, {"HTTPS_PROXY": f"http://127.0.0.1:{proxy.port}", "NO_PROXY": "127.0.0.1"})
    assert bypass.stdout.strip() == "200", bypass.stderr
    assert len(proxy.tunnels) == 1, "NO_PROXY was not honoured"


def test_the_os_trust_store_is_used(tls):
    # SSL_CERT_FILE replaces the OS store as the system's trust source: a CA
    # placed there is trusted without ca_bundle.
    code = (
        "import partner_webhooks as pw\n"
        f"print(pw.Client(api_key='k', base_url={tls.base_url!r}).get_webhook_url('abcPA').http_status)\n"
    )
    run = _run(code, {"SSL_CERT_FILE": CA})
    assert run.stdout.strip() == "200", run.stderr
