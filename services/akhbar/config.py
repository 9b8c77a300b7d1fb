"""The one settings object. The environment is read here and nowhere else.

Every field is read from an ``AKHBAR_``-prefixed variable named in its comment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from akhbar.core.errors import ConfigError

PREFIX = "AKHBAR_"
Stage = Literal["clean", "dedup", "tag"]
STAGES: tuple[Stage, ...] = get_args(Stage)
TopicRole = Literal["raw", "clean", "deduped", "enriched", "duplicates", "dead-letter"]
TOPIC_ROLES: tuple[TopicRole, ...] = get_args(TopicRole)
SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


class Secret(str):
    """A string that never shows itself in reprs or logs."""

    def __repr__(self) -> str:
        return "Secret('**********')" if self else "Secret('')"

    def reveal(self) -> str:
        return str.__str__(self)


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    """Deployment settings; build with :meth:`from_env`, never mutate (use ``replace``)."""

    bootstrap_servers: str = "127.0.0.1:9092"  # AKHBAR_BOOTSTRAP_SERVERS
    topic_prefix: str = "akhbar."  # AKHBAR_TOPIC_PREFIX
    partitions: int = 3  # AKHBAR_PARTITIONS: for `akhbar topics create`
    replication_factor: int = 1  # AKHBAR_REPLICATION_FACTOR
    group_prefix: str = "akhbar-"  # AKHBAR_GROUP_PREFIX: consumer group = prefix + stage
    data_dir: Path = Path("var")  # AKHBAR_DATA_DIR: local files (workers keep state in Kafka)
    http_host: str = "127.0.0.1"  # AKHBAR_HTTP_HOST: bind address of /metrics and health
    http_port: int = 0  # AKHBAR_HTTP_PORT: 0 = per-stage default (clean 9101 .. tag 9103)
    # AKHBAR_MAX_RECORD_BYTES: the largest raw record (key + value + headers) accepted: push
    # refuses larger ones, the clean worker dead-letters them (record_too_large). Every
    # topic's max.message.bytes, producer and fetch size follows (akhbar.kafka.sizes).
    max_record_bytes: int = 4_000_000
    max_body_bytes: int = 2_000_000  # AKHBAR_MAX_BODY_BYTES: larger bodies: body_too_large
    # AKHBAR_MAX_ENTITIES: entities kept per enriched article (title first, then body, in
    # text order); the record counts the rest in `entities_dropped`.
    max_entities: int = 10_000
    # AKHBAR_BATCH_MAX_RECORDS: records a worker takes per poll; the batch's offsets are
    # committed once all its outputs are acked. Batches form only under load.
    batch_max_records: int = 100
    # AKHBAR_PRODUCE_TIMEOUT_MS: how long one produce may take, the client's own retries of
    # retriable errors included, before it counts as failed.
    produce_timeout_ms: int = 30_000
    # AKHBAR_PRODUCE_RETRIES: further attempts after a retriable produce failure (timeout,
    # no leader, too few replicas, topic missing); then the input is dead-lettered.
    produce_retries: int = 2
    dedup_threshold: float = 0.8  # AKHBAR_DEDUP_THRESHOLD: estimated Jaccard for near-duplicates
    dedup_window_seconds: float = 7 * 86400.0  # AKHBAR_DEDUP_WINDOW_SECONDS
    log_level: str = "INFO"  # AKHBAR_LOG_LEVEL
    # AKHBAR_PRODUCER_LINGER_MS: how long a worker's producer waits to batch records into
    # one produce request. 10 saved ~0.3 ms CPU per record in a Faust no-op hop at full
    # speed, but in the pipeline at 40 articles/s it tripled p50 latency (22 -> 76 ms) for
    # no CPU gain (docs/benchmarks.md): 0 by default, raise it for bulk backfills.
    producer_linger_ms: int = 0
    # AKHBAR_CONNECT_TIMEOUT_SECONDS: how long a client command (push, tail, lag, topics)
    # waits for the first broker answer before it says the broker is unreachable.
    connect_timeout_seconds: float = 15.0
    security_protocol: SecurityProtocol = "PLAINTEXT"  # AKHBAR_SECURITY_PROTOCOL
    sasl_mechanism: SaslMechanism | None = None  # AKHBAR_SASL_MECHANISM
    sasl_username: str | None = None  # AKHBAR_SASL_USERNAME
    sasl_password: Secret = field(default_factory=lambda: Secret(""))  # AKHBAR_SASL_PASSWORD
    ssl_cafile: Path | None = None  # AKHBAR_SSL_CAFILE
    ssl_certfile: Path | None = None  # AKHBAR_SSL_CERTFILE
    ssl_keyfile: Path | None = None  # AKHBAR_SSL_KEYFILE

    def topic(self, role: TopicRole) -> str:
        """Topic name for a role, e.g. ``akhbar.raw``."""
        return f"{self.topic_prefix}{role}"

    def group(self, stage: Stage) -> str:
        return f"{self.group_prefix}{stage}"

    def port_for(self, stage: Stage) -> int:
        return self.http_port or {"clean": 9101, "dedup": 9102, "tag": 9103}[stage]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every ``AKHBAR_*`` variable; unknown ones are an error, not a silent typo."""
        env = os.environ if environ is None else environ
        known = {f.name for f in fields(cls)}
        values: dict[str, object] = {}
        for key, raw in env.items():
            if not key.startswith(PREFIX):
                continue
            name = key[len(PREFIX):].lower()
            if name not in known:
                if name.startswith(("kafka_", "test_", "bench_")):
                    continue  # read by scripts and tests, not by the service
                raise ConfigError(f"unknown setting {key}")
            values[name] = _parse(name, raw)
        settings = replace(cls(), **values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.partitions < 1 or self.replication_factor < 1:
            raise ConfigError("partitions and replication factor must be >= 1")
        if not 0 <= self.producer_linger_ms <= 1000:
            raise ConfigError("AKHBAR_PRODUCER_LINGER_MS must be in [0, 1000]")
        if self.connect_timeout_seconds <= 0:
            raise ConfigError("AKHBAR_CONNECT_TIMEOUT_SECONDS must be > 0")
        if self.max_record_bytes < 1024 or self.max_body_bytes < 1:
            raise ConfigError("AKHBAR_MAX_RECORD_BYTES must be >= 1024, "
                              "AKHBAR_MAX_BODY_BYTES >= 1")
        if self.max_entities < 0 or self.batch_max_records < 1 or self.produce_retries < 0:
            raise ConfigError("AKHBAR_MAX_ENTITIES and AKHBAR_PRODUCE_RETRIES must be >= 0, "
                              "AKHBAR_BATCH_MAX_RECORDS >= 1")
        if self.produce_timeout_ms < 100:
            raise ConfigError("AKHBAR_PRODUCE_TIMEOUT_MS must be >= 100")
        if not 0.0 < self.dedup_threshold <= 1.0:
            raise ConfigError("AKHBAR_DEDUP_THRESHOLD must be in (0, 1]")
        for name, kind in _field_types().items():  # also for values set in code (replace())
            choices = _literal_choices(kind)
            value = getattr(self, name)
            if choices and value not in choices:
                raise ConfigError(f"{PREFIX}{name.upper()}: {value!r} is not one of "
                                  f"{', '.join(str(c) for c in choices if c is not None)}")
        if self.security_protocol.startswith("SASL") and not (
            self.sasl_mechanism and self.sasl_username and self.sasl_password
        ):
            raise ConfigError("SASL needs AKHBAR_SASL_MECHANISM, _USERNAME and _PASSWORD")


def _parse(name: str, raw: str) -> object:
    """One value from its field's annotation: int, float, Path, Secret, str, a Literal, or
    ``X | None`` (an empty variable is ``None``). A new field needs no entry anywhere else."""
    return _convert(f"{PREFIX}{name.upper()}", _field_types()[name], raw)


@cache
def _field_types() -> dict[str, Any]:
    return get_type_hints(Settings)


def _literal_choices(kind: Any) -> tuple[object, ...]:
    """The allowed values of a ``Literal`` field (with ``None`` when it is optional)."""
    if get_origin(kind) is Literal:
        return get_args(kind)
    if get_origin(kind) in (Union, UnionType):
        choices = tuple(c for arg in get_args(kind) for c in _literal_choices(arg))
        return (*choices, None) if choices and type(None) in get_args(kind) else choices
    return ()


def _convert(var: str, kind: Any, raw: str) -> object:
    if get_origin(kind) in (Union, UnionType):
        options = [arg for arg in get_args(kind) if arg is not type(None)]
        if len(options) != 1:
            raise ConfigError(f"{var}: unsupported annotation {kind!r}")
        return None if raw == "" else _convert(var, options[0], raw)
    if get_origin(kind) is Literal:
        return raw  # validate() checks it against the choices, for env and code alike
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered not in _BOOLS:
            raise ConfigError(f"{var}: not a boolean (1/0, true/false, yes/no): {raw!r}")
        return _BOOLS[lowered]
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError as exc:
            raise ConfigError(f"{var}: not a number: {raw!r}") from exc
    if kind in (str, Path, Secret):
        return kind(raw)
    raise ConfigError(f"{var}: unsupported annotation {kind!r}")


_BOOLS = {"1": True, "true": True, "yes": True, "on": True,
          "0": False, "false": False, "no": False, "off": False}
