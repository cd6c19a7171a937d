"""Python expressions for the model's types: annotations, wire conversions, defaults.

``to_dict`` / ``from_dict`` are straight-line code: every conversion is written out per field
(no reflection at run time), and unions get one small generated helper function each.
Avro values are in fastavro's form (it converts logical types itself; union branches use
fastavro's ``(name, value)`` tuple notation so it never has to guess a branch); JSON values are
in ``json``'s form (strings for UUIDs and dates, lists, dicts).
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.codegen.model import (
    NONE,
    ArrayOf,
    Decl,
    EnumDecl,
    FixedDecl,
    Format,
    Logical,
    MapOf,
    Named,
    Prim,
    Record,
    TypeRef,
    UnionOf,
    json_kind,
)
from accord.codegen.naming import py_string

DumpForm = Literal["AVRO", "AVRO_PRIMITIVES", "JSON"]
_AVRO_PRIMITIVE = {
    "decimal": "bytes",
    "uuid": "string",
    "date": "int",
    "time-millis": "int",
    "time-micros": "long",
    "timestamp-millis": "long",
    "timestamp-micros": "long",
    "local-timestamp-millis": "long",
    "local-timestamp-micros": "long",
}
_PRIM_ANNOTATIONS = {
    "none": "None",
    "bool": "bool",
    "int": "int",
    "float": "float",
    "str": "str",
    "bytes": "bytes",
    "any": "Any",
}
_LOGICAL_ANNOTATIONS = {
    "decimal": "decimal.Decimal",
    "uuid": "uuid.UUID",
    "date": "datetime.date",
    "time": "datetime.time",
    "datetime": "datetime.datetime",
    "local_datetime": "datetime.datetime",
}


class Unrepresentable(ValueError):
    """A default value or union the target cannot express (turned into a CodegenError)."""


@dataclass
class Helper:
    name: str
    signature: str
    body: list[str]


@dataclass
class Expressions:
    """Renders expressions for one module; collects the helpers and imports they need."""

    decls: dict[str, Decl]
    helpers: list[Helper] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    _helper_names: dict[tuple[str, str, TypeRef], str] = field(default_factory=dict)
    enum_maps: set[str] = field(default_factory=set)  # enums looked up by symbol
    avro_values: set[str] = field(default_factory=set)  # names used from accord.runtime

    # -- annotations ------------------------------------------------------------------------

    def annotation(self, t: TypeRef) -> str:
        """The type annotation of ``t`` (noting the imports it needs)."""
        if isinstance(t, Prim):
            if t.kind == "any":
                self.imports.add("Any")
            return _PRIM_ANNOTATIONS[t.kind]
        if isinstance(t, Logical):
            return self._logical_name(t.kind)
        if isinstance(t, Named):
            decl = self.decls[t.name]
            if isinstance(decl, FixedDecl):
                return self._logical_name("decimal") if decl.logical == "decimal" else "bytes"
            return decl.name
        if isinstance(t, ArrayOf):
            return f"tuple[{self.annotation(t.item)}, ...]"
        if isinstance(t, MapOf):
            self.imports.add("Mapping")
            return f"Mapping[str, {self.annotation(t.value)}]"
        parts = [self.annotation(b) for b in t.non_null]
        if t.nullable:
            parts.append("None")
        return " | ".join(dict.fromkeys(parts))

    def _logical_name(self, kind: str) -> str:
        name = _LOGICAL_ANNOTATIONS[kind]
        self.imports.add(name.split(".", 1)[0])
        return name

    # -- to wire ----------------------------------------------------------------------------

    def dump(self, fmt: DumpForm, t: TypeRef, expr: str, depth: int = 0) -> str:
        """``expr`` (a Python value of type ``t``) in wire form: ``JSON``, ``AVRO``
        (fastavro's logical form: UUID, datetime, Decimal objects) or ``AVRO_PRIMITIVES``
        (logical values as their Avro primitives, what the serde writes)."""
        if self.dump_is_identity(fmt, t):
            return expr
        var = f"v{depth}"
        if isinstance(t, Logical):
            if fmt == "AVRO_PRIMITIVES":
                return self._avro_out(t, expr)
            if t.kind == "uuid" or t.kind == "decimal":
                return f"str({expr})"
            return f"{expr}.isoformat()"
        if isinstance(t, Named):
            decl = self.decls[t.name]
            if isinstance(decl, FixedDecl):
                args = f"{decl.size}, {decl.precision}, {decl.scale}"
                return f"{self.avro_value('decimal_fixed_out')}({expr}, {args})"
            if isinstance(decl, EnumDecl):
                return f"{expr}.value"
            return f"{expr}.to_primitives()" if fmt == "AVRO_PRIMITIVES" else f"{expr}.to_dict()"
        if isinstance(t, ArrayOf):
            if self.dump_is_identity(fmt, t.item):
                return f"list({expr})"
            if self._is(t.item, Record):  # no per-item frame
                assert isinstance(t.item, Named)
                method = "to_primitives" if fmt == "AVRO_PRIMITIVES" else "to_dict"
                return f"list(map({t.item.name}.{method}, {expr}))"
            return f"[{self.dump(fmt, t.item, var, depth + 1)} for {var} in {expr}]"
        if isinstance(t, MapOf):
            key = f"k{depth}"
            if self.dump_is_identity(fmt, t.value):
                return f"dict({expr})"
            inner = self.dump(fmt, t.value, var, depth + 1)
            return f"{{{key}: {inner} for {key}, {var} in {expr}.items()}}"
        assert isinstance(t, UnionOf)
        return f"{self._dump_helper(fmt, t)}({expr})"

    def dump_is_identity(self, fmt: DumpForm, t: TypeRef) -> bool:
        if isinstance(t, Prim):
            return True
        if isinstance(t, Logical):
            return fmt == "AVRO"
        if isinstance(t, Named):
            decl = self.decls[t.name]
            return isinstance(decl, FixedDecl) and (decl.logical is None or fmt == "AVRO")
        if isinstance(t, ArrayOf):
            # fastavro writes any sequence; json (and validators) need lists.
            return fmt != "JSON" and self.dump_is_identity(fmt, t.item)
        if isinstance(t, MapOf):
            return fmt != "JSON" and self.dump_is_identity(fmt, t.value)
        if fmt != "JSON":
            # Named, array, map and logical branches are written in tuple notation.
            return all(isinstance(b, Prim) and b.kind != "bool" for b in t.branches)
        return all(self.dump_is_identity(fmt, b) for b in t.branches)

    def _helper(
        self, direction: str, fmt: str, t: UnionOf, returns: str, body: Callable[[], list[str]]
    ) -> str:
        """The name of the module-level function converting union ``t`` one way (made once)."""
        key = (direction, fmt, t)
        if key not in self._helper_names:
            name = f"_{direction}_{sum(k[0] == direction for k in self._helper_names)}"
            self._helper_names[key] = name
            self.imports.add("Any")
            self.helpers.append(Helper(name, f"(value: Any) -> {returns}", body()))
        return self._helper_names[key]

    def _dump_helper(self, fmt: DumpForm, t: UnionOf) -> str:
        return self._helper("dump", fmt, t, "Any", lambda: self._dump_body(fmt, t))

    def _dump_body(self, fmt: DumpForm, t: UnionOf) -> list[str]:
        body: list[str] = []
        if t.nullable:
            body += ["if value is None:", "    return None"]
        int_like = any(isinstance(b, Prim) and b.kind in ("int", "float") for b in t.branches)
        for b in _dispatch_order(self.decls, t.non_null):
            check = self._isinstance(b)
            if fmt != "JSON":
                wire = self._avro_branch_name(b)
                if isinstance(b, Prim) and b.kind == "bool" and int_like:
                    body += [f"if {check}:", f"    return ({py_string('boolean')}, value)"]
                elif wire is not None:
                    inner = self.dump(fmt, b, "value", 1)
                    body += [f"if {check}:", f"    return ({py_string(wire)}, {inner})"]
            elif not self.dump_is_identity(fmt, b):
                body += [f"if {check}:", f"    return {self.dump(fmt, b, 'value', 1)}"]
        body.append("return value")
        return body

    def _avro_branch_name(self, t: TypeRef) -> str | None:
        """The fastavro tuple-notation name of a union branch (None: write it plainly).

        Logical branches go by their primitive's name: a union holds at most one branch per
        Avro type, so the name is unambiguous even where Python values are not (a date and a
        timestamp both travel as integers)."""
        if isinstance(t, Named):
            return self.decls[t.name].wire
        if isinstance(t, ArrayOf):
            return "array"
        if isinstance(t, MapOf):
            return "map"
        if isinstance(t, Logical):
            return _AVRO_PRIMITIVE[t.wire]
        return None

    def avro_value(self, name: str) -> str:
        """A function or constant of :mod:`accord.runtime.avro_values`, imported by name
        (a global lookup is cheaper than a module attribute on the hot path)."""
        self.avro_values.add(name)
        return name

    def _avro_out(self, t: Logical, expr: str) -> str:
        if t.kind == "uuid":
            return f"str({expr})"
        if t.kind == "decimal":
            return f"{self.avro_value('decimal_out')}({expr}, {t.precision}, {t.scale})"
        if t.kind == "date":
            return f"{self.avro_value('date_out')}({expr})"
        return f"{self.avro_value(t.wire.replace('-', '_') + '_out')}({expr})"

    def _avro_in(self, t: TypeRef, expr: str, *, strict: bool) -> str:
        """The logical value of an Avro primitive; ``strict``: only the primitive (faster),
        else also the object fastavro's logical readers give."""
        if isinstance(t, Named):
            decl = self.decls[t.name]
            assert isinstance(decl, FixedDecl)
            t = Logical("decimal", "decimal", decl.scale, decl.precision)
        assert isinstance(t, Logical)
        if t.kind == "decimal":
            if strict:  # written out: four calls fewer per value on the hot path
                self.imports.add("decimal")
                unscaled = f'int.from_bytes({expr}, "big", signed=True)'
                return f"decimal.Decimal({unscaled}).scaleb({-t.scale}, {self.avro_value('EXACT')})"
            return f"{self.avro_value('decimal_in')}({expr}, {t.scale})"
        if not strict:
            name = t.kind if t.kind in ("uuid", "date") else t.wire.replace("-", "_")
            return f"{self.avro_value(name + '_in')}({expr})"
        strict_names = {
            "uuid": "uuid_from_text",
            "date": "date_from_days",
            "time-millis": "time_from_millis",
            "time-micros": "time_from_micros",
            "timestamp-millis": "timestamp_from_millis",
            "timestamp-micros": "timestamp_from_micros",
            "local-timestamp-millis": "local_timestamp_from_millis",
            "local-timestamp-micros": "local_timestamp_from_micros",
        }
        return f"{self.avro_value(strict_names.get(t.wire) or strict_names[t.kind])}({expr})"

    # -- from wire --------------------------------------------------------------------------

    def load(self, fmt: DumpForm, t: TypeRef, expr: str, depth: int = 0) -> str:
        """``expr`` (a wire value) as a Python value of type ``t``: from ``JSON``, from
        ``AVRO`` (logical values as objects or as primitives: ``from_dict`` takes both) or
        from ``AVRO_PRIMITIVES`` only (``from_primitives``, the serde's hot path)."""
        if self.load_is_identity(fmt, t):
            return expr
        var = f"v{depth}"
        if fmt != "JSON" and (isinstance(t, Logical) or self._is(t, FixedDecl)):
            return self._avro_in(t, expr, strict=fmt == "AVRO_PRIMITIVES")
        if isinstance(t, Logical):
            self._logical_name(t.kind)
            if t.kind == "uuid":
                return f"uuid.UUID({expr})"
            cls = {"date": "date", "time": "time"}.get(t.kind, "datetime")
            return f"datetime.{cls}.fromisoformat({expr})"
        if isinstance(t, Named):
            decl = self.decls[t.name]
            if isinstance(decl, EnumDecl):
                if fmt == "AVRO_PRIMITIVES":  # the serde read the symbol: a dict lookup
                    self.enum_maps.add(decl.name)
                    return f"{enum_map_name(decl.name)}[{expr}]"
                return f"{decl.name}({expr})"
            if fmt == "AVRO_PRIMITIVES":
                return f"{decl.name}.from_primitives({expr})"
            return f"{decl.name}.from_dict({expr})"
        if isinstance(t, ArrayOf):
            if self.load_is_identity(fmt, t.item):
                return f"tuple({expr})"
            item = self.load(fmt, t.item, var, depth + 1)
            if item.endswith(f"({var})") and item[: -len(var) - 2].replace(".", "").isidentifier():
                return f"tuple(map({item[: -len(var) - 2]}, {expr}))"  # no per-item frame
            return f"tuple([{item} for {var} in {expr}])"
        if isinstance(t, MapOf):
            key = f"k{depth}"
            inner = self.load(fmt, t.value, var, depth + 1)
            return f"{{{key}: {inner} for {key}, {var} in {expr}.items()}}"
        assert isinstance(t, UnionOf)
        return f"{self._load_helper(fmt, t)}({expr})"

    def load_is_identity(self, fmt: DumpForm, t: TypeRef) -> bool:
        if isinstance(t, Prim):
            return True
        if isinstance(t, Logical):
            return fmt == "JSON" and t.kind == "decimal"
        if isinstance(t, Named):
            decl = self.decls[t.name]
            return isinstance(decl, FixedDecl) and decl.logical is None
        if isinstance(t, ArrayOf):
            return False
        if isinstance(t, MapOf):
            return self.load_is_identity(fmt, t.value)
        if fmt != "JSON":
            return all(isinstance(b, Prim) and b.kind != "bool" for b in t.branches)
        return all(self.load_is_identity(fmt, b) for b in t.branches)

    def _load_helper(self, fmt: DumpForm, t: UnionOf) -> str:
        if fmt == "JSON":
            return self._helper("load", fmt, t, self.annotation(t), lambda: self._json_load_body(t))
        return self._helper(
            "load", fmt, t, self.annotation(t), lambda: self._avro_load_body(t, fmt)
        )

    def _avro_load_body(self, t: UnionOf, fmt: DumpForm) -> list[str]:
        body: list[str] = []
        if t.nullable:
            body += ["if value is None:", "    return None"]
        tagged = [(self._avro_branch_name(b), b) for b in t.non_null]
        bool_tag = any(isinstance(b, Prim) and b.kind == "bool" for b in t.non_null)
        body += ["if isinstance(value, tuple):", "    name, inner = value"]
        for wire, b in tagged:
            if wire is not None:
                inner = self._typed(self.load(fmt, b, "inner", 1), b)
                body += [f"    if name == {py_string(wire)}:", f"        return {inner}"]
        if bool_tag:
            body += [f"    if name == {py_string('boolean')}:", "        return bool(inner)"]
        body.append('    raise ValueError(f"unexpected union branch {name!r}")')
        # Plain values, as readers without named-type tuples (confluent's) return them.
        records = [b for b in t.non_null if self._is(b, Record)]
        enums = [b for b in t.non_null if self._is(b, EnumDecl)]
        arrays = [b for b in t.non_null if isinstance(b, ArrayOf)]
        maps = [b for b in t.non_null if isinstance(b, MapOf)]
        strings = [b for b in t.non_null if isinstance(b, (Prim, Logical)) and _is_text(b)]
        if arrays:
            body += [
                "if isinstance(value, list):",
                f"    return {self.load(fmt, arrays[0], 'value', 1)}",
            ]
        if maps:
            body += [
                "if isinstance(value, dict):",
                f"    return {self._typed(self.load(fmt, maps[0], 'value', 1), maps[0])}",
            ]
        elif len(records) == 1:
            body += [
                "if isinstance(value, dict):",
                f"    return {self.load(fmt, records[0], 'value', 1)}",
            ]
        if len(enums) == 1 and not strings:
            body += [
                "if isinstance(value, str):",
                f"    return {self.load(fmt, enums[0], 'value', 1)}",
            ]
        body += self._avro_plain_logicals(t, strict=fmt == "AVRO_PRIMITIVES")
        body.append(f"return {self._typed('value', t)}")
        return body

    def _avro_plain_logicals(self, t: UnionOf, *, strict: bool) -> list[str]:
        """Logical branches read without names: as objects (fastavro's logical readers; not
        when ``strict``) or as their primitives (the serde's logical-free fast path, which it
        only takes when the primitive tells the branch)."""
        logicals = [b for b in _dispatch_order(self.decls, t.non_null) if isinstance(b, Logical)]
        body: list[str] = []
        for b in [] if strict else logicals:
            body += [f"if {self._isinstance(b)}:", "    return value"]
        ints = [b for b in t.non_null if _avro_int_backed(b)]
        plain = {
            "str": [b for b in logicals if b.kind == "uuid"],
            "bytes": [b for b in logicals if b.kind == "decimal"],
            "int": [b for b in ints if isinstance(b, Logical)] if len(ints) == 1 else [],
        }
        for python, branches in plain.items():
            if branches:
                check = f"isinstance(value, {python})"
                if python == "int":
                    check += " and not isinstance(value, bool)"
                converted = self._avro_in(branches[0], "value", strict=strict)
                body += [f"if {check}:", f"    return {converted}"]
        return body

    def _typed(self, expr: str, t: TypeRef) -> str:
        """``expr`` typed as ``t`` for mypy when it is a bare (``Any``) name, at no run-time
        cost: ``cast`` with a string annotation."""
        if not expr.isidentifier():
            return expr
        self.imports.add("cast")
        return f"cast({py_string(self.annotation(t))}, {expr})"

    def _json_load_body(self, t: UnionOf) -> list[str]:
        body: list[str] = []
        if t.nullable:
            body += ["if value is None:", "    return None"]
        groups: dict[str, list[TypeRef]] = {}
        for b in t.non_null:
            groups.setdefault(json_kind(b, self.decls), []).append(b)
        if "object" in groups:
            body += ["if isinstance(value, dict):"]
            members = groups["object"]
            if len(members) == 1:
                body.append(f"    return {self.load('JSON', members[0], 'value', 2)}")
            else:
                for b in members:
                    decl = self.decls[b.name] if isinstance(b, Named) else None
                    assert isinstance(decl, Record)
                    assert decl.discriminator is not None
                    prop, const = decl.discriminator
                    body += [
                        f"    if value.get({py_string(prop)}) == {json_literal(const)}:",
                        f"        return {self.load('JSON', b, 'value', 2)}",
                    ]
                body.append('    raise ValueError("no oneOf branch matches the object")')
        if "array" in groups:
            body += [
                "if isinstance(value, list):",
                f"    return {self.load('JSON', groups['array'][0], 'value', 2)}",
            ]
        if "string" in groups:
            body += [
                "if isinstance(value, str):",
                f"    return {self.load('JSON', groups['string'][0], 'value', 2)}",
            ]
        if "bool" in groups:
            body += ["if isinstance(value, bool):", "    return value"]
        numbers = groups.get("number", [])
        if any(isinstance(b, Prim) and b.kind == "int" for b in numbers):
            body += [
                "if isinstance(value, int) and not isinstance(value, bool):",
                "    return value",
            ]
        if any(isinstance(b, Prim) and b.kind == "float" for b in numbers):
            body += [
                "if isinstance(value, (int, float)) and not isinstance(value, bool):",
                "    return float(value)",
            ]
        if "any" in groups:
            body.append("return value")
        else:
            body.append('raise ValueError(f"no union branch matches {value!r}")')
        return body

    def _is(self, t: TypeRef, kind: type) -> bool:
        return isinstance(t, Named) and isinstance(self.decls[t.name], kind)

    def _isinstance(self, t: TypeRef) -> str:
        """An ``isinstance`` check that selects branch ``t`` of a union (Python side)."""
        if isinstance(t, Prim):
            names = {"bool": "bool", "int": "int", "float": "float", "str": "str", "bytes": "bytes"}
            return f"isinstance(value, {names.get(t.kind, 'object')})"
        if isinstance(t, Logical):
            return f"isinstance(value, {self._logical_name(t.kind)})"
        if isinstance(t, Named):
            decl = self.decls[t.name]
            if isinstance(decl, FixedDecl):
                return f"isinstance(value, {self.annotation(t)})"
            return f"isinstance(value, {decl.name})"
        if isinstance(t, ArrayOf):
            return "isinstance(value, tuple)"
        if isinstance(t, MapOf):
            self.imports.add("Mapping")
            return "isinstance(value, Mapping)"
        return "False"

    # -- defaults ---------------------------------------------------------------------------

    def default(self, fmt: Format, t: TypeRef, value: Any) -> tuple[str, bool]:
        """``(expression, needs a factory)`` for a schema default (given in wire JSON form)."""
        if isinstance(t, Prim):
            return self._prim_default(fmt, t, value), t.kind == "any" and isinstance(
                value, (dict, list)
            )
        if isinstance(t, Logical):
            return self._logical_default(fmt, t, value), False
        if isinstance(t, Named):
            return self._named_default(fmt, t, value)
        if isinstance(t, ArrayOf):
            if not isinstance(value, list):
                raise Unrepresentable(f"expected a list default, got {json.dumps(value)}")
            parts = [self.default(fmt, t.item, v) for v in value]
            body = ", ".join(p for p, _ in parts)
            return (f"({body},)" if len(parts) == 1 else f"({body})"), any(f for _, f in parts)
        if isinstance(t, MapOf):
            if not isinstance(value, dict):
                raise Unrepresentable(f"expected an object default, got {json.dumps(value)}")
            items = ", ".join(
                f"{py_string(k)}: {self.default(fmt, t.value, v)[0]}" for k, v in value.items()
            )
            return f"{{{items}}}", True
        for branch in t.branches:
            if _fits(self.decls, branch, value):
                return self.default(fmt, branch, value)
        raise Unrepresentable(f"default {json.dumps(value)} matches no branch of the union")

    def _prim_default(self, fmt: Format, t: Prim, value: Any) -> str:
        kind = t.kind
        if kind == "any":
            return json_literal(value)
        if kind == "none" and value is None:
            return "None"
        if kind == "bool" and isinstance(value, bool):
            return repr(value)
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return repr(value)
        if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
            if math.isfinite(number):
                return repr(number)
        if kind == "str" and isinstance(value, str):
            return py_string(value)
        if kind == "bytes" and isinstance(value, str) and fmt == "AVRO":
            try:
                return repr(value.encode("latin-1"))
            except UnicodeEncodeError:
                pass
        raise Unrepresentable(f"default {json.dumps(value)} is not a valid {kind} value")

    def _logical_default(self, fmt: Format, t: Logical, value: Any) -> str:
        try:
            python = _logical_value(fmt, t, value)
        except (ValueError, TypeError, OverflowError, decimal.InvalidOperation) as exc:
            raise Unrepresentable(
                f"default {json.dumps(value)} is not a valid {t.wire}: {exc}"
            ) from None
        self._logical_name(t.kind)
        return python_literal(python)

    def _named_default(self, fmt: Format, t: Named, value: Any) -> tuple[str, bool]:
        decl = self.decls[t.name]
        if isinstance(decl, EnumDecl):
            for member, symbol in decl.members:
                if symbol == value:
                    return f"{decl.name}.{member}", False
            raise Unrepresentable(f"default {json.dumps(value)} is not a symbol of {decl.wire}")
        if isinstance(decl, FixedDecl):
            if decl.logical == "decimal":
                return self._logical_default(
                    fmt, Logical("decimal", "decimal", decl.scale), value
                ), False
            return self._prim_default(fmt, Prim("bytes"), value), False
        if not isinstance(value, dict):
            raise Unrepresentable(f"default of record {decl.wire} must be an object")
        args = []
        for f in decl.fields:
            if f.wire in value:
                args.append(f"{f.name}={self.default(fmt, f.type, value[f.wire])[0]}")
            elif not f.has_default and (fmt == "AVRO" or f.required):
                raise Unrepresentable(f"default of record {decl.wire} lacks field {f.wire!r}")
        return f"{decl.name}({', '.join(args)})", True


def enum_map_name(enum: str) -> str:
    return f"_{enum}_BY_SYMBOL"


def _avro_int_backed(t: TypeRef) -> bool:
    """Branches fastavro's primitive reader returns as a Python int."""
    if isinstance(t, Prim):
        return t.kind == "int"
    return isinstance(t, Logical) and t.kind in ("date", "time", "datetime", "local_datetime")


def _is_text(t: TypeRef) -> bool:
    if isinstance(t, Prim):
        return t.kind == "str"
    return isinstance(t, Logical) and t.kind == "uuid"


def _dispatch_order(decls: dict[str, Decl], branches: tuple[TypeRef, ...]) -> list[TypeRef]:
    """Branches in an order where earlier ``isinstance`` checks cannot steal later values
    (bool before int, datetime before date)."""

    def rank(t: TypeRef) -> int:
        if isinstance(t, Prim):
            return 0 if t.kind == "bool" else 5
        if isinstance(t, Logical):
            return 1 if t.kind in ("datetime", "local_datetime") else 2
        return 3

    return sorted(branches, key=rank)


def _fits(decls: dict[str, Decl], t: TypeRef, value: Any) -> bool:
    """Whether a JSON default value belongs to branch ``t`` (to pick a union's branch)."""
    if t == NONE:
        return value is None
    if value is None:
        return isinstance(t, Prim) and t.kind == "any"
    if isinstance(t, Prim):
        checks: dict[str, Any] = {
            "bool": lambda v: isinstance(v, bool),
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "str": lambda v: isinstance(v, str),
            "bytes": lambda v: isinstance(v, str),
            "any": lambda v: True,
        }
        return bool(checks[t.kind](value))
    if isinstance(t, Logical):
        return isinstance(value, (str, int)) and not isinstance(value, bool)
    if isinstance(t, ArrayOf):
        return isinstance(value, list)
    if isinstance(t, MapOf):
        return isinstance(value, dict)
    if isinstance(t, Named):
        decl = decls[t.name]
        if isinstance(decl, EnumDecl):
            return isinstance(value, str)
        if isinstance(decl, FixedDecl):
            return isinstance(value, str)
        return isinstance(value, dict)
    return False


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _logical_value(fmt: Format, t: Logical, value: Any) -> Any:
    if t.kind == "uuid":
        return uuid.UUID(str(value))
    if fmt == "JSON":
        if t.kind == "date":
            return datetime.date.fromisoformat(value)
        if t.kind == "time":
            return datetime.time.fromisoformat(value)
        return datetime.datetime.fromisoformat(value)
    if t.kind == "decimal":
        raw = str(value).encode("latin-1")
        unscaled = int.from_bytes(raw, "big", signed=True) if raw else 0
        return decimal.Decimal(unscaled).scaleb(-t.scale)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected an integer")
    if t.kind == "date":
        return datetime.date(1970, 1, 1) + datetime.timedelta(days=value)
    micros = value * 1000 if t.wire.endswith("millis") else value
    if t.kind == "time":
        moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=micros)
        return moment.time()
    stamp = _EPOCH + datetime.timedelta(microseconds=micros)
    return stamp.replace(tzinfo=None) if t.kind == "local_datetime" else stamp


