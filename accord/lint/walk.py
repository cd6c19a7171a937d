"""Traversal adapters, written once: schemas and the manifest -> the elements rules examine.

Each ``*_elements`` function walks one document and returns its elements grouped by kind,
building only the kinds some selected rule examines (``wanted``), so a run pays for what it
checks. Pointers stay lazy (``(parent, token)`` pairs, spelt out for findings only), payload
fields are worked out when a rule asks for them, and positions are looked up only for
findings, through the schema's lazy source map.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from accord.contracts import Contracts, Schema, SchemaFormat
from accord.contracts import avro as avro_model
from accord.contracts import pointer as jp
from accord.contracts.avro import PRIMITIVES
from accord.lint.elements import (
    AvroEnum,
    AvroField,
    AvroRecord,
    AvroUnionField,
    Context,
    Document,
    Element,
    EventElement,
    JsonDefinition,
    JsonEnum,
    JsonObject,
    JsonProperty,
    JsonRoot,
    Payload,
    PayloadField,
    PayloadFields,
    ServiceElement,
    Suppression,
    TopicElement,
)

AVRO_SUPPRESS = "accord.lint.ignore"
JSON_SUPPRESS = "x-accord-lint-ignore"

Grouped = dict[type[Element], list[Element]]

# Keywords whose value is one subschema / a map of subschemas / a list of subschemas.
_ONE = frozenset(
    [
        "items",
        "additionalItems",
        "additionalProperties",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contains",
        "propertyNames",
        "not",
        "if",
        "then",
        "else",
    ]
)
_MAP = frozenset(["patternProperties", "dependentSchemas"])
_LIST = frozenset(["allOf", "anyOf", "oneOf", "prefixItems"])
_DEFS = frozenset(["$defs", "definitions"])
_NESTED = _ONE | _MAP | _LIST | _DEFS
# Keywords that make a subschema more than a leaf for the walk.
_BRANCHING = _NESTED | {"enum", "properties"}


def _add(out: Grouped, element: Element) -> None:
    out.setdefault(type(element), []).append(element)


# --- Avro ---------------------------------------------------------------------------------


class _AvroWalk:
    def __init__(self, doc: Document, ctx: Context, wanted: Collection[type]):
        self.doc, self.ctx = doc, ctx
        self.records = AvroRecord in wanted
        self.unions = AvroUnionField in wanted
        # Union fields are made (as AvroUnionFields) when either kind is wanted.
        self.fields = AvroField in wanted or self.unions
        self.enums = AvroEnum in wanted
        self.suppress = doc.schema is not None and AVRO_SUPPRESS in doc.schema.text
        self.out: Grouped = {}
        self.named: dict[str, str] = {}  # full name -> record/enum/fixed (for payload types)
        self.suppressions: list[Suppression] = []

    def node(self, node: Any, ptr: jp.Lazy, ns: str | None, top: bool = False) -> None:
        if isinstance(node, list):
            for i, branch in enumerate(node):
                if isinstance(branch, (dict, list)):  # a name holds nothing to walk
                    self.node(branch, (ptr, i), ns)
            return
        if not isinstance(node, dict):
            return
        if self.suppress and AVRO_SUPPRESS in node:
            self.suppress_at(node, ptr)
        t = node.get("type")
        if t == "record" or t == "error":
            self.record(node, ptr, ns, top)
        elif t == "enum":
            full = _fullname(node, ns)
            self.named[full] = "enum"
            if self.enums:
                _add(self.out, AvroEnum(self.doc, self.ctx, ptr, node, full, top))
        elif t == "fixed":
            self.named[_fullname(node, ns)] = "fixed"
        elif t == "array":
            self.node(node.get("items"), (ptr, "items"), ns)
        elif t == "map":
            self.node(node.get("values"), (ptr, "values"), ns)
        elif isinstance(t, (dict, list)):
            self.node(t, (ptr, "type"), ns, top)

    def definitions(self, defined: list[Any], top_node: Any) -> None:
        """Walk the named types validation found (see ``Schema.avro_definitions``): the same
        elements as :meth:`node` from the root, without descending through every type again."""
        for node, ptr, full in defined:
            t = node["type"]
            if t == "record" or t == "error":
                self.record(node, ptr, None, node is top_node, full)
            elif t == "enum":
                self.named[full] = "enum"
                if self.enums:
                    _add(self.out, AvroEnum(self.doc, self.ctx, ptr, node, full, node is top_node))
            else:
                self.named[full] = "fixed"

    def record(
        self,
        node: dict[str, Any],
        ptr: jp.Lazy,
        ns: str | None,
        top: bool,
        full: str | None = None,  # known: the nested types are walked apart (definitions())
    ) -> None:
        descend = full is None
        if full is None:
            full = _fullname(node, ns)
        self.named[full] = "record"
        doc, ctx = self.doc, self.ctx
        record = AvroRecord(doc, ctx, ptr, node, full, top)
        if self.records:
            _add(self.out, record)
        inner = full.rpartition(".")[0] or None
        fields = self.out.setdefault(AvroField, []) if self.fields else None
        unions = self.out.setdefault(AvroUnionField, []) if self.unions else None
        suppress = self.suppress
        base = (ptr, "fields")
        if not descend:
            if fields is not None:  # a validated record: every field a dict, named by a str
                append = fields.append
                for i, fnode in enumerate(node["fields"]):
                    ftype = fnode["type"]
                    if type(ftype) is list:
                        union = AvroUnionField(
                            doc, ctx, (base, i), fnode, record, fnode["name"], ftype
                        )
                        append(union)
                        if unions is not None:
                            unions.append(union)
                    else:
                        append(AvroField(doc, ctx, (base, i), fnode, record, fnode["name"], ftype))
            return
        for i, fnode in enumerate(node.get("fields") or ()):
            fptr = (base, i)
            ftype = fnode.get("type")
            if fields is not None:
                name = fnode.get("name", "")
                if type(name) is not str:
                    name = str(name)
                if type(ftype) is list:
                    union = AvroUnionField(doc, ctx, fptr, fnode, record, name, ftype)
                    fields.append(union)
                    if unions is not None:
                        unions.append(union)
                else:
                    fields.append(AvroField(doc, ctx, fptr, fnode, record, name, ftype))
            if suppress:
                if AVRO_SUPPRESS in fnode:
                    self.suppress_at(fnode, fptr)
            elif type(ftype) is dict:
                inner_type = ftype.get("type")
                if type(inner_type) is str and inner_type in PRIMITIVES:
                    continue  # {"type": "long", "logicalType": ...} holds nothing to walk
            if type(ftype) is dict or type(ftype) is list:  # primitives hold nothing
                self.node(ftype, (fptr, "type"), inner)

    def suppress_at(self, node: dict[str, Any], ptr: jp.Lazy) -> None:
        found = suppressions(self.doc, self.ctx, node[AVRO_SUPPRESS], jp.materialize(ptr))
        self.suppressions.extend(found)


def _fullname(node: dict[str, Any], ns: str | None) -> str:
    name = str(node.get("name", ""))
    own = node.get("namespace", ns)
    return avro_model.fullname(name, own if isinstance(own, str) and own else None)


def _avro_kind(t: Any, named: dict[str, str], ns: str | None) -> tuple[str, str | None]:
    """(type name, logicalType) of one non-union Avro type."""
    if isinstance(t, str):
        if t in avro_model.PRIMITIVES:
            return t, None
        full = t if "." in t else avro_model.fullname(t, ns)
        return named.get(full, named.get(t, "named")), None
    if isinstance(t, dict):
        inner = t.get("type")
        if isinstance(inner, (dict, list)):
            return _avro_kind(inner, named, ns)
        logical = t.get("logicalType")
        return str(inner), logical if isinstance(logical, str) else None
    return "unknown", None


def avro_payload_fields(
    record: dict[str, Any], named: dict[str, str], ns: str | None
) -> PayloadFields:
    """The top-level fields of an Avro record; ``named``: the document's named types."""

    def make(name: str, entry: tuple[int, dict[str, Any]]) -> PayloadField:
        i, f = entry
        t = f.get("type")
        if isinstance(t, list):
            kinds = [_avro_kind(b, named, ns) for b in t]
            types = frozenset(k for k, _ in kinds)
            logicals = [lg for k, lg in kinds if k != "null"]
            logical = logicals[0] if len(logicals) == 1 else None
        else:  # one type: the same, without the lists
            kind, logical = _avro_kind(t, named, ns)
            types = frozenset((kind,))
            if kind == "null":
                logical = None
        return PayloadField(name, f"/fields/{i}", types, logical, "null" not in types)

    raw = {str(f.get("name")): (i, f) for i, f in enumerate(record.get("fields") or ())}
    return PayloadFields(raw, make)


