"""No input makes a worker run code, read files, open connections or start processes.

Hostile records (XXE entities naming a local file, external DTDs, links and embeds to
fetch, pickle/YAML-style type tags, code-looking text) go through the three stage
processors, exactly as a worker runs them, under a Python audit hook
(``sys.addaudithook``, PEP 578) that records every file open outside the interpreter and
the package, every socket connection or name lookup, every process start and every
unpickling. None may happen. A static check backs it: no eval/exec/pickle/marshal/YAML in
the package, and the worker does not import the one module that starts processes
(``akhbar.supervisor``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from akhbar.config import Settings
from akhbar.core.errors import RejectedInput
from akhbar.records import schema_dir
from akhbar.workers import processors
from akhbar.workers.sink import Incoming

PACKAGE = Path(processors.__file__).resolve().parents[1]
# the interpreter, its packages, ours and our schemas (read once, lazily, on first use)
ALLOWED_PREFIXES = tuple({str(Path(p).resolve()) for p in
                          (sys.prefix, sys.base_prefix, sys.exec_prefix, PACKAGE,
                           schema_dir())})
WATCHED = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "subprocess.Popen",
           "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "pickle.find_class",
           "urllib.Request", "ctypes.dlopen", "webbrowser.open")

_events: list[tuple[str, Any]] = []
_armed = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _armed:
        return
    if event == "open":
        path = args[0]
        if isinstance(path, int | bytes) or path is None:
            return
        resolved = str(Path(str(path)).resolve())
        if not resolved.startswith(ALLOWED_PREFIXES):
            _events.append((event, resolved))
    elif event.startswith(WATCHED):
        _events.append((event, args[:2]))


sys.addaudithook(_hook)  # permanent, but it only records while a test has it armed


@contextmanager
def audited() -> Iterator[list[tuple[str, Any]]]:
    """Record the watched events of the code run inside the block."""
    global _armed
    _events.clear()
    _armed = True
    try:
        yield _events
    finally:
        _armed = False


def _hostile(secret: Path) -> list[dict[str, Any]]:
    uri = secret.as_uri()
    body = "قال الوزير إن المحادثات ستستمر الأسبوع المقبل في العاصمة. " * 5
    pages = [
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{uri}">]>'
        f"<html><body><article><p>{body}</p><p>&x;</p></article></body></html>",
        f'<!DOCTYPE html SYSTEM "http://127.0.0.1:9/evil.dtd"><html><body><p>{body}</p>'
        f'<p><!--#include file="{secret}" --></p></body></html>',
        f'<html><head><base href="http://127.0.0.1:9/"><link rel="canonical" '
        f'href="http://127.0.0.1:9/a"><meta http-equiv="refresh" content="0;url={uri}">'
        f'<link rel="stylesheet" href="{uri}"></head><body><article><p>{body}</p>'
        f'<img src="{uri}"><iframe src="http://127.0.0.1:9/"></iframe>'
        f'<object data="{uri}"></object><script src="http://127.0.0.1:9/x.js"></script>'
        f'<svg><image href="{uri}"/></svg></article></body></html>',
        f'<?xml-stylesheet type="text/xsl" href="{uri}"?><html><body><p>{body}</p>'
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{uri}" parse="text"/>'
        "</body></html>",
    ]
    sentences = ["وأعلنت الحكومة خطة جديدة للمياه والطاقة في المحافظات الجنوبية.",
                 "وارتفعت أسعار النفط بعد قرار البنك المركزي تثبيت الفائدة.",
                 "وفاز المنتخب الوطني في مباراة الأمس على ملعب العاصمة.",
                 "وافتتح معرض الكتاب الدولي أبوابه أمام الزوار صباح اليوم."]
    records: list[dict[str, Any]] = [  # distinct texts, so none is a duplicate of another
        {"id": f"html-{i}", "url": "http://127.0.0.1:9/page", "source": "evil", "title": "",
         "body": page.replace(body, (sentences[i] + " ") * 4 + body),
         "content_type": "text/html", "published_at": None}
        for i, page in enumerate(pages)]
    code_text = ("__import__('os').system('touch /tmp/akhbar-pwned'); "
                 "eval(compile('1','x','eval')) {{7*7}} ${7*7} `id` $(id) " + body)
    records.append({"id": "code", "url": uri, "source": "evil",
                    "title": "!!python/object:os.system",
                    "body": code_text, "content_type": "text/plain", "published_at": None,
                    "meta": {"py/object": "os.system", "__reduce__": ["os.system", ["id"]],
                             "$type": "System.IO.File", "!!python/object/apply:os.system": ["id"]}})
    return records


def _run_all(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """clean -> dedup -> tag, as the workers chain them; return what reached the end."""
    settings = Settings()
    clean = processors.clean_processor(settings)
    dedup = processors.dedup_processor(settings, {})
    tag = processors.tag_processor(settings)
    done: list[dict[str, Any]] = []
    for record in records:
        try:
            [cleaned] = clean(Incoming("raw", 0, 0, 1000, None, orjson.dumps(record)))
        except RejectedInput:
            continue
        [deduped] = dedup(Incoming("clean", 0, 0, 1000, cleaned.key, cleaned.value))
        if deduped.role == "deduped":
            done.extend(orjson.loads(out.value) for out in
                        tag(Incoming("deduped", 0, 0, 1000, deduped.key, deduped.value)))
    return done


def test_hostile_records_do_not_reach_files_network_or_processes(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER\n", encoding="utf-8")
    pwned = Path("/tmp/akhbar-pwned")
    pwned.unlink(missing_ok=True)
    records = _hostile(secret)
    with audited() as audit:
        done = _run_all(records)
    assert audit == []  # no file read, connection, lookup, process or unpickling
    assert not pwned.exists()
    # the hostile pages had text: most were processed, not merely refused
    assert len(done) >= 4, [r["id"] for r in done]
    for record in done:
        assert "TOP-SECRET-MARKER" not in orjson.dumps(record).decode()
    code = next(r for r in done if r["id"] == "code")
    assert code["meta"]["py/object"] == "os.system"  # type tags stay inert data


def test_the_audit_hook_would_see_a_file_read(tmp_path: Path) -> None:
    """The hook is live: the same check fails when something does read the file."""
    secret = tmp_path / "secret.txt"
    secret.write_text("x", encoding="utf-8")
    with audited() as audit:
        secret.read_text(encoding="utf-8")
    assert audit == [("open", str(secret.resolve()))]


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_package_has_no_dynamic_code_or_unsafe_deserialisers() -> None:
    pattern = re.compile(r"\b(eval|exec|compile)\(|\bimport (pickle|marshal|shelve|dill|yaml)"
                         r"|\bfrom (pickle|marshal|shelve|dill|yaml)\b|\bjsonpickle\b"
                         r"|\bfetch_url\b|\bos\.system\b|\bshell=True")
    offenders = [f"{p.relative_to(PACKAGE)}:{n}" for p in SOURCES
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line.split("#", 1)[0]) and "re.compile(" not in line]
    assert len(SOURCES) > 20 and offenders == []


def test_only_the_supervisor_starts_processes_and_workers_do_not_import_it() -> None:
    starters = sorted(p.relative_to(PACKAGE).as_posix() for p in SOURCES
                      if re.search(r"^\s*import subprocess|^from subprocess",
                                   p.read_text(encoding="utf-8"), re.M))
    assert starters == ["supervisor.py"]
    probe = ("import sys, akhbar.cli, akhbar.workers.runtime, akhbar.workers.processors, "
             "akhbar.tagger; akhbar.workers.processors.tag_processor(akhbar.config.Settings()); "
             "print(sorted(m for m in sys.modules if m in {'akhbar.demo', 'akhbar.supervisor'}))")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert shown == "[]", shown
