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

from accord.compat.avro.model import Field, Node

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


class Resolver:
    """One ``reader``-against-``writer`` check (the memo lives as long as the check)."""

    def __init__(self) -> None:
        self.memo: dict[tuple[int, int], list[Incompatibility]] = {}

    def check(self, reader: Node, writer: Node) -> list[Incompatibility]:
        return self._get("", reader, writer, (), (), ())

    def _get(
        self,
        token: str,
        reader: Node,
        writer: Node,
        loc: tuple[str, ...],
        route: tuple[Step, ...],
        where: tuple[str, ...],
    ) -> list[Incompatibility]:
        loc = (*loc, token)
        key = (id(reader), id(writer))
        found = self.memo.get(key)
        if found is not None:
            # A pair still in progress is a recursion: compatible unless proven otherwise.
            return [] if found is _IN_PROGRESS else found
        self.memo[key] = _IN_PROGRESS
        result = self._calculate(reader, writer, loc, route, where)
        self.memo[key] = result
        return result

    def _fresh(
        self, reader: Node, writer: Node, route: tuple[Step, ...], where: tuple[str, ...]
    ) -> list[Incompatibility]:
        # Java's two-argument getCompatibility: a new location stack, the same memo.
        return self._get("", reader, writer, (), route, where)

    def _calculate(
        self,
        r: Node,
        w: Node,
        loc: tuple[str, ...],
        route: tuple[Step, ...],
        where: tuple[str, ...],
    ) -> list[Incompatibility]:
        if r.kind == w.kind:
            return self._same_kind(r, w, loc, route, where)
        if w.kind == "union":
            out: list[Incompatibility] = []
            for i, branch in enumerate(w.branches):
                out.extend(self._get(str(i), r, branch, loc, (*route, ("branch", i)), where))
            return out
        if r.kind == "union":
            for branch in r.branches:
                if not self._fresh(branch, w, route, where):
                    return []
            detail = f"reader union lacking writer type: {w.java_type}"
            return [
                Incompatibility(
                    "MISSING_UNION_BRANCH", detail, loc, r, w, r.pointer, w.pointer, route, where
                )
            ]
        if w.kind in PROMOTIONS.get(r.kind, ()):
            return []
        return [self._mismatch(r, w, loc, route, where)]

    @staticmethod
    def _mismatch(
        r: Node, w: Node, loc: tuple[str, ...], route: tuple[Step, ...], where: tuple[str, ...]
    ) -> Incompatibility:
        detail = f"reader type: {r.java_type} not compatible with writer type: {w.java_type}"
        return Incompatibility(
            "TYPE_MISMATCH", detail, loc, r, w, r.pointer, w.pointer, route, where
        )

    def _same_kind(
        self,
        r: Node,
        w: Node,
        loc: tuple[str, ...],
        route: tuple[Step, ...],
        where: tuple[str, ...],
    ) -> list[Incompatibility]:
        kind = r.kind
        if kind in ("array", "map"):
            token = "items" if kind == "array" else "values"
            assert r.child is not None
            assert w.child is not None
            mark = "[]" if kind == "array" else "{}"
            return self._get(token, r.child, w.child, loc, (*route, (token,)), (*where, mark))
        if kind == "union":
            return self._unions(r, w, loc, route, where)
        if kind == "record":
            return self._names(r, w, loc, route, where) + self._fields(r, w, loc, route, where)
        if kind == "enum":
            return self._names(r, w, loc, route, where) + self._symbols(r, w, loc, route, where)
        if kind == "fixed":
            out = self._names(r, w, loc, route, where)
            if r.size != w.size:
                detail = f"expected: {w.size}, found: {r.size}"
                out.append(
                    Incompatibility(
                        "FIXED_SIZE_MISMATCH",
                        detail,
                        (*loc, "size"),
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
        self,
        r: Node,
        w: Node,
        loc: tuple[str, ...],
        route: tuple[Step, ...],
        where: tuple[str, ...],
    ) -> list[Incompatibility]:
        out: list[Incompatibility] = []
        for i, branch in enumerate(w.branches):
            branch_route = (*route, ("branch", i))
            if self._fresh(r, branch, branch_route, where):
                detail = f"reader union lacking writer type: {branch.java_type}"
                out.append(
                    Incompatibility(
                        "MISSING_UNION_BRANCH",
                        detail,
                        (*loc, str(i)),
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
    def _names(
        r: Node, w: Node, loc: tuple[str, ...], route: tuple[Step, ...], where: tuple[str, ...]
    ) -> list[Incompatibility]:
        if r.name == w.name or (w.fullname is not None and w.fullname in r.aliases):
            return []
        return [
            Incompatibility(
                "NAME_MISMATCH",
                f"expected: {w.fullname}",
                (*loc, "name"),
                r,
                w,
                r.pointer + "/name",
                w.pointer + "/name",
                route,
                where,
            )
        ]

    @staticmethod
    def _symbols(
        r: Node, w: Node, loc: tuple[str, ...], route: tuple[Step, ...], where: tuple[str, ...]
    ) -> list[Incompatibility]:
        missing = sorted(set(w.symbols) - set(r.symbols))
        if not missing or (r.enum_default is not None and r.enum_default in r.symbols):
            return []
        return [
            Incompatibility(
                "MISSING_ENUM_SYMBOLS",
                "[" + ", ".join(missing) + "]",
                (*loc, "symbols"),
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
        self,
        r: Node,
        w: Node,
        loc: tuple[str, ...],
        route: tuple[Step, ...],
        where: tuple[str, ...],
    ) -> list[Incompatibility]:
        out: list[Incompatibility] = []
        for rf in r.fields:
            floc = (*loc, "fields", str(rf.pos))
            fwhere = (*where, rf.name)
            matches = _writer_fields(w, rf)
            if len(matches) > 1:
                names = ", ".join(f.name for f in matches)
                out.append(
                    Incompatibility(
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
                    self._get("type", rf.type, wf.type, floc, (*route, ("field", wf.name)), fwhere)
                )
            elif not rf.has_default:
                if rf.type.kind == "enum" and rf.type.enum_default is not None:
                    # Avro Java compares the enum with the writer *record* here: a mismatch.
                    quirk = self._get("type", rf.type, w, floc, route, fwhere)
                    out.extend(replace(i, field=rf) for i in quirk)
                else:
                    out.append(
                        Incompatibility(
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
    direct = writer.field_index.get(reader_field.name)
    if direct is not None:
        found.append(direct)
    for alias in reader_field.aliases:
        match = writer.field_index.get(alias)
        if match is not None:
            found.append(match)
    return found


def incompatibilities(reader: Node, writer: Node) -> list[Incompatibility]:
    """Every incompatibility of reading data written with ``writer`` using ``reader``."""
    return Resolver().check(reader, writer)
