"""Instructions per operation, counted by callgrind: the measure that does not
swing with the machine (`make bench-instructions`, `make bench-check`).

Each path's loop (`count` in each language's driver: exactly N operations of
one side, after a fixed warm-up, printing nothing) runs under
`valgrind --tool=callgrind` twice, with N1 and N2 operations; instructions per
operation = (I(N2) - I(N1)) / (N2 - N1), so start-up, imports and warm-up cancel
out. Threads are scheduled fairly (`--fair-sched=yes`), which makes the counts of
multi-threaded loops repeat. Every thread of the client process counts (the Rust runtime's workers
too); the sandbox it talks to runs outside valgrind.

    python bench/instructions.py            # measure; write bench/instructions.json
    python bench/instructions.py --check    # measure; print every path more than 3 % above
                                            # the committed figures (exit 1 if any)

docs/benchmarks.md shows the committed figures (bench/report.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import goals  # noqa: E402
from run import EVENT, ROOT, SECRET, TARGET, Sandbox, log  # noqa: E402

OUT = ROOT / "bench" / "instructions.json"
TOLERANCE = 0.03


def instructions(cmd: List[Any], cwd: Path) -> int:
    """Total instructions (`Ir`) callgrind counted for one run of cmd, all threads."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        # --fair-sched=yes: valgrind runs one thread at a time; handing the CPU
        # over in a fixed order keeps how often waiting threads wake (and so
        # the Python sync client's count) the same from run to run.
        subprocess.run(["valgrind", "--tool=callgrind", "--fair-sched=yes", f"--callgrind-out-file={out}",
                        "--trace-children=no",
                        *[str(c) for c in cmd]], cwd=cwd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        text = out.read_text(errors="replace")
    m = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.M)
    if not m:
        raise SystemExit(f"bench: no instruction total in callgrind's output for {cmd[:3]}")
    return int(m.group(1))


def per_op(cmd: List[Any], n1: int, n2: int, cwd: Path = ROOT) -> float:
    i1 = instructions([*cmd, "--n", n1], cwd)
    i2 = instructions([*cmd, "--n", n2], cwd)
    return (i2 - i1) / (n2 - n1)


def paths(sb: Sandbox, py: str) -> List[Dict[str, Any]]:
    """Each path: ours and its baseline, and the loop that counts each (goals: bench/goals.py)."""
    rust = TARGET / "release" / "partner-webhooks-bench"
    bench_py = ROOT / "bench" / "python" / "bench.py"
    node_dir = ROOT / "bench" / "node"
    verify_args = ["--event", EVENT, "--secret", SECRET]
    rust_client = [rust, "count", "client", *sb.args(), "--side"]
    # --predictable: V8 on one thread, no concurrent JIT or GC. Without it the JavaScript
    # baselines' counts moved by up to 13 % between runs (tiering raced the loop); with it, 0.1 %.
    node = ["node", "--predictable", "bench.mjs", "count"]
    return [
        {"name": "Rust PartnerClient, per call", "baseline": "reqwest::Client",
         "ours": (rust_client + ["ours"], 40, 200, ROOT), "theirs": (rust_client + ["reqwest"], 40, 200, ROOT)},
        {"name": "Python Client (sync), per call", "baseline": "Rust PartnerClient",
         "ours": ([py, bench_py, "count", "sync", *sb.args(), "--side", "ours"], 40, 200, ROOT),
         "theirs": (rust_client + ["ours"], 40, 200, ROOT)},
        {"name": "Node PartnerClient, per call (one at a time)", "baseline": "undici.request",
         "ours": ([*node, "client", *sb.args(), "--side", "ours"], 40, 200, node_dir),
         "theirs": ([*node, "client", *sb.args(), "--side", "undici"], 40, 200, node_dir)},
        {"name": "Rust verify+parse, 1 KiB event", "baseline": "bare HMAC-SHA256 (hmac crate)",
         "ours": ([rust, "count", "verify", *verify_args, "--side", "ours"], 200, 2000, ROOT),
         "theirs": ([rust, "count", "verify", *verify_args, "--side", "hmac"], 200, 2000, ROOT)},
        {"name": "Python verify+parse, 1 KiB event", "baseline": "bare HMAC-SHA256 (hmac module)",
         "ours": ([py, bench_py, "count", "verify", *verify_args, "--side", "ours"], 200, 2000, ROOT),
         "theirs": ([py, bench_py, "count", "verify", *verify_args, "--side", "hmac"], 200, 2000, ROOT)},
        {"name": "Node verify+parse, 1 KiB event", "baseline": "bare HMAC-SHA256 (crypto.createHmac)",
         "ours": ([*node, "verify", *verify_args, "--side", "ours"], 200, 2000, node_dir),
         "theirs": ([*node, "verify", *verify_args, "--side", "hmac"], 200, 2000, node_dir)},
        {"name": "Node verify+parse, 1 KiB event, edge build (WebCrypto)",
         "baseline": "bare HMAC-SHA256 (crypto.createHmac)",
         "ours": ([*node, "verify", *verify_args, "--side", "edge"], 200, 2000, node_dir),
         "theirs": ([*node, "verify", *verify_args, "--side", "hmac"], 200, 2000, node_dir)},
    ]


