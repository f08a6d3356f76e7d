"""SciCat proposals, samples and instruments: create, read, list, count, patch, delete (one
module, three kinds).

Each object is a record (core/crosswalks/scicat_objects.py) written through the unit of work;
its SciCat id is an identifier, so a duplicate is the identifier index's 409, never a 500.
Who may do what (docs/api-scicat.md):
- proposals: created by facility administrators and PROPOSAL_GROUPS members (any ownerGroup:
  a facility's ingestor creates them for the proposal's group), else 403;
- samples: created by any account for one of its own groups (CREATE_PRIVILEGED_GROUPS: any
  group), as the policy's CreateRequest decides (SciCat's SAMPLE_GROUPS default `#all`);
- instruments: created and changed by administrators only; anyone reads them;
- reading and patching an owned object is the core policy's READ_METADATA / UPDATE on its
  access. SciCat answers 403 for an object that exists but may not be read, 404 when it does not;
- deleting any of them: DELETE_GROUPS and administrators (the backend: DELETE_GROUPS), a purge
  as a dataset's (a tombstone; the id free again).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks import scicat_objects as objects
from fairdepot.core.crosswalks.scicat_objects import INSTRUMENT, PROPOSAL, ObjectKind, Type
from fairdepot.core.errors import InvalidInput, NotFound, PermissionDenied, Problem
from fairdepot.core.policy import Action, Actor, CreateRequest, allows, read_scope
from fairdepot.core.query import (
    And,
    Column,
    Comparison,
    Field,
    Filter,
    InvalidQuery,
    Op,
    Page,
    Query,
    SortKey,
)
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Face, Record, RecordState
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.filters import json_parameter, page_number
from fairdepot.services.scicat.where import WhereFields, where_filter
from fairdepot.services.uow import read_only, unit_of_work
from fairdepot.storage.db.records import RecordStore, tombstone

MAX_ID_LENGTH = 1000
"""Identifiers are indexed up to 1,024 characters; a longer id is a 400, not a database error."""


@dataclass(frozen=True)
class ObjectQuery:
    """A page of one kind of object: where, how many, sorted how."""

    where: Filter | None = None
    limit: int = 100
    skip: int = 0
    sort: tuple[SortKey, ...] = ()


def create(runtime: Runtime, actor: Actor, kind: ObjectKind, body: object) -> dict[str, Any]:
    """A new object (201): checked, permitted, its id given (uuid4 where the client gave none)."""
    document = objects.validate_object(kind, body)
    _may_create(runtime, actor, kind, document)
    if not document.get(kind.id_field):
        document[kind.id_field] = str(uuid.uuid4())
    _check_id(kind, document[kind.id_field])
    ark = str(arks.mint(runtime.settings.naan, runtime.settings.ark_shoulder))
    record = objects.record_of(
        kind, document, ark=ark, owner_id=actor.user_id, created_by=actor.username
    )
    with unit_of_work(runtime) as work:
        row = work.records.insert(record)
        stored = work.records.load([row], with_files=False)[0]
    return objects.object_of(stored)


def get(runtime: Runtime, actor: Actor, kind: ObjectKind, object_id: str) -> dict[str, Any]:
    """One object by its SciCat id: 404 if none has it, 403 if the actor may not read it."""
    with read_only(runtime) as work:
        record = _readable(work.records, actor, kind, object_id)
    return objects.object_of(record)


def patch(
    runtime: Runtime, actor: Actor, kind: ObjectKind, object_id: str, body: object
) -> dict[str, Any]:
    """The object with `body` merged in (null removes a field); its id never changes."""
    changes = objects.validate_object(kind, body, partial=True)
    changes.pop(kind.id_field, None)  # the path names the object; pyscicat sends it back
    with unit_of_work(runtime) as work:
        row = work.records.row_by_identifier(kind.scheme.value, object_id)
        record = _check(work.records, actor, kind, row, object_id)
        if not allows(actor, Action.UPDATE, record.access):
            raise PermissionDenied("Unauthorized to update this " + kind.kind.lower())
        document = objects.merged(
            {k: v for k, v in (record.native or {}).items() if k not in objects.SERVER_FIELDS},
            changes,
        )
        document[kind.id_field] = object_id
        missing = [n for n in kind.required if n not in document]
        if missing:
            objects.validate_object(kind, document)  # says which required field went
        assert row is not None
        work.records.update(
            row,
            objects.changes_of(kind, record, document, updated_by=actor.username),
            actor_id=actor.user_id,
        )
        stored = work.records.load([row], with_files=False)[0]
    return objects.object_of(stored)


def find(
    runtime: Runtime, actor: Actor, kind: ObjectKind, query: ObjectQuery
) -> list[dict[str, Any]]:
    """The objects of `kind` the actor may read that match `query`, a page of them."""
    with read_only(runtime) as work:
        found = work.records.find(page_query(kind, query), read_scope(actor))
        records = work.records.load(found.rows, with_files=False)
    return [objects.object_of(r) for r in records]


def page_query(kind: ObjectKind, query: ObjectQuery) -> Query:
    """`query` as a core query over the objects of `kind` (oldest first unless it orders)."""
    parts: list[Filter] = [
        Comparison(Field(column=Column.FACE), Op.EQ, Face.SCICAT.value),
        Comparison(Field(column=Column.KIND), Op.EQ, kind.kind),
    ]
    if query.where is not None:
        parts.append(query.where)
    return Query(
        where=And(tuple(parts)),
        sort=query.sort or (SortKey(Field(column=Column.CREATED_AT)),),
        page=Page(limit=query.limit, offset=query.skip),
    )


def count(runtime: Runtime, actor: Actor, kind: ObjectKind, query: ObjectQuery) -> int:
    """How many objects of `kind` the actor may read match the query's where."""
    parts: list[Filter] = [
        Comparison(Field(column=Column.FACE), Op.EQ, Face.SCICAT.value),
        Comparison(Field(column=Column.KIND), Op.EQ, kind.kind),
    ]
    if query.where is not None:
        parts.append(query.where)
    core = Query(where=And(tuple(parts)), count=True, page=Page(limit=1))
    with read_only(runtime) as work:
        found = work.records.find(core, read_scope(actor))
    return int(found.total or 0)


