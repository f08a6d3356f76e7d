"""A dataset's files as its origdatablocks list them: the totals and the JSON-LD `hasPart`.

The blocks are child records of the dataset's record, so the dataset's own document does not
hold them; every write that rebuilds the dataset's JSON-LD (a block created, changed or
deleted, the dataset PATCHed or PUT) takes the files from here, in the same unit of work.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from fairdepot.core.crosswalks import scicat as crosswalk
from fairdepot.core.crosswalks.scicat_files import (
    ORIGDATABLOCK,
    dataset_dict,
    dataset_totals,
    files_part,
    listed_paths,
)
from fairdepot.core.policy import Actor
from fairdepot.core.record_changes import UNCHANGED, FileChanges, MetadataChange, RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Access, Record, RecordFile
from fairdepot.services.file_access import open_as
from fairdepot.services.scicat.children import children
from fairdepot.storage.db.records import RecordStore


def blocks_of(store: RecordStore, row: RecordHandle) -> list[dict[str, Any]]:
    """The native bodies of every active origdatablock of a dataset, oldest first."""
    return [b.native or {} for b in children(store, row, ORIGDATABLOCK)]


def parts_of(store: RecordStore, row: RecordHandle, dataset_access: Access) -> list[dict[str, Any]]:
    """The dataset's files as `hasPart` entries, over the blocks every reader of the dataset
    may read (`dataset_access`: the dataset's access as it will be stored)."""
    blocks = children(store, row, ORIGDATABLOCK)
    return files_part([b.native or {} for b in blocks if open_as(b.access, dataset_access)])


def recompute(
    store: RecordStore,
    row: RecordHandle,
    dataset: Record,
    actor: Actor,
    linked: Sequence[RecordFile] = (),
) -> None:
    """The dataset's size and numberOfFiles as sums over all its blocks, and its JSON-LD's
    `hasPart` listing the files of the blocks its readers may read; its other fields stay.

    `linked` are staged uploads a new block names: they become files of the dataset's record
    (held bytes, downloadable). A held file no block lists any more (its block was deleted or
    changed) leaves the record, and its blob is deleted after the commit (the outbox)."""
    blocks = blocks_of(store, row)
    size, count = dataset_totals(blocks)
    native = copy.deepcopy(dataset.native or {})
    native["size"], native["numberOfFiles"] = size, count
    parts = parts_of(store, row, dataset.access)
    document = crosswalk.jsonld_of(dataset_dict(dataset, native), dataset.ark, parts)
    listed = listed_paths(blocks)
    gone = frozenset(f.path for f in dataset.files if f.blob_key and f.path not in listed)
    files = FileChanges(added=tuple(linked), removed=gone) if linked or gone else UNCHANGED
    changes = RecordChanges(
        native=native,
        files=files,
        metadata=MetadataChange(
            document,
            dataset.name,
            dataset.description,
            tuple(dataset.keywords),
            tuple(dataset.types) or ("Dataset",),
        ),
    )
    store.update(row, changes, actor_id=actor.user_id)
