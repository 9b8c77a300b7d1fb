"""``akhbar tail --until-end``, ``--topic`` with a full name, push's bar on a terminal only."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import orjson

from akhbar.config import Settings
from tests.support.cli import env_of, run_cli


def articles(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"{n}.txt").write_text(f"خبر رقم {n}", encoding="utf-8")
    return folder


def test_tail_until_end_stops_at_the_end_of_the_topic(settings: Settings, tmp_path: Path) -> None:
    env = env_of(settings)
    assert run_cli("push", str(articles(tmp_path / "in", 4)), env=env).returncode == 0
    started = time.monotonic()
    result = run_cli("tail", "--topic", "raw", "--from-beginning", "--until-end", env=env,
                     timeout=30)  # without --until-end this waits for ever
    assert result.returncode == 0, result.stderr
    bodies = sorted(orjson.loads(line)["body"] for line in result.stdout.splitlines())
    assert bodies == sorted(f"خبر رقم {n}" for n in range(4))
    assert time.monotonic() - started < 20
    empty = run_cli("tail", "--topic", "raw", "--until-end", env=env, timeout=30)
    assert empty.returncode == 0 and empty.stdout == ""  # from the end: nothing to read


def test_a_full_topic_name_works_for_push_and_tail(settings: Settings, tmp_path: Path) -> None:
    env = env_of(settings, AKHBAR_TOPIC_PREFIX="unused.")  # a full name ignores the prefix
    full = settings.topic("clean")
    pushed = run_cli("push", "--topic", full, str(articles(tmp_path / "in", 2)), env=env)
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.strip() == f"sent 2 articles to {full}"
    result = run_cli("tail", "--topic", full, "--from-beginning", "--until-end", env=env)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_the_push_bar_shows_a_total_on_a_terminal_only(settings: Settings,
                                                       tmp_path: Path) -> None:
    folder = articles(tmp_path / "in", 3)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AKHBAR_")}
    main, child = pty.openpty()  # stderr is a terminal, as for a person at a shell
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        proc = subprocess.run([sys.executable, "-m", "akhbar.cli", "push", str(folder)],
                              env=clean | env_of(settings), stdout=subprocess.PIPE,
                              stderr=child, timeout=60, check=False)
        os.close(child)
        child = -1
        screen = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the writer side is closed and drained
                break
            if not chunk:
                break
            screen += chunk
    finally:
        if child >= 0:
            os.close(child)
        os.close(main)
    assert proc.returncode == 0
    assert b"3/3" in screen  # a total: the bar knows how many articles there are
    piped = run_cli("push", str(folder), env=env_of(settings))
    assert piped.returncode == 0 and piped.stderr == ""  # no bar into a pipe or a log
