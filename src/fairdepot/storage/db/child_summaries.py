"""A record's children summarised in SQL, without decoding their documents.

A SciCat dataset's totals (`size`, `numberOfFiles`) are sums over its origdatablocks'
summaries (each block's size and number of files, read by the database), and its JSON-LD
lists at most a bounded number of their files: a block write must not load every block's
`dataFileList` into Python to find either, or its cost grows with the dataset
(docs/performance.md "SciCat block writes"). Each function here is one statement whatever
the number of children; what a child's document holds is read by the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.records import Access, PublicationStatus, RecordState
from fairdepot.storage.db.models import RecordAccessGroupRow, RecordRow
from fairdepot.storage.db.scope import in_lifecycle


@dataclass(frozen=True)
class ChildSummary:
    """One active child: its key, its access (with its groups), how many items the array at
    its native document's `items_key` holds (a block's files) and the number at its
    `number_key` (a block's size); a dataset's totals are their sums."""

    pk: int
    access: Access
    items: int
    number: int


def native_array_length(dialect: str, key: str) -> sa.ColumnElement[Any]:
    """The length of the array at the native document's top-level `key`; 0 if not one."""
    if dialect == "postgresql":
        items = sa.func.json_extract_path(RecordRow.native_doc, key)
        return sa.case(
            (sa.func.json_typeof(items) == "array", sa.func.json_array_length(items)), else_=0
        )
    length = sa.func.json_array_length(RecordRow.native_doc, f"$.{key}")
    return sa.func.coalesce(length, 0)


def _number(dialect: str, key: str) -> sa.ColumnElement[Any]:
    """The number at the native document's top-level `key`; 0 if it holds none."""
    if dialect == "postgresql":
        value = sa.func.json_extract_path(RecordRow.native_doc, key)
        text = sa.func.json_extract_path_text(RecordRow.native_doc, key)
        return sa.case((sa.func.json_typeof(value) == "number", sa.cast(text, sa.Numeric)), else_=0)
    kind = sa.func.json_type(RecordRow.native_doc, f"$.{key}")
    value = sa.func.json_extract(RecordRow.native_doc, f"$.{key}")
    return sa.case((kind.in_(("integer", "real")), value), else_=0)


def _of(parent_pk: int, kind: str) -> list[sa.ColumnElement[bool]]:
    return [
        RecordRow.parent_pk == parent_pk,
        RecordRow.kind == kind,
        in_lifecycle(RecordState.ACTIVE),
    ]


def child_summaries(
    session: Session, parent_pk: int, kind: str, *, items_key: str, number_key: str
) -> list[ChildSummary]:
    """The parent's active children of `kind`, oldest first, each with its access, the
    length of its `items_key` array and its `number_key` number: two statements (the rows'
    columns, their groups), whatever the children's documents hold."""
    dialect = session.get_bind().dialect.name
    rows = session.execute(
        sa.select(
            RecordRow.pk,
            RecordRow.owner_id,
            RecordRow.owner_group,
            RecordRow.publication_status,
            native_array_length(dialect, items_key),
            _number(dialect, number_key),
        )
        .where(*_of(parent_pk, kind))
        .order_by(RecordRow.pk)
    ).all()
    if not rows:
        return []
    groups: dict[int, list[str]] = {}
    for pk, group in session.execute(
        sa.select(RecordAccessGroupRow.record_pk, RecordAccessGroupRow.group_name)
        .join(RecordRow, RecordRow.pk == RecordAccessGroupRow.record_pk)
        .where(*_of(parent_pk, kind))
        .order_by(RecordAccessGroupRow.record_pk, RecordAccessGroupRow.group_name)
    ):
        groups.setdefault(pk, []).append(group)
    return [
        ChildSummary(
            pk=pk,
            access=Access(
                owner_id=owner_id,
                owner_group=owner_group,
                access_groups=groups.get(pk, []),
                publication=PublicationStatus(publication),
            ),
            items=int(items or 0),
            number=int(number or 0),
        )
        for pk, owner_id, owner_group, publication, items, number in rows
    ]


def native_documents(session: Session, pks: Sequence[int]) -> list[dict[str, Any]]:
    """The native documents of the records `pks`, in that order (one statement)."""
    if not pks:
        return []
    found: dict[int, dict[str, Any] | None] = dict(
        session.execute(
            sa.select(RecordRow.pk, RecordRow.native_doc).where(RecordRow.pk.in_(list(pks)))
        ).all()
    )
    return [found.get(pk) or {} for pk in pks]
