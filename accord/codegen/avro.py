"""Avro schema -> codegen model.

Types map to what fastavro reads and writes: records -> frozen dataclasses, enums ->
``enum.Enum`` (member value = symbol), arrays -> tuples, maps -> mappings, unions -> ``A | B``,
fixed and bytes -> ``bytes``, and the logical types fastavro converts (decimal, uuid, date,
time-millis/micros, timestamp-millis/micros, local-timestamp-millis/micros) -> ``Decimal``,
``UUID``, ``date``, ``time`` and ``datetime``.
"""

from __future__ import annotations

from typing import Any

from accord.codegen import naming
from accord.codegen.decls import DeclTable, canonical, fail
from accord.codegen.model import (
    MISSING,
    ArrayOf,
    EnumDecl,
    Field,
    FixedDecl,
    Logical,
    LogicalKind,
    MapOf,
    Named,
    Prim,
    PrimKind,
    Record,
    TypeRef,
    union,
)
from accord.contracts import pointer as jp
from accord.contracts.avro import fullname, split_fullname
from accord.contracts.model import Schema

PRIMITIVES: dict[str, PrimKind] = {
    "null": "none",
    "boolean": "bool",
    "int": "int",
    "long": "int",
    "float": "float",
    "double": "float",
    "bytes": "bytes",
    "string": "str",
}
# (underlying type, logicalType) -> kind, as fastavro converts them.
LOGICAL: dict[tuple[str, str], LogicalKind] = {
    ("bytes", "decimal"): "decimal",
    ("fixed", "decimal"): "decimal",
    ("string", "uuid"): "uuid",
    ("int", "date"): "date",
    ("int", "time-millis"): "time",
    ("long", "time-micros"): "time",
    ("long", "timestamp-millis"): "datetime",
    ("long", "timestamp-micros"): "datetime",
    ("long", "local-timestamp-millis"): "local_datetime",
    ("long", "local-timestamp-micros"): "local_datetime",
}


class AvroLowering:
    """Lowers one Avro schema document into declarations of a :class:`DeclTable`."""

    def __init__(self, table: DeclTable, schema: Schema, event_name: str) -> None:
        self.table = table
        self.schema = schema
        self.event_name = event_name
        self.names: dict[str, str] = {}  # Avro full name -> class name (this document)

    def root(self) -> str:
        data = self.schema.data
        if not (isinstance(data, dict) and data.get("type") in ("record", "error")):
            raise fail(
                self.schema,
                "",
                "an event schema must be an Avro record",
                'wrap the type in {"type": "record", "name": ..., "fields": [...]}',
            )
        ref = self.type_of(data, "", None, root=True)
        assert isinstance(ref, Named)
        return ref.name

    def type_of(self, node: Any, ptr: str, namespace: str | None, *, root: bool = False) -> TypeRef:
        if isinstance(node, str):
            return self.reference(node, ptr, namespace)
        if isinstance(node, list):
            return union([self.type_of(b, jp.join(ptr, i), namespace) for i, b in enumerate(node)])
        t = node["type"]
        if isinstance(t, (dict, list)):
            return self.type_of(t, jp.join(ptr, "type"), namespace)
        logical = node.get("logicalType")
        if isinstance(logical, str) and (t, logical) in LOGICAL and t != "fixed":
            return Logical(
                LOGICAL[(t, logical)], logical, _int(node, "scale"), _int(node, "precision")
            )
        if t in PRIMITIVES:
            return Prim(PRIMITIVES[t], t)
        if t == "array":
            return ArrayOf(self.type_of(node["items"], jp.join(ptr, "items"), namespace))
        if t == "map":
            return MapOf(self.type_of(node["values"], jp.join(ptr, "values"), namespace))
        if t in ("record", "error"):
            return self.record(node, ptr, namespace, root=root)
        if t == "enum":
            return self.enum(node, namespace)
        if t == "fixed":
            return self.fixed(node, namespace)
        return self.reference(str(t), ptr, namespace)

    def reference(self, name: str, ptr: str, namespace: str | None) -> TypeRef:
        if name in PRIMITIVES:
            return Prim(PRIMITIVES[name], name)
        for candidate in (fullname(name, namespace), name):
            if candidate in self.names:
                return Named(self.names[candidate])
        raise fail(self.schema, ptr, f"unknown type {name!r}")

    def _full(self, node: dict[str, Any], namespace: str | None) -> str:
        ns = node.get("namespace")
        return fullname(node["name"], ns if isinstance(ns, str) and ns else namespace)

    def _claim(self, node: dict[str, Any], full: str, *, root: bool) -> str:
        identity = ("AVRO", full, canonical(node), self.event_name if root else None)
        known = self.table.known(identity)
        if known is not None:
            return known
        space, simple = split_fullname(full)
        candidates = [naming.pascal(simple)]
        if space:
            candidates.append(naming.pascal(space.rsplit(".", 1)[-1] + "_" + simple))
        return self.table.claim(identity, *candidates)

    def record(
        self, node: dict[str, Any], ptr: str, namespace: str | None, *, root: bool
    ) -> TypeRef:
        full = self._full(node, namespace)
        identity = ("AVRO", full, canonical(node), self.event_name if root else None)
        already = self.table.known(identity)
        name = self._claim(node, full, root=root)
        self.names[full] = name
        if already is not None:
            # Defined by an earlier event; still walk it so the names it defines resolve here.
            self._walk_fields(node, ptr, split_fullname(full)[0])
            return Named(name)
        fields = self._walk_fields(node, ptr, split_fullname(full)[0])
        self.table.define(Record(name, full, "AVRO", tuple(fields), _doc(node), discriminator=None))
        return Named(name)

    def _walk_fields(self, node: dict[str, Any], ptr: str, space: str | None) -> list[Field]:
        namer = naming.Namer(naming.EVENT_MEMBERS | naming.ANNOTATION_NAMES)
        fields = []
        for i, f in enumerate(node.get("fields", [])):
            fptr = jp.join(ptr, "fields", i)
            ftype = self.type_of(f["type"], jp.join(fptr, "type"), space)
            fields.append(
                Field(
                    name=namer.claim(naming.snake(f["name"])),
                    wire=f["name"],
                    type=ftype,
                    doc=_doc(f),
                    default=f.get("default", MISSING),
                    pointer=fptr,
                )
            )
        return fields

    def enum(self, node: dict[str, Any], namespace: str | None) -> TypeRef:
        full = self._full(node, namespace)
        name = self._claim(node, full, root=False)
        self.names[full] = name
        namer = naming.Namer(naming.ENUM_RESERVED)
        members = tuple((namer.claim(naming.member(s)), s) for s in node.get("symbols", []))
        self.table.define(EnumDecl(name, full, "AVRO", members, _doc(node)))
        return Named(name)

    def fixed(self, node: dict[str, Any], namespace: str | None) -> TypeRef:
        full = self._full(node, namespace)
        name = self._claim(node, full, root=False)
        self.names[full] = name
        logical: LogicalKind | None = None
        if node.get("logicalType") == "decimal":
            logical = "decimal"
        size = int(node.get("size", 0))
        self.table.define(
            FixedDecl(name, full, size, logical, _int(node, "scale"), _int(node, "precision"))
        )
        return Named(name)


def _doc(node: dict[str, Any]) -> str:
    doc = node.get("doc")
    return doc if isinstance(doc, str) else ""


def _int(node: dict[str, Any], key: str) -> int:
    value = node.get(key, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