def delete(runtime: Runtime, actor: Actor, kind: ObjectKind, object_id: str) -> dict[str, Any]:
    """Purge one object (DELETE_GROUPS, administrators); answered as it was (200)."""
    if actor.is_anonymous:
        raise PermissionDenied("Forbidden resource")
    with unit_of_work(runtime) as work:
        row = work.records.row_by_identifier(kind.scheme.value, object_id)
        if row is None or row.kind != kind.kind or row.state != RecordState.ACTIVE.value:
            raise NotFound(f"{kind.kind.lower()}: {object_id} not found")
        record = work.records.load([row], with_files=False)[0]
        # a deleter need not read it (an archive manager deletes any group's), as the backend
        if not (actor.is_facility_admin or actor.in_facility_list(actor.facility.delete)):
            raise PermissionDenied(
                f"Unauthorized: only administrators delete a {kind.kind.lower()}"
            )
        assert row is not None
        work.records.mark_deleted(
            row, tombstone(row, f"{kind.kind.lower()} deleted through SciCat")
        )
        return objects.object_of(record)


def find_one(
    runtime: Runtime, actor: Actor, kind: ObjectKind, query: ObjectQuery
) -> dict[str, Any] | None:
    """The first match, or None (the backend answers an empty 200 then)."""
    first = find(
        runtime, actor, kind, ObjectQuery(query.where, limit=1, skip=query.skip, sort=query.sort)
    )
    return first[0] if first else None


# -- filters -------------------------------------------------------------------------------


def object_query(kind: ObjectKind, raw_filter: object, location: str = "filter") -> ObjectQuery:
    """A loopback filter (`{"where":..., "limit", "skip", "order", "limits"}`) over the fields
    of `kind`, with every operator a dataset's `where` has (services/scicat/where.py). Anything
    else is a 400 naming where it is, never a query the database would refuse."""
    parsed = json_parameter(raw_filter, location)
    if parsed is None:
        return ObjectQuery()
    if not isinstance(parsed, dict):
        raise InvalidQuery("a filter is a JSON object", location)
    for key in parsed:
        if key not in {"where", "limit", "skip", "order", "limits", "fields", "include"}:
            raise InvalidQuery(f"Property {key} should not exist in the filter object", location)
    limits = parsed.get("limits") or {}
    if not isinstance(limits, dict):
        raise InvalidQuery("limits must be an object", f"{location}.limits")
    limit = page_number(parsed.get("limit", limits.get("limit")), f"{location}.limit", 100)
    skip = page_number(parsed.get("skip", limits.get("skip")), f"{location}.skip", 0)
    order = parsed.get("order", limits.get("order"))
    return ObjectQuery(
        where=where_filter(parsed.get("where"), f"{location}.where", where_fields(kind)),
        limit=limit or 100,
        skip=skip,
        sort=_order(kind, order, f"{location}.order") if order else (),
    )


