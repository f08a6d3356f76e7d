"""an index on records.metadata_public

A restricted read scope is driven from a union of index lookups (storage/db/scope.py); the
metadata-public branch is one of them and had no index, so it would have scanned `records`.
A plain CREATE INDEX: the table is not rebuilt, and its change_stamp triggers stay.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_records_metadata_public", "records", ["metadata_public"])


def downgrade() -> None:
    op.drop_index("ix_records_metadata_public", table_name="records")
