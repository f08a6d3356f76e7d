"""The blob-deletion outbox: blobs queued in a transaction, deleted after it commits.

A blob is deleted only when no record refers to it and the grace period has passed since the
*last* transaction that queued it (docs/architecture.md, "Clean-up after commit"). The rows
stay here; the service that applies the outbox sees `QueuedDeletion`s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.storage.db.models import BlobDeletionRow, RecordFileRow, RecordRow, StagedFileRow


@dataclass(frozen=True)
class QueuedDeletion:
    id: int
    blob_key: str
    is_prefix: bool


class BlobOutbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def due(self, cutoff: datetime, limit: int = 1000) -> list[QueuedDeletion]:
        """Entries queued at or before `cutoff`, oldest first."""
        rows = self.session.scalars(
            sa.select(BlobDeletionRow)
            .where(BlobDeletionRow.created_at <= cutoff)
            .order_by(BlobDeletionRow.id)
            .limit(limit)
        )
        return [QueuedDeletion(row.id, row.blob_key, bool(row.is_prefix)) for row in rows]

    def queued_since(self, cutoff: datetime, keys: set[str]) -> set[str]:
        """Which of `keys` were queued again after `cutoff` (their grace period is not over)."""
        if not keys:
            return set()
        return set(
            self.session.scalars(
                sa.select(BlobDeletionRow.blob_key).where(
                    BlobDeletionRow.created_at > cutoff, BlobDeletionRow.blob_key.in_(keys)
                )
            )
        )

    def is_referenced(self, blob_key: str) -> bool:
        """Whether a record's file, a crate's archive or a staged upload still names it."""
        return bool(
            self.session.scalar(
                sa.select(sa.func.count())
                .select_from(RecordFileRow)
                .where(RecordFileRow.blob_key == blob_key)
            )
            or self.session.scalar(
                sa.select(sa.func.count())
                .select_from(RecordRow)
                .where(RecordRow.archive_blob_key == blob_key)
            )
            or self.session.scalar(
                sa.select(sa.func.count())
                .select_from(StagedFileRow)
                .where(StagedFileRow.blob_key == blob_key)
            )
        )

    def remove(self, entry: QueuedDeletion) -> None:
        self.session.execute(sa.delete(BlobDeletionRow).where(BlobDeletionRow.id == entry.id))
