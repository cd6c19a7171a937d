"""RFC 6901 JSON pointers: build, escape and split; lazy pointers for hot walks.

Walkers that visit every node of thousands of documents (validation, lint) do not build a
pointer string per node: they pass a :data:`Lazy` pointer, a ``(parent, token)`` pair that costs
one tuple, and :func:`materialize` it only when a problem or finding is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

#: A pointer not yet spelt out: a pointer string, or ``(parent, token)`` one level below parent.
Lazy: TypeAlias = "str | tuple[Lazy, str | int]"


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


def materialize(lazy: Lazy) -> str:
    """The pointer string of a :data:`Lazy` pointer (``(("", "fields"), 0)`` -> ``/fields/0``)."""
    tokens: list[str | int] = []
    while isinstance(lazy, tuple):
        lazy, token = lazy
        tokens.append(token)
    tokens.reverse()
    return join(lazy, *tokens)


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
