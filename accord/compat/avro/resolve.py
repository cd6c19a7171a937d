"""Avro schema resolution, decided exactly as Avro Java's ``SchemaCompatibility`` decides it.

Confluent Schema Registry calls Avro Java, so this is the behaviour every registry user sees:

- named types match by *unqualified* name, or when a reader alias equals the writer's full
  name; record fields match by name or by a reader field alias;
- promotions int -> long -> float -> double and string <-> bytes;
- a writer union must have every branch readable; a reader union needs one branch that can
  read the writer (any branch, not the first);
- an enum reader with a default (one of its symbols) reads unknown writer symbols; a reader
  field that is missing in the writer needs a default (for an enum field without one, Java
  compares the enum with the writer record, which never matches);
- recursion: a pair already being compared is assumed compatible, and every pair's result
  is memoised for the whole check, as Java's ``ReaderWriterCompatibilityChecker`` does;
- logical types are ignored.

Each incompatibility keeps Java's type, message and location, the JSON pointers of the
reader and writer nodes, the field path for messages, and the *route* from the writer's root
to the offending writer node (fields, union branches, items, values), from which a witness
datum is built.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from accord.compat.avro.model import PRIMITIVES, Field, Node

# Route steps from the writer root: ("field", name) | ("branch", index) | ("items",) |
# ("values",)
Step = tuple[str, ...] | tuple[str, int]
PROMOTIONS: dict[str, frozenset[str]] = {
    "long": frozenset(["int"]),
    "float": frozenset(["int", "long"]),
    "double": frozenset(["int", "long", "float"]),
    "bytes": frozenset(["string"]),
    "string": frozenset(["bytes"]),
}
AMBIGUOUS_ALIAS = "READER_FIELD_ALIAS_AMBIGUOUS"  # accord's name: Avro Java throws here


@dataclass(frozen=True, slots=True)
class Incompatibility:
    """One incompatibility found while resolving ``reader`` against ``writer``."""

    type: str  # Avro Java's SchemaIncompatibilityType (or AMBIGUOUS_ALIAS)
    detail: str  # Avro Java's message
    location: tuple[str, ...]  # Avro Java's location tokens, root first
    reader: Node
    writer: Node
    reader_pointer: str
    writer_pointer: str
    route: tuple[Step, ...]
    where: tuple[str, ...]  # reader field path, for messages
    field: Field | None = None
    symbols: tuple[str, ...] = ()

    @property
    def java_location(self) -> str:
        """Java's ``Incompatibility.getLocation()``: ``/`` + tokens after the root."""
        tokens = [t.replace("~", "~0").replace("/", "~1") for t in self.location[1:]]
        return "/" + "/".join(tokens)


_IN_PROGRESS: list[Incompatibility] = []

# Paths are built as cons chains (head, rest) and turned into tuples only when an
# incompatibility is recorded: most comparisons find none, and copying tuples at every step
# would cost more than the comparison.
Chain = tuple[Any, "Chain"] | None


def _tuple(chain: Chain) -> tuple[Any, ...]:
    out = []
    while chain is not None:
        out.append(chain[0])
        chain = chain[1]
    out.reverse()
    return tuple(out)


def _inc(
    type_: str,
    detail: str,
    loc: Chain,
    r: Node,
    w: Node,
    r_ptr: str,
    w_ptr: str,
    route: Chain,
    where: Chain,
    field: Field | None = None,
    symbols: tuple[str, ...] = (),
) -> Incompatibility:
    return Incompatibility(
        type_,
        detail,
        _tuple(loc),
        r,
        w,
        r_ptr,
        w_ptr,
        _tuple(route),
        _tuple(where),
        field,
        symbols,
    )


