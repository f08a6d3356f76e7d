"""Apply Alembic migrations programmatically (no alembic.ini to ship or find)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from fairdepot.core.errors import DependencyUnavailable
from fairdepot.storage.db.engine import DATABASE, WRITE_OPTION
from fairdepot.storage.db.locks import MIGRATIONS_LOCK, lock_for_transaction

MIGRATIONS = Path(__file__).parent / "migrations"
# The full-text index is not a model table (FTS5 / tsvector), so autogenerate must not drop it.
SEARCH_TABLES = frozenset(
    {
        "record_fts",
        "record_fts_data",
        "record_fts_idx",
        "record_fts_content",
        "record_fts_docsize",
        "record_fts_config",
        "record_search",
    }
)


POSTGRESQL_ONLY_INDEX_SUFFIX = "_gin"


def include_object_for(dialect: str) -> Callable[[object, str | None, str, bool, object], bool]:
    """Alembic autogenerate filter: not the search tables, nor GIN indexes outside PostgreSQL."""

    def include_object(
        obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
    ) -> bool:
        if type_ == "table" and name in SEARCH_TABLES:
            return False
        return not (
            type_ == "index"
            and dialect != "postgresql"
            and name is not None
            and name.endswith(POSTGRESQL_ONLY_INDEX_SUFFIX)
        )

    return include_object


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate in one transaction under a lock, so N processes may call this at the same moment.

    The first to take the lock migrates; the others wait, then find the schema at `revision`
    and do nothing (PostgreSQL: an advisory lock; SQLite: `BEGIN IMMEDIATE`, see locks.py).
    Alembic runs inside the transaction begun here rather than its own per migration.
    """
    config = alembic_config(engine)
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        connection.begin()
        lock_for_transaction(connection, MIGRATIONS_LOCK)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def head_revision() -> str:
    """The schema revision this release expects."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None when it has no fairdepot schema yet.

    This is the first connection an operator command makes. Outages are already
    `DependencyUnavailable` (the engine's hook); a database that cannot be opened at all
    (SQLite's "unable to open database file") is not one to the hook, since a retry will not
    cure it, but to this check it means the same: the catalogue cannot be reached.
    """
    from alembic.migration import MigrationContext

    from fairdepot.storage.db.engine import DatabaseFailed

    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DatabaseFailed as error:  # the engine's hook turned OperationalError into this
        raise DependencyUnavailable(DATABASE, error.reason) from error
    except sa.exc.OperationalError as error:  # an engine made without the hook
        reason = str(error.orig or error).strip().splitlines()
        raise DependencyUnavailable(
            DATABASE, reason[0] if reason else type(error).__name__
        ) from error


def user_tables(engine: Engine) -> list[str]:
    """Tables of any kind in the database: an empty restore target has none."""
    import sqlalchemy as sa

    inspector = sa.inspect(engine)
    return [
        f"{schema}.{table}" if schema else table
        for schema in inspector.get_schema_names()
        if schema not in {"information_schema", "pg_catalog", "pg_toast"}
        for table in inspector.get_table_names(schema=schema)
    ]
