"""Avro schemas: structural validation with JSON pointers, canonical forms, fastavro parsing.

fastavro is the parser of record (``fastavro_parse``); :func:`validate` runs first because
fastavro's errors carry no location, and a person needs ``file:line:col`` and the pointer of
the broken node. Canonical forms:

- :func:`parsing_canonical_form`: the Avro specification's Parsing Canonical Form (identity of
  the binary encoding; what fingerprints are computed from).
- :func:`confluent_canonical_string`: what Confluent Schema Registry stores and compares
  (Avro Java's ``Schema.toString()``): attributes in Java's order, docs and custom
  properties kept, namespaces written only where they differ from the enclosing one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import fastavro
import fastavro.schema

from accord.contracts import pointer as jp

PRIMITIVES = frozenset(["null", "boolean", "int", "long", "float", "double", "bytes", "string"])
NAMED = frozenset(["record", "error", "enum", "fixed"])
# Primitive types whose attributes have nothing to validate (a decimal on bytes has).
_PLAIN = frozenset(["boolean", "int", "long", "float", "double", "string"])
COMPLEX = NAMED | {"array", "map"}


def is_name(text: str) -> bool:
    """Whether ``text`` is an Avro name, ``[A-Za-z_][A-Za-z0-9_]*``.

    On ASCII text :meth:`str.isidentifier` is exactly that test, at a tenth of a regular
    expression's cost (every field name of every schema goes through it).
    """
    return text.isascii() and text.isidentifier()


def is_namespace(text: str) -> bool:
    """Whether ``text`` is dotted Avro names (``com.acme.orders``)."""
    return text.isascii() and all(map(str.isidentifier, text.split(".")))


INT_RANGE = (-(2**31), 2**31 - 1)
LONG_RANGE = (-(2**63), 2**63 - 1)

_SCHEMA_RESERVED = frozenset(
    ["doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases"]
)
_ENUM_RESERVED = _SCHEMA_RESERVED | {"default"}
_FIELD_RESERVED = frozenset(["default", "doc", "name", "order", "type", "aliases"])


@dataclass(frozen=True)
class Problem:
    """One structural problem: where (pointer), what, and what to do."""

    pointer: str
    message: str
    fix: str | None = None
    code: str = "avro-invalid"


def fullname(name: str, namespace: str | None) -> str:
    if "." in name or not namespace:
        return name
    return f"{namespace}.{name}"


def split_fullname(full: str) -> tuple[str | None, str]:
    if "." in full:
        ns, _, simple = full.rpartition(".")
        return ns, simple
    return None, full


def top_level_name(data: Any) -> str:
    """Full name of the top-level named type ("" for primitives, arrays, maps, unions)."""
    if (
        isinstance(data, dict)
        and isinstance(data.get("type"), str)  # {"type": {...}} wraps, names nothing itself
        and data["type"] in NAMED
        and isinstance(data.get("name"), str)
    ):
        ns = data.get("namespace")
        return fullname(data["name"], ns if isinstance(ns, str) else None)
    return ""


# --- validation ------------------------------------------------------------------------------

#: A named type's definition: its node, its (lazy) JSON pointer and its full name.
Definition = tuple[dict[str, Any], jp.Lazy, str]


@dataclass
class _Validator:
    # Problems as (lazy pointer, message, fix): pointers are spelt out only for the problems.
    problems: list[tuple[jp.Lazy, str, str | None]] = field(default_factory=list)
    named: dict[str, Any] = field(default_factory=dict)
    # Every named type defined, in the order of definition: (node, lazy pointer, full name).
    defined: list[Definition] = field(default_factory=list)
    codec_problems: list[tuple[jp.Lazy, str, str | None]] = field(default_factory=list)
    # Accept what Avro Java accepts: `[]` unions, records without a name (built in code),
    # invalid logical types (ignored).
    lenient: bool = False

    def error(self, pointer: jp.Lazy, message: str, fix: str | None = None) -> None:
        self.problems.append((pointer, message, fix))

    def codec_error(self, pointer: jp.Lazy, message: str, fix: str | None = None) -> None:
        """Valid Avro that fastavro refuses: reported when the schema is otherwise valid."""
        self.codec_problems.append((pointer, message, fix))

    def schema(self, node: Any, ptr: jp.Lazy, namespace: str | None) -> None:
        if isinstance(node, str):
            if node not in PRIMITIVES:
                self.reference(node, ptr, namespace)
        elif isinstance(node, list):
            self.union(node, ptr, namespace)
        elif isinstance(node, dict):
            self.complex(node, ptr, namespace)
        else:
            self.error(
                ptr,
                f"a schema must be a type name, an object or a union list, not {_kind(node)}",
                'write a type such as "string" or {"type": "record", ...}',
            )

    def reference(self, name: str, ptr: jp.Lazy, namespace: str | None) -> None:
        if name in PRIMITIVES:
            return
        if name in COMPLEX:
            self.error(
                ptr,
                f'"{name}" is a complex type and needs an object',
                f'write {{"type": "{name}", ...}}',
            )
            return
        if self.lookup(name, namespace) is None:
            known = sorted(PRIMITIVES | set(self.named))
            from accord.contracts.suggest import did_you_mean

            self.error(
                ptr,
                f"unknown type {name!r}",
                did_you_mean(name, known)
                or "define the named type before its first use, or use a primitive type",
            )

    def lookup(self, name: str, namespace: str | None) -> Any:
        if "." in name:
            return self.named.get(name)
        if namespace and f"{namespace}.{name}" in self.named:
            return self.named[f"{namespace}.{name}"]
        return self.named.get(name)

    def union(self, node: list[Any], ptr: jp.Lazy, namespace: str | None) -> None:
        if not node and not self.lenient:
            self.error(ptr, "a union needs at least one branch")
        seen: dict[str, int] = {}
        for i, branch in enumerate(node):
            bptr = (ptr, i)
            if isinstance(branch, list):
                self.error(bptr, "a union cannot directly contain another union")
                continue
            self.schema(branch, bptr, namespace)
            key = self.branch_key(branch, namespace)
            if key is None:
                continue
            if key in seen:
                self.error(
                    bptr,
                    f"union branch {key!r} appears twice (also at index {seen[key]})",
                    "keep one branch per type; a union may hold each type, or named type, once",
                )
            else:
                seen[key] = i

    def branch_key(self, branch: Any, namespace: str | None) -> str | None:
        if isinstance(branch, str):
            if branch in PRIMITIVES:
                return branch
            target = self.lookup(branch, namespace)
            return _named_fullname(target, namespace) if target is not None else branch
        if isinstance(branch, dict):
            t = branch.get("type")
            if isinstance(t, (dict, list)):  # {"type": {...}} is the schema it wraps
                return self.branch_key(t, namespace)
            if t in NAMED:
                # A name that is not a string is reported by define(); it identifies nothing.
                name = branch.get("name", "")
                return _named_fullname(branch, namespace) if isinstance(name, str) else None
            if isinstance(t, str):
                return t
        return None

    def complex(self, node: dict[str, Any], ptr: jp.Lazy, namespace: str | None) -> None:
        if "type" not in node:
            self.error(ptr, 'schema object has no "type"', 'add "type": "record" (or another type)')
            return
        t = node["type"]
        if isinstance(t, (dict, list)):
            # {"type": {"type": "string"}} is legal Avro: the attributes wrap a nested schema.
            if not self.lenient:  # ... but fastavro, accord's codec, cannot read it
                self.codec_error(
                    (ptr, "type"),
                    f'"type" holds {_kind(t)}: valid Avro, but fastavro (the codec of accord\'s'
                    ' generated code) cannot read a type nested in an object\'s "type"',
                    "write the inner type in place of the object around it",
                )
            self.schema(t, (ptr, "type"), namespace)
            return
        if not isinstance(t, str):
            self.error((ptr, "type"), f'"type" must be a string, not {_kind(t)}')
            return
        if t in PRIMITIVES:
            if "logicalType" in node and not self.lenient:
                self.logical(node, ptr, t)  # only decimals have rules to check
            return
        if t == "record" or t == "error":
            self.record(node, ptr, namespace)
        elif t == "enum":
            self.enum(node, ptr, namespace)
        elif t == "fixed":
            self.fixed(node, ptr, namespace)
        elif t == "array":
            if "items" not in node:
                self.error(ptr, 'array schema has no "items"', 'add "items": <type>')
            else:
                self.schema(node["items"], (ptr, "items"), namespace)
        elif t == "map":
            if "values" not in node:
                self.error(ptr, 'map schema has no "values"', 'add "values": <type>')
            else:
                self.schema(node["values"], (ptr, "values"), namespace)
        else:
            self.reference(t, (ptr, "type"), namespace)

    def define(self, node: dict[str, Any], ptr: jp.Lazy, namespace: str | None) -> str | None:
        """Register a named type; returns its namespace for nested definitions."""
        name = node.get("name")
        if name is None and self.lenient and node.get("type") in ("record", "error"):
            return namespace  # an anonymous record, as Avro Java builds them in code
        if not isinstance(name, str):
            self.error(
                ptr if "name" not in node else (ptr, "name"),
                f'a {node.get("type")} needs a string "name"',
                'add "name": "MyType"',
            )
            return namespace
        ns = node.get("namespace", None if "." in name else namespace)
        if ns is not None and not isinstance(ns, str):
            self.error((ptr, "namespace"), '"namespace" must be a string')
            ns = namespace
        if "." in name:
            ns, simple = split_fullname(name)
        else:
            simple = name
        if not is_name(simple):
            self.error(
                (ptr, "name"),
                f"invalid name {simple!r}: Avro names start with a letter or _ and hold only"
                " letters, digits and _",
            )
        if ns and not is_namespace(ns):  # then some dotted part is not a name
            for part in ns.split("."):
                if not is_name(part):
                    self.error(
                        (ptr, "namespace" if "namespace" in node else "name"),
                        f"invalid namespace {ns!r}: each dotted part must be an Avro name",
                    )
                    break
        full = fullname(simple, ns)
        if full in PRIMITIVES:
            self.error((ptr, "name"), f"{full!r} is a primitive type name and cannot be redefined")
        elif full in self.named:
            self.error(
                (ptr, "name"),
                f"type {full!r} is defined twice",
                "define a named type once and refer to it by name afterwards",
            )
        else:
            self.named[full] = node
            self.defined.append((node, ptr, full))
        return ns or None

    def record(self, node: dict[str, Any], ptr: jp.Lazy, namespace: str | None) -> None:
        ns = self.define(node, ptr, namespace)
        fields = node.get("fields")
        if not isinstance(fields, list):
            self.error(
                ptr if "fields" not in node else (ptr, "fields"),
                'a record needs a "fields" list',
                'add "fields": [] with one object per field',
            )
            return
        problems = self.problems
        names: dict[str, int] = {}
        fields_ptr = (ptr, "fields")
        # Every field runs this loop: the common case (a new valid name, a primitive or an
        # object type) takes the shortest path; the others go through the general checks.
        for i, f in enumerate(fields):
            if not isinstance(f, dict):
                self.error((fields_ptr, i), f"a field must be an object, not {_kind(f)}")
                continue
            fname = f.get("name")
            if (
                type(fname) is str
                and fname not in names
                and fname.isidentifier()  # is_name(), inline: every field passes here
                and fname.isascii()
            ):
                names[fname] = i
            else:
                self.field_name(fname, names, (fields_ptr, i), i)
            if "type" not in f:
                self.error(
                    (fields_ptr, i),
                    f'field {fname!r} has no "type"',
                    'add "type": "string" (or another type)',
                )
                continue
            ftype = f["type"]
            default = "default" in f
            before = len(problems) if default else 0
            if type(ftype) is str:
                if ftype not in PRIMITIVES:
                    self.reference(ftype, ((fields_ptr, i), "type"), ns)
            elif type(ftype) is dict:
                inner = ftype.get("type")
                # {"type": "long", "logicalType": ...}: nothing to check but a decimal
                if not (
                    type(inner) is str and inner in _PLAIN and ftype.get("logicalType") != "decimal"
                ):
                    self.complex(ftype, ((fields_ptr, i), "type"), ns)
            elif not (
                # ["null", "string"], the usual optional field, is valid as it stands
                type(ftype) is list
                and len(ftype) == 2
                and ftype[0] == "null"
                and type(ftype[1]) is str
                and ftype[1] in _PLAIN
            ):
                self.schema(ftype, ((fields_ptr, i), "type"), ns)
            if default and len(problems) == before:
                value = f["default"]
                # The usual optional field (["null", ...] defaulting to null) is right as is.
                usual = value is None and type(ftype) is list and ftype and ftype[0] == "null"
                err = None if usual else self.default_error(ftype, value, ns)
                if err:
                    self.error(
                        ((fields_ptr, i), "default"),
                        f"default of field {fname!r} does not match its type: {err}",
                        "for a union the default must match the first branch;"
                        " put that branch first",
                    )
            if "aliases" in f and type(f["aliases"]) is not list:
                self.codec_error(
                    ((fields_ptr, i), "aliases"),
                    f"aliases of field {fname!r} must be a list of names",
                    'write "aliases": ["old_name"]',
                )
            if "order" in f:
                order = f["order"]
                if order is not None and order not in ("ascending", "descending", "ignore"):
                    self.error(((fields_ptr, i), "order"), f"invalid order {order!r}")

    def field_name(self, fname: Any, names: dict[str, int], fptr: jp.Lazy, i: int) -> None:
        """Check a field name that is not a new valid name (or register it)."""
        if not isinstance(fname, str):
            self.error(fptr, 'field has no string "name"', 'add "name": "my_field"')
        elif not is_name(fname):
            self.error((fptr, "name"), f"invalid field name {fname!r}")
        elif fname in names:
            self.error(
                (fptr, "name"),
                f"field {fname!r} appears twice in record (first at index {names[fname]})",
            )
        else:
            names[fname] = i

    def enum(self, node: dict[str, Any], ptr: jp.Lazy, namespace: str | None) -> None:
        self.define(node, ptr, namespace)
        symbols = node.get("symbols")
        if not isinstance(symbols, list) or not _all_strings(symbols):
            self.error(
                ptr if "symbols" not in node else (ptr, "symbols"),
                'an enum needs a "symbols" list of strings',
            )
            return
        seen: set[str] = set()
        for i, s in enumerate(symbols):
            if not is_name(s):
                self.error(((ptr, "symbols"), i), f"invalid enum symbol {s!r}")
            if s in seen:
                self.error(((ptr, "symbols"), i), f"enum symbol {s!r} appears twice")
            seen.add(s)
        if "default" in node and not (isinstance(node["default"], str) and node["default"] in seen):
            self.error(
                (ptr, "default"),
                f"enum default {node['default']!r} is not one of its symbols",
                "use one of: " + ", ".join(symbols),
            )

    def fixed(self, node: dict[str, Any], ptr: jp.Lazy, namespace: str | None) -> None:
        self.define(node, ptr, namespace)
        size = node.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            self.error(
                ptr if "size" not in node else (ptr, "size"),
                'a fixed needs a non-negative integer "size"',
            )
            return
        self.logical(node, ptr, "fixed")

    def logical(self, node: dict[str, Any], ptr: jp.Lazy, base: str) -> None:
        if self.lenient:
            return  # Avro Java ignores an invalid logical type and reads the base type
        if node.get("logicalType") != "decimal":
            return
        if base not in ("bytes", "fixed"):
            self.foreign_decimal(node, ptr)
            return
        precision, scale = node.get("precision"), node.get("scale", 0)
        if not isinstance(precision, int) or isinstance(precision, bool) or precision <= 0:
            self.error(
                (ptr, "precision") if "precision" in node else ptr,
                "decimal needs a positive integer precision",
                'add "precision": 12 (digits in all), and "scale": 2 (digits after the point)',
            )
            return
        if not isinstance(scale, int) or isinstance(scale, bool) or not 0 <= scale <= precision:
            self.error((ptr, "scale"), "decimal scale must be an integer from 0 to precision")
        if base == "fixed":
            size = node["size"]
            if precision > math.floor(math.log10(2) * (8 * size - 1)):
                self.error(
                    (ptr, "precision"),
                    f"decimal precision {precision} does not fit in fixed size {size}",
                )

    def foreign_decimal(self, node: dict[str, Any], ptr: jp.Lazy) -> None:
        """A decimal on a type other than bytes or fixed: Avro ignores it, but fastavro (the
        codec of generated code) refuses the precision and scale it refuses on bytes."""
        precision, scale = node.get("precision"), node.get("scale")
        why = f"decimal on {node['type']!r} (Avro reads it as a plain {node['type']})"
        fix = "put the decimal on bytes or fixed, or drop the logicalType"
        if scale and (not isinstance(scale, int) or scale < 0):
            self.codec_error(
                (ptr, "scale"), f"{why}: its scale must be a non-negative integer", fix
            )
        elif precision and (not isinstance(precision, int) or precision <= 0):
            self.codec_error((ptr, "precision"), f"{why}: its precision must be positive", fix)
        elif scale and precision and precision < scale:
            self.codec_error((ptr, "scale"), f"{why}: its scale exceeds its precision", fix)

    def default_error(self, schema: Any, value: Any, namespace: str | None) -> str | None:
        return _default_error(schema, value, namespace, self.lookup, set())


def _all_strings(items: list[Any]) -> bool:
    # set(map(type, ...)) runs in C; str subclasses take the general check.
    return set(map(type, items)) <= {str} or all(isinstance(s, str) for s in items)


def _named_fullname(node: Any, namespace: str | None) -> str:
    name = node.get("name", "")
    ns = node.get("namespace", namespace)
    return fullname(name, ns if isinstance(ns, str) else None)


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _default_error(
    schema: Any, value: Any, namespace: str | None, lookup: Any, seen: set[int]
) -> str | None:
    if isinstance(schema, list):
        if not schema:
            return "empty union"
        return _default_error(schema[0], value, namespace, lookup, seen)
    if isinstance(schema, str):
        if schema in PRIMITIVES:
            return _primitive_default_error(schema, value)
        target = lookup(schema, namespace)
        if target is None:
            return None
        if id(target) in seen:
            return None
        return _default_error(target, value, namespace, lookup, seen | {id(target)})
    if not isinstance(schema, dict):
        return None
    t = schema.get("type")
    if isinstance(t, (dict, list)):
        return _default_error(t, value, namespace, lookup, seen)
    if t in PRIMITIVES:
        return _primitive_default_error(t, value)
    if t in ("record", "error"):
        if not isinstance(value, dict):
            return f"expected an object for record, got {_kind(value)}"
        ns = schema.get("namespace", namespace)
        for f in schema.get("fields", []):
            if not isinstance(f, dict) or "name" not in f or isinstance(f["name"], (dict, list)):
                continue  # a field without a usable name is reported by the record's check
            if f["name"] in value:
                err = _default_error(f.get("type"), value[f["name"]], ns, lookup, seen)
                if err:
                    return f"field {f['name']!r}: {err}"
            elif "default" not in f:
                return f"missing field {f['name']!r}"
        return None
    if t == "enum":
        if not isinstance(value, str) or value not in schema.get("symbols", []):
            return f"{value!r} is not a symbol of the enum"
        return None
    if t == "fixed":
        if not isinstance(value, str):
            return f"expected a string for fixed, got {_kind(value)}"
        if len(value) != schema.get("size"):
            return f"fixed of size {schema.get('size')} needs a string of that many characters"
        return None
    if t == "array":
        if not isinstance(value, list):
            return f"expected a list for array, got {_kind(value)}"
        for item in value:
            err = _default_error(schema.get("items"), item, namespace, lookup, seen)
            if err:
                return err
        return None
    if t == "map":
        if not isinstance(value, dict):
            return f"expected an object for map, got {_kind(value)}"
        for item in value.values():
            err = _default_error(schema.get("values"), item, namespace, lookup, seen)
            if err:
                return err
        return None
    if isinstance(t, str):
        return _default_error(t, value, namespace, lookup, seen)
    return None


def _primitive_default_error(t: str, value: Any) -> str | None:
    ok: bool
    if t == "null":
        ok = value is None
    elif t == "boolean":
        ok = isinstance(value, bool)
    elif t in ("int", "long"):
        lo, hi = INT_RANGE if t == "int" else LONG_RANGE
        ok = isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi
    elif t in ("float", "double"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:  # bytes, string
        ok = isinstance(value, str)
    return None if ok else f"expected {t}, got {json.dumps(value)}"


def validate(data: Any, known: Iterable[Any] = (), *, lenient: bool = False) -> list[Problem]:
    """Every structural problem in an Avro schema, each with its JSON pointer.

    ``known``: schemas whose named types ``data`` may use without defining them (Confluent
    schema references); their own problems are not reported. ``lenient``: accept what Avro
    Java accepts (empty unions, records without a name, invalid logical types), for the
    compatibility engine.
    """
    return validate_and_index(data, known, lenient=lenient)[0]


def validate_and_index(
    data: Any, known: Iterable[Any] = (), *, lenient: bool = False
) -> tuple[list[Problem], list[Definition]]:
    """:func:`validate`, and every named type ``data`` defines (see :data:`Definition`), in
    the order of definition: what a walk over the named types would find, found on the way."""
    v = _Validator(lenient=lenient)
    try:
        for other in known:
            v.schema(other, "", None)
        v.problems = []
        v.defined = []
        v.codec_problems = []
        v.schema(data, "", None)
    except RecursionError:
        v.error("", "schema is nested too deeply to process")
    found = v.problems or v.codec_problems
    problems = [Problem(jp.materialize(ptr), message, fix) for ptr, message, fix in found]
    return problems, v.defined


def fastavro_parse(data: Any) -> Any:
    """fastavro's parsed form (raises fastavro's own exceptions)."""
    return fastavro.parse_schema(data, _write_hint=False)


def fastavro_problem(data: Any) -> Problem | None:
    """fastavro's objection to a schema, if any (a backstop after :func:`validate`, which is
    tested to refuse, with a located reason, whatever fastavro refuses)."""
    try:
        fastavro_parse(data)
    except (fastavro.schema.SchemaParseException, fastavro.schema.UnknownType) as exc:
        return Problem("", f"fastavro rejects the schema: {exc}")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return Problem("", f"fastavro rejects the schema: {exc}")
    return None


# --- canonical forms -----------------------------------------------------------------------


def parsing_canonical_form(data: Any) -> str:
    """The specification's Parsing Canonical Form (fastavro's implementation)."""
    return str(fastavro.schema.to_parsing_canonical_form(data))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Canonicalizer:
    """Avro Java's ``Schema.toString()`` (compact), which Confluent stores as canonical."""

    def __init__(self) -> None:
        self.defined: set[str] = set()

    def write(self, node: Any, space: str | None) -> str:
        if isinstance(node, list):
            return "[" + ",".join(self.write(b, space) for b in node) + "]"
        if isinstance(node, str):
            return self.ref(node, space)
        if not isinstance(node, dict):
            return _dump(node)
        t = node.get("type")
        if isinstance(t, (dict, list)):
            return self.write(t, space)
        if t in ("record", "error"):
            return self.named(node, space, self.fields)
        if t == "enum":
            return self.named(node, space, self.enum_body)
        if t == "fixed":
            return self.named(node, space, lambda n, s: [f'"size":{_dump(n.get("size"))}'])
        if t == "array":
            parts = ['"type":"array"', f'"items":{self.write(node.get("items"), space)}']
            return "{" + ",".join(parts + self.props(node, _SCHEMA_RESERVED)) + "}"
        if t == "map":
            parts = ['"type":"map"', f'"values":{self.write(node.get("values"), space)}']
            return "{" + ",".join(parts + self.props(node, _SCHEMA_RESERVED)) + "}"
        if t in PRIMITIVES:
            props = self.props(node, _SCHEMA_RESERVED)
            if not props:
                return _dump(t)
            return "{" + ",".join([f'"type":{_dump(t)}', *props]) + "}"
        return self.ref(str(t), space)

    def ref(self, name: str, space: str | None) -> str:
        if name in PRIMITIVES:
            return _dump(name)
        full = name if "." in name else fullname(name, space)
        if full not in self.defined and name in self.defined:
            full = name
        ns, simple = split_fullname(full)
        if ns is not None and ns == space and simple not in PRIMITIVES | COMPLEX:
            return _dump(simple)
        return _dump(full)

    def named(self, node: dict[str, Any], space: str | None, body: Any) -> str:
        name = node.get("name", "")
        ns = node.get("namespace")
        if "." in name:
            ns, simple = split_fullname(name)
        else:
            simple = name
            if ns is None:
                ns = space
        ns = ns or None
        full = fullname(simple, ns)
        if full in self.defined:
            return self.ref(full, space)
        self.defined.add(full)
        parts = [f'"type":{_dump(node["type"])}', f'"name":{_dump(simple)}']
        if ns is not None:
            if ns != space:
                parts.append(f'"namespace":{_dump(ns)}')
        elif space is not None:
            parts.append('"namespace":""')
        if isinstance(node.get("doc"), str):
            parts.append(f'"doc":{_dump(node["doc"])}')
        parts.extend(body(node, ns))
        if node["type"] == "enum":
            parts.extend(self.props(node, _ENUM_RESERVED))
        else:
            parts.extend(self.props(node, _SCHEMA_RESERVED))
        if node.get("aliases"):
            parts.append(f'"aliases":{_dump(node["aliases"])}')
        return "{" + ",".join(parts) + "}"

    def fields(self, node: dict[str, Any], space: str | None) -> list[str]:
        out = []
        for f in node.get("fields", []):
            parts = [f'"name":{_dump(f.get("name"))}', f'"type":{self.write(f.get("type"), space)}']
            if isinstance(f.get("doc"), str):
                parts.append(f'"doc":{_dump(f["doc"])}')
            if "default" in f:
                parts.append(f'"default":{_dump(f["default"])}')
            if f.get("order") in ("descending", "ignore"):
                parts.append(f'"order":{_dump(f["order"])}')
            if f.get("aliases"):
                parts.append(f'"aliases":{_dump(f["aliases"])}')
            parts.extend(self.props(f, _FIELD_RESERVED))
            out.append("{" + ",".join(parts) + "}")
        return ['"fields":[' + ",".join(out) + "]"]

    def enum_body(self, node: dict[str, Any], space: str | None) -> list[str]:
        parts = [f'"symbols":{_dump(node.get("symbols", []))}']
        if isinstance(node.get("default"), str):
            parts.append(f'"default":{_dump(node["default"])}')
        return parts

    @staticmethod
    def props(node: dict[str, Any], reserved: frozenset[str]) -> list[str]:
        return [f"{_dump(k)}:{_dump(v)}" for k, v in node.items() if k not in reserved]


