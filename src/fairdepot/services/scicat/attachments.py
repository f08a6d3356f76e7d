"""SciCat attachments (thumbnails with a caption), each a child record of its dataset.

An attachment has its own access fields (`ownerGroup`, `accessGroups`, `isPublished`,
default false), so a dataset's readers do not thereby see its attachments. The caller must
be in the attachment's owner group and may write to the dataset it is attached to.
"""

from __future__ import annotations

import uuid
from typing import Any

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_files import (
    ATTACHMENT,
    child_record,
    scicat_view,
    validate_attachment,
)
from fairdepot.core.errors import Conflict, InvalidInput, NotFound, Problem
from fairdepot.core.policy import Action, Actor
from fairdepot.core.records import Record, Relation
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.child_fields import ATTACHMENT_FIELDS, child_query, project
from fairdepot.services.scicat.children import (
    child_row,
    children_of,
    count_of,
    dataset_row,
    listing,
    may_write,
    new_ark,
    refuse_anonymous_write,
    reload,
)
from fairdepot.services.uow import unit_of_work
from fairdepot.storage.db.records import RecordStore, tombstone

ATTACHED_TO = "scicat:attachedTo"
"""Relation predicate from an attachment to each of its targets' ids."""

V3_LIMIT = 10
"""v3 GET /datasets/{pid}/attachments answers at most this many (the backend's default)."""

_NO_DATASET = Problem("relationships must name a dataset (targetType dataset)", "relationships")
"""An attachment is a child of a dataset here: a v4 body must name one."""


def create(
    runtime: Runtime,
    actor: Actor,
    body: object,
    version: ApiVersion,
    *,
    pid: str | None = None,
) -> dict[str, Any]:
    """Store an attachment. v4: its datasets are the `relationships` of targetType dataset
    (at least one, each must exist and be writable by the caller); v3: the dataset of the
    URL, whose owner group the attachment takes, with the relationship the backend adds."""
    refuse_anonymous_write(actor)
    attachment = validate_attachment(body, version)
    with unit_of_work(runtime) as work:
        store = work.records
        if version is ApiVersion.V3:
            assert pid is not None
            row = dataset_row(store, actor, pid, Action.UPDATE)
            attachment["datasetId"] = pid
            attachment["relationships"] = [
                {"targetId": pid, "targetType": "dataset", "relationType": "is attached to"}
            ]
            targets = [pid]
            attachment["ownerGroup"] = row.owner_group  # forced, as the backend does
        else:
            targets = [
                rel["targetId"]
                for rel in attachment.get("relationships") or []
                if rel.get("targetType") == "dataset"
            ]
            if not targets:
                raise InvalidInput("an attachment is attached to a dataset", problems=[_NO_DATASET])
            rows = [dataset_row(store, actor, t, Action.UPDATE) for t in targets]
            row = rows[0]
        may_write(actor, attachment.get("ownerGroup"))
        aid = attachment.get("aid") or str(uuid.uuid4())
        if attachment.get("aid") and _taken(store, aid):
            raise Conflict(_taken_message(aid))
        attachment = {"aid": aid, "_id": aid, **{k: v for k, v in attachment.items() if k != "aid"}}
        attachment.setdefault("isPublished", False)
        attachment.setdefault("accessGroups", [])
        attachment.setdefault("caption", "")  # clients' models require both on the way back
        attachment.setdefault("thumbnail", "")
        if actor.username:
            attachment["createdBy"] = attachment["updatedBy"] = actor.username
        record = child_record(
            attachment,
            kind=ATTACHMENT,
            ark=new_ark(runtime),
            parent_ark=row.ark,
            owner_id=actor.user_id,
            name=str(attachment.get("caption") or f"attachment of {targets[0]}"),
        )
        record.relations = [Relation(ATTACHED_TO, t) for t in targets]
        created = store.insert(record, parent=row)
        return view(reload(store, created))


