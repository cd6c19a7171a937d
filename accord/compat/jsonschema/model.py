"""JSON Schema documents as Confluent's diff sees them: a tree of typed :class:`JNode`s.

Confluent Schema Registry compares JSON Schemas after loading them with the everit library
(draft 7 and earlier) or json-sKema translated to everit's model (2019-09, 2020-12). What a
keyword becomes decides what the diff reports, so :func:`load` follows the same rules:

- a document is split into the schemas its keywords imply, in this order: ``enum``,
  ``allOf``/``anyOf``/``oneOf``, ``not``, ``const``, then ``type`` (which takes the keywords of
  its own type), then the keywords left over (an object, array, number or string schema that
  does not require its type), then ``if``/``then``/``else``. One schema is used as is, several
  are combined with a synthetic ``allOf``, none is the empty schema;
- ``type: [a, b]`` is ``anyOf`` one schema per type; ``integer`` is a number schema that
  requires integers;
- ``$ref`` hides its siblings (draft 7) and is followed when compared; ``true`` is the empty
  schema, ``false`` the false schema;
- 2019-09 / 2020-12: ``prefixItems`` are the item list and ``items`` the additional items,
  ``dependentRequired`` / ``dependentSchemas`` are the dependencies, ``unevaluatedItems`` /
  ``unevaluatedProperties`` close or partially open a content model, ``minContains`` is 1 when
  ``contains`` is present, an empty ``properties`` says nothing, and ``$id`` is not compared.

Every node keeps the JSON pointer of the JSON it came from (for ``file:line`` locations) and
its source JSON (to recognise duplicate subschemas).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urldefrag

from accord.contracts import pointer as jp

DRAFT7 = "draft-07"
DRAFT2019 = "2019-09"
DRAFT2020 = "2020-12"
_DRAFT_URIS = {
    "json-schema.org/draft-04/schema": "draft-04",
    "json-schema.org/draft-06/schema": "draft-06",
    "json-schema.org/draft-07/schema": DRAFT7,
    "json-schema.org/draft/2019-09/schema": DRAFT2019,
    "json-schema.org/draft/2020-12/schema": DRAFT2020,
}
OBJECT_KEYWORDS = (
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
)
OBJECT_KEYWORDS_2019 = (
    *OBJECT_KEYWORDS,
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
)
ARRAY_KEYWORDS = ("items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains")
ARRAY_KEYWORDS_2019 = (
    *ARRAY_KEYWORDS,
    "prefixItems",
    "unevaluatedItems",
    "minContains",
    "maxContains",
)
NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
STRING_KEYWORDS = ("minLength", "maxLength", "pattern", "format")
CONDITIONAL_KEYWORDS = ("if", "then", "else")
COMMON_KEYWORDS = ("title", "description", "default", "nullable", "readOnly", "writeOnly")
COMBINED = ("allOf", "anyOf", "oneOf")


def canonical(value: Any) -> str:
    """A key for JSON values that tells ``1`` from ``1.0`` and ``true`` (as Java does)."""
    return json.dumps(_tagged(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _tagged(value: Any) -> Any:
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        return ["f", value]
    if isinstance(value, dict):
        return {k: _tagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    return value


@dataclass(eq=False)
class JNode:
    """One loaded schema. ``kind`` is everit's class: ``empty`` (``true`` and ``{}``),
    ``false``, ``boolean``, ``null``, ``string``, ``number``, ``object``, ``array``, ``enum``,
    ``const``, ``combined``, ``not``, ``ref`` or ``conditional``."""

    kind: str
    pointer: str
    source: Any = None
    doc: str = ""  # "" for the main document, else the reference name
    is_true: bool = False  # the literal ``true`` (everit's TrueSchema)
    id: Any = None
    title: Any = None
    description: Any = None
    default: Any = None
    has_default: bool = False
    unprocessed: dict[str, Any] = field(default_factory=dict)
    # string
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    # number
    minimum: float | int | None = None
    maximum: float | int | None = None
    exclusive_minimum: float | int | None = None
    exclusive_maximum: float | int | None = None
    multiple_of: float | int | None = None
    requires_integer: bool = False
    # object
    properties: dict[str, JNode] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    permits_additional: bool = True
    additional: JNode | None = None
    pattern_properties: list[tuple[str, JNode]] = field(default_factory=list)
    dependency_arrays: dict[str, frozenset[str]] = field(default_factory=dict)
    dependency_schemas: dict[str, JNode] = field(default_factory=dict)
    min_properties: int | None = None
    max_properties: int | None = None
    unevaluated: JNode | None = None  # unevaluatedProperties / unevaluatedItems
    # array
    all_items: JNode | None = None
    item_list: list[JNode] | None = None
    permits_additional_items: bool = True
    additional_items: JNode | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    min_contains: int | None = None
    max_contains: int | None = None
    # enum / const
    values: frozenset[str] = frozenset()
    raw_values: tuple[Any, ...] = ()
    # combined / not / ref
    criterion: str = ""
    subschemas: list[JNode] = field(default_factory=list)
    synthetic: bool = False
    must_not: JNode | None = None
    ref: str = ""
    target: JNode | None = None

    def resolved(self) -> JNode:
        """The node a ``$ref`` leads to (following chains), or the node itself."""
        node, seen = self, 0
        while node.kind == "ref" and node.target is not None and seen < 64:
            node, seen = node.target, seen + 1
        return node

    @property
    def is_empty(self) -> bool:
        return self.kind == "empty"

    @property
    def is_false(self) -> bool:
        return self.kind == "false"

    def key(self) -> str:
        """Identity of the subschema's JSON (duplicates in a combined schema collapse)."""
        return canonical(self.source)


