"""W3C Trace Context (``traceparent``) carried from an incoming event to the events its handler
emits, so one order can be followed across services.

``traceparent`` is ``00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>``. While a
handler runs, the runtime makes the incoming event's trace current; every event published then
gets a new span id under the same trace id. Outside a handler, each published event starts a new
trace unless the caller makes one current with :func:`use_trace` (for example with the
``traceparent`` header of the HTTP request that caused it).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

from accord.runtime.speedups import _speedups

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    flags: str = "01"

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"

    def child(self) -> TraceContext:
        """A new span in the same trace."""
        return TraceContext(self.trace_id, _new_span_id(), self.flags)


def parse_traceparent(value: str | None) -> TraceContext | None:
    """The context in a ``traceparent`` header, or None when absent or malformed (a malformed
    header starts a new trace rather than failing the event, as the W3C spec asks)."""
    if not value:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if match is None:
        return None
    version, trace_id, span_id, flags = match.groups()
    if version == "ff" or trace_id == _ZERO_TRACE or span_id == _ZERO_SPAN:
        return None
    return TraceContext(trace_id, span_id, flags)


# Trace ids need to be unique, not secret: the fast PRNG (reseeded after fork) is enough.
_random_bits = random.getrandbits


def new_trace() -> TraceContext:
    return TraceContext(f"{_random_bits(128) or 1:032x}", _new_span_id())


def _new_span_id() -> str:
    return f"{_random_bits(64) or 1:016x}"


def _new_traceparent() -> str:
    """``new_trace().traceparent`` without the intermediate object (the publishing hot path)."""
    return _traceparent_bytes(_random_bits(128), _random_bits(64)).decode("ascii")


class Incoming:
    """The ``traceparent`` header of the event being handled, as the consumer's batch loop
    keeps it: made current once per batch, its ``header`` set per event (an attribute store,
    where a context variable would take a set and a reset per event)."""

    __slots__ = ("header",)

    def __init__(self) -> None:
        self.header: bytes | None = None


# The active trace: a parsed context, or the raw header of the event being handled (bytes as
# it came off the wire, or an Incoming holding them, parsed only if the handler publishes, so
# consuming pays nothing).
_Active = TraceContext | str | bytes | Incoming | None
_current: ContextVar[_Active] = ContextVar("accord_trace", default=None)


def current_trace() -> TraceContext | None:
    active = _current.get()
    if active is None or isinstance(active, TraceContext):
        return active
    if isinstance(active, Incoming):  # changes per event: parsed each time, not kept
        header = active.header
        return parse_traceparent(header.decode("ascii", "replace")) if header else None
    parsed = parse_traceparent(
        active.decode("ascii", "replace") if isinstance(active, bytes) else active
    )
    _current.set(parsed)
    return parsed


# activate(traceparent) makes an incoming ``traceparent`` (text or the header's bytes)
# current, the consumer's per-event hot path (use :func:`use_trace` elsewhere), and returns
# the token deactivate(token) takes to undo it: the context variable's own methods, without
# a Python call around each.
activate: Callable[[_Active], Token[_Active]] = _current.set
deactivate: Callable[[Token[_Active]], None] = _current.reset


@contextmanager
def use_trace(context: TraceContext | str | None) -> Iterator[TraceContext]:
    """Make ``context`` (or a ``traceparent`` string) current; a new trace when None/invalid."""
    parsed = parse_traceparent(context) if isinstance(context, str) or context is None else context
    active = parsed or new_trace()
    token = _current.set(active)
    try:
        yield active
    finally:
        _current.reset(token)


def _traceparent_of(trace_bits: int, span_bits: int) -> bytes:
    return b"00-%032x-%016x-01" % (trace_bits or 1, span_bits or 1)


# A new trace's header from its ids' bits (formatted in C when accord's C codec is built).
_traceparent_bytes: Callable[[int, int], bytes] = (
    _traceparent_of if _speedups is None else _speedups.traceparent
)


def outgoing_traceparent_header() -> bytes:
    """:func:`outgoing_traceparent` as the header's bytes (the publishing hot path: a new
    trace is formatted as bytes at once)."""
    if _current.get() is None:
        return _traceparent_bytes(_random_bits(128), _random_bits(64))
    return outgoing_traceparent().encode("ascii")


def outgoing_traceparent() -> str:
    """The ``traceparent`` for an event published now: a child of the current trace, or a new
    trace when none is current."""
    if _current.get() is None:
        return _new_traceparent()
    active = current_trace()
    return active.child().traceparent if active is not None else _new_traceparent()
