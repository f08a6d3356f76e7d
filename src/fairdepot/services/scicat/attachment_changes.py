"""One SciCat attachment by its `aid`: read it, replace it (PUT), change it (PATCH), delete it.

The attachment's own access decides: its readers read it, its owner group changes and deletes
it (administrators too), as the backend's AttachmentUpdateOwner / DeleteOwner. It stays a
child of the dataset it was created under: a change may add dataset targets (each must exist
and be writable by the caller) but must keep that dataset among them (400 otherwise). A delete
is a purge: the record becomes a tombstone (its ARK answers 410).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fairdepot.core.crosswalks.scicat import access_of
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_files import ATTACHMENT, validate_attachment
from fairdepot.core.errors import InvalidInput, NotFound, Problem
from fairdepot.core.policy import Action, Actor
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import IdentifierScheme, Relation
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.attachments import ATTACHED_TO, view
from fairdepot.services.scicat.children import (
    checked_change,
    checked_child,
    child_row,
    dataset_row,
    may_write,
    reload,
)
from fairdepot.storage.db.records import RecordStore, tombstone

_SERVER_FIELDS = ("aid", "_id", "id", "createdAt", "updatedAt", "createdBy", "updatedBy")
"""Fields a client read and may send back; the server's values stay."""


def _attachment_row(store: RecordStore, aid: str, pid: str | None) -> RecordHandle:
    """The attachment `aid`; with `pid` (v3's nested routes) only one of that dataset."""
    row = child_row(store, ATTACHMENT, "aid", aid)
    if pid is not None and _parent_pid(store, row) != pid:
        raise NotFound(f"attachment {aid[:200]!r} of dataset {pid[:200]!r} not found")
    return row


def _parent_pid(store: RecordStore, row: RecordHandle) -> str | None:
    """The pid of the dataset the attachment was created under (its parent record)."""
    parent = store.parent_of(row)
    if parent is None:
        return None
    return store.load([parent], with_files=False)[0].identifiers.get(
        IdentifierScheme.SCICAT_PID.value
    )


def get(runtime: Runtime, actor: Actor, aid: str) -> dict[str, Any]:
    """The attachment (404 unknown, 403 not readable by its own access)."""
    with runtime.reading() as store:
        row = _attachment_row(store, aid, None)
        return view(checked_child(store, actor, row, Action.READ_METADATA))


def update(
    runtime: Runtime,
    actor: Actor,
    aid: str,
    body: object,
    *,
    replace_all: bool,
    pid: str | None = None,
) -> dict[str, Any]:
    """PATCH (`replace_all` False: the body merged into the attachment at the top level) or
    PUT (the body is the whole attachment, checked like a v4 create). v3's PUT names its
    dataset in the URL: the relationship and owner group stay those of the create."""
    with checked_change(
        runtime,
        actor,
        lambda store: _attachment_row(store, aid, pid),
        Action.UPDATE,
        body=body,
        noun="an attachment",
    ) as change:
        store, row, record = change.store, change.row, change.record
        current = dict(record.native or {})
        given = {k: v for k, v in change.body.items() if k not in _SERVER_FIELDS}
        if pid is not None:  # v3: the URL's dataset, as at creation
            for key in ("datasetId", "relationships", "ownerGroup"):
                given.pop(key, None)
        kept = {k: v for k, v in current.items() if k not in _SERVER_FIELDS}
        if replace_all:
            kept = {k: kept[k] for k in ("datasetId", "relationships", "ownerGroup") if k in kept}
            if pid is None:
                kept.pop("relationships", None)
        attachment = validate_attachment({**kept, **given}, ApiVersion.V4)
        if "ownerGroup" in given:
            may_write(actor, attachment.get("ownerGroup"))
        parent_pid = str(_parent_pid(store, row))
        targets = [
            rel["targetId"]
            for rel in attachment.get("relationships") or []
            if rel.get("targetType") == "dataset"
        ]
        if parent_pid not in targets:
            raise InvalidInput(
                "the changes are not valid",
                problems=[
                    Problem(
                        f"relationships must keep the dataset {parent_pid[:200]}", "relationships"
                    )
                ],
            )
        for target in targets:
            if target != parent_pid:
                dataset_row(store, actor, target, Action.UPDATE)
        native = {
            "aid": current.get("aid", aid),
            "_id": current.get("_id", aid),
            **attachment,
        }
        if "datasetId" in current:
            native["datasetId"] = current["datasetId"]
        for key in ("createdBy",):
            if key in current:
                native[key] = current[key]
        native.setdefault("isPublished", False)
        native.setdefault("accessGroups", [])
        native.setdefault("caption", "")
        native.setdefault("thumbnail", "")
        if actor.username:
            native["updatedBy"] = actor.username
        access = access_of(native, record.access.owner_id)
        store.update(
            row,
            RecordChanges(
                native=native,
                relations=tuple(Relation(ATTACHED_TO, t) for t in targets),
                access=replace(
                    record.access,
                    owner_group=access.owner_group,
                    access_groups=access.access_groups,
                    publication=access.publication,
                ),
            ),
            actor_id=actor.user_id,
        )
        return view(reload(store, row))


def delete(runtime: Runtime, actor: Actor, aid: str, *, pid: str | None = None) -> dict[str, Any]:
    """Purge the attachment (its owner group, administrators); the attachment as it was."""
    with checked_change(
        runtime, actor, lambda store: _attachment_row(store, aid, pid), Action.UPDATE
    ) as change:
        gone = view(change.record)
        change.store.mark_deleted(
            change.row, tombstone(change.row, "attachment deleted through SciCat")
        )
        return gone
