"""Moderation and the write scope in the policy: records awaiting approval are seen by their
author and the moderators only, and the read scope of each action agrees with `allows`."""

from __future__ import annotations

import itertools

from fairdepot.core.policy import ANONYMOUS, Action, Actor, ReadScope, allows, read_scope
from fairdepot.core.records import Access, Moderation, ModerationState, PublicationStatus

OWNER = Actor(user_id="u-owner", username="owner", groups=frozenset({"lab-a"}))
GROUP_MATE = Actor(user_id="u-mate", username="mate", groups=frozenset({"lab-a"}))
STRANGER = Actor(user_id="u-other", username="other", groups=frozenset({"lab-b"}))
MODERATOR = Actor(user_id="u-mod", username="mod", groups=frozenset({"mods"}), is_moderator=True)
ADMIN = Actor(user_id="u-admin", username="admin", is_admin=True)
ACTORS = (OWNER, GROUP_MATE, STRANGER, MODERATOR, ADMIN, ANONYMOUS)


def _pending(**changes) -> Access:
    base = {
        "owner_id": "u-owner",
        "owner_group": "lab-a",
        "metadata_public": True,
        "group_write": True,
        "publication": PublicationStatus.PUBLISHED,
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


def test_only_moderators_and_admins_moderate() -> None:
    for access in (_pending(), _pending(moderation=Moderation())):
        assert {a.username for a in ACTORS if allows(a, Action.MODERATE, access)} == {
            "mod",
            "admin",
        }
    assert read_scope(MODERATOR, Action.MODERATE) == ReadScope(everything=True)
    assert read_scope(OWNER, Action.MODERATE) == ReadScope()


def _in_scope(scope: ReadScope, access: Access) -> bool:
    """What storage.db.records.readable() selects, as plain Python."""
    if scope.everything:
        return True
    awaiting = access.moderation.state.awaits_approval
    granted_unless_awaiting = (
        (scope.metadata_public and access.metadata_public)
        or (scope.published and access.publication is PublicationStatus.PUBLISHED)
        or bool(access.owner_group and access.owner_group in scope.groups)
        or bool(scope.groups.intersection(access.access_groups))
        or bool(
            access.group_write
            and access.owner_group
            and access.owner_group in scope.writable_groups
        )
    )
    return (
        (granted_unless_awaiting and not awaiting)
        or (scope.owner_id is not None and scope.owner_id == access.owner_id)
        or (scope.awaiting_moderation and awaiting)
    )


def test_the_scope_of_every_action_selects_exactly_what_allows_lets_do() -> None:
    accesses = [
        Access(
            owner_id=owner,
            owner_group=group,
            access_groups=shared,
            metadata_public=public,
            group_write=write,
            publication=status,
            moderation=Moderation(moderation),
        )
        for owner, group, shared, public, write, status, moderation in itertools.product(
            ["u-owner", None],
            ["lab-a", None],
            [["lab-b"], []],
            [True, False],
            [True, False],
            [PublicationStatus.DRAFT, PublicationStatus.PUBLISHED],
            list(ModerationState),
        )
    ]
    for actor, access, action in itertools.product(ACTORS, accesses, list(Action)):
        expected = allows(actor, action, access)
        assert _in_scope(read_scope(actor, action), access) == expected, (actor, access, action)
