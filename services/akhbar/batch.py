"""Batch mode: the clean → dedup → tag core in-process, without Kafka.

One output line per input article: the enriched record, the duplicate record, or a
rejection (``dead_letter`` with its reason) for input the workers would dead-letter.

With ``jobs > 1`` the work runs in three steps, as in the streaming pipeline: worker
processes decode and clean chunks of articles; this process deduplicates them one by one
in input order, so "first seen wins" means exactly what it means with one job; only the
unique articles go back to the workers to be tagged. Outputs are yielded in input order
and are the same, record for record, as with one job. Each process warms its own per-word
tagger caches, so text that repeats a lot gains less than fresh text. A tagged article
comes back from its worker as its JSON line (:meth:`BatchPipeline.lines`): unpickling the
record and encoding it here cost this process ~0.1 ms per article, in series with the
workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import orjson

from akhbar.config import Settings
from akhbar.core.dedup import Deduper
from akhbar.core.errors import RejectedInput
from akhbar.records import Record, decode
from akhbar.stages import article_id, clean_stage, dedup_stage, tag_stage

if TYPE_CHECKING:
    from akhbar.tagger import Tagger

CHUNK = 16  # articles per task: ~0.05 s of work, so the queue overhead stays small
AHEAD = 4  # chunks in flight per job: enough to keep every worker busy, memory bounded

# A rejection: article id (when known), reason, detail.
Rejection = tuple[str | None, str, str]
# An output line: what became of the article (unique, exact, near, rejected) and its JSON.
Line = tuple[str, bytes]


@dataclass(slots=True)
class _Tagging:
    """An output slot waiting for its record to come back from a tag task."""

    future: Future[list[Line]] | None = None
    index: int = 0


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
        cleaned = clean_one(self.settings, payload)
        if isinstance(cleaned, tuple):
            return _rejection(*cleaned)
        unique, record = self._dedup_one(cleaned, now=now)
        if not unique:
            return record
        tagged = tag_one(self.tagger, record)
        return _rejection(*tagged) if isinstance(tagged, tuple) else tagged

    def process(self, payloads: Iterable[bytes], *, jobs: int = 1) -> Iterator[Record]:
        """One output per payload, in input order; the same records for any ``jobs``."""
        if jobs <= 1:
            for payload in payloads:
                yield self.process_one(payload)
            return
        for _, line in self._parallel(payloads, jobs):
            yield orjson.loads(line)

    def lines(self, payloads: Iterable[bytes], *, jobs: int = 1) -> Iterator[Line]:
        """:meth:`process` as output lines (no newline), the same bytes for any ``jobs``."""
        if jobs <= 1:
            for payload in payloads:
                yield encode_line(self.process_one(payload))
            return
        yield from self._parallel(payloads, jobs)

    def _parallel(self, payloads: Iterable[bytes], jobs: int) -> Iterator[Line]:
        methods = multiprocessing.get_all_start_methods()
        # fork: the children share the tagger this process has loaded (1.4 s to load)
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        source = iter(payloads)
        bound = jobs * AHEAD * CHUNK * 4  # outputs held back at most, waiting for their tags
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                                 initargs=(self.settings,)) as pool:
            cleaning: deque[Future[list[Record | Rejection]]] = deque()
            ordered: deque[Line | _Tagging] = deque()
            to_tag: list[tuple[_Tagging, Record]] = []

            def clean_more() -> None:
                chunk = list(islice(source, CHUNK))
                if chunk:
                    cleaning.append(pool.submit(_clean_chunk, chunk))

            def tag_waiting() -> None:
                if to_tag:
                    future = pool.submit(_tag_chunk, [record for _, record in to_tag])
                    for index, (slot, _) in enumerate(to_tag):
                        slot.future, slot.index = future, index
                    to_tag.clear()

            for _ in range(jobs * AHEAD):
                clean_more()
            while cleaning or ordered:
                if cleaning:
                    for item in cleaning.popleft().result():
                        ordered.append(self._dedup(item, to_tag))
                    clean_more()
                    tag_waiting()
                # yield what is ready; wait for the oldest only when nothing else can move
                while ordered:
                    head = ordered[0]
                    if isinstance(head, _Tagging):
                        assert head.future is not None
                        if cleaning and len(ordered) < bound and not head.future.done():
                            break
                        head = head.future.result()[head.index]
                    ordered.popleft()
                    yield head

    def _dedup_one(self, cleaned: Record, *, now: float | None = None) -> tuple[bool, Record]:
        """(unique?, the record to tag or the output: a duplicate record or a rejection)."""
        try:
            route, record = dedup_stage(self.deduper, cleaned, now=now or time.time())
        except RejectedInput as exc:
            return False, _rejection(cleaned["id"], exc.reason, exc.detail)
        return route != "duplicates", record

    def _dedup(self, item: Record | Rejection,
               to_tag: list[tuple[_Tagging, Record]]) -> Line | _Tagging:
        """Dedup one cleaned article (here, in input order): its output line, or a slot for
        the tagged line when it is unique."""
        if isinstance(item, tuple):
            return encode_line(_rejection(*item))
        unique, record = self._dedup_one(item)
        if not unique:
            return encode_line(record)
        slot = _Tagging()
        to_tag.append((slot, record))
        return slot


def _rejection(article: str | None, reason: str, detail: str) -> Record:
    return {"id": article, "dead_letter": {"reason": reason, "message": detail[:1000]}}


def encode_line(record: Record) -> Line:
    """An output record as its line: dedup status (``rejected`` for a dead letter), JSON."""
    kind = record["dedup"]["status"] if "dedup" in record else "rejected"
    return kind, orjson.dumps(record)


_TAGGER: Tagger | None = None
_SETTINGS: Settings | None = None


def _start_worker(settings: Settings) -> None:
    global _TAGGER, _SETTINGS
    from akhbar.tagger import default_tagger

    _SETTINGS = settings
    _TAGGER = default_tagger()


def clean_one(settings: Settings, payload: bytes) -> Record | Rejection:
    """Decode and clean one payload: the clean record, or why it is rejected."""
    raw: Record | None = None
    try:
        raw = decode(payload, "raw_article", max_bytes=settings.max_record_bytes)
        return clean_stage(raw, max_body_bytes=settings.max_body_bytes)
    except RejectedInput as exc:
        return article_id(raw) if raw is not None else None, exc.reason, exc.detail


def tag_one(tagger: Tagger, record: Record) -> Record | Rejection:
    """Tag one deduplicated unique article: the enriched record, or why it is rejected."""
    try:
        return tag_stage(tagger, record)
    except RejectedInput as exc:
        return record["id"], exc.reason, exc.detail


def _clean_chunk(payloads: list[bytes]) -> list[Record | Rejection]:
    """Clean payloads in a worker process (no dedup state there)."""
    assert _SETTINGS is not None
    return [clean_one(_SETTINGS, payload) for payload in payloads]


def _tag_chunk(records: list[Record]) -> list[Line]:
    """Tag unique articles in a worker process; their output lines go back."""
    assert _TAGGER is not None
    tagged = (tag_one(_TAGGER, record) for record in records)
    return [encode_line(_rejection(*t) if isinstance(t, tuple) else t) for t in tagged]
