"""Structured JSON logs: one object per line, with ``article_id`` and ``stage`` when known."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson

_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class JsonFormatter(logging.Formatter):
    """Format records as JSON; extra fields given with ``extra=`` become keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


# HTML extraction libraries log ordinary bad input (empty trees, markup without text) at
# WARNING and ERROR. The worker dead-letters such input with its own WARNING line and
# reason, so their lines are DEBUG detail here, not errors.
CHATTY = ("trafilatura", "htmldate", "justext", "courlan")


class Demote(logging.Filter):
    """Re-level records of the ``CHATTY`` libraries to DEBUG; drop them unless DEBUG is on."""

    def __init__(self, level: str = "INFO") -> None:
        super().__init__()
        self.show: bool = logging.getLevelName(level.upper()) <= logging.DEBUG

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] not in CHATTY:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return self.show


def logging_config(level: str) -> dict[str, Any]:
    """A ``dictConfig`` that sends every logger (ours, aiokafka's, the libraries') through
    JSON on stderr; aiokafka below WARNING is noise at any level we run at."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"demote": {"()": Demote, "level": level}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr", "filters": ["demote"]}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {"aiokafka": {"level": "WARNING"}},
    }
