"""The policy on accounts (gCat's users) and on creating organizations."""

from __future__ import annotations

import pytest

from fairdepot.core.policy import (
    ANONYMOUS,
    AccountTarget,
    Action,
    Actor,
    FacilityGroups,
    Membership,
    OrganizationTarget,
    Role,
    allows,
)

FACILITY = FacilityGroups(admin=frozenset({"ops"}))


def holding(role: Role | None, name: str = "m") -> Actor:
    memberships = frozenset({Membership("lab", role)}) if role else frozenset()
    return Actor(user_id=f"u-{name}", username=name, memberships=memberships, facility=FACILITY)


OPERATOR = Actor(user_id="u-op", username="op", groups=frozenset({"ops"}), facility=FACILITY)
ACCOUNT_WRITES = (Action.CREATE, Action.UPDATE, Action.DELETE)


def _account(*roles: tuple[str, Role], groups: frozenset[str] = frozenset()) -> AccountTarget:
    return AccountTarget(
        "someone", memberships=frozenset(Membership(o, r) for o, r in roles), groups=groups
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_admins_and_managers_manage_the_accounts_of_their_organization(role: Role) -> None:
    actor = holding(role)
    assert allows(actor, Action.READ_METADATA, AccountTarget(None))
    assert allows(actor, Action.READ_METADATA, AccountTarget("someone"))
    assert allows(actor, Action.CREATE, AccountTarget(None))
    for member in (_account(("lab", Role.EDITOR)), _account(("lab", Role.ADMIN))):
        for action in (Action.UPDATE, Action.DELETE):
            assert allows(actor, action, member), (action, member)
    assert not allows(actor, Action.PURGE, _account(("lab", Role.EDITOR)))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_nobody_but_administrators_takes_over_an_account_beyond_their_organizations(
    role: Role,
) -> None:
    """A new e-mail and password is the account: an Admin of `lab` may not give them to an
    account with a role elsewhere, with no role at all (any FAIRSCAPE user), with SciCat
    groups, or with a higher role in `lab` than theirs."""
    actor = holding(role)
    others = [
        _account(("other", Role.EDITOR)),
        _account(("lab", Role.EDITOR), ("other", Role.MEMBER)),
        _account(),
        _account(("lab", Role.EDITOR), groups=frozenset({"group1"})),
    ]
    if role is Role.ADMIN:
        others.append(_account(("lab", Role.MANAGER)))
    for account in others:
        for action in (Action.UPDATE, Action.DELETE):
            assert not allows(actor, action, account), (action, account)
        assert allows(OPERATOR, Action.UPDATE, account)


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.EDITOR, Role.MODERATOR])
def test_others_read_and_change_only_their_own_account(role: Role | None) -> None:
    actor = holding(role, "me")
    assert not allows(actor, Action.READ_METADATA, AccountTarget(None))
    assert not allows(actor, Action.CREATE, AccountTarget(None))
    assert not allows(actor, Action.READ_METADATA, AccountTarget("someone"))
    assert not allows(actor, Action.UPDATE, AccountTarget("someone"))
    assert allows(actor, Action.READ_METADATA, AccountTarget("me"))
    assert allows(actor, Action.UPDATE, AccountTarget("me"))
    assert not allows(actor, Action.DELETE, AccountTarget("me"))


def test_only_administrators_change_an_administrators_account() -> None:
    admin_account = AccountTarget("op", is_admin=True)
    manager = holding(Role.MANAGER)
    assert allows(manager, Action.READ_METADATA, admin_account)
    for action in (Action.UPDATE, Action.DELETE):
        assert not allows(manager, action, admin_account)
        assert allows(OPERATOR, action, admin_account)


def test_anonymous_callers_reach_no_account() -> None:
    for action in (Action.READ_METADATA, *ACCOUNT_WRITES):
        assert not allows(ANONYMOUS, action, AccountTarget(None))
        assert not allows(ANONYMOUS, action, AccountTarget("someone"))


@pytest.mark.parametrize(
    ("actor", "creates"),
    [
        (OPERATOR, True),
        (holding(Role.MANAGER), True),
        (holding(Role.ADMIN), True),
        (holding(Role.EDITOR), False),
        (holding(Role.MEMBER), False),
        (holding(Role.MODERATOR), False),
        (holding(None), False),
        (ANONYMOUS, False),
    ],
    ids=["operator", "manager", "admin", "editor", "member", "moderator", "none", "anonymous"],
)
def test_new_organizations_are_created_by_administrators_and_admins(
    actor: Actor, creates: bool
) -> None:
    assert allows(actor, Action.CREATE, OrganizationTarget(None)) is creates
    # creating is not managing an existing organization, nor a named one
    assert not allows(actor, Action.CREATE, OrganizationTarget("lab"))