def met(ratio: float, goal: str) -> Optional[bool]:
    m = re.match(r"([<>]=)\s*([\d.]+)", goal)
    if not m:
        return None
    return ratio <= float(m.group(2)) if m.group(1) == "<=" else ratio >= float(m.group(2))


def measure(py: str) -> Dict[str, Any]:
    if not shutil.which("valgrind"):
        raise SystemExit("bench: valgrind not found (make bench-instructions installs it with apt-get)")
    started = time.time()
    results = []
    cache: Dict[str, float] = {}
    with Sandbox() as sb:
        for p in paths(sb, py):
            counted = {}
            for side in ("ours", "theirs"):
                cmd, n1, n2, cwd = p[side]
                key = " ".join(map(str, cmd))
                if key not in cache:
                    log(f"callgrind: {p['name']}: {side}")
                    cache[key] = per_op(cmd, n1, n2, cwd)
                counted[side] = cache[key]
            ratio = counted["ours"] / counted["theirs"]
            target = goals.goal(goals.INSTRUCTIONS, p["name"], p["baseline"])
            results.append({"name": p["name"], "baseline": p["baseline"], "ours": round(counted["ours"]),
                            "theirs": round(counted["theirs"]), "ratio": round(ratio, 3), "goal": target,
                            "met": met(ratio, target)})
    return {"meta": {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                     "command": "make bench-instructions", "seconds": round(time.time() - started),
                     "valgrind": subprocess.run(["valgrind", "--version"], stdout=subprocess.PIPE,
                                                text=True).stdout.strip()},
            "results": results}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="compare with bench/instructions.json instead of writing it")
    p.add_argument("--python", default=str(TARGET / "venv-bench" / "bin" / "python"))
    a = p.parse_args()
    now = measure(a.python)
    for r in now["results"]:
        log(f"{r['name']}: {r['ours']:,} vs {r['theirs']:,} instructions ({r['baseline']}): ratio {r['ratio']}")
    if not a.check:
        OUT.write_text(json.dumps(now, indent=2) + "\n")
        from report import rerender
        rerender()
        log(f"wrote {OUT.relative_to(ROOT)} and docs/benchmarks.md in {now['meta']['seconds']} s")
        return
    before = {(r["name"], r["baseline"]): r for r in json.loads(OUT.read_text())["results"]}
    grew = []
    for r in now["results"]:
        old = before.get((r["name"], r["baseline"]))
        if old is None:
            continue
        for side in ("ours", "theirs"):
            if r[side] > old[side] * (1 + TOLERANCE):
                grew.append(f"{r['name']} ({side if side == 'ours' else r['baseline']}): "
                            f"{old[side]:,} -> {r[side]:,} instructions (+{(r[side] / old[side] - 1) * 100:.1f} %)")
    for line in grew:
        print(f"bench-check: grew: {line}")
    if grew:
        sys.exit(1)
    print(f"bench-check: no path grew by more than {TOLERANCE:.0%} against bench/instructions.json")


if __name__ == "__main__":
    main()
