"""organizations, memberships (user x organization x role), collections; records in an organization

Revision ID: 0006
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BIG_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=True),
        sa.Column("moderated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_organizations")),
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("organization", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["organizations.name"],
            name=op.f("fk_memberships_organization_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_memberships_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "organization", "role", name=op.f("pk_memberships")),
    )
    op.create_index(
        op.f("ix_memberships_organization"), "memberships", ["organization"], unique=False
    )
    op.create_table(
        "collections",
        sa.Column("id", _BIG_PK, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=True),
        sa.Column("organization", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["organizations.name"],
            name=op.f("fk_collections_organization_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
        sa.UniqueConstraint("name", name=op.f("uq_collections_name")),
    )
    op.create_index(
        op.f("ix_collections_organization"), "collections", ["organization"], unique=False
    )
    op.create_table(
        "collection_records",
        sa.Column("collection_id", _BIG_PK, nullable=False),
        sa.Column("record_pk", _BIG_PK, nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_collection_records_collection_id_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_pk"],
            ["records.pk"],
            name=op.f("fk_collection_records_record_pk_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("collection_id", "record_pk", name=op.f("pk_collection_records")),
    )
    op.create_index(
        op.f("ix_collection_records_record_pk"), "collection_records", ["record_pk"], unique=False
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organization", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_records_organization"), ["organization"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_records_organization_organizations"),
            "organizations",
            ["organization"],
            ["name"],
        )


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_records_organization_organizations"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_records_organization"))
        batch_op.drop_column("organization")
    op.drop_index(op.f("ix_collection_records_record_pk"), table_name="collection_records")
    op.drop_table("collection_records")
    op.drop_index(op.f("ix_collections_organization"), table_name="collections")
    op.drop_table("collections")
    op.drop_index(op.f("ix_memberships_organization"), table_name="memberships")
    op.drop_table("memberships")
    op.drop_table("organizations")
