"""Prometheus metrics of akhbar, defined once. Base units, ``_total`` counters, bounded labels.

Labels: ``stage`` (clean|dedup|tag|push), ``topic`` (our topic names), ``reason`` (the fixed
dead-letter enum), ``kind`` (exact|near), ``type`` (PER|LOC|ORG), ``partition`` (bounded by the
partition count). Faust's own sensors are not exported: their names and units differ.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from akhbar import __version__

REGISTRY = CollectorRegistry(auto_describe=True)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_PROCESSING_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                       0.1, 0.25, 0.5, 1.0)

BUILD_INFO = Gauge("akhbar_build_info", "Always 1; labels carry the version.",
                   ["version"], registry=REGISTRY)
WORKER_UP = Gauge("akhbar_worker_up", "1 while the worker runs.", ["stage"], registry=REGISTRY)
WORKER_READY = Gauge("akhbar_worker_ready", "1 while partitions are assigned and the broker "
                     "answers.", ["stage"], registry=REGISTRY)
CONSUMED = Counter("akhbar_records_consumed_total", "Records read from a topic.",
                   ["stage", "topic"], registry=REGISTRY)
PRODUCED = Counter("akhbar_records_produced_total", "Records written to a topic.",
                   ["stage", "topic"], registry=REGISTRY)
CONSUMED_BYTES = Counter("akhbar_consumed_bytes_total", "Bytes of record values read.",
                         ["stage"], registry=REGISTRY)
DEAD_LETTERS = Counter("akhbar_dead_letter_records_total", "Records sent to the dead-letter "
                       "topic.", ["stage", "reason"], registry=REGISTRY)
DUPLICATES = Counter("akhbar_duplicates_total", "Articles routed to the duplicates topic.",
                     ["kind"], registry=REGISTRY)
# source: "gazetteer" (a known name, canonical id) or "model" (found by the CRF only); a
# falling gazetteer share means news about names the gazetteer does not know.
ENTITIES = Counter("akhbar_entities_total", "Entities tagged.", ["type", "source"],
                   registry=REGISTRY)
PROCESSING_SECONDS = Histogram("akhbar_processing_seconds", "Core processing time per record.",
                               ["stage"], buckets=_PROCESSING_BUCKETS, registry=REGISTRY)
END_TO_END_SECONDS = Histogram("akhbar_end_to_end_latency_seconds", "From ingested_at (push) "
                               "to the enriched record being produced.",
                               buckets=_LATENCY_BUCKETS, registry=REGISTRY)
CONSUMER_LAG = Gauge("akhbar_consumer_lag_records", "High watermark minus next offset to read.",
                     ["stage", "topic", "partition"], registry=REGISTRY)
DEDUP_INDEX_SIZE = Gauge("akhbar_dedup_index_entries", "Signatures in the near-dup index.",
                         registry=REGISTRY)

BUILD_INFO.labels(version=__version__).set(1)
