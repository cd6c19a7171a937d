"""Confluent's JSON Schema ``SchemaDiff``: every difference from an original schema to an
update, each a Confluent ``Difference`` type at a path.

``diff(original, update, compatible)`` walks both node trees (see :mod:`.model`) the way
Confluent does: a non-combined schema may become a ``oneOf``/``anyOf`` containing a compatible
branch (``SUM_TYPE_EXTENDED``), an ``allOf`` may lose conjuncts (``PRODUCT_TYPE_NARROWED``);
combined schemas are matched subschema to subschema with a maximum bipartite matching over
the compatible pairs; object and array content models are open, closed or partially open
(``additionalProperties``/``patternProperties``/``unevaluatedProperties``). The set of
compatible types (the policy) takes part in the walk, because "is this branch compatible"
decides which differences are kept. Recursive schemas terminate: a pair already being
compared is assumed compatible, and each pair's result is reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from accord.compat.jsonschema import javaorder
from accord.compat.jsonschema.model import JNode, canonical, regex_matches
from accord.contracts import pointer as jp


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference: Confluent's type and path, plus where it is in both documents."""

    type: str
    path: tuple[str, ...]  # Confluent's jsonPath tokens ("#/" + "/".join(path))
    original_pointer: str  # JSON pointer into the original document
    update_pointer: str  # JSON pointer into the update document
    original: JNode | None = None  # the nodes compared (for messages and witnesses)
    update: JNode | None = None
    name: str = ""  # the property / keyword concerned

    @property
    def json_path(self) -> str:
        return "#/" + "/".join(self.path)

    def rebased(self, prefix: tuple[str, ...]) -> Difference:
        if not prefix:
            return self
        return Difference(
            self.type,
            prefix + self.path,
            self.original_pointer,
            self.update_pointer,
            self.original,
            self.update,
            self.name,
        )


@dataclass
class _Shared:
    memo: dict[tuple[int, int], tuple[Difference, ...]] = field(default_factory=dict)
    in_progress: set[tuple[int, int]] = field(default_factory=set)


class Context:
    """The walk's state: where it is, what it found, which types are compatible."""

    def __init__(self, compatible: frozenset[str], shared: _Shared, path: list[str]) -> None:
        self.compatible = compatible
        self.shared = shared
        self.path = list(path)
        self.diffs: list[Difference] = []

    def sub(self) -> Context:
        return Context(self.compatible, self.shared, self.path)

    @contextmanager
    def at(self, *tokens: str) -> Iterator[None]:
        self.path.extend(tokens)
        try:
            yield
        finally:
            del self.path[len(self.path) - len(tokens) :]

    def add(
        self,
        type_: str,
        o: JNode | None,
        u: JNode | None,
        *,
        attribute: str | None = None,
        o_ptr: str | None = None,
        u_ptr: str | None = None,
        name: str = "",
    ) -> None:
        path = tuple(self.path) + ((attribute,) if attribute else ())
        op = o_ptr if o_ptr is not None else _ptr(o, attribute)
        up = u_ptr if u_ptr is not None else _ptr(u, attribute)
        self.diffs.append(Difference(type_, path, op, up, o, u, name or (attribute or "")))

    def extend(self, diffs: list[Difference]) -> None:
        self.diffs.extend(diffs)

    @property
    def compatible_so_far(self) -> bool:
        return all(d.type in self.compatible for d in self.diffs)


def _ptr(node: JNode | None, attribute: str | None) -> str:
    if node is None:
        return ""
    return jp.join(node.pointer, attribute) if attribute else node.pointer


def diff(original: JNode, update: JNode, compatible: frozenset[str]) -> list[Difference]:
    """Every difference from ``original`` to ``update`` (Confluent's order)."""
    ctx = Context(compatible, _Shared(), [])
    compare(ctx, original, update)
    return ctx.diffs


# --- the walk ---------------------------------------------------------------------------------


