"""The read scope as data, part by part (found by mutation testing of core/policy: the SQL
agreement tests in tests/storage and tests/services cover these too, but only on a database)."""

from __future__ import annotations

import pytest

from fairdepot.core.policy import (
    ANONYMOUS,
    Action,
    Actor,
    FacilityGroups,
    Membership,
    Mine,
    ReadScope,
    Role,
    allows,
    read_scope,
)
from fairdepot.core.records import Access

FACILITY = FacilityGroups(delete=frozenset({"cleaners"}))
ALICE = Actor(user_id="u-alice", username="alice", groups=frozenset({"lab-a"}), facility=FACILITY)


def test_own_only_is_the_owners_records_and_nothing_for_anonymous() -> None:
    assert read_scope(ALICE, mine=Mine.OWNER) == ReadScope(owner_id="u-alice")
    assert read_scope(ANONYMOUS, mine=Mine.OWNER) == ReadScope()


def test_own_or_group_is_the_owner_and_the_owner_groups_only() -> None:
    assert read_scope(ALICE, mine=Mine.OWNER_OR_GROUP) == ReadScope(
        owner_id="u-alice", owner_groups=frozenset({"lab-a"})
    )


def test_a_member_of_an_organization_reads_its_records_and_an_admin_its_trash() -> None:
    member = Actor(
        user_id="u-m",
        memberships=frozenset({Membership("beamline", Role.MEMBER)}),
        facility=FACILITY,
    )
    scope = read_scope(member)
    assert scope.organizations == {"beamline"}
    assert scope.trash_organizations == frozenset()
    admin = Actor(user_id="u-a", memberships=frozenset({Membership("beamline", Role.ADMIN)}))
    assert read_scope(admin).trash_organizations == {"beamline"}


def test_delete_groups_see_every_trashed_record_and_may_read_one_of_others() -> None:
    cleaner = Actor(user_id="u-c", groups=frozenset({"cleaners"}), facility=FACILITY)
    assert read_scope(cleaner).trash_everything is True
    assert read_scope(ALICE).trash_everything is False
    trashed = Access(owner_id="u-someone-else", trashed=True)
    assert allows(cleaner, Action.READ_METADATA, trashed)
    assert not allows(ALICE, Action.READ_METADATA, trashed)


def test_an_unknown_role_names_the_roles_there_are() -> None:
    with pytest.raises(ValueError, match="roles are member, editor, admin, manager, moderator"):
        Role.parse("Catalogue-Boss")
