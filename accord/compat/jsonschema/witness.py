"""Counterexamples for JSON Schema changes: a document the writer's schema accepts and the
reader's schema rejects.

Candidates come from the writer's schema (typical values of each type, its enums, its
bounds) and from the reader's schema at the same place (values just outside its bounds,
properties it does not declare, items beyond its limits, types it does not take). The
difference's path says where to vary a document built from the writer's schema. Every
candidate is checked with the ``jsonschema`` library against both schemas; only a document
that the writer's schema accepts and the reader's rejects is returned.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import jsonschema

from accord.compat.change import Witness
from accord.compat.engine import Prepared
from accord.compat.jsonschema.diff import Difference
from accord.compat.jsonschema.model import JNode, regex_matches
from accord.contracts import jsonschema as json_contract
from accord.contracts.model import SchemaFormat

MAX_CANDIDATES = 3000
_PER_NODE = 24
_DEPTH = 5
_ANY: tuple[Any, ...] = (None, True, 0, 1, -1, 0.5, "", "a", [], {}, {"a": 1}, ["a"])


def _validator(prepared: Prepared) -> Any:
    cached = prepared.extra.get("validator")
    if cached is not None:
        return cached
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    data = prepared.schema.data
    cls = json_contract.validator_class(data) or jsonschema.validators.validator_for(
        data, default=json_contract.DEFAULT_DRAFT
    )
    registry: Registry[Any] = Registry()
    for name, ref in prepared.references:
        resource = Resource.from_contents(ref, default_specification=DRAFT7)
        registry = registry.with_resource(name, resource)
    validator = cls(data, registry=registry)
    prepared.extra["validator"] = validator
    return validator


def _accepts(validator: Any, doc: Any) -> bool | None:
    try:
        return bool(validator.is_valid(doc))
    except Exception:  # a schema the library cannot evaluate (unresolvable $ref...)
        return None


def find(writer: Prepared, reader: Prepared, difference: Difference) -> Witness | None:
    """A document ``writer`` accepts and ``reader`` rejects, or None."""
    try:
        w_val, r_val = _validator(writer), _validator(reader)
    except Exception:
        return None
    for doc in itertools.islice(_candidates(writer.json, reader.json, difference), MAX_CANDIDATES):
        if _accepts(w_val, doc) and _accepts(r_val, doc) is False:
            errors = sorted(r_val.iter_errors(doc), key=lambda e: list(map(str, e.path)))
            reason = errors[0].message if errors else "rejected"
            return Witness(format=SchemaFormat.JSON, datum=doc, reason=reason)
    return None


def _candidates(w: JNode, r: JNode, d: Difference) -> Iterator[Any]:
    # The documents that vary the place the difference points at come first.
    yield from _values(w, [r], 0)
    yield from _along(w, r, _tokens(d.path), 0)


def _tokens(path: tuple[str, ...]) -> list[str]:
    return "/".join(path).split("/") if path else []


def _along(w: JNode, r: JNode | None, tokens: list[str], depth: int) -> Iterator[Any]:
    """Documents built from ``w`` that vary the node the path leads to."""
    if depth > _DEPTH:
        return
    w = w.resolved()
    r = r.resolved() if r is not None else None
    if not tokens:
        yield from _values(w, [r] if r is not None else [], depth)
        return
    head = tokens[0]
    if head == "properties" and len(tokens) > 1 and w.kind == "object":
        name = tokens[1]
        child = w.properties.get(name) or _partial(w, name)
        r_child = r.properties.get(name) if r is not None and r.kind == "object" else None
        if child is None:
            return
        base = _base_object(w, depth)
        for value in _along(child, r_child, tokens[2:], depth + 1):
            yield {**base, name: value}
        return
    if head == "items" and w.kind == "array":
        rest = tokens[1:]
        if rest and rest[0].isdigit():
            index = int(rest[0])
            items = w.item_list or []
            if index < len(items):
                prefix = [_first(s, depth + 1) for s in items[:index]]
                r_item = _item(r, index)
                for value in _along(items[index], r_item, rest[1:], depth + 1):
                    yield [*prefix, value]
            return
        if w.all_items is not None:
            r_items = r.all_items if r is not None and r.kind == "array" else None
            for value in _along(w.all_items, r_items, rest, depth + 1):
                yield [value]
        return
    if head.startswith(("allOf/", "anyOf/", "oneOf/")) and w.kind == "combined":
        index = int(head.split("/")[1])
        subs = w.subschemas
        if index < len(subs):
            yield from _along(subs[index], r, tokens[1:], depth + 1)
        return
    if head in ("required", "dependencies", "additionalProperties", "additionalItems", "not"):
        yield from _values(w, [r] if r is not None else [], depth)
        return
    yield from _values(w, [r] if r is not None else [], depth)


def _item(r: JNode | None, index: int) -> JNode | None:
    if r is None or r.kind != "array":
        return None
    if r.item_list and index < len(r.item_list):
        return r.item_list[index]
    return r.additional_items or r.all_items


def _partial(w: JNode, name: str) -> JNode | None:
    for pattern, schema in w.pattern_properties:
        if regex_matches(pattern, name):
            return schema
    return w.additional


def _first(node: JNode, depth: int) -> Any:
    for value in _values(node, [], depth + 1):
        return value
    return None


def _base_object(w: JNode, depth: int) -> dict[str, Any]:
    base: dict[str, Any] = {}
    for name in w.required:
        child = w.properties.get(name)
        base[name] = _first(child, depth + 1) if child is not None else None
    return base


def _hints(r: JNode | None) -> list[JNode]:
    """The reader node and, for combinations, its subschemas (their bounds are hints too)."""
    if r is None:
        return []
    r = r.resolved()
    out = [r]
    if r.kind == "combined":
        for s in r.subschemas:
            out.extend(_hints(s))
    if r.kind == "not" and r.must_not is not None:
        out.append(r.must_not.resolved())
    return out


def _values(w: JNode, readers: list[JNode | None], depth: int) -> Iterator[Any]:
    """Candidate values for ``w``, the reader nodes at the same place guiding the search."""
    hints = [h for r in readers for h in _hints(r)]
    yield from itertools.islice(_raw_values(w.resolved(), hints, depth), _PER_NODE * 4)


def _raw_values(w: JNode, hints: list[JNode], depth: int) -> Iterator[Any]:
    if depth > _DEPTH:
        return
    kind = w.kind
    if kind == "false":
        return
    if kind in ("empty", "not", "conditional", "ref"):
        for h in hints:
            yield from _outside(h)
        yield from _ANY
        return
    if kind == "boolean":
        yield from (True, False)
    elif kind == "null":
        yield None
    elif kind in ("enum", "const"):
        yield from w.raw_values
    elif kind == "string":
        yield from _strings(w, hints)
    elif kind == "number":
        yield from _numbers(w, hints)
    elif kind == "combined":
        for sub in w.subschemas:
            yield from itertools.islice(_raw_values(sub.resolved(), hints, depth + 1), _PER_NODE)
    elif kind == "object":
        yield from _objects(w, hints, depth)
    elif kind == "array":
        yield from _arrays(w, hints, depth)


def _outside(h: JNode) -> Iterator[Any]:
    """Values of another type than the reader's, then values beyond its bounds."""
    others: tuple[Any, ...] = {
        "string": (0, None, True),
        "number": ("a", None),
        "boolean": (0, "a"),
        "null": (0, "a", False),
        "object": ([], "a", 0),
        "array": ({}, "a", 0),
    }.get(h.kind, ())
    yield from others
    if h.kind == "string":
        yield from _strings(h, [])
    elif h.kind == "number":
        yield from _numbers(h, [])


