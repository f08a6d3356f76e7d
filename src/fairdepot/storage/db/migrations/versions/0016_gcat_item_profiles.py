"""gCat item profiles: one table of each organization's profiles, their XML as uploaded

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_profiles",
        sa.Column("organization", sa.String(100), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["organizations.name"],
            name="fk_item_profiles_organization_organizations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization", "name", name="pk_item_profiles"),
    )


def downgrade() -> None:
    op.drop_table("item_profiles")
