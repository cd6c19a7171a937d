"""``accord registry serve | push | pull``: run a Confluent-compatible registry, and move the
manifest's schemas to and from any Confluent-compatible registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.cli import output

registry_app = typer.Typer(
    name="registry",
    help=(
        "A Confluent-compatible schema registry, and the manifest's schemas in one.\n\n"
        "`accord registry serve` runs the registry (SQLite by default, PostgreSQL for several"
        " replicas). `push` registers every subject of accord.yaml in any Confluent-compatible"
        " registry (Confluent, Karapace, Redpanda, Apicurio, accord's own); `pull` writes"
        " subjects from a registry to files."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


def register(app: typer.Typer) -> None:
    app.add_typer(registry_app)


@registry_app.command(
    "serve",
    help=(
        "Run the schema registry (Confluent's REST API) until interrupted.\n\n"
        "Examples:\n\n"
        "  accord registry serve                       # http://127.0.0.1:8081, ./registry.db\n\n"
        "  accord registry serve --port 0              # any free port (printed)\n\n"
        "  accord registry serve --store postgresql://postgres@db:5432/registry --host 0.0.0.0"
        " --auth registry-auth.yaml\n\n"
        "Prints `accord registry listening on http://HOST:PORT` once it accepts connections;"
        " `GET /health` answers 200 while the store does. Without --auth the registry is open"
        " (local development); see docs/registry.md for the auth file."
    ),
)
@output.guarded
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8081,
    store: Annotated[
        str,
        typer.Option(
            help="sqlite:///PATH (one file, created if missing) or postgresql://USER@HOST/DB.",
            envvar="ACCORD_REGISTRY_STORE",
        ),
    ] = "sqlite:///registry.db",
    auth: Annotated[
        Path | None,
        typer.Option(
            help="Users and tokens with read-only / read-write roles (YAML or JSON).",
            envvar="ACCORD_REGISTRY_AUTH",
        ),
    ] = None,
    max_body: Annotated[
        int, typer.Option(help="Largest request body accepted, in bytes (413 above).", min=1024)
    ] = 4 * 1024 * 1024,
    log_level: Annotated[
        str, typer.Option(help="uvicorn's log level: critical, error, warning, info, debug.")
    ] = "warning",
) -> None:
    from accord.registry import server
    from accord.registry.app import create_app
    from accord.registry.auth import load_auth
    from accord.registry.store import open_store

    auth_config = load_auth(auth) if auth is not None else None
    opened = open_store(store)
    try:
        app = create_app(opened, auth=auth_config, max_body=max_body)
        sock = server.bind(host, port)
    except BaseException:
        opened.close()
        raise
    mode = f"auth: {auth}" if auth is not None else "auth: open"

    def announce() -> None:
        output.data(f"accord registry listening on {server.url_of(sock)} ({opened.url}, {mode})")

    try:
        server.run(app, sock, log_level=log_level, announce=announce)
    finally:
        opened.close()
