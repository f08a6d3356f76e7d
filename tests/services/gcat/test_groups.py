"""gCat's group use cases: groups belong to an organization, whose Admins manage them."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fairdepot.core.policy import Membership, Role
from fairdepot.services import organizations as core_organizations
from fairdepot.services.gcat import groups
from fairdepot.services.gcat.listing import Listing
from tests.services.gcat.conftest import actor_with, reloaded


def test_an_admins_group_belongs_to_the_organization_she_administers(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    view = groups.create(runtime, admin, {"name": "rivers", "title": "Rivers"})
    assert view.collection.organization == lab
    assert groups.show(runtime, "rivers").collection.title == "Rivers"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.EDITOR, Role.MODERATOR])
def test_below_admin_nobody_writes_groups(runtime, lab, role) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    groups.create(runtime, admin, {"name": "rivers"})
    actor = actor_with(runtime, "bo", role)
    with pytest.raises(PermissionDenied):
        groups.create(runtime, actor, {"name": "lakes", "organization": lab})
    with pytest.raises(PermissionDenied):
        groups.update(runtime, actor, "rivers", {"title": "x"}, patch=True)
    with pytest.raises(PermissionDenied):
        groups.delete(runtime, actor, "rivers")
    with pytest.raises(PermissionDenied):
        groups.purge(runtime, actor, "rivers")


def test_a_group_outside_any_organization_is_the_administrators(runtime, lab) -> None:
    op = actor_with(runtime, "op", None, admin=True)
    assert groups.create(runtime, op, {"name": "facility-wide"}).collection.organization is None
    admin = actor_with(runtime, "ann", Role.ADMIN)
    with pytest.raises(PermissionDenied):
        groups.update(runtime, admin, "facility-wide", {"title": "x"}, patch=True)


def test_an_admin_of_two_organizations_names_the_one_of_a_new_group(runtime, lab) -> None:
    core_organizations.add_organization(runtime, "other")
    unplaced = actor_with(runtime, "tw", None)
    both = [Membership(lab, Role.ADMIN), Membership("other", Role.ADMIN)]
    core_organizations.set_memberships(runtime, "tw", both)
    admin_of_two = reloaded(runtime, unplaced)
    with pytest.raises(PermissionDenied, match="the facility"):  # which one? none: facility's
        groups.create(runtime, admin_of_two, {"name": "lakes"})
    made = groups.create(runtime, admin_of_two, {"name": "lakes", "organization": "other"})
    assert made.collection.organization == "other"


def test_moving_a_group_needs_both_organizations(runtime, lab) -> None:
    core_organizations.add_organization(runtime, "other")
    admin = actor_with(runtime, "ann", Role.ADMIN)
    groups.create(runtime, admin, {"name": "rivers"})
    with pytest.raises(PermissionDenied):
        groups.update(runtime, admin, "rivers", {"organization": "other"}, patch=True)
    with pytest.raises(InvalidInput, match="no organization 'nowhere'"):
        groups.update(runtime, admin, "rivers", {"organization": "nowhere"}, patch=True)
    assert groups.show(runtime, "rivers").collection.organization == lab


def test_soft_delete_keeps_the_name_purge_frees_it(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    groups.create(runtime, admin, {"name": "rivers"})
    groups.create(runtime, admin, {"name": "lakes"})
    groups.delete(runtime, admin, "rivers")
    assert groups.listing(runtime, Listing(limit=None)) == ["lakes"]
    assert groups.listing(runtime, Listing(count=True)) == 1
    with pytest.raises(Conflict):
        groups.create(runtime, admin, {"name": "rivers"})
    groups.purge(runtime, admin, "rivers")
    with pytest.raises(NotFound):
        groups.show(runtime, "rivers")
    groups.create(runtime, admin, {"name": "rivers"})
