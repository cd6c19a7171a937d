"""JSON Schema documents: draft detection, metaschema validation with pointers, canonical form.

Drafts 7, 2019-09 and 2020-12 are supported. A schema without ``$schema`` is read as draft 7,
as Confluent Schema Registry does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

import jsonschema
from jsonschema.protocols import Validator

from accord.contracts import pointer as jp
from accord.contracts.metaschema import flattened

DRAFTS: dict[str, type[Validator]] = {
    "http://json-schema.org/draft-07/schema": jsonschema.Draft7Validator,
    "https://json-schema.org/draft/2019-09/schema": jsonschema.Draft201909Validator,
    "https://json-schema.org/draft/2020-12/schema": jsonschema.Draft202012Validator,
}
DRAFT_NAMES: dict[type[Validator], str] = {
    jsonschema.Draft7Validator: "draft-07",
    jsonschema.Draft201909Validator: "2019-09",
    jsonschema.Draft202012Validator: "2020-12",
}
DEFAULT_DRAFT: type[Validator] = jsonschema.Draft7Validator


@dataclass(frozen=True)
class Problem:
    pointer: str
    message: str
    fix: str | None = None
    code: str = "jsonschema-invalid"


def validator_class(data: Any) -> type[Validator] | None:
    """The validator for the schema's ``$schema`` (draft 7 when absent); None if unsupported."""
    if not isinstance(data, dict) or "$schema" not in data:
        return DEFAULT_DRAFT
    uri = data["$schema"]
    if not isinstance(uri, str):
        return None
    key = uri.rstrip("#")
    if key.startswith("https://json-schema.org/draft-07"):
        key = "http://json-schema.org/draft-07/schema"
    return DRAFTS.get(key)


def draft_name(data: Any) -> str:
    cls = validator_class(data)
    return DRAFT_NAMES.get(cls, "unknown") if cls else "unknown"


