"""The outbox lease: one relay publishes for a database; the others (of other processes or of
this one) stand by and take over when the lease is released, runs out, or its owner (on this
host) has exited. SQLite only: nothing here reaches a broker."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.runtime import KafkaSettings, OutboxRelay
from accord.runtime.db import SqliteDatabase
from accord.runtime.outbox import LEASE_TABLE, process_owner

NOWHERE = KafkaSettings("127.0.0.1:1")  # nothing listens: these relays never send


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SqliteDatabase]:
    database = SqliteDatabase(tmp_path / "service.db")
    yield database
    database.close()


def relay(db: SqliteDatabase, owner: str | None = None) -> OutboxRelay:
    made = OutboxRelay(db, NOWHERE, create_topics=False, lease_s=30.0)
    made.owner = owner
    return made


def holder(db: SqliteDatabase) -> tuple[str, int]:
    with db.read() as tx:
        ((owner, expires),) = tx.query(f"SELECT owner, expires_ms FROM {LEASE_TABLE}")
    return str(owner), int(expires)


def test_the_first_relay_takes_the_lease_and_another_process_stands_by(
    db: SqliteDatabase,
) -> None:
    first, other = relay(db), relay(db, owner="elsewhere:1")
    assert first.state == "stopped"
    assert first.holds_lease()
    assert first.state == "active"
    assert holder(db)[0] == first.lease_owner
    assert first.lease_owner.startswith(process_owner() + "#")
    assert not other.holds_lease()
    assert other.state == "standby"
    assert other.run_once() == 0  # a standby does not touch the rows


def test_a_second_relay_of_the_same_process_stands_by(db: SqliteDatabase) -> None:
    # Two relays of one service in one process would publish every row twice, interleaved.
    first, second = relay(db), relay(db)
    assert first.holds_lease()
    assert not second.holds_lease()
    assert second.run_once() == 0
    first.release()
    assert second.holds_lease()
    assert holder(db)[0] == second.lease_owner


def test_the_lease_of_a_relay_of_this_process_that_is_gone_is_taken_at_once(
    db: SqliteDatabase,
) -> None:
    dropped = relay(db)
    assert dropped.holds_lease()
    left_by = dropped.lease_owner
    del dropped
    gc.collect()
    restarted = relay(db)  # a relay made again in the same process, without waiting 30 s
    assert holder(db)[0] == left_by
    assert restarted.holds_lease()


def test_a_released_lease_is_taken_at_the_next_look(db: SqliteDatabase) -> None:
    first, other = relay(db), relay(db, owner="elsewhere:1")
    assert first.holds_lease()
    assert not other.holds_lease()
    first.release()
    assert first.state == "stopped"
    assert other.holds_lease()
    assert holder(db)[0] == "elsewhere:1"


def test_a_lease_that_ran_out_is_taken_over(db: SqliteDatabase) -> None:
    first, other = relay(db, owner="far-away:7"), relay(db)
    assert first.holds_lease()
    assert not other.holds_lease()
    with db.transaction() as tx:  # the owner stopped renewing 30 s ago
        tx.execute(f"UPDATE {LEASE_TABLE} SET expires_ms = expires_ms - 60000")
    assert other.holds_lease()
    first._renew_at = 0.0  # its next renewal finds the lease taken
    assert not first.holds_lease()
    assert first.state == "standby"


def test_the_lease_of_an_exited_process_of_this_host_is_taken_at_once(
    db: SqliteDatabase,
) -> None:
    exited = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                            capture_output=True, text=True, check=True)  # fmt: skip
    host = process_owner().rpartition(":")[0]
    dead = relay(db, owner=f"{host}:{exited.stdout.strip()}")
    assert dead.holds_lease()
    assert relay(db).holds_lease()  # its lease had 30 s to run, but its process is gone


def test_an_active_relay_renews_before_the_lease_runs_out(db: SqliteDatabase) -> None:
    active = relay(db)
    assert active.holds_lease()
    _, first = holder(db)
    with db.transaction() as tx:
        tx.execute(f"UPDATE {LEASE_TABLE} SET expires_ms = expires_ms - 20000")
    assert active.holds_lease()  # remembered: no write before a third of the term
    assert holder(db)[1] == first - 20000
    active._renew_at = 0.0
    assert active.holds_lease()
    assert holder(db)[1] >= first
