"""Registry storage behind one interface; the store URL picks the backend.

``sqlite:///registry.db`` (relative path), ``sqlite:////var/lib/registry.db`` (absolute),
``sqlite:///:memory:`` (private, in memory) or ``postgresql://user@host:5432/dbname``.
"""

from __future__ import annotations

from accord.registry.store.base import Store, Tx
from accord.registry.store.errors import StoreError

DEFAULT_URL = "sqlite:///registry.db"

__all__ = ["DEFAULT_URL", "Store", "StoreError", "Tx", "open_store"]


def open_store(url: str) -> Store:
    """Open (and migrate) the store named by ``url``; :class:`StoreError` when it cannot."""
    if url.startswith("sqlite://"):
        from accord.registry.store.sqlite import SqliteStore

        path = url.removeprefix("sqlite://")
        if not path.startswith("/") or path == "/":
            raise StoreError(
                f"cannot read the store URL {url!r}",
                hint="write sqlite:///relative/path.db or sqlite:////absolute/path.db",
            )
        return SqliteStore(path[1:])
    if url.startswith(("postgresql://", "postgres://")):
        from accord.registry.store.postgres import PostgresStore

        return PostgresStore(url)
    raise StoreError(
        f"unknown store URL {url!r}",
        hint="use sqlite:///PATH (one file, the default) or postgresql://USER@HOST/DATABASE",
    )
