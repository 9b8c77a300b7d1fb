"""Create the pipeline's topics idempotently, with the size limits of the size policy.

Missing topics are created with ``max.message.bytes`` from :mod:`akhbar.kafka.sizes`;
existing topics whose limit is lower (a topic made before the limit was set, or by hand)
get it raised, never lowered. Run by ``akhbar topics create`` and by every worker at start.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError

from akhbar.config import TOPIC_ROLES, Settings, TopicRole
from akhbar.kafka.connection import aiokafka_options, unreachable
from akhbar.kafka.sizes import SizePolicy

log = logging.getLogger(__name__)

LIMIT = "max.message.bytes"
DYNAMIC_TOPIC_CONFIG = 1  # DescribeConfigs config_source: set on the topic itself


def wanted_configs(settings: Settings, role: TopicRole | None,
                   extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Topic-level configs for a topic of ``role`` (None: an internal topic)."""
    return {LIMIT: str(SizePolicy.of(settings).topic_limit(role)), **(extra or {})}


async def ensure_topics(
    settings: Settings, roles: tuple[TopicRole, ...] = TOPIC_ROLES, *,
    internal: Mapping[str, Mapping[str, str]] | None = None,
) -> list[str]:
    """Create missing topics (``roles`` plus ``internal`` names with their own configs),
    raise a too-low ``max.message.bytes`` on existing ones; return the names created."""
    wanted: dict[str, dict[str, str]] = {
        settings.topic(role): wanted_configs(settings, role) for role in roles}
    for name, extra in (internal or {}).items():
        wanted[name] = wanted_configs(settings, None, extra)
    admin = AIOKafkaAdminClient(**aiokafka_options(settings), request_timeout_ms=30_000)
    try:
        await admin.start()
    except KafkaConnectionError as exc:
        await admin.close()
        raise unreachable(settings, exc) from exc
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        if missing:
            new = [NewTopic(name, settings.partitions, settings.replication_factor,
                            topic_configs=wanted[name]) for name in missing]
            with contextlib.suppress(TopicAlreadyExistsError):  # a concurrent worker won
                await admin.create_topics(new, timeout_ms=30_000)
            log.info("created topics %s", missing, extra={"max_message_bytes": {
                name: wanted[name][LIMIT] for name in missing}})
        present = [name for name in wanted if name in existing]
        if present:
            await _raise_limits(admin, {name: int(wanted[name][LIMIT]) for name in present})
        return missing
    finally:
        await admin.close()


async def _raise_limits(admin: AIOKafkaAdminClient, limits: Mapping[str, int]) -> None:
    """Raise max.message.bytes where it is below the policy; keep every other topic config.

    AlterConfigs (the API aiokafka has) replaces a topic's whole set of dynamic configs, so
    the ones already set on the topic are sent again alongside the new limit.
    """
    current = await topic_configs(admin, list(limits))
    changes: list[ConfigResource] = []
    for name, limit in limits.items():
        configs = current.get(name, {})
        have = int(configs.get(LIMIT, ("0", False))[0])
        if have >= limit:
            continue
        dynamic = {key: value for key, (value, is_dynamic) in configs.items() if is_dynamic}
        dynamic[LIMIT] = str(limit)
        changes.append(ConfigResource(ConfigResourceType.TOPIC, name, dynamic))
        log.info("raising max.message.bytes of %s from %d to %d", name, have, limit)
    if not changes:
        return
    try:
        responses = await admin.alter_configs(changes)
    except KafkaError as exc:  # e.g. not authorised: the workers' output checks still hold
        log.warning("could not raise max.message.bytes (%s); records above the broker's "
                    "limit will be dead-lettered as output_rejected", exc)
        return
    for response in responses:
        for resource in response.to_object().get("resources", []):
            if resource.get("error_code"):
                log.warning("could not raise max.message.bytes of %s: %s",
                            resource.get("resource_name"), resource.get("error_message"))


async def topic_configs(admin: AIOKafkaAdminClient,
                        names: list[str]) -> dict[str, dict[str, tuple[str, bool]]]:
    """name -> {config: (value, set on the topic itself)}."""
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    found: dict[str, dict[str, tuple[str, bool]]] = {}
    for response in await admin.describe_configs(resources):
        for resource in response.to_object().get("resources", []):
            entries: dict[str, tuple[str, bool]] = {}
            for entry in resource.get("config_entries", []):
                entries[entry["config_names"]] = (entry["config_value"] or "",
                                                  _is_dynamic(entry))
            found[resource["resource_name"]] = entries
    return found


def _is_dynamic(entry: Mapping[str, Any]) -> bool:
    if "config_source" in entry:
        return bool(entry["config_source"] == DYNAMIC_TOPIC_CONFIG)
    return not entry.get("is_default", True) and not entry.get("read_only", False)
