"""Hypothesis strategies: Avro writer schemas, readers derived from them by the edits schemas
really go through, data for a schema, and JSON Schema pairs.

The generators stay inside the region where Avro Java's rules (accord's) and fastavro's
decoder agree, so a disagreement is a bug and not a known difference between the two:

- no namespaces (fastavro matches aliases by their unqualified text, Java by full name);
- at most one named type per union and no aliases inside unions (fastavro resolves a reader
  union by the first branch whose *name* matches, Java by any branch that can read);
- no recursion (covered by example-based tests) and no logical types.
"""

from __future__ import annotations

import copy
import os
import random
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PRIMITIVES = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]
FIELD_NAMES = ["a", "b", "c", "d", "e"]
SYMBOLS = ["A", "B", "C", "D"]

# CI: a fixed seed and a modest number of examples; nightly: many more (same properties).
PROFILES = {
    "ci": settings(
        max_examples=150,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    ),
    "nightly": settings(
        max_examples=5000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    ),
}
PROFILE = PROFILES[os.environ.get("ACCORD_HYPOTHESIS_PROFILE", "ci")]


class _Names:
    def __init__(self) -> None:
        self.count = 0

    def next(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"


def _default_for(schema: Any) -> Any:
    """A valid default (the smallest value of the type; a union's first branch)."""
    if isinstance(schema, list):
        return _default_for(schema[0])
    if isinstance(schema, str):
        return {
            "null": None,
            "boolean": False,
            "int": 0,
            "long": 0,
            "float": 0.0,
            "double": 0.0,
            "bytes": "",
            "string": "",
        }[schema]
    t = schema["type"]
    if t == "record":
        return {f["name"]: _default_for(f["type"]) for f in schema["fields"]}
    if t == "enum":
        return schema["symbols"][0]
    if t == "fixed":
        return "\u0000" * schema["size"]
    if t == "array":
        return []
    return {}


@st.composite
def avro_schemas(draw: st.DrawFn, depth: int = 2, names: _Names | None = None) -> Any:
    names = names or _Names()
    kinds = ["primitive", "primitive", "enum", "fixed"]
    if depth > 0:
        kinds += ["record", "record", "array", "map", "union"]
    kind = draw(st.sampled_from(kinds))
    if kind == "primitive":
        return draw(st.sampled_from(PRIMITIVES))
    if kind == "enum":
        symbols = draw(st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=4, unique=True))
        enum: dict[str, Any] = {"type": "enum", "name": names.next("E"), "symbols": symbols}
        if draw(st.booleans()):
            enum["default"] = draw(st.sampled_from(symbols))
        return enum
    if kind == "fixed":
        return {"type": "fixed", "name": names.next("F"), "size": draw(st.integers(1, 4))}
    if kind == "array":
        return {"type": "array", "items": draw(avro_schemas(depth - 1, names))}
    if kind == "map":
        return {"type": "map", "values": draw(avro_schemas(depth - 1, names))}
    if kind == "union":
        branches: list[Any] = draw(
            st.lists(st.sampled_from(PRIMITIVES), min_size=1, max_size=3, unique=True)
        )
        if draw(st.booleans()):
            named = draw(avro_schemas(0, names))
            if isinstance(named, dict):
                branches.append(named)
        return branches
    fields = []
    for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=4, unique=True)):
        ftype = draw(avro_schemas(depth - 1, names))
        field: dict[str, Any] = {"name": name, "type": ftype}
        if draw(st.booleans()):
            field["default"] = _default_for(ftype)
        fields.append(field)
    return {"type": "record", "name": names.next("R"), "fields": fields}


def _nodes(schema: Any, out: list[Any]) -> list[Any]:
    """Every mutable place: (container, key) pairs that hold a schema."""
    if isinstance(schema, dict):
        t = schema.get("type")
        if t == "record":
            for f in schema["fields"]:
                out.append((f, "type"))
                _nodes(f["type"], out)
        elif t == "array":
            out.append((schema, "items"))
            _nodes(schema["items"], out)
        elif t == "map":
            out.append((schema, "values"))
            _nodes(schema["values"], out)
    elif isinstance(schema, list):
        for i, b in enumerate(schema):
            out.append((schema, i))
            _nodes(b, out)
    return out


