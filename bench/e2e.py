"""End-to-end throughput and latency of the pipeline on a real Kafka broker.

    .venv/bin/python -m bench.e2e [--articles 20000] [--partitions 2] [--rate 200]
        [--latency-seconds 30] [--scale-stage auto] [--scale-articles 2000] [--json out.json]

Phases, each on its own fresh topics (uuid prefix) and consumer groups:

1. passthrough: ``bench/passthrough.py`` (aiokafka, getmany, acks=all, commit after acks)
   copies ``raw`` to ``enriched`` — the transport ceiling; then ``bench/noop_worker.py``,
   one worker's shell (the real runtime) with a processor that does nothing (``raw`` to
   ``clean``) — the ceiling of one stage before any text processing;
2. pipeline: the three workers (``akhbar worker clean|dedup|tag``) as subprocesses, ready
   and idle, then the same input is pushed as fast as the client can; throughput is input
   articles / (first push → last output received by the bench's consumer). CPU seconds per
   stage are utime+stime from /proc/<pid>/stat before and after (the broker's too: the JVM
   listening on the bootstrap port);
3. latency: on the same workers, new articles pushed at a fixed rate, each stamped with
   ``ingested_at`` when sent; latency = receipt by the bench's consumer − ``ingested_at``;
4. scaling: the heaviest stage alone, 1 then 2 instances in one consumer group, fed the
   records that stage saw in phase 2.

Every topic a phase created is deleted when the run ends.

Input: pseudo-articles of 8-14 random ANERcorp sentences (real Arabic news text), about
88% unique, 4% exact copies, 4% orthographic variants (``tests.support.variants``:
diacritics, tatweel, hamza and letter spellings, other digits, invisible controls), 4% near
copies (one sentence replaced) and 0.1% malformed JSON (dead-lettered).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from tests.support.corpus import anercorp_sentences
from tests.support.variants import orthographic_variant

from akhbar.client import push, tail
from akhbar.config import STAGES, Settings, Stage, TopicRole
from akhbar.kafka.connection import aiokafka_options
from akhbar.kafka.topics import ensure_topics
from akhbar.supervisor import free_port, spawn, stop, worker_command, worker_env
from akhbar.workers.processors import SINKS, SOURCE

REPO = Path(__file__).resolve().parents[1]
OUTCOMES: tuple[TopicRole, ...] = ("enriched", "duplicates", "dead-letter")
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- input


def make_records(count: int, seed: int, id_prefix: str) -> list[dict[str, Any] | bytes]:
    """Raw articles (dicts) with the duplicate mix of the module doc; bytes = malformed."""
    rng = random.Random(seed)
    sentences = anercorp_sentences()
    uniques: list[list[str]] = []
    out: list[dict[str, Any] | bytes] = []
    for index in range(count):
        roll = rng.random()
        source = f"outlet-{rng.randrange(20)}"
        if roll < 0.001:
            out.append(b'{"id": "broken-' + str(index).encode() + b'", "title": ')
            continue
        if not uniques or index < 20 or roll < 0.88:
            chosen = rng.sample(sentences, rng.randint(8, 14))
            uniques.append(chosen)
            body = _body(chosen)
        elif roll < 0.92:
            body = _body(rng.choice(uniques))
        elif roll < 0.96:
            body = orthographic_variant(_body(rng.choice(uniques)), seed=index)
        else:
            edited = list(rng.choice(uniques))
            edited[rng.randrange(len(edited))] = rng.choice(sentences)
            body = _body(edited)
        title = " ".join(body.split()[:8])
        out.append({"id": f"{id_prefix}-{index}", "url": None, "source": source,
                    "title": title, "body": body, "content_type": "text/plain",
                    "published_at": None})
    return out


def _body(chosen: list[str]) -> str:
    return "\n\n".join(" ".join(chosen[k:k + 3]) for k in range(0, len(chosen), 3))


def encode_all(records: list[dict[str, Any] | bytes]) -> list[bytes]:
    now = time.time()
    return [r if isinstance(r, bytes) else orjson.dumps({**r, "ingested_at": now})
            for r in records]


# ---------------------------------------------------------------- processes


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    port: int = 0
    ready_file: Path | None = None

    def cpu(self) -> float:
        """utime + stime of the process (all its threads), seconds."""
        stat = Path(f"/proc/{self.popen.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def partitions(self) -> int:
        """Partitions assigned now (0 = not ready)."""
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.popen.returncode}")
        if self.ready_file is not None:
            if not self.ready_file.exists():
                return 0
            return int(self.ready_file.read_text().split()[0])
        try:
            url = f"http://127.0.0.1:{self.port}/readyz"
            with urllib.request.urlopen(url, timeout=1) as reply:
                return int(reply.read().split()[0]) if reply.status == 200 else 0
        except (OSError, ValueError):
            return 0

    def stop(self) -> None:
        stop(self.popen)


def _quiet_env(settings: Settings, port: int) -> dict[str, str]:
    """A worker's environment, logging warnings only (and the caller's linger, to compare)."""
    extra = {"AKHBAR_LOG_LEVEL": "WARNING"}
    if "AKHBAR_PRODUCER_LINGER_MS" in os.environ:
        extra["AKHBAR_PRODUCER_LINGER_MS"] = os.environ["AKHBAR_PRODUCER_LINGER_MS"]
    return worker_env(settings, port, extra)


def start_worker(settings: Settings, stage: Stage, log_dir: Path, name: str) -> Proc:
    port = free_port()
    popen = spawn(worker_command(stage), log_dir / f"{name}.log", _quiet_env(settings, port))
    return Proc(name, popen, port=port)


BROKER_PID: list[int] = []  # found once: the process listening on the bootstrap port


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def find_broker(bootstrap: str) -> int | None:
    """The pid of the JVM listening on the bootstrap port (not just any Kafka here)."""
    port = int(bootstrap.split(",")[0].rsplit(":", 1)[1])
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if b"kafka.Kafka" not in (proc / "cmdline").read_bytes():
                continue
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in wanted:
                    return int(proc.name)
        except OSError:
            continue
    return None


def broker_cpu() -> float | None:
    """utime + stime of the broker at ``--bootstrap`` (see :func:`find_broker`)."""
    if not BROKER_PID:
        return None
    try:
        fields = Path(f"/proc/{BROKER_PID[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def start_noop_worker(settings: Settings, log_dir: Path) -> Proc:
    port = free_port()
    popen = spawn([sys.executable, str(REPO / "bench" / "noop_worker.py")],
                  log_dir / "noop-worker.log", _quiet_env(settings, port))
    return Proc("worker no-op", popen, port=port)


def start_passthrough(settings: Settings, log_dir: Path) -> Proc:
    ready = log_dir / "passthrough.ready"
    ready.unlink(missing_ok=True)
    popen = spawn([sys.executable, str(REPO / "bench" / "passthrough.py"),
                   "--bootstrap", settings.bootstrap_servers, "--prefix", settings.topic_prefix,
                   "--group", settings.group_prefix + "passthrough", "--ready-file", str(ready)],
                  log_dir / "passthrough.log")
    return Proc("passthrough", popen, ready_file=ready)


async def wait_assigned(procs: list[Proc], partitions: int, limit: float = 120.0) -> None:
    """Until every process is ready and together they own every source partition."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        owned = [p.partitions() for p in procs]
        if all(owned) and sum(owned) >= partitions:
            await asyncio.sleep(1.0)  # let a rebalance in flight settle
            if [p.partitions() for p in procs] == owned:
                return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"not ready in {limit}s: {[(p.name, p.partitions()) for p in procs]}")


