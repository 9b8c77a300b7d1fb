"""Batch mode: the clean → dedup → tag core in-process, without Kafka.

One output line per input article: the enriched record, the duplicate record, or a
rejection (``dead_letter`` with its reason) for input the workers would dead-letter.

With ``jobs > 1``, worker processes decode, clean and tag chunks of articles while this
process deduplicates them one by one in input order, so "first seen wins" means exactly
what it means with one job and the output is the same, record for record. Tagging runs
before the dedup verdict is known: the tag work on a duplicate is thrown away, the price of
keeping dedup in one place. Each process warms its own per-word tagger caches, so text
that repeats a lot (benchmarks that cycle a small corpus) gains less than fresh text.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TYPE_CHECKING, Any

from akhbar.config import Settings
from akhbar.core.dedup import Deduper
from akhbar.core.errors import RejectedInput
from akhbar.records import Record, decode
from akhbar.stages import article_id, clean_stage, dedup_stage, tag_stage

if TYPE_CHECKING:
    from akhbar.tagger import Tagger

CHUNK = 16  # articles per task: ~0.1 s of work, so the queue overhead stays small
AHEAD = 4  # chunks in flight per job: enough to keep every worker busy, memory bounded

# What a worker hands back for one payload: a rejection before dedup, or the cleaned
# record with what tagging added or changed (those keys, in order) or the tag rejection.
Rejection = tuple[str | None, str, str]  # article id, reason, detail
Prepared = tuple[Rejection | None, Record | None, list[tuple[str, Any]] | Rejection | None]


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class BatchPipeline:
    """Holds the dedup state across calls, so a whole corpus is deduplicated together."""

    def __init__(self, settings: Settings) -> None:
        from akhbar.tagger import default_tagger

        self.settings = settings
        self.signatures: dict[str, Any] = {}
        self.deduper = Deduper(signatures=self.signatures,
                               threshold=settings.dedup_threshold,
                               window_seconds=settings.dedup_window_seconds)
        self.tagger = default_tagger()

    def process_one(self, payload: bytes, *, now: float | None = None) -> Record:
        raw: Record | None = None
        try:
            raw = decode(payload, "raw_article", max_bytes=self.settings.max_record_bytes)
            cleaned = clean_stage(raw, max_body_bytes=self.settings.max_body_bytes)
            route, record = dedup_stage(self.deduper, cleaned, now=now or time.time())
            if route == "duplicates":
                return record
            return tag_stage(self.tagger, record)
        except RejectedInput as exc:
            return {
                "id": article_id(raw) if raw is not None else None,
                "dead_letter": {"reason": exc.reason, "message": exc.detail[:1000]},
            }

    def process(self, payloads: Iterable[bytes], *, jobs: int = 1) -> Iterator[Record]:
        """One output per payload, in input order; the same records for any ``jobs``."""
        if jobs <= 1:
            for payload in payloads:
                yield self.process_one(payload)
            return
        yield from self._parallel(payloads, jobs)

    def _parallel(self, payloads: Iterable[bytes], jobs: int) -> Iterator[Record]:
        methods = multiprocessing.get_all_start_methods()
        # fork: the children share the tagger this process has loaded (1.4 s to load)
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        source = iter(payloads)
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                                 initargs=(self.settings,)) as pool:
            pending: deque[Future[list[Prepared]]] = deque()

            def submit() -> None:
                chunk = list(islice(source, CHUNK))
                if chunk:
                    pending.append(pool.submit(_prepare_chunk, chunk))

            for _ in range(jobs * AHEAD):
                submit()
            while pending:
                prepared = pending.popleft().result()
                submit()
                for item in prepared:
                    yield self._finish(item)

    def _finish(self, item: Prepared, *, now: float | None = None) -> Record:
        """Dedup one prepared article (here, in input order) and assemble its output."""
        rejected, cleaned, tagged = item
        if rejected is not None:
            return _rejection(*rejected)
        assert cleaned is not None
        try:
            route, record = dedup_stage(self.deduper, cleaned, now=now or time.time())
        except RejectedInput as exc:
            return _rejection(cleaned["id"], exc.reason, exc.detail)
        if route == "duplicates":
            return record
        if isinstance(tagged, tuple):
            return _rejection(*tagged)
        out = dict(record)
        out.update(tagged or ())  # what tag_stage adds, in its order
        return out


def _rejection(article: str | None, reason: str, detail: str) -> Record:
    return {"id": article, "dead_letter": {"reason": reason, "message": detail[:1000]}}


_TAGGER: Tagger | None = None
_SETTINGS: Settings | None = None


def _start_worker(settings: Settings) -> None:
    global _TAGGER, _SETTINGS
    from akhbar.tagger import default_tagger

    _SETTINGS = settings
    _TAGGER = default_tagger()


def _prepare_chunk(payloads: list[bytes]) -> list[Prepared]:
    assert _TAGGER is not None and _SETTINGS is not None
    return [_prepare(_TAGGER, _SETTINGS, payload) for payload in payloads]


def _prepare(tagger: Tagger, settings: Settings, payload: bytes) -> Prepared:
    """Decode, clean and tag one payload in a worker process (no dedup state here)."""
    raw: Record | None = None
    try:
        raw = decode(payload, "raw_article", max_bytes=settings.max_record_bytes)
        cleaned = clean_stage(raw, max_body_bytes=settings.max_body_bytes)
    except RejectedInput as exc:
        return (article_id(raw) if raw is not None else None, exc.reason, exc.detail), None, None
    try:
        tagged = tag_stage(tagger, cleaned)
    except RejectedInput as exc:
        return None, cleaned, (cleaned["id"], exc.reason, exc.detail)
    # what tag_stage added or changed (it links the dateline's place in place)
    return None, cleaned, [(key, value) for key, value in tagged.items()
                           if key not in cleaned or value is not cleaned[key]]