def compare(
    ctx: Context,
    o: JNode | None,
    u: JNode | None,
    *,
    o_parent: str = "",
    u_parent: str = "",
) -> None:
    if o is None and u is None:
        return
    if o is None:
        assert u is not None
        ctx.add("SCHEMA_ADDED", None, u, o_ptr=o_parent)
        return
    if u is None:
        ctx.add("SCHEMA_REMOVED", o, None, u_ptr=u_parent)
        return
    o, u = o.resolved(), u.resolved()
    key = (id(o), id(u))
    shared = ctx.shared
    cached = shared.memo.get(key)
    if cached is None:
        if key in shared.in_progress:
            return  # a recursive cycle: compatible unless proven otherwise
        shared.in_progress.add(key)
        sub = Context(ctx.compatible, shared, [])
        try:
            _compare(sub, o, u)
        finally:
            shared.in_progress.discard(key)
        cached = tuple(sub.diffs)
        shared.memo[key] = cached
    prefix = tuple(ctx.path)
    ctx.diffs.extend(d.rebased(prefix) for d in cached)


def _compare(ctx: Context, o: JNode, u: JNode) -> None:
    o_comb, u_comb = o.kind == "combined", u.kind == "combined"
    if not o_comb and u_comb:
        if len(u.subschemas) == 1:
            if _try(ctx, o, u.subschemas[0]):
                return
        elif u.criterion in ("anyOf", "oneOf"):
            for sub in u.subschemas:
                if _try(ctx, o, sub):
                    ctx.add("SUM_TYPE_EXTENDED", o, u)
                    return
    elif o_comb and not u_comb:
        if len(o.subschemas) == 1 and _try(ctx, o.subschemas[0], u):
            return
        if o.criterion == "allOf":
            for sub in o.subschemas:
                if _try(ctx, sub, u):
                    ctx.add("PRODUCT_TYPE_NARROWED", o, u)
                    return
    if not _same_kind(o, u):
        if o.kind == "false" or u.kind == "empty":
            return
        if o.unprocessed.get("connect.type") == "bytes" == u.unprocessed.get("connect.type"):
            return
        ctx.add("TYPE_CHANGED", o, u)
        return
    if o.id != u.id:
        ctx.add("ID_CHANGED", o, u)
    if o.title != u.title:
        ctx.add("TITLE_CHANGED", o, u)
    if o.description != u.description:
        ctx.add("DESCRIPTION_CHANGED", o, u)
    if (o.has_default, canonical(o.default)) != (u.has_default, canonical(u.default)):
        ctx.add("DEFAULT_CHANGED", o, u)
    compare_kind = _BY_KIND.get(o.kind)
    if compare_kind is not None:
        compare_kind(ctx, o, u)


def _try(ctx: Context, o: JNode, u: JNode) -> bool:
    """Compare in a sub-context; keep its differences only when they are compatible."""
    sub = ctx.sub()
    compare(sub, o, u)
    if sub.compatible_so_far:
        ctx.extend(sub.diffs)
        return True
    return False


def _same_kind(o: JNode, u: JNode) -> bool:
    return o.kind == u.kind


# --- strings and numbers ----------------------------------------------------------------------


def _bounds(
    ctx: Context,
    o: JNode,
    u: JNode,
    attribute: str,
    old: float | int | None,
    new: float | int | None,
    prefix: str,
) -> None:
    if old == new:
        return
    if old is None:
        ctx.add(f"{prefix}_ADDED", o, u, attribute=attribute)
    elif new is None:
        ctx.add(f"{prefix}_REMOVED", o, u, attribute=attribute)
    elif old < new:
        ctx.add(f"{prefix}_INCREASED", o, u, attribute=attribute)
    else:
        ctx.add(f"{prefix}_DECREASED", o, u, attribute=attribute)