# ---------------------------------------------------------------- measuring


@dataclass
class Seen:
    counts: Counter[str] = field(default_factory=Counter)
    last_received: float = 0.0
    latencies: list[float] = field(default_factory=list)  # receipt − ingested_at (enriched)
    broker_latencies: list[float] = field(default_factory=list)  # msg timestamp − ingested_at


async def consume(settings: Settings, roles: tuple[TopicRole, ...], expected: int,
                  ready: asyncio.Event, *, from_beginning: bool, idle: float,
                  latency: bool = False, seen: Seen | None = None) -> Seen:
    seen = Seen() if seen is None else seen
    by_topic = {settings.topic(role): role for role in roles}
    async for message in tail(settings, roles=roles, from_beginning=from_beginning,
                              ready=ready, max_records=expected, idle_timeout=idle):
        now = time.time()
        role = by_topic[message.topic]
        seen.counts[role] += 1
        seen.last_received = now
        if latency and role == "enriched":
            ingested = orjson.loads(message.value).get("ingested_at")
            if ingested:
                seen.latencies.append(now - ingested)
                seen.broker_latencies.append(message.timestamp / 1000 - ingested)
    return seen


@dataclass
class Run:
    name: str
    articles: int
    raw_bytes: int
    seconds: float
    push_seconds: float
    counts: dict[str, int]
    cpu: dict[str, float]

    @property
    def rate(self) -> float:
        return self.articles / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.raw_bytes / self.seconds / 1e6


