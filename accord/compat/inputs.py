"""What a schema argument of the public API may be, and how it becomes a checked
:class:`~accord.contracts.model.Schema`.

Accepted: a :class:`~accord.contracts.model.Schema`; a :class:`pathlib.Path` to a schema file
(``*.avsc`` Avro, ``*.json`` JSON Schema unless its content is plainly Avro); JSON text; a bare
Avro type name as text (``int``, ``com.acme.User``); or parsed JSON (a dict, a list for an Avro
union, a string for an Avro primitive or named type, a bool for a JSON Schema). Bad input
raises :class:`~accord.errors.SchemaError` carrying located diagnostics, never a traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from accord.contracts import avro as avro_contract
from accord.contracts.loader import display_path, parse_json
from accord.contracts.model import Schema, SchemaFormat
from accord.diagnostics import Diagnostic, Location, Severity
from accord.errors import SchemaError

SchemaInput = Schema | Path | str | bytes | dict[str, Any] | list[Any] | bool

_AVRO_ONLY_TYPES = frozenset(
    ["record", "error", "enum", "fixed", "map", "int", "long", "float", "double", "bytes"]
)
_JSON_ONLY_TYPES = frozenset(["object", "integer", "number"])
_AVRO_KEYS = frozenset(
    ["fields", "symbols", "values", "namespace", "logicalType", "aliases", "doc"]
)
_JSON_KEYS = frozenset(
    [
        "$schema",
        "$id",
        "id",
        "$ref",
        "$defs",
        "definitions",
        "properties",
        "patternProperties",
        "additionalProperties",
        "required",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "const",
        "enum",
        "additionalItems",
        "prefixItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "title",
        "description",
    ]
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def detect(data: Any) -> SchemaFormat | None:
    """The format ``data`` plainly is, or None when it reads as both (``{"type": "string"}``)."""
    if isinstance(data, (list, str)):
        return SchemaFormat.AVRO
    if isinstance(data, bool):
        return SchemaFormat.JSON
    if not isinstance(data, dict):
        return None
    t = data.get("type")
    types = t if isinstance(t, list) else [t]
    if isinstance(t, list) and all(isinstance(x, str) for x in t):
        return SchemaFormat.JSON  # a JSON Schema type list (an Avro union is never a value)
    if isinstance(t, dict):
        return SchemaFormat.AVRO
    if any(x in _AVRO_ONLY_TYPES for x in types) or _AVRO_KEYS & data.keys():
        return SchemaFormat.AVRO
    if any(x in _JSON_ONLY_TYPES for x in types) or _JSON_KEYS & data.keys():
        return SchemaFormat.JSON
    if isinstance(t, str) and "name" in data:
        return SchemaFormat.AVRO  # {"type": "com.acme.Ref", "name": ...}
    if "type" not in data:
        return SchemaFormat.JSON  # {} and other type-less schemas
    return None


def _problem(message: str, label: str, fix: str | None = None) -> SchemaError:
    diag = Diagnostic("schema-invalid", Severity.ERROR, message, Location(file=label), fix=fix)
    return SchemaError(f"{label}: {message}", problems=[diag])


@dataclass(frozen=True, slots=True)
class Loaded:
    """One argument read and parsed (not validated): its data, text and content key."""

    data: Any
    text: str | None
    shown: str
    path: Path | None
    key: str  # identity of the content (the text itself, or canonical JSON)
    detected: SchemaFormat | None
    given: SchemaFormat | None = None  # the format a Schema argument carries
    source: Schema | None = None  # the Schema argument itself (already validated)


_TEXTS: dict[str, Loaded] = {}
_TEXTS_LIMIT = 4096


def load(value: SchemaInput, label: str) -> Loaded:
    """Read one argument; JSON text is parsed once per distinct text (memoised)."""
    if type(value) is str:
        hit = _TEXTS.get(value)
        if hit is not None:
            return hit
        loaded = _load_text(value, label)
        if len(_TEXTS) >= _TEXTS_LIMIT:
            _TEXTS.clear()
        _TEXTS[value] = loaded
        return loaded
    if isinstance(value, Schema):
        key = "s:" + _canonical(value.data)
        detected = detect(value.data)
        return Loaded(
            value.data,
            value.text,
            value.file or label,
            value.path,
            key,
            detected,
            value.format,
            value,
        )
    if isinstance(value, Path):
        return _load_path(value)
    if isinstance(value, bytes):
        try:
            return load(value.decode("utf-8"), label)
        except UnicodeDecodeError as exc:
            raise _problem(f"schema is not UTF-8 text ({exc.reason})", label) from None
    if isinstance(value, (dict, list, bool)):
        return Loaded(value, None, label, None, "d:" + _canonical(value), detect(value))
    raise _problem(
        f"cannot use a {type(value).__name__} as a schema",
        label,
        "pass a Path, JSON text or parsed JSON",
    )


def clear() -> None:
    _TEXTS.clear()


def _canonical(data: Any) -> str:
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def _load_text(text: str, label: str) -> Loaded:
    stripped = text.strip()
    if _NAME.match(stripped) and stripped not in ("true", "false"):
        return Loaded(stripped, json.dumps(stripped), label, None, "t:" + text, SchemaFormat.AVRO)
    try:
        # Duplicate keys: the last wins, as in the Jackson parser Confluent uses.
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        data, problems = parse_json(text, label)  # located errors (or a huge integer)
        if problems:
            raise SchemaError(f"{label}: not a schema (invalid JSON)", problems=problems) from None
    return Loaded(data, text, label, None, "t:" + text, detect(data))


def _load_path(path: Path) -> Loaded:
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _problem(f"schema file {shown} does not exist", shown, "check the path") from None
    except IsADirectoryError:
        raise _problem(f"{shown} is a directory, not a schema file", shown) from None
    except UnicodeDecodeError as exc:
        raise _problem(f"schema file is not UTF-8 text ({exc.reason})", shown) from None
    except OSError as exc:
        raise _problem(f"cannot read schema file: {exc.strerror}", shown) from None
    if not text.strip():
        raise _problem("schema file is empty", shown)
    data, problems = parse_json(text, shown)
    if problems:
        raise SchemaError(f"{shown}: not valid JSON", problems=problems)
    return Loaded(data, text, shown, path.resolve(), "t:" + text, detect(data))


def choose_format(loaded: list[Loaded], forced: SchemaFormat | None) -> SchemaFormat:
    """One format for a whole check: forced, else a Schema argument's, else what any schema
    plainly is (the new one, last, decides), else by file suffix, else Avro when every schema
    is valid Avro (the two read such schemas alike), else JSON Schema (``{"type": "array"}``
    is no Avro)."""
    if forced is not None:
        return forced
    given = loaded[-1].given
    if given is not None:
        return given
    for item in reversed(loaded):
        if item.detected is not None:
            return item.detected
    for item in loaded:
        if item.path is not None and item.path.suffix.lower() == ".json":
            return SchemaFormat.JSON
    if all(not avro_contract.validate(item.data, lenient=True) for item in loaded):
        return SchemaFormat.AVRO
    return SchemaFormat.JSON


def read_file(path: Path, *, schema_type: SchemaFormat | None = None) -> Schema:
    """One schema file as a checked :class:`Schema` (text kept for ``file:line`` locations).

    The format is ``schema_type`` if given, else what the content plainly is, else the
    suffix (``.json`` JSON Schema, anything else Avro). Validation is Avro Java's /
    Confluent's (see :mod:`accord.compat.engine`); problems raise :class:`SchemaError`.
    """
    from accord.compat.engine import prepare_file

    loaded = _load_path(path)
    fmt = schema_type or loaded.detected or SchemaFormat.for_path(path) or SchemaFormat.AVRO
    return prepare_file(loaded.data, fmt, text=loaded.text or "", file=loaded.shown)