def confluent_canonical_string(data: Any) -> str:
    """Confluent Schema Registry's canonical string of an Avro schema."""
    return _Canonicalizer().write(data, None)


def iter_named(
    data: Any, namespace: str | None = None, ptr: str = ""
) -> Iterator[tuple[str, Any, str]]:
    """Every named type definition: (full name, node, pointer), in document order."""
    if isinstance(data, list):
        for i, b in enumerate(data):
            yield from iter_named(b, namespace, jp.join(ptr, i))
        return
    if not isinstance(data, dict):
        return
    t = data.get("type")
    if isinstance(t, (dict, list)):
        yield from iter_named(t, namespace, jp.join(ptr, "type"))
        return
    if t in NAMED and isinstance(data.get("name"), str):
        full = _named_fullname(data, namespace)
        yield full, data, ptr
        namespace = split_fullname(full)[0]
    if t in ("record", "error"):
        for i, f in enumerate(data.get("fields", []) or []):
            if isinstance(f, dict):
                yield from iter_named(f.get("type"), namespace, jp.join(ptr, "fields", i, "type"))
    elif t == "array":
        yield from iter_named(data.get("items"), namespace, jp.join(ptr, "items"))
    elif t == "map":
        yield from iter_named(data.get("values"), namespace, jp.join(ptr, "values"))
