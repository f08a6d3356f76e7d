"""Which of a record's files a reader is given: the one rule every download and listing uses.

A record's files are read with READ_FILES on the record, except a SciCat dataset's *held*
files (bytes staged through fairdepot and linked by an origdatablock,
services/scicat/staging.py): they are stored as files of the dataset's record (so fixity,
backup, the blob outbox and the dataset's totals see them like any file), but their access
is that of the origdatablocks that list them. A block has its own ownerGroup, accessGroups
and isPublished, so an anonymous reader of a published dataset must not get the bytes of an
unpublished block's file. A held file is given to whoever may read the files of at least one
block listing it; one that no block lists (it leaves the record at the next recompute) to
nobody.

Every route that hands out or lists a record's files gets the record through here: the
FAIRSCAPE downloads (`records.resolve_files`), the resolver's listing (`records.resolve`) and
the SciCat file route (services/scicat/held_files.py). So they all agree; see
docs/architecture.md "A held file's access".
"""

from __future__ import annotations

from dataclasses import replace

from fairdepot.core.crosswalks.scicat_files import DATASET_KINDS, ORIGDATABLOCK, listed_paths
from fairdepot.core.errors import PermissionDenied
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Access, Face, PublicationStatus, Record
from fairdepot.storage.db.records import RecordStore


def for_reader(
    store: RecordStore, actor: Actor, row: RecordHandle, record: Record, path: str | None = None
) -> Record:
    """The record with only the files `actor` may download (READ_FILES on the record itself
    is checked by the caller). Asking for a held file of a block the actor may not read is
    403, on every face: it exists, as the dataset's readers may know from its blocks' count,
    and SciCat answers 403 for what exists but may not be read."""
    blocks = _blocks(store, row)
    if blocks is None:
        return record
    readable = listed_paths(
        [b.native or {} for b in blocks if allows(actor, Action.READ_FILES, b.access)]
    )
    withheld = {f.path for f in record.files if f.blob_key and f.path not in readable}
    if path is not None and path in withheld:
        raise PermissionDenied(f"you may not read the file {path[:200]!r} of {record.ark}")
    return _without(record, withheld)


def for_listing(store: RecordStore, row: RecordHandle, record: Record) -> Record:
    """The record with only the files every reader of it may download: what its metadata
    (the resolver's `distribution`) names, the same for every viewer, so a representation
    cached for one reader is right for the next (services/representation_cache.py)."""
    blocks = _blocks(store, row)
    if blocks is None:
        return record
    listed = listed_paths([b.native or {} for b in blocks if open_as(b.access, record.access)])
    return _without(record, {f.path for f in record.files if f.blob_key and f.path not in listed})


def open_as(block: Access, dataset: Access) -> bool:
    """Whether everyone who may read the dataset may read the block (a block has its own
    access: an unpublished block of a published dataset stays unseen)."""
    if block.publication is PublicationStatus.PUBLISHED:
        return True
    if dataset.publication is PublicationStatus.PUBLISHED:
        return False
    readers = {g for g in (block.owner_group, *block.access_groups) if g}
    return {g for g in (dataset.owner_group, *dataset.access_groups) if g} <= readers


def is_scicat_dataset(row: RecordHandle) -> bool:
    """Whether the record is a SciCat dataset: the only records with held files."""
    return row.face == Face.SCICAT.value and row.kind in DATASET_KINDS


def _blocks(store: RecordStore, row: RecordHandle) -> list[Record] | None:
    """A SciCat dataset's active origdatablocks; None for any other record (no held files)."""
    if not is_scicat_dataset(row):
        return None
    rows = [member for member in store.members(row) if member.kind == ORIGDATABLOCK]
    return store.load(rows, with_files=False)


def _without(record: Record, paths: set[str]) -> Record:
    if not paths:
        return record
    return replace(record, files=[f for f in record.files if f.path not in paths])
