"""Secret hygiene: a whole run (secret_run.py) with the SDK's logs at trace
level (PARTNER_WEBHOOKS_LOG=trace), every record of the ``partner_webhooks``
logger with all its attributes, and every repr and error message printed: none
of the API key, password, bearer token, secret header value or proxy password
appears."""

import json
import os
import subprocess
import sys
from pathlib import Path


def test_no_secret_in_trace_logs_reprs_or_errors(tmp_path):
    secrets_file = tmp_path / "secrets.json"
    env = {**os.environ, "PARTNER_WEBHOOKS_LOG": "trace"}
    run = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("secret_run.py")), str(secrets_file)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    secrets = json.loads(secrets_file.read_text())
    assert len(secrets) == 5 and all(len(s) >= 8 for s in secrets)
    # The logs really were captured at every level, and the reprs printed.
    assert "partner_webhooks.request" in run.stderr and "DEBUG" in run.stderr
    assert "retrying" in run.stderr
    assert "LOG retrying operation=" in run.stdout and "LOG request operation=" in run.stdout
    assert "LOG response operation=" in run.stdout and "'status': 503" in run.stdout
    assert "NativeClient(" in run.stdout and "AuthenticationError" in run.stdout
    for secret in secrets:
        assert secret not in run.stdout, "a secret reached a repr or an error message"
        assert secret not in run.stderr, "a secret reached the logs"
