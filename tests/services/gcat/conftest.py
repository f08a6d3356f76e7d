"""Actors for the gCat use cases: accounts with one role in organization `lab`."""

from __future__ import annotations

import pytest

from fairdepot.core.policy import Actor, Membership, Role
from fairdepot.services import accounts, organizations
from fairdepot.services.runtime import Runtime


def actor_with(
    runtime: Runtime, name: str, role: Role | None, organization: str = "lab", *, admin=False
) -> Actor:
    """A new account holding `role` in `organization` (None: no role), as the policy sees it."""
    accounts.add_user(runtime, name, f"{name}@example.org", "pw", [], admin=admin)
    if role is not None:
        organizations.set_memberships(runtime, name, [Membership(organization, role)])
    user = accounts.user_for_token(runtime, accounts.create_api_token(runtime, name))
    return accounts.actor_for(user, runtime.settings.facility_groups)


@pytest.fixture
def lab(runtime: Runtime) -> str:
    organizations.add_organization(runtime, "lab", title="The lab")
    return "lab"


def reloaded(runtime: Runtime, actor: Actor) -> Actor:
    """The actor as a new request would see it (roles given since included)."""
    assert actor.username is not None
    user = accounts.user_for_token(runtime, accounts.create_api_token(runtime, actor.username))
    return accounts.actor_for(user, runtime.settings.facility_groups)
