"""indexes for face queries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:53:42.141489
"""

import sqlalchemy as sa  # noqa: F401 - kept for the template's sake
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_GIN = ("native", "metadata")


def upgrade() -> None:
    op.create_index("ix_records_face_kind_state", "records", ["face", "kind", "state"])
    if op.get_bind().dialect.name == "postgresql":
        for column in _GIN:
            op.create_index(
                f"ix_records_{column}_gin",
                "records",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "jsonb_path_ops"},
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in _GIN:
            op.drop_index(f"ix_records_{column}_gin", table_name="records")
    op.drop_index("ix_records_face_kind_state", table_name="records")
