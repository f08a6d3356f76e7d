"""SciCat v3's PublishedData changes: PATCH, DELETE, resync and formpopulate of
`/api/v3/publisheddata`, on the workflow v4 has (services/scicat/published_data_workflow.py),
with v3's bodies and answers.

v3's bodies are the backend's `PartialUpdatePublishedDataDto` (PATCH) and the whole
`UpdatePublishedDataDto` (resync: `creator`, `publisher`, `publicationYear`, `title`,
`abstract`, `dataDescription`, `resourceType`, `pidArray` required), the flat fields of
core/crosswalks/scicat_objects.py's PUBLISHED_DATA. They may carry `doi`, `status` and
`registeredTime`, as a client sends back what it read: equal to the stored ones they are
ignored, otherwise 400 (register and the v4 workflow change them, never a body). The answer
is the object as stored, v3's shape. A PublishedData created through v4 (`datasetPids`,
`metadata`) is changed through v4 only (409): v3's flat fields have no place in it.
"""

from __future__ import annotations

from typing import Any

from fairdepot.core.crosswalks import scicat_objects as objects
from fairdepot.core.crosswalks.scicat_objects import PUBLISHED_DATA
from fairdepot.core.errors import Conflict, InvalidInput, PermissionDenied, Problem
from fairdepot.core.policy import Actor
from fairdepot.core.records import Record
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import published_data_form
from fairdepot.services.scicat import published_data_workflow as workflow

_WORKFLOW_FIELDS = ("doi", "status", "registeredTime")
"""Fields v3's DTO carries that only the workflow changes."""


def update(runtime: Runtime, actor: Actor, doi: str, body: object) -> dict[str, Any]:
    """`PATCH /api/v3/publisheddata/{doi}` (200): a top-level merge-patch (null removes an
    optional field) of v3's partial DTO; its creator and administrators, not once registered."""
    if actor.is_anonymous:  # before the body, as every SciCat write
        raise PermissionDenied("Forbidden resource")
    changes = objects.validate_object(PUBLISHED_DATA, body, partial=True)
    return workflow.update(runtime, actor, doi, changes, PUBLISHED_DATA, _v3_shaped)


def resync(runtime: Runtime, actor: Actor, doi: str, body: object) -> dict[str, str] | None:
    """`POST /api/v3/publisheddata/{doi}/resync` (201): v3's whole DTO merged in; an amended
    one is registered again (`{"doi"}`), otherwise the answer is null (no OAI provider)."""
    if actor.is_anonymous:
        raise PermissionDenied("Forbidden resource")
    changes = objects.validate_object(PUBLISHED_DATA, body)
    return workflow.resync(runtime, actor, doi, changes, PUBLISHED_DATA, _v3_shaped)


def delete(runtime: Runtime, actor: Actor, doi: str) -> dict[str, Any]:
    """`DELETE /api/v3/publisheddata/{doi}` (200): the purge v4 has, answered as stored."""
    return workflow.purge(runtime, actor, doi)


def form_populate(runtime: Runtime, actor: Actor, pids: list[str]) -> dict[str, Any]:
    """`GET /api/v3/publisheddata/formpopulate?pid=`: the same fields as v4's."""
    return published_data_form.form_populate(runtime, actor, pids)


def _v3_shaped(record: Record, changes: dict[str, Any]) -> None:
    """Refuse a change to a v4-shaped PublishedData (409) and drop the workflow's fields that
    are as stored (any other value: 400). `changes` is changed in place."""
    current = record.native or {}
    doi = record.identifiers.get(PUBLISHED_DATA.scheme.value, current.get("doi"))
    if "pidArray" not in current:
        raise Conflict(
            f"publisheddata {doi} was created through v4: change it through /api/v4/publisheddata"
        )
    current = {**current, "doi": doi}
    differ = [n for n in _WORKFLOW_FIELDS if n in changes and changes[n] != current.get(n)]
    if differ:
        raise InvalidInput(
            "the changes are not valid",
            problems=[Problem(f"{n} is changed by register only", n) for n in differ],
        )
    for name in _WORKFLOW_FIELDS:
        changes.pop(name, None)
