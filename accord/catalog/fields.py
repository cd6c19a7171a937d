"""Flatten a schema into rows a person can read: one per field, with type, default and doc."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from accord.contracts import avro
from accord.contracts import pointer as jp
from accord.contracts.model import Schema, SchemaFormat


@dataclass(frozen=True)
class FieldRow:
    path: str  # dotted path, e.g. "lines[].sku"
    type: str
    required: bool
    default: str  # "" when none
    doc: str


def rows(schema: Schema) -> list[FieldRow]:
    if schema.format is SchemaFormat.AVRO:
        out: list[FieldRow] = []
        _avro_record(schema.data, "", None, out, set())
        return out
    out = []
    _json_object(schema.data, schema.data, "", out, 0)
    return out


def _avro_type(node: Any, namespace: str | None) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return " | ".join(_avro_type(b, namespace) for b in node)
    if not isinstance(node, dict):
        return json.dumps(node)
    t = node.get("type")
    if isinstance(t, (dict, list)):
        return _avro_type(t, namespace)
    logical = node.get("logicalType")
    if t in ("record", "error", "enum", "fixed"):
        name = str(node.get("name", "?"))
        if t == "enum":
            return f"enum {name} {{{', '.join(node.get('symbols', []))}}}"
        if t == "fixed":
            base = f"fixed {name}[{node.get('size')}]"
            return f"{base} ({logical})" if logical else base
        return f"record {name}"
    if t == "array":
        return f"array<{_avro_type(node.get('items'), namespace)}>"
    if t == "map":
        return f"map<{_avro_type(node.get('values'), namespace)}>"
    if logical == "decimal":
        return f"decimal({node.get('precision')},{node.get('scale', 0)})"
    return f"{t} ({logical})" if logical else str(t)


def _nested_records(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [r for b in node for r in _nested_records(b)]
    if not isinstance(node, dict):
        return []
    t = node.get("type")
    if isinstance(t, (dict, list)):
        return _nested_records(t)
    if t in ("record", "error"):
        return [node]
    if t == "array":
        return _nested_records(node.get("items"))
    if t == "map":
        return _nested_records(node.get("values"))
    return []


def _avro_record(
    node: Any, prefix: str, namespace: str | None, out: list[FieldRow], seen: set[int]
) -> None:
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen.add(id(node))
    for f in node.get("fields", []):
        if not isinstance(f, dict):
            continue
        ftype = f.get("type")
        path = f"{prefix}{f.get('name')}"
        nullable = isinstance(ftype, list) and "null" in ftype
        out.append(
            FieldRow(
                path=path,
                type=_avro_type(ftype, namespace),
                required="default" not in f and not nullable,
                default=json.dumps(f["default"]) if "default" in f else "",
                doc=str(f.get("doc", "")),
            )
        )
        for nested in _nested_records(ftype):
            marker = "[]" if _is_array(ftype) else ""
            _avro_record(nested, f"{path}{marker}.", namespace, out, seen)


def _is_array(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "array"


def _deref(root: Any, node: Any) -> Any:
    if (
        isinstance(node, dict)
        and isinstance(node.get("$ref"), str)
        and node["$ref"].startswith("#")
    ):
        try:
            target = jp.resolve(root, node["$ref"][1:])
        except KeyError:
            return node
        merged = dict(target) if isinstance(target, dict) else {}
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        return merged
    return node


def _json_type(root: Any, node: Any) -> str:
    node = _deref(root, node)
    if not isinstance(node, dict):
        return json.dumps(node)
    if "enum" in node:
        return "enum {" + ", ".join(str(v) for v in node["enum"]) + "}"
    for combinator in ("oneOf", "anyOf"):
        if combinator in node:
            return " | ".join(_json_type(root, b) for b in node[combinator])
    t = node.get("type", "any")
    text = " | ".join(t) if isinstance(t, list) else str(t)
    if t == "array" or (isinstance(t, list) and "array" in t):
        text = text.replace("array", f"array<{_json_type(root, node.get('items', {}))}>")
    if "format" in node:
        text += f" ({node['format']})"
    return text


def _json_object(root: Any, node: Any, prefix: str, out: list[FieldRow], depth: int) -> None:
    node = _deref(root, node)
    if not isinstance(node, dict) or depth > 8:
        return
    required = set(node.get("required", []))
    for name, prop in (node.get("properties") or {}).items():
        resolved = _deref(root, prop)
        path = f"{prefix}{name}"
        out.append(
            FieldRow(
                path=path,
                type=_json_type(root, prop),
                required=name in required,
                default=json.dumps(resolved["default"])
                if isinstance(resolved, dict) and "default" in resolved
                else "",
                doc=str(resolved.get("description", "")) if isinstance(resolved, dict) else "",
            )
        )
        if isinstance(resolved, dict):
            if resolved.get("type") == "object":
                _json_object(root, resolved, f"{path}.", out, depth + 1)
            elif resolved.get("type") == "array":
                _json_object(root, resolved.get("items", {}), f"{path}[].", out, depth + 1)


def named_types(schema: Schema) -> list[str]:
    """Full names of the Avro named types a schema defines (for the catalog's index)."""
    if schema.format is not SchemaFormat.AVRO:
        return []
    return [name for name, _, _ in avro.iter_named(schema.data)]
