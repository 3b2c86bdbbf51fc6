"""mypy --strict on tests/typing/narrowing.py against the installed package."""

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent


def test_typed_events_narrow_under_mypy_strict(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--warn-unused-ignores", "--no-incremental",
         "--cache-dir", str(tmp_path), str(HERE / "typing" / "narrowing.py"), str(HERE / "typing" / "raw_responses.py")],
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


def test_mypy_sees_wrong_raw_response_calls(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import partner_webhooks as pw\n"
        "def f(c: pw.Client) -> str:\n"
        "    c.with_raw_response.get_webhook_url('p', timeoutt=1.0)\n"
        "    return c.with_raw_response.set_webhook_url('p', 'https://x').parse().webhook_url\n"
    )
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path), str(bad)],
                       capture_output=True, text=True)
    # line 3: an unknown keyword; line 4: webhook_url is Optional[str], not str
    assert r.returncode == 1 and "bad.py:3" in r.stdout and "bad.py:4" in r.stdout, r.stdout