def avro_elements(
    schema: Schema, ctx: Context, event: str | None, wanted: Collection[type]
) -> tuple[Grouped, Payload | None, list[Suppression]]:
    doc = Document(schema.file, schema=schema, event=event)
    walk = _AvroWalk(doc, ctx, wanted)
    data = schema.data
    if walk.suppress:  # suppressions may sit on any node: visit them all
        walk.node(data, "", None, top=True)
    else:
        top = data
        while type(top) is dict and type(top.get("type")) is dict:  # {"type": {...}} wraps
            top = top["type"]
        walk.definitions(schema.avro_definitions, top)
    payload = None
    if isinstance(data, dict) and data.get("type") in ("record", "error"):
        ns = avro_model.top_level_name(data).rpartition(".")[0] or None
        fields: Mapping[str, PayloadField] = (
            avro_payload_fields(data, walk.named, ns) if Payload in wanted else {}
        )
        payload = Payload(doc, ctx, "/fields", schema, fields)
    return walk.out, payload, walk.suppressions


# --- JSON Schema --------------------------------------------------------------------------


def _esc(token: str) -> str:
    return token if "~" not in token and "/" not in token else jp.escape(token)


def _is_object(node: dict[str, Any]) -> bool:
    t = node.get("type")
    return t == "object" or (isinstance(t, list) and "object" in t) or "properties" in node


