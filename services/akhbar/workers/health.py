"""``/metrics``, ``/healthz`` and ``/readyz`` from a daemon thread, off the event loop.

``/metrics`` is prometheus-client's own exposition: the encoder chosen from the
``Accept`` header (OpenMetrics or the classic text format), gzip when the client accepts
it, ``name[]`` filters, and ``HEAD``.
"""

from __future__ import annotations

import errno
import gzip
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder, gzip_accepted

from akhbar.core.errors import PortInUse


@dataclass
class HealthState:
    """Flags the worker flips; the HTTP thread only reads them."""

    alive: bool = False
    partitions: int = 0  # of the stage's source topic, assigned to this worker
    reachable: bool = True  # the broker answered the last check
    delivering: bool = True  # the last batch's outputs were all delivered
    started: bool = False  # start-up done (the dedup state restored)

    @property
    def ready(self) -> bool:
        return (self.alive and self.started and self.partitions > 0 and self.reachable
                and self.delivering)

    @property
    def detail(self) -> str:
        """What /readyz says: starts with the partition count (benches parse it)."""
        parts = [f"{self.partitions} partitions assigned"]
        if not self.started:
            parts.append("starting")
        if not self.reachable:
            parts.append("broker unreachable")
        if not self.delivering:
            parts.append("outputs failing")
        return ", ".join(parts)


def _handler(state: HealthState, registry: CollectorRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def _answer(self, *, body: bool) -> None:
            url = urlsplit(self.path)
            if url.path == "/metrics":
                self._metrics(parse_qs(url.query), body)
            elif url.path in ("/healthz", "/livez"):
                self._reply(200 if state.alive else 503,
                            b"ok\n" if state.alive else b"down\n", body=body)
            elif url.path == "/readyz":
                self._reply(200 if state.ready else 503, (state.detail + "\n").encode(),
                            body=body)
            else:
                self._reply(404, b"not found\n", body=body)

        def _metrics(self, params: dict[str, list[str]], body: bool) -> None:
            encoder, content_type = choose_encoder(self.headers.get("Accept") or "")
            names = params.get("name[]")
            output = encoder(registry.restricted_registry(names) if names else registry)
            encoding = None
            if gzip_accepted(self.headers.get("Accept-Encoding") or ""):
                output, encoding = gzip.compress(output), "gzip"
            self._reply(200, output, content_type, body=body, encoding=encoding)

        def _reply(self, status: int, data: bytes, ctype: str = "text/plain; charset=utf-8",
                   *, body: bool, encoding: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return  # scrapes every few seconds would flood the logs

    return Handler


def serve(host: str, port: int, state: HealthState,
          registry: CollectorRegistry) -> ThreadingHTTPServer:
    """Start the server in a daemon thread and return it (``.server_address`` has the port).

    Raises :class:`PortInUse` when the address is taken (e.g. a second worker of the same
    stage on one host with the default port).
    """
    try:
        server = ThreadingHTTPServer((host, port), _handler(state, registry))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(f"{host}:{port} is already in use (AKHBAR_HTTP_HOST, "
                            "AKHBAR_HTTP_PORT): is another worker running here?") from exc
        raise
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="akhbar-http", daemon=True).start()
    return server
