"""End to end on the real broker: push, three worker processes, enriched/duplicates/DLQ."""

from __future__ import annotations

import orjson

from akhbar.client import push
from akhbar.config import Settings
from akhbar.kafka.dead_letter import decode_headers
from akhbar.records import schema_errors
from akhbar.supervisor import WorkerSet
from tests.broker.collect import collect
from tests.support.corpus import raw_record, sample_texts
from tests.support.variants import orthographic_variant


async def test_samples_flow_to_enriched_duplicates_and_dead_letter(
    settings: Settings, workers: WorkerSet
) -> None:
    samples = sample_texts()
    headline = "أردوغان يعد العراق بمزيد من المياه بعد اجتماع في أنقرة"
    titles = [headline if i == 0 else "" for i in range(len(samples))]
    originals = [orjson.dumps(raw_record(f"sample-{i}", text, title=titles[i]))
                 for i, (_, text) in enumerate(samples)]
    copy = orjson.dumps(raw_record("copy-of-0", orthographic_variant(samples[0][1], seed=1),
                                   title=orthographic_variant(headline, seed=2)))
    bad = [b"{not json", orjson.dumps(raw_record("empty-1", "  \n ")), b"\xff\xfe{}"]
    workers.start("clean", "dedup", "tag")

    # "First seen wins" is decided across partitions by arrival at the dedup worker, so the
    # copy goes in only once the originals are through (else it may overtake sample-0).
    sent = await push(settings, [*originals, *bad])
    await collect(settings, until=sent)
    sent += await push(settings, [copy])
    found = await collect(settings, until=sent)

    enriched = [orjson.loads(m.value) for m in found.get("enriched", [])]
    assert sorted(r["id"] for r in enriched) == [f"sample-{i}" for i in range(len(samples))]
    for record in enriched:
        assert schema_errors("enriched_article", record) == []
        assert record["dedup"]["status"] == "unique"
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]
        for entity in record["title_entities"]:
            assert record["title"][entity["start"]:entity["end"]] == entity["text"]
    headline_names = {e["canonical"] for r in enriched for e in r["title_entities"]}
    assert {"أنقرة", "رجب طيب أردوغان"} <= headline_names  # only sample-0 has a headline
    assert all(r["title_entities"] == [] for r in enriched if r["id"] != "sample-0")
    duplicates = [orjson.loads(m.value) for m in found.get("duplicates", [])]
    assert [(d["id"], d["dedup"]["status"], d["dedup"]["duplicate_of"]) for d in duplicates] == [
        ("copy-of-0", "exact", "sample-0")]
    assert schema_errors("duplicate_record", duplicates[0]) == []
    letters = found.get("dead-letter", [])
    assert sorted(m.value for m in letters) == sorted(bad)  # original bytes, byte for byte
    reasons = {decode_headers(m.headers)["akhbar.dlq.reason"] for m in letters}
    assert reasons == {"invalid_json", "empty_after_cleaning", "invalid_utf8"}
    for message in letters:
        assert schema_errors("dead_letter", decode_headers(message.headers)) == []
