"""Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fairdepot.storage.db.engine import create_engine
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import Base


def _diff(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _include}
        )
        return compare_metadata(context, Base.metadata)


def _include(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and (name.startswith("record_fts") or name == "record_search"))


def test_upgrade_from_empty_to_head_matches_the_models(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    assert _diff(engine) == []


def test_upgrade_twice_is_harmless(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'twice.db'}")
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as connection:
        tables = {
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='table'"
            )
        }
    assert {"records", "jobs", "record_fts", "alembic_version"} <= tables
