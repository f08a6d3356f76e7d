"""Alembic environment: runs against the connection or URL handed in by fairdepot.db."""

from __future__ import annotations

from alembic import context

from fairdepot.storage.db.models import Base

config = context.config
target_metadata = Base.metadata

# The full-text index is not a model table (FTS5 / tsvector), so autogenerate must not drop it.
SEARCH_OBJECTS = {
    "record_fts",
    "record_fts_data",
    "record_fts_idx",
    "record_fts_content",
    "record_fts_docsize",
    "record_fts_config",
    "record_search",
}


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name in SEARCH_OBJECTS)


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("fairdepot runs migrations with an open connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
