"""gCat items: create, read, replace (PUT), patch, delete (to the trash), purge, restore.

An item is a record of face gCat whose native document is the checked CKAN package
(core/crosswalks/ckan*.py); it gets an ARK as every record does, and identifiers `name` and
`id`. The pipeline is gCat's (reference §3.1): the package checks, `author`/`author_email`/
`owner_org` from the caller, the organization's item profile (`item_profiles`), then one
transaction. Reads take any record of the catalogue (`item_documents`); writes change gCat
items only: the other faces' records are read-only here (409), since a package cannot say
everything a crate or a SciCat dataset holds. Every decision is `core.policy`'s, through
`check_row` and `allows`.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from fairdepot.core.crosswalks.ckan import changes_of, is_item, record_of
from fairdepot.core.crosswalks.ckan_validation import (
    WRONG_ORGANIZATION,
    patched_package,
    validate_package,
)
from fairdepot.core.errors import (
    Conflict,
    IdentifierTaken,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
)
from fairdepot.core.organizations import Organization
from fairdepot.core.policy import Action, Actor, CreateRequest, Role
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Moderation, ModerationState, Record
from fairdepot.core.timestamps import utcnow
from fairdepot.services import catalogue
from fairdepot.services.crates.ingest import minter
from fairdepot.services.gcat.item_documents import (
    ID,
    NAME,
    client_body,
    find_item_row,
    item_package,
    read_only_record,
)
from fairdepot.services.gcat.item_profiles import apply_item_profile
from fairdepot.services.gcat.listing import require
from fairdepot.services.records import load
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import UnitOfWork, read_only, unit_of_work

NAME_TAKEN = "That URL is already in use."
"""CKAN's words for a package name another package (active or in the trash) holds."""


def taken(name: str) -> Conflict:
    return Conflict(f"{NAME_TAKEN} ({name})", problems=[Problem(NAME_TAKEN, "name")])


def show(runtime: Runtime, actor: Actor, name: str) -> dict[str, Any]:
    """`package_show` of an item by name or id, or of any record by its package name."""
    with read_only(runtime) as work:
        return item_package(work, find_item_row(work, actor, name, Action.READ_METADATA))


