"""SciCat's dataset use cases (v3 and v4): create, check, read, list, count, search, change, delete.

Every dataset is a record of the SciCat face (core/crosswalks/scicat.py): it gets an ARK like
any record, its `pid` is an identifier of scheme "pid", and every decision goes through the
core policy, so a dataset a SciCat client writes is the record FAIRSCAPE resolves, and what a
listing shows is what the caller may open.

SciCat tells "you may not" (403) from "there is no such dataset" (404), unlike our other faces:
a dataset is looked up by its pid first, then the policy decides. Anonymous callers get 403 on
every write and on v4's authenticated reads (the backend's guard), and only published datasets
in listings (their read scope).

FAIRSCAPE crates are datasets here too (services/scicat/reverse.py): every listing, count
and facet also finds the crates the caller may read, and a crate's ARK is its pid; they are
read only through this face (403 on PATCH, PUT, DELETE).

Deleting is a purge: the record becomes a tombstone (its ARK answers 410 for ever) and its pid
is free again, as on the real backend, where a deleted dataset is gone and its pid reusable.
Only DELETE_GROUPS members and administrators delete, as on the backend (the owner group,
which may change a dataset, may not delete it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fairdepot.core.crosswalks.scicat import (
    ARRAY_FIELDS,
    access_of,
    changes_of,
    dataset_of,
    record_of,
)
from fairdepot.core.crosswalks.scicat_fields import ApiVersion, with_si_values
from fairdepot.core.crosswalks.scicat_lifecycle import (
    check_lifecycle_change,
    lifecycle_with_defaults,
)
from fairdepot.core.crosswalks.scicat_patch import apply_patch, validate_patch
from fairdepot.core.crosswalks.scicat_reverse import READ_ONLY
from fairdepot.core.crosswalks.scicat_validation import validate_dataset
from fairdepot.core.errors import (
    Conflict,
    IdentifierTaken,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    Problem,
)
from fairdepot.core.policy import Action, Actor, allows, read_scope
from fairdepot.core.policy.rules import CreateRequest
from fairdepot.core.query import InvalidQuery, Page, Query
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import IdentifierScheme, Record, RecordState
from fairdepot.core.timestamps import format_time, utcnow
from fairdepot.services.crates.ingest import minter
from fairdepot.services.records import load
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import attachments
from fairdepot.services.scicat.children import dataset_by_pid
from fairdepot.services.scicat.dataset_files import parts_after_change
from fairdepot.services.scicat.filters import DatasetQuery, IncludeScope, json_parameter
from fairdepot.services.scicat.includes import embedded, included
from fairdepot.services.scicat.inputs import input_arks
from fairdepot.services.scicat.reverse import (
    folded,
    is_crate,
    load_datasets,
    one_catalogue,
    rendered,
)
from fairdepot.storage.db.records import RecordStore, tombstone

PID_SCHEME = IdentifierScheme.SCICAT_PID.value
FORBIDDEN = "Forbidden resource"
"""The backend's words for a refusal of its guards (anonymous writes)."""
UNAUTHORIZED = "Unauthorized access"
"""Its words for a dataset a logged-in caller may not read or change (v4 creates too)."""
UNAUTHORIZED_V3_CREATE = "Unauthorized to create this dataset"


def _refusal(actor: Actor) -> PermissionDenied:
    return PermissionDenied(FORBIDDEN if actor.is_anonymous else UNAUTHORIZED)


@dataclass(frozen=True)
class Validity:
    """`POST /datasets/isValid`'s answer: whether the body would be created, and why not."""

    valid: bool
    reason: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "reason": self.reason}


def new_pid(runtime: Runtime) -> str:
    """A server pid: the facility's prefix (its trailing `/` dropped), `/`, a UUID4."""
    prefix = runtime.settings.pid_prefix.rstrip("/")
    return f"{prefix}/{uuid.uuid4()}" if prefix else str(uuid.uuid4())


def _checked_create(actor: Actor, body: object, version: ApiVersion) -> dict[str, Any]:
    """The stored shape of a create body the actor may create, or the error to give.

    The DTO is checked first (400 with every problem), then the policy: anonymous, a foreign
    owner group or a pid set without the right are all 403, as the backend's guard answers."""
    if actor.is_anonymous:
        raise PermissionDenied(FORBIDDEN)
    dataset = validate_dataset(body, version)
    request = CreateRequest(
        owner_group=dataset.get("ownerGroup"), preset_identifier=bool(dataset.get("pid"))
    )
    if not allows(actor, Action.CREATE, request):
        if request.preset_identifier and allows(
            actor, Action.CREATE, CreateRequest(owner_group=request.owner_group)
        ):
            raise PermissionDenied("You are not allowed to create a dataset with your own pid")
        raise PermissionDenied(UNAUTHORIZED_V3_CREATE if version is ApiVersion.V3 else UNAUTHORIZED)
    return dataset


