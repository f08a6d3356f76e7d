"""JSON columns keep their text as written on PostgreSQL (json instead of jsonb)

Revision ID: 0014
Revises: 0013

A client reads back the fields it wrote in the order it wrote them (SciCat's
`scientificMetadata`, a sample's `sampleCharacteristics`): JSONB normalises objects (shorter
keys first), `json` stores the text. No query looks inside these columns (paths are queried
through `record_values`, migration 0008), so the GIN indexes over `native` and `metadata`,
which only JSONB can have, go. Rows written before this migration were already reordered by
JSONB and stay in that order. SQLite keeps JSON as text already: nothing changes there, and no
table is rebuilt (its change_stamp triggers, migration 0010, stay).
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

JSON_COLUMNS = {
    "users": ("groups",),
    "records": (
        "types",
        "keywords",
        "metadata",
        "native",
        "extra",
        "archive_layout",
        "tombstone",
    ),
    "record_revisions": ("metadata", "native"),
    "jobs": ("payload", "result", "error"),
}
GIN_COLUMNS = ("native", "metadata")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in GIN_COLUMNS:
        op.drop_index(f"ix_records_{column}_gin", table_name="records", if_exists=True)
    for table, columns in JSON_COLUMNS.items():
        changes = ", ".join(
            f'ALTER COLUMN "{c}" TYPE json USING "{c}"::text::json' for c in columns
        )
        op.execute(f'ALTER TABLE "{table}" {changes}')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in JSON_COLUMNS.items():
        changes = ", ".join(f'ALTER COLUMN "{c}" TYPE jsonb USING "{c}"::jsonb' for c in columns)
        op.execute(f'ALTER TABLE "{table}" {changes}')
    for column in GIN_COLUMNS:
        op.create_index(
            f"ix_records_{column}_gin",
            "records",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "jsonb_path_ops"},
        )
