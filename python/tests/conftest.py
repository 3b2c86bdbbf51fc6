import os
from pathlib import Path

import pytest

import partner_webhooks as pw

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "tests" / "scenarios").glob("*.json"))
VECTORS = sorted((REPO / "tests" / "vectors").glob("*.json"))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """Tests never inherit the developer's PARTNER_* settings."""
    for name in list(os.environ):
        if name.startswith("PARTNER_"):
            monkeypatch.delenv(name)


@pytest.fixture
def sandbox():
    with pw.Sandbox() as sb:
        yield sb


@pytest.fixture
def client(sandbox):
    return pw.Client(api_key=sandbox.api_key, base_url=sandbox.base_url)
