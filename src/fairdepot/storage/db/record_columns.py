"""Core records and changes → the columns the repository writes.

The other direction of `record_mapping.py`: which column of `records` (and `record_files`)
each part of a `Record` or a `RecordChanges` goes to. Kept beside the repository, not in it,
so that an insert and an update cannot disagree on where a part is stored.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from fairdepot.core.record_changes import UNCHANGED, RecordChanges
from fairdepot.core.records import Moderation, Record, RecordFile, RecordState
from fairdepot.storage.db.models import RecordRow, utcnow
from fairdepot.storage.search import SearchDocument, search_document_of

RECORD_COLUMNS = [c.key for c in sa.inspect(RecordRow).column_attrs if c.key != "pk"]
"""The columns of `records` a new row is inserted with (the database gives `pk`)."""


def fill_row(row: RecordRow, record: Record, parent_pk: int | None) -> None:
    """Set every column `record` decides on a new row (a member's parent by its pk)."""
    access = record.access
    row.kind = record.kind
    row.face = record.face.value
    row.types = record.types
    row.name = record.name
    row.description = record.description
    row.keywords = record.keywords
    row.metadata_doc = record.metadata
    row.native_doc = record.native
    row.extra = record.crate_parts.to_json()
    row.owner_id = access.owner_id
    row.owner_group = access.owner_group
    row.organization = access.organization
    row.metadata_public = access.metadata_public
    row.group_write = access.group_write
    row.publication_status = access.publication.value
    row.archive_blob_key = record.archive_blob_key
    for column, value in moderation_columns(access.moderation).items():
        setattr(row, column, value)
    row.archive_layout = record.archive_layout.to_json() if record.archive_layout else None
    row.parent_pk = parent_pk


def file_columns(record_pk: int, f: RecordFile) -> dict[str, object]:
    """A `record_files` row of the record `record_pk` for `f`."""
    return {
        "record_pk": record_pk,
        "path": f.path,
        "size": f.size,
        "sha256": f.sha256,
        "md5": f.md5,
        "media_type": f.media_type,
        "blob_key": f.blob_key,
        "external_url": f.external_url,
        "client_checksum": f.client_checksum,
        "client_checksum_alg": f.client_checksum_alg,
    }


def changed_columns(
    row: RecordRow, changes: RecordChanges, parent_pk_of: Callable[[str], int]
) -> dict[str, object]:
    """The columns of `records` an update writes: those of the parts it changes
    (`parent_pk_of`: the pk of a new parent, by its ARK)."""
    values: dict[str, object] = {}
    if changes.metadata is not UNCHANGED:
        change = changes.metadata
        values.update(
            metadata_doc=change.document,
            name=change.name,
            description=change.description,
            keywords=list(change.keywords),
            types=list(change.types),
        )
    if changes.native is not UNCHANGED:
        values["native_doc"] = changes.native
    if changes.kind is not UNCHANGED:
        values["kind"] = changes.kind
    if changes.crate_parts is not UNCHANGED:
        values["extra"] = changes.crate_parts.to_json()
    if changes.access is not UNCHANGED:
        access = changes.access
        values.update(
            owner_id=access.owner_id,
            owner_group=access.owner_group,
            organization=access.organization,
            metadata_public=access.metadata_public,
            group_write=access.group_write,
            publication_status=access.publication.value,
        )
    if changes.publication is not UNCHANGED:
        values["publication_status"] = changes.publication.value
    if changes.parent_ark is not UNCHANGED:
        values["parent_pk"] = (
            None if changes.parent_ark is None else parent_pk_of(changes.parent_ark)
        )
    if changes.archive_blob_key is not UNCHANGED:
        values["archive_blob_key"] = changes.archive_blob_key
    if changes.archive_layout is not UNCHANGED:
        layout = changes.archive_layout
        values["archive_layout"] = layout.to_json() if layout is not None else None
    if changes.lifecycle is not UNCHANGED and changes.lifecycle.value != row.state:
        values["state"] = changes.lifecycle.value
        values["trashed_at"] = utcnow() if changes.lifecycle is RecordState.TRASHED else None
    if changes.moderation is not UNCHANGED:
        values.update(moderation_columns(changes.moderation))
    return values


def moderation_columns(moderation: Moderation) -> dict[str, object]:
    return {
        "moderation_state": moderation.state.value,
        "moderation_message": moderation.message,
        "moderated_by": moderation.decided_by,
        "moderated_at": moderation.decided_at,
    }


def search_document(record: Record) -> SearchDocument:
    """What the full-text index keeps of a record: every string of both documents."""
    return search_document_of(
        record.name, record.description, record.keywords, record.native, record.metadata
    )
