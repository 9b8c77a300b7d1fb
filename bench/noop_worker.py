"""The worker shell with nothing inside: ``akhbar worker clean`` whose processor does no work.

The shell's ceiling for ``bench/e2e.py``: the same runtime as a real worker (batched
aiokafka loop, handler, dead-letter handling, metrics, producer settings from
``AKHBAR_*``), but the processor only reads the article id and emits ``{"id": ...}`` to
the clean topic. Its CPU per record is what one stage costs before any text processing.
Run it as the clean worker would be:

    AKHBAR_TOPIC_PREFIX=bench1. .venv/bin/python -m bench.noop_worker
"""

from __future__ import annotations

import sys

import orjson

from akhbar.cli import main
from akhbar.config import Settings
from akhbar.workers import processors
from akhbar.workers.sink import Incoming


def noop_processor(_settings: Settings) -> processors.Processor:
    def process(message: Incoming) -> list[processors.Output]:
        article_id = str(orjson.loads(message.value or b"")["id"])
        return [processors.Output("clean", article_id.encode(),
                                  orjson.dumps({"id": article_id}))]

    return process


if __name__ == "__main__":
    processors.clean_processor = noop_processor
    sys.exit(main(["worker", "clean"]))
