"""``accord demo``: the reference scenario end to end.

Until the reference services exist this validates the reference contracts and prints a
summary of the system they describe.
"""

from __future__ import annotations

import typer

from accord.cli import output
from accord.cli.state import state


def register(app: typer.Typer) -> None:
    app.command(
        "demo", help="Run the e-commerce scenario end to end (today: summarise the contracts)."
    )(demo)


@output.guarded
def demo(ctx: typer.Context) -> None:
    contracts = state(ctx).contracts()
    console = output.stdout_console()
    console.print(f"[bold]accord demo[/bold]: {contracts.manifest_file} is valid\n")
    for topic in contracts.topics:
        console.print(f"[bold]{topic}[/bold]")
        for event in contracts.events_on(topic):
            producers = ", ".join(contracts.producers_of(event.name)) or "-"
            consumers = ", ".join(contracts.consumers_of(event.name)) or "-"
            console.print(
                f"  {event.name:<16} {event.schema.format.value:<5} key={event.key or '-':<9}"
                f" {event.compatibility.value:<20} {producers} -> {consumers}"
            )
            console.print(f"  {'':<16} subject {event.subject}", style="dim")
    console.print()
    for service in contracts.services.values():
        console.print(
            f"service [bold]{service.name}[/bold]: produces {', '.join(service.produces) or '-'};"
            f" consumes {', '.join(service.consumes) or '-'}"
        )
