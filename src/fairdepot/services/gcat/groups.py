"""gCat's groups (CKAN groups, our collections): list, show, create, replace, patch, delete
(soft) and purge.

A group is managed through its organization (Admin or above there), or, outside any
organization, by administrators (`services/collections.py`'s rule, through the policy). A new
group belongs to the organization its body names (fairdepot's `organization` field), else to
the one organization the caller is an Admin or Manager of, else to none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fairdepot.core.crosswalks.ckan_entities import (
    check_path_name,
    collection_document,
    collection_from,
    merged,
)
from fairdepot.core.errors import Conflict, InvalidInput, NotFound, Problem
from fairdepot.core.organizations import Collection, GroupState
from fairdepot.core.policy import Action, Actor, OrganizationTarget, Role
from fairdepot.services.gcat.listing import Listed, Listing, listed_names, require
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import UnitOfWork, read_only, unit_of_work


@dataclass(frozen=True)
class GroupView:
    collection: Collection
    records: int

    def document(self) -> dict[str, Any]:
        return collection_document(self.collection, records=self.records)


def taken(name: str) -> Conflict:
    return Conflict(f"Group name already exists in database: group {name!r}")


def listing(runtime: Runtime, request: Listing) -> Listed:
    with read_only(runtime) as work:
        return listed_names(work.collections, request)


def show(runtime: Runtime, name: str) -> GroupView:
    with read_only(runtime) as work:
        return _view(work, _stored(work, name))


def create(runtime: Runtime, actor: Actor, body: dict[str, Any]) -> GroupView:
    administered = sorted(actor.organizations_with(Role.ADMIN))
    default = administered[0] if len(administered) == 1 else None
    wanted = collection_from(body, organization=default)
    _require_manage(actor, wanted.organization)
    try:
        with unit_of_work(runtime) as work:
            _check_organization(work, wanted.organization)
            if work.collections.get(wanted.name) is not None:
                raise taken(wanted.name)
            return _view(work, work.collections.add(wanted))
    except Conflict as exc:  # also: added by someone else meanwhile (the unique name)
        raise taken(wanted.name) from exc


def update(
    runtime: Runtime, actor: Actor, name: str, body: dict[str, Any], *, patch: bool = False
) -> GroupView:
    """PUT or PATCH; moving a group to another organization needs the right to manage both."""
    with unit_of_work(runtime) as work:
        stored = _stored(work, name)
        _require_manage(actor, stored.organization)
        check_path_name(name, body, required=not patch)
        if patch:
            body = merged(_view(work, stored).document(), body)
        changed = collection_from(body, stored)
        if changed.organization != stored.organization:
            _check_organization(work, changed.organization)
            _require_manage(actor, changed.organization)
        return _view(work, work.collections.update(changed))


def delete(runtime: Runtime, actor: Actor, name: str) -> None:
    with unit_of_work(runtime) as work:
        stored = _stored(work, name)
        _require_manage(actor, stored.organization)
        if stored.state is GroupState.DELETED:
            raise NotFound(f"group {name!r} is already deleted")
        work.collections.update(replace(stored, state=GroupState.DELETED))


def purge(runtime: Runtime, actor: Actor, name: str) -> None:
    """Gone for good, its name free; its records stay, out of it."""
    with unit_of_work(runtime) as work:
        stored = _stored(work, name)
        _require_manage(actor, stored.organization)
        work.collections.purge(name)


def _stored(work: UnitOfWork, name: str) -> Collection:
    found = work.collections.get(name)
    if found is None:
        raise NotFound(f"group {name!r} does not exist")
    return found


def _view(work: UnitOfWork, collection: Collection) -> GroupView:
    return GroupView(collection, work.collections.record_count(collection.name))


def _check_organization(work: UnitOfWork, organization: str | None) -> None:
    if organization is not None and work.organizations.get(organization) is None:
        message = f"no organization {organization!r}"
        raise InvalidInput(message, problems=[Problem(message, "organization")])


def _require_manage(actor: Actor, organization: str | None) -> None:
    where = f"organization {organization!r}" if organization else "the facility"
    require(
        actor,
        Action.MANAGE,
        OrganizationTarget(organization),
        f"only Catalogue-Admins or above of {where} manage its groups",
    )
