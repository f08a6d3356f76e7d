"""Which of a record's children list a value, found through the value index, not their documents.

A SciCat dataset's held file goes to whoever may read a block that lists its path
(services/file_access.py). Downloading one file must not read every block's `dataFileList`
(2,000 files in 20 blocks made each download 4 to 11 times slower than from 10 files, so
downloading them all was quadratic: docs/performance.md "SciCat held-file downloads"), so
the blocks listing a path are found in SQL, in one statement whatever the number of blocks
and files, and only their access leaves the database.

Why the value index (`record_values`, docs/architecture.md "The query layer"): it already
holds every block's `native.dataFileList.path` values, written with the block in its own
transaction, and its `(path, text, record_pk)` index answers "does block b list p" with one
seek, so nothing new is written or migrated. A table of (file, block) pairs would be exact
without the two cases below, but every block write would have to keep it and a migration
fill it, for what the index already answers. A JSON query over the blocks' documents
(`json_each` / `json_array_elements`) would be exact too, but it parses every block's whole
document on every download: the same O(files) cost, moved into the database.

The index is not a whole copy of a document in two cases, where a block is only *maybe*
listing the value:
- a record's values are capped (MAX_VALUES_PER_RECORD; a block may list up to 100,000
  files): a block whose index lacks `NATIVE_COMPLETE_PATH` may list the value in what was
  not indexed;
- strings are indexed on their first bytes (`index_text`): a longer value found there may
  differ after them.
Such a block comes back as not `sure`, for the caller to read its document by its own rule
when no sure one decides (`core.crosswalks.scicat_files.listed_paths` for blocks), so what
"lists" means is defined once, in core; every other block either lists the value (found in
the index, `sure`) or does not (not returned).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.document_values import NATIVE_COMPLETE_PATH
from fairdepot.core.query import index_text
from fairdepot.core.records import Access, RecordState
from fairdepot.storage.db.models import RecordAccessGroupRow, RecordRow, RecordValueRow
from fairdepot.storage.db.record_loading import ACCESS_COLUMNS
from fairdepot.storage.db.record_mapping import access_of_columns
from fairdepot.storage.db.scope import in_lifecycle


@dataclass(frozen=True)
class ListingChild:
    """An active child that lists the value (`sure`: its index holds the whole value), or
    may (its index is cut off, or holds only the value's first bytes): its key and access."""

    pk: int
    access: Access
    sure: bool


def children_listing(
    session: Session, parent_pk: int, kind: str, path: Sequence[str], value: str
) -> list[ListingChild]:
    """The parent's active children of `kind` whose native document holds the string
    `value` at `path` (through arrays: `("dataFileList", "path")`), or may, oldest first,
    with their access: two statements (the children, their groups), whatever the number of
    children and of values each holds; no document leaves the database."""
    indexed = index_text(value)

    def has_value(at: str, text: str | None) -> sa.Exists:
        condition = [RecordValueRow.record_pk == RecordRow.pk, RecordValueRow.path == at]
        if text is not None:
            condition.append(RecordValueRow.text == text)
        return sa.exists().where(*condition)

    listed = has_value(".".join(("native", *path)), indexed)
    complete = has_value(NATIVE_COMPLETE_PATH, None)
    rows = session.execute(
        sa.select(*ACCESS_COLUMNS, (listed if indexed == value else sa.false()).label("sure"))
        .where(
            RecordRow.parent_pk == parent_pk,
            RecordRow.kind == kind,
            in_lifecycle(RecordState.ACTIVE),
            sa.or_(listed, sa.not_(complete)),
        )
        .order_by(RecordRow.pk)
    ).all()
    groups: dict[int, list[str]] = {}
    if rows:
        for pk, group in session.execute(
            sa.select(RecordAccessGroupRow.record_pk, RecordAccessGroupRow.group_name)
            .where(RecordAccessGroupRow.record_pk.in_([row.pk for row in rows]))
            .order_by(RecordAccessGroupRow.record_pk, RecordAccessGroupRow.group_name)
        ):
            groups.setdefault(pk, []).append(group)
    return [
        ListingChild(row.pk, access_of_columns(row, groups.get(row.pk, [])), bool(row.sure))
        for row in rows
    ]
