"""Reading ``accord.yaml``: YAML with positions, checked against the manifest's JSON Schema.

The manifest's structure is defined once, in ``manifest.schema.json`` (shipped for editors
too); this module turns each violation into a problem at the right ``line:col`` with a
"did you mean" where a key is misspelt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from accord.contracts import pointer as jp
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
        p = pointer
        while p not in self.positions and p:
            p = jp.parent(p)
        line, column = self.positions.get(p, (1, 1))
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
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        node = yaml.load(text)
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
    if node is None:
        return fail("manifest is empty", 1, 1, fix="start with `version: 1` and an `events:` map")
    positions: dict[str, tuple[int, int]] = {"": (1, 1)}
    data = _plain(node, "", positions)
    if not isinstance(data, dict):
        return fail("manifest must be a mapping of settings (version, events, services...)", 1, 1)
    raw = RawManifest(file=display, data=data, positions=positions)
    return raw, check_structure(raw)


def check_structure(raw: RawManifest) -> list[Diagnostic]:
    """Violations of the manifest's JSON Schema, one problem each, with did-you-mean."""
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
