"""Collections: named groups of records (CKAN/gCat groups, SciCat collections).

Managing a collection is managing its organization (gCat: "groups writes: Catalogue-Admins or
above"); a collection outside any organization is the facility's, managed by administrators.
Putting a record in one also needs the right to change that record.
"""

from __future__ import annotations

from fairdepot.core.errors import AuthenticationRequired, Conflict, NotFound, PermissionDenied
from fairdepot.core.organizations import Collection, check_organization_name
from fairdepot.core.policy import Action, Actor, OrganizationTarget, allows, read_scope
from fairdepot.services.records import find_row
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only, unit_of_work


def add_collection(
    runtime: Runtime,
    actor: Actor,
    name: str,
    *,
    title: str | None = None,
    organization: str | None = None,
) -> Collection:
    collection = Collection(check_organization_name(name), title, organization)
    _require_manage(actor, organization)
    taken = Conflict(f"collection {name!r} already exists")
    try:
        with unit_of_work(runtime) as work:
            if organization is not None and work.organizations.get(organization) is None:
                raise NotFound(f"no organization {organization!r}")
            if work.collections.get(name) is not None:
                raise taken
            work.collections.add(collection)
    except Conflict as exc:  # also: added by someone else meanwhile (the unique name)
        raise taken from exc
    return collection


def include(runtime: Runtime, actor: Actor, collection: str, ark_text: str) -> None:
    """Put a record in a collection: manage the collection, and may change the record."""
    with unit_of_work(runtime) as work:
        found = work.collections.get(collection)
        if found is None:
            raise NotFound(f"no collection {collection!r}")
        _require_manage(actor, found.organization)
        row = find_row(work.records, actor, ark_text, Action.UPDATE)
        work.collections.include(collection, row.pk)


def record_arks(runtime: Runtime, actor: Actor, collection: str) -> list[str]:
    """The ARK keys of a collection's records the actor may read (one query, no row checks)."""
    with read_only(runtime) as work:
        if work.collections.get(collection) is None:
            raise NotFound(f"no collection {collection!r}")
        return work.collections.record_keys(collection, read_scope(actor))


def _require_manage(actor: Actor, organization: str | None) -> None:
    if allows(actor, Action.MANAGE, OrganizationTarget(organization)):
        return
    if actor.is_anonymous:
        raise AuthenticationRequired()
    where = f"organization {organization!r}" if organization else "the facility"
    raise PermissionDenied(f"you may not manage the collections of {where}")
