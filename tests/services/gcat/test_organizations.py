"""gCat's organization use cases: CRUD, soft delete vs purge, names, the policy's answers."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fairdepot.core.policy import Role
from fairdepot.core.records import Access, Face, Record
from fairdepot.services.gcat import organizations
from fairdepot.services.gcat.listing import Listing
from tests.services.gcat.conftest import actor_with, reloaded


def test_an_admin_creates_an_organization_and_becomes_its_admin(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    view = organizations.create(runtime, admin, {"name": "field", "title": "Field station"})
    assert view.organization.id
    assert view.organization.created
    assert ("ann", Role.ADMIN) in organizations.show(runtime, "field").members
    # ...so on her next request she may change it
    again = reloaded(runtime, admin)
    changed = organizations.update(runtime, again, "field", {"description": "d"}, patch=True)
    assert (changed.organization.title, changed.organization.description) == ("Field station", "d")


@pytest.mark.parametrize("role", [Role.MEMBER, Role.EDITOR, Role.MODERATOR, None])
def test_below_admin_nobody_creates_or_changes_organizations(runtime, lab, role) -> None:
    actor = actor_with(runtime, "bo", role)
    with pytest.raises(PermissionDenied):
        organizations.create(runtime, actor, {"name": "field"})
    for change in (
        lambda: organizations.update(runtime, actor, lab, {"name": lab, "title": "x"}),
        lambda: organizations.delete(runtime, actor, lab),
        lambda: organizations.purge(runtime, actor, lab),
    ):
        with pytest.raises(PermissionDenied):
            change()
    assert organizations.show(runtime, lab).organization.title == "The lab"


def test_an_admin_of_another_organization_may_not_change_this_one(runtime, lab) -> None:
    organizations.create(runtime, actor_with(runtime, "op", None, admin=True), {"name": "other"})
    outsider = actor_with(runtime, "cy", Role.ADMIN, "other")
    with pytest.raises(PermissionDenied):
        organizations.update(runtime, outsider, lab, {"title": "x"}, patch=True)


def test_delete_is_soft_and_purge_frees_the_name(runtime, lab) -> None:
    manager = actor_with(runtime, "mo", Role.MANAGER)
    organizations.delete(runtime, manager, lab)
    assert organizations.listing(runtime, Listing()) == []
    assert organizations.show(runtime, lab).organization.state.value == "deleted"
    with pytest.raises(Conflict):
        organizations.create(runtime, manager, {"name": lab})
    with pytest.raises(NotFound):
        organizations.delete(runtime, manager, lab)  # already deleted
    organizations.purge(runtime, manager, lab)
    with pytest.raises(NotFound):
        organizations.show(runtime, lab)
    assert organizations.create(runtime, manager, {"name": lab}).organization.name == lab


def test_purge_is_refused_while_records_belong_to_the_organization(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    record = Record(
        ark="ark:59852/gcat-org-record",
        kind="Dataset",
        face=Face.GCAT,
        metadata={"@id": "ark:59852/gcat-org-record", "name": "r"},
        access=Access(owner_id=admin.user_id, organization=lab),
    )
    with runtime.writing() as store:
        store.insert(record)
    assert organizations.show(runtime, lab).records == 1
    with pytest.raises(Conflict, match="still holds 1 records"):
        organizations.purge(runtime, admin, lab)


def test_a_put_must_name_its_path_and_replaces_the_rest(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    organizations.update(runtime, admin, lab, {"description": "d"}, patch=True)
    with pytest.raises(InvalidInput, match="does not match"):
        organizations.update(runtime, admin, lab, {"name": "other"})
    with pytest.raises(InvalidInput, match="does not match"):
        organizations.update(runtime, admin, lab, {"name": "other"}, patch=True)
    replaced = organizations.update(runtime, admin, lab, {"name": lab, "moderated": True})
    assert (replaced.organization.title, replaced.organization.description) == (None, "")
    assert replaced.organization.moderated


def test_listings_page_by_rows_and_count_the_active_ones(runtime, lab) -> None:
    op = actor_with(runtime, "op", None, admin=True)
    for name in ("b-org", "c-org", "d-org"):
        organizations.create(runtime, op, {"name": name})
    organizations.delete(runtime, op, "c-org")
    assert organizations.listing(runtime, Listing(limit=None)) == ["b-org", "d-org", "lab"]
    assert organizations.listing(runtime, Listing(limit=1, offset=1)) == ["d-org"]
    assert organizations.listing(runtime, Listing(limit=None, count=True)) == 3
