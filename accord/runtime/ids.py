"""Event ids that sort by time: UUID version 7 (RFC 9562).

A consumer's inbox is a B-tree keyed by event id. Random ids (UUID version 4) land all over
it, so every batch of events dirties a page per event and the commit writes them all out;
ids that grow with time land at its right edge, a few pages per batch. On SQLite that is
about half the inbox's cost per event, and the gap widens as the inbox grows (see
``docs/runtime.md``). Use :func:`new_event_id` for the ``event_id`` of events you publish.

Layout (RFC 9562, section 5.7): 48 bits of Unix time in milliseconds, the version (7), a
12-bit counter that orders the ids made in one millisecond (the RFC's "fixed bit-length
dedicated counter", section 6.2), the variant, and 62 random bits. Within a process, each id
is greater than the one before, also when the clock steps back.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_VERSION = 0x7 << 76
_VARIANT = 0b10 << 62
_COUNTER_MAX = 0xFFF

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def new_event_id() -> uuid.UUID:
    """A new UUID version 7: unique, and ordered by creation time."""
    global _last_ms, _counter
    with _lock:
        now = time.time_ns() // 1_000_000
        if now > _last_ms:
            _last_ms, _counter = now, 0
        elif _counter < _COUNTER_MAX:
            _counter += 1  # the same millisecond (or the clock stepped back): count on
        else:
            _last_ms, _counter = _last_ms + 1, 0  # the counter ran out: borrow the next ms
        ms, counter = _last_ms, _counter
    random = int.from_bytes(os.urandom(8)) >> 2
    return uuid.UUID(int=(ms << 80) | _VERSION | (counter << 64) | _VARIANT | random)
