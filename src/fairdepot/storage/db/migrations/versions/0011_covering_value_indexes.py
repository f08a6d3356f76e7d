"""value indexes that also hold the record: (path, typed value, record_pk)

A sort by a document path walks (path, value, record_pk) in order and seeks a keyset cursor in
it; a facet counts distinct records per value from the index alone. They replace the
(path, value) indexes of 0008, of which they are a superset.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TYPED = ("number", "text", "time", "boolean")


def upgrade() -> None:
    with op.batch_alter_table("record_values", schema=None) as batch_op:
        for column in _TYPED:
            batch_op.create_index(
                f"ix_record_values_path_{column}_record_pk", ["path", column, "record_pk"]
            )
            batch_op.drop_index(f"ix_record_values_path_{column}")


def downgrade() -> None:
    with op.batch_alter_table("record_values", schema=None) as batch_op:
        for column in _TYPED:
            batch_op.create_index(f"ix_record_values_path_{column}", ["path", column])
            batch_op.drop_index(f"ix_record_values_path_{column}_record_pk")
