"""Run the workers as child processes, as in production: start, wait until ready, stop.

One place for what ``akhbar demo``, the benches and the broker tests all need: each stage is
``python -m akhbar.cli worker <stage>`` in its own process with its own log file, readiness
is its ``/readyz`` answering 200, and stopping is SIGTERM, a bounded wait, then SIGKILL.
The local broker (``scripts/kafka-local``, the shared one or a private one) is driven from
here too. This is the one module of the package that starts processes.

    spawn / stop          one process: started with its output in a log file; stopped
    WorkerSet             the stage workers of one pipeline, ready-checked, stopped on exit
    KafkaLocal            one ``scripts/kafka-local`` broker: start, stop, restart
    local_broker          the default broker, started unless it runs; its address
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
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


def worker_command(stage: Stage) -> list[str]:
    """The command line of one stage's worker, run by this interpreter."""
    return [sys.executable, "-m", "akhbar.cli", "worker", stage]


def spawn(command: Sequence[str], log: Path, env: Mapping[str, str] | None = None
          ) -> subprocess.Popen[bytes]:
    """Start ``command`` with stdout and stderr appended to ``log`` (env: the caller's)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT,
                                env=None if env is None else dict(env))


def stop(proc: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> int | None:
    """SIGTERM, wait up to ``timeout`` s; its exit code, or None if it had to be SIGKILLed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


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
            self.procs[stage] = spawn(worker_command(stage), self.log_path(stage),
                                      worker_env(self.settings, port, self.extra_env))
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

    def stop_all(self, timeout: float = STOP_TIMEOUT) -> dict[Stage, int | None]:
        """SIGTERM every running worker, wait up to ``timeout`` s in all, SIGKILL the rest.

        The exit code of each stage; None for one that had to be killed.
        """
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        return {stage: stop(proc, max(0.0, deadline - time.monotonic()))
                for stage, proc in self.procs.items()}

    def __enter__(self) -> WorkerSet:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop_all()


@dataclass
class KafkaLocal:
    """One broker run by ``scripts/kafka-local``.

    Unset fields keep the script's defaults (and the caller's ``AKHBAR_KAFKA_*`` variables):
    ``KafkaLocal()`` is the shared local broker. A test or bench that restarts or
    reconfigures a broker gives its own ports and data folder so nobody else's is touched.
    """

    port: int | None = None
    controller_port: int | None = None
    data: Path | None = None
    extra_config: str = ""  # server.properties lines (AKHBAR_KAFKA_EXTRA_CONFIG)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        given = {"PORT": self.port, "CONTROLLER_PORT": self.controller_port, "DATA": self.data}
        env.update({f"{PREFIX}KAFKA_{name}": str(value) for name, value in given.items()
                    if value is not None})
        if self.extra_config:
            env[f"{PREFIX}KAFKA_EXTRA_CONFIG"] = self.extra_config
        env.setdefault(f"{PREFIX}KAFKA_PYTHON", sys.executable)
        return env

    def run(self, command: str, *args: str, quiet: bool = True, timeout: float = 600.0
            ) -> str:
        """Run ``scripts/kafka-local <command> <args>``; its stdout.

        ``quiet=False`` lets the script's progress (a first install takes ~20 s) reach the
        terminal. A failure is a :class:`KafkaUnavailable` carrying the script's output.
        """
        try:
            done = subprocess.run([str(KAFKA_LOCAL), command, *args], env=self.env(),
                                  capture_output=quiet, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise KafkaUnavailable(f"scripts/kafka-local {command} took over {timeout:.0f} s"
                                   ) from error
        if done.returncode != 0:
            output = f":\n{done.stdout}{done.stderr}" if quiet else " (see above)"
            raise KafkaUnavailable(f"scripts/kafka-local {command} failed{output}")
        return done.stdout or ""

    def start(self, *, quiet: bool = True) -> None:
        """Start the broker unless it runs (the script waits until it answers)."""
        self.run("start", quiet=quiet)

    def stop(self) -> None:
        self.run("stop")

    def restart(self) -> None:
        self.run("restart")

    def address(self) -> str:
        """The bootstrap address the script reports for this broker."""
        return self.run("bootstrap").strip()


def local_broker(*, quiet: bool = True) -> str:
    """Start the repository's own broker (``scripts/kafka-local``) unless it runs; its address.

    ``quiet=False`` lets the script's progress (a first install takes ~20 s) reach stderr.
    """
    broker = KafkaLocal()
    broker.start(quiet=quiet)
    return broker.address()