class _JsonWalk:
    def __init__(self, doc: Document, ctx: Context, wanted: Collection[type]):
        self.doc, self.ctx = doc, ctx
        self.objects = JsonObject in wanted
        self.properties = JsonProperty in wanted
        self.enums = JsonEnum in wanted
        self.definitions = JsonDefinition in wanted
        self.suppress = doc.schema is not None and JSON_SUPPRESS in doc.schema.text
        self.out: Grouped = {}
        self.suppressions: list[Suppression] = []

    def node(self, node: Any, ptr: jp.Lazy, root: bool = False) -> None:
        if not isinstance(node, dict):
            return
        if self.suppress and JSON_SUPPRESS in node:
            scope = jp.materialize(ptr)
            self.suppressions.extend(suppressions(self.doc, self.ctx, node[JSON_SUPPRESS], scope))
        if "enum" in node and self.enums:
            _add(self.out, JsonEnum(self.doc, self.ctx, ptr, node))
        t = node.get("type")  # _is_object(), inline: this runs for every subschema
        if t == "object" or "properties" in node or (type(t) is list and "object" in t):
            self.object(node, ptr, root)
        if not _NESTED.isdisjoint(node):  # most subschemas nest nothing: no list is built
            # (keys() & _NESTED would build a set from the 20 keywords every time)
            keys = [key for key in node if key in _NESTED]
            if len(keys) > 1:
                keys.sort()
            for key in keys:
                sub = node[key]
                if type(sub) is dict or type(sub) is list:  # false/true hold nothing to walk
                    self.nested(key, sub, ptr)

    def object(self, node: dict[str, Any], ptr: jp.Lazy, root: bool) -> None:
        doc, ctx = self.doc, self.ctx
        owner = JsonObject(doc, ctx, ptr, node, root)
        if self.objects:
            _add(self.out, owner)
        props = node.get("properties")
        if not isinstance(props, dict):
            return
        required = node.get("required")
        names = set(required) if isinstance(required, list) else ()
        out = self.out.setdefault(JsonProperty, []) if self.properties else None
        base = (ptr, "properties")
        suppress = self.suppress
        for name, sub in props.items():
            pptr = (base, name)
            if out is not None:
                out.append(JsonProperty(doc, ctx, pptr, sub, name, owner, name in names))
            if isinstance(sub, dict):
                t = sub.get("type")
                # Most properties are leaves ({"type": "string", ...}): node() would find
                # nothing in them, so it is called only when it may.
                if (
                    suppress
                    or not _BRANCHING.isdisjoint(sub)
                    or t == "object"
                    or (type(t) is list and "object" in t)
                ):
                    self.node(sub, pptr)

    def nested(self, key: str, sub: Any, ptr: jp.Lazy) -> None:
        kptr = (ptr, key)
        if key in _ONE:
            if isinstance(sub, list):  # draft 7 tuple form of items
                for i, item in enumerate(sub):
                    self.node(item, (kptr, i))
            else:
                self.node(sub, kptr)
        elif key in _LIST:
            if isinstance(sub, list):
                for i, item in enumerate(sub):
                    self.node(item, (kptr, i))
        elif isinstance(sub, dict):
            for name, item in sub.items():
                iptr = (kptr, name)
                if key in _DEFS and self.definitions:
                    _add(self.out, JsonDefinition(self.doc, self.ctx, iptr, item, name))
                self.node(item, iptr)


