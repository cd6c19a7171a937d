"""The declarations of one generated module: unique class names, shared definitions.

Events of one service often share named types (``UserStatus`` in ``UserCreated`` and
``UserUpdated``): a definition with the same identity (format, wire name, canonical body) is
declared once. Different definitions that want the same class name are mangled in the order
they are met, which is deterministic (events sorted by name, fields in schema order).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from accord.codegen import naming
from accord.codegen.model import Decl, EnumDecl, FixedDecl, Record
from accord.contracts.model import Schema
from accord.diagnostics import Location
from accord.errors import CodegenError


def canonical(node: Any) -> str:
    return json.dumps(node, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class DeclTable:
    """Class names and declarations in emission order (dependencies first)."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.namer = naming.Namer(naming.MODULE_NAMES | naming.BUILTIN_NAMES | frozenset(reserved))
        self._by_identity: dict[Hashable, str] = {}
        self._decls: dict[str, Decl] = {}

    def known(self, identity: Hashable) -> str | None:
        return self._by_identity.get(identity)

    def claim(self, identity: Hashable, *candidates: str) -> str:
        """A class name for a new definition: the first free candidate, else mangled."""
        for candidate in candidates:
            if self.namer.free(candidate):
                name = self.namer.claim(candidate)
                break
        else:
            name = self.namer.claim(candidates[0])
        self._by_identity[identity] = name
        return name

    def define(self, decl: Decl) -> None:
        self._decls[decl.name] = decl

    def get(self, name: str) -> Decl:
        return self._decls[name]

    def declared(self) -> Mapping[str, Decl]:
        """The declarations completed so far, by class name."""
        return self._decls

    def records(self) -> list[Record]:
        return [d for d in self._decls.values() if isinstance(d, Record)]

    def ordered(self) -> tuple[Decl, ...]:
        """Enums and fixed types first (class bodies may use enum members as defaults),
        then records, each group in the order definitions completed."""
        values = list(self._decls.values())
        first = [d for d in values if isinstance(d, (EnumDecl, FixedDecl))]
        return (*first, *(d for d in values if isinstance(d, Record)))


def fail(schema: Schema, pointer: str, message: str, fix: str | None = None) -> CodegenError:
    """A located :class:`CodegenError` for a schema node that cannot become safe Python."""
    return located_error(
        schema.locate(pointer),
        f"cannot generate Python for this schema: {message}",
        fix,
        "codegen-unsupported",
    )


def located_error(where: Location, message: str, fix: str | None, code: str) -> CodegenError:
    error = CodegenError.at(
        message,
        file=where.file,
        line=where.line,
        column=where.column,
        pointer=where.pointer,
        code=code,
        fix=fix,
    )
    assert isinstance(error, CodegenError)
    return error
