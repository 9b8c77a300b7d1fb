"""The ``akhbar`` command: workers, topics, push, tail, batch processing, tagging, demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import orjson

from akhbar import __version__
from akhbar.config import STAGES, TOPIC_ROLES, Settings
from akhbar.core.errors import AkhbarError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description=__doc__)
    parser.add_argument("--version", action="version", version=f"akhbar {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="on an error, print the traceback and the Kafka client's logs")
    sub = parser.add_subparsers(dest="command", required=True)

    topics = sub.add_parser("topics", help="manage the pipeline's topics")
    topics.add_argument("action", choices=["create"])
    topics.add_argument("--partitions", type=int, help="default: AKHBAR_PARTITIONS (3)")

    worker = sub.add_parser("worker", help="run one stage (its own consumer group)")
    worker.add_argument("stage", choices=STAGES)

    push = sub.add_parser("push", help="send articles (text, HTML, JSON/JSONL, folders, -)")
    push.add_argument("paths", nargs="+")
    push.add_argument("--source", default="file", help="source name for text/HTML files")

    tail = sub.add_parser("tail", help="print records of a topic as JSON lines")
    tail.add_argument("--topic", choices=TOPIC_ROLES, default="enriched")
    tail.add_argument("--from-beginning", action="store_true")
    tail.add_argument("--max", type=int, dest="max_records")
    tail.add_argument("--idle-timeout", type=float, help="stop after this many idle seconds")

    process = sub.add_parser("process", help="clean, dedup and tag in-process (no Kafka)")
    process.add_argument("paths", nargs="+")
    process.add_argument("--source", default="file")

    sub.add_parser("tag", help="tag entities in text read from stdin; JSON lines out")

    demo = sub.add_parser("demo", help="broker + workers + push the samples + show results")
    demo.add_argument("folder", nargs="?", default=None)
    return parser


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
    from akhbar.inputs import check_paths, payloads

    check_paths(args.paths)
    skipped = _Skipped()
    with tqdm(unit=" articles", desc="push", disable=not sys.stderr.isatty()) as bar:
        sent = asyncio.run(push(settings, payloads(args.paths, source=args.source,
                                                   on_skip=skipped.add),
                                progress=bar.update))
    skipped.report(found=sent, paths=args.paths)
    print(f"sent {_articles(sent)} to {settings.topic('raw')}")
    return 0


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
    async for message in tail(settings, roles=(args.topic,), from_beginning=args.from_beginning,
                              max_records=args.max_records, idle_timeout=args.idle_timeout):
        out.write(orjson.dumps(as_json(message)) + b"\n")
        out.flush()
    return 0


def _process(args: argparse.Namespace, settings: Settings) -> int:
    from akhbar.batch import BatchPipeline
    from akhbar.inputs import payloads

    pipeline = BatchPipeline(settings)
    out = sys.stdout.buffer
    counts: dict[str, int] = {}
    skipped = _Skipped()
    for record in pipeline.process(payloads(args.paths, source=args.source,
                                            on_skip=skipped.add)):
        kind = record["dedup"]["status"] if "dedup" in record else "rejected"
        counts[kind] = counts.get(kind, 0) + 1
        out.write(orjson.dumps(record) + b"\n")
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
