"""Bounded retries with exponential backoff, and which errors are worth retrying.

A handler that raises is retried (its transaction rolled back each time) up to
``RetryPolicy.attempts`` times in all, waiting ``initial_backoff_s * multiplier**n`` (capped,
with jitter) between attempts; then the event goes to the dead-letter topic. Raise
:class:`PermanentError` from a handler when retrying cannot help (a business rule violated by the
event itself): the event is dead-lettered at once. Decode errors are always permanent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from accord.runtime.events import DecodeError


class PermanentError(Exception):
    """Raised by a handler: this event can never be processed; dead-letter it now."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # handler attempts in all, including the first
    initial_backoff_s: float = 0.05
    max_backoff_s: float = 5.0
    multiplier: float = 2.0
    jitter: float = 0.2  # +-20 %: replicas that failed together do not retry in lockstep

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")

    def delay_s(self, failed_attempt: int) -> float:
        """Seconds to wait after attempt number ``failed_attempt`` (1-based) failed."""
        base = min(
            self.max_backoff_s, self.initial_backoff_s * self.multiplier ** (failed_attempt - 1)
        )
        return max(0.0, base * (1 + random.uniform(-self.jitter, self.jitter)))

    def gives_up_after(self, attempt: int, error: BaseException) -> bool:
        """Whether the event is dead-lettered after attempt ``attempt`` failed with ``error``."""
        return attempt >= self.attempts or is_permanent(error)


def is_permanent(error: BaseException) -> bool:
    return isinstance(error, PermanentError | DecodeError)
