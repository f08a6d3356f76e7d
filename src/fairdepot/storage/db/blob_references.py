"""Which blobs the database refers to, and what it says about them.

Read by `fairdepot check` (are they all there, intact; which blobs does nobody need) and by
`fairdepot backup` (which blobs a database snapshot needs). Only explicit columns that exist
since the first migration are selected, so a backup works on a database not yet upgraded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fairdepot.storage.db.engine import Database
from fairdepot.storage.db.models import (
    BlobDeletionRow,
    JobRow,
    RecordFileRow,
    RecordRow,
    StagedFileRow,
)

UNFINISHED_JOB_STATES = ("PENDING", "PROCESSING")


@dataclass(frozen=True)
class BlobReference:
    """A blob the database needs, who needs it, and the size and checksums it recorded."""

    key: str
    owner: str  # the record's ARK, or `job <id>`
    path: str | None  # the file's path in its record; None for an archive or an upload
    size: int | None
    sha256: str | None
    md5: str | None

    def describe(self) -> str:
        return f"{self.owner} {self.path}" if self.path else f"{self.owner} ({self.key})"


def file_references(
    connection: Connection, *, sample: int | None = None
) -> Iterator[BlobReference]:
    """Every stored file of every record (or `sample` of them, chosen at random)."""
    query = (
        sa.select(
            RecordFileRow.blob_key,
            RecordRow.ark,
            RecordFileRow.path,
            RecordFileRow.size,
            RecordFileRow.sha256,
            RecordFileRow.md5,
        )
        .join(RecordRow, RecordRow.pk == RecordFileRow.record_pk)
        .where(RecordFileRow.blob_key.is_not(None))
    )
    query = (
        query.order_by(sa.func.random()).limit(sample)
        if sample is not None
        else query.order_by(RecordFileRow.id)
    )
    for key, ark, path, size, sha256, md5 in connection.execute(query):
        yield BlobReference(key, ark, path, size, sha256, md5)


def archive_references(connection: Connection) -> Iterator[BlobReference]:
    """The original zip kept with each crate record; its job recorded size and sha256."""
    rows = connection.execute(
        sa.select(RecordRow.archive_blob_key, RecordRow.ark)
        .where(RecordRow.archive_blob_key.is_not(None))
        .order_by(RecordRow.pk)
    ).all()
    uploads = _upload_facts(connection)
    for key, ark in rows:
        size, sha256 = uploads.get(key, (None, None))
        yield BlobReference(key, ark, None, size, sha256, None)


def upload_references(connection: Connection) -> Iterator[BlobReference]:
    """Uploaded zips of jobs not finished yet: a restored worker will run them."""
    rows = connection.execute(
        sa.select(JobRow.id, JobRow.payload)
        .where(JobRow.state.in_(UNFINISHED_JOB_STATES))
        .order_by(JobRow.created_at)
    ).all()
    for job_id, payload in rows:
        payload = payload or {}
        if key := payload.get("uploadKey"):
            yield BlobReference(
                key, f"job {job_id}", None, payload.get("size"), payload.get("sha256"), None
            )


def staged_references(connection: Connection) -> Iterator[BlobReference]:
    """SciCat uploads staged for a dataset not created yet: their account's, not orphans.

    A database from before migration 0013 (an old snapshot) has no staging table: none.
    """
    if not sa.inspect(connection).has_table(StagedFileRow.__tablename__):
        return
    rows = connection.execute(
        sa.select(
            StagedFileRow.blob_key,
            StagedFileRow.source_folder,
            StagedFileRow.path,
            StagedFileRow.size,
            StagedFileRow.sha256,
            StagedFileRow.md5,
        ).order_by(StagedFileRow.id)
    )
    for key, folder, path, size, sha256, md5 in rows:
        yield BlobReference(key, f"staged upload {folder}", path, size, sha256, md5)


def unfinished_job_prefixes(connection: Connection) -> list[str]:
    """Folders that running (or about to run) jobs write into: not orphans, work in progress."""
    ids = connection.scalars(sa.select(JobRow.id).where(JobRow.state.in_(UNFINISHED_JOB_STATES)))
    return [f"crates/{job_id}/" for job_id in ids]


def queued_deletions(connection: Connection) -> list[tuple[str, bool]]:
    """(key, is_prefix) of blobs waiting in the deletion outbox (in their grace period)."""
    rows = connection.execute(sa.select(BlobDeletionRow.blob_key, BlobDeletionRow.is_prefix))
    return [(key, bool(is_prefix)) for key, is_prefix in rows]


def _upload_facts(connection: Connection) -> dict[str, tuple[int | None, str | None]]:
    facts: dict[str, tuple[int | None, str | None]] = {}
    for (payload,) in connection.execute(sa.select(JobRow.payload)):
        if isinstance(payload, dict) and (key := payload.get("uploadKey")):
            facts[key] = (payload.get("size"), payload.get("sha256"))
    return facts


class BlobReferences:
    """The blob references of one database state, read on one connection.

    What `fairdepot check` and `fairdepot backup` (services) get instead of a SQLAlchemy
    connection: the live database's (`live_references`) or a snapshot's (`dumps`), the same
    questions either way.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def files(self, *, sample: int | None = None) -> Iterator[BlobReference]:
        return file_references(self._connection, sample=sample)

    def archives(self) -> Iterator[BlobReference]:
        return archive_references(self._connection)

    def uploads(self) -> Iterator[BlobReference]:
        return upload_references(self._connection)

    def staged(self) -> Iterator[BlobReference]:
        return staged_references(self._connection)

    def unfinished_job_prefixes(self) -> list[str]:
        return unfinished_job_prefixes(self._connection)

    def queued_deletions(self) -> list[tuple[str, bool]]:
        return queued_deletions(self._connection)

    def schema_revision(self) -> str | None:
        """The migration this state is at (a backup's manifest records it)."""
        from alembic.migration import MigrationContext

        return MigrationContext.configure(self._connection).get_current_revision()


@contextmanager
def live_references(database: Database) -> Iterator[BlobReferences]:
    """The live database's references, on one connection for the block."""
    with database.engine.connect() as connection:
        yield BlobReferences(connection)
