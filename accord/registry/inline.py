"""Avro schema references made self-contained.

A schema registered with references names types that other subjects define
(``"type": "com.acme.Address"``). Validation and the compatibility engine need one
self-contained document, so :func:`inline_avro` writes each referenced type's definition at
its first use, exactly where an Avro parser would have met it, and leaves later uses as
names. Each definition carries its own namespace explicitly, so moving it under another
namespace does not rename it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from accord.contracts import avro


def named_definitions(documents: Iterable[Any]) -> dict[str, Any]:
    """Full name -> definition node (with an explicit namespace) for every named type defined
    in ``documents``; the first definition of a name wins, as in a parser's symbol table."""
    found: dict[str, Any] = {}
    for document in documents:
        for full, node, _pointer in avro.iter_named(document):
            if full not in found:
                namespace, simple = avro.split_fullname(full)
                found[full] = {**node, "name": simple, "namespace": namespace or ""}
    return found


def inline_avro(data: Any, named: Mapping[str, Any]) -> Any:
    """A copy of ``data`` where each type of ``named`` is defined at its first use."""
    if not named:
        return data
    return _Inliner(named).walk(data, None)


class _Inliner:
    def __init__(self, named: Mapping[str, Any]) -> None:
        self.named = named
        self.defined: set[str] = set()

    def walk(self, node: Any, space: str | None) -> Any:
        if isinstance(node, str):
            return self.reference(node, space)
        if isinstance(node, list):
            return [self.walk(branch, space) for branch in node]
        if not isinstance(node, dict):
            return node
        kind = node.get("type")
        out = dict(node)
        if isinstance(kind, (dict, list)):
            out["type"] = self.walk(kind, space)
            return out
        if kind in avro.NAMED and isinstance(node.get("name"), str):
            full = _fullname(node, space)
            self.defined.add(full)
            space = avro.split_fullname(full)[0]
        if kind in ("record", "error") and isinstance(node.get("fields"), list):
            out["fields"] = [self.field(f, space) for f in node["fields"]]
        elif kind == "array" and "items" in node:
            out["items"] = self.walk(node["items"], space)
        elif kind == "map" and "values" in node:
            out["values"] = self.walk(node["values"], space)
        elif isinstance(kind, str) and kind not in avro.PRIMITIVES | avro.COMPLEX:
            out["type"] = self.reference(kind, space)
        return out

    def field(self, node: Any, space: str | None) -> Any:
        if not isinstance(node, dict) or "type" not in node:
            return node
        return {**node, "type": self.walk(node["type"], space)}

    def reference(self, name: str, space: str | None) -> Any:
        if name in avro.PRIMITIVES:
            return name
        candidates = [avro.fullname(name, space), name] if "." not in name else [name]
        for full in candidates:
            if full in self.defined:
                return name
        for full in candidates:
            if full in self.named:
                self.defined.add(full)
                definition = self.named[full]
                return self.walk(definition, definition.get("namespace") or None)
        return name


def _fullname(node: Mapping[str, Any], space: str | None) -> str:
    name = str(node["name"])
    namespace = node.get("namespace", space)
    if "." in name:
        return name
    return avro.fullname(name, namespace if isinstance(namespace, str) and namespace else None)