async def timed_run(name: str, settings: Settings, procs: list[Proc], payloads: list[bytes],
                    out_roles: tuple[TopicRole, ...], source: TopicRole = "raw") -> Run:
    """Push ``payloads`` to ``source`` as fast as possible; wait for one output each."""
    ready = asyncio.Event()
    collector = asyncio.create_task(consume(settings, out_roles, len(payloads), ready,
                                            from_beginning=True, idle=120.0))
    await ready.wait()
    before = {p.name: p.cpu() for p in procs}
    broker_before = broker_cpu()
    started = time.time()
    await push(settings, payloads, role=source)
    pushed = time.time() - started
    seen = await collector
    cpu = {p.name: p.cpu() - before[p.name] for p in procs}
    if broker_before is not None and (broker_after := broker_cpu()) is not None:
        cpu[f"broker during {name}"] = broker_after - broker_before
    total = sum(seen.counts.values())
    if total < len(payloads):
        print(f"  ! {name}: only {total}/{len(payloads)} outputs before the idle timeout",
              flush=True)
    return Run(name, total, sum(map(len, payloads)), seen.last_received - started, pushed,
               dict(seen.counts), cpu)


async def paced_push(settings: Settings, records: list[dict[str, Any] | bytes],
                     rate: float) -> float:
    """Send at ``rate``/s, each stamped with ``ingested_at`` just before it is sent."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(**aiokafka_options(settings), acks="all", linger_ms=0,
                                enable_idempotence=True)
    await producer.start()
    topic = settings.topic("raw")
    pending: list[asyncio.Future[Any]] = []
    started = time.monotonic()
    try:
        for index, record in enumerate(records):
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if isinstance(record, bytes):
                value, key = record, None
            else:
                value = orjson.dumps({**record, "ingested_at": time.time()})
                key = record["id"].encode()
            pending.append(await producer.send(topic, value, key=key))
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def _ms(seconds: float) -> str:
    return "never (censored)" if seconds == float("inf") else f"{seconds * 1000:,.0f} ms"


CREATED: list[Settings] = []  # every phase's settings, so their topics can be deleted


def new_settings(bootstrap: str, partitions: int, data_dir: Path, label: str) -> Settings:
    tag = uuid.uuid4().hex[:8]
    CREATED.append(Settings(bootstrap_servers=bootstrap, topic_prefix=f"bench{tag}{label}."))
    return Settings(bootstrap_servers=bootstrap, topic_prefix=f"bench{tag}{label}.",
                    group_prefix=f"bench{tag}{label}-", partitions=partitions,
                    data_dir=data_dir / f"{tag}{label}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def in_process_costs(payloads: list[bytes], count: int) -> dict[str, float]:
    """CPU ms per record of each stage's processor alone (decode, validate, stage, encode):
    no Kafka; the rest of a worker's CPU per record is the shell."""
    from akhbar.workers import processors
    from akhbar.workers.sink import Incoming

    settings = Settings()
    procs = {stage: processors.processor_for(settings, stage) for stage in STAGES}
    costs: dict[str, float] = {}
    values = payloads[:count]
    for stage in STAGES:
        out: list[bytes] = []
        started = time.process_time()
        for offset, value in enumerate(values):
            try:
                results = procs[stage](Incoming("in", 0, offset, int(time.time() * 1000),
                                                None, value))
            except Exception:
                continue  # dead-lettered in the worker
            out.extend(o.value for o in results if o.role != "duplicates")
        costs[stage] = (time.process_time() - started) / max(1, len(values)) * 1000
        values = out
    return costs


# ---------------------------------------------------------------- phases


async def phase_passthrough(args: argparse.Namespace, payloads: list[bytes],
                            work: Path) -> Run:
    settings = new_settings(args.bootstrap, args.partitions, work, "p")
    await ensure_topics(settings, ("raw", "enriched"))
    proc = start_passthrough(settings, work)
    try:
        await wait_assigned([proc], args.partitions)
        return await timed_run("passthrough", settings, [proc], payloads, ("enriched",))
    finally:
        proc.stop()


