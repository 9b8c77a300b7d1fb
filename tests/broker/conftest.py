"""Broker fixtures: a real Kafka for the whole session, unique topics and groups per test.

Where the broker comes from, in order: ``KAFKA_BOOTSTRAP_SERVERS``; testcontainers when a
Docker daemon really answers; else the project's own ``scripts/kafka-local`` (through
:func:`akhbar.supervisor.local_broker`, so ``AKHBAR_KAFKA_PORT`` picks the port). If none works
the session fails loudly: broker tests never skip.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from akhbar.config import Settings
from akhbar.kafka.topics import ensure_topics
from akhbar.supervisor import WorkerSet, local_broker
from tests.broker.relbroker import RelBroker


def _docker_answers() -> bool:
    """A daemon that answers a ping, not merely a ``docker`` command on the PATH."""
    if not os.environ.get("DOCKER_HOST") and not Path("/var/run/docker.sock").exists():
        return False
    import docker

    try:
        client = docker.from_env(timeout=3)
    except Exception:
        return False
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


async def _wait_for_metadata(bootstrap: str, within: float = 60.0) -> None:
    """A concrete readiness signal: the broker answers a metadata request."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
        try:
            await admin.start()
            await admin.list_topics()
            return
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)
        finally:
            await admin.close()


@pytest.fixture(scope="session")
def bootstrap() -> Iterator[str]:
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
    elif _docker_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("apache/kafka:4.1.1").with_kraft() as kafka:
            yield kafka.get_bootstrap_server()
    else:
        yield local_broker()


@pytest.fixture(scope="session")
async def broker(bootstrap: str) -> str:
    await _wait_for_metadata(bootstrap)
    return bootstrap


@pytest.fixture
async def settings(broker: str, tmp_path: Path) -> Settings:
    """Unique topics and consumer groups per test, created up front."""
    tag = uuid.uuid4().hex[:10]
    made = Settings(bootstrap_servers=broker, topic_prefix=f"t{tag}.", group_prefix=f"t{tag}-",
                    data_dir=tmp_path / "state", partitions=3)
    await ensure_topics(made)
    return made


@pytest.fixture
async def workers(settings: Settings, tmp_path: Path) -> AsyncIterator[WorkerSet]:
    procs = WorkerSet(settings, tmp_path / "logs")
    try:
        yield procs
    finally:
        procs.stop_all()


@pytest.fixture
def rel_broker(tmp_path: Path) -> Iterator[RelBroker]:
    """A private broker (own ports and data folder) for a test that restarts it."""
    broker = RelBroker.create(tmp_path / "kafka")
    broker.start()
    try:
        yield broker
    finally:
        broker.remove()
