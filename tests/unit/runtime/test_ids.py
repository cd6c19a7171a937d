"""new_event_id: RFC 9562 version 7 UUIDs, ordered by creation within a process."""

from __future__ import annotations

import datetime
import threading
import time
import uuid

import pytest

from accord.runtime import ids, new_event_id


def test_the_layout_is_rfc_9562_version_7() -> None:
    before = time.time_ns() // 1_000_000
    made = new_event_id()
    after = time.time_ns() // 1_000_000
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert before <= made.int >> 80 <= after  # 48 bits of Unix milliseconds first


def test_ids_grow_in_value_bytes_and_text() -> None:
    made = [new_event_id() for _ in range(10_000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert [m.bytes for m in made] == sorted(m.bytes for m in made)  # the inbox's key
    assert [str(m) for m in made] == sorted(str(m) for m in made)


def test_more_ids_than_the_counter_holds_in_one_millisecond_still_grow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_800_000_000_000_000_000)
    made = [new_event_id() for _ in range(3 * 4096)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)


def test_ids_grow_when_the_clock_steps_back(monkeypatch: pytest.MonkeyPatch) -> None:
    first = new_event_id()
    monkeypatch.setattr(ids.time, "time_ns", lambda: (first.int >> 80) * 1_000_000 - 10**10)
    assert new_event_id() > first


def test_threads_get_distinct_ids() -> None:
    made: list[list[uuid.UUID]] = [[] for _ in range(4)]

    def work(out: list[uuid.UUID]) -> None:
        out.extend(new_event_id() for _ in range(2_000))

    threads = [threading.Thread(target=work, args=(out,)) for out in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [m for out in made for m in out]
    assert len(set(everything)) == len(everything)
    assert all(out == sorted(out) for out in made)


def test_generated_events_made_without_an_id_get_a_new_time_ordered_one() -> None:
    from services.user.contracts import UserCreated, UserStatus

    def made(**given: object) -> UserCreated:
        fields: dict[str, object] = {
            "occurred_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            "user_id": uuid.uuid4(),
            "version": 1,
            "email": "a@example.com",
            "full_name": "A",
            "status": UserStatus.ACTIVE,
        }
        return UserCreated(**{**fields, **given})  # type: ignore[arg-type]

    first, second = made(), made()
    assert first.event_id.version == second.event_id.version == 7
    assert first.event_id < second.event_id
    chosen = uuid.uuid4()
    assert made(event_id=chosen).event_id is chosen
