"""The SQL both backends share: tables, migrations, and one :class:`SqlTx` over a DB-API cursor.

Queries are written with ``?`` placeholders; PostgreSQL's driver wants ``%s`` and gets them
rewritten once. Schema rows are never deleted: a permanently deleted version only unlinks
its schema, which is then unreachable by id (no version points at it) but keeps its id, so
registering the same schema again gives the same id back, and no replica can race a delete
against a concurrent registration of the same schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from accord.registry.model import (
    NewSchema,
    Reference,
    SchemaType,
    StoredSchema,
    SubjectVersion,
    Usage,
)

SCHEMA_VERSION = 1


def migrations(id_column: str) -> list[list[str]]:
    """DDL per schema version (index 0 = version 1); ``id_column`` is the dialect's
    auto-allocated integer primary key."""
    return [
        [
            f"""CREATE TABLE registry_schemas (
                id {id_column},
                fingerprint TEXT NOT NULL UNIQUE,
                normal_fingerprint TEXT NOT NULL,
                guid TEXT NOT NULL UNIQUE,
                schema_type TEXT NOT NULL,
                schema_text TEXT NOT NULL,
                refs TEXT NOT NULL,
                metadata TEXT,
                rule_set TEXT
            )""",
            """CREATE TABLE registry_versions (
                subject TEXT NOT NULL,
                version INTEGER NOT NULL,
                schema_id BIGINT NOT NULL REFERENCES registry_schemas (id),
                deleted INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (subject, version)
            )""",
            "CREATE INDEX registry_versions_schema ON registry_versions (schema_id)",
            """CREATE TABLE registry_refs (
                schema_id BIGINT NOT NULL REFERENCES registry_schemas (id),
                name TEXT NOT NULL,
                subject TEXT NOT NULL,
                version INTEGER NOT NULL,
                PRIMARY KEY (schema_id, name)
            )""",
            "CREATE INDEX registry_refs_target ON registry_refs (subject, version)",
            "CREATE TABLE registry_config (subject TEXT PRIMARY KEY, config TEXT NOT NULL)",
            "CREATE TABLE registry_mode (subject TEXT PRIMARY KEY, mode TEXT NOT NULL)",
        ]
    ]


_COLUMNS = (
    "s.id, s.schema_type, s.schema_text, s.refs, s.fingerprint, s.normal_fingerprint, s.guid,"
    " s.metadata, s.rule_set"
)
_LINKED = "EXISTS (SELECT 1 FROM registry_versions u WHERE u.schema_id = s.id)"
_VERSIONS = (
    f"SELECT v.subject, v.version, v.deleted, {_COLUMNS} FROM registry_versions v"
    " JOIN registry_schemas s ON s.id = v.schema_id"
)


def _json(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def _schema(row: Sequence[Any]) -> StoredSchema:
    return StoredSchema(
        id=int(row[0]),
        schema_type=SchemaType(row[1]),
        text=row[2],
        references=()
        if row[3] == "[]"
        else tuple(Reference(r[0], r[1], int(r[2])) for r in json.loads(row[3])),
        fingerprint=row[4],
        normal_fingerprint=row[5],
        guid=row[6],
        metadata=None if row[7] is None else json.loads(row[7]),
        rule_set=None if row[8] is None else json.loads(row[8]),
    )


def _version(row: Sequence[Any]) -> SubjectVersion:
    return SubjectVersion(
        subject=row[0], version=int(row[1]), deleted=bool(row[2]), schema=_schema(row[3:])
    )


class SqlTx:
    """:class:`~accord.registry.store.base.Tx` over one DB-API cursor."""

    def __init__(self, cursor: Any, *, percent: bool) -> None:
        self.cursor = cursor
        self.percent = percent

    def run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.cursor.execute(sql.replace("?", "%s") if self.percent else sql, params)
        return self.cursor

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.run(sql, params).fetchone()

    def schema(self, schema_id: int) -> StoredSchema | None:
        sql = f"SELECT {_COLUMNS} FROM registry_schemas s WHERE s.id = ? AND {_LINKED}"
        row = self.one(sql, (schema_id,))
        return None if row is None else _schema(row)

    def schema_by_guid(self, guid: str) -> StoredSchema | None:
        sql = f"SELECT {_COLUMNS} FROM registry_schemas s WHERE s.guid = ? AND {_LINKED}"
        row = self.one(sql, (guid,))
        return None if row is None else _schema(row)

    def add_schema(self, new: NewSchema, *, schema_id: int | None = None) -> int:
        refs = json.dumps([[r.name, r.subject, r.version] for r in new.references])
        values = (
            new.fingerprint,
            new.normal_fingerprint,
            new.guid,
            new.schema_type.value,
            new.text,
            refs,
            _json(new.metadata),
            _json(new.rule_set),
        )
        columns = (
            "fingerprint, normal_fingerprint, guid, schema_type, schema_text, refs, metadata,"
            " rule_set"
        )
        if schema_id is None:
            known = self.find_fingerprint(new.fingerprint)
            if known is not None:
                return known  # no insert attempt: a conflicting insert would burn an id
            self.run(
                f"INSERT INTO registry_schemas ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (fingerprint) DO NOTHING",
                values,
            )
        else:
            self.run(
                f"INSERT INTO registry_schemas (id, {columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (schema_id, *values),
            )
            self.after_explicit_id()
        row = self.one("SELECT id FROM registry_schemas WHERE fingerprint = ?", (new.fingerprint,))
        new_id = int(row[0])
        for ref in new.references:
            self.run(
                "INSERT INTO registry_refs (schema_id, name, subject, version) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (schema_id, name) DO NOTHING",
                (new_id, ref.name, ref.subject, ref.version),
            )
        return new_id

    def after_explicit_id(self) -> None:
        """Keep the id allocator ahead of an id chosen by the client (PostgreSQL)."""

    def find_fingerprint(self, fingerprint: str) -> int | None:
        row = self.one("SELECT id FROM registry_schemas WHERE fingerprint = ?", (fingerprint,))
        return None if row is None else int(row[0])

    def schema_exists(self, schema_id: int) -> str | None:
        """The fingerprint of the row with ``schema_id`` (linked or not), or None."""
        row = self.one("SELECT fingerprint FROM registry_schemas WHERE id = ?", (schema_id,))
        return None if row is None else str(row[0])

    def versions(self, subject: str) -> list[SubjectVersion]:
        rows = self.run(f"{_VERSIONS} WHERE v.subject = ? ORDER BY v.version", (subject,))
        return [_version(r) for r in rows.fetchall()]

    def find_version(
        self, subject: str, *, fingerprint: str, normal: bool = False, deleted: bool = False
    ) -> SubjectVersion | None:
        column = "s.normal_fingerprint" if normal else "s.fingerprint"
        live = "" if deleted else " AND v.deleted = 0"
        row = self.one(
            f"{_VERSIONS} WHERE v.subject = ? AND {column} = ?{live}"
            " ORDER BY v.version DESC LIMIT 1",
            (subject, fingerprint),
        )
        return None if row is None else _version(row)

    def latest_version(self, subject: str) -> SubjectVersion | None:
        row = self.one(
            f"{_VERSIONS} WHERE v.subject = ? AND v.deleted = 0 ORDER BY v.version DESC LIMIT 1",
            (subject,),
        )
        return None if row is None else _version(row)

    def max_version(self, subject: str) -> int:
        row = self.one("SELECT MAX(version) FROM registry_versions WHERE subject = ?", (subject,))
        return int(row[0]) if row and row[0] is not None else 0

    def all_versions(self) -> Iterator[SubjectVersion]:
        rows = self.run(f"{_VERSIONS} ORDER BY v.subject, v.version")
        for row in rows.fetchall():
            yield _version(row)

    def usages(self, schema_id: int) -> list[Usage]:
        rows = self.run(
            "SELECT subject, version, deleted FROM registry_versions WHERE schema_id = ?"
            " ORDER BY subject, version",
            (schema_id,),
        )
        return [Usage(r[0], int(r[1]), bool(r[2])) for r in rows.fetchall()]

    def subjects(self) -> list[tuple[str, bool]]:
        rows = self.run(
            "SELECT subject, MIN(deleted) FROM registry_versions GROUP BY subject ORDER BY subject"
        )
        return [(r[0], int(r[1]) == 0) for r in rows.fetchall()]

    def add_version(self, subject: str, version: int, schema_id: int) -> None:
        self.run(
            "INSERT INTO registry_versions (subject, version, schema_id, deleted)"
            " VALUES (?, ?, ?, 0)",
            (subject, version, schema_id),
        )

    def mark_deleted(self, subject: str, versions: list[int]) -> None:
        for version in versions:
            self.run(
                "UPDATE registry_versions SET deleted = 1 WHERE subject = ? AND version = ?",
                (subject, version),
            )

    def remove_versions(self, subject: str, versions: list[int]) -> None:
        for version in versions:
            self.run(
                "DELETE FROM registry_versions WHERE subject = ? AND version = ?",
                (subject, version),
            )

    def referrers(self, subject: str, version: int) -> list[tuple[int, bool]]:
        rows = self.run(
            "SELECT r.schema_id, MIN(v.deleted) FROM registry_refs r"
            " JOIN registry_versions v ON v.schema_id = r.schema_id"
            " WHERE r.subject = ? AND r.version = ? GROUP BY r.schema_id ORDER BY r.schema_id",
            (subject, version),
        )
        return [(int(r[0]), int(r[1]) == 0) for r in rows.fetchall()]

    def config(self, subject: str) -> Mapping[str, Any] | None:
        row = self.one("SELECT config FROM registry_config WHERE subject = ?", (subject,))
        return None if row is None else dict(json.loads(row[0]))

    def set_config(self, subject: str, config: Mapping[str, Any]) -> None:
        self.run(
            "INSERT INTO registry_config (subject, config) VALUES (?, ?)"
            " ON CONFLICT (subject) DO UPDATE SET config = excluded.config",
            (subject, _json(config)),
        )

    def delete_config(self, subject: str) -> None:
        self.run("DELETE FROM registry_config WHERE subject = ?", (subject,))

    def mode(self, subject: str) -> str | None:
        row = self.one("SELECT mode FROM registry_mode WHERE subject = ?", (subject,))
        return None if row is None else str(row[0])

    def set_mode(self, subject: str, mode: str) -> None:
        self.run(
            "INSERT INTO registry_mode (subject, mode) VALUES (?, ?)"
            " ON CONFLICT (subject) DO UPDATE SET mode = excluded.mode",
            (subject, mode),
        )

    def delete_mode(self, subject: str) -> None:
        self.run("DELETE FROM registry_mode WHERE subject = ?", (subject,))


def migrate(tx: SqlTx, id_column: str) -> None:
    """Bring the tables to :data:`SCHEMA_VERSION` (the caller holds a migration lock)."""
    from accord.registry.store.errors import StoreError

    tx.run("CREATE TABLE IF NOT EXISTS registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    row = tx.one("SELECT value FROM registry_meta WHERE key = 'schema_version'")
    current = int(row[0]) if row else 0
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"the registry tables are at version {current}, newer than this accord knows"
            f" ({SCHEMA_VERSION})",
            hint="upgrade accord, or point --store at another database",
        )
    steps = migrations(id_column)
    for version in range(current + 1, SCHEMA_VERSION + 1):
        for statement in steps[version - 1]:
            tx.run(statement)
        tx.run(
            "INSERT INTO registry_meta (key, value) VALUES ('schema_version', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(version),),
        )
