"""SciCat PublishedData (v3 shape): create, find, count, findOne by doi, register.

A PublishedData is a record (kind "PublishedData", an ARK, its `doi` an identifier). Creating
one needs an account that may read every dataset of its `pidArray` (404/403 otherwise); its
doi is `DATACITE_PREFIX/uuid4` (PID_PREFIX when DataCite is not configured) and its status
`pending_registration`; its creator and administrators read it. Registering it (administrators,
or whoever may publish every one of its datasets - their owner group) in ONE unit of work:
the datasets become published, the PublishedData `registered` (then anyone reads it), and, if
a DataCite account is configured, its DOI is registered at DataCite last, before the commit. If
DataCite fails the transaction rolls back: 503, nothing changed, and registering again later
is safe (services/datacite.py is idempotent).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks import scicat_objects as objects
from fairdepot.core.crosswalks.scicat_objects import (
    PENDING,
    PUBLISHED_DATA,
    REGISTERED,
    ObjectKind,
)
from fairdepot.core.crosswalks.scicat_published import AMENDED, datacite_fields, dataset_pids
from fairdepot.core.errors import Conflict, NotFound, PermissionDenied
from fairdepot.core.policy import Action, Actor, allows, read_scope
from fairdepot.core.query import And, Column, Comparison, Field, Op, Page, Query
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Access, Face, PublicationStatus
from fairdepot.core.timestamps import format_time, utcnow
from fairdepot.services import datacite
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.dataset_files import after_publication
from fairdepot.services.scicat.dataset_lookup import PUBLISHED_DATA_ROUTES, dataset_rows
from fairdepot.services.scicat.objects import ObjectQuery
from fairdepot.services.uow import read_only, unit_of_work
from fairdepot.storage.db.records import RecordStore


def create(runtime: Runtime, actor: Actor, body: object) -> dict[str, Any]:
    """A new PublishedData (201), pending registration."""
    document = objects.validate_object(PUBLISHED_DATA, body)
    return store_new(runtime, actor, PUBLISHED_DATA, document, PENDING)


def store_new(
    runtime: Runtime, actor: Actor, kind: ObjectKind, document: dict[str, Any], status: str
) -> dict[str, Any]:
    """Store a checked PublishedData of either shape (v3's or v4's kind) with a new doi and
    `status`, if the actor may read every one of its datasets (404/403 otherwise)."""
    if actor.is_anonymous:
        raise PermissionDenied("Forbidden resource")
    account = datacite.account_of(runtime.settings)
    prefix = account.prefix if account else runtime.settings.pid_prefix.rstrip("/")
    document["doi"] = f"{prefix}/{uuid.uuid4()}"
    document["status"] = status
    document.pop("registeredTime", None)
    ark = str(arks.mint(runtime.settings.naan, runtime.settings.ark_shoulder))
    record = objects.record_of(
        kind, document, ark=ark, owner_id=actor.user_id, created_by=actor.username
    )
    with unit_of_work(runtime) as work:
        readable_datasets(work.records, actor, dataset_pids(document))
        row = work.records.insert(record)
        stored = work.records.load([row], with_files=False)[0]
    return objects.object_of(stored)


def register(runtime: Runtime, actor: Actor, doi: str) -> dict[str, Any]:
    """Publish the datasets and register the PublishedData (and its DOI at DataCite)."""
    with unit_of_work(runtime) as work:
        row = work.records.row_by_identifier(PUBLISHED_DATA.scheme.value, doi)
        if row is None or row.kind != PUBLISHED_DATA.kind:
            raise NotFound(f"publisheddata: {doi} not found")
        record = work.records.load([row], with_files=False)[0]
        if not allows(actor, Action.READ_METADATA, record.access):
            raise PermissionDenied("Unauthorized access")
        native = dict(record.native or {})
        if native.get("status") == REGISTERED:
            raise Conflict(f"{doi} is already registered")
        if native.get("status") == AMENDED:
            raise Conflict(f"{doi} is amended: a resync registers it again")
        found = readable_datasets(work.records, actor, dataset_pids(native))
        may_publish_all = all(allows(actor, Action.PUBLISH, access) for _row, access in found)
        if not (actor.is_facility_admin or may_publish_all):
            raise PermissionDenied(
                "Unauthorized: registering publishes its datasets, which you may not publish"
            )
        for dataset, _access in found:
            work.records.update(
                dataset,
                RecordChanges(publication=PublicationStatus.PUBLISHED),
                actor_id=actor.user_id,
            )
            # now read by anyone: its JSON-LD names only the files of blocks anyone may read
            after_publication(work.records, dataset, actor)
        native.update(status=REGISTERED, registeredTime=format_time(utcnow()))
        work.records.update(
            row,
            objects.changes_of(PUBLISHED_DATA, record, native, updated_by=actor.username),
            actor_id=actor.user_id,
        )
        send_to_datacite(runtime, record.ark, doi, native)  # last: a failure rolls back
        stored = work.records.load([row], with_files=False)[0]
    return objects.object_of(stored)


def send_to_datacite(runtime: Runtime, ark: str, doi: str, document: dict[str, Any]) -> None:
    """Give DataCite the DOI's metadata (new or changed), if an account is configured; the
    caller calls it last in its unit of work, so a refusal (503) rolls everything back."""
    account = datacite.account_of(runtime.settings)
    if account is None:
        return
    landing = f"{runtime.settings.public_url.rstrip('/')}/api/{ark}"
    fields = datacite_fields(document, utcnow().year)
    datacite.register_doi(account, doi, datacite.doi_body(doi, fields, landing))


def count(runtime: Runtime, actor: Actor, query: ObjectQuery) -> int:
    """How many PublishedData the actor may read match the filter's where."""
    parts: list[Any] = [
        Comparison(Field(column=Column.FACE), Op.EQ, Face.SCICAT.value),
        Comparison(Field(column=Column.KIND), Op.EQ, PUBLISHED_DATA.kind),
    ]
    if query.where is not None:
        parts.append(query.where)
    core = Query(where=And(tuple(parts)), count=True, page=Page(limit=1))
    with read_only(runtime) as work:
        found = work.records.find(core, read_scope(actor))
    return int(found.total or 0)


def readable_datasets(
    store: RecordStore, actor: Actor, pids: Sequence[str]
) -> list[tuple[RecordHandle, Access]]:
    """The active SciCat datasets `pids` name, each with its access, if the actor may read
    every one (404 `dataset: <pid> not found`, 403 `Unauthorized access to dataset <pid>`,
    for the first that fails): two statements however many pids (dataset_lookup.py)."""
    return dataset_rows(store, actor, pids, Action.READ_METADATA, PUBLISHED_DATA_ROUTES)
