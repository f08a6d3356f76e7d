"""SciCat's dataset changes (v3 and v4): PATCH, PUT, appendToArrayField, DELETE and the
lifecycle's PATCH; reading, listing and creating are services/scicat/datasets.py.

Every change reads the dataset once, in its own transaction (services/scicat/dataset_lookup.py:
404 unknown, 403 not the caller's to change, 403 for a FAIRSCAPE crate, which is read only
here), makes the new document from it, writes it and answers from what it wrote
(`RecordStore.as_updated`), so a read-modify-write costs one load of the record.

Deleting is a purge: the record becomes a tombstone (its ARK answers 410 for ever) and its pid
is free again, as on the real backend, where a deleted dataset is gone and its pid reusable.
Only DELETE_GROUPS members and administrators delete, as on the backend (the owner group,
which may change a dataset, may not delete it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fairdepot.core.crosswalks.scicat import ARRAY_FIELDS, access_of, changes_of, dataset_of
from fairdepot.core.crosswalks.scicat_fields import ApiVersion, with_si_values
from fairdepot.core.crosswalks.scicat_lifecycle import (
    check_lifecycle_change,
    lifecycle_with_defaults,
)
from fairdepot.core.crosswalks.scicat_patch import apply_patch, validate_patch
from fairdepot.core.crosswalks.scicat_validation import validate_dataset
from fairdepot.core.errors import InvalidInput, PermissionDenied, PreconditionFailed, Problem
from fairdepot.core.policy import Action, Actor
from fairdepot.core.query import InvalidQuery
from fairdepot.core.records import RecordState
from fairdepot.core.timestamps import format_time, utcnow
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.dataset_files import parts_after_change
from fairdepot.services.scicat.dataset_lookup import (
    DATASET_ROUTES,
    FORBIDDEN,
    UNAUTHORIZED,
    dataset,
    manages_lifecycles,
)
from fairdepot.services.scicat.filters import json_parameter
from fairdepot.services.scicat.inputs import input_arks
from fairdepot.storage.db.records import tombstone


def update(
    runtime: Runtime,
    actor: Actor,
    pid: str,
    body: object,
    version: ApiVersion = ApiVersion.V4,
    *,
    replace: bool = False,
    unmodified_since: datetime | None = None,
    any_dataset: bool = False,
) -> dict[str, Any]:
    """PATCH (merge-patch on v4, top-level replacement on v3) or PUT (`replace`: the body is
    the whole dataset, checked like a create, and must keep the pid and type). `pid`, `type`
    and server fields equal to the stored ones may be sent back (pyscicat sends its model).
    `unmodified_since` (`If-Unmodified-Since`): 412 if the dataset changed after it, so a
    client's read-modify-write does not overwrite someone else's change. `any_dataset`: a
    lifecycle manager's change of the lifecycle alone (no access check on the dataset)."""
    return _update(
        runtime,
        actor,
        pid,
        lambda _current: body,
        version,
        replace=replace,
        unmodified_since=unmodified_since,
        any_dataset=any_dataset,
    )


def append_to_array(
    runtime: Runtime, actor: Actor, pid: str, field_name: object, values: list[Any]
) -> dict[str, Any]:
    """v3 `appendToArrayField`: each of `values` added to the array field `field_name` unless
    it holds it already (Mongo's `$addToSet` with `$each`), checked and stored as a PATCH of
    that field (same permission, one revision), read from the dataset inside the change's
    transaction so that two appends do not lose one another. Only the dataset's array fields
    (`keywords`, `accessGroups`, `proposalIds`, `techniques`...) take it: any other name is
    400 (the backend adds a field of any name, and fails on one that is not an array)."""
    if not isinstance(field_name, str) or field_name not in ARRAY_FIELDS:
        raise InvalidInput(
            "fieldName must name an array field of a dataset",
            problems=[Problem(f"is one of {', '.join(sorted(ARRAY_FIELDS))}", "fieldName")],
        )

    def appended(current: dict[str, Any]) -> dict[str, Any]:
        existing = current.get(field_name)
        merged = list(existing) if isinstance(existing, list) else []
        for value in values:
            if value not in merged:
                merged.append(value)
        return {field_name: merged}

    return _update(runtime, actor, pid, appended, ApiVersion.V4, answer=ApiVersion.V3)


def append_values(given: list[str]) -> list[Any]:
    """appendToArrayField's `data`: one JSON array (the backend parses the parameter as
    JSON), or, as scicat-sdk-py sends its `List[str]` (the parameter repeated, or one text
    that is not a JSON array), each value one string."""
    if len(given) == 1:
        try:
            parsed = json_parameter(given[0], "data")
        except InvalidQuery:
            parsed = None
        if isinstance(parsed, list):
            return parsed
    return list(given)


