"""Checks every link of the built site (`make test-docs`), offline.

LinkChecker runs over HTTP on 127.0.0.1 rather than on the files: as root it
drops its privileges to `nobody`, which may not read a checkout's `target/`.
The server is Python's own `http.server`, on a free port, stopped at the end.

    python linkcheck.py SITE_DIR [LINKCHECKER ARGS...]
"""

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per file would drown the report
        pass


def main() -> int:
    site = Path(sys.argv[1]).resolve()
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        linkchecker = Path(sys.executable).parent / "linkchecker"
        return subprocess.run([str(linkchecker), *sys.argv[2:], url]).returncode
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
