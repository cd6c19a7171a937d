"""The 2019-09 and 2020-12 metaschemas flattened into one document each, for fast validation.

The published metaschemas are a root that ``allOf``-combines one metaschema per vocabulary,
each pointing back at "the metaschema in use" through ``$dynamicRef`` (``$recursiveRef`` in
2019-09). Validating a schema document against that graph costs three times what validating
it against one flat document does (jsonschema-rs: about 20 against 7 microseconds for a
typical event schema). When the validation starts at the root metaschema, the two are the same
test:

- every vocabulary metaschema only declares ``type: ["object", "boolean"]``, ``properties``
  and ``$defs`` (plus annotations), and their property names and definitions do not overlap,
  so the ``allOf`` of them is one schema holding all of the properties;
- a dynamic (recursive) reference resolves to the outermost schema resource in the dynamic
  scope that declares the anchor, which is the root metaschema the validation started from:
  a plain ``$ref: "#"`` to the flattened root.

:func:`flattened` checks those two facts on the documents it reads (from
``jsonschema-specifications``) and returns None if either fails, so a future metaschema that
does not fit is validated as published. ``tests/unit/contracts/test_metaschema.py`` checks
that both answer alike.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema_specifications import REGISTRY

_ROOTS = {
    "2019-09": "https://json-schema.org/draft/2019-09/",
    "2020-12": "https://json-schema.org/draft/2020-12/",
}
# What a vocabulary metaschema may hold besides properties and definitions (annotations).
_ALLOWED = frozenset(
    [
        "$schema",
        "$id",
        "$vocabulary",
        "$dynamicAnchor",
        "$recursiveAnchor",
        "$comment",
        "title",
        "type",
        "properties",
        "$defs",
        "allOf",
    ]
)
_MAPS = frozenset(["properties", "$defs", "patternProperties", "dependentSchemas", "definitions"])
_OBJECT_OR_BOOLEAN = ["object", "boolean"]


class _DoesNotFit(Exception):
    pass


@cache
def flattened(draft: str) -> dict[str, Any] | None:
    """The flattened metaschema of ``draft`` ("2019-09" or "2020-12"); None if it cannot be."""
    base = _ROOTS.get(draft)
    if base is None:
        return None
    try:
        return _flatten(base)
    except (_DoesNotFit, KeyError, TypeError, AttributeError):
        return None


def _flatten(base: str) -> dict[str, Any]:
    root = REGISTRY.contents(base + "schema")
    parts = [REGISTRY.contents(base + ref["$ref"]) for ref in root["allOf"]] + [root]
    merged: dict[str, Any] = {"$schema": root["$schema"], "type": _OBJECT_OR_BOOLEAN}
    properties: dict[str, Any] = {}
    defs: dict[str, Any] = {}
    for part in parts:
        if not isinstance(part, dict) or part.get("type", _OBJECT_OR_BOOLEAN) != _OBJECT_OR_BOOLEAN:
            raise _DoesNotFit
        if not _ALLOWED.issuperset(part) or (part is not root and "allOf" in part):
            raise _DoesNotFit
        for name, sub in part.get("properties", {}).items():
            if name in properties:
                raise _DoesNotFit
            properties[name] = sub
        for name, sub in part.get("$defs", {}).items():
            if name in defs and defs[name] != sub:
                raise _DoesNotFit
            defs[name] = sub
    merged["properties"] = properties
    merged["$defs"] = defs
    flat: dict[str, Any] = _static(merged)
    return flat


def _static(node: Any, is_map: bool = False) -> Any:
    """``node`` with dynamic references made plain references to the flattened root."""
    if isinstance(node, list):
        return [_static(item) for item in node]
    if not isinstance(node, dict):
        return node
    if is_map:  # names -> subschemas: the names are not keywords
        return {name: _static(sub) for name, sub in node.items()}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _MAPS:
            out[key] = _static(value, is_map=True)
        elif key in ("$dynamicAnchor", "$recursiveAnchor"):
            continue
        elif key in ("$dynamicRef", "$recursiveRef"):
            if value not in ("#meta", "#"):
                raise _DoesNotFit
            out["$ref"] = "#"
        elif key == "$ref":
            # "meta/core#/$defs/x" (a vocabulary's definition): now one of the root's.
            target = value.partition("#")[2] if isinstance(value, str) else ""
            if not target.startswith("/$defs/"):
                raise _DoesNotFit
            out["$ref"] = "#" + target
        else:
            out[key] = _static(value)
    return out
