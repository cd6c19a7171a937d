"""What a handler can reach while it runs: the transaction it shares with the inbox, a
publisher writing into that transaction's outbox, and version checks.

Handlers keep the generated signature ``handler(event, metadata)``; inside one, call
:func:`current`::

    def on_order_placed(event: OrderPlaced, meta: Metadata) -> None:
        ctx = current()
        ctx.tx.execute("UPDATE stock SET reserved = reserved + ? WHERE sku = ?", (...))
        ctx.publish(StockUpdated(...))           # outbox row in the same transaction

Everything the handler writes through ``ctx.tx`` commits together with the inbox record of the
event, so a redelivered event is skipped and a failed one leaves no trace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

from accord.errors import RuntimeFailure
from accord.runtime import inbox
from accord.runtime.db import Transaction
from accord.runtime.events import Codec, EventType, Metadata
from accord.runtime.metrics import Metrics
from accord.runtime.outbox import OutboxPublisher


@dataclass(frozen=True)
class HandlerContext:
    tx: Transaction
    metadata: Metadata
    group: str
    codec: Codec
    on_outbox_commit: Callable[[], None] | None = None
    metrics: Metrics | None = None

    @property
    def outbox(self) -> OutboxPublisher:
        """A publisher whose events commit with this handler's transaction."""
        return OutboxPublisher(
            self.tx, self.codec, on_commit=self.on_outbox_commit, metrics=self.metrics
        )

    def publish(self, event: EventType, *, headers: Mapping[str, str] | None = None) -> None:
        """Write ``event`` to the outbox in this transaction (it carries this event's trace)."""
        self.outbox.publish(event, headers=headers)

    def batch_fields(self) -> dict[str, object]:
        """The fields this context is made of, for the consumer's batch loop to set
        ``metadata`` per event on the one context of a batch (the context a handler gets is
        valid while it runs; keep what it says, not the context, for later)."""
        fields: dict[str, object] = self.__dict__
        return fields

    def for_event(self, metadata: Metadata) -> HandlerContext:
        """This context for another event of the same transaction. The consumer calls it per
        event: copying the fields dict is a third of what the frozen dataclass's
        ``__init__`` costs, for the same object."""
        ctx = _new(HandlerContext)
        _set_attribute(ctx, "__dict__", {**self.__dict__, "metadata": metadata})
        return ctx

    def is_newer(self, entity: str, key: str, version: int) -> bool:
        """Record ``version`` of ``entity``/``key`` and say whether it is newer than every
        version applied before; skip the update when it is not."""
        return inbox.newer_version(self.tx, entity, key, version)


_new = object.__new__
_set_attribute = object.__setattr__

_current: ContextVar[HandlerContext | None] = ContextVar("accord_handler", default=None)


def current() -> HandlerContext:
    """The context of the handler running now; :class:`RuntimeFailure` outside a handler."""
    ctx = _current.get()
    if ctx is None:
        raise RuntimeFailure(
            "accord.runtime.current() was called outside an event handler",
            hint="only handlers run by the consumer have a transaction and an outbox",
        )
    return ctx


# enter(ctx) makes ``ctx`` current while a handler runs (the consumer's per-event hot path)
# and returns the token that leave(token) takes to undo it: the context variable's own
# methods, without a Python call around each.
enter: Callable[[HandlerContext | None], Token[HandlerContext | None]] = _current.set
leave: Callable[[Token[HandlerContext | None]], None] = _current.reset


@contextmanager
def running(ctx: HandlerContext) -> Iterator[HandlerContext]:
    """``with running(ctx):`` the handler context is current (for tests and tools)."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