def _strings(ctx: Context, o: JNode, u: JNode) -> None:
    _bounds(ctx, o, u, "maxLength", o.max_length, u.max_length, "MAX_LENGTH")
    _bounds(ctx, o, u, "minLength", o.min_length, u.min_length, "MIN_LENGTH")
    if o.pattern is None and u.pattern is not None:
        ctx.add("PATTERN_ADDED", o, u, attribute="pattern")
    elif o.pattern is not None and u.pattern is None:
        ctx.add("PATTERN_REMOVED", o, u, attribute="pattern")
    elif o.pattern != u.pattern:
        ctx.add("PATTERN_CHANGED", o, u, attribute="pattern")


def _decimal(value: float | int) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _numbers(ctx: Context, o: JNode, u: JNode) -> None:
    _bounds(ctx, o, u, "maximum", o.maximum, u.maximum, "MAXIMUM")
    _bounds(ctx, o, u, "minimum", o.minimum, u.minimum, "MINIMUM")
    _bounds(
        ctx, o, u, "exclusiveMaximum", o.exclusive_maximum, u.exclusive_maximum, "EXCLUSIVE_MAXIMUM"
    )
    _bounds(
        ctx, o, u, "exclusiveMinimum", o.exclusive_minimum, u.exclusive_minimum, "EXCLUSIVE_MINIMUM"
    )
    old, new = o.multiple_of, u.multiple_of
    if old != new:
        if old is None:
            ctx.add("MULTIPLE_OF_ADDED", o, u, attribute="multipleOf")
        elif new is None:
            ctx.add("MULTIPLE_OF_REMOVED", o, u, attribute="multipleOf")
        else:
            a, b = _decimal(old), _decimal(new)
            if a and b and b % a == 0:
                ctx.add("MULTIPLE_OF_EXPANDED", o, u, attribute="multipleOf")
            elif a and b and a % b == 0:
                ctx.add("MULTIPLE_OF_REDUCED", o, u, attribute="multipleOf")
            else:
                ctx.add("MULTIPLE_OF_CHANGED", o, u, attribute="multipleOf")
    if o.requires_integer != u.requires_integer:
        ctx.add("TYPE_EXTENDED" if o.requires_integer else "TYPE_NARROWED", o, u)


# --- enum, const, not, combined ---------------------------------------------------------------


def _enums(ctx: Context, o: JNode, u: JNode) -> None:
    if o.values == u.values:
        return
    if u.values >= o.values:
        ctx.add("ENUM_ARRAY_EXTENDED", o, u, attribute="enum")
    elif o.values >= u.values:
        ctx.add("ENUM_ARRAY_NARROWED", o, u, attribute="enum")
    else:
        ctx.add("ENUM_ARRAY_CHANGED", o, u, attribute="enum")


def _consts(ctx: Context, o: JNode, u: JNode) -> None:
    if o.values != u.values:
        ctx.add("ENUM_ARRAY_CHANGED", o, u, attribute="const")


def _nots(ctx: Context, o: JNode, u: JNode) -> None:
    with ctx.at("not"):
        sub = ctx.sub()
        # What the update excludes must be what the original excluded, or less.
        compare(sub, u.must_not, o.must_not)
        narrowed = sub.compatible_so_far
        ctx.add("NOT_TYPE_NARROWED" if narrowed else "NOT_TYPE_EXTENDED", o, u)


def _criteria(ctx: Context, o: JNode, u: JNode) -> str | None:
    old, new = o.criterion, u.criterion
    if old == new:
        return None
    single_old, single_new = len(o.subschemas) == 1, len(u.subschemas) == 1
    if new == "anyOf":
        kind = "COMBINED_TYPE_EXTENDED"
    elif new == "oneOf":
        # A singleton becomes oneOf safely; so does allOf when one branch remains.
        widened = single_old or (old == "allOf" and single_new)
        kind = "COMBINED_TYPE_EXTENDED" if widened else "COMBINED_TYPE_CHANGED"
    elif single_old and single_new:
        kind = "COMBINED_TYPE_EXTENDED"
    else:
        kind = "COMBINED_TYPE_CHANGED"
    ctx.add(kind, o, u)
    return kind


