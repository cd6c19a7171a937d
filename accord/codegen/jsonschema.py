"""JSON Schema -> codegen model.

Objects with ``properties`` become frozen dataclasses (properties not in ``required`` are
optional and omitted from ``to_dict()`` while unset), string ``enum``s become ``enum.Enum``,
``format`` date-time / date / time / uuid become ``datetime`` / ``date`` / ``time`` / ``UUID``,
``type: [T, "null"]`` and ``oneOf``/``anyOf`` with a null branch become ``T | None``, local
``$ref``s (``#/$defs/Name``) become named classes, and ``oneOf`` of several objects becomes a
union told apart by a property every branch fixes with ``const``.

Keywords that only validate (``minimum``, ``pattern``, ``if``/``then``...) do not change the
Python type; the serde still validates every message against the whole schema.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from accord.codegen import naming
from accord.codegen.decls import DeclTable, canonical, fail
from accord.codegen.model import (
    ANY,
    MISSING,
    NONE,
    ArrayOf,
    EnumDecl,
    Field,
    Logical,
    LogicalKind,
    MapOf,
    Named,
    Prim,
    PrimKind,
    Record,
    TypeRef,
    UnionOf,
    json_kind,
    union,
)
from accord.contracts import pointer as jp
from accord.contracts.model import Schema

SIMPLE: dict[str, PrimKind] = {
    "null": "none",
    "boolean": "bool",
    "integer": "int",
    "number": "float",
    "string": "str",
}
FORMATS: dict[str, LogicalKind] = {
    "date-time": "datetime",
    "date": "date",
    "time": "time",
    "uuid": "uuid",
}
_BRANCHES = ("oneOf", "anyOf")


class JsonLowering:
    """Lowers one JSON Schema document into declarations of a :class:`DeclTable`."""

    def __init__(self, table: DeclTable, schema: Schema, event_name: str) -> None:
        self.table = table
        self.schema = schema
        self.event_name = event_name
        self.refs: dict[str, str] = {}  # pointer of a $ref target -> class name

    def root(self) -> str:
        data = self.schema.data
        if not isinstance(data, dict) or not _is_object(data):
            raise fail(
                self.schema,
                "",
                "an event schema must describe an object",
                'give it "type": "object" and "properties"',
            )
        name = data.get("title") if isinstance(data.get("title"), str) else self.event_name
        ref = self.object(data, "", str(name), root=True)
        assert isinstance(ref, Named)
        return ref.name

    # -- types ------------------------------------------------------------------------------

    def type_of(self, node: Any, ptr: str, hint: str) -> TypeRef:
        """The type of schema ``node``; ``hint`` names a class defined inline here."""
        if node is True or node == {}:
            return ANY
        if node is False:
            raise fail(self.schema, ptr, "a `false` schema accepts no value")
        if not isinstance(node, dict):
            raise fail(self.schema, ptr, "expected a schema object")
        if isinstance(node.get("$ref"), str):
            return self.ref(node["$ref"], ptr)
        if "allOf" in node:
            parts = node["allOf"]
            if isinstance(parts, list) and len(parts) == 1:
                return self.type_of(parts[0], jp.join(ptr, "allOf", 0), hint)
            raise fail(
                self.schema,
                jp.join(ptr, "allOf"),
                "allOf with several schemas has no single Python type",
                "write the combined properties into one object schema",
            )
        for key in _BRANCHES:
            if key in node:
                return self.branches(node, key, ptr, hint)
        if "enum" in node:
            return self.enum(node, ptr, hint)
        if "const" in node:
            return _type_of_value(node["const"]) or ANY
        types = node.get("type")
        if isinstance(types, list):
            return union([self.typed(node, t, ptr, hint) for t in types])
        if isinstance(types, str):
            return self.typed(node, types, ptr, hint)
        if _is_object(node):
            return self.typed(node, "object", ptr, hint)
        if "items" in node:
            return self.typed(node, "array", ptr, hint)
        return ANY

    def typed(self, node: dict[str, Any], t: str, ptr: str, hint: str) -> TypeRef:
        if t == "object":
            return self.object(node, ptr, hint)
        if t == "array":
            items = node.get("items", True)
            if isinstance(items, list) or "prefixItems" in node:
                raise fail(
                    self.schema,
                    jp.join(ptr, "prefixItems" if "prefixItems" in node else "items"),
                    "tuple-shaped arrays (prefixItems / items lists) are not supported",
                    "use one `items` schema for every element",
                )
            return ArrayOf(self.type_of(items, jp.join(ptr, "items"), f"{hint}.item"))
        if t == "string" and isinstance(node.get("format"), str) and node["format"] in FORMATS:
            return Logical(FORMATS[node["format"]], node["format"])
        if t in SIMPLE:
            return Prim(SIMPLE[t], t)
        raise fail(self.schema, jp.join(ptr, "type"), f"unknown type {t!r}")

    def ref(self, target: str, ptr: str) -> TypeRef:
        if not target.startswith("#"):
            raise fail(
                self.schema,
                jp.join(ptr, "$ref"),
                f"$ref {target!r} points outside this document",
                "generated stubs need self-contained schemas: copy the definition under $defs",
            )
        pointer = unquote(target[1:])
        if pointer in self.refs:
            return Named(self.refs[pointer])
        try:
            node = jp.resolve(self.schema.data, pointer)
        except (KeyError, ValueError):
            raise fail(
                self.schema, jp.join(ptr, "$ref"), f"$ref {target!r} points at nothing"
            ) from None
        hint = jp.unescape(pointer.rsplit("/", 1)[-1]) if pointer else self.event_name
        if isinstance(node, dict) and isinstance(node.get("title"), str):
            hint = node["title"]
        return self.type_of(node, pointer, hint)

    def object(self, node: dict[str, Any], ptr: str, hint: str, *, root: bool = False) -> TypeRef:
        props = node.get("properties")
        if not isinstance(props, dict):
            props = {}
        if not props and not root:
            extra = node.get("additionalProperties", True)
            value = self.type_of(extra, jp.join(ptr, "additionalProperties"), f"{hint}.value")
            return MapOf(value)
        identity = ("JSON", hint, canonical(node), self.event_name if root else None)
        known = self.table.known(identity)
        if known is not None:
            self.refs.setdefault(ptr, known)
            return Named(known)
        name = self.table.claim(identity, naming.pascal(hint))
        self.refs[ptr] = name
        required = node.get("required", [])
        namer = naming.Namer(naming.EVENT_MEMBERS | naming.ANNOTATION_NAMES)
        fields = []
        for wire, sub in props.items():
            sptr = jp.join(ptr, "properties", wire)
            ftype = self.type_of(sub, sptr, f"{hint}.{wire}")
            doc = sub.get("description", "") if isinstance(sub, dict) else ""
            default = sub.get("default", MISSING) if isinstance(sub, dict) else MISSING
            if default is MISSING and isinstance(sub, dict) and "const" in sub:
                default = sub["const"]  # a pinned value needs no argument
            fields.append(
                Field(
                    name=namer.claim(naming.snake(wire)),
                    wire=wire,
                    type=ftype,
                    doc=doc if isinstance(doc, str) else "",
                    default=default,
                    required=wire in required,
                    pointer=sptr,
                )
            )
        doc = node.get("description", "")
        self.table.define(
            Record(
                name,
                hint,
                "JSON",
                tuple(fields),
                doc if isinstance(doc, str) else "",
                origin=self.event_name,
            )
        )
        return Named(name)

    def enum(self, node: dict[str, Any], ptr: str, hint: str) -> TypeRef:
        values = node["enum"]
        symbols = [v for v in values if v is not None]
        if not all(isinstance(v, str) for v in symbols) or not symbols:
            raise fail(
                self.schema,
                jp.join(ptr, "enum"),
                "only enums of strings (and null) become Python enums",
                "use string values, or drop `enum` and validate the values with `minimum`...",
            )
        identity = ("JSON", hint, canonical(node), None)
        name = self.table.known(identity)
        if name is None:
            name = self.table.claim(identity, naming.pascal(hint))
            namer = naming.Namer(naming.ENUM_RESERVED)
            members = tuple((namer.claim(naming.member(s)), s) for s in symbols)
            doc = node.get("description", "")
            self.table.define(
                EnumDecl(name, hint, "JSON", members, doc if isinstance(doc, str) else "")
            )
        ref: TypeRef = Named(name)
        return union([ref, NONE]) if None in values else ref

    def branches(self, node: dict[str, Any], key: str, ptr: str, hint: str) -> TypeRef:
        options = node[key]
        if not isinstance(options, list) or not options:
            raise fail(self.schema, jp.join(ptr, key), f"{key} needs a list of schemas")
        types = [
            self.type_of(b, jp.join(ptr, key, i), f"{hint}.{i + 1}" if len(options) > 1 else hint)
            for i, b in enumerate(options)
        ]
        result = union(types)
        if isinstance(result, UnionOf):
            self.check_union(result, jp.join(ptr, key))
        return result

    def check_union(self, t: UnionOf, ptr: str) -> None:
        """Every branch must be recognisable from the JSON value alone."""
        kinds: dict[str, list[TypeRef]] = {}
        for b in t.non_null:
            kinds.setdefault(json_kind(b, self.table.declared()), []).append(b)
        for kind, members in sorted(kinds.items()):
            if len(members) < 2:
                continue
            if kind == "number":
                continue
            if kind == "object" and self.discriminate(members, ptr):
                continue
            raise fail(
                self.schema,
                ptr,
                f"{len(members)} branches are all JSON {kind}s and nothing tells them apart",
                'give every object branch a property with a distinct "const" value'
                if kind == "object"
                else "merge the branches",
            )

    def discriminate(self, members: list[TypeRef], ptr: str) -> bool:
        """Find a property every object branch pins with a distinct ``const``."""
        records = [self.table.get(m.name) for m in members if isinstance(m, Named)]
        if len(records) != len(members) or not all(isinstance(r, Record) for r in records):
            return False
        nodes = [self._node_of(r.name) for r in records]
        candidates = set.intersection(*(set(_consts(n)) for n in nodes))
        for prop in sorted(candidates):
            values = [_consts(n)[prop] for n in nodes]
            if len({canonical(v) for v in values}) == len(values):
                for record, value in zip(records, values, strict=True):
                    assert isinstance(record, Record)
                    self.table.define(
                        Record(
                            record.name,
                            record.wire,
                            record.format,
                            record.fields,
                            record.doc,
                            discriminator=(prop, value),
                            origin=record.origin,
                        )
                    )
                return True
        return False

    def _node_of(self, name: str) -> Any:
        for pointer, known in self.refs.items():
            if known == name:
                return jp.resolve(self.schema.data, pointer) if pointer else self.schema.data
        return {}


def _consts(node: Any) -> dict[str, Any]:
    """Properties a schema pins to one value (``const`` or a one-value ``enum``)."""
    out: dict[str, Any] = {}
    props = node.get("properties") if isinstance(node, dict) else None
    for name, sub in (props or {}).items():
        if isinstance(sub, dict):
            if "const" in sub:
                out[name] = sub["const"]
            elif isinstance(sub.get("enum"), list) and len(sub["enum"]) == 1:
                out[name] = sub["enum"][0]
    return out


def _is_object(node: dict[str, Any]) -> bool:
    return node.get("type") == "object" or (
        "type" not in node and ("properties" in node or "additionalProperties" in node)
    )


def _type_of_value(value: Any) -> TypeRef | None:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return Prim("bool")
    if isinstance(value, int):
        return Prim("int")
    if isinstance(value, float):
        return Prim("float")
    if isinstance(value, str):
        return Prim("str")
    return None
