"""Properties of `allows` over generated actors and records, for every action."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fairdepot.core.policy import (
    RECORD_ACTIONS,
    Action,
    Actor,
    CreateRequest,
    FacilityGroups,
    Membership,
    OrganizationTarget,
    Role,
    allows,
)
from fairdepot.core.records import (
    Access,
    Moderation,
    ModerationState,
    PublicationStatus,
    Visibility,
)

GROUPS = ["g1", "g2", "ops", "cleaners"]
ORGS = ["o1", "o2"]
FACILITY = FacilityGroups(admin=frozenset({"ops"}), delete=frozenset({"cleaners"}))

actors = st.builds(
    Actor,
    user_id=st.none() | st.sampled_from(["u1", "u2"]),
    groups=st.frozensets(st.sampled_from(GROUPS)),
    is_admin=st.booleans(),
    memberships=st.frozensets(
        st.builds(Membership, st.sampled_from(ORGS), st.sampled_from(list(Role))), max_size=3
    ),
    facility=st.just(FACILITY),
)
accesses = st.builds(
    Access,
    owner_id=st.none() | st.sampled_from(["u1", "u2"]),
    owner_group=st.none() | st.sampled_from(GROUPS),
    access_groups=st.lists(st.sampled_from(GROUPS), unique=True),
    metadata_public=st.booleans(),
    group_write=st.booleans(),
    publication=st.sampled_from(list(PublicationStatus)),
    organization=st.none() | st.sampled_from(ORGS),
    trashed=st.booleans(),
    moderation=st.builds(Moderation, st.sampled_from(list(ModerationState))),
)


@given(actor=actors, access=accesses)
def test_administrators_may_do_everything_to_any_record(actor: Actor, access: Access) -> None:
    if actor.is_facility_admin:
        assert all(allows(actor, action, access) for action in RECORD_ACTIONS)


@given(actor=actors, access=accesses)
def test_whoever_reads_the_files_reads_the_metadata(actor: Actor, access: Access) -> None:
    if allows(actor, Action.READ_FILES, access):
        assert allows(actor, Action.READ_METADATA, access)


@given(actor=actors, access=accesses)
def test_whoever_may_change_a_record_in_plain_view_may_read_it(
    actor: Actor, access: Access
) -> None:
    if access.visibility is Visibility.NORMAL and not actor.groups & FACILITY.delete:
        for action in (Action.UPDATE, Action.DELETE, Action.PURGE, Action.PUBLISH):
            if allows(actor, action, access):
                assert allows(actor, Action.READ_FILES, access), action


@given(actor=actors, access=accesses, extra=st.frozensets(st.sampled_from(GROUPS)))
def test_more_groups_never_take_a_right_away(
    actor: Actor, access: Access, extra: frozenset[str]
) -> None:
    richer = Actor(
        actor.user_id,
        groups=actor.groups | extra,
        is_admin=actor.is_admin,
        memberships=actor.memberships,
        facility=FACILITY,
    )
    for action in RECORD_ACTIONS:
        if allows(actor, action, access):
            assert allows(richer, action, access), action


@given(access=accesses, request=st.builds(CreateRequest), organization=st.sampled_from(ORGS))
def test_anonymous_callers_only_ever_read(
    access: Access, request: CreateRequest, organization: str
) -> None:
    anonymous = Actor(facility=FACILITY)
    writes = [a for a in RECORD_ACTIONS if a not in (Action.READ_METADATA, Action.READ_FILES)]
    assert not any(allows(anonymous, action, access) for action in writes)
    assert not allows(anonymous, Action.CREATE, request)
    assert not allows(anonymous, Action.MANAGE, OrganizationTarget(organization))
