"""records.change_stamp: a per-record counter that every change of what decides access bumps

Revision ID: 0010
Revises: 0009

The resolver keeps a record's access attributes in a per-process cache and, before serving
from it, reads only this column (one indexed single-row read) to see whether anything changed
(docs/performance.md §Resolver). Triggers, not the application, bump it, so that no write path
can forget to: any UPDATE of the record's row, any insert, update or delete of its access
groups, and a change of its owner's e-mail (which the owner's view shows). It is bumped in the
writing transaction itself, so a reader never sees a change without its new stamp.

SQLite drops a table's triggers with the table: a later migration that rebuilds `records`,
`record_access_groups` or `users` (batch mode with recreate) must create these again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "records_change_stamp": """
        CREATE TRIGGER records_change_stamp AFTER UPDATE ON records
        FOR EACH ROW WHEN NEW.change_stamp = OLD.change_stamp
        BEGIN
            UPDATE records SET change_stamp = OLD.change_stamp + 1 WHERE pk = NEW.pk;
        END""",
    "record_access_groups_change_stamp_insert": """
        CREATE TRIGGER record_access_groups_change_stamp_insert
        AFTER INSERT ON record_access_groups FOR EACH ROW
        BEGIN
            UPDATE records SET change_stamp = change_stamp + 1 WHERE pk = NEW.record_pk;
        END""",
    "record_access_groups_change_stamp_update": """
        CREATE TRIGGER record_access_groups_change_stamp_update
        AFTER UPDATE ON record_access_groups FOR EACH ROW
        BEGIN
            UPDATE records SET change_stamp = change_stamp + 1
            WHERE pk IN (NEW.record_pk, OLD.record_pk);
        END""",
    "record_access_groups_change_stamp_delete": """
        CREATE TRIGGER record_access_groups_change_stamp_delete
        AFTER DELETE ON record_access_groups FOR EACH ROW
        BEGIN
            UPDATE records SET change_stamp = change_stamp + 1 WHERE pk = OLD.record_pk;
        END""",
    "users_change_stamp": """
        CREATE TRIGGER users_change_stamp AFTER UPDATE OF email ON users
        FOR EACH ROW WHEN NEW.email IS NOT OLD.email
        BEGIN
            UPDATE records SET change_stamp = change_stamp + 1 WHERE owner_id = NEW.id;
        END""",
}

POSTGRESQL_UPGRADE = [
    """
    CREATE FUNCTION fairdepot_records_change_stamp() RETURNS trigger AS $$
    BEGIN
        NEW.change_stamp := OLD.change_stamp + 1;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """
    CREATE TRIGGER records_change_stamp BEFORE UPDATE ON records
    FOR EACH ROW EXECUTE FUNCTION fairdepot_records_change_stamp()""",
    """
    CREATE FUNCTION fairdepot_record_access_groups_change_stamp() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE records SET change_stamp = change_stamp + 1 WHERE pk = NEW.record_pk;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            UPDATE records SET change_stamp = change_stamp + 1 WHERE pk = OLD.record_pk;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """
    CREATE TRIGGER record_access_groups_change_stamp
    AFTER INSERT OR UPDATE OR DELETE ON record_access_groups
    FOR EACH ROW EXECUTE FUNCTION fairdepot_record_access_groups_change_stamp()""",
    """
    CREATE FUNCTION fairdepot_users_change_stamp() RETURNS trigger AS $$
    BEGIN
        UPDATE records SET change_stamp = change_stamp + 1 WHERE owner_id = NEW.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """
    CREATE TRIGGER users_change_stamp AFTER UPDATE OF email ON users
    FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION fairdepot_users_change_stamp()""",
]

POSTGRESQL_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS users_change_stamp ON users",
    "DROP TRIGGER IF EXISTS record_access_groups_change_stamp ON record_access_groups",
    "DROP TRIGGER IF EXISTS records_change_stamp ON records",
    "DROP FUNCTION IF EXISTS fairdepot_users_change_stamp()",
    "DROP FUNCTION IF EXISTS fairdepot_record_access_groups_change_stamp()",
    "DROP FUNCTION IF EXISTS fairdepot_records_change_stamp()",
]


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("change_stamp", sa.Integer(), server_default="0", nullable=False)
        )
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_UPGRADE:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_DOWNGRADE:
            op.execute(statement)
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("change_stamp")