async def phase_noop_worker(args: argparse.Namespace, payloads: list[bytes],
                            work: Path) -> Run:
    settings = new_settings(args.bootstrap, args.partitions, work, "f")
    await ensure_topics(settings, ("raw", "clean", "dead-letter"))
    proc = start_noop_worker(settings, work)
    try:
        await wait_assigned([proc], args.partitions)
        return await timed_run("worker no-op hop", settings, [proc], payloads,
                               ("clean", "dead-letter"))
    finally:
        proc.stop()


async def delete_bench_topics() -> int:
    """Delete every topic the phases created (each phase has its own uuid prefix)."""
    from aiokafka.admin import AIOKafkaAdminClient

    if not CREATED:
        return 0
    admin = AIOKafkaAdminClient(**aiokafka_options(CREATED[0]))
    await admin.start()
    try:
        prefixes = tuple(s.topic_prefix for s in CREATED)
        groups = tuple(s.topic_prefix.rstrip(".") + "-" for s in CREATED)
        names = [t for t in await admin.list_topics() if t.startswith(prefixes + groups)]
        if names:
            await admin.delete_topics(names)
        return len(names)
    finally:
        await admin.close()


async def phase_pipeline(args: argparse.Namespace, payloads: list[bytes],
                         work: Path) -> tuple[Run, list[dict[str, Any]], list[bytes]]:
    settings = new_settings(args.bootstrap, args.partitions, work, "w")
    await ensure_topics(settings)
    procs = [start_worker(settings, stage, work, stage if k == 0 else f"{stage}-{k + 1}")
             for stage in STAGES for k in range(args.instances.get(stage, 1))]
    try:
        await wait_assigned(procs, args.partitions * len(STAGES))
        run = await timed_run("pipeline", settings, procs, payloads, OUTCOMES)
        latency: list[dict[str, Any]] = []
        for index, rate in enumerate(args.rate if args.latency_seconds > 0 else []):
            print(f"latency at {rate:g}/s ...", flush=True)
            latency.append(await phase_latency(args, settings, rate, index))
        scale_input = await read_topic(settings, SOURCE[pick_stage(args, run)],
                                       args.scale_articles)
        return run, latency, scale_input
    finally:
        for proc in procs:
            proc.stop()


async def phase_latency(args: argparse.Namespace, settings: Settings,
                        rate: float, index: int) -> dict[str, Any]:
    count = int(rate * args.latency_seconds)
    records = make_records(count, args.seed + 1 + index, f"lat{index}")
    ready = asyncio.Event()
    seen = Seen()
    collector = asyncio.create_task(consume(settings, OUTCOMES, count, ready,
                                            from_beginning=False, idle=args.drain_idle,
                                            latency=True, seen=seen))
    await ready.wait()
    sent_for = await paced_push(settings, records, rate)
    await asyncio.wait({collector}, timeout=args.drain_max)
    if not collector.done():  # the backlog would take too long: what is missing is censored
        collector.cancel()
        await asyncio.gather(collector, return_exceptions=True)
    outputs = sum(seen.counts.values())
    # an article still missing has a latency above anything measured: count it as infinite
    censored = seen.latencies + [float("inf")] * (count - outputs)
    return {"offered_rate": rate, "sent": count, "send_seconds": sent_for,
            "outputs": outputs, "enriched": len(seen.latencies),
            **{f"p{q}": percentile(censored, q) for q in (50, 95, 99)},
            **{f"broker_p{q}": percentile(seen.broker_latencies, q) for q in (50, 95, 99)},
            "max": max(seen.latencies, default=float("nan"))}


def pick_stage(args: argparse.Namespace, run: Run) -> Stage:
    if args.scale_stage != "auto":
        return args.scale_stage  # type: ignore[no-any-return]
    heaviest = max(STAGES, key=lambda s: run.cpu.get(s, 0.0))
    args.scale_stage = heaviest
    return heaviest


async def read_topic(settings: Settings, role: TopicRole, limit: int) -> list[bytes]:
    out: list[bytes] = []
    async for message in tail(settings, roles=(role,), from_beginning=True,
                              max_records=limit, idle_timeout=5.0):
        out.append(message.value)
    return out


