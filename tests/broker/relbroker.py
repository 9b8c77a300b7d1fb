"""Reliability helpers: a dedicated, restartable broker, chaos runs, and exact accounting.

The session broker (127.0.0.1:9092) is shared with other tests and engineers and is never
restarted. Tests that restart a broker start their own :class:`RelBroker` with
``scripts/kafka-local`` on a free port pair and a private data folder, and stop it after.

Used by ``tests/broker/test_crash.py`` (CI size) and ``bench/reliability.py`` (full size).
"""

from __future__ import annotations

import asyncio
import random
import shutil
import signal
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from aiokafka import AIOKafkaConsumer

from akhbar.client import _all_partitions, push
from akhbar.config import STAGES, Settings, Stage
from akhbar.kafka.connection import aiokafka_options
from akhbar.kafka.dead_letter import decode_headers
from akhbar.stages import article_id
from akhbar.supervisor import KafkaLocal, WorkerSet, free_port, stop
from tests.support.corpus import anercorp_sentences, raw_record
from tests.support.variants import orthographic_variant

# --------------------------------------------------------------------------- broker


def _free_port_pair() -> tuple[int, int]:
    """Two free loopback ports (listener, controller), distinct from each other."""
    for _ in range(50):
        first, second = free_port(), free_port()
        if first != second:
            return first, second
    raise AssertionError("no two free ports")


