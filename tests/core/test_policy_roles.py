"""The policy per role: gCat's role table (organizations) and SciCat's facility group lists."""

from __future__ import annotations

import pytest

from fairdepot.core.policy import (
    ANONYMOUS,
    Action,
    Actor,
    CreateRequest,
    FacilityGroups,
    Membership,
    OrganizationTarget,
    ReadScope,
    Role,
    allows,
    at_least,
    read_scope,
)
from fairdepot.core.records import Access, Moderation, ModerationState

FACILITY = FacilityGroups(
    admin=frozenset({"ops"}),
    delete=frozenset({"cleaners"}),
    create_with_pid=frozenset({"pidders"}),
    create_for_any_owner_group=frozenset({"ingestors"}),
)
ORG = "lab"


def member(role: Role, name: str = "m", organization: str = ORG) -> Actor:
    return Actor(
        user_id=f"u-{name}",
        username=name,
        groups=frozenset({f"own-{name}"}),
        memberships=frozenset({Membership(organization, role)}),
        facility=FACILITY,
    )


def someone(*groups: str, name: str = "x") -> Actor:
    return Actor(user_id=f"u-{name}", username=name, groups=frozenset(groups), facility=FACILITY)


AUTHOR = member(Role.EDITOR, "author")
OTHERS_ITEM = Access(owner_id="u-someone-else", owner_group="their-group", organization=ORG)
OWN_ITEM = Access(owner_id="u-author", owner_group="own-author", organization=ORG)
WRITES = (Action.UPDATE, Action.DELETE, Action.PURGE, Action.PUBLISH)


def test_roles_form_gcats_ladder_with_the_moderator_beside_it() -> None:
    assert at_least(Role.MANAGER, Role.ADMIN)
    assert at_least(Role.ADMIN, Role.EDITOR)
    assert at_least(Role.EDITOR, Role.MEMBER)
    assert not at_least(Role.MEMBER, Role.EDITOR)
    assert at_least(Role.MODERATOR, Role.MEMBER)
    assert not at_least(Role.MODERATOR, Role.EDITOR)
    assert not at_least(Role.MANAGER, Role.MODERATOR)
    assert Role.parse("Catalogue-Editor") is Role.EDITOR
    with pytest.raises(ValueError, match="unknown role 'owner'"):
        Role.parse("owner")


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_its_organizations_private_records(role: Role) -> None:
    actor = member(role)
    assert allows(actor, Action.READ_METADATA, OTHERS_ITEM)
    assert allows(actor, Action.READ_FILES, OTHERS_ITEM)
    assert not allows(member(role, organization="elsewhere"), Action.READ_METADATA, OTHERS_ITEM)


@pytest.mark.parametrize(
    ("role", "may_create"),
    [
        (Role.MEMBER, False),
        (Role.EDITOR, True),
        (Role.ADMIN, True),
        (Role.MANAGER, True),
        (Role.MODERATOR, False),
    ],
)
def test_creating_in_an_organization_needs_editor_or_above(role: Role, may_create: bool) -> None:
    assert allows(member(role), Action.CREATE, CreateRequest(organization=ORG)) is may_create
    assert not allows(member(role), Action.CREATE, CreateRequest(organization="elsewhere"))


@pytest.mark.parametrize(
    ("role", "own", "others"),
    [
        (Role.MEMBER, False, False),
        (Role.EDITOR, True, False),
        (Role.ADMIN, True, True),
        (Role.MANAGER, True, True),
        (Role.MODERATOR, False, False),
    ],
)
@pytest.mark.parametrize("action", WRITES)
def test_editors_change_their_own_items_admins_everyones(
    role: Role, own: bool, others: bool, action: Action
) -> None:
    actor = member(role, "author")
    assert allows(actor, action, OWN_ITEM if own else OTHERS_ITEM) is (own or others)
    assert allows(actor, action, OTHERS_ITEM) is others
    if own:  # an Editor who is not the author cannot
        assert allows(actor, action, OWN_ITEM)


def test_managing_an_organization_is_for_its_admins_and_managers() -> None:
    target = OrganizationTarget(ORG)
    for role, expected in [
        (Role.MEMBER, False),
        (Role.EDITOR, False),
        (Role.MODERATOR, False),
        (Role.ADMIN, True),
        (Role.MANAGER, True),
    ]:
        assert allows(member(role), Action.MANAGE, target) is expected, role
        assert allows(member(role), Action.MANAGE, OTHERS_ITEM) is expected, role
    assert not allows(member(Role.MANAGER), Action.MANAGE, OrganizationTarget("elsewhere"))
    assert allows(someone("ops"), Action.MANAGE, target)
    assert allows(ANONYMOUS, Action.READ_METADATA, target)
    assert not allows(ANONYMOUS, Action.MANAGE, target)


