"""The `fairdepot` command: serve, worker, db upgrade, users, blobs, backup, restore, check.

Every command says on stderr which catalogue it works on. Only `serve` (embedded) and
`db upgrade` create or migrate a catalogue; the others open an existing one at this release's
schema, or are told `--init` to create a new, empty one (`services.catalogue_location`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperArgument, TyperCommand, TyperGroup

from fairdepot import __version__
from fairdepot.config import Settings

if TYPE_CHECKING:
    from fairdepot.services.runtime import Runtime


def _plain_metavars(params: list[Any]) -> list[Any]:
    """Help shows `--port PORT` and bare flags, not typer's `<int>` / `<bool>` type labels."""
    for param in params:
        if isinstance(param, TyperArgument):
            param.metavar = param.metavar or (param.name or "").upper()
            param.display_type_rich = _no_type_label  # type: ignore[method-assign]
        elif param.metavar is None:
            param.metavar = "" if getattr(param, "is_flag", False) else (param.name or "").upper()
    return params


def _no_type_label(ctx: Any) -> None:
    return None


class _Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_metavars(super().get_params(ctx))


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_metavars(super().get_params(ctx))


def _typer(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, no_args_is_help=True, cls=_Group, add_completion=False)


app = _typer("fairdepot: a FAIR research-data repository.")
db_app = _typer("Database maintenance.")
user_app = _typer("Accounts and API tokens.")
blobs_app = _typer("Copy every blob to or from a local folder (moves between stores).")
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
org_app = _typer("Organizations (gCat contexts) whose members hold roles.")
app.add_typer(org_app, name="org")
app.add_typer(blobs_app, name="blobs")
console = Console(stderr=True, highlight=False, soft_wrap=True)

