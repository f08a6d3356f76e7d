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
docs/architecture.md "A held file's access". The rule is read in two shapes: `file_for_reader`
for one file by path (every `?path=` download and the SciCat file route: the file's row and
the blocks listing it, found in SQL, a bounded number of statements however many files and
blocks the dataset has, so downloading all N files is not O(N²)), and `for_reader` /
`for_listing` for a record's whole list of files, which read every block once.
"""

from __future__ import annotations

from dataclasses import replace

from fairdepot.core.crosswalks.scicat_files import DATASET_KINDS, ORIGDATABLOCK, listed_paths
from fairdepot.core.errors import PermissionDenied
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Access, Face, PublicationStatus, Record, RecordFile
from fairdepot.storage.db.records import RecordStore

LISTED_PATH = ("dataFileList", "path")
"""Where a block's native document names the paths of its files (`listed_paths` reads it)."""


def for_reader(store: RecordStore, actor: Actor, row: RecordHandle, record: Record) -> Record:
    """The record with only the files `actor` may download (READ_FILES on the record itself
    is checked by the caller): every block read once; one file by path is `file_for_reader`."""
    blocks = _blocks(store, row)
    if blocks is None:
        return record
    readable = listed_paths([b.native or {} for b in blocks if _gives(actor, b.access)])
    return _without(record, {f.path for f in record.files if f.blob_key and f.path not in readable})


def file_for_reader(
    store: RecordStore, actor: Actor, row: RecordHandle, path: str
) -> RecordFile | None:
    """The record's file at `path` if `actor` may download it (READ_FILES on the record
    itself is checked by the caller), as `for_reader` would give it; None if the record has
    no file there. Asking for a held file of blocks the actor may not read is 403, on every
    face: it exists, as the dataset's readers may know from its blocks' count, and SciCat
    answers 403 for what exists but may not be read.

    A bounded number of statements: the file's row, then (a held file) the blocks listing
    its path with their access only (storage/db/child_listings.py), not every file and block;
    the documents of blocks that only may list it (their value index is incomplete) are read
    only if no block known to list it gives it, and only of those that would.
    """
    found = store.file_at(row, path)
    if found is None or not found.blob_key or not is_scicat_dataset(row):
        return found
    giving = [
        b
        for b in store.children_listing(row, ORIGDATABLOCK, LISTED_PATH, path)
        if _gives(actor, b.access)
    ]
    if any(b.sure for b in giving):
        return found
    maybe = [b.pk for b in giving if not b.sure]
    if maybe and path in listed_paths(store.native_documents(maybe)):
        return found
    raise PermissionDenied(f"you may not read the file {path[:200]!r} of {row.ark}")


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


def _gives(actor: Actor, block: Access) -> bool:
    """Whether a block listing a held file gives it to `actor`: the one test of both shapes."""
    return allows(actor, Action.READ_FILES, block)


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
