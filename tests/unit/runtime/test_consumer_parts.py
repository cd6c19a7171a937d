"""Pure parts of the consumer: offset bookkeeping, version-check keys and the per-event
records it builds."""

from __future__ import annotations

import dataclasses
import gc
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import pytest
from confluent_kafka import Message, TopicPartition

from accord.runtime.consumer import (
    VersionCheck,
    _by_class,
    _metadata,
    _Offsets,
    _tune_collector,
)
from accord.runtime.context import HandlerContext
from accord.runtime.events import Metadata


def test_offsets_commit_the_next_offset_per_partition() -> None:
    offsets = _Offsets()
    for partition, offset in [(0, 5), (1, 2), (0, 6)]:
        offsets.done(Message(topic="t", partition=partition, offset=offset))
    revoked = offsets.take([TopicPartition("t", 1)])
    assert [(tp.topic, tp.partition, tp.offset) for tp in revoked] == [("t", 1, 3)]
    rest = offsets.take()
    assert [(tp.topic, tp.partition, tp.offset) for tp in rest] == [("t", 0, 7)]
    assert offsets.take() == []


@dataclass(frozen=True)
class UserUpdated:
    EVENT_NAME: ClassVar[str] = "UserUpdated"
    TOPIC: ClassVar[str] = "user.events"


def handler(_event: Any, _meta: Any) -> None:
    pass


def test_version_checks_by_class_or_event_name() -> None:
    check = VersionCheck("user", key_field="user_id")
    cls: Any = UserUpdated
    handlers: Any = {cls: handler}
    assert _by_class(handlers, {cls: check}) == {cls: check}
    assert _by_class(handlers, {"UserUpdated": check}) == {cls: check}


def test_a_version_check_for_an_unhandled_event_is_an_error() -> None:
    @dataclass(frozen=True)
    class OtherUserUpdated(UserUpdated):  # the same event generated for another service
        EVENT_NAME: ClassVar[str] = "UserUpdatedElsewhere"

    with pytest.raises(ValueError, match="no handler consumes"):
        _by_class({UserUpdated: handler}, {OtherUserUpdated: VersionCheck("user", "user_id")})  # type: ignore[dict-item]


def test_offsets_stop_at_the_first_unsettled_message_of_each_partition() -> None:
    # t[0]: 5 settled, 6 not (its handler is still being retried), 7 settled (ignored);
    # t[1]: 2 and 3 settled. Nothing after an unsettled message may be committed.
    offsets = _Offsets()
    positions = [(("t", 0), 6), (("t", 1), 3), (("t", 0), 7), None, (("t", 0), 8), (("t", 1), 4)]
    settled = [True, True, False, True, True, True]
    offsets.advance(positions, settled)
    assert [(tp.partition, tp.offset) for tp in offsets.take()] == [(0, 6), (1, 4)]


def test_offsets_of_a_partition_with_nothing_settled_stay_where_they_were() -> None:
    offsets = _Offsets()
    offsets.advance([(("t", 0), 10)], [True])
    offsets.advance([(("t", 0), 11), (("t", 0), 12)], [False, True])
    assert [(tp.partition, tp.offset) for tp in offsets.take()] == [(0, 10)]


def test_metadata_built_on_the_hot_path_equals_the_dataclass() -> None:
    headers = {"event_id": b"e1", "traceparent": b"00-ab"}
    fast = _metadata("t", 2, 41, b"k", headers, 7, 1700000000000)
    slow = Metadata("t", 2, 41, b"k", headers, 7, 1700000000000)
    assert fast == slow
    assert (fast.event_id, fast.traceparent) == ("e1", "00-ab")
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.offset = 1  # type: ignore[misc]


def test_a_handler_context_for_another_event_changes_only_the_metadata() -> None:
    first = Metadata("t", 0, 1, None)
    second = Metadata("t", 0, 2, None)
    ctx = HandlerContext(tx=cast(Any, "tx"), metadata=first, group="g", codec=cast(Any, "c"))
    other = ctx.for_event(second)
    assert other == dataclasses.replace(ctx, metadata=second)
    assert ctx.metadata is first
    with pytest.raises(dataclasses.FrozenInstanceError):
        other.group = "h"  # type: ignore[misc]


def test_collector_tuning_freezes_the_set_up_and_only_raises_the_threshold() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        _tune_collector(batch_size=1000)
        assert gc.get_threshold() == (50_000, 10, 10)
        assert gc.get_freeze_count() > 0
        gc.set_threshold(100_000, 10, 10)
        _tune_collector(batch_size=10)
        assert gc.get_threshold() == (100_000, 10, 10)  # never lowered
        gc.set_threshold(0)
        _tune_collector(batch_size=1000)
        assert gc.get_threshold()[0] == 0  # automatic collection was off: it stays off
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