def _strings(w: JNode, hints: list[JNode]) -> Iterator[Any]:
    lengths = {0, 1, 3}
    for node in [w, *hints]:
        if node.kind != "string":
            continue
        for n in (node.min_length, node.max_length):
            if n is not None:
                lengths.update({max(n - 1, 0), n, n + 1})
    for n in sorted(lengths):
        yield "a" * n
    yield from ("0", "x", "A1", "2024-01-01", "2024-01-01T00:00:00Z", "user@example.com")
    for node in [w, *hints]:
        if node.kind == "string" and node.pattern:
            # A literal-looking pattern matches its own text once anchors are gone.
            text = node.pattern.strip("^$")
            yield text
            yield re.sub(r"[\\^$.*+?()\[\]{}|]", "", text)


def _numbers(w: JNode, hints: list[JNode]) -> Iterator[Any]:
    values: list[float | int] = [0, 1, -1, 2, 10, 100]
    for node in [w, *hints]:
        if node.kind != "number":
            continue
        for bound in (node.minimum, node.maximum, node.exclusive_minimum, node.exclusive_maximum):
            if bound is not None:
                values.extend([bound, bound - 1, bound + 1, bound - 0.5, bound + 0.5])
        if node.multiple_of is not None:
            m = node.multiple_of
            values.extend([m, 2 * m, 3 * m, m + 1, m * 1.5])
    values.extend([0.5, 1.5])
    seen: set[tuple[str, float]] = set()
    for v in values:
        if w.requires_integer and (isinstance(v, float) and not v.is_integer()):
            continue
        v = int(v) if w.requires_integer else v
        key = (type(v).__name__, float(v))
        if key not in seen:
            seen.add(key)
            yield v


