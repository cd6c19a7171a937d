"""The user service's own tables and queries (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.runtime import Transaction

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS users (
        user_id TEXT PRIMARY KEY,
        version BIGINT NOT NULL,
        email TEXT NOT NULL,
        full_name TEXT NOT NULL,
        status TEXT NOT NULL,
        country TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (email)",
)

COLUMNS = "user_id, version, email, full_name, status, country, created_at, updated_at"


@dataclass(frozen=True)
class User:
    user_id: str
    version: int
    email: str
    full_name: str
    status: str
    country: str | None
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "version": self.version,
            "email": self.email,
            "full_name": self.full_name,
            "status": self.status,
            "country": self.country,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def get(tx: Transaction, user_id: str) -> User | None:
    rows = tx.query(f"SELECT {COLUMNS} FROM users WHERE user_id = ?", (user_id,))
    return User(*rows[0]) if rows else None


def email_taken(tx: Transaction, email: str, *, other_than: str | None = None) -> bool:
    rows = tx.query("SELECT user_id FROM users WHERE email = ?", (email,))
    return any(r[0] != other_than for r in rows)


def insert(tx: Transaction, user: User) -> None:
    tx.execute(
        f"INSERT INTO users ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            user.user_id,
            user.version,
            user.email,
            user.full_name,
            user.status,
            user.country,
            user.created_at,
            user.updated_at,
        ),
    )


def update(tx: Transaction, user: User) -> None:
    tx.execute(
        "UPDATE users SET version = ?, email = ?, full_name = ?, status = ?, country = ?,"
        " updated_at = ? WHERE user_id = ?",
        (
            user.version,
            user.email,
            user.full_name,
            user.status,
            user.country,
            user.updated_at,
            user.user_id,
        ),
    )


def all_users(tx: Transaction) -> list[User]:
    return [User(*r) for r in tx.query(f"SELECT {COLUMNS} FROM users ORDER BY created_at, user_id")]
