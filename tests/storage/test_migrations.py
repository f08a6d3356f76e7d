"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

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


def test_json_columns_keep_their_text_on_postgresql_and_have_no_gin_indexes(empty_engine) -> None:
    """PostgreSQL `json`, not `jsonb` (which reorders keys): what a client wrote is read back."""
    upgrade(empty_engine)
    inspector = sa.inspect(empty_engine)
    indexes = {i["name"] for i in inspector.get_indexes("records")}
    for table, names in {
        "records": ("metadata", "native", "extra", "types", "keywords", "tombstone"),
        "record_revisions": ("metadata", "native"),
        "jobs": ("payload", "result", "error"),
        "users": ("groups",),
    }.items():
        columns = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        assert {type(columns[n]).__name__ for n in names} == {"JSON"}, table
    assert not {"ix_records_native_gin", "ix_records_metadata_gin"} & indexes
    assert "ix_records_face_kind_state" in indexes


def test_upgrade_from_0012_keeps_the_stored_documents(empty_engine) -> None:
    """Rows written under JSONB (0012) survive the change of type with their values."""
    upgrade(empty_engine, "0012")
    document = {"zeta": 1, "a": {"bb": [1, "two"], "c": None}}
    records = sa.table(
        "records",
        *(sa.column(n) for n in ("ark", "ark_key", "kind", "face", "revision", "created_at")),
        *(sa.column(n) for n in ("updated_at", "metadata_public", "group_write", "state")),
        *(sa.column(n) for n in ("publication_status",)),
        *(sa.column(n, sa.JSON) for n in ("metadata", "native", "extra", "types", "keywords")),
    )
    with empty_engine.begin() as connection:
        connection.execute(
            sa.insert(records).values(
                ark="ark:99999/fd1old",
                ark_key="99999/fd1old",
                kind="dataset",
                face="scicat",
                revision=1,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
                updated_at=datetime(2026, 1, 1, tzinfo=UTC),
                metadata_public=False,
                group_write=False,
                state="active",
                publication_status="DRAFT",
                metadata=document,
                native=document,
                extra={},
                types=["Dataset"],
                keywords=[],
            )
        )
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        stored = connection.execute(sa.select(records)).one()
    assert stored.metadata == document
    assert stored.native == document
    assert stored.types == ["Dataset"]
