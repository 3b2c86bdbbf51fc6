"""Runs every benchmark of `make bench` against one sandbox and writes
bench/results.json and docs/benchmarks.md.

The Makefile builds everything first (release builds, the baselines); this
script only measures. Each language's driver prints one JSON sample per run
(ours and the baseline measured side by side in the same process); this script
aggregates the runs of each comparison into min / median / max.

    python bench/run.py [--quick]

The sandbox is pinned to CPU 0 and every client to CPU 1 (`taskset`), so a
client's CPU time is not inflated by the server it talks to.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
EVENT = ROOT / "bench" / "fixtures" / "event-1k.json"
SECRET = "ps_0123456789abcdef0123456789abcdef"
SERVER_CPU, CLIENT_CPU = "0", "1"
SECRETS = {SECRET}  # values never written to the log

sys.path.insert(0, str(ROOT / "bench"))
import goals  # noqa: E402
from report import render  # noqa: E402


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def pinned(cpu: str, cmd: List[str]) -> List[str]:
    return ["taskset", "-c", cpu, *cmd] if shutil.which("taskset") and os.cpu_count() and os.cpu_count() > 1 else cmd


def samples(cmd: List[str], cwd: Path = ROOT, timeout: float = 1200) -> List[Dict[str, Any]]:
    """Runs a driver; returns the JSON lines it printed (its other output goes to stderr)."""
    log("$ " + " ".join("<redacted>" if str(c) in SECRETS else str(c) for c in cmd))
    out = subprocess.run(pinned(CLIENT_CPU, [str(c) for c in cmd]), cwd=cwd, stdout=subprocess.PIPE,
                         text=True, timeout=timeout, check=True).stdout
    got = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    with open(TARGET / "bench-samples.jsonl", "a") as f:  # kept when a later step fails
        f.writelines(json.dumps(s) + "\n" for s in got)
    return got


class Sandbox:
    """`partner-webhooks sandbox --json` on CPU 0."""

    def __enter__(self) -> "Sandbox":
        cli = TARGET / "release" / "partner-webhooks"
        self.proc = subprocess.Popen(pinned(SERVER_CPU, [str(cli), "sandbox", "--json"]),
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        info = json.loads(self.proc.stdout.readline())
        self.base_url, self.api_key, self.partner_id = info["base_url"], info["api_key"], info["partner_id"]
        SECRETS.add(self.api_key)
        log(f"sandbox at {self.base_url}")
        return self

    def args(self) -> List[str]:
        return ["--base-url", self.base_url, "--api-key", self.api_key, "--partner-id", self.partner_id]

    def __exit__(self, *exc: Any) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def ceiling(sb: Sandbox, runs: int, seconds: int) -> List[Dict[str, Any]]:
    """Requests/s the sandbox serves to wrk (GET webhook_url, 64 connections, client on CPU 1)."""
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("bench: wrk not found (make bench installs it with apt-get)")
    out = []
    for _ in range(runs):
        text = subprocess.run(pinned(CLIENT_CPU, [wrk, "-t1", "-c64", f"-d{seconds}s", "-H", f"X-API-Key: {sb.api_key}",
                                                  f"{sb.base_url}/api/v2/partners/{sb.partner_id}/webhook_url"]),
                              stdout=subprocess.PIPE, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        out.append({"name": "Sandbox ceiling: GET webhook_url, 64 connections (wrk)", "baseline": "none",
                    "metric": "requests/s", "ours": rps, "theirs": None,
                    "extra": {"non_2xx": int(errors.group(1)) if errors else 0}})
    return out


def startup(name: str, bare: List[str], ours: List[str], cwd: Path, rounds: int) -> List[Dict[str, Any]]:
    """Wall time of `ours` minus `bare`, measured in alternating pairs."""
    def wall(cmd: List[str]) -> float:
        t = time.perf_counter()
        subprocess.run(pinned(CLIENT_CPU, cmd), cwd=cwd, check=True)
        return (time.perf_counter() - t) * 1000

    for _ in range(3):
        wall(bare), wall(ours)
    out = []
    for i in range(rounds):
        b, o = (wall(bare), wall(ours)) if i % 2 == 0 else reversed((wall(ours), wall(bare)))
        out.append({"name": name, "baseline": "bare interpreter", "metric": "ms over the bare interpreter",
                    "ours": o - b, "theirs": None,
                    "extra": {"ours_ms": o, "bare_ms": b}})
    return out


def sizes() -> List[Dict[str, Any]]:
    files = {
        "Python abi3 wheel": sorted((TARGET / "bench-wheels").glob("*abi3*.whl")),
        "Node addon (.node)": [ROOT / "node" / "partner-webhooks.linux-x64-gnu.node"],
        "uniffi library (.so)": [TARGET / "release" / "libpartner_webhooks_uniffi.so"],
    }
    out = []
    for what, paths in files.items():
        path = paths[-1] if paths else None
        if path is None or not path.exists():
            raise SystemExit(f"bench: {what} not built")
        out.append({"name": f"Size: {what}", "baseline": "none", "metric": "MB",
                    "ours": path.stat().st_size / 1e6, "theirs": None, "extra": {"file": path.name}})
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer runs and shorter measurements; no Kotlin")
    p.add_argument("--python", default=str(TARGET / "venv-bench" / "bin" / "python"))
    p.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    p.add_argument("--doc", default=str(ROOT / "docs" / "benchmarks.md"))
    a = p.parse_args()
    q = a.quick
    runs = 3 if q else 5
    started = time.time()
    py, node_dir = a.python, ROOT / "bench" / "node"
    bench_bin = TARGET / "release" / "partner-webhooks-bench"
    raw: List[Dict[str, Any]] = []
    with Sandbox() as sb:
        raw += ceiling(sb, runs, 2 if q else 5)
        raw += samples([bench_bin, "client", *sb.args(), "--runs", runs, "--calls", 1000 if q else 4000])
        raw += samples([bench_bin, "verify", "--event", EVENT, "--secret", SECRET, "--runs", runs,
                        "--seconds", 0.5 if q else 2])
        bench_py = ROOT / "bench" / "python" / "bench.py"
        raw += samples([py, bench_py, "sync", *sb.args(), "--runs", runs, "--calls", 400 if q else 2000])
        raw += samples([py, bench_py, "async", *sb.args(), "--runs", runs, "--calls", 1000 if q else 4000,
                        "--concurrency", 1, 64, 512])
        raw += samples([py, bench_py, "verify", "--event", EVENT, "--secret", SECRET, "--runs", runs,
                        "--seconds", 0.5 if q else 2])
        raw += samples([py, bench_py, "memory", *sb.args(), "--calls", 10000])
        conc = ["--concurrency", 1, "--concurrency", 64, "--concurrency", 512]
        raw += samples(["node", "bench.mjs", "client", *sb.args(), "--runs", runs, "--calls", 1000 if q else 4000,
                        *conc], cwd=node_dir)
        raw += samples(["node", "bench.mjs", "verify", "--event", EVENT, "--secret", SECRET, "--runs", runs,
                        "--seconds", 0.5 if q else 2], cwd=node_dir)
        raw += samples(["node", "bench.mjs", "memory", *sb.args(), "--calls", 10000], cwd=node_dir)
        if not q:
            raw += samples([ROOT / "bindings" / "uniffi" / "scripts" / "bindings.sh", "bench-kotlin",
                            sb.base_url, sb.api_key, sb.partner_id, runs, 2000])
    rounds = 10 if q else 20
    raw += startup('Start-up: python -c "import partner_webhooks"', [py, "-c", "pass"],
                   [py, "-c", "import partner_webhooks"], ROOT, rounds)
    raw += startup("Start-up: node -e \"require('partner-webhooks')\"", ["node", "-e", "0"],
                   ["node", "-e", "require('partner-webhooks')"], node_dir, rounds)
    raw += sizes()
    results = aggregate(raw + python_over_rust(raw))
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "make bench-quick" if q else "make bench",
        "seconds": round(time.time() - started),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Linux {platform.release()}",
        "pinning": f"sandbox on CPU {SERVER_CPU}, clients on CPU {CLIENT_CPU} (taskset)",
    }
    Path(a.out).write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    Path(a.doc).write_text(render(meta, results))
    log(f"wrote {a.out} and {a.doc} in {meta['seconds']} s")


def python_over_rust(raw: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The Python sync client against the Rust client: each run's CPU per call,
    paired in order (both measured in this run, against the same sandbox)."""
    py = [s for s in raw if s["name"] == goals.PYTHON_SYNC and s["baseline"] == "requests.Session"]
    rust = [s for s in raw if (s["name"], s["baseline"]) == goals.RUST_CLIENT]
    return [{"name": goals.PYTHON_SYNC, "baseline": "Rust PartnerClient", "metric": p["metric"],
             "ours": p["ours"], "theirs": r["ours"]} for p, r in zip(py, rust)]


