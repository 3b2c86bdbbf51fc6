"""Servers the TLS and proxy tests start on 127.0.0.1, from the standard
library: an HTTPS server whose certificate comes from the test CA in
``tests/fixtures/tls``, and an HTTP CONNECT proxy that records its tunnels."""

import http.server
import json
import socket
import socketserver
import ssl
import threading
from pathlib import Path
from typing import List, Optional

TLS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "tls"
CA = str(TLS / "ca.pem")


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.dumps({"webhook_url": "https://example.com/events"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("x-request-id", "py-tls-1")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class TlsServer:
    """``with TlsServer() as s: s.base_url``"""

    def __enter__(self) -> "TlsServer":
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(TLS / "server.pem"), str(TLS / "server.key"))
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.base_url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class ConnectProxy:
    """A CONNECT-only proxy; ``tunnels`` lists the targets and
    ``authorizations`` the ``Proxy-Authorization`` headers it saw."""

    def __enter__(self) -> "ConnectProxy":
        self.tunnels: List[str] = []
        self.authorizations: List[Optional[str]] = []
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                request = self.rfile.readline().decode("latin-1").split()
                headers = {}
                while True:
                    line = self.rfile.readline().decode("latin-1").strip()
                    if not line:
                        break
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                if len(request) < 2 or request[0] != "CONNECT":
                    self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
                    return
                proxy.tunnels.append(request[1])
                proxy.authorizations.append(headers.get("proxy-authorization"))
                host, _, port = request[1].rpartition(":")
                upstream = socket.create_connection((host, int(port)))
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()

                def pipe(src: socket.socket, dst: socket.socket) -> None:
                    try:
                        while True:
                            data = src.recv(65536)
                            if not data:
                                break
                            dst.sendall(data)
                    except OSError:
                        pass
                    finally:
                        try:
                            dst.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass

                back = threading.Thread(target=pipe, args=(upstream, self.connection), daemon=True)
                back.start()
                pipe(self.connection, upstream)
                back.join(10)
                upstream.close()

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
