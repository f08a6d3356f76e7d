"""Apply Alembic migrations programmatically (no alembic.ini to ship or find)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

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
    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
