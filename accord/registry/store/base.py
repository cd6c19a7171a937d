"""The storage interface: what the service needs from a database, and nothing about SQL.

A :class:`Store` hands out transactions. ``read()`` is for lookups; ``write(subject)``
serialises every writer of one subject (and, on SQLite, every writer), so the service can
read a subject's history, judge compatibility and append a version without a race. Schema
ids are allocated by the database; inserting a schema whose fingerprint exists returns the
existing id, so concurrent registrations of one schema, on any replica, agree on one id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from accord.registry.model import NewSchema, StoredSchema, SubjectVersion, Usage


class Tx(Protocol):
    """One transaction. ``subject`` arguments are never empty; ``""`` is the global scope of
    config and mode."""

    def schema(self, schema_id: int) -> StoredSchema | None: ...

    def schema_by_guid(self, guid: str) -> StoredSchema | None: ...

    def add_schema(self, new: NewSchema, *, schema_id: int | None = None) -> int:
        """Store ``new`` (or find it by fingerprint) and return its id. With ``schema_id``
        (IMPORT mode) the row gets that id; the caller checked the id is free."""
        ...

    def find_fingerprint(self, fingerprint: str) -> int | None:
        """The id of the schema row with ``fingerprint`` (in use or not), or None."""
        ...

    def schema_exists(self, schema_id: int) -> str | None:
        """The fingerprint of the schema row ``schema_id`` (in use or not), or None."""
        ...

    def versions(self, subject: str) -> list[SubjectVersion]:
        """Every version of ``subject``, soft-deleted ones too, oldest first."""
        ...

    def find_version(
        self, subject: str, *, fingerprint: str, normal: bool = False, deleted: bool = False
    ) -> SubjectVersion | None:
        """The latest version of ``subject`` holding the schema with this fingerprint (the
        normalised one with ``normal``); soft-deleted versions only with ``deleted``."""
        ...

    def latest_version(self, subject: str) -> SubjectVersion | None:
        """The newest version of ``subject`` that is not soft-deleted."""
        ...

    def max_version(self, subject: str) -> int:
        """The highest version number ``subject`` has had (soft-deleted included), or 0."""
        ...

    def all_versions(self) -> Iterator[SubjectVersion]:
        """Every version of every subject, by subject then version."""
        ...

    def usages(self, schema_id: int) -> list[Usage]:
        """Every (subject, version) that points at ``schema_id``, sorted."""
        ...

    def subjects(self) -> list[tuple[str, bool]]:
        """Every subject with a version, and whether one of its versions is not deleted."""
        ...

    def add_version(self, subject: str, version: int, schema_id: int) -> None: ...

    def mark_deleted(self, subject: str, versions: list[int]) -> None: ...

    def remove_versions(self, subject: str, versions: list[int]) -> None:
        """Permanently delete. A schema no version points at any more stays stored but is no
        longer found by id; registering it again links it back under the same id."""
        ...

    def referrers(self, subject: str, version: int) -> list[tuple[int, bool]]:
        """Ids of stored schemas that reference (subject, version), each with whether a
        non-deleted version uses it."""
        ...

    def config(self, subject: str) -> Mapping[str, Any] | None: ...

    def set_config(self, subject: str, config: Mapping[str, Any]) -> None: ...

    def delete_config(self, subject: str) -> None: ...

    def mode(self, subject: str) -> str | None: ...

    def set_mode(self, subject: str, mode: str) -> None: ...

    def delete_mode(self, subject: str) -> None: ...


class Store(Protocol):
    """A registry database (SQLite file or PostgreSQL), migrated when opened."""

    @property
    def url(self) -> str:
        """The store URL without credentials, for logs and messages."""
        ...

    @property
    def quick_reads(self) -> bool:
        """Whether a point read is quick enough to run on the event loop (a local SQLite
        file: microseconds) rather than in a worker thread (a network round trip)."""
        ...

    def read(self) -> AbstractContextManager[Tx]: ...

    def write(self, subject: str | None = None) -> AbstractContextManager[Tx]:
        """A transaction that holds ``subject``'s write lock until it ends (commits on a clean
        exit, rolls back on an exception)."""
        ...

    def ping(self) -> None:
        """Raise when the database cannot be reached."""
        ...

    def close(self) -> None: ...
