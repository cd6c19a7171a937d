"""Counterexamples for Avro incompatibilities: a datum the writer encodes and the reader
cannot decode.

The resolver records, for every incompatibility, the route from the writer's root to the
offending writer node (fields, union branches, array items, map values). The witness follows
that route and fills everything else with the smallest value of its type; union branches are
chosen in fastavro's tuple notation so the encoder writes exactly the branch on the route.
The datum is then written with fastavro and read back with the reader schema: only a datum
that really fails to decode is returned.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import fastavro

from accord.compat.avro.model import Node
from accord.compat.avro.resolve import Incompatibility, Step
from accord.compat.change import Witness
from accord.contracts.model import SchemaFormat

_SCALARS: dict[str, Any] = {
    "null": None,
    "boolean": False,
    "int": 0,
    "long": 0,
    "float": 0.0,
    "double": 0.0,
    "bytes": b"",
    "string": "",
}


# Values a logical type's reader accepts (the plain ones above would not all round-trip).
_LOGICAL: dict[str, Any] = {
    "uuid": "00000000-0000-0000-0000-000000000000",
    "decimal": Decimal(0),
}


class _NoDatum(Exception):
    """The type has no finite value (a record that always contains itself)."""


def minimal(node: Node, visiting: frozenset[int] = frozenset()) -> Any:
    """The smallest value of ``node``'s type; :class:`_NoDatum` if there is none."""
    kind = node.kind
    if kind in _SCALARS:
        if node.logical in _LOGICAL:
            return _LOGICAL[node.logical]
        return _SCALARS[kind]
    if kind == "fixed":
        return b"\x00" * node.size
    if kind == "enum":
        if not node.symbols:
            raise _NoDatum
        return node.symbols[0]
    if kind == "array":
        return []
    if kind == "map":
        return {}
    if kind == "union":
        for branch in node.branches:
            try:
                return (branch.branch_tag(), minimal(branch, visiting))
            except _NoDatum:
                continue
        raise _NoDatum
    # record
    if id(node) in visiting:
        raise _NoDatum
    inner = visiting | {id(node)}
    return {f.name: minimal(f.type, inner) for f in node.fields}


def _follow(node: Node, route: tuple[Step, ...], inc: Incompatibility) -> Any:
    if not route:
        if inc.type == "MISSING_ENUM_SYMBOLS" and node.kind == "enum" and inc.symbols:
            return inc.symbols[0]
        return minimal(node)
    step, rest = route[0], route[1:]
    if step[0] == "field" and node.kind == "record":
        datum = {}
        for f in node.fields:
            if f.name == step[1]:
                datum[f.name] = _follow(f.type, rest, inc)
            else:
                datum[f.name] = minimal(f.type)
        return datum
    if step[0] == "branch" and node.kind == "union":
        index = step[1]
        assert isinstance(index, int)
        branch = node.branches[index]
        return (branch.branch_tag(), _follow(branch, rest, inc))
    if step[0] == "items" and node.kind == "array" and node.child is not None:
        return [_follow(node.child, rest, inc)]
    if step[0] == "values" and node.kind == "map" and node.child is not None:
        return {"key": _follow(node.child, rest, inc)}
    raise _NoDatum


def candidate(writer: Node, inc: Incompatibility) -> Any:
    """The datum the route of ``inc`` leads to; :class:`_NoDatum` when none can be built."""
    return _follow(writer, inc.route, inc)


def decode_failure(datum: Any, writer: Any, reader: Any) -> str | None:
    """Why ``datum`` (written with fastavro-parsed ``writer``) does not decode with ``reader``;
    None if it decodes, or if it does not even round-trip through the writer schema alone
    (then the failure would prove nothing about the two schemas)."""
    buffer = io.BytesIO()
    try:
        fastavro.schemaless_writer(buffer, writer, datum)
        data = buffer.getvalue()
        fastavro.schemaless_reader(io.BytesIO(data), writer, None)
    except Exception:  # the writer cannot produce it: not a witness
        return None
    try:
        fastavro.schemaless_reader(io.BytesIO(data), writer, reader)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def find(
    writer_node: Node, inc: Incompatibility, writer_parsed: Any, reader_parsed: Any
) -> Witness | None:
    """A verified witness for ``inc``, or None."""
    try:
        datum = candidate(writer_node, inc)
    except (_NoDatum, RecursionError):
        return None
    reason = decode_failure(datum, writer_parsed, reader_parsed)
    if reason is None:
        return None
    return Witness(format=SchemaFormat.AVRO, datum=datum, reason=reason)
