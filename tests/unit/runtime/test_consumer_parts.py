"""Pure parts of the consumer: offset bookkeeping and version-check keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from confluent_kafka import Message, TopicPartition

from accord.runtime.consumer import VersionCheck, _by_class, _Offsets


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