def _named(schema: Any, out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(schema, dict):
        if schema.get("type") in ("record", "enum", "fixed"):
            out.append(schema)
        for f in schema.get("fields", []):
            _named(f["type"], out)
        for key in ("items", "values"):
            if key in schema:
                _named(schema[key], out)
    elif isinstance(schema, list):
        for b in schema:
            _named(b, out)
    return out


def mutate(schema: Any, rnd: random.Random, names: _Names) -> Any:
    """One edit of the kind schemas go through between versions."""
    schema = copy.deepcopy(schema)
    holder = {"root": schema}
    places = [(holder, "root"), *_nodes(schema, [])]
    records = [n for n in _named(schema, []) if n["type"] == "record"]
    enums = [n for n in _named(schema, []) if n["type"] == "enum"]
    fixeds = [n for n in _named(schema, []) if n["type"] == "fixed"]
    edits = ["retype", "wrap"]
    if records:
        edits += ["add_field", "remove_field", "rename_field", "drop_default", "add_default"]
        edits += ["rename_type"]
    if enums:
        edits += ["symbols", "enum_default"]
    if fixeds:
        edits += ["resize"]
    edit = rnd.choice(edits)
    if edit == "retype":
        container, key = rnd.choice(places)
        if not (isinstance(container, list) and isinstance(container[key], dict)):
            current = container[key]
            choices = [p for p in PRIMITIVES if p != current]
            if isinstance(container, list):
                choices = [p for p in choices if p not in container]
            if choices:
                container[key] = rnd.choice(choices)
    elif edit == "wrap":
        container, key = rnd.choice(places)
        inner = container[key]
        if isinstance(inner, list):
            if len(inner) > 1:
                inner.pop(rnd.randrange(len(inner)))
            else:
                container[key] = inner[0]
        elif not isinstance(container, list):
            extra = rnd.choice([p for p in PRIMITIVES if p != inner] or ["null"])
            container[key] = [extra, inner] if rnd.random() < 0.5 else [inner, extra]
    elif edit == "add_field":
        record = rnd.choice(records)
        taken = {f["name"] for f in record["fields"]}
        free = [n for n in FIELD_NAMES if n not in taken]
        if free:
            ftype = rnd.choice(PRIMITIVES)
            field: dict[str, Any] = {"name": free[0], "type": ftype}
            if rnd.random() < 0.5:
                field["default"] = _default_for(ftype)
            record["fields"].append(field)
    elif edit == "remove_field":
        record = rnd.choice(records)
        if record["fields"]:
            record["fields"].pop(rnd.randrange(len(record["fields"])))
    elif edit == "rename_field":
        record = rnd.choice(records)
        taken = {f["name"] for f in record["fields"]}
        free = [n for n in FIELD_NAMES if n not in taken]
        if record["fields"] and free:
            field = rnd.choice(record["fields"])
            old = field["name"]
            field["name"] = free[0]
            if rnd.random() < 0.7:
                field["aliases"] = [old]
    elif edit in ("drop_default", "add_default"):
        record = rnd.choice(records)
        if record["fields"]:
            field = rnd.choice(record["fields"])
            if edit == "drop_default":
                field.pop("default", None)
            else:
                field["default"] = _default_for(field["type"])
    elif edit == "rename_type":
        record = rnd.choice(records)
        old = record["name"]
        record["name"] = names.next("Renamed")
        if rnd.random() < 0.6:
            record["aliases"] = [old]
    elif edit == "symbols":
        enum = rnd.choice(enums)
        symbols = list(enum["symbols"])
        if rnd.random() < 0.5 and len(symbols) > 1:
            symbols.pop(rnd.randrange(len(symbols)))
        else:
            free = [s for s in SYMBOLS if s not in symbols]
            if free:
                symbols.append(rnd.choice(free))
        enum["symbols"] = symbols
        if enum.get("default") not in symbols:
            enum.pop("default", None)
    elif edit == "enum_default":
        enum = rnd.choice(enums)
        if "default" in enum:
            del enum["default"]
        else:
            enum["default"] = rnd.choice(enum["symbols"])
    elif edit == "resize":
        rnd.choice(fixeds)["size"] = rnd.randint(1, 4)
    return holder["root"]


@st.composite
def avro_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    """(writer, reader): a schema and the same schema after one to three edits."""
    names = _Names()
    writer = draw(avro_schemas(2, names))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    reader = writer
    for _ in range(draw(st.integers(1, 3))):
        reader = mutate(reader, rnd, names)
    return writer, _valid_defaults(reader)


def _valid_defaults(schema: Any) -> Any:
    """Edits may leave a default of the old type behind: give each default its new type."""
    for named in _named(schema, []):
        for f in named.get("fields", []):
            if "default" in f:
                f["default"] = _default_for(f["type"])
    return schema


def _scalar(t: str, rnd: random.Random) -> Any:
    if t == "null":
        return None
    if t == "boolean":
        return rnd.random() < 0.5
    if t == "int":
        return rnd.randint(-(2**31), 2**31 - 1)
    if t == "long":
        return rnd.randint(-(2**63), 2**63 - 1)
    if t in ("float", "double"):
        return rnd.uniform(-1e6, 1e6)
    if t == "bytes":
        # ASCII: fastavro decodes bytes read as string strictly as UTF-8, Java does not.
        return bytes(rnd.choice(b"abc") for _ in range(rnd.randint(0, 4)))
    return "".join(rnd.choice("abcé") for _ in range(rnd.randint(0, 4)))


def datum(schema: Any, rnd: random.Random, depth: int = 0) -> Any:
    """A random value of ``schema`` in fastavro's form (unions in tuple notation)."""
    if isinstance(schema, list):
        branch = rnd.choice(schema)
        tag = branch if isinstance(branch, str) else branch.get("name", branch["type"])
        if isinstance(branch, dict) and branch["type"] in ("array", "map"):
            tag = branch["type"]
        return (tag, datum(branch, rnd, depth + 1))
    if isinstance(schema, str):
        return _scalar(schema, rnd)
    t = schema["type"]
    if t == "record":
        return {f["name"]: datum(f["type"], rnd, depth + 1) for f in schema["fields"]}
    if t == "enum":
        return rnd.choice(schema["symbols"])
    if t == "fixed":
        return bytes(rnd.randrange(256) for _ in range(schema["size"]))
    if t == "array":
        return [datum(schema["items"], rnd, depth + 1) for _ in range(rnd.randint(0, 2))]
    return {f"k{i}": datum(schema["values"], rnd, depth + 1) for i in range(rnd.randint(0, 2))}


# --- JSON Schema ------------------------------------------------------------------------------

_JSON_TYPES = ["string", "integer", "number", "boolean", "null", "object", "array"]


@st.composite
def json_schemas(draw: st.DrawFn, depth: int = 2) -> Any:
    t = draw(st.sampled_from(_JSON_TYPES if depth > 0 else _JSON_TYPES[:5]))
    schema: dict[str, Any] = {"type": t}
    if t == "string":
        if draw(st.booleans()):
            schema["maxLength"] = draw(st.integers(1, 5))
        if draw(st.booleans()):
            schema["minLength"] = draw(st.integers(0, 2))
        if draw(st.booleans()):
            schema = {
                "enum": draw(
                    st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3, unique=True)
                )
            }
    elif t in ("integer", "number"):
        if draw(st.booleans()):
            schema["minimum"] = draw(st.integers(-3, 3))
        if draw(st.booleans()):
            schema["maximum"] = draw(st.integers(3, 9))
    elif t == "object":
        props = {
            name: draw(json_schemas(depth - 1))
            for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=3, unique=True))
        }
        schema["properties"] = props
        wants_required: bool = draw(st.booleans())
        if props and wants_required:
            schema["required"] = draw(
                st.lists(st.sampled_from(sorted(props)), max_size=2, unique=True)
            )
        choice = draw(st.sampled_from(["open", "closed", "partial"]))
        if choice == "closed":
            schema["additionalProperties"] = False
        elif choice == "partial":
            schema["additionalProperties"] = draw(json_schemas(0))
    elif t == "array":
        schema["items"] = draw(json_schemas(depth - 1))
        if draw(st.booleans()):
            schema["maxItems"] = draw(st.integers(1, 3))
    if depth > 0 and draw(st.integers(0, 5)) == 0:
        schema = {"oneOf": [schema, draw(json_schemas(depth - 1))]}
    return schema


@st.composite
def json_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    """(old, new): independent schemas half of the time, else one edited."""
    old = draw(json_schemas())
    if draw(st.booleans()):
        return old, draw(json_schemas())
    new = copy.deepcopy(old)
    target = new.get("oneOf", [new])[0] if "oneOf" in new else new
    edit = draw(st.sampled_from(["bound", "required", "close", "open", "type", "prop"]))
    if edit == "bound" and target.get("type") in ("string", "integer", "number", "array"):
        key = {"string": "maxLength", "array": "maxItems"}.get(target["type"], "maximum")
        target[key] = draw(st.integers(0, 4))
    elif edit == "required" and target.get("properties"):
        target["required"] = sorted(target["properties"])
    elif edit == "close" and target.get("type") == "object":
        target["additionalProperties"] = False
    elif edit == "open" and target.get("type") == "object":
        target.pop("additionalProperties", None)
    elif edit == "type":
        target["type"] = draw(st.sampled_from(_JSON_TYPES[:5]))
    elif edit == "prop" and target.get("type") == "object":
        target.setdefault("properties", {})["zz"] = draw(json_schemas(0))
    return old, new