def create(runtime: Runtime, actor: Actor, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A new item (gCat's create pipeline): its name and its package as stored.

    The organization is the one `owner_org` names (by name or id) or, without one, the
    caller's only organization with Editor or above (`publishing_organization`). An item of
    a moderated organization starts pending."""
    body = client_body(body)
    ark = minter(runtime)()
    try:
        with unit_of_work(runtime) as work:
            organization = publishing_organization(work, actor, body.get("owner_org"))
            package = validate_package(
                body,
                author=actor.username,
                author_email=actor.email,
                owner_org=organization.name,
                owner_org_id=organization.id,
            )
            # an item is found by its name or its id: a name that is another item's id would
            # shadow that item (names are looked up first), so it is taken as well
            if any(
                work.records.row_by_identifier(scheme, package["name"]) is not None
                for scheme in (NAME, ID)
            ):
                raise taken(package["name"])
            package = apply_item_profile(
                work,
                actor,
                organization.name,
                package,
                enforce_max_occurs=runtime.settings.gcat_enforce_max_occurs,
            )
            record = record_of(
                package,
                ark=ark,
                item_id=str(uuid.uuid4()),
                owner_id=actor.user_id,
                organization=organization.name,
                now=utcnow(),
            )
            if organization.moderated:
                record.access.moderation = Moderation(ModerationState.PENDING)
            row = work.records.insert(record)
            return package["name"], item_package(work, row)
    except IdentifierTaken as error:  # taken meanwhile by a concurrent create
        if error.scheme == NAME:
            raise taken(str(body.get("name"))) from None
        raise


def publishing_organization(work: UnitOfWork, actor: Actor, owner_org: object) -> Organization:
    """Where a new item goes. `owner_org` given: that organization (name or id), if the caller
    may publish there (403 otherwise; 400 for one that does not exist). Not given: the one
    organization where the caller is an Editor or above; with several, `owner_org` is needed
    (400 naming them); with none, the caller may not create items (403)."""
    if owner_org is not None:
        found = _organization_named(work, owner_org)
        if found is None:
            raise InvalidInput(
                WRONG_ORGANIZATION, problems=[Problem(WRONG_ORGANIZATION, "owner_org")]
            )
        _require_create(actor, found.name)
        return found
    mine = sorted(actor.organizations_with(Role.EDITOR))
    if not mine:
        if not actor.is_facility_admin:  # the policy would refuse every organization
            raise PermissionDenied(
                "only Catalogue-Editors or above of an organization create items"
            )
        message = "name the organization of the item in 'owner_org': you belong to none"
        raise InvalidInput(message, problems=[Problem(message, "owner_org")])
    if len(mine) > 1:
        message = f"name the organization of the item in 'owner_org': one of {', '.join(mine)}"
        raise InvalidInput(message, problems=[Problem(message, "owner_org")])
    found = work.organizations.get(mine[0])
    if found is None:  # a membership outlives no organization (foreign key), but be clear
        raise InvalidInput(WRONG_ORGANIZATION, problems=[Problem(WRONG_ORGANIZATION, "owner_org")])
    return found


def _require_create(actor: Actor, organization: str) -> None:
    """Creating an item needs Editor or above in its organization (or an administrator)."""
    require(
        actor,
        Action.CREATE,
        CreateRequest(organization=organization),
        f"only Catalogue-Editors or above of organization {organization!r} create items in it",
    )


def _organization_named(work: UnitOfWork, name_or_id: object) -> Organization | None:
    if not isinstance(name_or_id, str) or not name_or_id:
        return None
    found = work.organizations.get(name_or_id)
    if found is not None:
        return found
    return next((o for o in work.organizations.all() if o.id == name_or_id), None)


def update(
    runtime: Runtime, actor: Actor, name: str, body: dict[str, Any], *, patch: bool = False
) -> dict[str, Any]:
    """PUT (the body replaces the item; its `name` must be the path's) or PATCH (CKAN's
    `package_patch`: the body's top-level keys replace the stored ones). The author stays the
    item's creator; an update by the author of a moderated item puts it back to pending."""
    body = client_body(body)
    with unit_of_work(runtime) as work:
        row, record = writable_item(work, actor, name, Action.UPDATE)
        native = record.native or {}
        item_name = str(native.get("name") or name)
        if patch:
            body = patched_package(native, body, item_name)
        organization = (
            work.organizations.get(record.access.organization)
            if record.access.organization
            else None
        )
        package = validate_package(
            body,
            author=native.get("author"),
            author_email=native.get("author_email"),
            owner_org=native.get("owner_org"),
            owner_org_id=organization.id if organization else None,
            path_name=item_name,
            item_id=record.identifiers.get("id"),
        )
        if organization is not None:
            package = apply_item_profile(
                work,
                actor,
                organization.name,
                package,
                enforce_max_occurs=runtime.settings.gcat_enforce_max_occurs,
            )
        changes = changes_of(record, package, now=utcnow())
        if back_to_pending(actor, record):
            changes = replace(changes, moderation=Moderation(ModerationState.PENDING))
        work.records.update(row, changes, actor_id=actor.user_id)
        return item_package(work, row)


def back_to_pending(actor: Actor, record: Record) -> bool:
    moderation = record.access.moderation.state
    is_author = actor.user_id is not None and actor.user_id == record.access.owner_id
    return is_author and moderation in (ModerationState.APPROVED, ModerationState.REJECTED)


def writable_item(
    work: UnitOfWork, actor: Actor, name: str, action: Action
) -> tuple[RecordHandle, Record]:
    row = find_item_row(work, actor, name, action, items_only=True)
    record = load(work.records, row)
    if not is_item(record):
        raise read_only_record(row)
    return row, record


def _gcat_ark(runtime: Runtime, actor: Actor, name: str, action: Action) -> str:
    with read_only(runtime) as work:
        return find_item_row(work, actor, name, action, items_only=True).ark


def delete(runtime: Runtime, actor: Actor, name: str) -> None:
    """Soft: the item goes to the trash (the core's), out of listings; its name stays taken.
    A second DELETE is 404, as the item is no longer there for gCat's DELETE."""
    ark = _gcat_ark(runtime, actor, name, Action.DELETE)
    if not catalogue.trash(runtime, actor, ark):
        raise NotFound(f"Item '{name}' is already in the trash")


def purge(runtime: Runtime, actor: Actor, name: str) -> None:
    """Gone for good (active or trashed): its name and id free again, its ARK a tombstone."""
    catalogue.purge(runtime, actor, _gcat_ark(runtime, actor, name, Action.PURGE))


def restore(runtime: Runtime, actor: Actor, name: str) -> dict[str, Any]:
    """Out of the trash, as it was (`POST /items/{ITEM}?restore=true`)."""
    catalogue.restore(runtime, actor, _gcat_ark(runtime, actor, name, Action.DELETE))
    with read_only(runtime) as work:
        return item_package(work, find_item_row(work, actor, name, Action.READ_METADATA))
