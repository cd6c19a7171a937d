"""Where the *previous* contracts come from: the ``--against`` seam of ``accord check``.

A :class:`Source` turns a spec string into a :class:`Snapshot`: for every event it knows,
the versions of its schema (oldest first) and who consumed it. The gate never learns whether
a snapshot came from a git ref, a directory or a schema registry.

Spec strings (``parse_against``):

- ``git:REF``           the manifest and schemas at a git ref (history of each schema file
                        for transitive levels)
- ``DIR``               another checkout / folder holding an accord.yaml
- ``registry``          the manifest's ``registry:`` URL; ``registry:URL`` an explicit one
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from accord.contracts.model import Contracts, Level, Schema


@dataclass(frozen=True)
class PreviousEvent:
    """One event as the other source knows it."""

    name: str
    subject: str
    versions: tuple[Schema, ...]  # oldest first; the last is the latest
    consumers: tuple[str, ...] = ()
    level: Level | None = None  # the level the source has configured (registry), if any

    @property
    def latest(self) -> Schema:
        return self.versions[-1]


@dataclass(frozen=True)
class Snapshot:
    """The previous state of the contracts, from one source."""

    description: str  # for messages: "git:HEAD~1", "directory ../old", "registry http://..."
    events: Mapping[str, PreviousEvent] = field(default_factory=lambda: MappingProxyType({}))


class Source(Protocol):
    """Anything that can produce a :class:`Snapshot` to compare the working tree against."""

    @property
    def description(self) -> str: ...

    def snapshot(self, current: Contracts) -> Snapshot:
        """The previous contracts; ``current`` maps subjects back to event names."""
        ...