def _field(kind: ObjectKind, name: object, location: str) -> Field:
    if not isinstance(name, str) or not name:
        raise InvalidQuery("a field name must be a non-empty string", location)
    head = name.partition(".")[0]
    if head in {"createdAt", "updatedAt"} and head == name:
        return Field(column=Column.CREATED_AT if head == "createdAt" else Column.UPDATED_AT)
    if head == "_id":
        name = kind.id_field
        head = name
    if head not in kind.fields and head not in {"createdBy", "updatedBy"}:
        raise InvalidQuery(f"'{name[:80]}' is not a field of a {kind.kind.lower()}", location)
    return Field.parse(f"native.{name}", location)


def where_fields(kind: ObjectKind) -> WhereFields:
    """The field table of `kind` for the shared `where` translator: its fields are native paths
    (dotted into `sampleCharacteristics`, `customMetadata`, `metadata`), `createdAt` and
    `updatedAt` the record's columns; `isPublished` the record's publication state."""
    return WhereFields(
        field=partial(_field, kind),
        holds_time=lambda name: kind.fields.get(name) is Type.TIME,
        published_flag="isPublished" in kind.fields,
    )


def _order(kind: ObjectKind, order: object, location: str) -> tuple[SortKey, ...]:
    if not isinstance(order, str):
        raise InvalidQuery("order is 'field:asc' or 'field:desc'", location)
    name, _, direction = order.partition(":")
    direction = direction.strip().lower() or "asc"
    if direction not in {"asc", "desc"}:
        raise InvalidQuery("order is 'field:asc' or 'field:desc'", location)
    return (SortKey(_field(kind, name.strip(), location), descending=direction == "desc"),)


# -- internals -----------------------------------------------------------------------------


def _may_create(runtime: Runtime, actor: Actor, kind: ObjectKind, document: dict[str, Any]) -> None:
    if actor.is_anonymous:
        raise PermissionDenied("Forbidden resource")
    if kind is INSTRUMENT:
        if not actor.is_facility_admin:
            raise PermissionDenied("Forbidden resource: only administrators create instruments")
        return
    if kind is PROPOSAL:
        listed = frozenset(runtime.settings.proposal_groups)
        if not (actor.is_facility_admin or actor.in_facility_list(listed)):
            raise PermissionDenied(
                "Forbidden resource: proposals are created by PROPOSAL_GROUPS and administrators"
            )
        return
    request = CreateRequest(owner_group=document.get("ownerGroup"))
    if not allows(actor, Action.CREATE, request):
        raise PermissionDenied(f"Unauthorized to create this {kind.kind.lower()}")


def _check_id(kind: ObjectKind, value: object) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
        raise InvalidInput(
            f"{kind.id_field} is not valid",
            problems=[
                Problem(
                    f"{kind.id_field} must be a non-empty string of at most "
                    f"{MAX_ID_LENGTH} characters",
                    kind.id_field,
                )
            ],
        )


def _readable(store: RecordStore, actor: Actor, kind: ObjectKind, object_id: str) -> Record:
    row = store.row_by_identifier(kind.scheme.value, object_id)
    return _check(store, actor, kind, row, object_id)


def _check(
    store: RecordStore, actor: Actor, kind: ObjectKind, row: RecordHandle | None, object_id: str
) -> Record:
    if row is None or row.kind != kind.kind or row.state != RecordState.ACTIVE.value:
        raise NotFound(f"{kind.kind.lower()}: {object_id} not found")
    record = store.load([row], with_files=False)[0]
    if not allows(actor, Action.READ_METADATA, record.access):
        raise PermissionDenied("Unauthorized access")
    return record
