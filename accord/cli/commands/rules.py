"""``accord rules``: list the lint rules, or explain one."""

from __future__ import annotations

from typing import Annotated

import typer

from accord.cli import output
from accord.cli.output import TextOrJson
from accord.errors import EXIT_OK, UsageError
from accord.lint.config import expand, suggest
from accord.lint.registry import CATEGORIES, Rule, all_rules

HELP = """List the lint rules, or explain one: what it checks, why it matters, an example,
what to write instead, and how to fix it.

With a category (naming, docs, evolution, envelope, topology, suppression, avro, jsonschema,
manifest) lists the rules of that category.

Examples:

    accord rules

    accord rules evolution

    accord rules AVRO_FIELD_MISSING_DOC

    accord rules --format json"""


def register(app: typer.Typer) -> None:
    app.command("rules", help=HELP)(rules)


@output.guarded
def rules(
    rule_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="A rule ID or a category.")
    ] = None,
    fmt: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
) -> None:
    registry = all_rules()
    if rule_id is not None and rule_id.upper() in registry:
        one = registry[rule_id.upper()]
        if fmt is TextOrJson.json:
            output.emit_json({**one.to_dict(), "markdown": one.markdown})
        else:
            output.data(one.markdown)
        raise typer.Exit(EXIT_OK)
    chosen = list(registry.values())
    if rule_id is not None:
        ids = expand(rule_id, registry) if rule_id.lower() in CATEGORIES else None
        if ids is None:
            raise UsageError(f"no rule or category {rule_id!r}", hint=suggest(rule_id, registry))
        chosen = [registry[i] for i in ids]
    if fmt is TextOrJson.json:
        output.emit_json([r.to_dict() for r in chosen])
    else:
        output.data(_table(chosen))
    raise typer.Exit(EXIT_OK)


def _table(chosen: list[Rule]) -> str:
    width = max(len(r.id) for r in chosen)
    lines = []
    for r in chosen:
        theme = r.categories[0]
        flag = " " if r.default else "o"  # "o": off unless selected
        lines.append(f"{r.id:<{width}}  {flag} {r.severity.value:<7}  {theme:<11}  {r.summary}")
    lines.append("")
    lines.append(
        f"{len(chosen)} rule(s); o = off by default (turn on with `lint.use` or --select)."
        " `accord rules ID` explains one."
    )
    return "\n".join(lines)
