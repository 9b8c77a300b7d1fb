"""akhbar: streaming ingestion of Arabic news (clean, dedup, tag) on Kafka."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("akhbar")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
