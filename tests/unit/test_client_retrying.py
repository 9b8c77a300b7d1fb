"""``client.retrying``: a coordinator that is still loading is waited for, within the
connect timeout; an error that will not pass by waiting is raised at once."""

from __future__ import annotations

import pytest
from aiokafka import errors as kafka_errors

from akhbar.client import retrying
from akhbar.config import Settings


class Flaky:
    """Raises ``error`` the first ``failures`` calls, then answers."""

    def __init__(self, error: Exception, failures: int) -> None:
        self.error, self.failures, self.calls = error, failures, 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "offsets"


async def test_a_coordinator_not_available_yet_is_waited_for() -> None:
    call = Flaky(kafka_errors.GroupCoordinatorNotAvailableError(), failures=2)
    assert await retrying(Settings(), call, pause_seconds=0.01) == "offsets"
    assert call.calls == 3


async def test_an_error_that_waiting_does_not_cure_is_raised_at_once() -> None:
    call = Flaky(kafka_errors.GroupAuthorizationFailedError(), failures=5)
    with pytest.raises(kafka_errors.GroupAuthorizationFailedError):
        await retrying(Settings(), call, pause_seconds=0.01)
    assert call.calls == 1


async def test_retries_stop_at_the_connect_timeout() -> None:
    call = Flaky(kafka_errors.CoordinatorLoadInProgressError(), failures=10_000)
    with pytest.raises(kafka_errors.CoordinatorLoadInProgressError):
        await retrying(Settings(connect_timeout_seconds=0.2), call, pause_seconds=0.05)
    assert 2 <= call.calls <= 5
