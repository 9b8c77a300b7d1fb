"""The worker's handler against the in-memory sink: routing, dead letters, output failures,
retries, metrics and carried headers, without a broker (tests/broker/ has the real one)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import orjson
import pytest
from aiokafka import errors as kafka_errors

from akhbar.config import Settings, Stage
from akhbar.core.errors import OutputUndeliverable
from akhbar.kafka.dead_letter import decode_headers
from akhbar.metrics import REGISTRY
from akhbar.records import schema_errors
from akhbar.workers.handler import Handler
from akhbar.workers.processors import processor_for
from akhbar.workers.sink import Incoming, MemorySink, Sent
from akhbar.workers.store import ChangelogStore
from tests.support.corpus import pseudo_articles, raw_record

SETTINGS = Settings(topic_prefix="u.", group_prefix="u-", produce_retries=2)
BODY = next(iter(pseudo_articles(1)))


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def message(value: bytes, *, offset: int = 0, key: bytes | None = None,
            headers: tuple[tuple[str, bytes], ...] = (), topic: str = "u.raw") -> Incoming:
    return Incoming(topic, 1, offset, 1_700_000_000_000 + offset, key, value, headers)


def handler(sink: MemorySink, stage: Stage = "clean", settings: Settings = SETTINGS,
            **kwargs: object) -> Handler:
    store = ChangelogStore("u-dedup-dedup-signatures-changelog") if stage == "dedup" else None
    return Handler(settings, stage, processor_for(settings, stage, store), sink,
                   backoff_seconds=0.0, changelog=store.drain if store is not None else None,
                   **kwargs)  # type: ignore[arg-type]


def failing(topic: str, *errors: BaseException) -> Iterator[BaseException | None]:
    """Responses for one topic: the given errors in turn, then success."""
    yield from errors
    while True:
        yield None


def respond_for(topic: str, responses: Iterator[BaseException | None]):  # type: ignore[no-untyped-def]
    def respond(record: Sent) -> BaseException | None:
        return next(responses) if record.topic == topic else None
    return respond


async def test_a_raw_article_is_cleaned_keyed_by_id_and_counted() -> None:
    sink = MemorySink()
    before = metric("akhbar_records_produced_total", stage="clean", topic="u.clean")
    consumed = metric("akhbar_records_consumed_total", stage="clean", topic="u.raw")
    await handler(sink).handle([message(orjson.dumps(raw_record("a-1", BODY)))])
    [out] = sink.delivered
    assert (out.topic, out.key) == ("u.clean", b"a-1")
    record = orjson.loads(out.value or b"")
    assert schema_errors("clean_article", record) == []
    assert record["ingested_at"] == 1_700_000_000.0  # the Kafka timestamp, not push's
    assert metric("akhbar_records_produced_total", stage="clean", topic="u.clean") == before + 1
    assert metric("akhbar_records_consumed_total", stage="clean", topic="u.raw") == consumed + 1


async def test_bad_input_is_dead_lettered_byte_for_byte_with_its_origin() -> None:
    sink = MemorySink()
    bad = b'{"id": "x", "title": '
    before = metric("akhbar_dead_letter_records_total", stage="clean", reason="invalid_json")
    await handler(sink).handle([message(bad, offset=7, key=b"x",
                                        headers=(("trace-id", b"t-1"),))])
    [letter] = sink.delivered
    assert (letter.topic, letter.key, letter.value) == ("u.dead-letter", b"x", bad)
    headers = decode_headers(letter.headers)
    assert schema_errors("dead_letter", headers) == []
    assert headers["akhbar.dlq.reason"] == "invalid_json"
    assert (headers["akhbar.dlq.topic"], headers["akhbar.dlq.partition"],
            headers["akhbar.dlq.offset"]) == ("u.raw", "1", "7")
    assert headers["akhbar.dlq.group"] == "u-clean"
    assert letter.headers[0] == ("trace-id", b"t-1")  # the producer's own header first
    assert metric("akhbar_dead_letter_records_total", stage="clean",
                  reason="invalid_json") == before + 1


async def test_a_record_over_the_record_limit_has_its_own_reason() -> None:
    sink = MemorySink()
    small = replace(SETTINGS, max_record_bytes=2000)
    big = orjson.dumps(raw_record("big", BODY * 3))
    await handler(sink, settings=small).handle([message(big)])
    [letter] = sink.delivered
    headers = decode_headers(letter.headers)
    assert headers["akhbar.dlq.reason"] == "record_too_large"
    assert "AKHBAR_MAX_RECORD_BYTES" in headers["akhbar.dlq.message"]
    assert letter.value == big


async def test_headers_travel_through_every_stage_but_ours_do_not() -> None:
    carried = (("trace-id", b"abc"), ("tenant", b"\x00\x01"), ("akhbar.dlq.reason", b"old"))
    sink = MemorySink()
    await handler(sink).handle([message(orjson.dumps(raw_record("h-1", BODY)),
                                        headers=carried)])
    [cleaned] = sink.delivered
    assert cleaned.headers == [("trace-id", b"abc"), ("tenant", b"\x00\x01")]
    dedup_sink = MemorySink()
    await handler(dedup_sink, "dedup").handle([message(
        cleaned.value or b"", key=cleaned.key, headers=tuple(cleaned.headers),
        topic="u.clean")])
    deduped = next(r for r in dedup_sink.delivered if r.topic == "u.deduped")
    assert deduped.headers == cleaned.headers
    tag_sink = MemorySink()
    await handler(tag_sink, "tag").handle([message(
        deduped.value or b"", key=deduped.key, headers=tuple(deduped.headers),
        topic="u.deduped")])
    [enriched] = tag_sink.delivered
    assert (enriched.topic, enriched.headers) == ("u.enriched", cleaned.headers)
    assert schema_errors("enriched_article", orjson.loads(enriched.value or b"")) == []


async def test_a_refused_output_is_not_retried_when_retrying_cannot_help() -> None:
    refused = kafka_errors.MessageSizeTooLargeError()
    sink = MemorySink(respond_for("u.clean", failing("u.clean", refused)))
    states: list[bool] = []
    before = metric("akhbar_output_failures_total", stage="clean", reason="too_large")
    value = orjson.dumps(raw_record("r-1", BODY))
    await handler(sink, on_delivering=states.append).handle([message(value, key=b"r-1")])
    assert [r.topic for r in sink.attempts] == ["u.clean", "u.dead-letter"]
    [letter] = sink.delivered
    headers = decode_headers(letter.headers)
    assert headers["akhbar.dlq.reason"] == "output_rejected"
    assert "MessageSizeTooLargeError" in headers["akhbar.dlq.message"]
    assert letter.value == value and letter.key == b"r-1"
    assert metric("akhbar_output_failures_total", stage="clean",
                  reason="too_large") == before + 1
    assert states[0] is False and states[-1] is True  # not ready while failing


async def test_a_retriable_failure_is_retried_and_then_delivered() -> None:
    flaky = kafka_errors.NotEnoughReplicasError()
    sink = MemorySink(respond_for("u.clean", failing("u.clean", flaky)))
    before = metric("akhbar_output_failures_total", stage="clean", reason="unavailable")
    await handler(sink).handle([message(orjson.dumps(raw_record("f-1", BODY)))])
    assert [r.topic for r in sink.attempts] == ["u.clean", "u.clean"]
    assert [r.topic for r in sink.delivered] == ["u.clean"]
    assert metric("akhbar_output_failures_total", stage="clean",
                  reason="unavailable") == before + 1


async def test_retries_are_bounded_then_the_input_is_dead_lettered() -> None:
    timeouts = [kafka_errors.KafkaTimeoutError() for _ in range(10)]
    sink = MemorySink(respond_for("u.clean", failing("u.clean", *timeouts)))
    before = metric("akhbar_output_failures_total", stage="clean", reason="timeout")
    await handler(sink).handle([message(orjson.dumps(raw_record("t-1", BODY)))])
    assert [r.topic for r in sink.attempts] == ["u.clean"] * 3 + ["u.dead-letter"]
    assert decode_headers(sink.delivered[0].headers)["akhbar.dlq.reason"] == "output_rejected"
    assert metric("akhbar_output_failures_total", stage="clean", reason="timeout") == before + 3


async def test_a_missing_topic_raised_by_send_is_an_output_failure() -> None:
    def respond(record: Sent) -> BaseException | None:
        return kafka_errors.UnknownTopicOrPartitionError() if record.topic == "u.clean" else None

    sink = MemorySink(respond, raise_on_send=True)
    before = metric("akhbar_output_failures_total", stage="clean", reason="topic_missing")
    await handler(sink).handle([message(orjson.dumps(raw_record("m-1", BODY)))])
    assert [r.topic for r in sink.delivered] == ["u.dead-letter"]
    assert metric("akhbar_output_failures_total", stage="clean",
                  reason="topic_missing") == before + 3  # retriable: 1 + 2 retries


async def test_when_the_dead_letter_fails_too_the_batch_is_undeliverable() -> None:
    def respond(record: Sent) -> BaseException | None:
        return kafka_errors.TopicAuthorizationFailedError()

    sink = MemorySink(respond)
    good = message(orjson.dumps(raw_record("g-1", BODY)), offset=0)
    with pytest.raises(OutputUndeliverable, match="dead letter too"):
        await handler(sink).handle([good])
    assert sink.delivered == []


async def test_a_rejected_record_whose_dead_letter_fails_is_undeliverable() -> None:
    sink = MemorySink(lambda record: kafka_errors.MessageSizeTooLargeError())
    with pytest.raises(OutputUndeliverable, match=r"dead letter for u\.raw"):
        await handler(sink).handle([message(b"not json")])


async def test_dedup_writes_its_state_changes_with_the_batch() -> None:
    sink = MemorySink()
    cleaned = MemorySink()
    await handler(cleaned).handle([message(orjson.dumps(raw_record(f"d-{i}", body)), offset=i)
                                   for i, body in enumerate(pseudo_articles(3))])
    batch = [message(r.value or b"", key=r.key, offset=i, topic="u.clean")
             for i, r in enumerate(cleaned.delivered)]
    await handler(sink, "dedup").handle(batch)
    state = sink.on("u-dedup-dedup-signatures-changelog")
    assert sorted(orjson.loads(r.key or b"") for r in state) == ["d-0", "d-1", "d-2"]
    restored = ChangelogStore("x")
    assert all(restored.load(r.key or b"", r.value) for r in state)
    assert sorted(restored) == ["d-0", "d-1", "d-2"]


async def test_dedup_state_that_cannot_be_written_stops_the_batch() -> None:
    cleaned = MemorySink()
    await handler(cleaned).handle([message(orjson.dumps(raw_record("s-1", BODY)))])
    refuse = respond_for("u-dedup-dedup-signatures-changelog",
                         failing("x", *[kafka_errors.KafkaTimeoutError()] * 5))
    sink = MemorySink(refuse)
    [record] = cleaned.delivered
    with pytest.raises(OutputUndeliverable, match="state record"):
        await handler(sink, "dedup").handle([message(record.value or b"", key=record.key,
                                                     topic="u.clean")])
    # nothing is visible downstream: a replay cannot contradict an output already out
    assert sink.topics() == []


async def test_dedup_state_is_in_the_broker_before_any_output_is_sent() -> None:
    cleaned = MemorySink()
    bodies = list(pseudo_articles(2))
    await handler(cleaned).handle([message(orjson.dumps(raw_record(f"o-{i}", body)), offset=i)
                                   for i, body in enumerate([bodies[0], bodies[1], bodies[0]])])
    sink = MemorySink()
    await handler(sink, "dedup").handle([message(r.value or b"", key=r.key, offset=i,
                                                 topic="u.clean")
                                         for i, r in enumerate(cleaned.delivered)])
    changelog = "u-dedup-dedup-signatures-changelog"
    kinds = [r.topic == changelog for r in sink.attempts]
    assert kinds == sorted(kinds, reverse=True) and kinds.count(True) == 2, kinds
    assert len(sink.on("u.duplicates")) == 1 and len(sink.on("u.deduped")) == 2


async def test_a_processing_bug_is_dead_lettered_as_processing_error() -> None:
    def broken(_message: Incoming) -> list[object]:
        raise ZeroDivisionError("bug")

    sink = MemorySink()
    worker = Handler(SETTINGS, "clean", broken, sink, backoff_seconds=0.0)  # type: ignore[arg-type]
    await worker.handle([message(b"{}")])
    assert decode_headers(sink.delivered[0].headers)["akhbar.dlq.reason"] == "processing_error"
