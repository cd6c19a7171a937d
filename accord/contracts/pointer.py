"""RFC 6901 JSON pointers: build, escape and split."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def escape(token: str | int) -> str:
    """Escape one reference token (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(base: str, *tokens: str | int) -> str:
    """``join("/fields", 0, "type")`` -> ``/fields/0/type``."""
    out = base
    for token in tokens:
        text = token if type(token) is str else str(token)
        if "~" in text or "/" in text:  # most tokens need no escaping: skip the replaces
            text = text.replace("~", "~0").replace("/", "~1")
        out = out + "/" + text
    return out


def from_path(path: Iterable[str | int]) -> str:
    """A pointer from a path of keys and indices (as jsonschema's ``absolute_path`` gives)."""
    return join("", *path)


def split(pointer: str) -> list[str]:
    """The unescaped tokens of ``pointer`` ("" -> [])."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


def parent(pointer: str) -> str:
    """The pointer one level up ("" stays "")."""
    return pointer.rsplit("/", 1)[0] if pointer else ""


def resolve(document: Any, pointer: str) -> Any:
    """The node ``pointer`` names in ``document``; ``KeyError`` if there is none."""
    node = document
    for token in split(pointer):
        if isinstance(node, list):
            try:
                node = node[int(token)]
            except (ValueError, IndexError) as exc:
                raise KeyError(pointer) from exc
        elif isinstance(node, dict):
            if token not in node:
                raise KeyError(pointer)
            node = node[token]
        else:
            raise KeyError(pointer)
    return node
