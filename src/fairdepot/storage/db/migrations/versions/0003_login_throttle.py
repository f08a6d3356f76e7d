"""login throttle: counters of failed logins

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_attempts")),
    )
    op.create_index(op.f("ix_login_attempts_window_ends_at"), "login_attempts", ["window_ends_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_attempts_window_ends_at"), table_name="login_attempts")
    op.drop_table("login_attempts")
