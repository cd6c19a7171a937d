"""W3C traceparent parsing and propagation."""

from __future__ import annotations

import pytest

from accord.runtime import tracing
from accord.runtime.tracing import (
    TraceContext,
    activate,
    current_trace,
    deactivate,
    new_trace,
    outgoing_traceparent,
    outgoing_traceparent_header,
    parse_traceparent,
    use_trace,
)

VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_valid_traceparent_is_parsed() -> None:
    ctx = parse_traceparent(VALID)
    assert ctx == TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01")
    assert ctx.traceparent == VALID


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "garbage",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  # no flags
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # zero span id
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # forbidden version
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  # short trace id
    ],
)
def test_invalid_traceparent_is_ignored(value: str | None) -> None:
    assert parse_traceparent(value) is None


def test_uppercase_traceparent_is_accepted() -> None:
    assert parse_traceparent(VALID.upper()) == parse_traceparent(VALID)


def test_events_published_in_a_trace_are_children_of_it() -> None:
    with use_trace(VALID) as active:
        assert current_trace() == active
        first, second = (
            parse_traceparent(outgoing_traceparent()),
            parse_traceparent(outgoing_traceparent()),
        )
    assert first is not None
    assert second is not None
    assert first.trace_id == second.trace_id == active.trace_id
    assert len({first.span_id, second.span_id, active.span_id}) == 3
    assert current_trace() is None


def test_outside_a_trace_each_event_starts_a_new_one() -> None:
    a, b = parse_traceparent(outgoing_traceparent()), parse_traceparent(outgoing_traceparent())
    assert a is not None
    assert b is not None
    assert a.trace_id != b.trace_id


def test_invalid_incoming_trace_starts_a_new_trace() -> None:
    with use_trace("nonsense") as active:
        assert active.trace_id != "nonsense"
        assert parse_traceparent(active.traceparent) == active


def test_nested_traces_restore_the_outer_one() -> None:
    outer = new_trace()
    with use_trace(outer):
        with use_trace(VALID):
            assert current_trace() != outer
        assert current_trace() == outer


def test_an_incoming_header_is_parsed_only_when_something_is_published() -> None:
    # The consumer makes the raw header bytes current; publishing continues that trace.
    token = activate(VALID.encode())
    try:
        child = parse_traceparent(outgoing_traceparent())
        assert current_trace() == parse_traceparent(VALID)
    finally:
        deactivate(token)
    assert child is not None
    assert child.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert child.span_id != "00f067aa0ba902b7"
    assert current_trace() is None


def test_a_malformed_incoming_header_gives_new_traces() -> None:
    token = activate(b"not a traceparent")
    try:
        first = parse_traceparent(outgoing_traceparent())
        second = parse_traceparent(outgoing_traceparent())
    finally:
        deactivate(token)
    assert first is not None
    assert second is not None
    assert first.trace_id != second.trace_id


def test_the_header_form_is_the_same_traceparent_as_bytes() -> None:
    fresh = [parse_traceparent(outgoing_traceparent_header().decode("ascii")) for _ in range(50)]
    assert all(t is not None and t.flags == "01" for t in fresh)
    assert len({t.trace_id for t in fresh if t is not None}) == 50  # a new trace each
    token = activate(VALID.encode())
    try:
        child = parse_traceparent(outgoing_traceparent_header().decode("ascii"))
    finally:
        deactivate(token)
    assert child is not None
    assert child.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert child.span_id != "00f067aa0ba902b7"


def test_an_incoming_cell_gives_the_trace_of_the_event_at_hand() -> None:
    """The consumer makes one cell current per batch and sets its header per event: the
    trace follows the header, and nothing parsed for one event sticks to the next."""
    incoming = tracing.Incoming()
    token = tracing.activate(incoming)
    try:
        assert tracing.current_trace() is None
        incoming.header = b"00-" + b"a" * 32 + b"-" + b"b" * 16 + b"-01"
        first = tracing.current_trace()
        assert first is not None
        assert first.trace_id == "a" * 32
        incoming.header = b"00-" + b"c" * 32 + b"-" + b"d" * 16 + b"-01"
        child = tracing.outgoing_traceparent()
        assert child.startswith("00-" + "c" * 32 + "-")
        assert "-" + "d" * 16 + "-" not in child
    finally:
        tracing.deactivate(token)
    assert tracing.current_trace() is None
