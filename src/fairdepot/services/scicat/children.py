"""What origdatablocks and attachments share: finding their dataset and themselves, listing.

Both are child records of a dataset's record (core/crosswalks/scicat_files.py). The dataset
is found by its pid (identifier scheme "pid", as the datasets' own routes create it), so the
blocks and attachments of a dataset created through POST /datasets compose with these routes
without either knowing the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.scicat_files import DATASET_KINDS, ORIGDATABLOCK
from fairdepot.core.crosswalks.scicat_reverse import READ_ONLY
from fairdepot.core.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
)
from fairdepot.core.policy import Action, Actor, ReadScope, allows, read_scope
from fairdepot.core.query import And, Column, Comparison, Field, Op, Page, Query, SortKey
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Face, IdentifierScheme, Record, RecordState
from fairdepot.services.records import load
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.child_fields import DEFAULT_LIMIT, ChildKind, ChildQuery, of_kind
from fairdepot.services.scicat.filters import checked_query
from fairdepot.services.scicat.reverse import crate_row, is_crate
from fairdepot.services.uow import unit_of_work
from fairdepot.storage.db.records import RecordStore


def refuse_anonymous_write(actor: Actor) -> None:
    """The backend's guard: an anonymous write is 403 before its body is checked (a NestJS
    guard runs before the validation pipe) or any dataset looked up."""
    if actor.is_anonymous:
        raise PermissionDenied("Forbidden resource: log in to do this")


def dataset_by_pid(
    store: RecordStore, pid: str, *, crates: bool = False, documents: bool = True
) -> RecordHandle | None:
    """The record a SciCat dataset pid names, in any state, whoever may read it: the SciCat
    dataset with that pid or, with `crates`, the FAIRSCAPE crate whose ARK it is (one
    catalogue, services/scicat/reverse.py). None: neither. The one pid lookup of the face;
    each caller words its own 404 / 403. `documents=False`: its documents are read only if
    used (a held file's download reads none)."""
    row = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, pid, documents=documents)
    if row is not None and row.face == Face.SCICAT.value and row.kind in DATASET_KINDS:
        return row
    return crate_row(store, pid) if crates else None


UNAUTHORIZED = "Unauthorized access"
"""The backend's words when a dataset exists but the caller may not do the route's action on
it (its checkPermissionsForDatasetExtended), anonymous readers included."""


def dataset_row(store: RecordStore, actor: Actor, pid: str, action: Action) -> RecordHandle:
    """The active SciCat dataset (or FAIRSCAPE crate) a pid names, if the actor may do
    `action` on it, as the backend's checkPermissionsForDatasetExtended answers every child
    route: the dataset is looked up first, whoever asks (404 `dataset: <pid> not found` when
    there is no active one), then the policy decides (403 "Unauthorized access", to anonymous
    readers of an unpublished dataset too: the backend's guard lets them through to this
    check). An anonymous write is 403 before any lookup, as the backend's guard answers;
    a crate the actor reads is read only here (services/scicat/reverse.py)."""
    if action is not Action.READ_METADATA:
        refuse_anonymous_write(actor)
    row = dataset_by_pid(store, pid, crates=True)
    if row is None or row.state != RecordState.ACTIVE.value:
        raise NotFound(f"dataset: {pid[:200]} not found")
    access = store.access_of(row)
    if is_crate(row) and action is not Action.READ_METADATA:
        reads = allows(actor, Action.READ_METADATA, access)
        raise PermissionDenied(READ_ONLY if reads else UNAUTHORIZED)
    if not allows(actor, action, access):
        raise PermissionDenied(UNAUTHORIZED)
    return row


def readable_children(
    store: RecordStore, actor: Actor, parent: RecordHandle, kind: str, limit: int | None
) -> list[Record]:
    """The first `limit` (None: all) active children of `kind` of a dataset the actor reads
    by their own access, oldest first: the read scope and the page are in the statement, so
    only the page's records are loaded."""
    of_kind = Comparison(Field(column=Column.KIND), Op.EQ, kind)
    rows = store.children_per_parent([parent], of_kind, (), read_scope(actor), limit=limit)
    return store.load(rows, with_files=False)


