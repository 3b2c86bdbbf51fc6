"""Every benchmark goal, in one place: `run.py` (time, memory, size) and
`instructions.py` (callgrind counts) read them from here, and
docs/benchmarks.md says met or missed against them. The drivers measure only.

A goal is `<= X` or `>= X` on the ratio ours / baseline (so `>= 2.0` on a
throughput means twice the baseline's), or on the value itself when it says
`(absolute)`. A comparison missing here is reported without a goal.
"""

from typing import Dict, Tuple

RUST_CLIENT = ("Rust PartnerClient, sequential", "reqwest::Client")
PYTHON_SYNC = "Python Client (sync), sequential"

# Time (client CPU per call), throughput, memory and size: `make bench` / `make bench-quick`.
TIME: Dict[Tuple[str, str], str] = {
    RUST_CLIENT: "<= 1.05",
    (PYTHON_SYNC, "Rust PartnerClient"): "<= 1.5",
    (PYTHON_SYNC, "requests.Session"): "<= 0.5",
    (PYTHON_SYNC, "httpx.Client"): "<= 0.5",
    ("Python AsyncClient, concurrency 512", "httpx.AsyncClient"): "<= 0.3",
    ("Python AsyncClient, concurrency 512", "aiohttp.ClientSession"): "<= 0.25",
    **{(f"Node PartnerClient, concurrency {c}", "undici.request"): "<= 0.6" for c in (1, 64, 512)},
    **{(f"Node PartnerClient, concurrency {c}", "fetch"): "<= 0.8" for c in (1, 64, 512)},
    ("Rust verify+parse, 1 KiB event, one core", "hmac + serde_json::Value"): ">= 2.0",
    ("Python verify+parse, 1 KiB event", "hmac + json.loads"): ">= 1.0",
    ("Node verify+parse, 1 KiB event", "crypto.createHmac + JSON.parse"): ">= 1.0",
    ("Node verify+parse, 1 KiB event, edge build (WebCrypto)", "crypto.createHmac + JSON.parse"): ">= 0.5",
    ("Python AsyncClient, 10000 concurrent calls", "none"): "<= 100 (absolute)",
    ("Node PartnerClient, 10000 concurrent Promises", "none"): "<= 120 (absolute)",
    ('Start-up: python -c "import partner_webhooks"', "bare interpreter"): "<= 50 (absolute)",
    ("Start-up: node -e \"require('partner-webhooks')\"", "bare interpreter"): "<= 50 (absolute)",
    ("Size: Python abi3 wheel", "none"): "<= 8 (absolute)",
    ("Size: Node addon (.node)", "none"): "<= 4 (absolute)",
    ("Size: uniffi library (.so)", "none"): "<= 4 (absolute)",
}

# Instructions per operation under callgrind: `make bench-instructions`.
INSTRUCTIONS: Dict[Tuple[str, str], str] = {
    ("Rust PartnerClient, per call", "reqwest::Client"): "<= 1.05",
    ("Python Client (sync), per call", "Rust PartnerClient"): "<= 1.5",
    ("Node PartnerClient, per call (one at a time)", "undici.request"): "<= 0.6",
}


def goal(table: Dict[Tuple[str, str], str], name: str, baseline: str) -> str:
    """The goal of one comparison, or "report"."""
    return table.get((name, baseline), "report")
