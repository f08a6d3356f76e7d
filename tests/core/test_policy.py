"""The access policy, unit by unit: who may do what, and the read scope that must agree with it.

These are the fast, pure tests that kill mutants of core/policy.py (see docs/testing.md); the
HTTP tests check the same rules through the faces.
"""

from __future__ import annotations

import itertools

import pytest

from fairdepot.core.policy import ANONYMOUS, Action, Actor, ReadScope, allows, read_scope
from fairdepot.core.records import Access, PublicationStatus

OWNER = Actor(user_id="u-owner", username="owner", groups=frozenset({"lab-a"}))
GROUP_MATE = Actor(user_id="u-mate", username="mate", groups=frozenset({"lab-a"}))
SHARED_WITH = Actor(user_id="u-guest", username="guest", groups=frozenset({"beamline"}))
STRANGER = Actor(user_id="u-other", username="other", groups=frozenset({"lab-b"}))
ADMIN = Actor(user_id="u-admin", username="admin", groups=frozenset({"admin"}), is_admin=True)
WRITES = (Action.UPDATE, Action.DELETE, Action.PUBLISH)


def _access(**changes) -> Access:
    base = {"owner_id": "u-owner", "owner_group": "lab-a", "access_groups": ["beamline"]}
    return Access(**{**base, **changes})


def test_a_private_draft_is_read_by_owner_group_shared_groups_and_admin_only() -> None:
    draft = _access()
    for actor in (OWNER, GROUP_MATE, SHARED_WITH, ADMIN):
        assert allows(actor, Action.READ_METADATA, draft), actor.username
        assert allows(actor, Action.READ_FILES, draft), actor.username
    for actor in (STRANGER, ANONYMOUS):
        assert not allows(actor, Action.READ_METADATA, draft)
        assert not allows(actor, Action.READ_FILES, draft)


def test_public_metadata_opens_the_metadata_but_not_the_files() -> None:
    public = _access(metadata_public=True)
    assert allows(ANONYMOUS, Action.READ_METADATA, public)
    assert allows(STRANGER, Action.READ_METADATA, public)
    assert not allows(ANONYMOUS, Action.READ_FILES, public)
    assert not allows(STRANGER, Action.READ_FILES, public)


@pytest.mark.parametrize(
    "status", [s for s in PublicationStatus if s is not PublicationStatus.PUBLISHED]
)
def test_only_publishing_opens_the_files(status: PublicationStatus) -> None:
    assert not allows(ANONYMOUS, Action.READ_FILES, _access(publication=status))
    assert not allows(ANONYMOUS, Action.READ_METADATA, _access(publication=status))
    published = _access(publication=PublicationStatus.PUBLISHED)
    assert allows(ANONYMOUS, Action.READ_FILES, published)
    assert allows(ANONYMOUS, Action.READ_METADATA, published)


@pytest.mark.parametrize("action", WRITES)
def test_writes_belong_to_the_owner_unless_the_group_shares_editing(action: Action) -> None:
    own = _access(metadata_public=True, publication=PublicationStatus.PUBLISHED)
    assert allows(OWNER, action, own)
    assert allows(ADMIN, action, own)
    for actor in (GROUP_MATE, SHARED_WITH, STRANGER, ANONYMOUS):
        assert not allows(actor, action, own), actor.username
    shared = _access(group_write=True)
    assert allows(GROUP_MATE, action, shared)
    assert not allows(SHARED_WITH, action, shared)  # access groups read, they do not write
    assert not allows(STRANGER, action, shared)
    assert not allows(GROUP_MATE, action, _access(group_write=True, owner_group=None))


def test_an_anonymous_actor_never_matches_an_ownerless_record() -> None:
    ownerless = Access(owner_id=None)
    assert ANONYMOUS.is_anonymous
    assert not OWNER.is_anonymous
    for action in Action:
        assert not allows(ANONYMOUS, action, ownerless)


def test_the_read_scope_of_each_actor() -> None:
    assert read_scope(ADMIN) == ReadScope(everything=True)
    assert read_scope(ADMIN, Action.READ_FILES) == ReadScope(everything=True)
    lab_a = frozenset({"lab-a"})
    assert read_scope(OWNER) == ReadScope(
        owner_id="u-owner",
        owner_groups=lab_a,
        access_groups=lab_a,
        metadata_public=True,
        published=True,
        trash_shared_groups=lab_a,
    )
    assert read_scope(OWNER, Action.READ_FILES) == ReadScope(
        owner_id="u-owner",
        owner_groups=lab_a,
        access_groups=lab_a,
        metadata_public=False,
        published=True,
        trash_shared_groups=lab_a,
    )
    assert read_scope(ANONYMOUS) == ReadScope(metadata_public=True, published=True)


def _in_scope(scope: ReadScope, access: Access) -> bool:
    """What storage.db.scope.readable() selects, as plain Python."""
    if scope.everything:
        return True
    return (
        (scope.metadata_public and access.metadata_public)
        or (scope.published and access.publication is PublicationStatus.PUBLISHED)
        or (scope.owner_id is not None and scope.owner_id == access.owner_id)
        or bool(access.owner_group and access.owner_group in scope.owner_groups)
        or bool(scope.access_groups.intersection(access.access_groups))
    )


def test_the_read_scope_selects_exactly_what_allows_lets_read() -> None:
    accesses = [
        Access(
            owner_id=owner,
            owner_group=group,
            access_groups=shared,
            metadata_public=public,
            group_write=write,
            publication=status,
        )
        for owner, group, shared, public, write, status in itertools.product(
            ["u-owner", None],
            ["lab-a", None],
            [["beamline"], []],
            [True, False],
            [True, False],
            list(PublicationStatus),
        )
    ]
    actors = [OWNER, GROUP_MATE, SHARED_WITH, STRANGER, ADMIN, ANONYMOUS]
    for actor, access, action in itertools.product(
        actors, accesses, [Action.READ_METADATA, Action.READ_FILES]
    ):
        expected = allows(actor, action, access)
        assert _in_scope(read_scope(actor, action), access) == expected, (actor, access, action)