def aggregate(raw: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One record per comparison (name + baseline), in first-seen order."""
    groups: Dict[tuple, List[Dict[str, Any]]] = {}
    for s in raw:
        groups.setdefault((s["name"], s["baseline"]), []).append(s)
    out = []
    for (name, baseline), runs in groups.items():
        first = runs[0]
        ours = [r["ours"] for r in runs]
        theirs = [r["theirs"] for r in runs if r["theirs"] is not None]
        ratios = [r["ours"] / r["theirs"] for r in runs if r["theirs"]]
        target = goals.goal(goals.TIME, name, baseline)
        absolute = "absolute" in target or not ratios
        spread = ours if absolute else ratios
        rec = {
            "name": name, "baseline": baseline, "metric": first["metric"],
            "ours": statistics.median(ours), "theirs": statistics.median(theirs) if theirs else None,
            "ratio": statistics.median(ratios) if ratios else None, "goal": target,
            "runs": len(runs), "spread_of": "ours" if absolute else "ratio",
            "min": min(spread), "median": statistics.median(spread), "max": max(spread),
        }
        extra: Dict[str, Any] = {}
        for k in first.get("extra") or {}:
            vals = [r["extra"][k] for r in runs]
            extra[k] = statistics.median(vals) if all(isinstance(v, (int, float)) for v in vals) else vals[0]
        rec["extra"] = extra
        rec["met"] = met(rec)
        out.append(rec)
    return out


def met(rec: Dict[str, Any]) -> Optional[bool]:
    m = re.match(r"([<>]=)\s*([\d.]+)", rec["goal"])
    if not m:
        return None
    value = rec["median"]
    bound = float(m.group(2))
    return value <= bound if m.group(1) == "<=" else value >= bound


if __name__ == "__main__":
    main()