def _distinct(nodes: list[JNode]) -> list[JNode]:
    seen: dict[str, JNode] = {}
    for n in nodes:
        seen.setdefault(n.key(), n)
    return list(seen.values())


def _combined(ctx: Context, o: JNode, u: JNode) -> None:
    if _criteria(ctx, o, u) == "COMBINED_TYPE_CHANGED":
        return
    olds, news = _distinct(o.subschemas), _distinct(u.subschemas)
    # More subschemas: judged by the update's criterion; fewer: by the original's.
    if len(olds) < len(news):
        extended = "PRODUCT_TYPE_EXTENDED" if u.criterion == "allOf" else "SUM_TYPE_EXTENDED"
        ctx.add(extended, o, u)
    elif len(olds) > len(news):
        narrowed = "PRODUCT_TYPE_NARROWED" if o.criterion == "allOf" else "SUM_TYPE_NARROWED"
        ctx.add(narrowed, o, u)
    edges: dict[tuple[int, int], list[Difference]] = {}
    for i, old in enumerate(olds):
        with ctx.at(f"{o.criterion}/{i}"):
            for j, new in enumerate(news):
                sub = ctx.sub()
                compare(sub, old, new)
                if sub.compatible_so_far:
                    edges[(i, j)] = sub.diffs
    matching = _maximum_matching(len(olds), len(news), edges)
    for i, j in sorted(matching):
        ctx.extend(edges[(i, j)])
    if len(matching) < min(len(olds), len(news)):
        ctx.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED", o, u)


def _maximum_matching(
    left: int, right: int, edges: dict[tuple[int, int], list[Difference]]
) -> list[tuple[int, int]]:
    """A maximum bipartite matching (augmenting paths; schemas have few subschemas)."""
    adjacent: dict[int, list[int]] = {i: [] for i in range(left)}
    for i, j in edges:
        adjacent[i].append(j)
    match_right: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in sorted(adjacent[i]):
            if j in seen:
                continue
            seen.add(j)
            if j not in match_right or augment(match_right[j], seen):
                match_right[j] = i
                return True
        return False

    for i in range(left):
        augment(i, set())
    del right
    return [(i, j) for j, i in match_right.items()]


# --- objects ----------------------------------------------------------------------------------


def _open(node: JNode) -> bool:
    """An open content model: any property may appear with any value."""
    if node.pattern_properties or node.additional is not None or not node.permits_additional:
        return False
    return node.unevaluated is None or node.unevaluated.resolved().is_empty


def _partial(node: JNode, key: str) -> JNode | None:
    """The schema a partially open content model gives an undeclared property ``key``."""
    for pattern, schema in node.pattern_properties:
        if regex_matches(pattern, key):
            return schema
    if node.additional is not None:
        return node.additional
    return _partial_unevaluated(node)


def _partial_unevaluated(node: JNode) -> JNode | None:
    if node.permits_additional and node.additional is None and node.unevaluated is not None:
        uneval = node.unevaluated.resolved()
        if not uneval.is_false and not uneval.is_empty:
            return node.unevaluated
    return None


def _objects(ctx: Context, o: JNode, u: JNode) -> None:
    _required(ctx, o, u)
    _properties(ctx, o, u)
    _dependencies(ctx, o, u)
    _additional_properties(ctx, o, u)
    _unevaluated(ctx, o, u, "PROPERTIES", "unevaluatedProperties")
    _bounds(ctx, o, u, "maxProperties", o.max_properties, u.max_properties, "MAX_PROPERTIES")
    _bounds(ctx, o, u, "minProperties", o.min_properties, u.min_properties, "MIN_PROPERTIES")


