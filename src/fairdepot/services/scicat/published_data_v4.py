"""SciCat v4's PublishedData (`/api/v4/publisheddata`): the v3 use cases of
services/scicat/published_data.py in v4's shape (`datasetPids`, `metadata`), plus PATCH,
publish, amend, resync and DELETE.

A new one is `private`: its creator and administrators read and change it. `publish` makes it
`public` (anyone reads it; its datasets are not touched), `register` publishes its datasets and
makes it `registered` (the v3 use case: one unit of work, DataCite last). Once registered its
DOI is out in the world: PATCH and DELETE are 409. To change it an administrator `amend`s it
(`registered` -> `amended`), then `resync`s it with the changes: they are stored, DataCite gets
the new metadata (last, in the same unit of work) and it is `registered` again. A resync of a
`private` one (its creator too) or `public` one (administrators) just stores the changes (the
backend's OAI provider push is not built). DELETE is for administrators and DELETE_GROUPS, a
purge (tombstone, the doi free again).
"""

from __future__ import annotations

from typing import Any

from fairdepot.core.crosswalks import scicat_objects as objects
from fairdepot.core.crosswalks.scicat_objects import PUBLISHED_DATA, REGISTERED
from fairdepot.core.crosswalks.scicat_published import (
    AMENDED,
    PRIVATE,
    PUBLIC,
    PUBLISHED_DATA_V4,
    v4_view,
)
from fairdepot.core.errors import Conflict, InvalidInput, PermissionDenied, Problem
from fairdepot.core.policy import Actor
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import objects as object_cases
from fairdepot.services.scicat import published_data
from fairdepot.services.scicat import published_data_workflow as workflow
from fairdepot.services.scicat.objects import ObjectQuery
from fairdepot.services.uow import unit_of_work

_WORKFLOW_FIELDS = ("status", "registeredTime", "doi", "numberOfFiles", "sizeOfArchive")
"""The server's: changed by publish and register, never by a create or PATCH body."""


def create(runtime: Runtime, actor: Actor, body: object) -> dict[str, Any]:
    """A new PublishedData (201), `private`."""
    document = objects.validate_object(PUBLISHED_DATA_V4, body)
    for name in _WORKFLOW_FIELDS:
        document.pop(name, None)
    stored = published_data.store_new(runtime, actor, PUBLISHED_DATA_V4, document, PRIVATE)
    return v4_view(stored)


def find(runtime: Runtime, actor: Actor, query: ObjectQuery) -> list[dict[str, Any]]:
    return [v4_view(o) for o in object_cases.find(runtime, actor, PUBLISHED_DATA, query)]


def count(runtime: Runtime, actor: Actor, query: ObjectQuery) -> int:
    return published_data.count(runtime, actor, query)


def get(runtime: Runtime, actor: Actor, doi: str) -> dict[str, Any]:
    return v4_view(object_cases.get(runtime, actor, PUBLISHED_DATA, doi))


def update(runtime: Runtime, actor: Actor, doi: str, body: object) -> dict[str, Any]:
    """Merge-patch at the top level (null removes); its creator and administrators, while
    it is not registered; `datasetPids` given must all be readable by the caller."""
    changes = _checked_changes(body)
    return v4_view(workflow.update(runtime, actor, doi, changes, PUBLISHED_DATA_V4))


def amend(runtime: Runtime, actor: Actor, doi: str) -> dict[str, Any]:
    """`registered` -> `amended` (administrators only), so a resync may change it (200)."""
    if actor.is_anonymous:
        raise PermissionDenied("Forbidden resource")
    if not actor.is_facility_admin:
        raise PermissionDenied("Only admin users can amend published data.")
    with unit_of_work(runtime) as work:
        row, record = workflow.readable(work.records, actor, doi)
        document = dict(record.native or {})
        if document.get("status") != REGISTERED:
            raise Conflict(
                f"Published data can only be amended if it is in {REGISTERED} state "
                f"({doi} is {v4_view(document)['status']})."
            )
        document["status"] = AMENDED
        return v4_view(
            workflow.stored(work.records, actor, row, record, document, PUBLISHED_DATA_V4)
        )


def resync(runtime: Runtime, actor: Actor, doi: str, body: object) -> dict[str, str] | None:
    """Store the changes (v4's partial DTO); an amended one is registered again
    (services/scicat/published_data_workflow.py)."""
    if actor.is_anonymous:  # before the body, as every SciCat write
        raise PermissionDenied("Forbidden resource")
    changes = _checked_changes(body)
    return workflow.resync(runtime, actor, doi, changes, PUBLISHED_DATA_V4)


def _checked_changes(body: object) -> dict[str, Any]:
    """A PATCH or resync body: v4's partial DTO, the workflow's fields refused (400)."""
    changes = objects.validate_object(PUBLISHED_DATA_V4, body, partial=True)
    workflow = [name for name in _WORKFLOW_FIELDS if name in changes and name != "doi"]
    if workflow:
        raise InvalidInput(
            "the changes are not valid",
            problems=[
                Problem(f"{name} is changed by publish and register only", name)
                for name in workflow
            ],
        )
    changes.pop("doi", None)
    return changes


def publish(runtime: Runtime, actor: Actor, doi: str) -> dict[str, Any]:
    """`private` -> `public`: anyone reads it (200); already public or registered: 409."""
    with unit_of_work(runtime) as work:
        row, record = workflow.changeable(work.records, actor, doi)
        document = dict(record.native or {})
        if v4_view(document)["status"] != PRIVATE:
            raise Conflict(f"{doi} is already {document.get('status')}")
        document["status"] = PUBLIC
        return v4_view(
            workflow.stored(work.records, actor, row, record, document, PUBLISHED_DATA_V4)
        )


def register(runtime: Runtime, actor: Actor, doi: str) -> dict[str, Any]:
    """v3's registration (services/scicat/published_data.py), answered in v4's shape."""
    return v4_view(published_data.register(runtime, actor, doi))


def delete(runtime: Runtime, actor: Actor, doi: str) -> dict[str, Any]:
    """Purge an unregistered PublishedData (administrators, DELETE_GROUPS); as it was."""
    return v4_view(workflow.purge(runtime, actor, doi))
