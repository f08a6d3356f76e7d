"""The PublishedData changes both API versions make, whatever shape a body has: find one the
caller may read or change, merge checked changes into it, store it, resync it and purge it.

v3 (services/scicat/published_data_v3.py) and v4 (published_data_v4.py) check their own
bodies (v3's flat DTO, v4's `metadata`) and give their own answers (`object_of` as stored, or
`v4_view`); the rules live here once: its creator and administrators change it while it is not
registered (409 once its DOI is out), new datasets must be readable, a resync of an amended one
registers it again at DataCite (last in the unit of work), a purge is for administrators and
DELETE_GROUPS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fairdepot.core.crosswalks import scicat_objects as objects
from fairdepot.core.crosswalks.scicat_objects import PUBLISHED_DATA, REGISTERED, ObjectKind
from fairdepot.core.crosswalks.scicat_published import AMENDED, PRIVATE, dataset_pids, v4_view
from fairdepot.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Problem
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Record
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import published_data
from fairdepot.services.uow import unit_of_work
from fairdepot.storage.db.records import RecordStore, tombstone

ShapeCheck = Callable[[Record, dict[str, Any]], None]
"""A version's check of checked changes against the stored record, in the change's own
transaction (v3: the record is v3-shaped; the workflow fields it repeats are as stored)."""


def readable(store: RecordStore, actor: Actor, doi: str) -> tuple[RecordHandle, Record]:
    """The PublishedData `doi` names (404) if the actor may read it (403)."""
    row = store.row_by_identifier(PUBLISHED_DATA.scheme.value, doi)
    if row is None or row.kind != PUBLISHED_DATA.kind:
        raise NotFound(f"publisheddata: {doi} not found")
    record = store.load([row], with_files=False)[0]
    if not allows(actor, Action.READ_METADATA, record.access):
        raise PermissionDenied("Unauthorized access")
    return row, record


def changeable(store: RecordStore, actor: Actor, doi: str) -> tuple[RecordHandle, Record]:
    """The PublishedData, if the actor may change it and it is not registered (409)."""
    if actor.is_anonymous:
        raise PermissionDenied("Forbidden resource")
    row, record = readable(store, actor, doi)
    if not allows(actor, Action.UPDATE, record.access):
        raise PermissionDenied("Unauthorized to update this publisheddata")
    not_registered(record, doi)
    return row, record


def not_registered(record: Record, doi: str) -> None:
    if (record.native or {}).get("status") in (REGISTERED, AMENDED):
        raise Conflict(f"{doi} is registered: its DOI cannot be changed or deleted")


def merged(
    store: RecordStore, actor: Actor, record: Record, changes: dict[str, Any], kind: ObjectKind
) -> dict[str, Any]:
    """The stored document with `changes` merged in (null removes). What `kind` requires
    stays (400), it still names a dataset, and the datasets it newly names are readable."""
    current = {k: v for k, v in (record.native or {}).items() if k not in objects.SERVER_FIELDS}
    document = objects.merged(current, changes)
    if "pidArray" in document and "datasetPids" in changes:
        document.pop("pidArray")  # a v3 record takes v4's list from now on
    lists = ("pidArray", "datasetPids")
    problems = [
        Problem(f"{name} is required: it cannot be removed", name)
        for name in kind.required
        if name not in lists and name in changes and name not in document
    ]
    if not dataset_pids(document):
        name = "pidArray" if "pidArray" in kind.fields else "datasetPids"
        problems.append(Problem(f"{name} must name at least one dataset", name))
    if problems:
        raise InvalidInput("the changes are not valid", problems=problems)
    published_data.readable_datasets(store, actor, dataset_pids(changes))
    return document


def stored(
    store: RecordStore,
    actor: Actor,
    row: RecordHandle,
    record: Record,
    document: dict[str, Any],
    kind: ObjectKind,
) -> dict[str, Any]:
    """`document` stored as the record's new native document (its JSON-LD from `kind`);
    the object as it now is, as stored (`object_of`)."""
    store.update(
        row,
        objects.changes_of(kind, record, document, updated_by=actor.username),
        actor_id=actor.user_id,
    )
    return objects.object_of(store.load([row], with_files=False)[0])


def update(
    runtime: Runtime,
    actor: Actor,
    doi: str,
    changes: dict[str, Any],
    kind: ObjectKind,
    check: ShapeCheck | None = None,
) -> dict[str, Any]:
    """Checked changes merged in and stored (its creator, administrators; not registered)."""
    with unit_of_work(runtime) as work:
        row, record = changeable(work.records, actor, doi)
        if check is not None:
            check(record, changes)
        document = merged(work.records, actor, record, changes, kind)
        return stored(work.records, actor, row, record, document, kind)


def resync(
    runtime: Runtime,
    actor: Actor,
    doi: str,
    changes: dict[str, Any],
    kind: ObjectKind,
    check: ShapeCheck | None = None,
) -> dict[str, str] | None:
    """Store the changes; an amended one (administrators) also goes to DataCite again and is
    `registered` once more, answered `{"doi"}`; otherwise the answer is null (no OAI push).
    A registered one is 409 (amend it first), as is a creator's resync of a non-private one."""
    with unit_of_work(runtime) as work:
        row, record = readable(work.records, actor, doi)
        if not allows(actor, Action.UPDATE, record.access):
            raise PermissionDenied("Unauthorized to update this publisheddata")
        if check is not None:
            check(record, changes)
        status = v4_view(record.native or {})["status"]
        if status == REGISTERED:
            raise Conflict(f"{doi} is registered: amend it before a resync")
        if status != PRIVATE and not actor.is_facility_admin:
            raise Conflict(
                f"Published data can only be resynced if it is in {PRIVATE} state "
                f"({doi} is {status})."
            )
        document = merged(work.records, actor, record, changes, kind)
        if status != AMENDED:
            stored(work.records, actor, row, record, document, kind)
            return None
        document["status"] = REGISTERED
        stored(work.records, actor, row, record, document, kind)
        published_data.send_to_datacite(runtime, record.ark, doi, document)  # last
        return {"doi": doi}


def purge(runtime: Runtime, actor: Actor, doi: str) -> dict[str, Any]:
    """Purge an unregistered PublishedData (administrators, DELETE_GROUPS): a tombstone, the
    doi free again; the object as it was, as stored."""
    if actor.is_anonymous:
        raise PermissionDenied("Forbidden resource")
    with unit_of_work(runtime) as work:
        row, record = readable(work.records, actor, doi)
        if not (actor.is_facility_admin or actor.in_facility_list(actor.facility.delete)):
            raise PermissionDenied("Unauthorized: only administrators delete published data")
        not_registered(record, doi)
        gone = objects.object_of(record)
        work.records.mark_deleted(row, tombstone(row, "published data deleted through SciCat"))
        return gone
