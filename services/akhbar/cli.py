"""The ``akhbar`` command: workers, topics, push, tail, batch processing, tagging, demo."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import orjson

from akhbar import __version__
from akhbar.config import STAGES, TOPIC_ROLES, Settings
from akhbar.core.errors import AkhbarError

EPILOG = """\
settings are environment variables (all of them: services/akhbar/config.py):
  AKHBAR_BOOTSTRAP_SERVERS  Kafka brokers, host:port[,host:port] (default 127.0.0.1:9092)
  AKHBAR_TOPIC_PREFIX       topics are <prefix><role>, e.g. akhbar.raw (default akhbar.)
  AKHBAR_GROUP_PREFIX       consumer groups are <prefix><stage> (default akhbar-)
  AKHBAR_SECURITY_PROTOCOL  PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; AKHBAR_SASL_*, AKHBAR_SSL_*
  AKHBAR_LOG_LEVEL          DEBUG also prints tracebacks, as --debug does

topic roles: """ + ", ".join(TOPIC_ROLES) + """
exit status: 0 done, 2 an error (one line on stderr), 130 interrupted
"""
TOPIC_HELP = ("a role (" + ", ".join(TOPIC_ROLES) + ") or a full topic name; "
              "a role is prefixed with AKHBAR_TOPIC_PREFIX")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description=__doc__, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"akhbar {__version__}",
                        help="print the version and exit")
    parser.add_argument("--debug", action="store_true",
                        help="on an error, print the traceback and the Kafka client's logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                help="run `akhbar COMMAND --help` for its arguments")

    topics = sub.add_parser("topics", help="create the pipeline's topics (idempotent)",
                            description="Create the topics of every role that do not exist.")
    topics.add_argument("action", choices=["create"], help="what to do: create")
    topics.add_argument("--partitions", type=int,
                        help="partitions of each new topic (default: AKHBAR_PARTITIONS, 3)")

    worker = sub.add_parser("worker", help="run one stage (its own consumer group)",
                            description="Run one stage until SIGTERM; /metrics, /healthz and "
                            "/readyz on AKHBAR_HTTP_HOST:AKHBAR_HTTP_PORT.")
    worker.add_argument("stage", choices=STAGES, help="the stage to run: " + ", ".join(STAGES))

    push = sub.add_parser("push", help="send articles (text, HTML, JSON, JSON lines, folders, -)",
                          description="Send articles to the raw topic. Read by extension: "
                          ".txt/.html one article each, .json one object or an array, "
                          ".jsonl/.ndjson and - (stdin) one JSON record per line; other "
                          "files in a folder are skipped.")
    push.add_argument("paths", nargs="+", metavar="PATH",
                      help="a file, a folder (recursively) or - for stdin, line by line")
    push.add_argument("--source", default="file",
                      help="the source field of articles from text/HTML files (default: file)")
    push.add_argument("--topic", default="raw", help=TOPIC_HELP + " (default: raw)")

    tail = sub.add_parser("tail", help="print the records of a topic as JSON lines",
                          description="Print records as JSON lines (no consumer group, no "
                          "commits). Dead letters come with their headers.")
    tail.add_argument("--topic", default="enriched", help=TOPIC_HELP + " (default: enriched)")
    tail.add_argument("--from-beginning", action="store_true",
                      help="start at the oldest record (default: only new records)")
    tail.add_argument("--until-end", action="store_true",
                      help="stop at the end of the topic as it was at start (like kcat -e)")
    tail.add_argument("--max", type=int, dest="max_records", metavar="N",
                      help="stop after N records")
    tail.add_argument("--idle-timeout", type=float, metavar="SECONDS",
                      help="stop after this many seconds without a record")

    lag = sub.add_parser("lag", help="consumer lag per group and partition, from the broker",
                         description="Committed offset against end offset of every partition "
                         "each stage's group reads, as the broker sees them: a stopped stage "
                         "still shows its lag.")
    lag.add_argument("--group", action="append", dest="groups", metavar="GROUP",
                     help="a consumer group (repeatable; default: the three stages' groups)")
    lag.add_argument("--json", action="store_true", help="one JSON object per partition")

    process = sub.add_parser("process", help="clean, dedup and tag in-process (no Kafka)",
                             description="The three stages in this process; one JSON line per "
                             "article on stdout (enriched, duplicate or dead_letter).")
    process.add_argument("paths", nargs="+", metavar="PATH",
                         help="a file, a folder (recursively) or - for stdin, as for push")
    process.add_argument("--source", default="file",
                         help="the source field of articles from text/HTML files (default: file)")
    process.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N",
                         help="processes that clean and tag (default: the number of cores); "
                         "dedup stays in one, in input order: the output is the same for any N")

    sub.add_parser("tag", help="tag entities in text read from stdin; JSON lines out",
                   description="Tag the text on stdin; one JSON entity per line.")

    demo = sub.add_parser("demo", help="broker + workers + push a folder + show the results",
                          description="Start the local broker (unless AKHBAR_BOOTSTRAP_SERVERS "
                          "is set) and the three workers, push a folder, print what comes out.")
    demo.add_argument("folder", nargs="?", default=None,
                      help="the articles to push (default: the project's sample folder)")
    return parser


def topic_name(settings: Settings, value: str) -> str:
    """``--topic``: a role becomes ``<prefix><role>``; anything else is a full topic name."""
    return settings.topic(value) if value in TOPIC_ROLES else value  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. An :class:`AkhbarError` is one line on stderr and exit status 2;
    ``--debug`` (or ``AKHBAR_LOG_LEVEL=DEBUG``) adds its traceback and the client logs."""
    args = _parser().parse_args(argv)
    debug = bool(args.debug)
    try:
        settings = Settings.from_env()
        debug = debug or settings.log_level.upper() == "DEBUG"
        if args.command != "worker":  # a worker configures its own (JSON) logging
            logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                                format="%(levelname)s %(name)s: %(message)s")
        return _dispatch(args, settings)
    except AkhbarError as exc:
        if debug:
            traceback.print_exc()
        print(f"akhbar: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "worker":
        from akhbar.client import create_topics
        from akhbar.workers.runtime import run

        asyncio.run(create_topics(settings))
        run(settings, args.stage)
        return 0
    if args.command == "topics":
        return _topics(args, settings)
    if args.command == "push":
        return _push(args, settings)
    if args.command == "tail":
        return asyncio.run(_tail(args, settings))
    if args.command == "lag":
        return asyncio.run(_lag(args, settings))
    if args.command == "process":
        return _process(args, settings)
    if args.command == "tag":
        return _tag()
    from akhbar.demo import run_demo

    return run_demo(settings, args.folder)


def _topics(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from akhbar.client import create_topics

    if args.partitions:
        settings = replace(settings, partitions=args.partitions)
    created = asyncio.run(create_topics(settings))
    print(f"created {len(created)} topics: {', '.join(created) or '(all existed)'}")
    return 0


def _push(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from akhbar.client import push
    from akhbar.inputs import check_paths, count_articles, payloads

    check_paths(args.paths)
    topic = topic_name(settings, args.topic)
    skipped = _Skipped()
    terminal = sys.stderr.isatty()  # a bar in a log file or a pipe is noise
    total = count_articles(args.paths) if terminal else None
    with tqdm(unit=" articles", desc="push", total=total, disable=not terminal) as bar:
        sent = asyncio.run(push(settings, payloads(args.paths, source=args.source,
                                                   on_skip=skipped.add),
                                progress=bar.update, topic=topic))
    skipped.report(found=sent, paths=args.paths)
    print(f"sent {_articles(sent)} to {topic}")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


class ProgressLine:
    """Progress of a long run whose stderr is a log, not a terminal: one line every
    ``every`` seconds (none at all for a run shorter than that)."""

    def __init__(self, verb: str, *, every: float = 30.0,
                 clock: Callable[[], float] = time.monotonic, stream: TextIO | None = None):
        self.verb, self.every, self.clock = verb, every, clock
        self.stream = stream
        self.started = self.last = clock()
        self.done = 0

    def update(self, count: int = 1) -> None:
        self.done += count
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            rate = self.done / max(now - self.started, 1e-9)
            print(f"akhbar: {self.verb} {_articles(self.done)} so far ({rate:,.0f}/s)",
                  file=self.stream or sys.stderr, flush=True)


def _articles(count: int) -> str:
    return f"{count} article" if count == 1 else f"{count} articles"


class _Skipped:
    """Files of a folder that are not articles, reported once on stderr."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def add(self, path: Path) -> None:
        self.paths.append(path)

    def report(self, *, found: int, paths: Sequence[str]) -> None:
        from akhbar.core.errors import InputNotFound
        from akhbar.inputs import READABLE

        if self.paths:
            suffixes = sorted({p.suffix.lower() or "(none)" for p in self.paths})
            names = ", ".join(str(p) for p in self.paths[:5])
            more = f" and {len(self.paths) - 5} more" if len(self.paths) > 5 else ""
            print(f"akhbar: skipped {len(self.paths)} file{'s' if len(self.paths) != 1 else ''}"
                  f" with unsupported extensions ({', '.join(suffixes)}): {names}{more}",
                  file=sys.stderr)
        if not found and self.paths:
            raise InputNotFound(f"no articles found in {' '.join(paths)} (readable: "
                                f"{' '.join(sorted(READABLE))})")


async def _tail(args: argparse.Namespace, settings: Settings) -> int:
    from akhbar.client import as_json, tail

    out = sys.stdout.buffer
    async for message in tail(settings, topics=[topic_name(settings, args.topic)],
                              from_beginning=args.from_beginning, until_end=args.until_end,
                              max_records=args.max_records, idle_timeout=args.idle_timeout):
        out.write(orjson.dumps(as_json(message)) + b"\n")
        out.flush()
    return 0


async def _lag(args: argparse.Namespace, settings: Settings) -> int:
    from akhbar.client import lag

    rows = await lag(settings, args.groups)
    out = sys.stdout
    if args.json:
        for row in rows:
            out.write(orjson.dumps({**dataclasses.asdict(row), "lag": row.lag}).decode() + "\n")
        return 0
    header = ("GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG")
    table = [header] + [(r.group, r.topic, str(r.partition),
                         "-" if r.committed is None else str(r.committed), str(r.end),
                         str(r.lag)) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
                  + "\n")
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.group] = totals.get(row.group, 0) + row.lag
    out.write("total lag: " + ", ".join(f"{g} {n}" for g, n in totals.items()) + "\n")
    return 0


def _process(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from akhbar.batch import BatchPipeline, default_jobs
    from akhbar.inputs import check_paths, count_articles, payloads

    check_paths(args.paths)
    pipeline = BatchPipeline(settings)
    out = sys.stdout.buffer
    counts: dict[str, int] = {}
    skipped = _Skipped()
    terminal = sys.stderr.isatty()
    total = count_articles(args.paths) if terminal else None
    lines = pipeline.lines(payloads(args.paths, source=args.source, on_skip=skipped.add),
                           jobs=args.jobs or default_jobs())
    line = ProgressLine("processed")
    with tqdm(unit=" articles", desc="process", total=total, disable=not terminal) as bar:
        for kind, encoded in lines:
            counts[kind] = counts.get(kind, 0) + 1
            out.write(encoded + b"\n")
            bar.update()
            if not terminal:
                line.update()
    skipped.report(found=sum(counts.values()), paths=args.paths)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    print(f"processed {_articles(sum(counts.values()))}: {summary}", file=sys.stderr)
    return 0


def _tag() -> int:
    from akhbar.tagger import default_tagger

    text = sys.stdin.read()
    out = sys.stdout.buffer
    for entity in default_tagger().tag(text):
        out.write(orjson.dumps(entity.to_dict()) + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
