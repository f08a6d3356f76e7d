"""One SciCat origdatablock by its id: read it, change it, delete it.

A change or a delete recomputes the dataset's `size`, `numberOfFiles` and JSON-LD `hasPart`
over its remaining blocks in the same unit of work as the block's own write, so the dataset
never shows totals of blocks that are not (or no longer) stored.

Who: the block's own access decides (its readers read it, its owner group changes it, as the
backend's OrigdatablockReadAccess / UpdateOwner); deleting is for DELETE_GROUPS and
administrators only. A delete is a purge, as a dataset's: the block's record becomes a
tombstone (its ARK answers 410) and its files leave the dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from fairdepot.core.crosswalks.scicat import access_of
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_files import ORIGDATABLOCK, validate_origdatablock
from fairdepot.core.errors import InvalidInput, NotFound, PermissionDenied, Problem
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Record, RecordState
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.block_datasets import with_datasets
from fairdepot.services.scicat.child_fields import ORIGDATABLOCK_FIELDS, relation_names
from fairdepot.services.scicat.children import (
    checked_change,
    checked_child,
    child_row,
    dataset_row,
    may_write,
    refuse_anonymous_write,
    reload,
)
from fairdepot.services.scicat.datablocks import view
from fairdepot.services.scicat.dataset_files import recompute
from fairdepot.services.scicat.dataset_lookup import dataset_by_pid
from fairdepot.services.uow import unit_of_work
from fairdepot.storage.db.records import RecordStore, tombstone

_SERVER_FIELDS = ("_id", "id", "createdAt", "updatedAt", "createdBy", "updatedBy", "version")
"""Fields a client read and may send back in a PATCH; the server's values stay."""


def is_valid(
    runtime: Runtime, actor: Actor, body: object, version: ApiVersion, *, pid: str | None = None
) -> dict[str, Any]:
    """`POST /origdatablocks/isValid` (`{"valid", "reason"}`) and v3's
    `POST /datasets/{pid}/origdatablocks/isValid` (`{"valid", "errors"}`, the backend's key
    there): whether a create would accept the body, its problems' messages if not.

    Permission first, as the backend's: anonymous 403; then the dataset (the URL's, or the
    body's `datasetId` when it is a text) must exist and be writable (404 / 403), and a
    body's `ownerGroup` must be one of the caller's (403). Only then is the body checked: a
    DTO fault is `valid: false`, not a 400."""
    refuse_anonymous_write(actor)
    fields = body if isinstance(body, dict) else {}
    target = pid if pid is not None else fields.get("datasetId")
    if isinstance(target, str):
        with runtime.reading() as store:
            dataset_row(store, actor, target, Action.UPDATE)
    if pid is None and isinstance(fields.get("ownerGroup"), str):
        may_write(actor, fields["ownerGroup"])
    key = "reason" if pid is None else "errors"
    try:
        validate_origdatablock(body, version)
    except InvalidInput as error:
        return {"valid": False, key: [p.message for p in error.problems] or [error.message]}
    return {"valid": True, key: []}


def _block_row(store: RecordStore, block_id: str, pid: str | None) -> RecordHandle:
    """The block `block_id`; with `pid` (v3's `/datasets/{pid}/origdatablocks/{oid}`) only
    if it is a block of that dataset (404 otherwise)."""
    row = child_row(store, ORIGDATABLOCK, "_id", block_id)
    if pid is not None and (row.native_doc or {}).get("datasetId") != pid:
        raise NotFound(f"origdatablock {block_id[:200]!r} of dataset {pid[:200]!r} not found")
    return row


def get(
    runtime: Runtime,
    actor: Actor,
    block_id: str,
    version: ApiVersion,
    *,
    pid: str | None = None,
    include: Sequence[str] = (),
) -> dict[str, Any]:
    """The block (404 unknown, 403 not readable by its own access), with its dataset when
    `include` names it (`dataset`, `all`; another name 400) and the actor may read it."""
    relations = relation_names(ORIGDATABLOCK_FIELDS, list(include), "include") if include else ()
    with runtime.reading() as store:
        row = _block_row(store, block_id, pid)
        record = checked_child(store, actor, row, Action.READ_METADATA)
        return with_datasets(store, actor, [record], [view(record, version)], relations, version)[0]


