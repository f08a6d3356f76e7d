"""gCat's profiles: each organization's item profiles (gCat keeps them per context), listed,
read, created or replaced, and deleted.

Anyone with an account reads an organization's profiles (they say what an item must carry);
only its Admins and Managers, or an administrator, write them (`core.policy`: MANAGE on the
organization). Which organization a request means is `organization_for`'s rule, the same for
every profile route: the one named (the face's `organization` query parameter), else the
caller's one organization where they hold the role the operation needs, else the caller's one
organization at all; with none or several to choose from, the caller must name it (400).

A profile's name is its `type`, what an item's `system:type` names: a PUT whose body declares
another type is refused (reference §10.5).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from fairdepot.core.errors import InvalidInput, NotFound, Problem
from fairdepot.core.organizations import check_organization_name
from fairdepot.core.policy import Action, Actor, OrganizationTarget, Role
from fairdepot.core.profiles import Profile, parse_profile, parse_profile_text
from fairdepot.core.profiles.stored import MAX_PROFILE_NAME_CHARS, StoredProfile, storable_name
from fairdepot.services.gcat.listing import require
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import UnitOfWork, read_only, unit_of_work

ORGANIZATION_PARAMETER = "organization"
"""Where a caller names the organization (the face's query parameter)."""


@dataclass(frozen=True)
class Written:
    profile: StoredProfile
    created: bool
    """True: it did not exist before (201); False: it was replaced (200)."""


def organization_for(actor: Actor, asked: str | None, needed: Role) -> str:
    """The organization a profile request is about (module docstring)."""
    if asked is not None:
        try:
            return check_organization_name(asked)
        except InvalidInput as bad:
            raise InvalidInput(
                bad.message, problems=[Problem(bad.message, ORGANIZATION_PARAMETER)]
            ) from None
    for minimum in (needed, Role.MEMBER):
        held = sorted(actor.organizations_with(minimum))
        if len(held) == 1:
            return held[0]
    held = sorted(actor.organizations_with(Role.MEMBER))
    why = (
        f"you hold roles in several organizations ({', '.join(held)})"
        if held
        else "you hold no role in any organization"
    )
    message = f"{why}: name the organization with ?{ORGANIZATION_PARAMETER}=NAME"
    raise InvalidInput(message, problems=[Problem(message, ORGANIZATION_PARAMETER)])


def names(runtime: Runtime, actor: Actor, organization: str | None) -> list[str]:
    """The organization's profile names, sorted (gCat's listing is not paged)."""
    with read_only(runtime) as work:
        where = _readable_organization(work, actor, organization)
        return work.profiles.names(where)


def count(runtime: Runtime, actor: Actor, organization: str | None) -> int:
    with read_only(runtime) as work:
        return work.profiles.count(_readable_organization(work, actor, organization))


def read(runtime: Runtime, actor: Actor, organization: str | None, name: str) -> StoredProfile:
    with read_only(runtime) as work:
        where = _readable_organization(work, actor, organization)
        found = work.profiles.get(where, name) if storable_name(name) else None
        if found is None:
            raise NotFound(f"no profile {name!r} in organization {where!r}")
        return found


def put(
    runtime: Runtime, actor: Actor, organization: str | None, name: str, body: bytes
) -> Written:
    """Create or replace the profile `name` with the XML `body`, once it is checked."""
    where = organization_for(actor, organization, Role.ADMIN)
    _require_manage(actor, where)
    profile = parse_profile(body)
    if profile.type != name:
        message = (
            f"the profile's type ({profile.type!r}) must be its name in the URL ({name!r}):"
            " items name a profile by its type in 'system:type'"
        )
        raise InvalidInput(message, problems=[Problem(message, "/metadataformat/@type")])
    if not storable_name(name):
        message = f"a profile's type is at most {MAX_PROFILE_NAME_CHARS} characters"
        raise InvalidInput(message, problems=[Problem(message, "/metadataformat/@type")])
    with unit_of_work(runtime) as work:
        _check_organization(work, where)
        stored, created = work.profiles.put(where, name, profile.xml)
    return Written(stored, created)


def delete(runtime: Runtime, actor: Actor, organization: str | None, name: str) -> None:
    where = organization_for(actor, organization, Role.ADMIN)
    _require_manage(actor, where)
    with unit_of_work(runtime) as work:
        _check_organization(work, where)
        if not (storable_name(name) and work.profiles.delete(where, name)):
            raise NotFound(f"no profile {name!r} in organization {where!r}")


def parsed(stored: StoredProfile) -> Profile:
    """The stored text as a `Profile` (its JSON view, an item's validation)."""
    return _parsed_text(stored.xml)


@functools.lru_cache(maxsize=64)
def _parsed_text(xml: str) -> Profile:
    """Parsed once per process per text: an item's validation reads every profile of its
    organization, and the schema check and pattern compilation are the costly part. Keyed by
    the text itself, so a replaced profile is never answered from an old entry; 64 entries
    (profiles are a few KiB, 1 MiB at most) bound what it holds."""
    return parse_profile_text(xml)


def _readable_organization(work: UnitOfWork, actor: Actor, organization: str | None) -> str:
    where = organization_for(actor, organization, Role.MEMBER)
    require(
        actor,
        Action.READ_METADATA,
        OrganizationTarget(where),
        f"you may not read the profiles of organization {where!r}",
    )
    _check_organization(work, where)
    return where


def _check_organization(work: UnitOfWork, organization: str) -> None:
    if work.organizations.get(organization) is None:
        message = f"no organization {organization!r}"
        raise InvalidInput(message, problems=[Problem(message, ORGANIZATION_PARAMETER)])


def _require_manage(actor: Actor, organization: str) -> None:
    require(
        actor,
        Action.MANAGE,
        OrganizationTarget(organization),
        f"only Catalogue-Admins or above of organization {organization!r} manage its profiles",
    )
