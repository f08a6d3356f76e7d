"""Alembic environment: runs against the connection or URL handed in by fairdepot.db."""

from __future__ import annotations

from alembic import context

from fairdepot.storage.db.migrate import include_object_for
from fairdepot.storage.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("fairdepot runs migrations with an open connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object_for(connection.dialect.name),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
