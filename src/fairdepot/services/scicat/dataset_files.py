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
from fairdepot.core.crosswalks.scicat_files import ORIGDATABLOCK, dataset_dict, listed_paths
from fairdepot.core.crosswalks.scicat_parts import HAS_PART_FILES, files_part
from fairdepot.core.policy import Actor
from fairdepot.core.record_changes import UNCHANGED, FileChanges, MetadataChange, RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Access, IdentifierScheme, Record, RecordFile
from fairdepot.services.file_access import open_as
from fairdepot.services.scicat.inputs import input_arks
from fairdepot.storage.db.child_summaries import ChildSummary
from fairdepot.storage.db.records import RecordStore


def block_summaries(store: RecordStore, row: RecordHandle) -> list[ChildSummary]:
    """The dataset's active origdatablocks, oldest first, each with its access, number of
    files and size, no document read: what its totals and `hasPart` are decided from."""
    return store.child_summaries(row, ORIGDATABLOCK, items_key="dataFileList", number_key="size")


def has_blocks(store: RecordStore, row: RecordHandle) -> bool:
    """Whether the dataset has an active origdatablock (no document read)."""
    return bool(block_summaries(store, row))


def parts_of(
    store: RecordStore,
    row: RecordHandle,
    dataset_access: Access,
    pid: str | None = None,
    summaries: Sequence[ChildSummary] | None = None,
    loaded: dict[int, dict[str, Any]] | None = None,
    *,
    ark: str | None = None,
    held: Sequence[RecordFile] = (),
) -> list[dict[str, Any]]:
    """The dataset's files as `hasPart` entries, over the blocks every reader of the dataset
    may read (`dataset_access`: the dataset's access as it will be stored): the first
    `HAS_PART_FILES` of them and, past that, one entry pointing to the listing. Only the
    blocks holding those first files are read (`loaded`: documents read already). `held`:
    the dataset's files whose bytes are here (with `ark`, they get a download link)."""
    blocks = block_summaries(store, row) if summaries is None else summaries
    open_blocks = [b for b in blocks if open_as(b.access, dataset_access)]
    wanted, listed = [], 0
    for block in open_blocks:
        if listed >= HAS_PART_FILES:
            break
        if block.items:
            wanted.append(block.pk)
            listed += block.items
    known = loaded or {}
    missing = [pk for pk in wanted if pk not in known]
    read = dict(zip(missing, store.native_documents(missing), strict=True))
    documents = [known.get(pk) or read[pk] for pk in wanted]
    return files_part(
        documents,
        total=sum(b.items for b in open_blocks),
        pid=pid,
        ark=ark,
        held={f.path: f for f in held if f.blob_key},
    )


def parts_after_change(
    store: RecordStore, row: RecordHandle, dataset: Record, access: Access
) -> list[dict[str, Any]]:
    """The `hasPart` of a dataset PATCHed or PUT to `access`: as stored when the change keeps
    what it depends on (the blocks are not changed by it and `open_as` reads only the
    dataset's publication, owner group and access groups), so a one-field change reads no
    block; rebuilt (`parts_of`) when the change decides anew which files all readers see."""
    before = dataset.access
    if (
        before.publication is access.publication
        and before.owner_group == access.owner_group
        and sorted(before.access_groups) == sorted(access.access_groups)
    ):
        stored = dataset.metadata.get("hasPart")
        return [p for p in stored if isinstance(p, dict)] if isinstance(stored, list) else []
    pid = dataset.identifiers.get(IdentifierScheme.SCICAT_PID.value)
    held = store.load([row], with_files=True)[0].files  # `dataset` may be read without them
    return parts_of(store, row, access, pid, ark=dataset.ark, held=held)


def after_publication(store: RecordStore, row: RecordHandle, actor: Actor) -> None:
    """A SciCat dataset's `hasPart` decided anew after its or a block's publication changed
    (a PublishedData registration, FAIRSCAPE's `PUT /publish`): which blocks every reader of
    the dataset may read changed with it. A dataset without blocks keeps its document (and
    the `size` and `numberOfFiles` its client sent)."""
    if not has_blocks(store, row):
        return
    store.flush()
    recompute(store, row, store.load([row], with_files=True)[0], actor)


def recompute(
    store: RecordStore,
    row: RecordHandle,
    dataset: Record,
    actor: Actor,
    linked: Sequence[RecordFile] = (),
    *,
    unlisting: bool = True,
) -> None:
    """The dataset's size and numberOfFiles as sums over all its blocks (in SQL), and its
    JSON-LD's `hasPart` listing the files of the blocks its readers may read; its other
    fields stay. Each block's document is read at most once, and only those `hasPart` lists
    or, when the dataset holds files, all (to find the held files no block lists any more).

    `linked` are staged uploads a new block names: they become files of the dataset's record
    (held bytes, downloadable). A held file no block lists any more (its block was deleted or
    changed) leaves the record, and its blob is deleted after the commit (the outbox); a new
    block unlists nothing (`unlisting=False`), so its create reads no more blocks than
    `hasPart` lists. `dataset` is read with its files: the held ones get download links."""
    summaries = block_summaries(store, row)
    native = copy.deepcopy(dataset.native or {})
    native["size"] = sum(b.number for b in summaries)
    native["numberOfFiles"] = sum(b.items for b in summaries)
    held = [f for f in dataset.files if f.blob_key]
    loaded: dict[int, dict[str, Any]] = {}
    if held and unlisting:
        pks = [b.pk for b in summaries]
        loaded = dict(zip(pks, store.native_documents(pks), strict=True))
    pid = dataset.identifiers.get(IdentifierScheme.SCICAT_PID.value, native.get("pid"))
    parts = parts_of(
        store, row, dataset.access, pid, summaries, loaded, ark=dataset.ark, held=[*held, *linked]
    )
    inputs = input_arks(store, native.get("inputDatasets") or ())
    document = crosswalk.jsonld_of(dataset_dict(dataset, native), dataset.ark, parts, inputs=inputs)
    listed = listed_paths(list(loaded.values())) if held and unlisting else set()
    gone = frozenset(f.path for f in held if unlisting and f.path not in listed)
    files = FileChanges(added=tuple(linked), removed=gone) if linked or gone else UNCHANGED
    changes = RecordChanges(
        native=native,
        files=files,
        relations=tuple(crosswalk.relations_of(document)),
        metadata=MetadataChange(
            document,
            dataset.name,
            dataset.description,
            tuple(dataset.keywords),
            tuple(dataset.types) or ("Dataset",),
        ),
    )
    store.update(row, changes, actor_id=actor.user_id)