@dataclass
class RelBroker(KafkaLocal):
    """A Kafka broker owned by one test or bench run: start, restart, stop, delete."""

    restarts: list[float] = field(default_factory=list)

    @classmethod
    def create(cls, data: Path, extra_config: str = "") -> RelBroker:
        port, controller = _free_port_pair()
        return cls(port=port, controller_port=controller, data=data, extra_config=extra_config)

    @property
    def folder(self) -> Path:
        assert self.data is not None, "a RelBroker always has its own data folder"
        return self.data

    @property
    def pid(self) -> int:
        return int((self.folder / "broker.pid").read_text())

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def tool(self, main_class: str, *args: str) -> str:
        """Run one of Kafka's command-line tools (e.g. ``AclCommand``) against this broker."""
        return self.run("run", main_class, "--bootstrap-server", self.bootstrap, *args)

    def timed_restart(self) -> float:
        """Graceful stop and start; return (and keep) the seconds the broker was unavailable."""
        started = time.monotonic()
        self.restart()
        took = time.monotonic() - started
        self.restarts.append(took)
        return took

    def remove(self) -> None:
        """Stop and delete the data folder (only ever a folder this object was made with)."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            Path(f"{self.folder}.lock").unlink(missing_ok=True)


# --------------------------------------------------------------------------- workers


@dataclass
class ChaosWorkers(WorkerSet):
    """:class:`WorkerSet` with restart bookkeeping for chaos runs."""

    events: list[str] = field(default_factory=list)

    def start(self, *stages: Stage, timeout: float = 120.0) -> None:
        super().start(*stages, timeout=timeout)

    def terminate(self, stage: Stage, timeout: float = 30.0) -> tuple[int | None, float]:
        """SIGTERM; return (exit code or None if still running after ``timeout``, seconds)."""
        started = time.monotonic()
        code = stop(self.procs[stage], timeout)
        return code, time.monotonic() - started

    def revive_dead(self) -> list[Stage]:
        """Restart any worker that exited on its own (what a supervisor would do)."""
        dead = [s for s, p in self.procs.items() if p.poll() is not None]
        for stage in dead:
            self.events.append(f"unplanned exit of {stage} "
                               f"(code {self.procs[stage].returncode}); restarted")
            self.start(stage)
        return dead


# --------------------------------------------------------------------------- corpus

Kind = Literal["original", "exact", "near", "no_id", "html", "bad"]


@dataclass(frozen=True, slots=True)
class Pushed:
    """One record we push and what we know about it up front."""

    payload: bytes
    kind: Kind
    article_id: str | None  # None for records that cannot be parsed into an article
    twin_of: str | None = None  # exact/near variants: the id of the article they copy


def _html_page(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<html><head><title>{title}</title></head><body><nav>الرئيسية | أخبار</nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article>"
            "<footer>جميع الحقوق محفوظة</footer></body></html>")


def _bad_payloads(index: int, rng: random.Random) -> bytes:
    """A malformed record with unique bytes (so its dead letter can be matched by bytes)."""
    choice = index % 5
    if choice == 0:
        return b'{"id": "bad-%d", "body": ' % index  # truncated JSON
    if choice == 1:
        return b'{"id": "bad-%d", "title": "\xff\xfe"}' % index  # invalid UTF-8
    if choice == 2:  # schema violation: body of the wrong type, keyed by its id
        return orjson.dumps({**raw_record(f"bad-{index}", "x"), "body": rng.randint(0, 9)})
    if choice == 3:  # nothing left after cleaning
        return orjson.dumps(raw_record(f"bad-{index}", " \n\t " * (index % 7 + 1)))
    return orjson.dumps({"url": None, "title": f"missing fields {index}"})


def distinct_bodies(count: int, seed: int) -> list[str]:
    """Articles of 12 ANERcorp sentences drawn at random (seeded), in 4 paragraphs.

    ``tests.support.corpus.pseudo_articles`` takes consecutive sentences and wraps around after
    ~320 articles (3,882 sentences), so beyond that its articles are near-duplicates of
    each other; random draws keep 10,000+ articles distinct (two share ~0.04 sentences).
    """
    sentences = anercorp_sentences()
    rng = random.Random(seed)
    bodies: list[str] = []
    for _ in range(count):
        chosen = [sentences[i] for i in rng.sample(range(len(sentences)), 12)]
        bodies.append("\n\n".join(" ".join(chosen[k:k + 3]) for k in range(0, 12, 3)))
    return bodies


def build_corpus(count: int, seed: int) -> list[Pushed]:
    """``count`` records: ~84% originals, 5% exact and 3% near variants of earlier originals,
    3% originals without an id (id derived from the url), 2% HTML pages, 3% malformed.

    Variants come after the article they copy (same chunk or later), so the first-seen
    article is the original in almost every case; accounting does not rely on it.
    """
    rng = random.Random(seed)
    bodies = iter(distinct_bodies(count, seed))
    out: list[Pushed] = []
    originals: list[tuple[str, str]] = []
    for index in range(count):
        body = next(bodies)
        roll = rng.random()
        if roll < 0.05 and originals:
            source_id, source_body = rng.choice(originals[-200:])
            variant = orthographic_variant(source_body, seed=index)
            vid = f"exact-{index}"
            out.append(Pushed(orjson.dumps(raw_record(vid, variant)), "exact", vid, source_id))
        elif roll < 0.08 and originals:
            source_id, source_body = rng.choice(originals[-200:])
            variant = source_body + "\n\nوأضاف المصدر أن التحقيقات مستمرة."
            nid = f"near-{index}"
            out.append(Pushed(orjson.dumps(raw_record(nid, variant)), "near", nid, source_id))
        elif roll < 0.11:
            raw = raw_record("", body, title=f"خبر {index}")
            del raw["id"]
            raw["url"] = f"https://news.example/{seed}/{index}"
            out.append(Pushed(orjson.dumps(raw), "no_id", article_id(raw)))
        elif roll < 0.13:
            hid = f"html-{index}"
            raw = raw_record(hid, _html_page(f"عنوان الخبر {index}", body))
            raw["content_type"] = "text/html"
            out.append(Pushed(orjson.dumps(raw), "html", hid))
        elif roll < 0.16:
            out.append(Pushed(_bad_payloads(index, rng), "bad", None))
        else:
            oid = f"orig-{index}"
            originals.append((oid, body))
            out.append(Pushed(orjson.dumps(raw_record(oid, body)), "original", oid))
    return out


# --------------------------------------------------------------------------- reading back


@dataclass
class Outputs:
    """Everything on the three outcome topics, as read (duplicates of messages included)."""

    enriched: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))
    duplicates: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))
    dead_values: Counter[bytes] = field(default_factory=Counter)
    dead_headers: list[dict[str, str]] = field(default_factory=list)
    dead_pairs: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    dead_all_headers: list[list[tuple[str, bytes]]] = field(default_factory=list)  # ours too
    records: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))


def canonical(value: bytes) -> bytes:
    """The record with sorted keys: equal content gives equal bytes, nothing ignored."""
    return orjson.dumps(orjson.loads(value), option=orjson.OPT_SORT_KEYS)


async def read_outputs(settings: Settings, *, idle: float = 3.0,
                       isolation_level: str = "read_uncommitted") -> Outputs:
    """Read enriched, duplicates and dead-letter from the beginning until ``idle`` s quiet."""
    consumer = AIOKafkaConsumer(**aiokafka_options(settings), enable_auto_commit=False,
                                group_id=None, isolation_level=isolation_level,
                                max_partition_fetch_bytes=8 * 1024 * 1024)
    await consumer.start()
    out = Outputs()
    roles = {settings.topic(r): r for r in ("enriched", "duplicates", "dead-letter")}
    try:
        tps = await _all_partitions(consumer, list(roles))
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        quiet = 0.0
        while quiet < idle:
            batch = await consumer.getmany(timeout_ms=500, max_records=2000)
            if not batch:
                quiet += 0.5
                continue
            quiet = 0.0
            for messages in batch.values():
                for m in messages:
                    role = roles[m.topic]
                    if role == "dead-letter":
                        out.dead_values[m.value] += 1
                        out.dead_headers.append(decode_headers(m.headers or ()))
                        out.dead_pairs.append((m.value, out.dead_headers[-1]))
                        out.dead_all_headers.append(list(m.headers or ()))
                        continue
                    record = orjson.loads(m.value)
                    target = out.enriched if role == "enriched" else out.duplicates
                    target[record["id"]].append(canonical(m.value))
                    out.records[role].append(record)
    finally:
        await consumer.stop()
    return out


# --------------------------------------------------------------------------- accounting


@dataclass
class Accounting:
    pushed: int = 0
    enriched: int = 0  # articles (distinct ids) whose outcome is enriched
    duplicates: int = 0
    dead_letter: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)  # in more than one outcome topic
    unexpected: list[str] = field(default_factory=list)  # outputs nobody pushed
    redelivered_enriched: int = 0  # extra copies of an id in enriched
    redelivered_duplicates: int = 0
    redelivered_dead: int = 0
    inconsistent: list[str] = field(default_factory=list)  # same id, different content
    exact_pairs: int = 0
    exact_pairs_ok: int = 0  # not both enriched; flagged ones point at an enriched article
    exact_pairs_exact: int = 0  # ... with status "exact" (else "near": a dedup matter)
    near_pairs: int = 0
    near_flagged: int = 0
    pair_failures: list[str] = field(default_factory=list)  # exact pairs that are not ok

    def summary(self) -> dict[str, Any]:
        return {k: (len(v) if isinstance(v, list) else v) for k, v in vars(self).items()}


def _differing(copies: set[bytes]) -> list[str]:
    """The (dotted) fields whose values differ between copies of one record."""
    def flat(value: Any, prefix: str = "") -> dict[str, Any]:
        if isinstance(value, dict):
            return {k: v for key, item in value.items()
                    for k, v in flat(item, f"{prefix}{key}.").items()}
        return {prefix.rstrip("."): orjson.dumps(value)}

    flats = [flat(orjson.loads(c)) for c in copies]
    keys = set().union(*flats)
    return sorted(k for k in keys if len({f.get(k) for f in flats}) > 1)


def _key(p: Pushed) -> str:
    return p.article_id if p.article_id is not None else p.payload.hex()


def account(pushed: Sequence[Pushed], out: Outputs) -> Accounting:
    """Every pushed record in exactly one outcome topic; copies within a topic identical."""
    acc = Accounting(pushed=len(pushed))
    dead_ids = Counter(h.get("akhbar.dlq.article_id") for h in out.dead_headers)
    ids = {p.article_id for p in pushed if p.article_id is not None}
    for p in pushed:
        places: list[str] = []
        if p.article_id is not None and p.article_id in out.enriched:
            places.append("enriched")
        if p.article_id is not None and p.article_id in out.duplicates:
            places.append("duplicates")
        if out.dead_values[p.payload] or (p.article_id is not None and dead_ids[p.article_id]):
            places.append("dead-letter")  # by the original bytes, or by id from a later stage
        if not places:
            acc.lost.append(_key(p))
        elif len(places) > 1:
            acc.doubled.append(f"{_key(p)}: {places}")
        else:
            setattr(acc, places[0].replace("-", "_"),
                    getattr(acc, places[0].replace("-", "_")) + 1)
    for topic, found in (("enriched", out.enriched), ("duplicates", out.duplicates)):
        for aid, copies in found.items():
            if aid not in ids:
                acc.unexpected.append(f"{topic}:{aid}")
            if len(set(copies)) > 1:
                acc.inconsistent.append(f"{topic}:{aid}: {_differing(set(copies))}")
        extra = sum(len(c) - 1 for c in found.values())
        setattr(acc, f"redelivered_{topic}", extra)
    acc.redelivered_dead = sum(n - 1 for n in out.dead_values.values())
    pushed_bytes = {p.payload for p in pushed}
    acc.unexpected += [f"dead-letter:{v[:40]!r}" for v, h in out.dead_pairs
                       if v not in pushed_bytes and h.get("akhbar.dlq.article_id") not in ids]
    verdicts = {r["id"]: r["dedup"] for r in out.records.get("duplicates", [])}
    for p in pushed:
        if p.twin_of is None or p.article_id is None:
            continue
        pair = (p.article_id, p.twin_of)
        flagged = [v for v in pair if v in verdicts]
        kept = [v for v in pair if v in out.enriched]
        if p.kind == "exact":
            acc.exact_pairs += 1
            # resolved: not both kept, and each flagged one points at a kept article (when an
            # original has two variants, the first-seen variant may be the one kept)
            if len(kept) < 2 and flagged and \
                    all(verdicts[v]["duplicate_of"] in out.enriched for v in flagged):
                acc.exact_pairs_ok += 1
                acc.exact_pairs_exact += all(verdicts[v]["status"] == "exact" for v in flagged)
            else:
                acc.pair_failures.append(
                    f"{pair}: kept {kept}, flagged {[(v, verdicts[v]) for v in flagged]}")
        else:
            acc.near_pairs += 1
            acc.near_flagged += len(flagged) == 1 and len(kept) == 1
    return acc


async def wait_accounted(settings: Settings, pushed: Sequence[Pushed], *, deadline_s: float,
                         isolation_level: str = "read_uncommitted") -> tuple[Outputs, float]:
    """Read until nothing is missing (or the deadline); return outputs and seconds waited."""
    started = time.monotonic()
    while True:
        out = await read_outputs(settings, idle=2.0, isolation_level=isolation_level)
        if not account(pushed, out).lost:
            await asyncio.sleep(3.0)  # late redeliveries of the last records
            return (await read_outputs(settings, idle=3.0, isolation_level=isolation_level),
                    time.monotonic() - started)
        if time.monotonic() - started > deadline_s:
            return out, time.monotonic() - started
        await asyncio.sleep(2.0)


# --------------------------------------------------------------------------- chaos


@dataclass
class ChaosPlan:
    chunks: int = 10
    kills_per_stage: int = 2
    broker_restart: bool = True
    pause: tuple[float, float] = (0.3, 2.5)  # seconds between actions, drawn from the RNG


async def run_chaos(settings: Settings, workers: ChaosWorkers, broker: RelBroker | None,
                    pushed: Sequence[Pushed], plan: ChaosPlan, seed: int) -> list[str]:
    """Push in chunks while SIGKILLing workers (and restarting the broker once) at moments
    drawn from a seeded RNG; every killed worker is restarted. Return the event log."""
    rng = random.Random(seed)
    actions: list[str] = [s for s in STAGES for _ in range(plan.kills_per_stage)]
    if plan.broker_restart and broker is not None:
        actions.append("broker")
    rng.shuffle(actions)
    if plan.broker_restart and broker is not None:  # never first or last: mid-stream
        actions.remove("broker")
        actions.insert(max(1, len(actions) // 2), "broker")
    size = -(-len(pushed) // plan.chunks)
    chunks = [[p.payload for p in pushed[i:i + size]] for i in range(0, len(pushed), size)]
    lock = asyncio.Lock()  # no push while the broker is down: the producer is not under test
    log = workers.events
    t0 = time.monotonic()

    def stamp(text: str) -> None:
        log.append(f"{time.monotonic() - t0:7.1f}s {text}")

    async def pusher() -> None:
        for index, chunk in enumerate(chunks):
            async with lock:
                await push(settings, chunk)
            stamp(f"pushed chunk {index + 1}/{len(chunks)} ({len(chunk)} records)")
            await asyncio.sleep(rng.uniform(*plan.pause))

    async def chaos() -> None:
        for action in actions:
            await asyncio.sleep(rng.uniform(*plan.pause) * 1.5)
            if action == "broker":
                assert broker is not None
                async with lock:
                    took = await asyncio.to_thread(broker.timed_restart)
                stamp(f"broker restarted ({took:.1f}s)")
                await asyncio.sleep(2.0)
                revived = await asyncio.to_thread(workers.revive_dead)
                if revived:
                    stamp(f"revived after broker restart: {revived}")
                continue
            stage: Stage = action  # type: ignore[assignment]
            code = await asyncio.to_thread(workers.kill, stage, signal.SIGKILL)
            stamp(f"SIGKILL {stage} (exit {code})")
            await asyncio.to_thread(workers.start, stage)
            stamp(f"{stage} restarted and ready")

    await asyncio.gather(pusher(), chaos())
    stamp("chaos over")
    return log