def validate(data: Any, text: str | None = None) -> list[Problem]:
    """Metaschema violations and unresolvable local ``$ref``s, each with its JSON pointer.

    ``text``: the JSON text ``data`` was parsed from, if at hand (it speeds up the ``$ref``
    check of documents whose references all resolve).
    """
    if not isinstance(data, (dict, bool)):
        return [
            Problem(
                "",
                "a JSON Schema must be an object (or true/false)",
                'start the file with {"$schema": "https://json-schema.org/draft/2020-12/schema"}',
            )
        ]
    cls = validator_class(data)
    if cls is None:
        supported = ", ".join(sorted(DRAFTS))
        return [
            Problem(
                "/$schema",
                f"unsupported $schema {data.get('$schema')!r}",  # type: ignore[union-attr]
                f"use one of: {supported}",
            )
        ]
    problems: list[Problem] = []
    if not _fast_valid(cls, data):
        meta = cls(cls.META_SCHEMA)
        for err in sorted(meta.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
            ptr = jp.from_path(err.absolute_path)
            problems.append(Problem(ptr, f"invalid schema: {_explain(err)}"))
    if not problems and not (text is not None and _refs_resolve(data, text)):
        problems.extend(_check_refs(data))
    return problems


@cache
def _fast_validator(cls: type[Validator]) -> Any:
    import jsonschema_rs

    rs: dict[str, Any] = {
        "draft-07": jsonschema_rs.Draft7Validator,
        "2019-09": jsonschema_rs.Draft201909Validator,
        "2020-12": jsonschema_rs.Draft202012Validator,
    }
    draft = DRAFT_NAMES[cls]
    # One flat document answers as the published graph of vocabularies, three times faster.
    return rs[draft](flattened(draft) or cls.META_SCHEMA)


def _fast_valid(cls: type[Validator], data: Any) -> bool:
    """Whether jsonschema-rs finds ``data`` valid against the draft's metaschema.

    The Python validator walks the 2020-12 metaschema's dynamic references slowly (milliseconds
    per schema); the Rust one answers in microseconds. Valid documents, the common case, stop
    here; anything it rejects (or cannot take) is validated again in Python, whose errors
    carry the paths and wording that users see.
    """
    try:
        return bool(_fast_validator(cls).is_valid(data))
    except Exception:  # an input the Rust side cannot represent: let Python decide
        return False


def _explain(err: jsonschema.ValidationError) -> str:
    keyword = err.absolute_path[-1] if err.absolute_path else None
    where = f"value of {keyword!r}" if isinstance(keyword, str) else "value"
    return f"{where}: {err.message}"


_REF_KEYS = ("$ref", "$dynamicRef")
# Keywords whose values are data, not subschemas: a "$ref" inside them is not a reference.
_DATA_KEYWORDS = frozenset(["enum", "const", "examples", "default"])


# After a "$ref" / "$dynamicRef" key: the rest of a member whose value is a plain string.
_PLAIN_VALUE = re.compile(r'[ \t\n\r]*:[ \t\n\r]*"([^"\\]*)"')
_REF_TOKENS = ('"$ref"', '"$dynamicRef"')


def _local_target(value: str) -> str | None:
    """The pointer a ``$ref`` value names in its own document ("#", "#/..."), else None."""
    if value.startswith("#") and (value[1:2] == "/" or value == "#"):
        return unquote(value[1:])
    return None


def _refs_resolve(root: Any, text: str) -> bool:
    """Whether every reference in ``text`` is a plain string whose local target exists.

    Then :func:`_check_refs` cannot find a broken one, and its walk of every node is skipped.
    Texts where a reference may hide (a ``\\u`` escape could spell a key, a value with
    escapes, a ``"$ref"`` that is not a member with a string value) answer False.
    """
    if "\\" in text and "\\u" in text:  # a lone character is found much faster: first
        return False
    values: set[str] = set()
    for token in _REF_TOKENS:
        at = text.find(token)
        while at != -1:
            member = _PLAIN_VALUE.match(text, at + len(token))
            if member is None:
                return False
            values.add(member.group(1))
            at = text.find(token, member.end())
    for value in values:
        target = _local_target(value)
        if target is not None:
            try:
                jp.resolve(root, target)
            except KeyError:
                return False
    return True


def _check_refs(root: Any) -> list[Problem]:
    problems: list[Problem] = []
    resolved: dict[str, bool] = {}  # target -> resolves (documents repeat the same $ref)

    def resolves(target: str) -> bool:
        if target not in resolved:
            try:
                jp.resolve(root, target)
                resolved[target] = True
            except KeyError:
                resolved[target] = False
        return resolved[target]

    def walk(node: Any, ptr: jp.Lazy) -> None:
        # Pointers stay lazy: only a broken $ref spells its pointer out.
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str):
                    if (
                        key in _REF_KEYS
                        and (target := _local_target(value)) is not None
                        and (not resolves(target))
                    ):
                        problems.append(
                            Problem(
                                jp.materialize((ptr, key)),
                                f"$ref {value!r} points at nothing in this document",
                                "define the target (e.g. under $defs) or fix the pointer",
                            )
                        )
                elif isinstance(value, (dict, list)) and key not in _DATA_KEYWORDS:
                    walk(value, (ptr, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    walk(item, (ptr, i))

    walk(root, "")
    return problems


def canonical_form(data: Any) -> str:
    """Sorted-key compact JSON: equal for documents that differ only in layout or key order."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_name(data: Any) -> str:
    """Confluent's record name of a JSON Schema: its ``title`` ("" when absent)."""
    if isinstance(data, dict) and isinstance(data.get("title"), str):
        return str(data["title"])
    return ""


def property_schema(data: Any, name: str) -> Any:
    """The schema of top-level property ``name`` (following one local ``$ref``), or None."""
    if not isinstance(data, dict):
        return None
    props = data.get("properties")
    if not isinstance(props, dict) or name not in props:
        return None
    node = props[name]
    if (
        isinstance(node, dict)
        and isinstance(node.get("$ref"), str)
        and node["$ref"].startswith("#/")
    ):
        try:
            return jp.resolve(data, node["$ref"][1:])
        except KeyError:
            return node
    return node
