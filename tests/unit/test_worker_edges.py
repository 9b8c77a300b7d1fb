"""The worker's edges without a broker: /metrics and health, per-stage series, the size
policy, bounded entity lists, the structural check, ports in use, logs."""

from __future__ import annotations

import gzip
import http.client
import io
import json
import logging
import logging.config
import socket

import orjson
import pytest

from akhbar.config import Settings
from akhbar.core.errors import PortInUse
from akhbar.kafka.sizes import SizePolicy, record_size
from akhbar.kafka.topics import wanted_configs
from akhbar.logs import logging_config
from akhbar.metrics import REGISTRY, stage_registry
from akhbar.records import conforms, decode_trusted
from akhbar.stages import bound_entities
from akhbar.workers.health import HealthState, serve


def _request(port: int, method: str, path: str,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        conn.close()


@pytest.fixture
def server() -> object:
    state = HealthState(alive=True, started=True, partitions=3)
    running = serve("127.0.0.1", 0, state, stage_registry("tag"))
    running.state = state  # type: ignore[attr-defined]
    yield running
    running.shutdown()
    running.server_close()


def test_metrics_negotiate_openmetrics_gzip_and_head(server: object) -> None:
    port = server.server_address[1]  # type: ignore[attr-defined]
    status, headers, body = _request(port, "GET", "/metrics")
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
    assert b"akhbar_entities_total" in body
    status, headers, body = _request(port, "GET", "/metrics", {
        "Accept": "application/openmetrics-text; version=1.0.0"})
    assert headers["content-type"].startswith("application/openmetrics-text")
    assert body.rstrip().endswith(b"# EOF")
    status, headers, body = _request(port, "GET", "/metrics", {"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    assert b"akhbar_worker_ready" in gzip.decompress(body)
    status, headers, body = _request(port, "HEAD", "/metrics")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    status, _, body = _request(port, "GET", "/metrics?name[]=akhbar_build_info")
    assert b"akhbar_build_info" in body and b"akhbar_entities_total" not in body


def test_each_stage_exports_its_own_series_and_the_process_collector() -> None:
    def names(stage: str) -> set[str]:
        return {family.name for family in stage_registry(stage).collect()}  # type: ignore[arg-type]

    clean, dedup, tag = names("clean"), names("dedup"), names("tag")
    assert "process_cpu_seconds" in clean and "process_open_fds" in clean
    assert "process_resident_memory_bytes" in tag
    for own, stage in (("akhbar_dedup_index_entries", dedup), ("akhbar_duplicates", dedup),
                       ("akhbar_end_to_end_latency_seconds", tag), ("akhbar_entities", tag)):
        assert own in stage
        assert own not in clean
    assert "akhbar_end_to_end_latency_seconds" not in dedup
    assert "akhbar_dedup_index_entries" not in tag
    every = {family.name for family in REGISTRY.collect()}
    assert (clean | dedup | tag) - every == {n for n in clean if n.startswith(("process_",))}


def test_readiness_needs_partitions_the_broker_and_delivery(server: object) -> None:
    port = server.server_address[1]  # type: ignore[attr-defined]
    state: HealthState = server.state  # type: ignore[attr-defined]
    assert _request(port, "GET", "/readyz")[:1] == (200,)
    assert _request(port, "GET", "/readyz")[2].startswith(b"3 partitions assigned")
    state.delivering = False
    status, _, body = _request(port, "GET", "/readyz")
    assert status == 503 and b"outputs failing" in body
    state.delivering, state.partitions = True, 0
    assert _request(port, "GET", "/readyz")[0] == 503
    state.partitions, state.reachable = 3, False
    assert b"broker unreachable" in _request(port, "GET", "/readyz")[2]
    assert _request(port, "HEAD", "/healthz")[0] == 200


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse, match=f"127.0.0.1:{port} is already in use"):
            serve("127.0.0.1", port, HealthState(), stage_registry("clean"))


def test_the_size_policy_follows_the_record_limit() -> None:
    policy = SizePolicy.of(Settings(max_record_bytes=4_000_000))
    assert policy.topic_limit("raw") == 4_000_000 + 1024
    assert policy.output == 4_000_000 + 16 * 1024
    assert policy.topic_limit("enriched") == policy.topic_limit("dead-letter") == policy.message
    assert policy.message - policy.output >= 8 * 1024  # room for dead-letter headers
    small = Settings(max_record_bytes=10_000)
    assert wanted_configs(small, "raw") == {"max.message.bytes": "11024"}
    assert wanted_configs(small, None, {"cleanup.policy": "compact"}) == {
        "max.message.bytes": str(10_000 + 32 * 1024), "cleanup.policy": "compact"}
    assert record_size(b"k", b"vv", [("h", b"123")]) == 1 + 2 + 1 + 3


def _enriched(title: int, body: int) -> dict[str, object]:
    def entity(i: int) -> dict[str, object]:
        return {"type": "LOC", "text": "موسكو", "start": i, "end": i + 5,
                "canonical": "موسكو", "id": "Q649", "source": "gazetteer"}

    return {"id": "x", "text": "t" * 100, "title_entities": [entity(i) for i in range(title)],
            "entities": [entity(i) for i in range(body)]}


def test_entities_are_capped_by_count_title_first() -> None:
    out = bound_entities(_enriched(3, 10), max_entities=5, max_bytes=10**9)
    assert (len(out["title_entities"]), len(out["entities"])) == (3, 2)
    assert out["entities"] == _enriched(3, 10)["entities"][:2]  # the first ones, in order
    assert out["entities_dropped"] == 8
    untouched = bound_entities(_enriched(1, 2), max_entities=5, max_bytes=10**9)
    assert "entities_dropped" not in untouched


def test_entities_are_cut_to_fit_the_byte_limit() -> None:
    record = _enriched(2, 500)
    full = len(orjson.dumps(record))
    out = bound_entities(record, max_entities=10_000, max_bytes=full // 2)
    assert len(orjson.dumps(out)) <= full // 2
    assert len(out["title_entities"]) == 2 and 200 < len(out["entities"]) < 260
    assert out["entities_dropped"] == 500 - len(out["entities"])
    bare = bound_entities(record, max_entities=10_000, max_bytes=150)
    assert bare["entities"] == [] and bare["title_entities"] == []
    assert bare["entities_dropped"] == 502


def test_the_structural_check_between_stages() -> None:
    good = {"id": "a", "url": None, "source": "s", "title": "", "text": "نص",
            "content_type": "text/plain", "published_at": None, "language": "ar",
            "arabic_ratio": 1, "removed": {}, "ingested_at": None}
    assert conforms("clean_article", good)
    assert decode_trusted(orjson.dumps(good), "clean_article") == good
    for broken in ({**good, "text": 5}, {**good, "content_type": "text/xml"},
                   {k: v for k, v in good.items() if k != "id"}, {**good, "arabic_ratio": True},
                   [good]):
        assert not conforms("clean_article", broken)
    with pytest.raises(Exception, match="schema_violation"):
        decode_trusted(orjson.dumps({**good, "text": 5}), "clean_article")
    with pytest.raises(Exception, match="invalid_utf8"):
        decode_trusted(b'{"id": "\xff"}', "clean_article")
    assert not conforms("deduped_article", good)  # content_hash and dedup are required


def test_html_extraction_complaints_are_not_errors(capsys: pytest.CaptureFixture[str]) -> None:
    stream = io.StringIO()
    config = logging_config("INFO")
    config["handlers"]["stderr"]["stream"] = stream
    logging.config.dictConfig(config)
    logging.getLogger("trafilatura.utils").error("parsed tree length: 0, wrong data type")
    logging.getLogger("akhbar.worker").error("a real one")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(e["logger"], e["level"]) for e in lines] == [("akhbar.worker", "error")]
    debug = logging_config("DEBUG")
    debug["handlers"]["stderr"]["stream"] = stream = io.StringIO()
    logging.config.dictConfig(debug)
    logging.getLogger("trafilatura.core").warning("discarding data: None")
    assert json.loads(stream.getvalue())["level"] == "debug"
    logging.config.dictConfig(logging_config("WARNING"))


def test_the_changelog_store_round_trips_and_reads_faust_s_format() -> None:
    from akhbar.workers.store import ChangelogStore

    store = ChangelogStore("t")
    store["a"] = {"hash": "h1", "sig": [1, 2], "algo": "v", "ts": 1.0}
    store["b"] = {"hash": "h2", "sig": None, "algo": "v", "ts": 2.0}
    del store["b"]
    store["a"] = {"hash": "h3", "sig": None, "algo": "v", "ts": 3.0}
    changes = store.drain()
    assert [(c.key, c.value is None) for c in changes] == [(b'"a"', False), (b'"b"', True)]
    assert store.drain() == []  # one record per key per batch, then nothing pending
    copy = ChangelogStore("t")
    for change in changes:
        assert copy.load(change.key or b"", change.value)
    assert dict(copy) == {"a": {"hash": "h3", "sig": None, "algo": "v", "ts": 3.0}}
    # what the Faust table (key_type=str, json values) wrote before: same bytes
    assert copy.load(b'"old-1"', b'{"hash":"ab","sig":[1,2],"algo":"v","ts":1.5}')
    assert copy["old-1"]["hash"] == "ab"
    assert not copy.load(b"not json", b"{}") and not copy.load(b'"x"', b'{"no": "hash"}')