async def phase_scaling(args: argparse.Namespace, payloads: list[bytes], work: Path,
                        instances: int) -> Run:
    stage: Stage = args.scale_stage
    settings = new_settings(args.bootstrap, args.partitions, work, f"s{instances}")
    await ensure_topics(settings)
    procs = [start_worker(settings, stage, work, f"{stage}-{instances}x{k}")
             for k in range(instances)]
    try:
        await wait_assigned(procs, args.partitions)
        return await timed_run(f"{stage} x{instances}", settings, procs, payloads,
                               (*SINKS[stage], "dead-letter"), source=SOURCE[stage])
    finally:
        for proc in procs:
            proc.stop()


# ---------------------------------------------------------------- report


def report(args: argparse.Namespace, runs: list[Run], latency: list[dict[str, Any]],
           load: tuple[str, str], bench_cpu: float,
           in_process: dict[str, float]) -> dict[str, Any]:
    passthrough, noop, pipeline, *scaling = runs
    lines = [
        f"load average before {load[0]}, after {load[1]}; {os.cpu_count()} cores; "
        f"{args.partitions} partitions; {pipeline.articles} articles, "
        f"{pipeline.raw_bytes / pipeline.articles / 1024:.1f} KiB average raw record; "
        "pipeline processes: " + ", ".join(f"{stage} ×{args.instances.get(stage, 1)}"
                                           for stage in STAGES),
        "",
        "| run | articles/s | MB/s (raw in) | wall s | push s | outputs |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        outputs = ", ".join(f"{k} {v}" for k, v in sorted(run.counts.items()))
        lines.append(f"| {run.name} | {run.rate:,.0f} | {run.mb_per_s:.2f} | {run.seconds:.1f} "
                     f"| {run.push_seconds:.1f} | {outputs} |")
    ratio = pipeline.rate / passthrough.rate
    lines += ["", f"pipeline / passthrough = {ratio:.1%}", "",
              "| process | CPU s | CPU ms per input article | CPU ms per record it processed "
              "| of which stage code (in process) |",
              "|---|---:|---:|---:|---:|"]
    handled = {"clean": pipeline.articles,
               "dedup": pipeline.articles - pipeline.counts.get("dead-letter", 0),
               "tag": pipeline.counts.get("enriched", 0)}
    per_stage: dict[str, float] = {}
    for name, cpu in pipeline.cpu.items():  # the instances of a stage together: tag, tag-2
        stage = name.split("-")[0] if name.split("-")[0] in STAGES else name
        per_stage[stage] = per_stage.get(stage, 0.0) + cpu
    for name, cpu in [*per_stage.items(), *passthrough.cpu.items(), *noop.cpu.items()]:
        own = handled.get(name, passthrough.articles)
        alone = f"{in_process[name]:.2f}" if name in in_process else ""
        lines.append(f"| {name} | {cpu:.1f} | {cpu / pipeline.articles * 1000:.2f} | "
                     f"{cpu / max(1, own) * 1000:.2f} | {alone} |")
    for run in scaling:
        total = sum(v for k, v in run.cpu.items() if not k.startswith("broker"))
        lines.append(f"| {run.name} (scaling) | {total:.1f} | | "
                     f"{total / run.articles * 1000:.2f} | |")
    for lat in latency:
        lines += ["", f"latency at {lat['offered_rate']:g} articles/s offered for "
                  f"{args.latency_seconds:g} s ({lat['sent']} sent in "
                  f"{lat['send_seconds']:.1f} s, {lat['enriched']} enriched, "
                  f"{lat['outputs']} outputs in all): push→enriched received "
                  f"p50 {_ms(lat['p50'])}, p95 {_ms(lat['p95'])}, p99 {_ms(lat['p99'])}, "
                  f"max received {_ms(lat['max'])} (to the enriched CreateTime: p99 "
                  f"{_ms(lat['broker_p99'])})"]
    if len(scaling) == 2:
        lines += ["", f"scaling {scaling[0].name} → {scaling[1].name}: "
                  f"{scaling[0].rate:,.1f} → {scaling[1].rate:,.1f} articles/s "
                  f"(×{scaling[1].rate / scaling[0].rate:.2f})"]
    def p99_at(rate: float) -> float | None:
        return next((lat["p99"] for lat in latency if lat["offered_rate"] == rate), None)

    def verdict(value: float | None, limit: float) -> str:
        return "not run" if value is None else ("met" if value <= limit else "NOT met")

    lines += ["", f"bench process (push + consume) CPU {bench_cpu:.1f} s",
              f"goals (issue 16): pipeline ≥ 15% of passthrough: "
              f"{'met' if ratio >= 0.15 else 'NOT met'}; p99 ≤ 50 ms at 40/s: "
              f"{verdict(p99_at(40), 0.05)}; p99 ≤ 250 ms at 200/s: "
              f"{verdict(p99_at(200), 0.25)}"]
    print("\n".join(lines), flush=True)
    return {"load": load, "runs": [{**run.__dict__, "rate": run.rate, "mb_per_s": run.mb_per_s}
                                   for run in runs],
            "ratio": ratio, "latency": latency, "bench_cpu": bench_cpu,
            "in_process_ms": in_process}


async def main_async(args: argparse.Namespace) -> None:
    load_before = load_average()
    pid = find_broker(args.bootstrap)
    if pid is not None:
        BROKER_PID.append(pid)
    work = Path(args.work_dir or f"/tmp/akhbar-e2e-{uuid.uuid4().hex[:6]}")
    work.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (before anything runs)
    print(f"load average {load_before}; logs and state in {work}", flush=True)
    payloads = encode_all(make_records(args.articles, args.seed, "art"))
    print(f"{len(payloads)} articles, {sum(map(len, payloads)) / 1e6:.1f} MB", flush=True)
    print("passthrough ...", flush=True)
    passthrough = await phase_passthrough(args, payloads, work)
    print(f"  {passthrough.rate:,.0f} articles/s", flush=True)
    print("worker no-op hop ...", flush=True)
    noop = await phase_noop_worker(args, payloads, work)
    print(f"  {noop.rate:,.0f} articles/s", flush=True)
    print("pipeline ...", flush=True)
    pipeline, latency, scale_input = await phase_pipeline(args, payloads, work)
    print(f"  {pipeline.rate:,.0f} articles/s", flush=True)
    runs = [passthrough, noop, pipeline]
    if args.scale_articles > 0 and scale_input:
        for instances in (1, 2):
            print(f"scaling {args.scale_stage} x{instances} on {len(scale_input)} records ...",
                  flush=True)
            runs.append(await phase_scaling(args, scale_input, work, instances))
            print(f"  {runs[-1].rate:,.1f} articles/s", flush=True)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    bench_cpu = usage.ru_utime + usage.ru_stime
    load_after = load_average()
    in_process: dict[str, float] = {}
    if args.in_process > 0:
        print(f"stage code alone on {args.in_process} records ...", flush=True)
        in_process = in_process_costs(payloads, args.in_process)
    result = report(args, runs, latency, (load_before, load_after), bench_cpu, in_process)
    print(f"deleted {await delete_bench_topics()} bench topics", flush=True)
    if args.json:
        out = orjson.dumps(result, option=orjson.OPT_INDENT_2)
        Path(args.json).write_bytes(out)  # noqa: ASYNC240 (all done)


def _instances(spec: str) -> tuple[Stage, int]:
    stage, _, count = spec.partition("=")
    if stage not in STAGES or not count.isdigit() or int(count) < 1:
        raise SystemExit(f"--instances {spec!r}: expected STAGE=N with STAGE one of "
                         f"{', '.join(STAGES)} and N ≥ 1")
    return stage, int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS",
                                                              "127.0.0.1:9092"))
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--rate", type=float, action="append",
                        help="latency phase, articles/s offered; repeat for several "
                             "(default: 40 and 200)")
    parser.add_argument("--latency-seconds", type=float, default=30.0, help="0 = skip")
    parser.add_argument("--drain-idle", type=float, default=20.0,
                        help="latency phase: stop waiting after this long without output")
    parser.add_argument("--drain-max", type=float, default=120.0,
                        help="latency phase: wait at most this long after the last send; "
                             "articles still missing count as infinite latency")
    parser.add_argument("--scale-stage", default="auto", choices=("auto", *STAGES))
    parser.add_argument("--scale-articles", type=int, default=2000, help="0 = skip scaling")
    parser.add_argument("--in-process", type=int, default=300,
                        help="also time each stage's processor alone on this many records "
                             "(0 = skip)")
    parser.add_argument("--instances", action="append", default=[], metavar="STAGE=N",
                        help="pipeline phase: N processes of STAGE in its consumer group "
                             "(default 1 each; repeat for several stages), e.g. tag=2")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work-dir", help="worker logs and state (default: a new /tmp dir)")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    args.rate = args.rate or [40.0, 200.0]
    args.instances = dict(_instances(spec) for spec in args.instances)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
