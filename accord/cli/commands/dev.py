"""``accord dev up | down | status``: the embedded broker and registry for development."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli import output
from accord.cli.output import TextOrJson
from accord.errors import EXIT_FINDINGS, EXIT_OK

dev_app = typer.Typer(
    name="dev",
    help=(
        "A local Kafka broker (Tansu, in memory) and accord's schema registry, for development,"
        " the demo and tests.\n\n"
        "`accord dev up` starts both in the background on free loopback ports, waits until both"
        " answer and records where they listen in .accord/dev/state.json (logs next to it)."
        " `accord dev status` shows them; `accord dev down` stops them.\n\n"
        "Services and `accord dlq` find the stack through the state file; point them at another"
        " cluster with ACCORD_BOOTSTRAP_SERVERS and ACCORD_REGISTRY_URL instead."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

StateDir = Annotated[
    Path,
    typer.Option(
        "--state-dir",
        help="Where the state file and logs live.",
        envvar="ACCORD_DEV_DIR",
    ),
]
Format = Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")]
_DEFAULT_DIR = Path(".accord") / "dev"


def register(app: typer.Typer) -> None:
    app.add_typer(dev_app)


@dev_app.command(
    "up",
    help=(
        "Start the broker and the registry in the background (or report the running ones).\n\n"
        "Examples:\n\n"
        "  accord dev up                                  # free ports\n\n"
        "  accord dev up --broker-port 9092 --registry-port 8081\n\n"
        "  accord dev up --no-registry                    # broker only\n\n"
        "The registry keeps its schemas in .accord/dev/registry.db across restarts; the broker"
        " keeps everything in memory and starts empty every time."
    ),
)
@output.guarded
def up(
    broker_port: Annotated[
        int | None, typer.Option(help="Broker port (default: a free one).", min=1, max=65535)
    ] = None,
    registry_port: Annotated[
        int | None, typer.Option(help="Registry port (default: a free one).", min=1, max=65535)
    ] = None,
    registry_store: Annotated[
        str | None,
        typer.Option(help="Registry store (default: sqlite:///STATE_DIR/registry.db)."),
    ] = None,
    registry: Annotated[
        bool, typer.Option("--registry/--no-registry", help="Also start the registry.")
    ] = True,
    state_dir: StateDir = _DEFAULT_DIR,
    fmt: Format = TextOrJson.text,
) -> None:
    from accord.devstack import stack

    state, started = stack.up(
        state_dir,
        broker_port=broker_port,
        registry_port=registry_port,
        registry_store=registry_store,
        with_registry=registry,
        progress=output.info,
    )
    if fmt is TextOrJson.json:
        output.emit_json({"started": started, **state.to_dict()})
        return
    verb = "started" if started else "already running"
    lines = [f"dev stack {verb} (state: {state_dir / 'state.json'})"]
    lines += [f"  {p.name:<9} {p.address}  pid {p.pid}  log {p.log_file}" for p in state.parts]
    lines.append(f"  export ACCORD_BOOTSTRAP_SERVERS={state.broker.address}")
    if state.registry is not None:
        lines.append(f"  export ACCORD_REGISTRY_URL={state.registry.address}")
    lines.append("note: the broker keeps data in memory; `accord dev down` loses every event")
    output.data("\n".join(lines))


@dev_app.command("down", help="Stop the broker and the registry that `accord dev up` started.")
@output.guarded
def down(state_dir: StateDir = _DEFAULT_DIR) -> None:
    from accord.devstack import stack

    state = stack.down(state_dir, progress=output.info)
    output.data("dev stack stopped" if state is not None else "no dev stack is running here")


@dev_app.command(
    "status",
    help=(
        "Show where the broker and the registry listen and whether they answer.\n\n"
        "Exit 0 when both run and answer, 1 when something is down or nothing was started."
    ),
)
@output.guarded
def status(state_dir: StateDir = _DEFAULT_DIR, fmt: Format = TextOrJson.text) -> None:
    from accord.devstack import stack

    report = stack.status(state_dir)
    if fmt is TextOrJson.json:
        output.emit_json(_status_json(report))
    elif not report.parts:
        output.data(f"no dev stack is running here ({state_dir}); start one with `accord dev up`")
    else:
        lines = [f"dev stack started {report.started_at}"]
        for p in report.parts:
            health = "up" if p.healthy else ("not answering" if p.running else "stopped")
            lines.append(f"  {p.name:<9} {p.address:<28} {health:<14} pid {p.pid}  {p.log_file}")
        lines.append(f"note: {report.note}")
        output.data("\n".join(lines))
    raise typer.Exit(EXIT_OK if report.up else EXIT_FINDINGS)


def _status_json(report: Any) -> dict[str, Any]:
    return {
        "up": report.up,
        "state_dir": report.state_dir,
        "started_at": report.started_at,
        "note": report.note,
        "parts": [
            {
                "name": p.name,
                "address": p.address,
                "pid": p.pid,
                "log_file": p.log_file,
                "running": p.running,
                "answering": p.answering,
            }
            for p in report.parts
        ],
    }
