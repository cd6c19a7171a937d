"""Backoff and which failures are retried."""

from __future__ import annotations

import pytest

from accord.runtime.events import IncompatibleWriterSchema, UndecodableMessage
from accord.runtime.retry import PermanentError, RetryPolicy, is_permanent


def test_backoff_doubles_then_caps() -> None:
    policy = RetryPolicy(initial_backoff_s=0.1, max_backoff_s=0.5, jitter=0.0)
    assert [policy.delay_s(n) for n in range(1, 6)] == [0.1, 0.2, 0.4, 0.5, 0.5]


def test_jitter_stays_within_its_bounds() -> None:
    policy = RetryPolicy(initial_backoff_s=1.0, jitter=0.2)
    delays = [policy.delay_s(1) for _ in range(200)]
    assert min(delays) >= 0.8
    assert max(delays) <= 1.2
    assert len(set(delays)) > 1


def test_gives_up_after_the_last_attempt() -> None:
    policy = RetryPolicy(attempts=3)
    error = ConnectionError("flaky")
    assert [policy.gives_up_after(n, error) for n in (1, 2, 3)] == [False, False, True]


@pytest.mark.parametrize(
    "error",
    [PermanentError("closed"), UndecodableMessage("x"), IncompatibleWriterSchema("y")],
)
def test_permanent_errors_are_not_retried(error: Exception) -> None:
    assert is_permanent(error)
    assert RetryPolicy(attempts=5).gives_up_after(1, error)


def test_ordinary_errors_are_retried() -> None:
    assert not is_permanent(ValueError("bug"))


def test_at_least_one_attempt() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RetryPolicy(attempts=0)
