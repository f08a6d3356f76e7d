"""An item's resources (`/items/{ITEM}/resources[/{RID}]`): list, create, read, PUT, PATCH,
DELETE, on the crosswalk's resource helpers (core/crosswalks/ckan_resources.py).

Reads take any record (its files are its resources, `package_of`); changes take gCat items
only, with the item's own rights (`Action.UPDATE`: the author, or an Admin or Manager of its
organization). A change by the author of a moderated item puts it back to pending, as an
update of the item does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fairdepot.core.crosswalks.ckan import resource_changes
from fairdepot.core.crosswalks.ckan_resources import (
    find_resource,
    new_resource,
    numbered,
    replaced_resource,
    validate_resource,
    without_resource,
)
from fairdepot.core.errors import NotFound
from fairdepot.core.policy import Action, Actor
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Moderation, ModerationState, Record
from fairdepot.core.timestamps import utcnow
from fairdepot.services.gcat.item_documents import find_item_row, item_package
from fairdepot.services.gcat.items import back_to_pending, writable_item
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import UnitOfWork, read_only, unit_of_work


def listing(runtime: Runtime, actor: Actor, name: str) -> list[dict[str, Any]]:
    with read_only(runtime) as work:
        return list(
            item_package(work, find_item_row(work, actor, name, Action.READ_METADATA))["resources"]
        )


def show(runtime: Runtime, actor: Actor, name: str, resource_id: str) -> dict[str, Any]:
    for resource in listing(runtime, actor, name):
        if resource.get("id") == resource_id:
            return dict(resource)
    raise NotFound(f"Item '{name}' has no resource with id {resource_id}")


def create(runtime: Runtime, actor: Actor, name: str, body: object) -> dict[str, Any]:
    """A new resource at the end of the item's list (a new id: a client's is not taken)."""
    with unit_of_work(runtime) as work:
        row, record = writable_item(work, actor, name, Action.UPDATE)
        checked = validate_resource(body, _name(record, name), item_id=_id(record))
        created = new_resource(checked, now=utcnow())
        resources = numbered([*_stored(record), created])
        return _write(work, actor, row, record, resources, created["id"])


def update(
    runtime: Runtime,
    actor: Actor,
    name: str,
    resource_id: str,
    body: object,
    *,
    patch: bool = False,
) -> dict[str, Any]:
    """PUT (the body replaces the resource; an `id` must be the path's) or PATCH (the body's
    keys replace the stored ones)."""
    with unit_of_work(runtime) as work:
        row, record = writable_item(work, actor, name, Action.UPDATE)
        stored = _stored(record)
        if patch:
            old = find_resource(stored, resource_id)
            body = {**old, **body} if isinstance(body, dict) else body
        checked = validate_resource(
            body, _name(record, name), item_id=_id(record), resource_id=resource_id
        )
        resources = replaced_resource(stored, resource_id, checked, now=utcnow())
        return _write(work, actor, row, record, resources, resource_id)


def delete(runtime: Runtime, actor: Actor, name: str, resource_id: str) -> None:
    """Gone from the item (and its file entry from the record); CKAN's `resource_delete`."""
    with unit_of_work(runtime) as work:
        row, record = writable_item(work, actor, name, Action.UPDATE)
        resources = without_resource(_stored(record), resource_id)
        work.records.update(row, _changes(actor, record, resources), actor_id=actor.user_id)


def _write(
    work: UnitOfWork,
    actor: Actor,
    row: RecordHandle,
    record: Record,
    resources: list[dict[str, Any]],
    resource_id: str,
) -> dict[str, Any]:
    work.records.update(row, _changes(actor, record, resources), actor_id=actor.user_id)
    shown = item_package(work, row)["resources"]
    return next(dict(r) for r in shown if r.get("id") == resource_id)


def _changes(actor: Actor, record: Record, resources: list[dict[str, Any]]) -> RecordChanges:
    changes = resource_changes(record, resources)
    if back_to_pending(actor, record):
        changes = replace(changes, moderation=Moderation(ModerationState.PENDING))
    return changes


def _stored(record: Record) -> list[dict[str, Any]]:
    return list((record.native or {}).get("resources") or [])


def _name(record: Record, fallback: str) -> str:
    return str((record.native or {}).get("name") or fallback)


def _id(record: Record) -> str | None:
    return record.identifiers.get("id")
