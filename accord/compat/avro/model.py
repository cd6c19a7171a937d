"""Avro schemas as the compatibility engine sees them: a graph of :class:`Node`s.

Parsed once per distinct schema (the engine memoises by fingerprint) and then only read.
A named type referenced several times is one node, so recursion is a cycle in the graph,
as in Avro Java's ``Schema`` objects; primitives get a node per occurrence. Every node keeps
the JSON pointer of its definition so a change can be located in the file. Logical types are
kept for messages only: compatibility ignores them, as Avro Java does.

The input is assumed valid (``accord.contracts`` validates first); :func:`parse` still
tolerates anonymous records, which Avro Java builds in code and compares by (absent) name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PRIMITIVES = frozenset(["null", "boolean", "int", "long", "float", "double", "bytes", "string"])
NAMED = frozenset(["record", "error", "enum", "fixed"])


class AvroModelError(ValueError):
    """The schema uses a name that is defined nowhere (a missing reference)."""

    def __init__(self, name: str, pointer: str) -> None:
        super().__init__(f"unknown type {name!r}")
        self.name = name
        self.pointer = pointer


@dataclass(eq=False, slots=True)
class Field:
    name: str
    type: Node
    pos: int
    pointer: str
    aliases: tuple[str, ...] = ()
    has_default: bool = False
    default: Any = None


_NO_ALIASES: frozenset[str] = frozenset()


@dataclass(eq=False, slots=True)
class Node:
    """One schema node. ``kind`` is the Avro type (``error`` is read as ``record``)."""

    kind: str
    pointer: str
    name: str | None = None  # unqualified name of a named type (None: anonymous record)
    fullname: str | None = None
    aliases: frozenset[str] = _NO_ALIASES  # full names
    fields: Sequence[Field] = ()  # a record's own list (other kinds share the empty tuple)
    field_index: Mapping[str, Field] | None = None  # set for records
    symbols: tuple[str, ...] = ()
    enum_default: str | None = None
    size: int = 0
    child: Node | None = None  # array items / map values
    branches: tuple[Node, ...] = ()
    logical: str | None = None

    @property
    def java_type(self) -> str:
        """Avro Java's ``Schema.Type`` name (used in its messages)."""
        return self.kind.upper()

    def label(self) -> str:
        """How the type is named in messages: ``int``, ``record com.acme.User``..."""
        if self.kind in ("record", "enum", "fixed"):
            return f"{self.kind} {self.fullname or '(anonymous)'}"
        if self.kind == "array" and self.child is not None:
            return f"array of {self.child.label()}"
        if self.kind == "map" and self.child is not None:
            return f"map of {self.child.label()}"
        if self.kind == "union":
            return "union [" + ", ".join(b.short() for b in self.branches) + "]"
        if self.logical:
            return f"{self.kind} ({self.logical})"
        return self.kind

    def short(self) -> str:
        if self.kind in ("record", "enum", "fixed"):
            return self.fullname or self.kind
        return self.kind

    def branch_tag(self) -> str:
        """fastavro's union tuple-notation name for this node as a union branch."""
        if self.kind in ("record", "enum", "fixed") and self.fullname:
            return self.fullname
        return self.kind


def _full(name: str, namespace: str | None) -> str:
    if "." in name or not namespace:
        return name
    return f"{namespace}.{name}"


class _Parser:
    def __init__(self, names: Mapping[str, Node] | None = None) -> None:
        self.names: dict[str, Node] = dict(names or {})

    def lookup(self, name: str, namespace: str | None, pointer: str) -> Node:
        if namespace and "." not in name:
            found = self.names.get(f"{namespace}.{name}")
            if found is not None:
                return found
        found = self.names.get(name)
        if found is None:
            raise AvroModelError(name, pointer)
        return found

    def parse(self, data: Any, ptr: str, ns: str | None) -> Node:
        if isinstance(data, str):
            if data in PRIMITIVES:
                return Node(kind=data, pointer=ptr)
            return self.lookup(data, ns, ptr)
        if isinstance(data, list):
            branches = tuple(self.parse(b, f"{ptr}/{i}", ns) for i, b in enumerate(data))
            return Node(kind="union", pointer=ptr, branches=branches)
        if not isinstance(data, dict):
            raise AvroModelError(repr(data), ptr)
        t = data.get("type")
        if isinstance(t, (dict, list)):
            return self.parse(t, ptr + "/type", ns)
        if not isinstance(t, str):
            raise AvroModelError(repr(t), ptr)
        if t in PRIMITIVES:
            logical = data.get("logicalType")
            return Node(kind=t, pointer=ptr, logical=logical if isinstance(logical, str) else None)
        if t in NAMED:
            return self.named(data, t, ptr, ns)
        if t in ("array", "map"):
            key = "items" if t == "array" else "values"
            node = Node(kind=t, pointer=ptr)
            node.child = self.parse(data.get(key), f"{ptr}/{key}", ns)
            return node
        return self.lookup(t, ns, ptr + "/type")

    def named(self, data: dict[str, Any], t: str, ptr: str, ns: str | None) -> Node:
        raw = data.get("name")
        name: str | None = raw if isinstance(raw, str) else None
        space: str | None = ns
        if name is not None and "." in name:
            space, _, name = name.rpartition(".")
        elif isinstance(data.get("namespace"), str):
            space = data["namespace"] or None
        fullname = _full(name, space) if name is not None else None
        raw_aliases = data.get("aliases")
        aliases = (
            frozenset(_full(a, space) for a in raw_aliases if isinstance(a, str))
            if raw_aliases
            else _NO_ALIASES
        )
        kind = "record" if t == "error" else t
        logical = data.get("logicalType")
        node = Node(
            kind=kind,
            pointer=ptr,
            name=name,
            fullname=fullname,
            aliases=aliases,
            logical=logical if isinstance(logical, str) else None,
        )
        if fullname is not None:
            # Registered before the body so the body may refer to the type (recursion).
            self.names[fullname] = node
        if kind == "record":
            fields: list[Field] = []
            index: dict[str, Field] = {}
            node.fields, node.field_index = fields, index
            for i, f in enumerate(data.get("fields") or ()):
                fptr = f"{ptr}/fields/{i}"  # tokens here never need escaping
                ftype = self.parse(f.get("type"), fptr + "/type", space)
                field_aliases = f.get("aliases")
                fld = Field(
                    f["name"],
                    ftype,
                    i,
                    fptr,
                    tuple(a for a in field_aliases if isinstance(a, str)) if field_aliases else (),
                    "default" in f,
                    f.get("default"),
                )
                fields.append(fld)
                index.setdefault(fld.name, fld)
        elif kind == "enum":
            node.symbols = tuple(data.get("symbols") or ())
            default = data.get("default")
            node.enum_default = default if isinstance(default, str) else None
        else:
            node.size = int(data.get("size", 0))
        return node


def parse(data: Any, *, references: Iterable[Any] = ()) -> Node:
    """The node graph of ``data``; ``references`` are schemas whose named types it may use
    (parsed first, in order, as Confluent does with schema references)."""
    parser = _Parser()
    for ref in references:
        parser.parse(ref, "", None)
    return parser.parse(data, "", None)


def named_types(data: Any) -> dict[str, Node]:
    """Every named type defined in ``data`` (for use as references of another schema)."""
    parser = _Parser()
    parser.parse(data, "", None)
    return parser.names
