"""Bad input is contained: >= 1,000 malformed records interleaved with valid ones.

A seeded generator makes malformed records of every kind we know (invalid JSON and UTF-8,
wrong types, missing fields, oversized bodies and records (pushed past `akhbar push`'s own
size check, as another producer would), JSON nested past orjson's
limit, HTML bombs, control characters). Each must land in the dead-letter topic with its
original bytes, the raw topic/partition/offset it came from and the expected reason; every
valid record pushed between them (Arabic, and non-Arabic text, which is not malformed)
must reach enriched: the workers keep consuming.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer

from akhbar.client import _all_partitions, push
from akhbar.config import Settings
from akhbar.core.errors import REASONS, Reason
from akhbar.kafka.connection import aiokafka_options
from akhbar.kafka.topics import ensure_topics
from tests.broker.relbroker import ChaosWorkers, Outputs, distinct_bodies, read_outputs
from tests.support.corpus import raw_record

pytestmark = pytest.mark.slow  # over 30 s or a chaos run: tests/README.md

MAX_BODY = 250_000
MAX_RECORD = 300_000
LIMITS = {"AKHBAR_MAX_BODY_BYTES": str(MAX_BODY), "AKHBAR_MAX_RECORD_BYTES": str(MAX_RECORD)}
MALFORMED = 1000
SEED = 20261125

LATIN = ("the minister said on tuesday that talks on water and trade would continue next "
         "week in the capital while markets rose after the central bank kept rates")
CYRILLIC = "министр заявил что переговоры продолжатся на следующей неделе в столице"
CJK = "部长周二表示关于水和贸易的谈判将于下周在首都继续进行市场上涨"


@dataclass(frozen=True, slots=True)
class Case:
    payload: bytes
    kind: str
    reason: Reason | None  # None: valid, must reach enriched
    article_id: str | None = None
    arabic: bool = True


def _valid(index: int, body: str) -> bytes:
    return orjson.dumps(raw_record(f"ok-{index}", body))


def _foreign(rng: random.Random, index: int) -> tuple[str, str]:
    script = index % 3
    if script == 0:
        words = [rng.choice(LATIN.split()) for _ in range(rng.randint(40, 120))]
    elif script == 1:
        words = [rng.choice(CYRILLIC.split()) for _ in range(rng.randint(40, 120))]
    else:
        words = ["".join(rng.choice(CJK) for _ in range(rng.randint(2, 6)))
                 for _ in range(rng.randint(40, 120))]
    return f"foreign-{index}", " ".join(words) + f" {index}."


def _bad(rng: random.Random, index: int, body: str) -> Case:
    """One malformed record; its bytes are unique (the index is in them)."""
    good = raw_record(f"bad-{index}", body)
    kind = rng.choice(KINDS)
    if kind == "truncated_json":
        data = orjson.dumps(good)
        cut = rng.randint(1, len(data) - 1)
        while (data[cut] & 0xC0) == 0x80:  # never inside a UTF-8 sequence
            cut -= 1
        return Case(data[:cut] + b" %d" % index, kind, "invalid_json")
    if kind == "not_json":
        junk = rng.choice([b"{'id': 'x%d'}", b"[1, 2,, %d]", b"NaN %d", b"{\"a\": %d}}",
                           b"<html>%d</html>", b"\x00\x01 %d"])
        return Case(junk % index, kind, "invalid_json")
    if kind == "invalid_utf8":
        data = orjson.dumps(good)
        cut = data.index(b'"body":"') + 8 + rng.randint(0, 20)
        bad = rng.choice([b"\xff", b"\xc0\xaf", b"\x80", b"\xed\xa0\x80", b"\xd8"])
        return Case(data[:cut] + bad + data[cut:], kind, "invalid_utf8")
    if kind == "wrong_type":
        field, value = rng.choice([("body", index), ("body", [body]), ("body", None),
                                   ("title", 3.5), ("content_type", "text/xml"),
                                   ("id", f"has spaces {index}"), ("published_at", 2024),
                                   ("source", {"n": index}), ("meta", [index])])
        return Case(orjson.dumps({**good, field: value}), kind, "schema_violation")
    if kind == "missing_field":
        record = dict(good)
        del record[rng.choice(["url", "source", "title", "body", "content_type",
                               "published_at"])]
        return Case(orjson.dumps(record), kind, "schema_violation")
    if kind == "not_object":
        value = rng.choice([[good], f"text {index}", index, None, True])
        data = orjson.dumps(value)
        return Case(data if value is not None and not isinstance(value, bool)
                    else data + b" " * (index + 1), kind, "schema_violation")
    if kind == "extra_field":
        return Case(orjson.dumps({**good, f"x{index}": 1}), kind, "schema_violation")
    if kind == "deep_json":  # orjson refuses nesting deeper than 1024
        depth = rng.randint(1100, 3000)
        data = orjson.dumps(good)[:-1] + b',"meta":{"d":' + b"[" * depth + b"]" * depth + b"}}"
        return Case(data, kind, "invalid_json")
    if kind == "huge_body":
        pad = "ث" * (MAX_BODY // 2 + rng.randint(1, 5000))
        return Case(orjson.dumps({**good, "body": body + pad}), kind, "body_too_large")
    if kind == "huge_record":  # over the limit, but within what the raw topic accepts
        base = len(orjson.dumps({**good, "meta": {"pad": ""}}))
        pad = "x" * (MAX_RECORD - base + rng.randint(1, 800))
        return Case(orjson.dumps({**good, "meta": {"pad": pad}}), kind, "record_too_large")
    if kind == "control_chars":
        junk = "".join(chr(rng.choice([*range(0, 9), *range(14, 32), 0x7f, 0x200b, 0xfeff]))
                       for _ in range(rng.randint(5, 200)))
        return Case(orjson.dumps({**good, "body": junk}), kind, "empty_after_cleaning")
    if kind == "html_deep":  # more elements than MAX_ELEMENTS
        depth = rng.randint(21_000, 30_000)
        html = "<html><body>" + "<b>" * depth + body[:200] + "</b>" * depth + "</body></html>"
        return Case(orjson.dumps({**good, "body": html, "content_type": "text/html"}), kind,
                    "html_extraction_failed")
    if kind == "html_attr":  # a huge attribute and no text
        attr = "A" * rng.randint(20_000, 60_000)
        html = f'<html><body><div data-x="{attr}" title="{attr[:5000]}"></div></body></html>'
        return Case(orjson.dumps({**good, "body": html, "content_type": "text/html"}), kind,
                    "html_extraction_failed")
    assert kind == "html_empty"  # markup with no text at all
    html = f"<html><head><script>var a={index};</script></head><body>" + "<br/>" * 50 + \
        "</body></html>"
    return Case(orjson.dumps({**good, "body": html, "content_type": "text/html"}), kind,
                "html_extraction_failed")


# HTML bombs are slow to parse by design (that is what they test): keep them rare
KINDS = [*["truncated_json", "not_json", "invalid_utf8", "wrong_type", "missing_field",
           "not_object", "extra_field", "control_chars", "html_empty"] * 6,
         "deep_json", "deep_json", "huge_body", "huge_record", "html_deep", "html_attr"]


def build_cases(malformed: int, seed: int) -> list[Case]:
    """Malformed records, with a valid one (Arabic or, every 4th, another script) after
    every third malformed one."""
    rng = random.Random(seed)
    bodies = distinct_bodies(malformed + malformed // 3 + 1, seed)
    cases: list[Case] = []
    for index in range(malformed):
        cases.append(_bad(rng, index, bodies[index]))
        if index % 3 == 2:
            if index % 4 == 0:
                fid, text = _foreign(rng, index)
                cases.append(Case(orjson.dumps(raw_record(fid, text)), "foreign", None,
                                  fid, arabic=False))
            else:
                cases.append(Case(_valid(index, bodies[malformed + index // 3]), "valid",
                                  None, f"ok-{index}"))
    return cases


async def _raw_by_position(settings: Settings) -> dict[tuple[int, int], bytes]:
    """Every record of the raw topic by (partition, offset)."""
    consumer = AIOKafkaConsumer(**aiokafka_options(settings), enable_auto_commit=False,
                                group_id=None, max_partition_fetch_bytes=4 * 1024 * 1024)
    await consumer.start()
    found: dict[tuple[int, int], bytes] = {}
    try:
        tps = await _all_partitions(consumer, [settings.topic("raw")])
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            for messages in (await consumer.getmany(timeout_ms=1000)).values():
                for m in messages:
                    found[(m.partition, m.offset)] = m.value
    finally:
        await consumer.stop()
    return found


async def test_malformed_records_are_dead_lettered_and_valid_ones_flow(
    broker: str, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    settings = Settings(bootstrap_servers=broker, topic_prefix=f"f{tag}.", group_prefix=f"f{tag}-",
                        data_dir=tmp_path / "state", partitions=3)
    settings = replace(settings, max_record_bytes=MAX_RECORD, max_body_bytes=MAX_BODY)
    await ensure_topics(settings)
    cases = build_cases(MALFORMED, SEED)
    bad = [c for c in cases if c.reason is not None]
    good = [c for c in cases if c.reason is None]
    assert len(bad) >= 1000 and len({c.payload for c in cases}) == len(cases)
    assert {c.kind for c in bad} == set(KINDS)

    workers = ChaosWorkers(settings, tmp_path / "logs", extra_env=LIMITS)
    try:
        workers.start("clean", "dedup", "tag")
        # another producer than `akhbar push`, which would refuse the oversized records
        await push(replace(settings, max_record_bytes=2 * MAX_RECORD),
                   [c.payload for c in cases])
        out = await _wait(settings, {c.article_id for c in good if c.article_id}, len(bad))
        alive = {stage: proc.poll() is None for stage, proc in workers.procs.items()}
    finally:
        workers.stop_all()
    assert alive == {"clean": True, "dedup": True, "tag": True}

    # every malformed record: in the dead-letter topic, byte for byte, with its origin
    raw = await _raw_by_position(settings)
    letters = {(h["akhbar.dlq.partition"], h["akhbar.dlq.offset"]): h for h in out.dead_headers}
    by_value = {raw[(int(p), int(o))]: h for (p, o), h in letters.items()}
    missing = [c.kind for c in bad if c.payload not in out.dead_values]
    assert missing == [], f"{len(missing)} malformed records not dead-lettered: {missing[:20]}"
    wrong: list[str] = []
    for case in bad:
        headers = by_value.get(case.payload)  # its source position holds these very bytes
        if headers is None:
            wrong.append(f"{case.kind}: no dead letter points at its raw offset")
            continue
        if headers["akhbar.dlq.reason"] != case.reason:
            wrong.append(f"{case.kind}: {headers['akhbar.dlq.reason']} != {case.reason}"
                         f" ({headers['akhbar.dlq.message'][:120]})")
        if headers["akhbar.dlq.topic"] != settings.topic("raw") or \
                headers["akhbar.dlq.stage"] != "clean":
            wrong.append(f"{case.kind}: origin {headers['akhbar.dlq.topic']}")
    assert wrong == [], "\n".join(wrong[:30])
    assert all(h["akhbar.dlq.reason"] in REASONS for h in out.dead_headers)
    assert set(out.dead_values) == {c.payload for c in bad}  # nothing valid dead-lettered

    # every valid record in between reached enriched; other scripts are not "ar"
    enriched = {r["id"]: r for r in out.records["enriched"]}
    duplicates = {r["id"] for r in out.records.get("duplicates", [])}
    assert {c.article_id for c in good} == set(enriched) | duplicates
    assert duplicates <= {c.article_id for c in good if not c.arabic}  # word-salad may repeat
    languages = {c.article_id: enriched[c.article_id]["language"] for c in good
                 if c.article_id in enriched}
    foreign = {aid: lang for aid, lang in languages.items() if aid.startswith("foreign-")}
    assert len(foreign) >= 50 and "ar" not in foreign.values(), foreign
    assert {lang for aid, lang in languages.items() if aid.startswith("ok-")} == {"ar"}


async def _wait(settings: Settings, ids: set[str | None], dead: int,
                deadline_s: float = 200.0) -> Outputs:
    started = time.monotonic()
    while True:
        out = await read_outputs(settings, idle=2.0)
        seen = set(out.enriched) | set(out.duplicates)
        if (ids <= seen and len(out.dead_values) >= dead) or \
                time.monotonic() - started > deadline_s:
            return out