INIT_HELP = "Create a new, empty catalogue if none is there (otherwise this refuses)."
LOG_LEVEL_HELP = "Logging level (debug, info, warning, error)."


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"fairdepot {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """fairdepot: a FAIR research-data repository."""


@contextmanager
def _reported_errors() -> Iterator[None]:
    """Operator mistakes (a duplicate user, a bad file) are one clear line, not a traceback."""
    from fairdepot.core.errors import CatalogueError
    from fairdepot.storage.db.dumps import DumpError
    from fairdepot.storage.db.engine import DatabaseFailed

    try:
        yield
    except (CatalogueError, DumpError, ValueError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    except DatabaseFailed as exc:  # the database refuses us (storage's word for it)
        console.print(f"[red]error:[/red] the database failed: {escape(exc.reason)}")
        raise typer.Exit(1) from exc


def _announce(settings: Settings) -> None:
    """Which catalogue this command works on (so a wrong folder is seen at once)."""
    from fairdepot.services.catalogue_location import locate

    console.print(locate(settings).describe(), markup=False)


@contextmanager
def _catalogue(*, init: bool = False, behind_ok: bool = False) -> Iterator[Runtime]:
    from fairdepot.services.catalogue_location import open_catalogue

    settings = Settings()
    _announce(settings)
    with _reported_errors():
        runtime = open_catalogue(settings, init=init, behind_ok=behind_ok)
        try:
            yield runtime
        finally:
            runtime.close()


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command(cls=_Command)
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="Run the ingest worker in this process.")
    ] = True,
    log_level: Annotated[str, typer.Option(help=LOG_LEVEL_HELP)] = "info",
) -> None:
    """Run the API server (embedded: SQLite + local files + in-process worker by default)."""
    import uvicorn

    from fairdepot.app import create_app

    _logging(log_level)
    settings = Settings()
    _announce(settings)
    if "FAIRDEPOT_PUBLIC_URL" not in os.environ:
        settings.public_url = f"http://{host}:{port}"
    uvicorn.run(
        create_app(settings, run_worker=worker),
        host=host,
        port=port,
        log_level=log_level.lower(),
        proxy_headers=True,
    )


@app.command("worker", cls=_Command)
def run_worker(log_level: Annotated[str, typer.Option(help=LOG_LEVEL_HELP)] = "info") -> None:
    """Run an ingest worker only (scale-out: as many as you like, on any machine)."""
    from fairdepot.worker.runner import Worker

    _logging(log_level)
    with _catalogue() as runtime:
        worker = Worker(runtime)
        console.print(f"worker {worker.name} started")
        try:
            worker.run_forever()
        except KeyboardInterrupt:
            worker.stop()


@db_app.command("upgrade", cls=_Command)
def db_upgrade(
    revision: Annotated[
        str, typer.Argument(help="Alembic revision to migrate to (default: the newest).")
    ] = "head",
    init: Annotated[bool, typer.Option(help="With SQLite: create the database file.")] = False,
) -> None:
    """Apply database migrations; creates the schema in a new, empty PostgreSQL database."""
    from fairdepot.services.catalogue_location import (
        CatalogueUnavailable,
        SchemaState,
        locate,
        missing_hint,
        schema_state,
    )
    from fairdepot.storage.db.engine import create_engine
    from fairdepot.storage.db.migrate import upgrade

    settings = Settings()
    _announce(settings)
    location = locate(settings)
    with _reported_errors():
        state, _ = schema_state(settings)
        if state is SchemaState.MISSING and location.embedded_database and not init:
            raise CatalogueUnavailable(missing_hint(location))
        engine = create_engine(settings.resolved_database_url)
        try:
            upgrade(engine, revision)
        finally:
            engine.dispose()
    console.print(f"database {location.database_url} is at {revision}", markup=False)


@user_app.command("add", cls=_Command)
def user_add(
    username: Annotated[str, typer.Argument(help="Login name of the new account.")],
    email: Annotated[str, typer.Option(help="E-mail address (also accepted at login).")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Password; asked for when not given.",
        ),
    ],
    group: Annotated[list[str] | None, typer.Option(help="A group; repeat for more.")] = None,
    admin: Annotated[bool, typer.Option(help="May do anything.")] = False,
    role: Annotated[
        list[str] | None,
        typer.Option(
            help="A role (member, editor, admin, manager, moderator; gCat's "
            "catalogue-editor etc. too) in the organization given by the --organization at "
            "the same position; repeat for more."
        ),
    ] = None,
    organization: Annotated[
        list[str] | None, typer.Option(help="The organization of the --role at its position.")
    ] = None,
    init: Annotated[bool, typer.Option(help=INIT_HELP)] = False,
) -> None:
    """Create an account, with its roles in organizations."""
    from fairdepot.services import accounts, organizations

    with _catalogue(init=init) as runtime:
        memberships = organizations.parse_memberships(role or [], organization or [])
        organizations.check_organizations_exist(runtime, memberships)
        accounts.add_user(runtime, username, email, password, list(group or []), admin=admin)
        if memberships:
            organizations.set_memberships(runtime, username, memberships)
    console.print(f"user {username} added")


@org_app.command("add", cls=_Command)
def org_add(
    name: Annotated[str, typer.Argument(help="Name: 2-100 of a-z, 0-9, '-' and '_'.")],
    title: Annotated[str | None, typer.Option(help="Human-readable title.")] = None,
    moderated: Annotated[
        bool, typer.Option(help="Records submitted here wait for a Moderator's approval.")
    ] = False,
    init: Annotated[bool, typer.Option(help=INIT_HELP)] = False,
) -> None:
    """Create an organization."""
    from fairdepot.services import organizations

    with _catalogue(init=init) as runtime:
        organizations.add_organization(runtime, name, title=title, moderated=moderated)
    console.print(f"organization {name} added")


@org_app.command("list", cls=_Command)
def org_list() -> None:
    """Print every organization: name, moderated or not, title (tab-separated)."""
    from fairdepot.services import organizations

    with _catalogue() as runtime:
        for org in organizations.list_organizations(runtime):
            moderated = "moderated" if org.moderated else "open"
            typer.echo(f"{org.name}\t{moderated}\t{org.title or ''}")


@org_app.command("namespaces", cls=_Command)
def org_namespaces(
    file: Annotated[
        Path | None,
        typer.Option(
            help='A JSON list of {"id", "title", "description"}: replaces the namespaces.'
        ),
    ] = None,
) -> None:
    """Show the facility's namespaces (gCat's categories of item fields), or set them."""
    from fairdepot.services import namespaces

    with _catalogue() as runtime:
        if file is not None:
            loaded = namespaces.load_namespaces_file(runtime, file)
            console.print(f"{len(loaded)} namespaces set", markup=False)
        for namespace in namespaces.list_namespaces(runtime):
            typer.echo(f"{namespace.id}\t{namespace.title}\t{namespace.description}")


@user_app.command("token", cls=_Command)
def user_token(
    username: Annotated[str, typer.Argument(help="Account the token acts for.")],
    label: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
) -> None:
    """Print a new long-lived API token, usable wherever a bearer token is."""
    from fairdepot.services import accounts

    with _catalogue() as runtime:
        typer.echo(accounts.create_api_token(runtime, username, label))


@user_app.command("load", cls=_Command)
def user_load(
    path: Annotated[Path, typer.Argument(help="A SciCat functionalAccounts.json file.")],
    init: Annotated[bool, typer.Option(help=INIT_HELP)] = False,
) -> None:
    """Load accounts from a SciCat functionalAccounts.json file (idempotent)."""
    from fairdepot.services import accounts

    with _catalogue(init=init) as runtime:
        names = accounts.load_accounts_file(runtime, path)
    console.print(f"loaded {len(names)} accounts")


@blobs_app.command("export", cls=_Command)
def blobs_export(
    folder: Annotated[Path, typer.Argument(help="Folder to copy the blobs into.")],
) -> None:
    """Copy every blob of the configured store into FOLDER (keys become relative paths)."""
    from fairdepot.storage.blobs.local import LocalBlobStore
    from fairdepot.storage.blobs.transfer import copy_all

    with _catalogue() as runtime:
        count = copy_all(runtime.blobs, LocalBlobStore(folder))
    console.print(f"exported {count} blobs to {folder}")


@blobs_app.command("import", cls=_Command)
def blobs_import(
    folder: Annotated[Path, typer.Argument(help="Folder made by `fairdepot blobs export`.")],
    init: Annotated[bool, typer.Option(help=INIT_HELP)] = False,
) -> None:
    """Copy every file under FOLDER into the configured store (the inverse of export)."""
    from fairdepot.storage.blobs.local import LocalBlobStore
    from fairdepot.storage.blobs.transfer import copy_all

    if not folder.is_dir():
        console.print(f"[red]error:[/red] {folder} is not a folder")
        raise typer.Exit(1)
    with _catalogue(init=init) as runtime:
        count = copy_all(LocalBlobStore(folder), runtime.blobs)
    console.print(f"imported {count} blobs from {folder}")


@app.command("backup", cls=_Command)
def backup(
    folder: Annotated[Path, typer.Argument(help="New or empty folder to write the backup to.")],
) -> None:
    """Back up the database and the blobs it needs, consistently, while the server runs."""
    from fairdepot.cli_reports import print_backup
    from fairdepot.services.backup import take_backup

    with _catalogue(behind_ok=True) as runtime:
        if runtime.settings.blob_deletion_grace_seconds == 0:
            console.print(
                "[bold yellow]warning:[/bold yellow] FAIRDEPOT_BLOB_DELETION_GRACE_SECONDS is 0: "
                "a deletion during this backup can remove blobs it still has to copy"
            )
        result = take_backup(runtime, folder, progress=lambda text: console.print(text))
    if not print_backup(console, folder, result):
        raise typer.Exit(1)


@app.command("restore", cls=_Command)
def restore(
    folder: Annotated[Path, typer.Argument(help="Folder written by `fairdepot backup`.")],
) -> None:
    """Restore a backup into an empty database and blob store, then check the result."""
    from fairdepot.cli_reports import print_check, print_restore
    from fairdepot.services.backup import restore_backup
    from fairdepot.services.runtime import build_runtime

    settings = Settings()
    _announce(settings)
    with _reported_errors():
        result = restore_backup(settings, folder, progress=lambda text: console.print(text))
    print_restore(console, result)
    runtime = build_runtime(settings, migrate=False)
    try:
        report = _run_check(runtime, sample=None, orphans=True, min_age=timedelta(0))
    finally:
        runtime.close()
    if not print_check(console, report):
        raise typer.Exit(1)


@app.command("check", cls=_Command)
def check(
    sample: Annotated[
        int | None,
        typer.Option(
            min=1, metavar="N", help="Read only this many files, chosen at random (default: all)."
        ),
    ] = None,
    orphans: Annotated[
        bool, typer.Option("--orphans/--no-orphans", help="List blobs that nothing refers to.")
    ] = True,
    orphan_min_age: Annotated[
        int,
        typer.Option(
            min=0,
            metavar="SECONDS",
            help="Seconds: younger unreferenced blobs may be uploads in flight, not orphans.",
        ),
    ] = 86_400,
) -> None:
    """Verify every record's files (size and sha256) in the blob store; list orphan blobs."""
    from fairdepot.cli_reports import print_check

    with _catalogue() as runtime:
        report = _run_check(
            runtime, sample=sample, orphans=orphans, min_age=timedelta(seconds=orphan_min_age)
        )
    if not print_check(console, report):
        raise typer.Exit(1)


def _run_check(runtime: Runtime, *, sample: int | None, orphans: bool, min_age: timedelta) -> Any:
    from fairdepot.services.fixity import check_catalogue
    from fairdepot.storage.db.blob_references import live_references

    with live_references(runtime.database) as references:
        return check_catalogue(
            references,
            runtime.blobs,
            sample=sample,
            orphans=orphans,
            orphan_min_age=min_age,
            progress=lambda text: console.print(text),
        )


def main() -> None:
    app()
