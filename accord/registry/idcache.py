"""Schemas by id, remembered by one replica for a few seconds.

A schema id names one schema text forever; the only change a replica can miss is a permanent
delete made through another replica, which then stays visible here for at most ``ttl``
seconds (Confluent's own replicas lag the same way while they read the schemas topic). A
replica's own permanent deletes clear the cache at once. Only hits are remembered: an id
registered through another replica is found the moment it exists.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock

from accord.registry.model import StoredSchema


class IdCache:
    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[int, tuple[float, StoredSchema]] = OrderedDict()
        self._lock = Lock()

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def get(self, schema_id: int) -> StoredSchema | None:
        if not self.enabled:
            return None
        entry = self._entries.get(schema_id)
        if entry is None:
            return None
        expires, schema = entry
        if expires < time.monotonic():
            with self._lock:
                self._entries.pop(schema_id, None)
            return None
        return schema

    def put(self, schema: StoredSchema) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._entries[schema.id] = (time.monotonic() + self.ttl, schema)
            self._entries.move_to_end(schema.id)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