def update(
    runtime: Runtime,
    actor: Actor,
    block_id: str,
    body: object,
    version: ApiVersion,
    *,
    pid: str | None = None,
) -> dict[str, Any]:
    """Merge `body` into the block at the top level (`dataFileList` is replaced whole), check
    the result like a create, store it and the dataset's recomputed totals together."""
    with checked_change(
        runtime,
        actor,
        lambda store: _block_row(store, block_id, pid),
        Action.UPDATE,
        body=body,
        noun="an origdatablock",
    ) as change:
        store, row, record = change.store, change.row, change.record
        dataset = _dataset_of(store, row)
        if dataset is None:
            raise NotFound("the origdatablock's dataset is gone")
        _may_change_dataset(actor, dataset[1])
        current = dict(record.native or {})
        changes = {k: v for k, v in change.body.items() if k not in _SERVER_FIELDS}
        if "datasetId" in changes and changes["datasetId"] != current.get("datasetId"):
            raise InvalidInput(
                "the changes are not valid",
                problems=[Problem("datasetId cannot be changed", "datasetId")],
            )
        stored = {k: v for k, v in current.items() if k not in _SERVER_FIELDS}
        block = validate_origdatablock({**stored, **changes}, ApiVersion.V4)
        if "ownerGroup" in changes:
            may_write(actor, block.get("ownerGroup"))
        native = {**{k: current[k] for k in ("_id", "createdBy") if k in current}, **block}
        if actor.username:
            native["updatedBy"] = actor.username
        access = access_of(native, record.access.owner_id)
        store.update(
            row,
            RecordChanges(
                native=native,
                access=replace(
                    record.access,
                    owner_group=access.owner_group,
                    access_groups=access.access_groups,
                    publication=access.publication,
                ),
            ),
            actor_id=actor.user_id,
        )
        _recompute_dataset(store, dataset, actor)
        return view(reload(store, row), version)


def delete(
    runtime: Runtime, actor: Actor, block_id: str, version: ApiVersion, *, pid: str | None = None
) -> dict[str, Any]:
    """Purge the block (DELETE_GROUPS and administrators); the block as it was."""
    with checked_change(
        runtime, actor, lambda store: _block_row(store, block_id, pid), Action.DELETE
    ) as change:
        store, row, record = change.store, change.row, change.record
        if not (actor.is_facility_admin or actor.in_facility_list(actor.facility.delete)):
            raise PermissionDenied("Unauthorized access")
        gone = view(record, version)
        dataset = _dataset_of(store, row)
        store.mark_deleted(row, tombstone(row, "origdatablock deleted through SciCat"))
        if dataset is not None:  # a tombstone keeps what it said when it went
            _recompute_dataset(store, dataset, actor)
        return gone


def delete_all(runtime: Runtime, actor: Actor, pid: str) -> dict[str, int]:
    """`DELETE /api/v3/datasets/{pid}/origdatablocks`: purge every block of the dataset
    (DELETE_GROUPS and administrators, as a single block's delete), `{"count": n}`. One unit
    of work: the blocks' tombstones and the dataset's recomputed totals (0) and `hasPart`
    are stored together; held files the blocks linked go after the commit (the outbox)."""
    refuse_anonymous_write(actor)
    with unit_of_work(runtime) as work:
        store = work.records
        row = _deletable_dataset(store, actor, pid)
        blocks = [r for r in store.members(row) if r.kind == ORIGDATABLOCK]
        if not blocks:
            return {"count": 0}
        dataset = (row, store.load([row], with_files=True)[0])
        for block in blocks:
            store.mark_deleted(block, tombstone(block, "origdatablock deleted through SciCat"))
        _recompute_dataset(store, dataset, actor)
        return {"count": len(blocks)}


def _deletable_dataset(store: RecordStore, actor: Actor, pid: str) -> RecordHandle:
    """The dataset whose blocks DELETE_GROUPS and administrators may delete, whoever may
    read it (as the backend's: its delete groups need not read a dataset to empty it); to
    anyone else 404 if they may not read it either, 403 if they may."""
    row = dataset_by_pid(store, pid)
    if actor.is_facility_admin or actor.in_facility_list(actor.facility.delete):
        if row is None or row.state != RecordState.ACTIVE.value:
            raise NotFound(f"dataset: {pid[:200]} not found")
        return row
    dataset_row(store, actor, pid, Action.READ_METADATA)
    raise PermissionDenied("Unauthorized access")


def _dataset_of(store: RecordStore, block: RecordHandle) -> tuple[RecordHandle, Record] | None:
    """The block's active dataset, read once (with its files: the recompute drops held files
    no block lists any more); None if it is gone."""
    parent = store.parent_of(block)
    if parent is None or parent.state != RecordState.ACTIVE.value:
        return None
    return parent, store.load([parent], with_files=True)[0]


def _recompute_dataset(
    store: RecordStore, dataset: tuple[RecordHandle, Record], actor: Actor
) -> None:
    """The totals and hasPart of the block's dataset, over the blocks it has now."""
    store.flush()
    recompute(store, dataset[0], dataset[1], actor)


def _may_change_dataset(actor: Actor, dataset: Record) -> None:
    """A block change rewrites its dataset (totals, `hasPart`, held files): the caller must
    be allowed to change the dataset too, not only the block."""
    if not allows(actor, Action.UPDATE, dataset.access):
        raise PermissionDenied("Unauthorized access")
