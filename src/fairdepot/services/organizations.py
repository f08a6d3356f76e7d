"""Organizations and the roles users hold in them (gCat contexts and roles)."""

from __future__ import annotations

from collections.abc import Sequence

from fairdepot.core.errors import Conflict, InvalidInput, NotFound, Problem
from fairdepot.core.organizations import Organization, check_organization_name
from fairdepot.core.policy import Membership, Role
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only, unit_of_work


def add_organization(
    runtime: Runtime, name: str, *, title: str | None = None, moderated: bool = False
) -> Organization:
    organization = Organization(check_organization_name(name), title, moderated)
    taken = Conflict(f"organization {name!r} already exists")
    try:
        with unit_of_work(runtime) as work:
            if work.organizations.get(name) is not None:
                raise taken
            work.organizations.add(organization)
    except Conflict as exc:  # also: created by someone else meanwhile (the unique name)
        raise taken from exc
    return organization


def list_organizations(runtime: Runtime) -> list[Organization]:
    with read_only(runtime) as work:
        return work.organizations.all()


def members(runtime: Runtime, organization: str) -> list[tuple[str, Role]]:
    with read_only(runtime) as work:
        if work.organizations.get(organization) is None:
            raise NotFound(f"no organization {organization!r}")
        return work.organizations.members(organization)


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
    with read_only(runtime) as work:
        missing = work.organizations.missing(m.organization for m in memberships)
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
    with unit_of_work(runtime) as work:
        user = work.accounts.by_username(username)
        if user is None:
            raise InvalidInput(f"no user {username!r}")
        missing = work.organizations.missing(m.organization for m in memberships)
        if missing:  # deleted meanwhile
            raise InvalidInput(f"unknown organization {missing[0]!r}")
        work.organizations.replace_memberships(user.id, memberships)
