"""Prometheus metrics of akhbar, defined once. Base units, ``_total`` counters, bounded labels.

Labels: ``stage`` (clean|dedup|tag), ``topic`` (our topic names), ``reason`` (the fixed
dead-letter enum, or :data:`OUTPUT_FAILURE_REASONS` for output failures), ``kind``
(exact|near), ``type`` (PER|LOC|ORG), ``source`` (gazetteer|model), ``partition`` (bounded
by the partition count).

:data:`REGISTRY` holds every akhbar family (what the deploy tests check the alerts and the
dashboard against). A worker serves :func:`stage_registry`: the families of its own stage
only, plus the process collector (CPU, memory, open file descriptors).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.registry import Collector

from akhbar import __version__
from akhbar.config import Stage

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_PROCESSING_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                       0.1, 0.25, 0.5, 1.0)
# Why an output could not be produced, from the client's exception (workers.handler).
OUTPUT_FAILURE_REASONS = ("too_large", "topic_missing", "not_authorized", "timeout",
                          "unavailable", "other")

BUILD_INFO = Gauge("akhbar_build_info", "Always 1; labels carry the version.",
                   ["version"], registry=None)
WORKER_UP = Gauge("akhbar_worker_up", "1 while the worker runs.", ["stage"], registry=None)
WORKER_READY = Gauge("akhbar_worker_ready", "1 while the stage's source partitions are "
                     "assigned, the broker answers and outputs are delivered.", ["stage"],
                     registry=None)
CONSUMED = Counter("akhbar_records_consumed_total", "Records read from a topic.",
                   ["stage", "topic"], registry=None)
PRODUCED = Counter("akhbar_records_produced_total", "Records written to a topic.",
                   ["stage", "topic"], registry=None)
CONSUMED_BYTES = Counter("akhbar_consumed_bytes_total", "Bytes of record values read.",
                         ["stage"], registry=None)
DEAD_LETTERS = Counter("akhbar_dead_letter_records_total", "Records sent to the dead-letter "
                       "topic.", ["stage", "reason"], registry=None)
OUTPUT_FAILURES = Counter("akhbar_output_failures_total", "Produce attempts the broker or the "
                          "client refused (each retry counts); after the last one the input "
                          "is dead-lettered as output_rejected.", ["stage", "reason"],
                          registry=None)
PROCESSING_SECONDS = Histogram("akhbar_processing_seconds", "Core processing time per record.",
                               ["stage"], buckets=_PROCESSING_BUCKETS, registry=None)
CONSUMER_LAG = Gauge("akhbar_consumer_lag_records", "High watermark minus next offset to read.",
                     ["stage", "topic", "partition"], registry=None)
DUPLICATES = Counter("akhbar_duplicates_total", "Articles routed to the duplicates topic.",
                     ["kind"], registry=None)
DEDUP_INDEX_SIZE = Gauge("akhbar_dedup_index_entries", "Signatures in the near-dup index.",
                         registry=None)
# source: "gazetteer" (a known name, canonical id) or "model" (found by the CRF only); a
# falling gazetteer share means news about names the gazetteer does not know.
ENTITIES = Counter("akhbar_entities_total", "Entities tagged.", ["type", "source"],
                   registry=None)
ENTITIES_DROPPED = Counter("akhbar_entities_dropped_total", "Entities left out of enriched "
                           "records to keep them within AKHBAR_MAX_ENTITIES and the record "
                           "size limit.", registry=None)
END_TO_END_SECONDS = Histogram("akhbar_end_to_end_latency_seconds", "From ingested_at (push) "
                               "to the enriched record being produced.",
                               buckets=_LATENCY_BUCKETS, registry=None)

_COMMON: tuple[Collector, ...] = (BUILD_INFO, WORKER_UP, WORKER_READY, CONSUMED, PRODUCED,
                                  CONSUMED_BYTES, DEAD_LETTERS, OUTPUT_FAILURES,
                                  PROCESSING_SECONDS, CONSUMER_LAG)
_OWN: dict[Stage, tuple[Collector, ...]] = {
    "clean": (),
    "dedup": (DUPLICATES, DEDUP_INDEX_SIZE),
    "tag": (ENTITIES, ENTITIES_DROPPED, END_TO_END_SECONDS),
}


def _registry(collectors: tuple[Collector, ...]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=True)
    for collector in collectors:
        registry.register(collector)
    return registry


REGISTRY = _registry(_COMMON + tuple(c for own in _OWN.values() for c in own))


def stage_registry(stage: Stage) -> CollectorRegistry:
    """What the worker of ``stage`` serves on /metrics."""
    registry = _registry(_COMMON + _OWN[stage])
    ProcessCollector(registry=registry)
    return registry


BUILD_INFO.labels(version=__version__).set(1)
