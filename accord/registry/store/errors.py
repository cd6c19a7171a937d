"""The store cannot be opened: a bad URL, an unreachable database, tables from the future."""

from __future__ import annotations

from accord.errors import AccordError


class StoreError(AccordError):
    """The registry's database cannot be used (exit 2 from ``accord registry serve``)."""
