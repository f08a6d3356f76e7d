"""Writes a record's value index (`record_values`), in the record's own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.document_values import document_values
from fairdepot.storage.db.models import RecordValueRow


def write_values(session: Session, record_pk: int, native: Any, metadata: Any) -> None:
    """Replace the record's indexed values with those of its current documents."""
    remove_values(session, record_pk)
    write_values_many(session, [(record_pk, native, metadata)])


def write_values_many(session: Session, documents: Sequence[tuple[int, Any, Any]]) -> None:
    """The indexed values of new records, (pk, native, metadata) each, in one executemany."""
    rows = [
        {
            "record_pk": record_pk,
            "path": v.path,
            "number": v.number,
            "text": v.text,
            "boolean": v.boolean,
            "time": v.time,
        }
        for record_pk, native, metadata in documents
        for v in document_values(native, metadata)
    ]
    if rows:  # one executemany through Core: the ORM's bulk path costs more than the rows
        session.connection().execute(sa.insert(RecordValueRow.__table__), rows)


def remove_values(session: Session, record_pk: int) -> None:
    session.execute(sa.delete(RecordValueRow).where(RecordValueRow.record_pk == record_pk))
