"""The staging area of SciCat file uploads: rows of `scicat_staged_files`.

A staged file is one account's upload for a dataset not created yet, found by that account,
the dataset's `sourceFolder` and the file's path in it. Services get `StagedFile` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.timestamps import as_utc
from fairdepot.storage.db.models import StagedFileRow


@dataclass(frozen=True)
class StagedFile:
    """One staged upload: whose it is, where it will belong, and what the bytes are."""

    id: int
    owner_id: str
    source_folder: str
    path: str
    blob_key: str
    size: int
    sha256: str
    md5: str | None
    created_at: datetime


def _value(row: StagedFileRow) -> StagedFile:
    return StagedFile(
        row.id,
        row.owner_id,
        row.source_folder,
        row.path,
        row.blob_key,
        row.size,
        row.sha256,
        row.md5,
        as_utc(row.created_at) or row.created_at,
    )


class StagedFileStore:
    """Reads and writes staged files on the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, staged: StagedFile) -> StagedFile | None:
        """Store `staged` (its `id` is ignored); return the file it replaced at the same
        owner, folder and path, whose blob the caller queues for deletion."""
        old = self.session.scalar(
            sa.select(StagedFileRow)
            .where(
                StagedFileRow.owner_id == staged.owner_id,
                StagedFileRow.source_folder == staged.source_folder,
                StagedFileRow.path == staged.path,
            )
            .with_for_update()
        )
        replaced = _value(old) if old is not None else None
        if old is not None:
            self.session.delete(old)
            self.session.flush()  # the unique (owner, folder, path) must be free again
        self.session.add(
            StagedFileRow(
                owner_id=staged.owner_id,
                source_folder=staged.source_folder,
                path=staged.path,
                blob_key=staged.blob_key,
                size=staged.size,
                sha256=staged.sha256,
                md5=staged.md5,
                created_at=staged.created_at,
            )
        )
        self.session.flush()
        return replaced

    def in_folder(self, source_folder: str, owner_id: str | None = None) -> list[StagedFile]:
        """The files staged for `source_folder` (by `owner_id`, or by anyone), by path."""
        query = sa.select(StagedFileRow).where(StagedFileRow.source_folder == source_folder)
        if owner_id is not None:
            query = query.where(StagedFileRow.owner_id == owner_id)
        rows = self.session.scalars(query.order_by(StagedFileRow.path, StagedFileRow.id))
        return [_value(row) for row in rows]

    def of_owner(self, owner_id: str, folder_prefix: str = "") -> list[StagedFile]:
        """An account's staged files (under a folder, if given), oldest first."""
        query = sa.select(StagedFileRow).where(StagedFileRow.owner_id == owner_id)
        if folder_prefix:
            query = query.where(StagedFileRow.source_folder == folder_prefix)
        rows = self.session.scalars(query.order_by(StagedFileRow.id))
        return [_value(row) for row in rows]

    def remove(self, ids: list[int]) -> int:
        """Drop the rows (their blobs are the caller's: linked to a record, or queued); how
        many were still there (fewer: a concurrent unit of work took some)."""
        if not ids:
            return 0
        result = self.session.execute(sa.delete(StagedFileRow).where(StagedFileRow.id.in_(ids)))
        return int(getattr(result, "rowcount", 0) or 0)
