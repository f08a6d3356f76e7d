"""Moderation in the policy: records awaiting approval are seen by their author and the
Moderators of their organization only, and edited by their author only."""

from __future__ import annotations

from fairdepot.core.policy import ANONYMOUS, Action, Actor, Membership, Role, allows, read_scope
from fairdepot.core.records import Access, Moderation, ModerationState, PublicationStatus

ORG = "beamline"
OWNER = Actor(user_id="u-owner", username="owner", groups=frozenset({"lab-a"}))
GROUP_MATE = Actor(user_id="u-mate", username="mate", groups=frozenset({"lab-a"}))
STRANGER = Actor(user_id="u-other", username="other", groups=frozenset({"lab-b"}))
MODERATOR = Actor(
    user_id="u-mod",
    username="mod",
    groups=frozenset({"mods"}),
    memberships=frozenset({Membership(ORG, Role.MODERATOR)}),
)
ELSEWHERE_MODERATOR = Actor(
    user_id="u-mod2",
    username="mod2",
    memberships=frozenset({Membership("other-org", Role.MODERATOR)}),
)
ADMIN = Actor(user_id="u-admin", username="admin", is_admin=True)
ACTORS = (OWNER, GROUP_MATE, STRANGER, MODERATOR, ELSEWHERE_MODERATOR, ADMIN, ANONYMOUS)


def _pending(**changes) -> Access:
    base = {
        "owner_id": "u-owner",
        "owner_group": "lab-a",
        "metadata_public": True,
        "group_write": True,
        "publication": PublicationStatus.PUBLISHED,
        "organization": ORG,
        "moderation": Moderation(ModerationState.PENDING),
    }
    return Access(**{**base, **changes})


def test_a_record_awaiting_approval_is_read_by_its_author_moderators_and_admins_only() -> None:
    for state in (ModerationState.PENDING, ModerationState.REJECTED):
        access = _pending(moderation=Moderation(state))
        for action in (Action.READ_METADATA, Action.READ_FILES):
            assert {a.username for a in ACTORS if allows(a, action, access)} == {
                "owner",
                "mod",
                "admin",
            }
        # editing stays with the author (the group's shared editing waits for approval)
        assert not allows(GROUP_MATE, Action.UPDATE, access)
        assert not allows(MODERATOR, Action.UPDATE, access)
        assert allows(OWNER, Action.UPDATE, access)


def test_an_approved_record_is_read_as_if_nobody_moderated_it() -> None:
    approved = _pending(moderation=Moderation(ModerationState.APPROVED))
    assert allows(ANONYMOUS, Action.READ_METADATA, approved)
    assert allows(GROUP_MATE, Action.UPDATE, approved)


def test_only_the_organizations_moderators_and_admins_moderate() -> None:
    for access in (_pending(), _pending(moderation=Moderation())):
        assert {a.username for a in ACTORS if allows(a, Action.MODERATE, access)} == {
            "mod",
            "admin",
        }
    assert read_scope(MODERATOR).moderated_organizations == {ORG}
    assert read_scope(OWNER).moderated_organizations == frozenset()
