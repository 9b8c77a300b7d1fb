#!/usr/bin/env python3
"""Readiness probe for scripts/kafka-local (standard library only).

Speaks the Kafka wire protocol directly: sends ApiVersions v0 and Metadata v0
and exits 0 only if the broker answers ApiVersions with error_code 0 and lists
at least one broker in its metadata. A plain TCP connect is not enough: the
broker binds its port before it processes requests.

usage: probe.py HOST PORT [TIMEOUT_SECONDS]
exit: 0 ready, 1 not ready (reason on stderr)
"""
from __future__ import annotations

import socket
import struct
import sys

CLIENT_ID = b"akhbar-kafka-local-probe"


def _request(sock: socket.socket, api_key: int, correlation_id: int, body: bytes) -> bytes:
    header = struct.pack(">hhih", api_key, 0, correlation_id, len(CLIENT_ID)) + CLIENT_ID
    payload = header + body
    sock.sendall(struct.pack(">i", len(payload)) + payload)
    size = struct.unpack(">i", _recv_exact(sock, 4))[0]
    response = _recv_exact(sock, size)
    (got_id,) = struct.unpack_from(">i", response, 0)
    if got_id != correlation_id:
        raise RuntimeError(f"correlation id mismatch: {got_id} != {correlation_id}")
    return response[4:]


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by broker")
        buf += chunk
    return bytes(buf)


def probe(host: str, port: int, timeout: float) -> str:
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        # ApiVersions v0 (api key 18): empty body; response: error_code int16, ...
        body = _request(sock, 18, 1, b"")
        (error_code,) = struct.unpack_from(">h", body, 0)
        if error_code != 0:
            raise RuntimeError(f"ApiVersions error_code={error_code}")
        # Metadata v0 (api key 3): empty topic array = all topics;
        # response starts with brokers: [node_id int32, host string, port int32]
        body = _request(sock, 3, 2, struct.pack(">i", 0))
        (n_brokers,) = struct.unpack_from(">i", body, 0)
        if n_brokers < 1:
            raise RuntimeError("metadata lists no brokers yet")
        node_id, host_len = struct.unpack_from(">ih", body, 4)
        b_host = body[10 : 10 + host_len].decode()
        (b_port,) = struct.unpack_from(">i", body, 10 + host_len)
        return f"broker id {node_id} at {b_host}:{b_port}"


def main() -> int:
    host = sys.argv[1]
    port = int(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    try:
        print(probe(host, port, timeout))
    except Exception as exc:
        print(f"not ready: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