def draft_of(data: Any) -> str:
    if isinstance(data, dict) and isinstance(data.get("$schema"), str):
        uri = data["$schema"].split("://", 1)[-1].rstrip("#")
        return _DRAFT_URIS.get(uri, DRAFT7)
    return DRAFT7


class _Loader:
    def __init__(self, root: Any, references: Mapping[str, Any]) -> None:
        self.docs: dict[str, Any] = {"": root, **references}
        self.drafts = {name: draft_of(doc) for name, doc in self.docs.items()}
        self.nodes: dict[tuple[str, str], JNode] = {}
        self.pending: list[JNode] = []

    def modern(self, doc: str) -> bool:
        return self.drafts.get(doc, DRAFT7) in (DRAFT2019, DRAFT2020)

    def load(self, data: Any, ptr: str, doc: str) -> JNode:
        cached = self.nodes.get((doc, ptr))
        if cached is not None:
            return cached
        node = self._load(data, ptr, doc)
        self.nodes[(doc, ptr)] = node
        return node

    def _load(self, data: Any, ptr: str, doc: str) -> JNode:
        if data is True:
            return JNode("empty", ptr, source=True, doc=doc, is_true=True)
        if data is False:
            return JNode("false", ptr, source=False, doc=doc)
        if not isinstance(data, dict):
            return JNode("empty", ptr, source=data, doc=doc)
        rest = dict(data)
        modern = self.modern(doc)
        rest.pop("$schema", None)
        ident = rest.pop("$id", None) if "$id" in rest else rest.pop("id", None)
        if modern:
            ident = None
        for key in ("$defs", "definitions", "$comment", "examples", "$anchor"):
            rest.pop(key, None)
        if isinstance(rest.get("$ref"), str) and (not modern or len(_without_common(rest)) == 1):
            node = JNode("ref", ptr, source=data, doc=doc, ref=rest["$ref"])
            self.pending.append(node)
            return self._common(node, rest, ident)
        parts = self._keyword_parts(rest, ptr, doc, modern)
        if "type" in rest:
            parts.append(self._typed(rest, ptr, doc))
        parts.extend(self._sniffed(rest, ptr, doc))
        if any(k in rest for k in CONDITIONAL_KEYWORDS):
            cond = {k: rest.pop(k) for k in CONDITIONAL_KEYWORDS if k in rest}
            parts.append(JNode("conditional", ptr, source=cond, doc=doc))
        if not parts:
            node = JNode("empty", ptr, source=data, doc=doc)
        elif len(parts) == 1:
            node = parts[0]
        else:
            node = JNode(
                "combined",
                ptr,
                source=data,
                doc=doc,
                criterion="allOf",
                subschemas=parts,
                synthetic=True,
            )
        return self._common(node, rest, ident)

    def _keyword_parts(self, rest: dict[str, Any], ptr: str, doc: str, modern: bool) -> list[JNode]:
        """The schemas ``$ref`` (2019+), ``enum``, the combinations, ``not`` and ``const`` imply,
        in everit's order (each keyword is taken out of ``rest``)."""
        parts: list[JNode] = []
        if modern and isinstance(rest.get("$ref"), str):
            ref = JNode("ref", jp.join(ptr, "$ref"), source={"$ref": rest["$ref"]}, doc=doc)
            ref.ref = rest.pop("$ref")
            self.pending.append(ref)
            parts.append(ref)
        if "enum" in rest:
            values = rest.pop("enum")
            values = values if isinstance(values, list) else []
            parts.append(
                JNode(
                    "enum",
                    ptr,
                    source={"enum": values},
                    doc=doc,
                    values=frozenset(canonical(v) for v in values),
                    raw_values=tuple(values),
                )
            )
        for kw in COMBINED:
            if kw in rest:
                subs = rest.pop(kw)
                subs = subs if isinstance(subs, list) else []
                parts.append(
                    JNode(
                        "combined",
                        ptr,
                        source={kw: subs},
                        doc=doc,
                        criterion=kw,
                        subschemas=[
                            self.load(s, jp.join(ptr, kw, i), doc) for i, s in enumerate(subs)
                        ],
                    )
                )
        if "not" in rest:
            inner = rest.pop("not")
            parts.append(
                JNode(
                    "not",
                    ptr,
                    source={"not": inner},
                    doc=doc,
                    must_not=self.load(inner, jp.join(ptr, "not"), doc),
                )
            )
        if "const" in rest:
            value = rest.pop("const")
            parts.append(
                JNode(
                    "const",
                    ptr,
                    source={"const": value},
                    doc=doc,
                    values=frozenset([canonical(value)]),
                    raw_values=(value,),
                )
            )
        return parts

    def _common(self, node: JNode, rest: dict[str, Any], ident: Any) -> JNode:
        node.id = ident
        node.title = rest.pop("title", None)
        node.description = rest.pop("description", None)
        if "default" in rest:
            node.has_default = True
            node.default = rest.pop("default")
        for key in ("nullable", "readOnly", "writeOnly", "$ref"):
            rest.pop(key, None)
        node.unprocessed = rest
        return node

    def _typed(self, rest: dict[str, Any], ptr: str, doc: str) -> JNode:
        t = rest.pop("type")
        if isinstance(t, list):
            subs = [self._explicit(x, rest, ptr, doc) for x in t if isinstance(x, str)]
            for x in t:
                if isinstance(x, str):
                    self._consume(x, rest, doc)
            return JNode(
                "combined", ptr, source={"type": t}, doc=doc, criterion="anyOf", subschemas=subs
            )
        name = t if isinstance(t, str) else ""
        node = self._explicit(name, rest, ptr, doc)
        self._consume(name, rest, doc)
        return node

    def _keywords(self, t: str, doc: str) -> tuple[str, ...]:
        modern = self.modern(doc)
        return {
            "string": STRING_KEYWORDS,
            "number": NUMBER_KEYWORDS,
            "integer": NUMBER_KEYWORDS,
            "object": OBJECT_KEYWORDS_2019 if modern else OBJECT_KEYWORDS,
            "array": ARRAY_KEYWORDS_2019 if modern else ARRAY_KEYWORDS,
        }.get(t, ())

    def _consume(self, t: str, rest: dict[str, Any], doc: str) -> None:
        for k in self._keywords(t, doc):
            rest.pop(k, None)

    def _explicit(self, t: str, rest: Mapping[str, Any], ptr: str, doc: str) -> JNode:
        if t == "string":
            return self._string(rest, ptr, doc)
        if t in ("number", "integer"):
            node = self._number(rest, ptr, doc)
            node.requires_integer = t == "integer"
            return node
        if t == "object":
            return self._object(rest, ptr, doc)
        if t == "array":
            return self._array(rest, ptr, doc)
        if t == "boolean":
            return JNode("boolean", ptr, source={"type": t}, doc=doc)
        if t == "null":
            return JNode("null", ptr, source={"type": t}, doc=doc)
        return JNode("empty", ptr, source={"type": t}, doc=doc)

    def _sniffed(self, rest: dict[str, Any], ptr: str, doc: str) -> list[JNode]:
        out = []
        modern = self.modern(doc)
        array_kw = ARRAY_KEYWORDS_2019 if modern else ARRAY_KEYWORDS
        object_kw = OBJECT_KEYWORDS_2019 if modern else OBJECT_KEYWORDS
        if any(k in rest for k in array_kw):
            out.append(self._array(rest, ptr, doc))
            for k in array_kw:
                rest.pop(k, None)
        if any(k in rest for k in object_kw) and not (modern and _only_empty_properties(rest)):
            out.append(self._object(rest, ptr, doc))
        for k in object_kw:
            rest.pop(k, None)
        if any(k in rest for k in NUMBER_KEYWORDS):
            out.append(self._number(rest, ptr, doc))
            for k in NUMBER_KEYWORDS:
                rest.pop(k, None)
        if any(k in rest for k in STRING_KEYWORDS):
            out.append(self._string(rest, ptr, doc))
            for k in STRING_KEYWORDS:
                rest.pop(k, None)
        return out

    def _string(self, src: Mapping[str, Any], ptr: str, doc: str) -> JNode:
        return JNode(
            "string",
            ptr,
            source=_pick(src, STRING_KEYWORDS, "string"),
            doc=doc,
            min_length=_int(src.get("minLength")),
            max_length=_int(src.get("maxLength")),
            pattern=src["pattern"] if isinstance(src.get("pattern"), str) else None,
        )

    def _number(self, src: Mapping[str, Any], ptr: str, doc: str) -> JNode:
        node = JNode("number", ptr, source=_pick(src, NUMBER_KEYWORDS, "number"), doc=doc)
        node.minimum = _num(src.get("minimum"))
        node.maximum = _num(src.get("maximum"))
        node.multiple_of = _num(src.get("multipleOf"))
        # Draft 4's boolean flags on minimum/maximum are not limits of their own (everit keeps
        # them apart and Confluent does not compare them).
        node.exclusive_minimum = _num(src.get("exclusiveMinimum"))
        node.exclusive_maximum = _num(src.get("exclusiveMaximum"))
        return node

    def _object(self, src: Mapping[str, Any], ptr: str, doc: str) -> JNode:
        modern = self.modern(doc)
        node = JNode("object", ptr, source=_pick(src, OBJECT_KEYWORDS_2019, "object"), doc=doc)
        props = src.get("properties")
        if isinstance(props, dict):
            node.properties = {
                k: self.load(v, jp.join(ptr, "properties", k), doc) for k, v in props.items()
            }
        req = src.get("required")
        if isinstance(req, list):
            node.required = [r for r in req if isinstance(r, str)]
        add = src.get("additionalProperties")
        if isinstance(add, bool):
            node.permits_additional = add
        elif isinstance(add, dict):
            node.additional = self.load(add, jp.join(ptr, "additionalProperties"), doc)
        pats = src.get("patternProperties")
        if isinstance(pats, dict):
            node.pattern_properties = [
                (k, self.load(v, jp.join(ptr, "patternProperties", k), doc))
                for k, v in pats.items()
            ]
        deps_key = ("dependentRequired", "dependentSchemas") if modern else ("dependencies",)
        for key in deps_key:
            deps = src.get(key)
            if not isinstance(deps, dict):
                continue
            for name, value in deps.items():
                if isinstance(value, list):
                    node.dependency_arrays[name] = frozenset(v for v in value if isinstance(v, str))
                else:
                    node.dependency_schemas[name] = self.load(value, jp.join(ptr, key, name), doc)
        node.min_properties = _int(src.get("minProperties"))
        node.max_properties = _int(src.get("maxProperties"))
        if modern and "unevaluatedProperties" in src:
            node.unevaluated = self.load(
                src["unevaluatedProperties"], jp.join(ptr, "unevaluatedProperties"), doc
            )
        return node

    def _array(self, src: Mapping[str, Any], ptr: str, doc: str) -> JNode:
        node = JNode("array", ptr, source=_pick(src, ARRAY_KEYWORDS_2019, "array"), doc=doc)
        items = src.get("items")
        extra_key = "additionalItems"
        prefix = src.get("prefixItems")
        if self.drafts.get(doc) == DRAFT2020 and isinstance(prefix, list):
            node.item_list = [
                self.load(s, jp.join(ptr, "prefixItems", i), doc) for i, s in enumerate(prefix)
            ]
            extra_key = "items"  # 2020-12: `items` after `prefixItems` = additional items
        elif isinstance(items, list):
            node.item_list = [
                self.load(s, jp.join(ptr, "items", i), doc) for i, s in enumerate(items)
            ]
        elif self.drafts.get(doc) == DRAFT2020 and isinstance(items, bool):
            extra_key = "items"  # every item is an "additional" item without prefixItems
        elif "items" in src:
            node.all_items = self.load(items, jp.join(ptr, "items"), doc)
        extra = src.get(extra_key)
        if isinstance(extra, bool):
            node.permits_additional_items = extra
        elif isinstance(extra, dict):
            node.additional_items = self.load(extra, jp.join(ptr, extra_key), doc)
        node.min_items = _int(src.get("minItems"))
        node.max_items = _int(src.get("maxItems"))
        node.unique_items = src.get("uniqueItems") is True
        if self.modern(doc):
            if "unevaluatedItems" in src:
                node.unevaluated = self.load(
                    src["unevaluatedItems"], jp.join(ptr, "unevaluatedItems"), doc
                )
            if "contains" in src:
                # json-sKema gives `contains` its default minContains of 1.
                found = _int(src.get("minContains"))
                node.min_contains = 1 if found is None else found
                node.max_contains = _int(src.get("maxContains"))
        return node

    def resolve_refs(self) -> None:
        while self.pending:
            node = self.pending.pop()
            node.target = self._target(node)

    def _target(self, node: JNode) -> JNode | None:
        base, fragment = urldefrag(node.ref)
        doc: str | None = node.doc
        if base:
            doc = self._document(base, node.doc)
        if doc is None:
            return None
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            found = self._anchor(doc, pointer)
            if found is None:
                return None
            pointer = found
        try:
            data = jp.resolve(self.docs[doc], pointer)
        except KeyError:
            return None
        return self.load(data, pointer, doc)

    def _document(self, uri: str, current: str) -> str | None:
        if uri in self.docs:
            return uri
        for name in self.docs:
            if name and (uri.endswith("/" + name) or name.endswith("/" + uri)):
                return name
        for name, doc in self.docs.items():
            if isinstance(doc, dict) and doc.get("$id") == uri:
                return name
        root_id = self.docs[""].get("$id") if isinstance(self.docs[""], dict) else None
        if current == "" and isinstance(root_id, str) and uri == root_id:
            return ""
        return None

    def _anchor(self, doc: str, anchor: str) -> str | None:
        def walk(value: Any, ptr: str) -> str | None:
            if isinstance(value, dict):
                if value.get("$anchor") == anchor or value.get("$id") == f"#{anchor}":
                    return ptr
                for k, v in value.items():
                    found = walk(v, jp.join(ptr, k))
                    if found is not None:
                        return found
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    found = walk(v, jp.join(ptr, i))
                    if found is not None:
                        return found
            return None

        return walk(self.docs[doc], "")


def _without_common(rest: Mapping[str, Any]) -> list[str]:
    return [k for k in rest if k not in COMMON_KEYWORDS]


def _only_empty_properties(rest: Mapping[str, Any]) -> bool:
    """2019-09+: ``"properties": {}`` alone constrains nothing (json-sKema drops it)."""
    present = [k for k in OBJECT_KEYWORDS_2019 if k in rest]
    return present == ["properties"] and rest["properties"] == {}


def _pick(src: Mapping[str, Any], keys: tuple[str, ...], t: str) -> dict[str, Any]:
    out = {k: src[k] for k in keys if k in src}
    out["type"] = t
    return out


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _num(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def load(data: Any, *, references: Mapping[str, Any] | None = None) -> JNode:
    """The node tree of a JSON Schema; ``references`` maps names/URLs to other documents
    that ``$ref`` may point into."""
    loader = _Loader(data, dict(references or {}))
    root = loader.load(data, "", "")
    loader.resolve_refs()
    return root


def regex_matches(pattern: str, key: str) -> bool:
    """Java's ``Pattern.matcher(key).find()`` (approximated with Python's ``re``)."""
    try:
        return re.search(pattern, key) is not None
    except re.error:
        return False