def _required(ctx: Context, o: JNode, u: JNode) -> None:
    with ctx.at("required"):
        for key in javaorder.map_order(o.properties):
            if key not in u.properties:
                continue
            was, now = key in o.required, key in u.required
            if was and not now:
                kind = "REQUIRED_ATTRIBUTE_REMOVED"
            elif now and not was:
                has_default = u.properties[key].has_default
                kind = (
                    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                    if has_default
                    else "REQUIRED_ATTRIBUTE_ADDED"
                )
            else:
                continue
            ctx.add(
                kind,
                o,
                u,
                attribute=key,
                o_ptr=jp.join(o.pointer, "properties", key),
                u_ptr=jp.join(u.pointer, "properties", key),
                name=key,
            )


def _properties(ctx: Context, o: JNode, u: JNode) -> None:
    with ctx.at("properties"):
        for key in javaorder.union_order(javaorder.map_order(o.properties), u.properties):
            with ctx.at(key):
                old, new = o.properties.get(key), u.properties.get(key)
                if new is None:
                    assert old is not None
                    _property_removed(ctx, o, u, key, old)
                elif old is None:
                    _property_added(ctx, o, u, key, new)
                else:
                    compare(ctx, old, new)


def _covered(ctx: Context, original: JNode, update: JNode) -> str:
    """Compare a member with what a partially open model gives it (its differences are kept):
    ``IS_COVERED`` when compatible, else ``NOT_COVERED``."""
    sub = ctx.sub()
    compare(sub, original, update)
    ctx.extend(sub.diffs)
    return "IS_COVERED" if sub.compatible_so_far else "NOT_COVERED"


def _member_removed(
    ctx: Context,
    what: str,
    old: JNode,
    is_open: bool,
    partial: JNode | None,
    where: dict[str, str],
) -> None:
    """A property (``what="PROPERTY"``) or positional item (``"ITEM"``) the update lacks."""
    if is_open:
        ctx.add(f"{what}_REMOVED_FROM_OPEN_CONTENT_MODEL", old, None, **where)
    elif partial is not None:
        covered = _covered(ctx, old, partial)
        ctx.add(f"{what}_REMOVED_{covered}_BY_PARTIALLY_OPEN_CONTENT_MODEL", old, partial, **where)
    elif old.kind == "false":
        ctx.add(f"{what}_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", old, None, **where)
    else:
        ctx.add(f"{what}_REMOVED_FROM_CLOSED_CONTENT_MODEL", old, None, **where)


def _property_removed(ctx: Context, o: JNode, u: JNode, key: str, old: JNode) -> None:
    where = {"o_ptr": old.pointer, "u_ptr": jp.join(u.pointer, "properties"), "name": key}
    is_open = _open(u)
    _member_removed(ctx, "PROPERTY", old, is_open, None if is_open else _partial(u, key), where)


