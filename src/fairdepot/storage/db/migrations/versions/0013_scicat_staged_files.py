"""scicat_staged_files: files a SciCat client uploads before it creates their dataset

A new table only: no existing table is rebuilt, so the change_stamp triggers stay.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scicat_staged_files",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "owner_id",
            sa.String(36),
            sa.ForeignKey(
                "users.id",
                ondelete="CASCADE",
                name="fk_scicat_staged_files_owner_id_users",
            ),
            nullable=False,
        ),
        sa.Column("source_folder", sa.String(1024), nullable=False),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("blob_key", sa.String(1024), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("md5", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scicat_staged_files"),
        sa.UniqueConstraint(
            "owner_id",
            "source_folder",
            "path",
            name="uq_scicat_staged_files_owner_id_source_folder_path",
        ),
        sa.UniqueConstraint("blob_key", name="uq_scicat_staged_files_blob_key"),
    )
    op.create_index(
        "ix_scicat_staged_files_source_folder", "scicat_staged_files", ["source_folder"]
    )


def downgrade() -> None:
    op.drop_index("ix_scicat_staged_files_source_folder", table_name="scicat_staged_files")
    op.drop_table("scicat_staged_files")
