"""Reading ``accord.yaml``: YAML with positions, checked against the manifest's JSON Schema.

The manifest's structure is defined once, in ``manifest.schema.json`` (shipped for editors
too); this module turns each violation into a problem at the right ``line:col`` with a
"did you mean" where a key is misspelt.

YAML is read as ruamel.yaml's round trip reads it (YAML 1.2), whose positions and messages
users see. A manifest of a thousand events takes ruamel half a second, so the usual manifest
takes a fast path: libyaml (PyYAML's C parser) composes the nodes, with their line and
column, and :func:`_fast_scalar` resolves plain scalars by YAML 1.2's rules. Anything that
path is not sure to read exactly as ruamel does (tags, anchors, merge keys, directives,
numbers other than plain decimal integers, duplicate keys, any YAML error) goes to ruamel.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from accord.contracts import pointer as jp
from accord.contracts.positions import nearest
from accord.contracts.suggest import did_you_mean
from accord.diagnostics import Diagnostic, Location, Severity

MANIFEST_NAME = "accord.yaml"


@dataclass(frozen=True)
class RawManifest:
    """The manifest as plain data plus the position of every node."""

    file: str
    data: dict[str, Any]
    positions: dict[str, tuple[int, int]]

    def locate(self, pointer: str) -> Location:
        line, column = nearest(self.positions, pointer)
        return Location(file=self.file, line=line, column=column, pointer=pointer)

    def problem(
        self, pointer: str, message: str, fix: str | None = None, code: str = "manifest"
    ) -> Diagnostic:
        return Diagnostic(code, Severity.ERROR, message, self.locate(pointer), fix=fix)


@cache
def manifest_schema() -> dict[str, Any]:
    """The JSON Schema of ``accord.yaml`` (shipped as ``accord/contracts/manifest.schema.json``)."""
    text = resources.files("accord.contracts").joinpath("manifest.schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def _plain(node: Any, ptr: str, positions: dict[str, tuple[int, int]]) -> Any:
    """ruamel's round-trip nodes -> dicts/lists, recording 1-based (line, col) per pointer."""
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = jp.join(ptr, str(key))
            try:
                line, col = node.lc.key(key)
                positions[child] = (line + 1, col + 1)
            except (KeyError, TypeError):
                positions[child] = positions.get(ptr, (1, 1))
            out[str(key)] = _plain(value, child, positions)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            child = jp.join(ptr, i)
            try:
                line, col = node.lc.item(i)
                positions[child] = (line + 1, col + 1)
            except (KeyError, TypeError, IndexError):
                positions[child] = positions.get(ptr, (1, 1))
            items.append(_plain(value, child, positions))
        return items
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


class _RuamelDecides(Exception):
    """The fast YAML path met something only ruamel reads with certainty."""


# Texts with these take ruamel's path: anchors (ruamel gives anchored booleans as ints; no
# anchor, no alias either), a byte order mark, line breaks YAML 1.1 (libyaml) and YAML 1.2
# (ruamel) disagree on.
_RUAMEL_ONLY = ("&", "\ufeff", "\x85", "\u2028", "\u2029")
_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
# First characters of the plain scalars YAML 1.2 may read as numbers, dates, merge or value.
_MAYBE_SPECIAL = frozenset("-+.0123456789<=")
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _fast_scalar(node: yaml.ScalarNode) -> Any:
    """A scalar as ruamel's YAML 1.2 resolution gives it; _RuamelDecides when unsure."""
    value: str = node.value
    if node.style:  # quoted or block: a string as written (libyaml: "" for plain)
        return value
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if value[0] in _MAYBE_SPECIAL:
        if _DECIMAL.fullmatch(value):
            return int(value)
        raise _RuamelDecides
    return value