def _property_added(ctx: Context, o: JNode, u: JNode, key: str, new: JNode) -> None:
    where = {"o_ptr": jp.join(o.pointer, "properties"), "u_ptr": new.pointer, "name": key}
    required = key in u.required
    has_default = new.has_default  # a $ref's own default, as Java's ReferenceSchema
    if _open(o):
        if new.kind == "empty":
            kind = "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
        elif required:
            kind = (
                "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
                if has_default
                else "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            )
        else:
            kind = "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
        ctx.add(kind, None, new, **where)
        return
    partial = _partial(o, key)
    if partial is not None:
        covered = _covered(ctx, partial, new)
        ctx.add(f"PROPERTY_ADDED_{covered}_BY_PARTIALLY_OPEN_CONTENT_MODEL", partial, new, **where)
    if required:
        kind = (
            "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
            if has_default
            else "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
        )
    else:
        kind = "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
    ctx.add(kind, None, new, **where)


def _dependencies(ctx: Context, o: JNode, u: JNode) -> None:
    with ctx.at("dependencies"):
        keys = javaorder.union_order(javaorder.map_order(o.dependency_arrays), u.dependency_arrays)
        for key in keys:
            old, new = o.dependency_arrays.get(key), u.dependency_arrays.get(key)
            if new is None:
                kind = "DEPENDENCY_ARRAY_REMOVED"
            elif old is None:
                kind = "DEPENDENCY_ARRAY_ADDED"
            elif old == new:
                continue
            elif new >= old:
                kind = "DEPENDENCY_ARRAY_EXTENDED"
            elif old >= new:
                kind = "DEPENDENCY_ARRAY_NARROWED"
            else:
                kind = "DEPENDENCY_ARRAY_CHANGED"
            ctx.add(kind, o, u, attribute=key, name=key)
        keys = javaorder.union_order(
            javaorder.map_order(o.dependency_schemas), u.dependency_schemas
        )
        for key in keys:
            with ctx.at(key):
                s_old, s_new = o.dependency_schemas.get(key), u.dependency_schemas.get(key)
                if s_new is None:
                    ctx.add("DEPENDENCY_SCHEMA_REMOVED", s_old, None, u_ptr=u.pointer, name=key)
                elif s_old is None:
                    ctx.add("DEPENDENCY_SCHEMA_ADDED", None, s_new, o_ptr=o.pointer, name=key)
                else:
                    compare(ctx, s_old, s_new)


def _additional_properties(ctx: Context, o: JNode, u: JNode) -> None:
    with ctx.at("additionalProperties"):
        if o.permits_additional != u.permits_additional:
            kind = "ADDITIONAL_PROPERTIES_ADDED" if u.permits_additional else "REMOVED"
            if kind == "REMOVED":
                kind = "ADDITIONAL_PROPERTIES_REMOVED"
            ctx.add(
                kind,
                o,
                u,
                o_ptr=_keyword(o, "additionalProperties"),
                u_ptr=_keyword(u, "additionalProperties"),
            )
        elif o.additional is None and u.additional is not None:
            ctx.add(
                "ADDITIONAL_PROPERTIES_NARROWED",
                o,
                u.additional,
                o_ptr=_keyword(o, "additionalProperties"),
            )
        elif u.additional is None and o.additional is not None:
            ctx.add(
                "ADDITIONAL_PROPERTIES_EXTENDED",
                o.additional,
                u,
                u_ptr=_keyword(u, "additionalProperties"),
            )
        else:
            compare(ctx, o.additional, u.additional)


def _keyword(node: JNode, keyword: str) -> str:
    return jp.join(node.pointer, keyword)


def _unevaluated(ctx: Context, o: JNode, u: JNode, what: str, keyword: str) -> None:
    old, new = o.unevaluated, u.unevaluated
    if old is None and new is None:
        return
    ro = old.resolved() if old is not None else None
    rn = new.resolved() if new is not None else None
    kinds = {
        "added": f"UNEVALUATED_{what}_ADDED",
        "removed": f"UNEVALUATED_{what}_REMOVED",
        "extended": f"UNEVALUATED_{what}_EXTENDED",
        "narrowed": f"UNEVALUATED_{what}_NARROWED",
    }
    where = {"o_ptr": _keyword(o, keyword), "u_ptr": _keyword(u, keyword)}
    with ctx.at(keyword):
        if ro is None:
            assert rn is not None
            ctx.add(kinds["removed" if rn.is_false else "narrowed"], o, u, **where)
        elif rn is None:
            ctx.add(kinds["added" if ro.is_false else "extended"], o, u, **where)
        elif ro.is_false and not rn.is_false:
            ctx.add(kinds["added"], o, u, **where)
        elif not ro.is_false and rn.is_false:
            ctx.add(kinds["removed"], o, u, **where)
        elif ro.is_empty and not rn.is_empty:
            ctx.add(kinds["narrowed"], o, u, **where)
        elif not ro.is_empty and rn.is_empty:
            ctx.add(kinds["extended"], o, u, **where)
        else:
            compare(ctx, old, new)


# --- arrays -----------------------------------------------------------------------------------


def _open_items(node: JNode) -> bool:
    if not node.permits_additional_items or node.additional_items is not None:
        return False
    return node.unevaluated is None or node.unevaluated.resolved().is_empty


def _partial_items(node: JNode) -> JNode | None:
    if node.additional_items is not None:
        return node.additional_items
    return _partial_unevaluated_items(node)


def _partial_unevaluated_items(node: JNode) -> JNode | None:
    if node.permits_additional_items and node.unevaluated is not None:
        uneval = node.unevaluated.resolved()
        if not uneval.is_false and not uneval.is_empty:
            return node.unevaluated
    return None


def _arrays(ctx: Context, o: JNode, u: JNode) -> None:
    with ctx.at("items"):
        compare(
            ctx,
            o.all_items,
            u.all_items,
            o_parent=_keyword(o, "items"),
            u_parent=_keyword(u, "items"),
        )
    _item_lists(ctx, o, u)
    _additional_items(ctx, o, u)
    _unevaluated(ctx, o, u, "ITEMS", "unevaluatedItems")
    _bounds(ctx, o, u, "maxItems", o.max_items, u.max_items, "MAX_ITEMS")
    _bounds(ctx, o, u, "minItems", o.min_items, u.min_items, "MIN_ITEMS")
    if o.unique_items != u.unique_items:
        kind = "UNIQUE_ITEMS_REMOVED" if o.unique_items else "UNIQUE_ITEMS_ADDED"
        ctx.add(kind, o, u, attribute="uniqueItems")
    _bounds(ctx, o, u, "maxContains", o.max_contains, u.max_contains, "MAX_CONTAINS")
    _bounds(ctx, o, u, "minContains", o.min_contains, u.min_contains, "MIN_CONTAINS")


def _item_lists(ctx: Context, o: JNode, u: JNode) -> None:
    olds, news = o.item_list or [], u.item_list or []
    for index in range(max(len(olds), len(news))):
        with ctx.at(f"items/{index}"):
            if index < len(olds) and index < len(news):
                compare(ctx, olds[index], news[index])
            elif index < len(olds):
                _item_removed(ctx, u, olds[index])
            else:
                _item_added(ctx, o, news[index])


def _item_removed(ctx: Context, u: JNode, old: JNode) -> None:
    where = {"o_ptr": old.pointer, "u_ptr": u.pointer}
    is_open = _open_items(u)
    _member_removed(ctx, "ITEM", old, is_open, None if is_open else _partial_items(u), where)


def _item_added(ctx: Context, o: JNode, new: JNode) -> None:
    where = {"o_ptr": o.pointer, "u_ptr": new.pointer}
    if _open_items(o):
        kind = (
            "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
            if new.kind == "empty"
            else "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
        )
        ctx.add(kind, None, new, **where)
        return
    partial = _partial_items(o)
    if partial is not None:
        covered = _covered(ctx, partial, new)
        ctx.add(f"ITEM_ADDED_{covered}_BY_PARTIALLY_OPEN_CONTENT_MODEL", partial, new, **where)
    else:
        ctx.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", None, new, **where)


def _additional_items(ctx: Context, o: JNode, u: JNode) -> None:
    with ctx.at("additionalItems"):
        where = {"o_ptr": o.pointer, "u_ptr": u.pointer}
        if o.permits_additional_items != u.permits_additional_items:
            kind = (
                "ADDITIONAL_ITEMS_REMOVED"
                if o.permits_additional_items
                else "ADDITIONAL_ITEMS_ADDED"
            )
            ctx.add(kind, o, u, **where)
        elif o.additional_items is None and u.additional_items is not None:
            ctx.add("ADDITIONAL_ITEMS_NARROWED", o, u.additional_items, **where)
        elif u.additional_items is None and o.additional_items is not None:
            ctx.add("ADDITIONAL_ITEMS_EXTENDED", o.additional_items, u, **where)
        else:
            compare(ctx, o.additional_items, u.additional_items)


_BY_KIND: dict[str, Callable[[Context, JNode, JNode], None]] = {
    "string": _strings,
    "number": _numbers,
    "const": _consts,
    "enum": _enums,
    "combined": _combined,
    "not": _nots,
    "object": _objects,
    "array": _arrays,
}
