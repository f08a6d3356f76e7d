"""records: the trash (trashed_at) and moderation (state, message, who decided, when)

Revision ID: 0007
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trashed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "moderation_state", sa.String(length=16), server_default="none", nullable=False
            )
        )
        batch_op.add_column(sa.Column("moderation_message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("moderated_by", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_records_moderation_state"), ["moderation_state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_records_moderation_state"))
        batch_op.drop_column("moderated_at")
        batch_op.drop_column("moderated_by")
        batch_op.drop_column("moderation_message")
        batch_op.drop_column("moderation_state")
        batch_op.drop_column("trashed_at")