def _update(
    runtime: Runtime,
    actor: Actor,
    pid: str,
    body_of: Callable[[dict[str, Any]], object],
    version: ApiVersion,
    *,
    replace: bool = False,
    unmodified_since: datetime | None = None,
    any_dataset: bool = False,
    answer: ApiVersion | None = None,
) -> dict[str, Any]:
    """A change whose body `body_of` makes from the dataset as stored (read in the change's
    own transaction), answered in `answer`'s shape (default: `version`'s)."""
    if actor.is_anonymous:
        raise PermissionDenied(FORBIDDEN)
    with runtime.writing() as store:
        row, record = dataset(
            store, actor, pid, Action.UPDATE, DATASET_ROUTES, any_dataset=any_dataset
        )
        if unmodified_since is not None and record.updated_at is not None:
            # an HTTP date has whole seconds: a change within its second is not "after" it
            changed = record.updated_at.astimezone(UTC).replace(microsecond=0)
            if changed > unmodified_since.astimezone(UTC):
                raise PreconditionFailed(
                    f"dataset {pid} was modified at {format_time(record.updated_at)}, "
                    "after If-Unmodified-Since"
                )
        current = dataset_of(record)
        fields = _without_server_fields(body_of(current), current)
        if replace:
            fields.setdefault("pid", pid)
            fields.setdefault("type", current.get("type"))
            new = validate_dataset(fields, version)
            if new.get("pid") != pid or new.get("type") != current.get("type"):
                raise InvalidInput(
                    "the changes are not valid",
                    problems=[
                        Problem("cannot be changed", "pid" if new.get("pid") != pid else "type")
                    ],
                )
            if isinstance(new.get("scientificMetadata"), dict):
                new["scientificMetadata"] = with_si_values(new["scientificMetadata"], refresh=True)
            for name in ("createdBy",):
                if name in current:
                    new[name] = current[name]
        else:
            changes = validate_patch(fields, version)
            new = apply_patch(current, changes, merge=version is ApiVersion.V4)
        # what a change leaves unset of the lifecycle (or a dataset stored without one) is
        # the default again, stored so that a `where` on it finds the dataset
        new["datasetlifecycle"] = lifecycle_with_defaults(
            new.get("datasetlifecycle"), record.created_at or utcnow()
        )
        # the files live in the block records: keep them in the JSON-LD
        parts = parts_after_change(store, row, record, access_of(new, record.access.owner_id))
        inputs = input_arks(store, new.get("inputDatasets") or ())
        changes = changes_of(record, new, updated_by=actor.username, parts=parts, inputs=inputs)
        store.update(row, changes, actor_id=actor.user_id)
        stored = store.as_updated(row, record, changes)  # what `get` would load, not re-read
    return dataset_of(stored, answer or version)


_SERVER_FIELDS = ("createdAt", "updatedAt", "createdBy", "updatedBy", "version", "_id", "id")


def _without_server_fields(body: object, current: dict[str, Any]) -> dict[str, Any]:
    """A change body without the server's fields a client read and sent back (pyscicat and
    scicat-sdk send the whole model); the backend ignores them too."""
    if not isinstance(body, dict):
        raise InvalidInput(
            "a dataset is a JSON object", problems=[Problem("must be an object", "body")]
        )
    fields = dict(body)
    for name in _SERVER_FIELDS:
        fields.pop(name, None)
    if "isPublished" in fields and fields["isPublished"] is None:
        fields.pop("isPublished")
    return fields


def delete(runtime: Runtime, actor: Actor, pid: str) -> dict[str, Any]:
    """Delete a dataset for good (DELETE_GROUPS and administrators only): it and its
    origdatablocks and attachments become tombstones (their files go after the commit) and
    its pid is free again. Returns the dataset as it was."""
    if actor.is_anonymous:
        raise PermissionDenied(FORBIDDEN)
    with runtime.writing() as store:
        row, record = dataset(store, actor, pid, Action.DELETE, DATASET_ROUTES)
        if not (actor.is_facility_admin or actor.in_facility_list(actor.facility.delete)):
            raise PermissionDenied(UNAUTHORIZED)
        gone = dataset_of(record)
        for target in (*store.members(row), *store.members(row, lifecycle=RecordState.TRASHED)):
            store.mark_deleted(target, tombstone(target, "its dataset was deleted through SciCat"))
        store.mark_deleted(row, tombstone(row, "deleted through SciCat"))
    return gone


def update_lifecycle(runtime: Runtime, actor: Actor, pid: str, body: object) -> dict[str, Any]:
    """`PATCH /datasets/{pid}/datasetlifecycle`: merge-patch the lifecycle object alone: the
    dataset's owner group, administrators and UPDATE_DATASET_LIFECYCLE_GROUPS (on any
    dataset). The body is checked as the backend's lifecycle DTO (an unknown key, a wrong
    type or an empty body: 400) before anything else."""
    changes = check_lifecycle_change(body)
    updated = update(
        runtime,
        actor,
        pid,
        {"datasetlifecycle": changes},
        any_dataset=manages_lifecycles(runtime, actor),
    )
    return lifecycle_of_dataset(updated)


def lifecycle_of_dataset(dataset: dict[str, Any]) -> dict[str, Any]:
    value = dataset.get("datasetlifecycle")
    return dict(value) if isinstance(value, dict) else {}