def is_valid(actor: Actor, body: object, version: ApiVersion) -> Validity:
    """Whether `body` would be created: DTO faults are `valid: false` with their reasons;
    a body the actor may not create at all is refused (403), as the backend's guard does."""
    if actor.is_anonymous:
        raise PermissionDenied(FORBIDDEN)
    owner_group = body.get("ownerGroup") if isinstance(body, dict) else None
    if isinstance(owner_group, str) and not allows(
        actor, Action.CREATE, CreateRequest(owner_group=owner_group)
    ):  # the backend's guard runs before the DTO is looked at: a foreign group is 403 whatever
        raise PermissionDenied(UNAUTHORIZED_V3_CREATE if version is ApiVersion.V3 else UNAUTHORIZED)
    try:
        _checked_create(actor, body, version)
    except InvalidInput as error:
        reasons = [
            {"property": p.location, "constraints": {"isValid": p.message}} for p in error.problems
        ] or [{"property": "body", "constraints": {"isValid": error.message}}]
        return Validity(False, reasons)
    return Validity(True, [])


def create(
    runtime: Runtime, actor: Actor, body: object, version: ApiVersion = ApiVersion.V4
) -> dict[str, Any]:
    """A new dataset (201): server pid unless a permitted client pid, createdBy/updatedBy the
    caller, SI values beside every convertible quantity, the backend's default lifecycle
    under the client's keys, and an ARK of its own."""
    dataset = _checked_create(actor, body, version)
    dataset["datasetlifecycle"] = lifecycle_with_defaults(dataset.get("datasetlifecycle"), utcnow())
    if not dataset.get("pid"):
        dataset["pid"] = new_pid(runtime)
    if isinstance(dataset.get("scientificMetadata"), dict):
        dataset["scientificMetadata"] = with_si_values(dataset["scientificMetadata"])
    ark = minter(runtime)()
    pid = dataset["pid"]
    try:
        with runtime.writing() as store:
            if store.row_by_identifier(PID_SCHEME, pid) is not None:
                raise Conflict(f"A dataset with pid {pid} already exists!")
            inputs = input_arks(store, dataset.get("inputDatasets") or ())
            record = record_of(
                dataset,
                ark=ark,
                owner_id=actor.user_id,
                created_by=actor.username,
                inputs=inputs,
            )
            row = store.insert(record)
            stored = load(store, row, with_files=False)
    except IdentifierTaken as error:  # taken meanwhile by a concurrent create
        if error.scheme == PID_SCHEME:
            raise Conflict(f"A dataset with pid {pid} already exists!") from None
        raise
    return dataset_of(stored, version)


# -- reading ----------------------------------------------------------------------------------


def _row(
    store: RecordStore, actor: Actor, pid: str, action: Action, *, any_dataset: bool = False
) -> RecordHandle:
    """The active dataset a pid names (a SciCat pid, or a crate's ARK) if the actor may do
    `action`: 404 when there is none (or it is in the trash), 403 when there is one the actor
    may not read or change, and 403 for any change of a crate the actor reads.
    `any_dataset`: the caller is a lifecycle manager, who may do it to every SciCat dataset."""
    row = dataset_by_pid(store, pid, crates=True)
    if row is None or row.state != RecordState.ACTIVE.value:
        raise NotFound(f"dataset: {pid} not found")
    if any_dataset and not is_crate(row):
        return row
    record = load(store, row, with_files=False)
    if is_crate(row) and action is not Action.READ_METADATA:
        if not allows(actor, Action.READ_METADATA, record.access):
            raise _refusal(actor)
        raise PermissionDenied(READ_ONLY)
    if not allows(actor, action, record.access):  # SciCat answers 403 to both
        raise _refusal(actor)
    return row


def manages_lifecycles(runtime: Runtime, actor: Actor) -> bool:
    """Whether the actor is in UPDATE_DATASET_LIFECYCLE_GROUPS: an archive system's account,
    which reads every dataset by pid and changes every dataset's lifecycle (nothing else),
    as the backend's DatasetLifecycleUpdateAny."""
    listed = frozenset(runtime.settings.update_dataset_lifecycle_groups)
    return not actor.is_anonymous and bool(actor.groups & listed)