def _objects(w: JNode, hints: list[JNode], depth: int) -> Iterator[Any]:
    base = _base_object(w, depth)
    yield dict(base)
    names = list(w.properties)
    reader_names = [
        n
        for h in hints
        if h.kind == "object"
        for n in (*h.properties, *h.dependency_arrays, *h.dependency_schemas, *h.required)
    ]
    for name in [*names, *(n for n in reader_names if n not in names)]:
        schema = w.properties.get(name) or _partial(w, name)
        if schema is None:
            if not w.permits_additional:
                continue
            values: Iterator[Any] = iter(_ANY)
        else:
            readers = [h.properties.get(name) for h in hints if h.kind == "object"]
            values = _values(schema, readers, depth + 1)
        for value in itertools.islice(values, _PER_NODE):
            yield {**base, name: value}
    # Optional properties all present (minProperties, dependencies), then an undeclared one.
    full = dict(base)
    for name in names:
        if name not in full:
            full[name] = _first(w.properties[name], depth + 1)
    yield full
    counts = {2, 3}
    for node in [w, *hints]:
        if node.kind == "object":
            counts.update(n + 1 for n in (node.min_properties, node.max_properties) if n)
    if w.permits_additional:
        for n in sorted(counts):
            yield {**full, **{f"zz_{i}": i for i in range(n)}}
        extra = _partial(w, "zz_extra")
        for value in itertools.islice(
            _values(extra, [], depth + 1) if extra is not None else iter(_ANY), _PER_NODE
        ):
            yield {**base, "zz_extra": value}
            yield {**full, "zz_extra": value}


def _arrays(w: JNode, hints: list[JNode], depth: int) -> Iterator[Any]:
    yield []
    prefix = [_first(s, depth + 1) for s in (w.item_list or [])]
    if prefix:
        yield prefix
    item = w.all_items or w.additional_items
    readers = [h.all_items or h.additional_items for h in hints if h.kind == "array"]
    lengths = {1, 2}
    for node in [w, *hints]:
        if node.kind == "array":
            for n in (node.min_items, node.max_items):
                if n is not None:
                    lengths.update({max(n - 1, 0), n, n + 1})
    if item is not None:
        for value in itertools.islice(_values(item, readers, depth + 1), _PER_NODE):
            yield [*prefix, value]
        first = _first(item, depth + 1)
        for n in sorted(lengths):
            yield [*prefix, *([first] * n)]
    elif w.permits_additional_items:
        for value in _ANY:
            yield [*prefix, value]
        for n in sorted(lengths):
            yield [*prefix, *([0] * n)]
    for i, sub in enumerate(w.item_list or []):
        r_items = [_item(h, i) for h in hints]
        for value in itertools.islice(_values(sub, r_items, depth + 1), _PER_NODE):
            yield [*prefix[:i], value, *prefix[i + 1 :]]
