"""Workers as real subprocesses, as in production: start, wait ready, kill, restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from akhbar.config import Settings, Stage


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_env(settings: Settings, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKHBAR_")}
    env.update({
        "AKHBAR_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
        "AKHBAR_TOPIC_PREFIX": settings.topic_prefix,
        "AKHBAR_GROUP_PREFIX": settings.group_prefix,
        "AKHBAR_DATA_DIR": str(settings.data_dir),
        "AKHBAR_PARTITIONS": str(settings.partitions),
        "AKHBAR_HTTP_PORT": str(port),
        "AKHBAR_LOG_LEVEL": "INFO",
    })
    return env


@dataclass
class WorkerSet:
    settings: Settings
    log_dir: Path
    procs: dict[Stage, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[Stage, int] = field(default_factory=dict)

    def start(self, *stages: Stage, timeout: float = 90.0) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for stage in stages:
            port = self.ports.setdefault(stage, free_port())
            with (self.log_dir / f"{stage}.log").open("ab") as log:
                self.procs[stage] = subprocess.Popen(
                    [sys.executable, "-m", "akhbar.cli", "worker", stage],
                    stdout=log, stderr=subprocess.STDOUT, env=worker_env(self.settings, port))
        for stage in stages:
            self.wait_ready(stage, timeout)

    def wait_ready(self, stage: Stage, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.ports[stage]}/readyz"
        while time.monotonic() < deadline:
            proc = self.procs[stage]
            if proc.poll() is not None:
                raise RuntimeError(f"{stage} worker exited {proc.returncode}:\n{self.log(stage)}")
            try:
                with urllib.request.urlopen(url, timeout=1) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{stage} worker not ready in {timeout}s:\n{self.log(stage)}")

    def log(self, stage: Stage) -> str:
        path = self.log_dir / f"{stage}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def kill(self, stage: Stage, sig: int = signal.SIGKILL) -> int:
        proc = self.procs[stage]
        proc.send_signal(sig)
        return proc.wait(timeout=60)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
