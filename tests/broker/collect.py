"""Read what the pipeline produced until every pushed article is accounted for."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from akhbar.client import tail
from akhbar.config import Settings, TopicRole

OUTCOMES: tuple[TopicRole, ...] = ("enriched", "duplicates", "dead-letter")


async def collect(settings: Settings, *, until: int, idle: float = 60.0,
                  roles: tuple[TopicRole, ...] = OUTCOMES) -> dict[str, list[Any]]:
    """Messages per topic role, from the beginning, until ``until`` arrived or ``idle`` s of
    silence (the tail ends by itself, so its consumer is always closed cleanly)."""
    found: dict[str, list[Any]] = defaultdict(list)
    by_topic = {settings.topic(role): role for role in roles}
    async for message in tail(settings, roles=roles, from_beginning=True, max_records=until,
                              idle_timeout=idle):
        found[by_topic[message.topic]].append(message)
    return dict(found)
