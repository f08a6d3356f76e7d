"""Finding an item by what a gCat client calls it, and showing any record as a package.

A client names an item by its name or its id (gCat calls `package_show id=`, which takes
either), and a record of another face by its package name (`ark-59852-...`, an ARK spelled as
a name: `ckan_names`). Every answer goes through `check_row`, so an unreadable record, or one
in a trash the actor may not see, is "not found" exactly as on the other faces.

What a package shows beyond the crosswalk is the server's: the organization's and groups'
documents, the item's ARK (`fairdepot:ark`, as other records show it) and, in a moderated
organization, gCat's `system:cm_item_status` and `system:cm_item_visibility` extras. A body
sent back with those extras has them dropped before it is checked (`client_body`), so a
client may PUT what it read.
"""

from __future__ import annotations

from typing import Any

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.ckan import PackageOrganization, is_item, package_of
from fairdepot.core.crosswalks.ckan_entities import collection_document
from fairdepot.core.crosswalks.ckan_names import ark_of_name
from fairdepot.core.errors import Conflict, NotFound
from fairdepot.core.policy import Action, Actor
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Face, IdentifierScheme, ModerationState, Record
from fairdepot.services.records import check_row, load
from fairdepot.services.uow import UnitOfWork

NAME = IdentifierScheme.GCAT_NAME.value
ID = IdentifierScheme.GCAT_ID.value
ARK_EXTRA = "fairdepot:ark"
SERVER_PREFIX = "fairdepot:"
STATUS_EXTRA = "system:cm_item_status"
VISIBILITY_EXTRA = "system:cm_item_visibility"
SERVER_EXTRAS = frozenset({STATUS_EXTRA, VISIBILITY_EXTRA})


def not_found(name: str) -> NotFound:
    return NotFound(f"Item '{name[:100]}' does not exist")


def find_item_row(
    work: UnitOfWork, actor: Actor, name: str, action: Action, *, items_only: bool = False
) -> RecordHandle:
    """The record `name` names (an item's name or id, or another record's package name), if
    the actor may do `action` on it: NotFound, Gone (a purged ARK), PermissionDenied.
    `items_only`: a readable record of another face is a Conflict (read-only here) before
    any right to change it is asked about."""
    store = work.records
    row = store.row_by_identifier(NAME, name) or store.row_by_identifier(ID, name)
    if row is None:
        ark = ark_of_name(name)
        if ark is not None:
            try:
                row = store.row_by_key(arks.normalise(ark))
            except arks.InvalidArk:
                row = None
    if row is None:
        raise not_found(name)
    try:
        check_row(store, actor, row, Action.READ_METADATA)
    except NotFound:
        raise not_found(name) from None
    if items_only and row.face != Face.GCAT.value:
        raise read_only_record(row)
    if action is not Action.READ_METADATA:
        check_row(store, actor, row, action)
    return row


def read_only_record(row: RecordHandle) -> Conflict:
    return Conflict(
        f"{row.ark} is a {row.face} record: gCat shows it but changes only gCat items; "
        "change it through its own face"
    )


def item_package(work: UnitOfWork, row: RecordHandle) -> dict[str, Any]:
    """The record of `row` as gCat's `package_show` shows it (links still host-free)."""
    return package_document(work, load(work.records, row))


def package_document(work: UnitOfWork, record: Record) -> dict[str, Any]:
    organization = _organization(work, record.access.organization)
    group_names = [
        g.get("name") or g.get("id") for g in ((record.native or {}).get("groups") or [])
    ]
    groups: dict[str, dict[str, Any]] = {}
    for group_name in group_names:
        found = work.collections.get(group_name) if isinstance(group_name, str) else None
        if found is not None:
            groups[found.name] = collection_document(found)
    package = package_of(record, organization=organization, groups=groups)
    if is_item(record):
        package["extras"].append({"key": ARK_EXTRA, "value": record.ark})
    moderation = record.access.moderation.state
    if moderation is not ModerationState.NONE:
        visibility = "restricted" if package["private"] else "public"
        package["extras"] += [
            {"key": STATUS_EXTRA, "value": moderation.value},
            {"key": VISIBILITY_EXTRA, "value": visibility},
        ]
    return package


def _organization(work: UnitOfWork, name: str | None) -> PackageOrganization | None:
    found = work.organizations.get(name) if name else None
    if found is None:
        return None
    return PackageOrganization(
        id=found.id or found.name,
        name=found.name,
        title=found.title,
        description=found.description,
        image_url=found.image_url,
        created=found.created,
    )


def client_body(body: dict[str, Any]) -> dict[str, Any]:
    """The body without the extras the server shows (`fairdepot:*`, moderation's): a client
    cannot set them, and one sending back what it read is not refused for them."""
    extras = body.get("extras")
    if not isinstance(extras, list):
        return body
    kept = [
        extra
        for extra in extras
        if not (
            isinstance(extra, dict)
            and isinstance(extra.get("key"), str)
            and (extra["key"].startswith(SERVER_PREFIX) or extra["key"] in SERVER_EXTRAS)
        )
    ]
    return {**body, "extras": kept}
