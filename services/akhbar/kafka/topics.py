"""Create the pipeline's topics idempotently."""

from __future__ import annotations

import contextlib
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from akhbar.config import TOPIC_ROLES, Settings, TopicRole
from akhbar.kafka.connection import aiokafka_options

log = logging.getLogger(__name__)


async def ensure_topics(
    settings: Settings, roles: tuple[TopicRole, ...] = TOPIC_ROLES
) -> list[str]:
    """Create missing topics; return the names created (existing ones are left as they are)."""
    admin = AIOKafkaAdminClient(**aiokafka_options(settings), request_timeout_ms=30_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [settings.topic(role) for role in roles]
        missing = [name for name in wanted if name not in existing]
        if not missing:
            return []
        new = [NewTopic(name, settings.partitions, settings.replication_factor)
               for name in missing]
        with contextlib.suppress(TopicAlreadyExistsError):  # a concurrent worker won the race
            await admin.create_topics(new, timeout_ms=30_000)
        log.info("created topics %s", missing)
        return missing
    finally:
        await admin.close()
