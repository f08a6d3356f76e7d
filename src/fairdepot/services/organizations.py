"""Organizations and the roles users hold in them (gCat contexts and roles)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from fairdepot.core.errors import Conflict, InvalidInput, NotFound, Problem
from fairdepot.core.organizations import Organization, check_organization_name
from fairdepot.core.policy import Membership, Role
from fairdepot.services.runtime import Runtime
from fairdepot.storage.db.models import UserRow
from fairdepot.storage.db.organizations import OrganizationRepository


def add_organization(
    runtime: Runtime, name: str, *, title: str | None = None, moderated: bool = False
) -> Organization:
    organization = Organization(check_organization_name(name), title, moderated)
    with runtime.write_sessions() as session:
        repository = OrganizationRepository(session)
        if repository.get(name) is not None:
            raise Conflict(f"organization {name!r} already exists")
        try:
            repository.add(organization)
            session.commit()
        except IntegrityError as exc:  # created by someone else meanwhile
            raise Conflict(f"organization {name!r} already exists") from exc
    return organization


def list_organizations(runtime: Runtime) -> list[Organization]:
    with runtime.read_sessions() as session:
        return OrganizationRepository(session).all()


def members(runtime: Runtime, organization: str) -> list[tuple[str, Role]]:
    with runtime.read_sessions() as session:
        repository = OrganizationRepository(session)
        if repository.get(organization) is None:
            raise NotFound(f"no organization {organization!r}")
        return repository.members(organization)


def parse_memberships(roles: Sequence[str], organizations: Sequence[str]) -> list[Membership]:
    """`--role R --organization O` pairs, in order; a role or organization alone is an error."""
    if len(roles) != len(organizations):
        raise InvalidInput(
            "give one --organization for each --role "
            f"({len(roles)} roles, {len(organizations)} organizations)"
        )
    parsed = []
    problems = []
    for index, (role, organization) in enumerate(zip(roles, organizations, strict=True)):
        try:
            parsed.append(Membership(organization, Role.parse(role)))
        except ValueError as exc:
            problems.append(Problem(str(exc), f"--role[{index}]"))
    if problems:
        raise InvalidInput("; ".join(p.message for p in problems), problems=problems)
    return parsed


def check_organizations_exist(runtime: Runtime, memberships: Sequence[Membership]) -> None:
    with runtime.read_sessions() as session:
        missing = OrganizationRepository(session).missing(m.organization for m in memberships)
    if missing:
        raise InvalidInput(
            "unknown organization "
            + ", ".join(repr(name) for name in missing)
            + " (add it with `fairdepot org add`)",
            problems=[
                Problem(f"no organization {name!r} (add it with `fairdepot org add`)", name)
                for name in missing
            ],
        )


def set_memberships(runtime: Runtime, username: str, memberships: Sequence[Membership]) -> None:
    """The user's roles become exactly `memberships` (unknown organizations: InvalidInput)."""
    check_organizations_exist(runtime, memberships)
    with runtime.write_sessions() as session:
        user_id = session.scalar(sa.select(UserRow.id).where(UserRow.username == username))
        if user_id is None:
            raise InvalidInput(f"no user {username!r}")
        repository = OrganizationRepository(session)
        missing = repository.missing(m.organization for m in memberships)  # deleted meanwhile
        if missing:
            raise InvalidInput(f"unknown organization {missing[0]!r}")
        repository.replace_memberships(user_id, memberships)
        session.commit()
