"""Run the workers as child processes, as in production: start, wait until ready, stop.

One place for what ``akhbar demo``, the benches and the broker tests all need: each stage is
``python -m akhbar.cli worker <stage>`` in its own process with its own log file, readiness
is its ``/readyz`` answering 200, and stopping is SIGTERM, a bounded wait, then SIGKILL.
The local broker (``scripts/kafka-local``) is started from here too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import TracebackType

from akhbar.config import PREFIX, Secret, Settings, Stage
from akhbar.core.errors import KafkaUnavailable, WorkerFailed

REPO = Path(__file__).resolve().parents[2]
KAFKA_LOCAL = REPO / "scripts" / "kafka-local"
STOP_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port nobody listens on right now (for a worker's HTTP endpoints)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_env(settings: Settings) -> dict[str, str]:
    """Every setting as the ``AKHBAR_*`` variable that reads it back (unset ones left out)."""
    env: dict[str, str] = {}
    for item in fields(settings):
        value = getattr(settings, item.name)
        if value is None:
            continue
        text = value.reveal() if isinstance(value, Secret) else str(value)
        env[f"{PREFIX}{item.name.upper()}"] = text
    return env


def worker_env(settings: Settings, port: int, extra: Mapping[str, str] | None = None
               ) -> dict[str, str]:
    """The caller's environment with its ``AKHBAR_*`` variables replaced by ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    env.update(settings_env(settings))
    env[f"{PREFIX}HTTP_PORT"] = str(port)
    env.update(extra or {})
    return env


@dataclass
class WorkerSet:
    """The workers of one pipeline; a context manager that stops them all on exit."""

    settings: Settings
    log_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[Stage, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[Stage, int] = field(default_factory=dict)

    def start(self, *stages: Stage, timeout: float = 90.0) -> None:
        """Start the stages (a port each, kept across restarts), then wait until all are ready."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for stage in stages:
            port = self.ports.setdefault(stage, free_port())
            with self.log_path(stage).open("ab") as log:
                self.procs[stage] = subprocess.Popen(
                    [sys.executable, "-m", "akhbar.cli", "worker", stage],
                    stdout=log, stderr=subprocess.STDOUT,
                    env=worker_env(self.settings, port, self.extra_env))
        for stage in stages:
            self.wait_ready(stage, timeout)

    def wait_ready(self, stage: Stage, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.ports[stage]}/readyz"
        while time.monotonic() < deadline:
            proc = self.procs[stage]
            if proc.poll() is not None:
                raise WorkerFailed(f"the {stage} worker exited with {proc.returncode}; "
                                   f"its log ends with:\n{self.log(stage)}")
            try:
                with urllib.request.urlopen(url, timeout=1) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise WorkerFailed(f"the {stage} worker was not ready within {timeout:.0f} s; "
                           f"its log ends with:\n{self.log(stage)}")

    def log_path(self, stage: Stage) -> Path:
        return self.log_dir / f"{stage}.log"

    def log(self, stage: Stage) -> str:
        """The last 4 kB of the stage's log."""
        path = self.log_path(stage)
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def kill(self, stage: Stage, sig: int = signal.SIGKILL) -> int:
        proc = self.procs[stage]
        proc.send_signal(sig)
        return proc.wait(timeout=60)

    def stop_all(self, timeout: float = STOP_TIMEOUT) -> dict[Stage, int]:
        """SIGTERM every running worker, wait up to ``timeout`` s, SIGKILL the rest."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes: dict[Stage, int] = {}
        for stage, proc in self.procs.items():
            try:
                codes[stage] = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[stage] = proc.wait()
        return codes

    def __enter__(self) -> WorkerSet:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop_all()


def local_broker(*, quiet: bool = True) -> str:
    """Start the repository's own broker (``scripts/kafka-local``) unless it runs; its address.

    ``quiet=False`` lets the script's progress (a first install takes ~20 s) reach stderr.
    """
    started = subprocess.run([str(KAFKA_LOCAL), "start"], capture_output=quiet, text=True)
    if started.returncode != 0:
        output = f"\n{started.stdout}{started.stderr}" if quiet else " (see above)"
        raise KafkaUnavailable(f"scripts/kafka-local start failed{output}")
    address = subprocess.run([str(KAFKA_LOCAL), "bootstrap"], check=True, capture_output=True,
                             text=True)
    return address.stdout.strip()