def is_valid(runtime: Runtime, actor: Actor, body: object) -> dict[str, Any]:
    """`POST /api/v4/attachments/isValid`: `{"valid", "reason"}`, whether a v4 create would
    accept the body (its problems' messages if not). Permission first, as the backend's:
    anonymous 403; (as our create, which checks its targets) each dataset the relationships
    name must exist and be writable (404 / 403); then an `ownerGroup` not the caller's 403.
    Only then is the body checked: a DTO fault is `valid: false`, not a 400."""
    refuse_anonymous_write(actor)
    fields = body if isinstance(body, dict) else {}
    relationships = fields.get("relationships")
    targets = [
        rel["targetId"]
        for rel in (relationships if isinstance(relationships, list) else [])
        if isinstance(rel, dict)
        and rel.get("targetType") == "dataset"
        and isinstance(rel.get("targetId"), str)
    ]
    if targets:
        with runtime.reading() as store:
            for target in targets:
                dataset_row(store, actor, target, Action.UPDATE)
    if isinstance(fields.get("ownerGroup"), str):
        may_write(actor, fields["ownerGroup"])
    try:
        attachment = validate_attachment(body, ApiVersion.V4)
    except InvalidInput as error:
        return {"valid": False, "reason": [p.message for p in error.problems] or [error.message]}
    if not targets:
        return {"valid": False, "reason": [_NO_DATASET.message]}
    if attachment.get("aid"):
        with runtime.reading() as store:
            if _taken(store, str(attachment["aid"])):
                return {"valid": False, "reason": [_taken_message(str(attachment["aid"]))]}
    return {"valid": True, "reason": []}


def delete_all(runtime: Runtime, actor: Actor, pid: str) -> dict[str, int]:
    """`DELETE /api/v3/datasets/{pid}/attachments`: purge every attachment of the dataset,
    `{"count": n}`, in one unit of work. Who: whoever may change the dataset (its owner
    group, administrators), as the backend's DatasetAttachmentDelete: 404 for an unknown
    dataset, 403 for one the caller may not change, whether it may read it or not (the
    child routes' answer, `children.dataset_row`), and 403 for an anonymous caller."""
    refuse_anonymous_write(actor)
    with unit_of_work(runtime) as work:
        store = work.records
        row = dataset_row(store, actor, pid, Action.UPDATE)
        gone = [r for r in store.members(row) if r.kind == ATTACHMENT]
        for attachment in gone:
            stone = tombstone(attachment, "attachment deleted through SciCat")
            store.mark_deleted(attachment, stone)
        return {"count": len(gone)}


def _taken_message(aid: str) -> str:
    return f"An attachment with aid {aid[:200]} already exists!"


def _taken(store: RecordStore, aid: str) -> bool:
    try:
        child_row(store, ATTACHMENT, "aid", aid)
    except NotFound:
        return False
    return True


def view(record: Record) -> dict[str, Any]:
    return scicat_view(record, "aid")


def of_dataset(
    runtime: Runtime, actor: Actor, pid: str, *, limit: int | None = V3_LIMIT
) -> list[dict[str, Any]]:
    """The attachments of a dataset the actor may read, each by its own access."""
    return [view(r) for r in children_of(runtime, actor, pid, ATTACHMENT, limit=limit)]


def count_of_dataset(runtime: Runtime, actor: Actor, pid: str) -> dict[str, int]:
    """`{"count"}` of all the dataset's attachments the actor may read (not a page; counted
    in SQL)."""
    return {"count": count_of(runtime, actor, pid, ATTACHMENT)}


def find(runtime: Runtime, actor: Actor, raw_filter: object) -> list[dict[str, Any]]:
    """GET /api/v4/attachments?filter=: as for blocks, on an attachment's fields (with the
    anonymous actor: `/attachments/public`, the published ones, to anyone)."""
    query = child_query(ATTACHMENT_FIELDS, raw_filter)
    found = listing(runtime, actor, ATTACHMENT_FIELDS, query)
    return [project(view(r), query.fields) for r in found]
