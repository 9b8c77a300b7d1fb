"""Read what the pipeline produced until every pushed article is accounted for."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from akhbar.client import tail
from akhbar.config import Settings, TopicRole

OUTCOMES: tuple[TopicRole, ...] = ("enriched", "duplicates", "dead-letter")


async def collect(settings: Settings, *, until: int, timeout: float = 120.0,
                  roles: tuple[TopicRole, ...] = OUTCOMES) -> dict[str, list[Any]]:
    """Messages per topic role, from the beginning, until ``until`` arrived (or timeout)."""
    found: dict[str, list[Any]] = defaultdict(list)
    by_topic = {settings.topic(role): role for role in roles}

    async def read() -> None:
        async for message in tail(settings, roles=roles, from_beginning=True,
                                  max_records=until):
            found[by_topic[message.topic]].append(message)

    try:
        await asyncio.wait_for(read(), timeout)
    except TimeoutError:
        pass
    return dict(found)