def get(
    runtime: Runtime,
    actor: Actor,
    pid: str,
    version: ApiVersion = ApiVersion.V4,
    include: tuple[str, ...] = (),
    scopes: tuple[IncludeScope, ...] = (),
) -> dict[str, Any]:
    """One dataset by pid (404 unknown, 403 unreadable); a crate by its ARK. With the
    relations `include` names embedded, each by its scope and each child by its own access,
    from the one read of the dataset."""
    record = get_record(runtime, actor, pid)
    dataset = rendered(record, version)
    if include:
        dataset |= included(runtime, actor, record, include, version, scopes)
    return dataset


def get_record(runtime: Runtime, actor: Actor, pid: str) -> Record:
    everything = manages_lifecycles(runtime, actor)
    with runtime.reading() as store:
        row = _row(store, actor, pid, Action.READ_METADATA, any_dataset=everything)
        return load(store, row, with_files=is_crate(row))


def thumbnail(runtime: Runtime, actor: Actor, pid: str) -> dict[str, Any]:
    """v3 `GET /datasets/{pid}/thumbnail`: `{"thumbnail"}` of the dataset's first attachment
    the actor may read, `{}` when there is none or it has no thumbnail (as the backend);
    404 for an unknown dataset, 403 for one the actor may not read (the pid GET's answers)."""
    get_record(runtime, actor, pid)
    first = attachments.of_dataset(runtime, actor, pid, limit=1)
    if first and isinstance(first[0].get("thumbnail"), str) and first[0]["thumbnail"]:
        return {"thumbnail": first[0]["thumbnail"]}
    return {}


def ark_of(runtime: Runtime, actor: Actor, pid: str) -> str:
    """The ARK of a readable dataset (the record other faces resolve)."""
    return get_record(runtime, actor, pid).ark


def find(
    runtime: Runtime, actor: Actor, spec: DatasetQuery, version: ApiVersion = ApiVersion.V4
) -> list[dict[str, Any]]:
    """The readable datasets a translated filter finds (anonymous: published ones) and the
    readable crates it matches, each with only the fields asked for (all when none) and the
    relations its `include` names (loaded for the whole page at once, each by its scope,
    includes.py)."""
    with runtime.reading() as store:
        found = store.find(one_catalogue(spec.query).query, read_scope(actor))
        records = load_datasets(store, list(found.rows))
        extras = embedded(store, actor, records, spec.include, version, spec.scopes)
    return [
        {**project(rendered(r, version), spec.fields), **extra}
        for r, extra in zip(records, extras, strict=True)
    ]


def count(runtime: Runtime, actor: Actor, spec: DatasetQuery) -> int:
    """How many readable datasets match (the page of `spec` ignored)."""
    query = Query(where=spec.query.where, text=spec.query.text, page=Page(limit=1), count=True)
    query = one_catalogue(query).query
    with runtime.reading() as store:
        return store.find(query, read_scope(actor)).total or 0


def facets(runtime: Runtime, actor: Actor, query: Query) -> list[dict[str, Any]]:
    """`fullfacet`'s answer: one object with, per facet, `[{_id, count}]`, and `all:
    [{totalSets}]`, counting readable datasets and crates only."""
    widened = one_catalogue(query)
    with runtime.reading() as store:
        found = store.find(widened.query, read_scope(actor))
    out: dict[str, Any] = folded(widened, found.facets)
    for request in query.facets:
        out.setdefault(request.name or "", [])
    out["all"] = [{"totalSets": found.total or 0}]
    return [out]


def project(dataset: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Only the top-level `fields` of a dataset (all when empty); a dotted name keeps its
    top-level field whole."""
    if not fields:
        return dataset
    wanted = {name.split(".", 1)[0] for name in fields}
    return {k: v for k, v in dataset.items() if k in wanted}


# -- changing -----------------------------------------------------------------------------------


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
        row = _row(store, actor, pid, Action.UPDATE, any_dataset=any_dataset)
        record = load(store, row, with_files=False)
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
        stored = load(store, row, with_files=False)
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
        row = _row(store, actor, pid, Action.DELETE)
        if not (actor.is_facility_admin or actor.in_facility_list(actor.facility.delete)):
            raise _refusal(actor)
        record = load(store, row, with_files=False)
        gone = dataset_of(record)
        for target in (*store.members(row), *store.members(row, lifecycle=RecordState.TRASHED)):
            store.mark_deleted(target, tombstone(target, "its dataset was deleted through SciCat"))
        store.mark_deleted(row, tombstone(row, "deleted through SciCat"))
    return gone


def lifecycle(runtime: Runtime, actor: Actor, pid: str) -> dict[str, Any]:
    """`GET /datasets/{pid}/datasetlifecycle`: the dataset's lifecycle object (the backend's
    defaults for what is unset)."""
    lifecycle_of = get(runtime, actor, pid).get("datasetlifecycle")
    return dict(lifecycle_of) if isinstance(lifecycle_of, dict) else {}


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
