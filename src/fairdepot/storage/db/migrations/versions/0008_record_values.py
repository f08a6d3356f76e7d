"""the query layer's value index (record_values), backfilled; full text over every string

Revision ID: 0008
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BATCH = 500


def upgrade() -> None:
    op.create_table(
        "record_values",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "record_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("number", sa.Double(), nullable=True),
        sa.Column("text", sa.String(length=1000), nullable=True),
        sa.Column("boolean", sa.Boolean(), nullable=True),
        sa.Column("time", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_pk"],
            ["records.pk"],
            name=op.f("fk_record_values_record_pk_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_values")),
    )
    with op.batch_alter_table("record_values", schema=None) as batch_op:
        for name, columns in (
            ("ix_record_values_path_number", ["path", "number"]),
            ("ix_record_values_path_text", ["path", "text"]),
            ("ix_record_values_path_time", ["path", "time"]),
            ("ix_record_values_path_boolean", ["path", "boolean"]),
            ("ix_record_values_record_pk_path", ["record_pk", "path"]),
        ):
            batch_op.create_index(name, columns, unique=False)
    _backfill()


def _backfill() -> None:
    """Index the values and every string of the records that exist already."""
    from sqlalchemy.orm import Session

    from fairdepot.storage.db.models import JSONType
    from fairdepot.storage.db.values import write_values
    from fairdepot.storage.search import search_document_of, search_index_for

    bind = op.get_bind()
    search = search_index_for(bind.dialect.name)
    session = Session(bind=bind)
    # the columns as this revision knows them (not the model, which later revisions change)
    records = sa.table(
        "records",
        sa.column("pk", sa.Integer),
        sa.column("state", sa.String),
        sa.column("name", sa.Text),
        sa.column("description", sa.Text),
        sa.column("keywords", JSONType),
        sa.column("native", JSONType),
        sa.column("metadata", JSONType),
    )
    last = 0
    while True:
        rows = session.execute(
            sa.select(records)
            .where(records.c.pk > last, records.c.state == "active")
            .order_by(records.c.pk)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            write_values(session, row.pk, row.native, row.metadata)
            search.put(
                session,
                row.pk,
                search_document_of(
                    row.name, row.description, row.keywords, row.native, row.metadata
                ),
            )
        last = rows[-1].pk


def downgrade() -> None:
    op.drop_table("record_values")
