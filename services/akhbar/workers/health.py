"""``/metrics``, ``/healthz`` and ``/readyz`` from a daemon thread, off the event loop."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from akhbar.metrics import REGISTRY


@dataclass
class HealthState:
    """Flags the worker flips; the HTTP thread only reads them."""

    alive: bool = False
    ready: bool = False
    detail: str = "starting"


def _handler(state: HealthState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._reply(200, generate_latest(REGISTRY), CONTENT_TYPE_LATEST)
            elif path in ("/healthz", "/livez"):
                self._reply(200 if state.alive else 503, b"ok\n" if state.alive else b"down\n")
            elif path == "/readyz":
                body = (state.detail + "\n").encode()
                self._reply(200 if state.ready else 503, body)
            else:
                self._reply(404, b"not found\n")

        def _reply(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # scrapes every few seconds would flood the logs

    return Handler


def serve(host: str, port: int, state: HealthState) -> ThreadingHTTPServer:
    """Start the server in a daemon thread and return it (``.server_address`` has the port)."""
    server = ThreadingHTTPServer((host, port), _handler(state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="akhbar-http", daemon=True).start()
    return server
