"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fairdepot.storage.db.migrate import include_object_for, upgrade
from fairdepot.storage.db.models import Base


def test_upgrade_from_empty_to_head_matches_the_models(empty_engine) -> None:
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": include_object_for(empty_engine.dialect.name),
            },
        )
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_twice_is_harmless_and_creates_the_search_index(empty_engine) -> None:
    upgrade(empty_engine)
    upgrade(empty_engine)
    tables = set(sa.inspect(empty_engine).get_table_names())
    search_table = "record_fts" if empty_engine.dialect.name == "sqlite" else "record_search"
    assert {"records", "jobs", "relations", "alembic_version", search_table} <= tables


def test_json_columns_are_jsonb_with_gin_indexes_on_postgresql(empty_engine) -> None:
    upgrade(empty_engine)
    inspector = sa.inspect(empty_engine)
    columns = {c["name"]: c["type"] for c in inspector.get_columns("records")}
    indexes = {i["name"] for i in inspector.get_indexes("records")}
    if empty_engine.dialect.name == "postgresql":
        assert type(columns["metadata"]).__name__ == "JSONB"
        assert {"ix_records_native_gin", "ix_records_metadata_gin"} <= indexes
    else:
        assert type(columns["metadata"]).__name__ == "JSON"
    assert "ix_records_face_kind_state" in indexes
