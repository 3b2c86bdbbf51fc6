"""mypy --strict on tests/typing/narrowing.py against the installed package."""

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent


def test_typed_events_narrow_under_mypy_strict(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--warn-unused-ignores", "--no-incremental",
         "--cache-dir", str(tmp_path), str(HERE / "typing" / "narrowing.py")],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success" in r.stdout


def test_mypy_sees_a_wrong_field(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import partner_webhooks as pw\n"
        "def f(e: pw.ChannelLiveEvent) -> int:\n"
        "    return e.data.get('status', 0)\n"
    )
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path), str(bad)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "bad.py:3" in r.stdout, r.stdout