def test_only_moderators_of_the_organization_moderate_not_even_its_manager() -> None:
    assert allows(member(Role.MODERATOR), Action.MODERATE, OTHERS_ITEM)
    assert not allows(
        member(Role.MODERATOR, organization="elsewhere"), Action.MODERATE, OTHERS_ITEM
    )
    for role in (Role.MEMBER, Role.EDITOR, Role.ADMIN, Role.MANAGER):
        assert not allows(member(role), Action.MODERATE, OTHERS_ITEM), role
    assert not allows(member(Role.MODERATOR), Action.MODERATE, Access(owner_id="u-x"))
    assert allows(someone("ops"), Action.MODERATE, OTHERS_ITEM)  # the facility admin


def test_a_record_awaiting_moderation_is_seen_by_its_author_and_moderators_only() -> None:
    pending = Access(
        owner_id="u-author",
        organization=ORG,
        metadata_public=True,
        moderation=Moderation(ModerationState.PENDING),
    )
    assert allows(AUTHOR, Action.READ_METADATA, pending)
    assert allows(member(Role.MODERATOR), Action.READ_METADATA, pending)
    assert allows(someone("ops"), Action.READ_METADATA, pending)
    for actor in (member(Role.MEMBER), member(Role.MANAGER), someone("own-author"), ANONYMOUS):
        assert not allows(actor, Action.READ_METADATA, pending), actor


def test_a_trashed_record_is_seen_by_its_owner_and_the_organizations_admins() -> None:
    trashed = Access(
        owner_id="u-author",
        owner_group="own-author",
        organization=ORG,
        metadata_public=True,
        trashed=True,
    )
    for actor in (AUTHOR, member(Role.ADMIN), member(Role.MANAGER), someone("ops")):
        assert allows(actor, Action.READ_METADATA, trashed), actor
    for actor in (member(Role.MEMBER), member(Role.MODERATOR), someone("own-author"), ANONYMOUS):
        assert not allows(actor, Action.READ_METADATA, trashed), actor
    scope = read_scope(member(Role.ADMIN))
    assert scope.trash_organizations == {ORG}
    assert scope.moderated_organizations == frozenset()
    assert read_scope(member(Role.MODERATOR)).moderated_organizations == {ORG}


# -- SciCat's facility lists ------------------------------------------------------------------


def test_admin_groups_make_an_administrator_of_every_record_and_read_scope() -> None:
    ops = someone("ops")
    assert ops.is_facility_admin
    assert not ops.is_admin
    for action in (*WRITES, Action.READ_FILES, Action.MODERATE):
        assert allows(ops, action, OTHERS_ITEM)
    assert read_scope(ops) == ReadScope(everything=True)
    assert not someone("ops-not").is_facility_admin


@pytest.mark.parametrize("action", [Action.DELETE, Action.PURGE])
def test_delete_groups_delete_and_purge_but_change_nothing_else(action: Action) -> None:
    cleaner = someone("cleaners")
    assert allows(cleaner, action, OTHERS_ITEM)
    for other in (Action.UPDATE, Action.PUBLISH, Action.READ_METADATA):
        assert not allows(cleaner, other, OTHERS_ITEM)


def test_any_account_creates_for_its_own_groups_without_a_pid() -> None:
    plain = someone("lab-a")
    assert allows(plain, Action.CREATE, CreateRequest())
    assert allows(plain, Action.CREATE, CreateRequest(owner_group="lab-a"))
    assert not allows(plain, Action.CREATE, CreateRequest(owner_group="lab-b"))
    assert not allows(
        plain, Action.CREATE, CreateRequest(owner_group="lab-a", preset_identifier=True)
    )
    assert not allows(ANONYMOUS, Action.CREATE, CreateRequest())


def test_pid_groups_may_set_the_pid_for_their_own_groups_only() -> None:
    pidder = someone("pidders", "lab-a")
    assert allows(pidder, Action.CREATE, CreateRequest(owner_group="lab-a", preset_identifier=True))
    assert not allows(pidder, Action.CREATE, CreateRequest(owner_group="lab-b"))


def test_privileged_groups_create_for_any_owner_group_with_a_pid() -> None:
    ingestor = someone("ingestors")
    request = CreateRequest(owner_group="lab-b", preset_identifier=True)
    assert allows(ingestor, Action.CREATE, request)
    assert allows(someone("ops"), Action.CREATE, request)
    # an organization still needs a role in it
    assert not allows(ingestor, Action.CREATE, CreateRequest(organization=ORG))


def test_a_target_of_the_wrong_kind_is_refused_even_to_administrators() -> None:
    ops = someone("ops")
    assert not allows(ops, Action.CREATE, OTHERS_ITEM)
    assert not allows(ops, Action.UPDATE, CreateRequest())
    assert not allows(ops, Action.UPDATE, OrganizationTarget(ORG))
    with pytest.raises(ValueError, match="no read scope"):
        read_scope(ops, Action.UPDATE)
