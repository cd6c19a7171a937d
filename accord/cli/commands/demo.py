"""``accord demo``: the reference e-commerce system end to end, with its event trace."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from accord.cli import output
from accord.cli.state import state
from accord.demo.run import PLAN, DemoResult, Hooks, run_demo, stop_kept
from accord.demo.trace import Row
from accord.errors import EXIT_FINDINGS, EXIT_OK

HELP = """Run the e-commerce scenario end to end and check that the system is consistent.

Starts the dev stack (Tansu broker + accord's registry), pushes the schemas, starts the user,
order and inventory services (separate processes, each with its own SQLite database, wired only
through Kafka by their generated stubs), then: restocks, creates and updates users, places
orders that confirm, one rejected for stock, one for a suspended user, one arriving before its
user, and one for a user who never appears. Every event is printed as a timeline (time,
service, event, key, outcome, trace id) while it runs. At the end the three databases are read
and checked against each other (stock = restocked - confirmed quantities, every order settled,
the order service's copy of users equals the user service's users...).

Exit 0 when the system is consistent, 1 when a check fails, 2 when it cannot run. About half a
minute. `--keep` leaves everything running (URLs printed; stop with `accord demo --down`).
"""


def register(app: typer.Typer) -> None:
    app.command("demo", help=HELP)(demo)


def _row_line(row: Row) -> str:
    trace = f"  [{row.trace}]" if row.trace else ""
    return f"{row.clock}  {row.service:<9} {row.event:<14} {row.key:<16} {row.outcome}{trace}"


@output.guarded
def demo(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document (progress on stderr).")
    ] = False,
    keep: Annotated[
        bool, typer.Option("--keep", help="Leave the stack and services running.")
    ] = False,
    down: Annotated[
        bool, typer.Option("--down", help="Stop what `accord demo --keep` left running.")
    ] = False,
) -> None:
    contracts = state(ctx).contracts()
    if down:
        stopped = stop_kept(contracts.root)
        output.info("stopped: " + (", ".join(stopped) or "nothing was running"))
        raise typer.Exit(EXIT_OK)
    console = Console(file=sys.stderr if as_json else sys.stdout, highlight=False)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} events"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    expected_events = 40  # grows as events arrive; only a rough guide for the bar
    task = progress.add_task("starting", total=expected_events)

    def phase(message: str) -> None:
        progress.update(task, description=message)
        progress.console.print(f"[bold]==[/bold] {message}", highlight=False)

    def step(message: str) -> None:
        progress.console.print(f"   [cyan]{message}[/cyan]", highlight=False, markup=True)

    def row(r: Row) -> None:
        done = int(progress.tasks[0].completed) + 1
        progress.update(task, completed=done, total=max(expected_events, done))
        if not as_json:
            progress.console.print(_row_line(r), highlight=False, markup=False, soft_wrap=True)

    with progress:
        if not as_json:
            progress.console.print(
                f"{'time':<12}  {'service':<9} {'event':<14} {'key':<16} outcome  [trace]",
                style="bold",
                markup=False,
            )
        result = run_demo(contracts, keep=keep, hooks=Hooks(phase=phase, step=step, row=row))
    if as_json:
        output.data(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        _summary(console, result)
    raise typer.Exit(EXIT_OK if result.consistent else EXIT_FINDINGS)


def _summary(console: Console, result: DemoResult) -> None:
    counts: dict[str, int] = {}
    for order in result.orders:
        counts[order["status"]] = counts.get(order["status"], 0) + 1
    console.print()
    console.print(
        f"[bold]summary[/bold]: {len(result.rows)} events, {len(PLAN)} orders"
        f" ({counts.get('CONFIRMED', 0)} confirmed, {counts.get('REJECTED', 0)} rejected)"
        f" in {result.seconds:.1f} s"
    )
    for check in result.checks:
        mark = "[green]ok[/green]  " if check.ok else "[red]FAIL[/red]"
        console.print(f"  {mark} {check.name}: {check.detail}", highlight=False, soft_wrap=True)
    if result.kept:
        console.print("\nstill running (stop with `accord demo --down`):")
        for name, url in sorted(result.urls.items()):
            console.print(f"  {name:<10} {url}")
        console.print(f"  work folder {result.work} (databases and logs)")
    verdict = "[green]consistent[/green]" if result.consistent else "[red]INCONSISTENT[/red]"
    console.print(f"\nthe system is {verdict}")
