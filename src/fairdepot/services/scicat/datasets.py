"""SciCat's dataset use cases (v3 and v4): create, check, read, list, count, search.

Every dataset is a record of the SciCat face (core/crosswalks/scicat.py): it gets an ARK like
any record, its `pid` is an identifier of scheme "pid", and every decision goes through the
core policy, so a dataset a SciCat client writes is the record FAIRSCAPE resolves, and what a
listing shows is what the caller may open. Its changes (PATCH, PUT, appendToArrayField,
DELETE, the lifecycle) are services/scicat/dataset_changes.py.

SciCat tells "you may not" (403) from "there is no such dataset" (404), unlike our other faces:
a dataset is looked up by its pid first, then the policy decides
(services/scicat/dataset_lookup.py, which loads it once for the whole request). Anonymous
callers get 403 on every write and on v4's authenticated reads (the backend's guard), and only
published datasets in listings (their read scope).

FAIRSCAPE crates are datasets here too (services/scicat/reverse.py): every listing, count
and facet also finds the crates the caller may read, and a crate's ARK is its pid; they are
read only through this face (403 on PATCH, PUT, DELETE). A listing reads the JSON-LD of the
crates only (their SciCat view is made from it); a SciCat dataset is rendered from its
native document, and counts and facets read no document at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fairdepot.core.crosswalks.scicat import dataset_of, record_of
from fairdepot.core.crosswalks.scicat_fields import ApiVersion, with_si_values
from fairdepot.core.crosswalks.scicat_lifecycle import lifecycle_with_defaults
from fairdepot.core.crosswalks.scicat_validation import validate_dataset
from fairdepot.core.errors import Conflict, IdentifierTaken, InvalidInput, PermissionDenied
from fairdepot.core.policy import Action, Actor, allows, read_scope
from fairdepot.core.policy.rules import CreateRequest
from fairdepot.core.query import Query
from fairdepot.core.records import Record
from fairdepot.core.timestamps import utcnow
from fairdepot.services.crates.ingest import minter
from fairdepot.services.records import load
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import attachments
from fairdepot.services.scicat.dataset_lookup import (
    DATASET_ROUTES,
    FORBIDDEN,
    PID_SCHEME,
    UNAUTHORIZED,
    dataset,
    manages_lifecycles,
)
from fairdepot.services.scicat.filters import DatasetQuery, IncludeScope
from fairdepot.services.scicat.includes import embedded, included
from fairdepot.services.scicat.inputs import input_arks
from fairdepot.services.scicat.reverse import folded, load_datasets, one_catalogue, rendered

UNAUTHORIZED_V3_CREATE = "Unauthorized to create this dataset"


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
    in the transaction of the one read of the dataset."""
    everything = manages_lifecycles(runtime, actor)
    with runtime.reading() as store:
        row, record = dataset(
            store, actor, pid, Action.READ_METADATA, DATASET_ROUTES, any_dataset=everything
        )
        shown = rendered(record, version)
        if include:
            shown |= included(store, actor, row, record, include, version, scopes)
    return shown


def get_record(runtime: Runtime, actor: Actor, pid: str) -> Record:
    """The record of a dataset the actor reads (404 / 403 as `get`)."""
    everything = manages_lifecycles(runtime, actor)
    with runtime.reading() as store:
        return dataset(
            store, actor, pid, Action.READ_METADATA, DATASET_ROUTES, any_dataset=everything
        )[1]


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
        query = one_catalogue(spec.query).query
        rows = list(store.find(query, read_scope(actor), with_metadata=False).rows)
        records = load_datasets(store, rows)
        extras = embedded(store, actor, rows, records, spec.include, version, spec.scopes)
    return [
        {**project(rendered(r, version), spec.fields), **extra}
        for r, extra in zip(records, extras, strict=True)
    ]


def count(runtime: Runtime, actor: Actor, spec: DatasetQuery) -> int:
    """How many readable datasets match (the page of `spec` ignored): one count, no row read."""
    query = one_catalogue(Query(where=spec.query.where, text=spec.query.text)).query
    with runtime.reading() as store:
        return store.tally(query, read_scope(actor)).total


def facets(runtime: Runtime, actor: Actor, query: Query) -> list[dict[str, Any]]:
    """`fullfacet`'s answer: one object with, per facet, `[{_id, count}]`, and `all:
    [{totalSets}]`, counting readable datasets and crates only."""
    widened = one_catalogue(query)
    with runtime.reading() as store:
        found = store.tally(widened.query, read_scope(actor))
    out: dict[str, Any] = folded(widened, found.facets)
    for request in query.facets:
        out.setdefault(request.name or "", [])
    out["all"] = [{"totalSets": found.total}]
    return [out]


def project(dataset: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Only the top-level `fields` of a dataset (all when empty); a dotted name keeps its
    top-level field whole."""
    if not fields:
        return dataset
    wanted = {name.split(".", 1)[0] for name in fields}
    return {k: v for k, v in dataset.items() if k in wanted}


def lifecycle(runtime: Runtime, actor: Actor, pid: str) -> dict[str, Any]:
    """`GET /datasets/{pid}/datasetlifecycle`: the dataset's lifecycle object (the backend's
    defaults for what is unset)."""
    lifecycle_of = get(runtime, actor, pid).get("datasetlifecycle")
    return dict(lifecycle_of) if isinstance(lifecycle_of, dict) else {}