def child_row(store: RecordStore, kind: str, id_field: str, value: str) -> RecordHandle:
    """The active block or attachment whose SciCat id (`_id`, `aid`) is `value`, whoever may
    read it: the caller tells 404 (none) from 403 (not yours) with the policy afterwards."""
    query = Query(
        where=And(
            (
                Comparison(Field(column=Column.FACE), Op.EQ, Face.SCICAT.value),
                Comparison(Field(column=Column.KIND), Op.EQ, kind),
                Comparison(Field.parse(f"native.{id_field}"), Op.EQ, value),
            )
        ),
        page=Page(limit=1),
    )
    found = store.find(query, ReadScope(everything=True)).rows
    if not found:
        what = "origdatablock" if kind == ORIGDATABLOCK else "attachment"
        raise NotFound(f"{what} {value[:200]!r} not found")
    return found[0]


def checked_child(store: RecordStore, actor: Actor, row: RecordHandle, action: Action) -> Record:
    """The child record, if the actor may do `action` on it by its own access (403 if not;
    an anonymous write is 403 too, as the backend's guard answers)."""
    record = store.load([row], with_files=False)[0]
    if not allows(actor, action, record.access):
        raise PermissionDenied(
            "Forbidden resource" if actor.is_anonymous else "Unauthorized access"
        )
    return record


@dataclass
class ChildChange:
    """A block or attachment about to be changed: its row and record, the unit of work's
    records, and the body (an object) when the change has one."""

    store: RecordStore
    row: RecordHandle
    record: Record
    body: dict[str, Any]


@contextmanager
def checked_change(
    runtime: Runtime,
    actor: Actor,
    find: Callable[[RecordStore], RecordHandle],
    action: Action,
    *,
    body: object = None,
    noun: str | None = None,
) -> Iterator[ChildChange]:
    """What every change of a block or attachment starts with, in the backend's order: an
    anonymous caller is 403 (its guard, before the body is read); with `noun`, a body that
    is not an object 400; then, in one unit of work (the change's), the child `find` gives
    (404) and the actor's right to do `action` on it by its own access (403)."""
    if actor.is_anonymous:
        raise PermissionDenied("Forbidden resource")
    if noun is not None and not isinstance(body, dict):
        raise InvalidInput(
            f"{noun} is a JSON object", problems=[Problem("must be an object", "body")]
        )
    with unit_of_work(runtime) as work:
        store = work.records
        row = find(store)
        record = checked_child(store, actor, row, action)
        yield ChildChange(store, row, record, body if isinstance(body, dict) else {})


def children_of(
    runtime: Runtime, actor: Actor, pid: str, kind: str, *, limit: int | None = None
) -> list[Record]:
    """The children of `kind` of the dataset `pid` the actor may read, at most `limit`
    (404 no dataset, 403 an unreadable one: `dataset_row`)."""
    with runtime.reading() as store:
        row = dataset_row(store, actor, pid, Action.READ_METADATA)
        return readable_children(store, actor, row, kind, limit)


def count_of(runtime: Runtime, actor: Actor, pid: str, kind: str) -> int:
    """How many children of `kind` of the dataset `pid` the actor may read: one count in
    SQL, nothing loaded (404 / 403 as `children_of`)."""
    with runtime.reading() as store:
        row = dataset_row(store, actor, pid, Action.READ_METADATA)
        return store.count_children(row, kind, read_scope(actor))


def may_write(actor: Actor, owner_group: object) -> None:
    """A child's owner group must be one of the caller's groups (or the caller an admin)."""
    if actor.is_anonymous:
        raise PermissionDenied("log in to do this")
    if actor.is_facility_admin:
        return
    if not isinstance(owner_group, str) or owner_group not in actor.groups:
        raise PermissionDenied(f"you are not in the owner group {str(owner_group)[:200]!r}")


def new_ark(runtime: Runtime) -> str:
    return str(arks.mint(runtime.settings.naan, runtime.settings.ark_shoulder))


def reload(store: RecordStore, row: RecordHandle) -> Record:
    store.flush()
    store.refresh(row)
    return load(store, row, with_files=False)


def listing(runtime: Runtime, actor: Actor, kind: ChildKind, query: ChildQuery) -> list[Record]:
    """A page of the children of `kind` the actor reads that a translated filter selects."""
    with runtime.reading() as store:
        return page_of(store, actor, kind, query)


def page_of(store: RecordStore, actor: Actor, kind: ChildKind, query: ChildQuery) -> list[Record]:
    """`listing` within a caller's transaction (which may read more for the same page):
    one core query (services/scicat/child_fields.py), the read scope in its statement."""
    core = Query(
        where=of_kind(kind, query.where),
        text=query.text,
        sort=query.sort or (SortKey(Field(column=Column.CREATED_AT)),),
        page=Page(limit=query.limit or DEFAULT_LIMIT, offset=query.skip),
    )
    result = store.find(checked_query(core), read_scope(actor))
    return store.load(result.rows, with_files=False)
