"""CKAN's fields of organizations and collections (uuid, description, image_url, state, extras),
users' `about` and `active`, and the facility's namespaces (gCat)

Columns are added, no table is rebuilt (SQLite's ALTER TABLE ADD COLUMN), so the change_stamp
triggers stay; existing organizations and collections get a uuid each.

Revision ID: 0015
Revises: 0014
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_GROUP_TABLES = ("organizations", "collections")


def upgrade() -> None:
    for table in _GROUP_TABLES:
        op.add_column(table, sa.Column("uuid", sa.String(36), nullable=True))
        op.add_column(table, sa.Column("description", sa.Text(), server_default="", nullable=False))
        op.add_column(
            table, sa.Column("image_url", sa.String(2048), server_default="", nullable=False)
        )
        op.add_column(
            table, sa.Column("state", sa.String(16), server_default="active", nullable=False)
        )
        op.add_column(table, sa.Column("extras", sa.JSON(), server_default="[]", nullable=False))
        op.create_index(f"ix_{table}_uuid", table, ["uuid"], unique=True)
    connection = op.get_bind()
    names = {"organizations": "name", "collections": "id"}
    for table, key in names.items():
        rows = sa.table(table, sa.column(key), sa.column("uuid"))
        for (value,) in connection.execute(sa.select(rows.c[key])).all():
            connection.execute(
                rows.update().where(rows.c[key] == value).values(uuid=str(uuid.uuid4()))
            )
    op.add_column("users", sa.Column("about", sa.Text(), nullable=True))
    op.add_column(
        "users", sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.create_table(
        "namespaces",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_namespaces"),
    )


def downgrade() -> None:
    op.drop_table("namespaces")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("active")
        batch.drop_column("about")
    for table in _GROUP_TABLES:
        op.drop_index(f"ix_{table}_uuid", table_name=table)
        with op.batch_alter_table(table) as batch:
            for column in ("extras", "state", "image_url", "description", "uuid"):
                batch.drop_column(column)
