"""SciCat origdatablocks: a dataset's file lists, each a child record of the dataset.

Creating one checks the body, requires write access to the dataset (404 unknown, 403 not
yours), writes the block and the dataset's recomputed `size` / `numberOfFiles` and JSON-LD
`hasPart` in one unit of work: either both are stored or neither. Entries naming files staged
through the file API (services/scicat/staging.py) become files of the dataset record.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_files import (
    ORIGDATABLOCK,
    child_record,
    scicat_view,
    validate_origdatablock,
)
from fairdepot.core.policy import Action, Actor
from fairdepot.core.records import PublicationStatus, Record
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import dataset_lookup, staging
from fairdepot.services.scicat.block_datasets import with_datasets
from fairdepot.services.scicat.child_fields import (
    ORIGDATABLOCK_FIELDS,
    ChildQuery,
    child_query,
    project,
)
from fairdepot.services.scicat.children import (
    children_of,
    count_of,
    may_write,
    new_ark,
    page_of,
    refuse_anonymous_write,
    reload,
)
from fairdepot.services.scicat.dataset_files import recompute
from fairdepot.services.uow import unit_of_work


def create(
    runtime: Runtime,
    actor: Actor,
    body: object,
    version: ApiVersion,
    *,
    pid: str | None = None,
) -> dict[str, Any]:
    """Store a block for its dataset (v4: `datasetId` in the body; v3: `pid` from the URL,
    the body's access fields replaced by the dataset's, as the real backend does)."""
    refuse_anonymous_write(actor)
    block = validate_origdatablock(body, version)
    target = pid if pid is not None else str(block["datasetId"])
    with unit_of_work(runtime) as work:
        store = work.records
        row, dataset = dataset_lookup.dataset(  # with the held files: hasPart's links
            store, actor, target, Action.UPDATE, dataset_lookup.CHILD_ROUTES, with_files=True
        )
        native = dataset.native or {}
        if version is ApiVersion.V3:
            for key in ("ownerGroup", "accessGroups", "instrumentGroup"):
                block.pop(key, None)
        for key in ("ownerGroup", "accessGroups", "instrumentGroup"):
            if key not in block and key in native:
                block[key] = copy.deepcopy(native[key])
        may_write(actor, block.get("ownerGroup"))
        block["datasetId"] = target
        block = {"_id": str(uuid.uuid4()), **block}
        # not given: the dataset's (scitacean sends none; a published dataset's files would
        # otherwise be anonymous to nobody), where the backend's default is false
        block.setdefault("isPublished", dataset.access.publication is PublicationStatus.PUBLISHED)
        if actor.username:
            block["createdBy"] = block["updatedBy"] = actor.username
        record = child_record(
            block,
            kind=ORIGDATABLOCK,
            ark=new_ark(runtime),
            parent_ark=row.ark,
            owner_id=actor.user_id,
            name=f"files of {target}",
        )
        linked = staging.link(work, actor, native, block)
        created = store.insert(record, parent=row)
        recompute(store, row, dataset, actor, linked, unlisting=False)
        return view(reload(store, created), version)


def view(record: Record, version: ApiVersion) -> dict[str, Any]:
    """A block as SciCat emits it (v4 adds `version`, which the backend does not store)."""
    block = scicat_view(record, "_id")
    if version is ApiVersion.V3:
        block.pop("version", None)
    return block


def of_dataset(
    runtime: Runtime, actor: Actor, pid: str, version: ApiVersion
) -> list[dict[str, Any]]:
    """The blocks of a dataset the actor may read, each by its own access."""
    return [view(r, version) for r in children_of(runtime, actor, pid, ORIGDATABLOCK)]


def count_of_dataset(runtime: Runtime, actor: Actor, pid: str) -> dict[str, int]:
    """`{"count"}` of the dataset's blocks the actor may read (counted in SQL)."""
    return {"count": count_of(runtime, actor, pid, ORIGDATABLOCK)}


def find(
    runtime: Runtime, actor: Actor, raw_filter: object, version: ApiVersion = ApiVersion.V4
) -> list[dict[str, Any]]:
    """GET /api/v{3,4}/origdatablocks?filter=: the blocks the actor reads that the filter
    selects (every operator of a dataset's `where`, services/scicat/child_fields.py), each
    cut to the filter's `fields`."""
    return page(runtime, actor, child_query(ORIGDATABLOCK_FIELDS, raw_filter), version)


def page(
    runtime: Runtime, actor: Actor, query: ChildQuery, version: ApiVersion
) -> list[dict[str, Any]]:
    """The blocks a translated filter selects that the actor reads, cut to its `fields`,
    with what its `include` embeds (their datasets, read in the same transaction)."""
    with runtime.reading() as store:
        found = page_of(store, actor, ORIGDATABLOCK_FIELDS, query)
        views = [project(view(r, version), query.fields) for r in found]
        return with_datasets(store, actor, found, views, query.include, version)