def python_literal(value: Any) -> str:
    """Source text for a date, time, datetime, Decimal or UUID value."""
    if isinstance(value, datetime.datetime):
        args = [value.year, value.month, value.day, value.hour, value.minute, value.second]
        text = ", ".join(str(a) for a in args)
        if value.microsecond:
            text += f", {value.microsecond}"
        if value.tzinfo is not None:
            offset = value.utcoffset() or datetime.timedelta(0)
            tz = (
                "datetime.UTC"
                if not offset
                else f"datetime.timezone(datetime.timedelta(seconds={int(offset.total_seconds())}))"
            )
            text += f", tzinfo={tz}"
        return f"datetime.datetime({text})"
    if isinstance(value, datetime.date):
        return f"datetime.date({value.year}, {value.month}, {value.day})"
    if isinstance(value, datetime.time):
        return f"datetime.time({value.hour}, {value.minute}, {value.second}, {value.microsecond})"
    if isinstance(value, decimal.Decimal):
        return f"decimal.Decimal({py_string(str(value))})"
    if isinstance(value, uuid.UUID):
        return f"uuid.UUID({py_string(str(value))})"
    raise Unrepresentable(f"no literal for {value!r}")


def json_literal(value: Any) -> str:
    """Python source for a JSON value (dicts, lists, strings, numbers, booleans, null)."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unrepresentable(f"{value} has no JSON form")
        return repr(value)
    if isinstance(value, str):
        return py_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(json_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_string(k)}: {json_literal(v)}" for k, v in value.items()) + "}"
    raise Unrepresentable(f"{value!r} is not JSON")
