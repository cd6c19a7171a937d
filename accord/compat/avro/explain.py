"""Avro incompatibilities in words people can act on.

Avro Java reports a reader/writer incompatibility (``READER_FIELD_MISSING_DEFAULT_VALUE`` at
``/fields/1``). A person wants to know what changed between the two versions and who breaks:
in a backward check the reader is the new schema, so a reader field missing in the writer is
a field *added without a default*; in a forward check the reader is the old schema, so the
same finding is a field *removed* that old consumers still need. :func:`change` names the
change by direction (``kind``), keeps Java's type, message and location, and points into both
documents.
"""

from __future__ import annotations

from collections.abc import Callable

from accord.compat.avro.model import Node
from accord.compat.avro.resolve import AMBIGUOUS_ALIAS, Incompatibility
from accord.compat.change import Change, Direction, Witness

# (Java type, direction) -> accord kind
KINDS: dict[tuple[str, Direction], str] = {
    ("READER_FIELD_MISSING_DEFAULT_VALUE", Direction.BACKWARD): "FIELD_ADDED_WITHOUT_DEFAULT",
    ("READER_FIELD_MISSING_DEFAULT_VALUE", Direction.FORWARD): "FIELD_REMOVED_WITHOUT_DEFAULT",
    ("TYPE_MISMATCH", Direction.BACKWARD): "TYPE_CHANGED",
    ("TYPE_MISMATCH", Direction.FORWARD): "TYPE_CHANGED",
    ("MISSING_UNION_BRANCH", Direction.BACKWARD): "UNION_BRANCH_REMOVED",
    ("MISSING_UNION_BRANCH", Direction.FORWARD): "UNION_BRANCH_ADDED",
    ("MISSING_ENUM_SYMBOLS", Direction.BACKWARD): "ENUM_SYMBOL_REMOVED",
    ("MISSING_ENUM_SYMBOLS", Direction.FORWARD): "ENUM_SYMBOL_ADDED",
    ("NAME_MISMATCH", Direction.BACKWARD): "NAME_CHANGED",
    ("NAME_MISMATCH", Direction.FORWARD): "NAME_CHANGED",
    ("FIXED_SIZE_MISMATCH", Direction.BACKWARD): "FIXED_SIZE_CHANGED",
    ("FIXED_SIZE_MISMATCH", Direction.FORWARD): "FIXED_SIZE_CHANGED",
    (AMBIGUOUS_ALIAS, Direction.BACKWARD): "FIELD_ALIAS_AMBIGUOUS",
    (AMBIGUOUS_ALIAS, Direction.FORWARD): "FIELD_ALIAS_AMBIGUOUS",
}


def subject(where: tuple[str, ...]) -> str:
    """``field `address.lines[].zip``` or ``the schema`` for the root."""
    if not where:
        return "the schema"
    text = ""
    for part in where:
        if part in ("[]", "{}"):
            text += part
        else:
            text += ("." if text else "") + part
    return f"field `{text}`"


def _plural(items: tuple[str, ...]) -> str:
    names = ", ".join(f"`{s}`" for s in items)
    return f"symbol {names}" if len(items) == 1 else f"symbols {names}"


def _describe(inc: Incompatibility, d: Direction, old: str, new: str) -> tuple[str, str]:
    """(what changed, fix) for one incompatibility."""
    r, w = inc.reader, inc.writer
    # The versions' nodes by role: in a backward check the reader is the new schema.
    new_node, old_node = (r, w) if d is Direction.BACKWARD else (w, r)
    where = subject(inc.where)
    t = inc.type
    if t == "READER_FIELD_MISSING_DEFAULT_VALUE" or (t == "TYPE_MISMATCH" and inc.field):
        name = inc.field.name if inc.field else inc.detail
        field = subject(inc.where)
        if d is Direction.BACKWARD:
            extra = " (an enum default is not a field default)" if t == "TYPE_MISMATCH" else ""
            return (
                f"{field} was added without a default{extra}",
                f'give `{name}` a default, e.g. "type": ["null", ...] with "default": null',
            )
        return (
            f"{field} was removed, and {old} has no default for it",
            f"keep `{name}` (mark it deprecated in its doc), or first publish a version that"
            f" gives it a default and let every consumer upgrade to it",
        )
    if t == "TYPE_MISMATCH":
        return (
            f"{where} changed type from `{old_node.label()}` to `{new_node.label()}`",
            "keep the type: Avro only widens int -> long -> float -> double and converts"
            " string <-> bytes; to change it, add a new field and deprecate the old one",
        )
    if t == "MISSING_UNION_BRANCH":
        missing = _missing_branch(inc)
        if d is Direction.BACKWARD:
            return (
                f"{where} no longer accepts `{missing.label()}`",
                f"keep `{missing.short()}` as a branch of the union",
            )
        return (
            f"{where} now allows `{missing.label()}`, which {old} cannot read",
            "upgrade every consumer first (publish the branch only after they read it), or do"
            " not add it",
        )
    if t == "MISSING_ENUM_SYMBOLS":
        enum = f"enum `{w.fullname}`"
        if d is Direction.BACKWARD:
            return (
                f"{enum} ({where}) lost {_plural(inc.symbols)}",
                "keep the symbols; to retire one, stop producing it but leave it in the enum",
            )
        return (
            f"{enum} ({where}) gained {_plural(inc.symbols)}, and {old} has no enum default",
            'first publish a version with an enum "default" and let consumers upgrade, then'
            " add symbols",
        )
    if t == "NAME_MISMATCH":
        return (
            f"{where}: {r.kind} `{old_node.fullname}` was renamed to `{new_node.fullname}`",
            f'keep the name, or add "aliases": ["{w.fullname}"] to the reader\'s {r.kind}',
        )
    if t == "FIXED_SIZE_MISMATCH":
        return (
            f"{where}: fixed `{new_node.fullname}` changed size from {old_node.size} to"
            f" {new_node.size}",
            "keep the size; add a new field for a value of another size",
        )
    return (
        f"{where}: {inc.detail}",
        "give each reader field at most one match in the writer (check its aliases)",
    )


def _missing_branch(inc: Incompatibility) -> Node:
    w = inc.writer
    if w.kind == "union" and inc.route and inc.route[-1][0] == "branch":
        index = inc.route[-1][1]
        if isinstance(index, int) and index < len(w.branches):
            return w.branches[index]
    return w


def change(
    inc: Incompatibility,
    direction: Direction,
    *,
    old: str,
    new: str,
    version: int | None,
    witness: Callable[[], Witness | None] | None,
) -> Change:
    """The :class:`Change` for one incompatibility found in ``direction``."""
    reader_label, writer_label = (new, old) if direction is Direction.BACKWARD else (old, new)
    what, fix = _describe(inc, direction, old, new)
    if direction is Direction.BACKWARD:
        path, old_path = inc.reader_pointer, inc.writer_pointer
    else:
        path, old_path = inc.writer_pointer, inc.reader_pointer
    kind = KINDS[(inc.type, direction)]
    if inc.type == "TYPE_MISMATCH" and inc.field is not None:
        # Avro Java's enum-default quirk: the finding is about a missing reader field.
        kind = KINDS[("READER_FIELD_MISSING_DEFAULT_VALUE", direction)]
    return Change(
        kind=kind,
        path=path,
        old_path=old_path,
        message=f"consumers on {reader_label} cannot read events written with {writer_label}:"
        f" {what}",
        fix=fix,
        breaking=True,
        direction=direction,
        reference_type=inc.type,
        location=inc.java_location,
        detail=inc.detail,
        version=version,
        _witness=witness,
    )
