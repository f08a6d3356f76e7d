"""gCat's organizations (CKAN organizations, our organizations): list, show, create, replace,
patch, delete (soft: state `deleted`, the name still taken) and purge (gone, the name free).

Writes to an organization need Admin or above in it (or an administrator); a new one may be
created by an administrator or an Admin or Manager of any organization, who becomes its Admin
(as CKAN makes the creator of an organization its admin). Every decision is the policy's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fairdepot.core.crosswalks.ckan_entities import (
    check_path_name,
    merged,
    organization_document,
    organization_from,
)
from fairdepot.core.errors import Conflict, NotFound
from fairdepot.core.organizations import GroupState, Organization
from fairdepot.core.policy import Action, Actor, Membership, OrganizationTarget, Role
from fairdepot.services.gcat.listing import Listed, Listing, listed_names, require
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import UnitOfWork, read_only, unit_of_work


@dataclass(frozen=True)
class OrganizationView:
    """An organization with what its CKAN document shows besides its own fields."""

    organization: Organization
    members: list[tuple[str, Role]]
    records: int

    def document(self) -> dict[str, Any]:
        return organization_document(self.organization, members=self.members, records=self.records)


def taken(name: str) -> Conflict:
    return Conflict(f"Group name already exists in database: organization {name!r}")


def listing(runtime: Runtime, request: Listing) -> Listed:
    """Names of the organizations not deleted (row offset), or how many there are."""
    with read_only(runtime) as work:
        return listed_names(work.organizations, request)


def show(runtime: Runtime, name: str) -> OrganizationView:
    with read_only(runtime) as work:
        return _view(work, _stored(work, name))


def create(runtime: Runtime, actor: Actor, body: dict[str, Any]) -> OrganizationView:
    wanted = organization_from(body)
    require(
        actor,
        Action.CREATE,
        OrganizationTarget(None),
        "only administrators and Catalogue-Admins or above create organizations",
    )
    try:
        with unit_of_work(runtime) as work:
            if work.organizations.get(wanted.name) is not None:
                raise taken(wanted.name)
            stored = work.organizations.add(wanted)
            if actor.user_id is not None:  # the creator becomes its Admin, as in CKAN
                creator = Membership(stored.name, Role.ADMIN)
                work.organizations.add_membership(actor.user_id, creator)
            return _view(work, stored)
    except Conflict as exc:  # also: created by someone else meanwhile (the unique name)
        raise taken(wanted.name) from exc


def update(
    runtime: Runtime, actor: Actor, name: str, body: dict[str, Any], *, patch: bool = False
) -> OrganizationView:
    """PUT (the body replaces every field; `name` must be the path's) or PATCH (the body's
    top-level keys replace the stored ones)."""
    with unit_of_work(runtime) as work:
        stored = _stored(work, name)
        _require_manage(actor, name)
        check_path_name(name, body, required=not patch)
        if patch:
            body = merged(_view(work, stored).document(), body)
        changed = organization_from(body, stored)
        return _view(work, work.organizations.update(changed))


def delete(runtime: Runtime, actor: Actor, name: str) -> None:
    """Soft: out of listings, its name still taken, readable with state `deleted`."""
    with unit_of_work(runtime) as work:
        stored = _stored(work, name)
        _require_manage(actor, name)
        if stored.state is GroupState.DELETED:
            raise NotFound(f"organization {name!r} is already deleted")
        work.organizations.update(replace(stored, state=GroupState.DELETED))


def purge(runtime: Runtime, actor: Actor, name: str) -> None:
    """Gone for good, its name free; refused (409) while records still belong to it."""
    with unit_of_work(runtime) as work:
        _stored(work, name)
        _require_manage(actor, name)
        held = work.organizations.held_records(name)
        if held:
            raise Conflict(
                f"organization {name!r} still holds {held} records (in use or in the trash): "
                "purge them first"
            )
        work.organizations.purge(name)


def _stored(work: UnitOfWork, name: str) -> Organization:
    found = work.organizations.get(name)
    if found is None:
        raise NotFound(f"organization {name!r} does not exist")
    return found


def _view(work: UnitOfWork, organization: Organization) -> OrganizationView:
    return OrganizationView(
        organization,
        work.organizations.members(organization.name),
        work.organizations.record_count(organization.name),
    )


def _require_manage(actor: Actor, name: str) -> None:
    require(
        actor,
        Action.MANAGE,
        OrganizationTarget(name),
        f"only Catalogue-Admins or above of organization {name!r} change it",
    )
