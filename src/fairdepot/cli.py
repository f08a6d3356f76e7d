"""The `fairdepot` command: serve, worker, db upgrade, user management."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from fairdepot.config import Settings

if TYPE_CHECKING:
    from fairdepot.services.runtime import Runtime

app = typer.Typer(help="fairdepot: a FAIR research-data repository.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts and API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
blobs_app = typer.Typer(
    help="Copy every blob to or from a local folder (backup, restore, moves).", no_args_is_help=True
)
app.add_typer(blobs_app, name="blobs")
console = Console(stderr=True)


@contextmanager
def _reported_errors() -> Iterator[None]:
    """Operator mistakes (a duplicate user, a bad file) are one clear line, not a traceback."""
    from fairdepot.core.errors import CatalogueError

    try:
        yield
    except CatalogueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="Run the ingest worker in this process.")
    ] = True,
    log_level: Annotated[str, typer.Option(help="Logging level.")] = "info",
) -> None:
    """Run the API server (embedded: SQLite + local files + in-process worker by default)."""
    import uvicorn

    from fairdepot.app import create_app

    _logging(log_level)
    settings = Settings()
    if "FAIRDEPOT_PUBLIC_URL" not in os.environ:
        settings.public_url = f"http://{host}:{port}"
    uvicorn.run(
        create_app(settings, run_worker=worker),
        host=host,
        port=port,
        log_level=log_level.lower(),
        proxy_headers=True,
    )


@app.command("worker")
def run_worker(log_level: Annotated[str, typer.Option(help="Logging level.")] = "info") -> None:
    """Run an ingest worker only (scale-out: as many as you like, on any machine)."""
    from fairdepot.services.runtime import build_runtime
    from fairdepot.worker.runner import Worker

    _logging(log_level)
    runtime = build_runtime(Settings(), migrate=False)
    worker = Worker(runtime)
    console.print(f"worker {worker.name} started")
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        worker.stop()
    finally:
        runtime.close()


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply database migrations (embedded mode does this itself at start)."""
    from fairdepot.storage.db.engine import create_engine
    from fairdepot.storage.db.migrate import upgrade

    settings = Settings()
    engine = create_engine(settings.resolved_database_url)
    upgrade(engine, revision)
    console.print(f"database at {engine.url.render_as_string(hide_password=True)} is at {revision}")


@contextmanager
def _runtime() -> Iterator[Runtime]:
    from fairdepot.services.runtime import build_runtime

    runtime = build_runtime(Settings())
    try:
        with _reported_errors():
            yield runtime
    finally:
        runtime.close()


@user_app.command("add")
def user_add(
    username: str,
    email: Annotated[str, typer.Option(help="E-mail address (also accepted at login).")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    group: Annotated[list[str] | None, typer.Option(help="A group; repeat for more.")] = None,
    admin: Annotated[bool, typer.Option(help="May do anything.")] = False,
) -> None:
    """Create an account."""
    from fairdepot.services import accounts

    with _runtime() as runtime:
        accounts.add_user(runtime, username, email, password, list(group or []), admin=admin)
    console.print(f"user {username} added")


@user_app.command("token")
def user_token(
    username: str, label: Annotated[str | None, typer.Option(help="What the token is for.")] = None
) -> None:
    """Print a new long-lived API token, usable wherever a bearer token is."""
    from fairdepot.services import accounts

    with _runtime() as runtime:
        typer.echo(accounts.create_api_token(runtime, username, label))


@user_app.command("load")
def user_load(path: Path) -> None:
    """Load accounts from a SciCat functionalAccounts.json file (idempotent)."""
    from fairdepot.services import accounts

    with _runtime() as runtime:
        names = accounts.load_accounts_file(runtime, path)
    console.print(f"loaded {len(names)} accounts")


@blobs_app.command("export")
def blobs_export(folder: Path) -> None:
    """Copy every blob of the configured store into FOLDER (keys become relative paths)."""
    from fairdepot.storage.blobs.local import LocalBlobStore
    from fairdepot.storage.blobs.transfer import copy_all

    with _runtime() as runtime:
        count = copy_all(runtime.blobs, LocalBlobStore(folder))
    console.print(f"exported {count} blobs to {folder}")


@blobs_app.command("import")
def blobs_import(folder: Path) -> None:
    """Copy every file under FOLDER into the configured store (the inverse of export)."""
    from fairdepot.storage.blobs.local import LocalBlobStore
    from fairdepot.storage.blobs.transfer import copy_all

    if not folder.is_dir():
        console.print(f"[red]error:[/red] {folder} is not a folder")
        raise typer.Exit(1)
    with _runtime() as runtime:
        count = copy_all(LocalBlobStore(folder), runtime.blobs)
    console.print(f"imported {count} blobs from {folder}")


def main() -> None:
    app()