class Resolver:
    """One ``reader``-against-``writer`` check (the memo lives as long as the check)."""

    def __init__(self) -> None:
        self.memo: dict[tuple[int, int], list[Incompatibility]] = {}

    def check(self, reader: Node, writer: Node) -> list[Incompatibility]:
        return self._get("", reader, writer, None, None, None)

    def _get(
        self, token: str, reader: Node, writer: Node, loc: Chain, route: Chain, where: Chain
    ) -> list[Incompatibility]:
        key = (id(reader), id(writer))
        found = self.memo.get(key)
        if found is not None:
            # A pair still in progress is a recursion: compatible unless proven otherwise.
            return [] if found is _IN_PROGRESS else found
        self.memo[key] = _IN_PROGRESS
        result = self._calculate(reader, writer, (token, loc), route, where)
        self.memo[key] = result
        return result

    def _fresh(self, reader: Node, writer: Node, route: Chain, where: Chain) -> bool:
        """Whether ``reader`` can read ``writer``: Java's two-argument getCompatibility (a new
        location stack, the same memo)."""
        return not self._get("", reader, writer, None, route, where)

    def _calculate(
        self, r: Node, w: Node, loc: Chain, route: Chain, where: Chain
    ) -> list[Incompatibility]:
        if r.kind == w.kind:
            return self._same_kind(r, w, loc, route, where)
        if w.kind == "union":
            out: list[Incompatibility] = []
            for i, branch in enumerate(w.branches):
                out.extend(self._get(str(i), r, branch, loc, (("branch", i), route), where))
            return out
        if r.kind == "union":
            for branch in r.branches:
                if self._fresh(branch, w, route, where):
                    return []
            detail = f"reader union lacking writer type: {w.java_type}"
            return [
                _inc("MISSING_UNION_BRANCH", detail, loc, r, w, r.pointer, w.pointer, route, where)
            ]
        if w.kind in PROMOTIONS.get(r.kind, ()):
            return []
        detail = f"reader type: {r.java_type} not compatible with writer type: {w.java_type}"
        return [_inc("TYPE_MISMATCH", detail, loc, r, w, r.pointer, w.pointer, route, where)]

    def _same_kind(
        self, r: Node, w: Node, loc: Chain, route: Chain, where: Chain
    ) -> list[Incompatibility]:
        kind = r.kind
        if kind == "record":
            return self._names(r, w, loc, route, where) + self._fields(r, w, loc, route, where)
        if kind in ("array", "map"):
            token = "items" if kind == "array" else "values"
            assert r.child is not None
            assert w.child is not None
            mark = "[]" if kind == "array" else "{}"
            return self._get(token, r.child, w.child, loc, ((token,), route), (mark, where))
        if kind == "union":
            return self._unions(r, w, loc, route, where)
        if kind == "enum":
            return self._names(r, w, loc, route, where) + self._symbols(r, w, loc, route, where)
        if kind == "fixed":
            out = self._names(r, w, loc, route, where)
            if r.size != w.size:
                detail = f"expected: {w.size}, found: {r.size}"
                out.append(
                    _inc(
                        "FIXED_SIZE_MISMATCH",
                        detail,
                        ("size", loc),
                        r,
                        w,
                        r.pointer + "/size",
                        w.pointer + "/size",
                        route,
                        where,
                    )
                )
            return out
        return []  # primitives of the same type

    def _unions(
        self, r: Node, w: Node, loc: Chain, route: Chain, where: Chain
    ) -> list[Incompatibility]:
        out: list[Incompatibility] = []
        for i, branch in enumerate(w.branches):
            branch_route: Chain = (("branch", i), route)
            if not self._fresh(r, branch, branch_route, where):
                detail = f"reader union lacking writer type: {branch.java_type}"
                out.append(
                    _inc(
                        "MISSING_UNION_BRANCH",
                        detail,
                        (str(i), loc),
                        r,
                        w,
                        r.pointer,
                        branch.pointer,
                        branch_route,
                        where,
                    )
                )
        return out

    @staticmethod
    def _names(r: Node, w: Node, loc: Chain, route: Chain, where: Chain) -> list[Incompatibility]:
        if r.name == w.name or (w.fullname is not None and w.fullname in r.aliases):
            return []
        return [
            _inc(
                "NAME_MISMATCH",
                f"expected: {w.fullname}",
                ("name", loc),
                r,
                w,
                r.pointer + "/name",
                w.pointer + "/name",
                route,
                where,
            )
        ]

    @staticmethod
    def _symbols(r: Node, w: Node, loc: Chain, route: Chain, where: Chain) -> list[Incompatibility]:
        if not set(w.symbols).difference(r.symbols):
            return []
        if r.enum_default is not None and r.enum_default in r.symbols:
            return []
        missing = sorted(set(w.symbols) - set(r.symbols))
        return [
            _inc(
                "MISSING_ENUM_SYMBOLS",
                "[" + ", ".join(missing) + "]",
                ("symbols", loc),
                r,
                w,
                r.pointer + "/symbols",
                w.pointer + "/symbols",
                route,
                where,
                symbols=tuple(missing),
            )
        ]

    def _fields(
        self, r: Node, w: Node, loc: Chain, route: Chain, where: Chain
    ) -> list[Incompatibility]:
        out: list[Incompatibility] = []
        index = w.field_index or {}
        for rf in r.fields:
            direct = index.get(rf.name)
            if rf.aliases:
                matches = _writer_fields(w, rf)
            elif direct is not None:
                kind = rf.type.kind
                if kind == direct.type.kind and kind in PRIMITIVES:
                    continue  # the same primitive: compatible, and never part of a cycle
                matches = [direct]
            else:
                matches = []
            floc: Chain = (str(rf.pos), ("fields", loc))
            fwhere: Chain = (rf.name, where)
            if len(matches) > 1:
                names = ", ".join(f.name for f in matches)
                out.append(
                    _inc(
                        AMBIGUOUS_ALIAS,
                        f"reader field {rf.name} matches writer fields {names}",
                        floc,
                        r,
                        w,
                        rf.pointer,
                        w.pointer,
                        route,
                        fwhere,
                        field=rf,
                    )
                )
            elif matches:
                wf = matches[0]
                out.extend(
                    self._get("type", rf.type, wf.type, floc, (("field", wf.name), route), fwhere)
                )
            elif not rf.has_default:
                if rf.type.kind == "enum" and rf.type.enum_default is not None:
                    # Avro Java compares the enum with the writer *record* here: a mismatch.
                    quirk = self._get("type", rf.type, w, floc, route, fwhere)
                    out.extend(replace(i, field=rf) for i in quirk)
                else:
                    out.append(
                        _inc(
                            "READER_FIELD_MISSING_DEFAULT_VALUE",
                            rf.name,
                            floc,
                            r,
                            w,
                            rf.pointer,
                            w.pointer,
                            route,
                            fwhere,
                            field=rf,
                        )
                    )
        return out


def _writer_fields(writer: Node, reader_field: Field) -> list[Field]:
    """Avro Java's ``lookupWriterField``: by name, then by each reader alias (all matches)."""
    found = []
    index = writer.field_index or {}
    direct = index.get(reader_field.name)
    if direct is not None:
        found.append(direct)
    for alias in reader_field.aliases:
        match = index.get(alias)
        if match is not None:
            found.append(match)
    return found


def incompatibilities(reader: Node, writer: Node) -> list[Incompatibility]:
    """Every incompatibility of reading data written with ``writer`` using ``reader``."""
    return Resolver().check(reader, writer)
