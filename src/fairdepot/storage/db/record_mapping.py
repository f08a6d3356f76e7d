"""Rows → core records: how the columns of `records` and `record_files` read as a `Record`.

Kept apart from the repository (`records.py`) so that reading a row has one definition,
shared by whole-record loading (`record_loading.py`), the repository's own checks and
the access-only reads, while the repository keeps only what it does with rows.
"""

from __future__ import annotations

from typing import Any

from fairdepot.core.crates.archive_layout import ArchiveLayout
from fairdepot.core.crates.parts import CrateParts
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import (
    Access,
    Face,
    Moderation,
    ModerationState,
    PublicationStatus,
    Record,
    RecordFile,
    RecordState,
)
from fairdepot.storage.db.models import RecordFileRow, RecordRow, UserRow, as_utc


def to_record(
    row: RecordRow,
    files: list[RecordFileRow] | None = None,
    owner: UserRow | None = None,
    parent_ark: str | None = None,
    *,
    with_metadata: bool = True,
    documents: bool = True,
) -> Record:
    """The record a row holds; its access groups, relations and identifiers are other
    tables' (`record_loading.load_records` reads them for many rows at once).
    `with_metadata=False`: its JSON-LD is not read (empty), as for a row read without it.
    `documents=False`: without its metadata ({}) and native document (None), which are
    not read: for a use that needs neither (one file's download, services/records.py)."""
    return Record(
        ark=row.ark,
        kind=row.kind,
        face=Face(row.face),
        metadata=row.metadata_doc if with_metadata and documents else {},
        access=access_of(row),
        types=list(row.types or []),
        name=row.name,
        description=row.description,
        keywords=list(row.keywords or []),
        native=row.native_doc if documents else None,
        crate_parts=CrateParts.from_json(row.extra),
        files=[record_file_of(f) for f in files or []],
        parent_ark=parent_ark,
        archive_blob_key=row.archive_blob_key,
        archive_layout=ArchiveLayout.from_json(row.archive_layout) if row.archive_layout else None,
        revision=row.revision,
        state=RecordState(row.state),
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        owner_username=owner.username if owner else None,
        owner_email=owner.email if owner else None,
    )


def record_file_of(f: RecordFileRow) -> RecordFile:
    return RecordFile(
        path=f.path,
        size=f.size,
        sha256=f.sha256,
        md5=f.md5,
        media_type=f.media_type,
        blob_key=f.blob_key,
        external_url=f.external_url,
        client_checksum=f.client_checksum,
        client_checksum_alg=f.client_checksum_alg,
    )


def access_of(handle: RecordHandle, groups: list[str] | None = None) -> Access:
    """The access attributes of a row (`groups`: its access groups, if read already)."""
    return access_of_columns(row_of(handle), groups)


def access_of_columns(row: Any, groups: list[str] | None = None) -> Access:
    """The access attributes of a `RecordRow`, or of a result row holding its access columns
    (`record_loading.ACCESS_COLUMNS`, read without the documents), with `groups`."""
    return Access(
        owner_id=row.owner_id,
        owner_group=row.owner_group,
        access_groups=groups or [],
        metadata_public=row.metadata_public,
        group_write=row.group_write,
        publication=PublicationStatus(row.publication_status),
        organization=row.organization,
        moderation=moderation_of(row),
        trashed=row.state == RecordState.TRASHED.value,
    )


def moderation_of(row: Any) -> Moderation:
    """The moderation of a `RecordRow`, or of a result row holding its moderation columns."""
    return Moderation(
        state=ModerationState(row.moderation_state or ModerationState.NONE.value),
        message=row.moderation_message,
        decided_by=row.moderated_by,
        decided_at=as_utc(row.moderated_at),
    )


def row_of(handle: RecordHandle) -> RecordRow:
    """The row behind a handle this repository gave out (services hold rows as handles)."""
    if not isinstance(handle, RecordRow):
        raise TypeError(f"not a stored record of this repository: {type(handle).__name__}")
    return handle