class _FastReader:
    """libyaml's nodes -> plain data, recording 1-based (line, col) per pointer as
    :func:`_plain` does for ruamel's."""

    def __init__(self, tags: bool) -> None:
        self.positions: dict[str, tuple[int, int]] = {"": (1, 1)}
        # A text with "!" may hold explicit tags: then each node's tag must be the one the
        # resolver gives implicitly (an explicit tag changes what ruamel builds).
        self.resolve: Callable[..., str] | None = yaml.resolver.Resolver().resolve if tags else None

    def untagged(self, node: yaml.Node) -> None:
        if self.resolve is None:
            return
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style
            implicit = self.resolve(yaml.ScalarNode, node.value, (plain, not plain))
        else:
            implicit = _MAP if isinstance(node, yaml.MappingNode) else _SEQ
        if node.tag != implicit:
            raise _RuamelDecides

    def data(self, node: yaml.Node, ptr: str) -> Any:
        self.untagged(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _RuamelDecides  # a complex key
                self.untagged(key_node)
                key = _fast_scalar(key_node)
                if key in seen:
                    raise _RuamelDecides  # a duplicate key: ruamel words the error
                seen.add(key)
                child = jp.join(ptr, str(key))
                mark = key_node.start_mark
                self.positions[child] = (mark.line + 1, mark.column + 1)
                out[str(key)] = self.data(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                child = jp.join(ptr, i)
                mark = item.start_mark
                self.positions[child] = (mark.line + 1, mark.column + 1)
                items.append(self.data(item, child))
            return items
        if not isinstance(node, yaml.ScalarNode):
            raise _RuamelDecides
        return _fast_scalar(node)


def _read_fast(text: str) -> tuple[Any, dict[str, tuple[int, int]]] | None:
    """(data, positions) read through libyaml, or None when ruamel must read ``text``."""
    if any(marker in text for marker in _RUAMEL_ONLY) or text.startswith("%") or "\n%" in text:
        return None  # the last two: directives (%YAML 1.1 changes the rules)
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None  # ruamel reports it, in its words
    reader = _FastReader(tags="!" in text)
    try:
        data = None if node is None else reader.data(node, "")
    except _RuamelDecides:
        return None
    return data, reader.positions


def read(path: Path, display: str) -> tuple[RawManifest | None, list[Diagnostic]]:
    """Parse the YAML. Returns the raw manifest, or None plus the problems that stop reading."""

    def fail(
        message: str, line: int | None = None, col: int | None = None, fix: str | None = None
    ) -> tuple[None, list[Diagnostic]]:
        loc = Location(file=display, line=line, column=col)
        return None, [Diagnostic("manifest-unreadable", Severity.ERROR, message, loc, fix=fix)]

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return fail(
            f"no manifest at {display}",
            fix="run accord from the folder holding accord.yaml, or pass --manifest PATH",
        )
    except IsADirectoryError:
        return fail(f"{display} is a directory, not a manifest file")
    except UnicodeDecodeError as exc:
        return fail(f"manifest is not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        return fail(f"cannot read manifest: {exc.strerror}")
    fast = _read_fast(text)
    if fast is not None:
        data, positions = fast
    else:
        read_data, problems = _read_ruamel(text, fail)
        if read_data is None:
            return None, problems
        data, positions = read_data
    if data is None:
        return fail("manifest is empty", 1, 1, fix="start with `version: 1` and an `events:` map")
    if not isinstance(data, dict):
        return fail("manifest must be a mapping of settings (version, events, services...)", 1, 1)
    raw = RawManifest(file=display, data=data, positions=positions)
    return raw, check_structure(raw)


_Fail = Callable[..., tuple[None, list[Diagnostic]]]


def _read_ruamel(
    text: str, fail: _Fail
) -> tuple[tuple[Any, dict[str, tuple[int, int]]] | None, list[Diagnostic]]:
    """(data, positions) through ruamel's round trip, or None and the problem."""
    reader = YAML(typ="rt")
    reader.allow_duplicate_keys = False
    try:
        node = reader.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = (exc.problem or "").split('"')[1] if '"' in (exc.problem or "") else "a key"
        return fail(
            f"duplicate key {key} (each event, service and setting may appear once)",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            fix="remove or rename one of the two entries",
        )
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "invalid YAML"
        return fail(
            f"invalid YAML: {detail}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        )
    except YAMLError as exc:
        return fail(f"invalid YAML: {exc}")
    positions: dict[str, tuple[int, int]] = {"": (1, 1)}
    return (_plain(node, "", positions), positions), []


@cache
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(manifest_schema())


def _valid_fast(data: Any) -> bool:
    """Whether jsonschema-rs finds the manifest valid (microseconds, where the Python
    validator takes tens of milliseconds for a thousand events). Anything else is validated
    again in Python, whose errors are the ones explained."""
    try:
        return bool(_fast_validator().is_valid(data))
    except Exception:  # a value the Rust side cannot take (a YAML date...): Python decides
        return False


def check_structure(raw: RawManifest) -> list[Diagnostic]:
    """Violations of the manifest's JSON Schema, one problem each, with did-you-mean."""
    if _valid_fast(raw.data):
        return []
    schema = manifest_schema()
    validator = jsonschema.Draft202012Validator(schema)
    problems: list[Diagnostic] = []
    for err in validator.iter_errors(raw.data):
        problems.extend(_explain(raw, err))
    return problems


def _allowed_keys(schema_node: Any) -> list[str]:
    node = schema_node if isinstance(schema_node, dict) else {}
    if "$ref" in node:
        ref = node["$ref"]
        node = jp.resolve(manifest_schema(), ref[1:])
    return sorted(node.get("properties", {}))


def _explain(raw: RawManifest, err: jsonschema.ValidationError) -> list[Diagnostic]:
    ptr = jp.from_path(err.absolute_path)
    where = _describe(err.absolute_path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = _allowed_keys(err.schema)
        out = []
        for key in sorted(set(err.instance) - set(allowed)):
            hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
            out.append(
                raw.problem(
                    jp.join(ptr, key),
                    f"unknown key {key!r} in {where}",
                    hint,
                    "manifest-unknown-key",
                )
            )
        return out
    if err.validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else "a key"
        return [
            raw.problem(
                ptr, f"{where} is missing required key {missing!r}", None, "manifest-missing-key"
            )
        ]
    if err.validator == "enum":
        values = list(err.validator_value) if isinstance(err.validator_value, list) else []
        options = ", ".join(str(o) for o in values)
        return [
            raw.problem(
                ptr,
                f"{where}: {json.dumps(err.instance)} is not valid",
                (did_you_mean(str(err.instance), [str(o) for o in values]) or "")
                + f" (valid: {options})",
                "manifest-invalid-value",
            )
        ]
    if err.validator == "const":
        return [
            raw.problem(
                ptr,
                f"{where} must be {json.dumps(err.validator_value)}",
                None,
                "manifest-invalid-value",
            )
        ]
    if err.validator == "type":
        return [
            raw.problem(
                ptr,
                f"{where} must be {_a(err.validator_value)}, not {_a(_json_type(err.instance))}",
                None,
                "manifest-invalid-value",
            )
        ]
    return [raw.problem(ptr, f"{where}: {err.message}", None, "manifest-invalid-value")]


def _describe(path: Any) -> str:
    parts = list(path)
    if not parts:
        return "the manifest"
    if len(parts) >= 2 and parts[0] == "events":
        rest = "" if len(parts) == 2 else "." + ".".join(map(str, parts[2:]))
        return f"event {parts[1]!r}{rest}"
    if len(parts) >= 2 and parts[0] == "services":
        rest = "" if len(parts) == 2 else "." + ".".join(map(str, parts[2:]))
        return f"service {parts[1]!r}{rest}"
    return "`" + ".".join(map(str, parts)) + "`"


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _a(kind: Any) -> str:
    if isinstance(kind, list):
        return " or ".join(_a(k) for k in kind)
    names = {"array": "a list", "object": "a mapping", "integer": "an integer", "null": "null"}
    text = names.get(str(kind), str(kind))
    return text if text.startswith(("a ", "an ", "null")) else f"a {text}"
