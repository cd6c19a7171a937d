"""``accord compat OLD NEW``: is one schema file compatible with another?"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli import output
from accord.cli.output import TextOrJson
from accord.compat import Change, CompatibilityResult, Policy, check
from accord.compat.change import witness_text
from accord.compat.inputs import read_file
from accord.contracts import Level, Schema, SchemaFormat
from accord.errors import EXIT_FINDINGS, EXIT_OK

HELP = """Compare two schema files (Avro *.avsc or JSON Schema *.json) with Confluent Schema
Registry's rules, and explain every breaking change: where it is in both files, what breaks
for whom, how to fix it, and a concrete event that proves it (a witness).

Levels: BACKWARD (default) = consumers on NEW can read events written with OLD (upgrade
consumers first); FORWARD = consumers on OLD can read events written with NEW (upgrade
producers first); FULL = both. The _TRANSITIVE variants mean the same for two files.
NONE checks nothing. JSON Schema is judged by --policy: strict (Confluent's default: adding
a property to an open content model breaks) or lenient.

Examples:

    accord compat schemas/v1/UserCreated.avsc schemas/user/UserCreated.avsc

    accord compat old.json new.json --level FULL --policy lenient --format json

Exit codes: 0 compatible, 1 incompatible, 2 bad input (unreadable file, invalid schema)."""


def register(app: typer.Typer) -> None:
    app.command("compat", help=HELP)(compat)


@output.guarded
def compat(
    old: Annotated[Path, typer.Argument(help="The previous schema (what data was written with).")],
    new: Annotated[Path, typer.Argument(help="The new schema.")],
    level: Annotated[
        Level,
        typer.Option("--level", "-l", case_sensitive=False, help="Compatibility level."),
    ] = Level.BACKWARD,
    policy: Annotated[
        Policy,
        typer.Option(
            "--policy", case_sensitive=False, help="JSON Schema policy (ignored for Avro)."
        ),
    ] = Policy.STRICT,
    fmt: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="text for people, json for tools.")
    ] = TextOrJson.text,
    schema_type: Annotated[
        SchemaFormat | None,
        typer.Option(
            "--schema-type",
            case_sensitive=False,
            help="Force AVRO or JSON (default: from the content, then the file suffix).",
        ),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list the changes that do not break the level.")
    ] = False,
) -> None:
    old_schema = read_file(old, schema_type=schema_type)
    new_schema = read_file(new, schema_type=schema_type)
    result = check(
        old_schema,
        new_schema,
        level,
        policy=policy,
        labels=(f"{old_schema.file} (old)", f"{new_schema.file} (new)"),
    )
    if fmt is TextOrJson.json:
        output.data(json.dumps(_json(result, old_schema, new_schema), indent=2) + "\n")
    else:
        output.data(_text(result, old_schema, new_schema, show_all))
    raise typer.Exit(EXIT_OK if result.compatible else EXIT_FINDINGS)


def _located(change: Change, old: Schema, new: Schema) -> dict[str, Any]:
    return {
        **change.to_dict(),
        "new_location": new.locate(change.path).to_dict(),
        "old_location": old.locate(change.old_path).to_dict(),
    }


def _json(result: CompatibilityResult, old: Schema, new: Schema) -> dict[str, Any]:
    return {
        "compatible": result.compatible,
        "level": result.level.value,
        "format": result.format.value if result.format else None,
        "policy": result.policy.value,
        "old": old.file,
        "new": new.file,
        "changes": [_located(c, old, new) for c in result.changes],
    }


def _text(result: CompatibilityResult, old: Schema, new: Schema, show_all: bool) -> str:
    lines = []
    for c in result.changes:
        if not (c.breaking or show_all):
            continue
        where = new.locate(c.path).render()
        tag = "" if c.breaking else "(compatible) "
        lines.append(f"{where}: {c.kind} {tag}{c.message}")
        if c.breaking:
            lines.append(f"  was: {old.locate(c.old_path).render()}")
        if c.fix:
            lines.append(f"  fix: {c.fix}")
        witness = c.witness
        if witness is not None:
            lines.append(f"  witness: {witness_text(witness)}")
            lines.append(f"    ({witness.reason})")
    fmt = result.format.value if result.format else "?"
    count = len(result.breaking)
    if result.compatible:
        lines.append(f"compatible at {result.level.value} ({fmt})")
    else:
        noun = "change breaks" if count == 1 else "changes break"
        lines.append(f"incompatible: {count} {noun} {result.level.value} ({fmt})")
    return "\n".join(lines) + "\n"
