"""``akhbar lag``: the lag of a stage whose worker is dead, from the broker's offsets."""

from __future__ import annotations

import asyncio
import signal
import urllib.request

import orjson
import pytest

from akhbar.client import lag, push
from akhbar.config import Settings
from akhbar.supervisor import WorkerSet
from tests.broker.collect import collect
from tests.support.cli import env_of, run_cli
from tests.support.corpus import pseudo_articles, raw_record


def articles(prefix: str, count: int, skip: int = 0) -> list[bytes]:
    bodies = list(pseudo_articles(skip + count))[skip:]
    return [orjson.dumps(raw_record(f"{prefix}-{n}", body)) for n, body in enumerate(bodies)]


async def test_a_dead_stage_shows_its_lag_from_the_broker(settings: Settings,
                                                          workers: WorkerSet) -> None:
    workers.start("clean", "dedup", "tag")
    await collect(settings, until=await push(settings, articles("first", 6)))
    tag = settings.group("tag")
    for _ in range(60):  # the worker commits in the background: let it commit the first six
        if sum(r.lag for r in await lag(settings, [tag])) == 0:
            break
        await asyncio.sleep(0.5)
    assert workers.kill("tag", signal.SIGKILL) != 0  # the tag stage dies
    await push(settings, articles("later", 9, skip=6))
    deduped = settings.topic("deduped")
    for _ in range(120):  # clean and dedup go on: wait until dedup committed all 15
        rows = await lag(settings)
        by_group = {g: sum(r.lag for r in rows if r.group == g)
                    for g in {settings.group(s) for s in ("clean", "dedup", "tag")}}
        if by_group[settings.group("dedup")] == 0 and by_group[settings.group("clean")] == 0:
            break
        await asyncio.sleep(0.5)
    assert by_group[settings.group("tag")] == 9  # what the dead worker never read
    tag_rows = [r for r in rows if r.group == settings.group("tag")]
    assert {r.topic for r in tag_rows} == {deduped}
    assert sum(r.committed or 0 for r in tag_rows) == 6 and sum(r.end for r in tag_rows) == 15

    # the worker's own akhbar_consumer_lag_records went with it: only the broker can tell
    url = f"http://127.0.0.1:{workers.ports['tag']}/metrics"
    with pytest.raises(OSError):
        await asyncio.to_thread(urllib.request.urlopen, url, timeout=2)

    result = await asyncio.to_thread(run_cli, "lag", env=env_of(settings))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG"]
    assert f"{settings.group('tag')} 9" in lines[-1]
    as_json = await asyncio.to_thread(run_cli, "lag", "--json", "--group",
                                      settings.group("tag"), env=env_of(settings))
    parsed = [orjson.loads(line) for line in as_json.stdout.splitlines()]
    assert sum(p["lag"] for p in parsed) == 9 and {p["topic"] for p in parsed} == {deduped}


async def test_a_stage_that_never_ran_is_behind_by_everything(settings: Settings) -> None:
    await push(settings, articles("never", 4))
    rows = [r for r in await lag(settings) if r.group == settings.group("clean")]
    assert {r.topic for r in rows} == {settings.topic("raw")}
    assert all(r.committed is None for r in rows)
    assert sum(r.lag for r in rows) == 4