def _json_types(node: Any) -> frozenset[str]:
    if not isinstance(node, dict):
        return frozenset()
    t = node.get("type")
    if isinstance(t, str):
        return frozenset([t])
    if isinstance(t, list):
        return frozenset(x for x in t if isinstance(x, str))
    values = node["enum"] if isinstance(node.get("enum"), list) else None
    if values is None and "const" in node:
        values = [node["const"]]
    if values is not None:
        names = {str: "string", bool: "boolean", int: "integer", float: "number"}
        return frozenset(names.get(type(v), "null" if v is None else "object") for v in values)
    return frozenset()


def json_payload_fields(data: dict[str, Any]) -> Mapping[str, PayloadField]:
    """The top-level properties of a JSON Schema document (empty without ``properties``)."""
    from accord.contracts.jsonschema import property_schema

    props = data.get("properties")
    if not isinstance(props, dict):
        return {}
    required = data.get("required")
    names = set(required) if isinstance(required, list) else set()

    def make(name: str, node: Any) -> PayloadField:
        sub = property_schema(data, name)
        types = _json_types(sub)
        fmt = sub.get("format") if isinstance(sub, dict) else None
        return PayloadField(
            name,
            f"/properties/{_esc(name)}",
            types,
            fmt if isinstance(fmt, str) else None,
            name in names and "null" not in types,
        )

    return PayloadFields(props, make)


def json_elements(
    schema: Schema, ctx: Context, event: str | None, wanted: Collection[type]
) -> tuple[Grouped, Payload | None, list[Suppression]]:
    doc = Document(schema.file, schema=schema, event=event)
    walk = _JsonWalk(doc, ctx, wanted)
    data = schema.data
    if isinstance(data, dict) and JsonRoot in wanted:
        _add(walk.out, JsonRoot(doc, ctx, "", data))
    walk.node(data, "", root=True)
    payload = None
    if isinstance(data, dict) and _is_object(data):
        fields = json_payload_fields(data) if Payload in wanted else {}
        payload = Payload(doc, ctx, "/properties", schema, fields)
    return walk.out, payload, walk.suppressions


def schema_elements(
    schema: Schema, ctx: Context, event: str | None, wanted: Collection[type]
) -> tuple[Grouped, Payload | None, list[Suppression]]:
    """Every element of one schema document, its payload view and its suppressions."""
    if schema.format is SchemaFormat.AVRO:
        return avro_elements(schema, ctx, event, wanted)
    return json_elements(schema, ctx, event, wanted)


# --- manifest -----------------------------------------------------------------------------


def manifest_elements(
    contracts: Contracts, ctx: Context, payloads: dict[str, Payload], wanted: Collection[type]
) -> Grouped:
    """Events (with their payloads), services and topics of the manifest."""
    doc = Document(contracts.manifest_file, contracts=contracts)
    out: Grouped = {}
    events: dict[str, EventElement] = {}
    for name in sorted(contracts.events):
        event = contracts.events[name]
        payload = payloads.get(name) or Payload(
            Document(event.schema.file, schema=event.schema, event=name), ctx, "", event.schema
        )
        element = EventElement(doc, ctx, jp.join("/events", name), event, payload)
        events[name] = element
        if EventElement in wanted:
            _add(out, element)
    if ServiceElement in wanted:
        for name in sorted(contracts.services):
            service = contracts.services[name]
            _add(out, ServiceElement(doc, ctx, jp.join("/services", name), service))
    if TopicElement in wanted:
        for topic in contracts.topics:
            # In manifest order: "the first event" of a topic is the first one declared.
            on_topic = [events[n] for n, e in contracts.events.items() if e.topic == topic]
            pointer = jp.join(on_topic[0].pointer, "topic")
            _add(out, TopicElement(doc, ctx, pointer, topic, on_topic))
    return out


# --- suppressions -------------------------------------------------------------------------


def suppressions(doc: Document, ctx: Context, block: Any, scope: str) -> list[Suppression]:
    """The entries of one suppression block (``{RULE_ID: reason}``) on the node at ``scope``."""
    avro = doc.schema is None or doc.schema.format is SchemaFormat.AVRO
    key = AVRO_SUPPRESS if avro else JSON_SUPPRESS
    ptr = jp.join(scope, key)
    if not isinstance(block, dict) or not block:
        problem = f"`{key}` must be a non-empty object mapping rule IDs to reasons"
        return [Suppression(doc, ctx, ptr, scope, None, None, problem)]
    return [
        Suppression(doc, ctx, jp.join(ptr, rule_id), scope, rule_id, reason)
        for rule_id, reason in block.items()
    ]
