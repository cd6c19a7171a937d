"""The intermediate representation between schemas and templates.

Avro and JSON Schema documents are lowered (``codegen.avro``, ``codegen.jsonschema``) into
the same small set of frozen records: types (:data:`TypeRef`), declarations (records, enums,
fixed types) and events. Names in it are already safe Python names; wire names are kept next to
them for ``to_dict`` / ``from_dict``. Targets only read this model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

PrimKind = Literal["none", "bool", "int", "float", "str", "bytes", "any"]
LogicalKind = Literal["decimal", "uuid", "date", "time", "datetime", "local_datetime"]
Format = Literal["AVRO", "JSON"]


@dataclass(frozen=True)
class Prim:
    kind: PrimKind
    # The schema's own spelling ("long", "double"...); int and long are one Python type.
    wire: str = field(default="", compare=False)


@dataclass(frozen=True)
class Logical:
    kind: LogicalKind
    wire: str = ""  # Avro logicalType or JSON Schema format
    scale: int = 0  # Avro decimal
    precision: int = 0  # Avro decimal


@dataclass(frozen=True)
class Named:
    """A reference to a declaration of the module, by its Python class name."""

    name: str


@dataclass(frozen=True)
class ArrayOf:
    item: TypeRef


@dataclass(frozen=True)
class MapOf:
    value: TypeRef


@dataclass(frozen=True)
class UnionOf:
    """Two or more distinct branches; ``Prim("none")`` among them makes it nullable."""

    branches: tuple[TypeRef, ...]

    @property
    def nullable(self) -> bool:
        return NONE in self.branches

    @property
    def non_null(self) -> tuple[TypeRef, ...]:
        return tuple(b for b in self.branches if b != NONE)


TypeRef = Prim | Logical | Named | ArrayOf | MapOf | UnionOf
NONE = Prim("none")
ANY = Prim("any")


def union(branches: list[TypeRef]) -> TypeRef:
    """Branches without repeats; one branch is just that branch."""
    unique: list[TypeRef] = []
    for b in branches:
        for inner in b.branches if isinstance(b, UnionOf) else (b,):
            if inner not in unique:
                unique.append(inner)
    if len(unique) == 1:
        return unique[0]
    return UnionOf(tuple(unique))


def nullable(t: TypeRef) -> TypeRef:
    return union([t, NONE])


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Field:
    name: str  # Python attribute
    wire: str  # key in the datum
    type: TypeRef
    doc: str = ""
    default: Any = MISSING  # the schema's default, in wire (JSON) form
    required: bool = True  # JSON Schema: listed in `required` (absent keys are omitted)
    pointer: str = ""  # where the field is declared in its schema

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING


@dataclass(frozen=True)
class Record:
    name: str
    wire: str  # Avro full name / JSON Schema title or $defs key
    format: Format
    fields: tuple[Field, ...]
    doc: str = ""
    # JSON Schema oneOf branches: the property whose constant tells the branches apart.
    discriminator: tuple[str, Any] | None = None
    origin: str = ""  # the event whose schema declared it (for error locations)


@dataclass(frozen=True)
class EnumDecl:
    name: str
    wire: str
    format: Format
    members: tuple[tuple[str, str], ...]  # (Python member name, symbol / value)
    doc: str = ""


@dataclass(frozen=True)
class FixedDecl:
    """Avro fixed: represented as ``bytes`` (or ``Decimal`` via its logical type)."""

    name: str
    wire: str
    size: int
    logical: LogicalKind | None = None
    scale: int = 0
    precision: int = 0


Decl = Record | EnumDecl | FixedDecl


@dataclass(frozen=True)
class EventSpec:
    """One manifest event as generated: its root record and registry attributes."""

    event_name: str
    record: str  # Python class name of the root record
    format: Format
    topic: str
    subject: str
    record_name: str
    fingerprint: str
    schema_text: str
    key_field: str | None  # wire name
    key_attr: str | None  # Python attribute of the key field
    key_type: TypeRef | None
    doc: str
    source: str  # schema file as shown to users
    validate: bool = True


@dataclass(frozen=True)
class ServiceSpec:
    """Everything one service package holds."""

    service: str
    doc: str
    decls: tuple[Decl, ...]  # in emission order
    events: tuple[EventSpec, ...]  # sorted by event name
    produces: tuple[str, ...]  # event names, sorted
    consumes: tuple[str, ...]


def json_kind(t: TypeRef, decls: Mapping[str, Decl]) -> str:
    """The kind of JSON value a type travels as: what tells union branches apart."""
    if isinstance(t, Prim):
        return {"int": "number", "float": "number", "str": "string"}.get(t.kind, t.kind)
    if isinstance(t, Logical):
        return "string"
    if isinstance(t, ArrayOf):
        return "array"
    if isinstance(t, MapOf):
        return "object"
    if isinstance(t, Named):
        return "string" if isinstance(decls.get(t.name), EnumDecl) else "object"
    return "any"
