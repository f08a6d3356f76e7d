"""Which catalogue a command works on, and whether it is there and at this release's schema.

A command run from the wrong folder must not quietly create a new, empty catalogue there (an
account added to it could never log in to the real server), nor change the schema of a live
database as a side effect. So every operator command first *locates* its catalogue, says which
it is, and opens it only if it exists at the schema this release expects:

- embedded (SQLite): the catalogue exists when its database file does;
- PostgreSQL: the database must exist (the operator creates it); the catalogue exists when the
  database has fairdepot's schema (an `alembic_version` row). Creating that schema in a new,
  empty database is what `fairdepot db upgrade` is for.

Only `serve` in embedded mode, `db upgrade` and commands given `--init` create or migrate.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from fairdepot.config import Settings
from fairdepot.core.errors import CatalogueError, DependencyUnavailable
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.storage.db.engine import create_engine, describe_database
from fairdepot.storage.db.migrate import current_revision, head_revision, known_revisions


class CatalogueUnavailable(CatalogueError):
    """The catalogue is missing, unreachable or at another schema revision."""


class SchemaState(enum.Enum):
    MISSING = "missing"  # no database file / no fairdepot schema in the database
    BEHIND = "behind"  # an older revision: `fairdepot db upgrade`
    CURRENT = "current"
    UNKNOWN = "unknown"  # a revision this release does not know (a newer release migrated it)


@dataclass(frozen=True)
class CatalogueLocation:
    data_dir: Path
    database_url: str  # password hidden
    storage_url: str
    embedded_database: Path | None  # the SQLite file, when embedded

    def describe(self) -> str:
        return (
            f"catalogue: data folder {self.data_dir}, database {self.database_url}, "
            f"storage {self.storage_url}"
        )


def locate(settings: Settings) -> CatalogueLocation:
    database_url, sqlite_file = describe_database(settings.resolved_database_url)
    storage = settings.storage_url.strip() or str(settings.data_dir.resolve() / "blobs")
    return CatalogueLocation(
        data_dir=settings.data_dir.resolve(),
        database_url=database_url,
        storage_url=storage,
        embedded_database=sqlite_file,
    )


def schema_state(settings: Settings) -> tuple[SchemaState, str | None]:
    """(state, current revision), without creating anything."""
    location = locate(settings)
    if location.embedded_database is not None and not location.embedded_database.exists():
        return SchemaState.MISSING, None
    engine = create_engine(settings.resolved_database_url)
    try:
        revision = current_revision(engine)
    except DependencyUnavailable as exc:  # the engine's hook translated the driver's error
        cause = exc.cause.strip().splitlines()[0] if exc.cause.strip() else exc.dependency
        raise CatalogueUnavailable(
            f"cannot reach the database {location.database_url}: {cause}"
        ) from exc
    finally:
        engine.dispose()
    if revision is None:
        return SchemaState.MISSING, None
    head = head_revision()
    if revision == head:
        return SchemaState.CURRENT, revision
    return (SchemaState.BEHIND if revision in known_revisions() else SchemaState.UNKNOWN), revision


def open_catalogue(settings: Settings, *, init: bool = False, behind_ok: bool = False) -> Runtime:
    """The runtime of an existing catalogue at head; `init` creates a missing one instead.

    `behind_ok` lets read-only commands such as `backup` work on an older schema (a backup
    taken before an upgrade is the most useful one); nothing is migrated then either.
    """
    state, revision = schema_state(settings)
    location = locate(settings)
    if state is SchemaState.MISSING:
        if not init:
            raise CatalogueUnavailable(missing_hint(location))
        return build_runtime(settings, migrate=True)
    if state is SchemaState.UNKNOWN:
        raise CatalogueUnavailable(
            f"the database schema is at revision {revision}, which this release of fairdepot "
            f"does not know (it expects {head_revision()}); use the release that migrated it"
        )
    if state is SchemaState.BEHIND and not behind_ok:
        raise CatalogueUnavailable(
            f"the database schema is at revision {revision}, this release expects "
            f"{head_revision()}: run `fairdepot db upgrade` first"
        )
    return build_runtime(settings, migrate=False)


def missing_hint(location: CatalogueLocation) -> str:
    if location.embedded_database is not None:
        where = f"no catalogue in {location.data_dir} (no {location.embedded_database.name})"
    else:
        where = f"the database {location.database_url} has no fairdepot schema"
    return (
        f"{where}. Set FAIRDEPOT_DATA_DIR (or FAIRDEPOT_DATABASE_URL) to the catalogue your "
        "server uses, or pass --init to create a new, empty catalogue there"
    )
